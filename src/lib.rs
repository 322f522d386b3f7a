//! AttnScope core: softmax and linear-attention variants, computed by a CPU reference (the
//! specification) and by WGSL compute shaders through wgpu (Vulkan natively, WebGPU in the browser).
//!
//! The crate answers one kind of question, a [`Request`] ("this variant, on this workload, on this
//! backend") with one [`Response`] (output `O`, implicit attention matrix `A` with `O = A V`, and
//! statistics of `A`). Three doors share it: the native CLI (`attnscope eval`), the wasm API
//! (`wasm` module, used by the site's Web Worker) and the tests.
//!
//! Module map:
//! - [`error`]: the one error enum; every failure names the request field it is about.
//! - [`tensor`]: [`Matrix`], row-major `f32`.
//! - [`rng`]: seeded random streams, identical natively and in wasm.
//! - [`schema`]: `Request` / `Response` and their strict JSON parsing.
//! - [`workload`]: Q, K, V from a seeded description or given explicitly.
//! - [`attention`]: the variants (CPU reference: quadratic and recurrent forms).
//! - [`catalog`]: each variant's card (paper, cost, flags, parameter schema, formula).
//! - [`stats`]: entropy, singular values, effective rank of `A`.
//! - [`gpu`]: the wgpu context and the WGSL pipelines (async everywhere; never blocks on wasm).
//! - [`engine`]: evaluates a `Request` on the chosen backend.

pub mod attention;
pub mod catalog;
pub mod engine;
pub mod error;
pub mod gpu;
pub mod icl;
pub mod rng;
pub mod schema;
pub mod stats;
pub mod tensor;
pub mod workload;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::evaluate;
pub use error::{Error, Result};
pub use schema::{Request, Response};
pub use tensor::Matrix;
