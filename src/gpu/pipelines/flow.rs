//! Runs Flowformer on the GPU (variants.md §2.9): the O(N d) conservation pass gives the row and
//! column scalars on the CPU (`flowformer::flow`), `flow_weights` builds `A`, and `matmul` gives
//! `O = A V`. The GPU path builds n × n; the linear-time form is the CPU's.

use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::kernel::flowformer::{flow, FlowformerParams};
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::FlowParams;
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

fn column(values: &[f64]) -> Matrix {
    let data = values.iter().map(|&x| x as f32).collect();
    Matrix::from_vec(values.len(), 1, data).unwrap_or_else(|_| Matrix::zeros(values.len(), 1))
}

/// `(O, A if wanted, timing)`.
pub async fn run(
    ctx: &GpuContext,
    p: &FlowformerParams,
    qkv: &Qkv,
    causal: bool,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let scalars = flow(qkv, causal, p.eps);
    let (mut encoder, timer, scope) = start(ctx, "flowformer");
    let params = FlowParams {
        n: n as u32,
        d: d as u32,
        causal: u32::from(causal),
        _pad: 0,
    };
    let params = upload_uniform(ctx, "flow params", &params);
    let (q, k, v) = (
        upload_matrix(ctx, "q", &qkv.q),
        upload_matrix(ctx, "k", &qkv.k),
        upload_matrix(ctx, "v", &qkv.v),
    );
    let row = upload_matrix(ctx, "row scalars", &column(&scalars.row));
    let col = upload_matrix(ctx, "column scalars", &column(&scalars.col));
    let weights = output_buffer(ctx, "A", n * n);
    ctx.pipelines.flow_weights.record(
        &ctx.device,
        &mut encoder,
        &[&params, &q, &k, &row, &col, &weights],
        Grid::Invocations((n * n) as u64),
        None,
    );
    let gm = |buffer, rows, cols| GpuMatrix { buffer, rows, cols };
    let out = matmul::record(ctx, &mut encoder, "A V", gm(&weights, n, n), gm(&v, n, d_v));
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    if want {
        readback.add(ctx, &mut encoder, &weights, n, n);
    }
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    Ok((mats.remove(0), attention, GpuTiming { kernel_ms }))
}
