//! Runs YOSO on the GPU (variants.md §4.1). Sampled mode without `A`, the linear-time form:
//! `yoso_codes` → `yoso_tables` (per hash a table of 2^τ value sums, tokens in order; causal
//! reads query t right after inserting key t) → `yoso_read` (the mean over hashes), by groups
//! of hashes whose causal reads fit a fixed budget. O(m_h n (τ d + d_v)) work.
//! Otherwise the n × n form: `yoso_codes` (sampled) → `yoso_weights` (B or B̂, masked) →
//! `matmul` (B V). The expectation B has no linear-time form (every entry is an arccos of its
//! own pair), so it always builds n × n, within the n × n budget. The rows of B V are
//! L2-normalised after the readback (O(n d_v)).

use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::sampling::yoso::{l2_normalize_rows, YosoMode, YosoParams};
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params;
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// Tokens per `yoso_tables` pass: each invocation's loop stays under lavapipe's ~65 000 trips.
const TOKENS_PER_PASS: usize = 16_384;

/// Whether the run takes the linear-time form (sampled, `A` not wanted).
pub fn is_linear(p: &YosoParams, want: bool) -> bool {
    p.mode == YosoMode::Sampled && !want
}

/// Floats of the causal reads of one hash group (32 MiB): hashes are grouped to fit.
const READS_BUDGET: usize = 8 << 20;

/// Hashes per group of table passes: all of them when non-causal (no per-hash reads), else as
/// many as keep the reads `[group, n, d_v]` within [`READS_BUDGET`] (at least one).
fn hashes_per_group(hashes: usize, n: usize, d_v: usize, causal: bool) -> usize {
    if causal {
        (READS_BUDGET / (n * d_v).max(1)).clamp(1, hashes.max(1))
    } else {
        hashes.max(1)
    }
}

/// Bytes of the largest buffer of the linear-time form: the tables `[hashes, 2^τ, d_v]`, and
/// when causal one hash group's reads `[group, n, d_v]`.
pub fn linear_scratch_bytes(p: &YosoParams, n: usize, d_v: usize, causal: bool) -> u64 {
    let tables = (p.hashes << p.bits) * d_v;
    let partial = if causal {
        hashes_per_group(p.hashes, n, d_v, true) * n * d_v
    } else {
        0
    };
    4 * tables.max(partial) as u64
}

/// `(O, A if wanted, timing)`.
pub async fn run(
    ctx: &GpuContext,
    p: &YosoParams,
    qkv: &Qkv,
    causal: bool,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let sampled = p.mode == YosoMode::Sampled;
    let values = params::YosoParams {
        n: n as u32,
        d: d as u32,
        bits: p.bits,
        hashes: p.hashes as u32,
        mode: u32::from(sampled),
        causal: u32::from(causal),
        token_start: 0,
        token_end: n as u32,
        hash_start: 0,
        hash_count: p.hashes as u32,
        _pad: [0; 2],
    };
    let (mut encoder, timer, scope) = start(ctx, "yoso");
    let uniform = upload_uniform(ctx, "yoso params", &values);
    let mut weights_kept = None;
    let (q, k, v) = (
        upload_matrix(ctx, "q", &qkv.q),
        upload_matrix(ctx, "k", &qkv.k),
        upload_matrix(ctx, "v", &qkv.v),
    );
    let code_len = if sampled { n * p.hashes } else { 1 };
    let (q_codes, k_codes) = (
        output_buffer(ctx, "q codes", code_len),
        output_buffer(ctx, "k codes", code_len),
    );
    if sampled {
        let planes = upload_matrix(ctx, "hyperplanes", &p.hyperplanes(d));
        for (x, codes) in [(&q, &q_codes), (&k, &k_codes)] {
            ctx.pipelines.yoso_codes.record(
                &ctx.device,
                &mut encoder,
                &[&uniform, x, &planes, codes],
                Grid::Invocations((n * p.hashes) as u64),
                None,
            );
        }
    }
    let bv = if is_linear(p, want) {
        // The table passes read `d` as d_v (their rows are value rows).
        let values = params::YosoParams {
            d: d_v as u32,
            ..values
        };
        record_tables(ctx, &mut encoder, values, &q_codes, &k_codes, &v)
    } else {
        let weights = output_buffer(ctx, "B", n * n);
        ctx.pipelines.yoso_weights.record(
            &ctx.device,
            &mut encoder,
            &[&uniform, &q, &k, &q_codes, &k_codes, &weights],
            Grid::Invocations((n * n) as u64),
            None,
        );
        let gm = |buffer, rows, cols| GpuMatrix { buffer, rows, cols };
        let bv = matmul::record(ctx, &mut encoder, "B V", gm(&weights, n, n), gm(&v, n, d_v));
        weights_kept = want.then_some(weights);
        bv
    };
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &bv, n, d_v);
    if let Some(weights) = &weights_kept {
        readback.add(ctx, &mut encoder, weights, n, n);
    }
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    Ok((
        l2_normalize_rows(&mats.remove(0)),
        attention,
        GpuTiming { kernel_ms },
    ))
}

/// Records the linear-time form's passes, hash group by hash group (each: the table passes over
/// the tokens, then the read pass adding the group's share); returns the buffer of `B̂ V`.
fn record_tables(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    base: params::YosoParams,
    q_codes: &wgpu::Buffer,
    k_codes: &wgpu::Buffer,
    v: &wgpu::Buffer,
) -> wgpu::Buffer {
    let (n, hashes, d_v) = (base.n as usize, base.hashes as usize, base.d as usize);
    let causal = base.causal == 1;
    let group = hashes_per_group(hashes, n, d_v, causal);
    let tables = output_buffer(ctx, "hash tables", (hashes << base.bits) * d_v);
    let reads = if causal { group * n * d_v } else { 1 };
    let partial = output_buffer(ctx, "causal reads", reads);
    let out = output_buffer(ctx, "B̂ V", n * d_v);
    for hash_start in (0..hashes).step_by(group) {
        let hash_count = group.min(hashes - hash_start);
        let group_params = params::YosoParams {
            hash_start: hash_start as u32,
            hash_count: hash_count as u32,
            ..base
        };
        for token_start in (0..n).step_by(TOKENS_PER_PASS) {
            let pass = params::YosoParams {
                token_start: token_start as u32,
                token_end: (token_start + TOKENS_PER_PASS).min(n) as u32,
                ..group_params
            };
            let pass = upload_uniform(ctx, "yoso_tables params", &pass);
            ctx.pipelines.yoso_tables.record(
                &ctx.device,
                encoder,
                &[&pass, q_codes, k_codes, v, &tables, &partial],
                Grid::Invocations((hash_count * d_v) as u64),
                None,
            );
        }
        let uniform = upload_uniform(ctx, "yoso_read params", &group_params);
        ctx.pipelines.yoso_read.record(
            &ctx.device,
            encoder,
            &[&uniform, q_codes, &tables, &partial, &out],
            Grid::Invocations((n * d_v) as u64),
            None,
        );
    }
    out
}
