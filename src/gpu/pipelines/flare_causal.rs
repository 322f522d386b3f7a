//! Runs causal FLARE on the GPU (variants.md §3.3) as the CPU's online softmax per latent, by
//! chunks: `matmul` (the logits `X = s L Kᵀ`, M × n, shared by the gather and the scatter),
//! `flare_chunks` (each chunk's max and rescaled sums), `flare_scan` (the running prefix over
//! chunks, rescaled to the running max), `flare_output` (the own chunk up to t, and the scatter's
//! softmax over latents) and, when `A` is wanted, `flare_weights`. `O(n M (d_k + d_v + C))`
//! work and `O(n M)` memory; nothing n × n unless `A` is wanted.

use super::lowrank::RunResult;
use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::lowrank::flare::FlareParams;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::FlareCausalParams;
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// Tokens per chunk for `latents` latents: ≤ 64, and `C · M ≤ 16 384` so `flare_output`'s loops
/// (M latents × 2C tokens per invocation) stay under lavapipe's ~65 000 loop trips.
pub fn chunk_size(latents: usize) -> usize {
    (16_384 / latents.max(1)).clamp(1, 64)
}

fn transpose(x: &Matrix) -> Matrix {
    let mut t = Matrix::zeros(x.cols(), x.rows());
    for i in 0..x.rows() {
        for (j, &value) in x.row(i).iter().enumerate() {
            t.set(j, i, value);
        }
    }
    t
}

/// `(O, A if wanted, timing)` of causal FLARE (RoPE, if any, already applied to `qkv`).
pub async fn run(ctx: &GpuContext, p: &FlareParams, qkv: &Qkv, want: bool) -> Result<RunResult> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let l = p.latents(d_k)?;
    let latents = l.rows();
    let chunk = chunk_size(latents);
    let n_chunks = n.div_ceil(chunk);
    let (mut encoder, timer, scope) = start(ctx, "flare causal");
    let params = FlareCausalParams {
        n: n as u32,
        latents: latents as u32,
        d_v: d_v as u32,
        chunk: chunk as u32,
        n_chunks: n_chunks as u32,
        _pad: [0; 3],
    };
    let params = upload_uniform(ctx, "flare params", &params);
    let (l_buf, k_t, v) = (
        upload_matrix(ctx, "latents", &l),
        upload_matrix(ctx, "kᵀ", &transpose(&qkv.k)),
        upload_matrix(ctx, "v", &qkv.v),
    );
    // X = s L Kᵀ: the gather's logits (rows) and, read by column, the scatter's.
    let x = output_buffer(ctx, "logits", latents * n);
    let gm = |buffer, rows, cols| GpuMatrix { buffer, rows, cols };
    matmul::record_into(
        ctx,
        &mut encoder,
        gm(&l_buf, latents, d_k),
        gm(&k_t, d_k, n),
        &x,
        (p.scale as f32, 0.0),
    );
    let width = d_v + 2;
    let chunks = output_buffer(ctx, "chunk sums", latents * n_chunks * width);
    let prefix = output_buffer(ctx, "chunk prefixes", latents * n_chunks * width);
    let out = output_buffer(ctx, "out", n * d_v);
    let stats = output_buffer(ctx, "token statistics", n * latents * 3);
    let (device, kernels) = (&ctx.device, &ctx.pipelines);
    kernels.flare_chunks.record(
        device,
        &mut encoder,
        &[&params, &x, &v, &chunks],
        Grid::Invocations((latents * n_chunks * width) as u64),
        None,
    );
    kernels.flare_scan.record(
        device,
        &mut encoder,
        &[&params, &chunks, &prefix],
        Grid::Invocations((latents * (d_v + 1)) as u64),
        None,
    );
    kernels.flare_output.record(
        device,
        &mut encoder,
        &[&params, &x, &v, &prefix, &out, &stats],
        Grid::Invocations((n * d_v) as u64),
        None,
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    if want {
        let weights = output_buffer(ctx, "A", n * n);
        kernels.flare_weights.record(
            device,
            &mut encoder,
            &[&params, &x, &stats, &weights],
            Grid::Invocations((n * n) as u64),
            None,
        );
        readback.add(ctx, &mut encoder, &weights, n, n);
    }
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    Ok((mats.remove(0), attention, GpuTiming { kernel_ms }))
}
