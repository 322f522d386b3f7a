//! Runs the decay and delta-rule variants on the GPU (variants.md §5, §6, §13), in their
//! chunkwise form: `gated_prep` (chunk-local log-space prefix sums) → `gated_pairs` (the
//! intra-chunk `P` and the delta rule's `L`) → `gated_solve` (the UT transform by forward
//! substitution, delta rule only) → `gated_scan` (one workgroup per value column carries the
//! state across chunks). Nothing n × n is built; `A` comes from the same kernels run on `V = I`
//! (the identity columns ride along with `V`, variants.md §0).
//!
//! Parameters are applied on the CPU in `O(n d)` (scales, L2 normalisation, Mamba-2's `Δ`,
//! seeded gates): the kernels receive the [`GatedSetup`] rows.

use super::submit::{finish, start};
use super::Grid;
use crate::attention::gated::hgrn::HgrnParams;
use crate::attention::gated::GatedSetup;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::GatedParams;
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// `heads` independent problems of the same shape, stacked (row-major `[heads, n, ·]`).
struct Stacked {
    heads: usize,
    n: usize,
    d_k: usize,
    q: Vec<f32>,
    k: Vec<f32>,
    g: Vec<f32>,
    beta: Option<Vec<f32>>,
    v: Matrix,
    skip: f32,
    chunk: usize,
}

impl Stacked {
    fn of(setups: &[&GatedSetup], v: Matrix) -> Stacked {
        let flat = |pick: &dyn Fn(&GatedSetup) -> &Vec<Vec<f64>>| -> Vec<f32> {
            setups
                .iter()
                .flat_map(|s| pick(s).iter().flatten().map(|&x| x as f32))
                .collect()
        };
        let first = setups[0];
        let beta = first.beta.as_ref().map(|_| {
            setups
                .iter()
                .flat_map(|s| s.beta.iter().flatten().map(|&x| x as f32))
                .collect()
        });
        Stacked {
            heads: setups.len(),
            n: first.n(),
            d_k: first.d_k(),
            q: flat(&|s| &s.q),
            k: flat(&|s| &s.k),
            g: flat(&|s| &s.log_gates),
            beta,
            v,
            skip: first.skip as f32,
            chunk: first.chunk.min(first.n().max(1)),
        }
    }
}

fn buffer(ctx: &GpuContext, label: &str, rows: usize, cols: usize, data: Vec<f32>) -> wgpu::Buffer {
    let m = Matrix::from_vec(rows, cols, data).unwrap_or_else(|_| Matrix::zeros(rows, cols));
    upload_matrix(ctx, label, &m)
}

/// Bytes of the largest scratch buffer of a run: `P`, `L` (`n × C`), `W` (`n × d_k`), Γ (`n × 3 d_k`:
/// with its segment sums and starts), `U`, out.
pub fn scratch_bytes(n: usize, d_k: usize, d_v: usize, chunk: usize) -> u64 {
    4 * (n * chunk.max(3 * d_k).max(d_v)) as u64
}

/// Runs the stacked problems; returns the output `[heads · n, d_v]`.
async fn run_stacked(ctx: &GpuContext, s: Stacked) -> Result<(Matrix, Option<f64>)> {
    let (heads, n, d_k, d_v, chunk) = (s.heads, s.n, s.d_k, s.v.cols(), s.chunk);
    let n_chunks = n.div_ceil(chunk);
    let delta = s.beta.is_some();
    let params = GatedParams {
        n: n as u32,
        d_k: d_k as u32,
        d_v: d_v as u32,
        heads: heads as u32,
        chunk: chunk as u32,
        n_chunks: n_chunks as u32,
        delta: u32::from(delta),
        skip: s.skip,
    };
    let (mut encoder, timer, scope) = start(ctx, "gated");
    let params = upload_uniform(ctx, "gated params", &params);
    let rows = heads * n;
    let q = buffer(ctx, "q", rows, d_k, s.q);
    let k = buffer(ctx, "k", rows, d_k, s.k);
    let g = buffer(ctx, "log-gates", rows, d_k, s.g);
    let beta = buffer(
        ctx,
        "beta",
        rows,
        1,
        s.beta.unwrap_or_else(|| vec![1.0; rows]),
    );
    let v = upload_matrix(ctx, "v", &s.v);
    let gamma = output_buffer(ctx, "gamma (Γ, segment sum, start)", 3 * rows * d_k);
    let p = output_buffer(ctx, "P", rows * chunk);
    let l = output_buffer(ctx, "L", rows * chunk);
    let (w, u) = if delta {
        (
            output_buffer(ctx, "W", rows * d_k),
            output_buffer(ctx, "U", rows * d_v),
        )
    } else {
        (
            output_buffer(ctx, "W (unused)", 1),
            output_buffer(ctx, "U (unused)", 1),
        )
    };
    let out = output_buffer(ctx, "O", rows * d_v);
    let pl = &ctx.pipelines;
    pl.gated_prep.record(
        &ctx.device,
        &mut encoder,
        &[&params, &g, &gamma],
        Grid::Invocations((heads * n_chunks * d_k) as u64),
        None,
    );
    pl.gated_pairs.record(
        &ctx.device,
        &mut encoder,
        &[&params, &q, &k, &gamma, &beta, &p, &l],
        Grid::Invocations((rows * chunk) as u64),
        None,
    );
    if delta {
        pl.gated_solve.record(
            &ctx.device,
            &mut encoder,
            &[&params, &k, &v, &gamma, &beta, &l, &w, &u],
            Grid::Invocations((heads * n_chunks * (d_k + d_v)) as u64),
            None,
        );
    }
    pl.gated_scan.record(
        &ctx.device,
        &mut encoder,
        &[&params, &q, &k, &v, &gamma, &p, &w, &u, &out],
        Grid::Rows((heads * d_v) as u32),
        None,
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, rows, d_v);
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    Ok((mats.remove(0), kernel_ms))
}

/// `[V | I_n]`: `A` is the output on the identity columns.
pub fn with_identity(v: &Matrix) -> Matrix {
    let (n, d_v) = (v.rows(), v.cols());
    let mut joined = Matrix::zeros(n, d_v + n);
    for i in 0..n {
        joined.row_mut(i)[..d_v].copy_from_slice(v.row(i));
        joined.set(i, d_v + i, 1.0);
    }
    joined
}

/// Columns `from..from + cols` of `m`.
pub fn columns(m: &Matrix, from: usize, cols: usize) -> Matrix {
    let mut out = Matrix::zeros(m.rows(), cols);
    for i in 0..m.rows() {
        out.row_mut(i).copy_from_slice(&m.row(i)[from..from + cols]);
    }
    out
}

fn add_ms(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, None) => a,
        (None, b) => b,
    }
}

/// A decay or delta-rule variant: `(O, A if wanted, timing)`.
pub async fn run(
    ctx: &GpuContext,
    setup: &GatedSetup,
    v: &Matrix,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let d_v = v.cols();
    let values = if want { with_identity(v) } else { v.clone() };
    let (out, kernel_ms) = run_stacked(ctx, Stacked::of(&[setup], values)).await?;
    let output = columns(&out, 0, d_v);
    let attention = want.then(|| columns(&out, d_v, v.rows()));
    Ok((output, attention, GpuTiming { kernel_ms }))
}

/// HGRN: one single-channel problem per value channel, stacked as heads; `A` of the shown channel
/// from a second run on the identity.
pub async fn run_hgrn(
    ctx: &GpuContext,
    p: &HgrnParams,
    qkv: &Qkv,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d_v) = (qkv.n(), qkv.d_v());
    let setups = p.channel_setups(qkv)?;
    // Head c reads value column c: stack the columns as [d_v · n, 1].
    let mut stacked_v = Matrix::zeros(d_v * n, 1);
    for c in 0..d_v {
        for t in 0..n {
            stacked_v.set(c * n + t, 0, qkv.v.get(t, c));
        }
    }
    let refs: Vec<&GatedSetup> = setups.iter().collect();
    let (out, mut kernel_ms) = run_stacked(ctx, Stacked::of(&refs, stacked_v)).await?;
    let mut output = Matrix::zeros(n, d_v);
    for c in 0..d_v {
        for t in 0..n {
            output.set(t, c, out.get(c * n + t, 0));
        }
    }
    let attention = if want {
        let shown = &setups[p.channel];
        let (a, ms) = run_stacked(ctx, Stacked::of(&[shown], Matrix::identity(n))).await?;
        kernel_ms = add_ms(kernel_ms, ms);
        Some(a)
    } else {
        None
    };
    Ok((output, attention, GpuTiming { kernel_ms }))
}
