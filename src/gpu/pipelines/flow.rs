//! Runs Flowformer on the GPU (variants.md §2.9) in its linear form: the O(N d) conservation pass
//! gives the row and column scalars on the CPU (`flowformer::flow`), folded into the features
//! `row_t σ(q_t)` and `c_j σ(k_j)`; the kernel family's chunkwise chain (`kernel_attn.rs`,
//! unnormalised) then accumulates `S_t = Σ_{j≤t} σ(k_j)ᵀ (c_j v_j)` and reads
//! `o_t = row_t σ(q_t) S_t`. `O(N d d_v)`; `A` (its weights pass) only when wanted.

use super::kernel_attn::{self, Features};
use super::lowrank::RunResult;
use crate::attention::kernel::flowformer::{flow, FlowformerParams};
use crate::attention::kernel::DEFAULT_CHUNK_SIZE;
use crate::error::Result;
use crate::gpu::GpuContext;
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// `scale_t · x_t` for every row, in f32.
fn scaled_rows(x: &[Vec<f64>], scale: &[f64]) -> Result<Matrix> {
    let cols = x.first().map_or(0, Vec::len);
    let data = x
        .iter()
        .zip(scale)
        .flat_map(|(row, &s)| row.iter().map(move |&v| (s * v) as f32))
        .collect();
    Matrix::from_vec(x.len(), cols, data)
}

/// `(O, A if wanted, timing)` (RoPE, if any, already applied to `qkv`).
pub async fn run(
    ctx: &GpuContext,
    p: &FlowformerParams,
    qkv: &Qkv,
    causal: bool,
    want: bool,
) -> Result<RunResult> {
    let scalars = flow(qkv, causal, p.eps);
    let fq = scaled_rows(&scalars.q, &scalars.row)?;
    let fk = scaled_rows(&scalars.k, &scalars.col)?;
    let features = Features::Given { fq: &fq, fk: &fk };
    kernel_attn::run(ctx, features, qkv, causal, None, DEFAULT_CHUNK_SIZE, want).await
}
