//! Runs HLA and AHLA on the GPU (variants.md §8) in their chunkwise form. HLA: `hla_delta_s`
//! (each chunk's `K_cᵀ K_c`) → `kernel_attn_scan` (their exclusive prefix over chunks) →
//! `hla_pairs` → `hla_read` (`y = q S^K_{<c}`) → `hla_kernel` → `hla_scan`; AHLA needs only
//! `hla_pairs` → `hla_scan`. The scan carries two `d_k` columns per value column across chunks.
//!
//! The normaliser is the same map on a column of ones, computed alongside `V`; the division by
//! `den + ε` (O(n d_v)) happens after the readback, as does splitting off `A` (the identity
//! columns, when `A` is wanted).

use super::submit::{finish, start};
use super::Grid;
use crate::attention::gated::hla::{HlaSetup, Order};
use crate::attention::gated::to_matrix;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::{HlaParams, KernelAttnParams};
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;

/// `[V | 1 | I_n if want]`.
fn augmented(v: &Matrix, want: bool) -> Matrix {
    let (n, d_v) = (v.rows(), v.cols());
    let cols = d_v + 1 + if want { n } else { 0 };
    let mut m = Matrix::zeros(n, cols);
    for i in 0..n {
        m.row_mut(i)[..d_v].copy_from_slice(v.row(i));
        m.set(i, d_v, 1.0);
        if want {
            m.set(i, d_v + 1 + i, 1.0);
        }
    }
    m
}

/// Columns `from..from + cols` of `out`, each row divided by `den + ε` when normalising.
fn split(s: &HlaSetup, out: &Matrix, den_col: usize, from: usize, cols: usize) -> Matrix {
    let rows: Vec<Vec<f64>> = (0..out.rows())
        .map(|i| {
            let den = f64::from(out.get(i, den_col)) + s.eps;
            out.row(i)[from..from + cols]
                .iter()
                .map(|&x| {
                    let x = f64::from(x);
                    if s.normalize {
                        x / den
                    } else {
                        x
                    }
                })
                .collect()
        })
        .collect();
    to_matrix(&rows, cols)
}

/// `(O, A if wanted, timing)`.
pub async fn run(
    ctx: &GpuContext,
    s: &HlaSetup,
    chunk: usize,
    v: &Matrix,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let n = s.q.len();
    let d = s.q.first().map_or(0, Vec::len);
    let values = augmented(v, want);
    let dv = values.cols();
    let chunk = chunk.clamp(1, n.max(1));
    let n_chunks = n.div_ceil(chunk);
    let asymmetric = s.order == Order::Asymmetric;
    let params = HlaParams {
        n: n as u32,
        d_k: d as u32,
        d_v: dv as u32,
        chunk: chunk as u32,
        n_chunks: n_chunks as u32,
        asymmetric: u32::from(asymmetric),
        _pad: [0; 2],
    };
    let (mut encoder, timer, scope) = start(ctx, "hla");
    let params = upload_uniform(ctx, "hla params", &params);
    let q = upload_matrix(ctx, "q", &to_matrix(&s.q, d));
    let k = upload_matrix(ctx, "k", &to_matrix(&s.k, d));
    let v_buf = upload_matrix(ctx, "[v | 1]", &values);
    let w = output_buffer(ctx, "W", n * chunk);
    let ls = output_buffer(ctx, "K Qᵀ (strict)", n * chunk);
    let out = output_buffer(ctx, "O", n * dv);
    let (pl, dev) = (&ctx.pipelines, &ctx.device);
    pl.hla_pairs.record(
        dev,
        &mut encoder,
        &[&params, &q, &k, &w, &ls],
        Grid::Invocations((n * chunk) as u64),
        None,
    );
    let (y, kern) = if asymmetric {
        (
            output_buffer(ctx, "y (unused)", 1),
            output_buffer(ctx, "kern (unused)", 1),
        )
    } else {
        let states = output_buffer(ctx, "ΔS", (n_chunks + 1) * d * d);
        pl.hla_delta_s.record(
            dev,
            &mut encoder,
            &[&params, &k, &states],
            Grid::Invocations((n_chunks * d * d) as u64),
            None,
        );
        // kernel_attn_scan prefix-sums slices of m · (d_v + 1) entries: here d² (d_v = 0).
        let scan = upload_uniform(
            ctx,
            "prefix params",
            &KernelAttnParams {
                n: n as u32,
                m: (d * d) as u32,
                d_v: 0,
                causal: 1,
                eps: 0.0,
                chunk: chunk as u32,
                n_chunks: n_chunks as u32,
                guard: 0,
            },
        );
        pl.kernel_scan.record(
            dev,
            &mut encoder,
            &[&scan, &states],
            Grid::Invocations((d * d) as u64),
            None,
        );
        let y = output_buffer(ctx, "y = q S", n * d);
        pl.hla_read.record(
            dev,
            &mut encoder,
            &[&params, &q, &states, &y],
            Grid::Invocations((n * d) as u64),
            None,
        );
        let kern = output_buffer(ctx, "kern", n * chunk);
        pl.hla_kernel.record(
            dev,
            &mut encoder,
            &[&params, &q, &y, &w, &kern],
            Grid::Invocations((n * chunk) as u64),
            None,
        );
        (y, kern)
    };
    pl.hla_scan.record(
        dev,
        &mut encoder,
        &[&params, &q, &k, &v_buf, &y, &kern, &ls, &w, &out],
        Grid::Rows(dv as u32),
        None,
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, dv);
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let out = mats.remove(0);
    let d_v = v.cols();
    let output = split(s, &out, d_v, 0, d_v);
    let attention = want.then(|| split(s, &out, d_v, d_v + 1, n));
    Ok((output, attention, GpuTiming { kernel_ms }))
}
