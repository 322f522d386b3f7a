//! `Response`: what one evaluation returns, serialised as the CLI's JSON.

use crate::attention::gated::trace::StateSnapshot;
use crate::attention::VariantSpec;
use crate::stats::Stats;
use crate::tensor::Matrix;
use serde::Serialize;
use std::collections::BTreeMap;

/// The backend that actually ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The CPU reference path.
    Cpu,
    /// The WGSL kernels through wgpu.
    Gpu,
}

/// The result of one [`crate::Request`].
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// The variant with every default filled in (e.g. `scale`).
    pub variant: VariantSpec,
    /// The backend that ran.
    pub backend: Backend,
    /// Why the backend differs from the one asked for (or what the GPU was), else null.
    pub backend_note: Option<String>,
    /// Sequence length.
    pub n: usize,
    /// Query/key dimension.
    pub d_k: usize,
    /// Value dimension.
    pub d_v: usize,
    /// `O = A V` (n × d_v), when requested.
    pub output: Option<Matrix>,
    /// The implicit attention matrix `A` (n × n), when requested.
    pub attention: Option<Matrix>,
    /// Statistics of `A`, when requested.
    pub stats: Option<Stats>,
    /// The recurrent state after each step of the request's `state_trace` (absent when not asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_trace: Option<Vec<StateSnapshot>>,
    /// Wall-clock phases in milliseconds (`workload`, `compute`, `stats`, `total`) and, where
    /// the GPU has timestamp queries, `gpu_kernel` (time on the device).
    pub timing_ms: BTreeMap<String, f64>,
}
