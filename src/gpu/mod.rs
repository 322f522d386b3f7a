//! The GPU path: a wgpu context (Vulkan natively, WebGPU in the browser) and the WGSL pipelines of
//! `shaders/`. Everything is async, because wasm cannot block.
//!
//! Data flow of one run: upload Q, K, V (storage buffers) → one compute pass per kernel → copy the
//! results to a staging buffer → map it and read back. The CPU reference is the specification;
//! `tests/gpu_vs_cpu.rs` and `tests/web.rs` hold every kernel to it.

mod buffers;
mod context;
mod params;
mod pipelines;
mod timer;

pub use context::{AdapterSummary, GpuContext};

use crate::attention::{AttentionOutput, VariantSpec};
use crate::error::Result;
use crate::workload::Qkv;

/// What a GPU run returns besides the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GpuTiming {
    /// Time on the device between the first and last timestamp of the passes, in ms; `None`
    /// where the adapter has no `timestamp-query` feature.
    pub kernel_ms: Option<f64>,
}

/// Runs `spec` on the GPU. `A` is produced when `want_attention`: softmax writes its weights;
/// linear attention divides `φ(q_i)·φ(k_j)` by the normalisers its output pass computed.
pub async fn run(
    ctx: &GpuContext,
    spec: &VariantSpec,
    qkv: &Qkv,
    causal: bool,
    want_attention: bool,
) -> Result<(AttentionOutput, GpuTiming)> {
    let scratch_bytes = match spec {
        VariantSpec::Softmax(_) => 0,
        VariantSpec::LinearElu(_) => {
            4 * pipelines::attn_linear::state_len(qkv.n(), qkv.d_k(), qkv.d_v()) as u64
        }
    };
    ctx.check_fits(qkv, want_attention, scratch_bytes)?;
    match spec {
        VariantSpec::Softmax(p) => {
            let scale = p.effective_scale(qkv.d_k()) as f32;
            let (output, attention, timing) =
                pipelines::attn_softmax::run(ctx, qkv, scale, causal, want_attention).await?;
            Ok((AttentionOutput { output, attention }, timing))
        }
        VariantSpec::LinearElu(p) => {
            let (output, attention, timing) =
                pipelines::attn_linear::run(ctx, qkv, causal, p.eps as f32, want_attention).await?;
            Ok((AttentionOutput { output, attention }, timing))
        }
    }
}

/// Turns a popped validation scope into an error.
pub(crate) fn check_scope(error: Option<wgpu::Error>) -> Result<()> {
    match error {
        Some(err) => Err(crate::error::Error::Gpu {
            op: "dispatch",
            message: err.to_string(),
        }),
        None => Ok(()),
    }
}

/// `(WGSL struct name, size in bytes)` of every uniform block as Rust lays it out; the shader
/// test checks each shader's struct of that name has the same size.
pub const PARAMS_LAYOUT: &[(&str, usize)] = &[
    (
        "AttnSoftmaxParams",
        std::mem::size_of::<params::AttnSoftmaxParams>(),
    ),
    (
        "AttnLinearParams",
        std::mem::size_of::<params::AttnLinearParams>(),
    ),
];

/// Invocations per workgroup of every shader.
pub use pipelines::WORKGROUP_SIZE;
