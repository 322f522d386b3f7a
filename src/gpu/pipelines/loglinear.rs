//! Runs log-linear attention on the GPU (variants.md §7, §13) in its chunkwise form: `gated_prep`
//! (chunk-local prefix sums of the scalar log-gates) → `loglin_pairs` (intra-chunk scores with
//! Fenwick levels from `firstLeadingBit`) → `loglin_chunks` (each chunk's decayed state) →
//! `loglin_merge` once per chunk level (the binary counter's blocks, built bottom-up) →
//! `loglin_output`. `O(n log n)` work, nothing n × n; `A` from the identity columns riding along
//! with `V`.

use super::gated::{columns, with_identity};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::gated::loglinear::{levels, LoglinearSetup};
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::{GatedParams, LoglinParams};
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;

fn rows_matrix(rows: &[Vec<f64>]) -> Matrix {
    crate::attention::gated::to_matrix(rows, rows.first().map_or(1, Vec::len))
}

/// Blocks at chunk level `j` (1-based): `ceil(n_chunks / 2^(j−1))`.
fn blocks_at(n_chunks: usize, j: usize) -> usize {
    n_chunks.div_ceil(1 << (j - 1))
}

/// `(O, A if wanted, timing)`; `chunk` is a power of two (checked by the parameters).
pub async fn run(
    ctx: &GpuContext,
    s: &LoglinearSetup,
    chunk: usize,
    v: &Matrix,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let n = s.q.len();
    let d_k = s.q.first().map_or(0, Vec::len);
    let values = if want { with_identity(v) } else { v.clone() };
    let d_v = values.cols();
    let chunk = chunk.max(1).next_power_of_two();
    let n_chunks = n.div_ceil(chunk);
    let chunk_levels = (usize::BITS - (n_chunks - 1).leading_zeros()) as usize;
    let total_blocks: usize = (1..=chunk_levels).map(|j| blocks_at(n_chunks, j)).sum();
    let uniform = |level: usize| LoglinParams {
        n: n as u32,
        d_k: d_k as u32,
        d_v: d_v as u32,
        chunk: chunk as u32,
        n_chunks: n_chunks as u32,
        chunk_bits: chunk.trailing_zeros(),
        levels: levels(n) as u32,
        chunk_levels: chunk_levels as u32,
        level: level as u32,
        _pad: [0; 3],
    };
    let (mut encoder, timer, scope) = start(ctx, "loglinear");
    let params = upload_uniform(ctx, "loglinear params", &uniform(0));
    let prep = upload_uniform(
        ctx,
        "prefix params",
        &GatedParams {
            n: n as u32,
            d_k: 1,
            d_v: 1,
            heads: 1,
            chunk: chunk as u32,
            n_chunks: n_chunks as u32,
            delta: 0,
            skip: 0.0,
        },
    );
    let q = upload_matrix(ctx, "q", &rows_matrix(&s.q));
    let k = upload_matrix(ctx, "k", &rows_matrix(&s.k));
    let g_rows: Vec<Vec<f64>> = s.g.iter().map(|&x| vec![x]).collect();
    let g = upload_matrix(ctx, "log-gates", &rows_matrix(&g_rows));
    let lambda = upload_matrix(ctx, "lambda", &rows_matrix(&s.lambda));
    let v_buf = upload_matrix(ctx, "v", &values);
    let gamma = output_buffer(ctx, "gamma (Γ, segment sum, start)", 3 * n);
    let p = output_buffer(ctx, "P", n * chunk);
    let blocks = output_buffer(ctx, "blocks", total_blocks * d_k * d_v);
    let totals = output_buffer(ctx, "totals", total_blocks);
    let out = output_buffer(ctx, "O", n * d_v);
    let pl = &ctx.pipelines;
    let dev = &ctx.device;
    pl.gated_prep.record(
        dev,
        &mut encoder,
        &[&prep, &g, &gamma],
        Grid::Invocations(n_chunks as u64),
        None,
    );
    pl.loglin_pairs.record(
        dev,
        &mut encoder,
        &[&params, &q, &k, &gamma, &lambda, &p],
        Grid::Invocations((n * chunk) as u64),
        None,
    );
    if chunk_levels > 0 {
        pl.loglin_chunks.record(
            dev,
            &mut encoder,
            &[&params, &k, &v_buf, &gamma, &blocks, &totals],
            Grid::Invocations((n_chunks * d_k * d_v) as u64),
            None,
        );
        for j in 1..chunk_levels {
            let level = upload_uniform(ctx, "merge params", &uniform(j));
            pl.loglin_merge.record(
                dev,
                &mut encoder,
                &[&level, &blocks, &totals],
                Grid::Invocations((blocks_at(n_chunks, j + 1) * d_k * d_v) as u64),
                None,
            );
        }
    }
    pl.loglin_output.record(
        dev,
        &mut encoder,
        &[
            &params, &q, &v_buf, &gamma, &lambda, &p, &blocks, &totals, &out,
        ],
        Grid::Invocations((n * d_v) as u64),
        None,
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let out = mats.remove(0);
    let output = columns(&out, 0, v.cols());
    let attention = want.then(|| columns(&out, v.cols(), n));
    Ok((output, attention, GpuTiming { kernel_ms }))
}
