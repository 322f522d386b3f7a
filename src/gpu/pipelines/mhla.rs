//! Runs MHLA on the GPU (variants.md §2.13) in its block-state linear form: the elu + 1 feature
//! passes (`kernel_features.rs`), `mhla_state` (per-segment state increments; a segment is a run
//! of ≤ C tokens inside one block), `mhla_blocks` (block totals `S_b`, `z_b`, and when causal each
//! segment's in-block prefix), `matmul` (the mixing `Σ_c 𝓜_bc S_c`), `mhla_output` and, when `A`
//! is wanted, `mhla_weights`. `O(N d d_v + B² d d_v)` work; nothing n × n unless `A` is wanted.

use super::kernel_features::{self, FeatureSpec};
use super::lowrank::RunResult;
use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::kernel::mhla::MhlaParams;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_u32, upload_uniform, Readback};
use crate::gpu::params::MhlaPassParams;
use crate::gpu::{GpuContext, GpuTiming};
use crate::workload::Qkv;

/// Tokens per segment: every per-invocation loop over tokens stays ≤ C (lavapipe's loop limit).
pub const SEGMENT: usize = crate::attention::kernel::DEFAULT_CHUNK_SIZE;

/// The token layout the shaders read (`layout` in `shaders/mhla_state.wgsl`): segments
/// `(start, end, block)`, then the segment of each token, then each block's `(first, end)`
/// segment; and the number of segments.
pub fn layout(n: usize, blocks: usize) -> (Vec<u32>, usize) {
    // Blocks as numpy's array_split: sizes differ by at most one, the longer ones first.
    let (base, extra) = (n / blocks, n % blocks);
    let mut segments = Vec::new();
    let mut block_segments = Vec::with_capacity(2 * blocks);
    let mut start = 0;
    for b in 0..blocks {
        let end = start + base + usize::from(b < extra);
        block_segments.push((segments.len() / 3) as u32);
        for first in (start..end).step_by(SEGMENT) {
            segments.extend([first as u32, (first + SEGMENT).min(end) as u32, b as u32]);
        }
        block_segments.push((segments.len() / 3) as u32);
        start = end;
    }
    let n_seg = segments.len() / 3;
    let mut token_segment = Vec::with_capacity(n);
    for s in 0..n_seg {
        let (first, end) = (segments[3 * s], segments[3 * s + 1]);
        token_segment.extend((first..end).map(|_| s as u32));
    }
    let mut table = segments;
    table.extend(token_segment);
    table.extend(block_segments);
    (table, n_seg)
}

/// Floats of the scratch buffers: the segment states `[n_seg, m, d_v + 1]` and the four feature
/// matrices `[4, n, m]`.
pub fn scratch_len(n: usize, m: usize, d_v: usize, blocks: usize) -> usize {
    let n_seg = n.div_ceil(SEGMENT) + blocks;
    n_seg * m * (d_v + 1) + 4 * n * m
}

/// `(O, A if wanted, timing)` of MHLA with elu + 1 features `features` (m = d_k).
pub async fn run(
    ctx: &GpuContext,
    p: &MhlaParams,
    features: &FeatureSpec,
    qkv: &Qkv,
    causal: bool,
    want: bool,
) -> Result<RunResult> {
    let (n, m, d_v, blocks) = (qkv.n(), features.m, qkv.d_v(), p.blocks());
    p.check_length(n)?;
    let mixing = p.mixing()?;
    // The cross-block part: all of 𝓜, or its strictly lower part when causal (the own block's
    // tokens up to t come from mhla_blocks' prefixes and mhla_output's intra-segment sum).
    let mut cross = mixing.clone();
    if causal {
        for r in 0..blocks {
            for c in r..blocks {
                cross.set(r, c, 0.0);
            }
        }
    }
    let (table, n_seg) = layout(n, blocks);
    let width = m * (d_v + 1);
    let (mut encoder, timer, scope) = start(ctx, "mhla");
    let params = MhlaPassParams {
        n: n as u32,
        m: m as u32,
        d_v: d_v as u32,
        causal: u32::from(causal),
        eps: p.eps as f32,
        n_seg: n_seg as u32,
        blocks: blocks as u32,
        _pad: 0,
    };
    let params = upload_uniform(ctx, "mhla params", &params);
    let layout = upload_u32(ctx, "mhla layout", &table);
    let mixing_buf = upload_matrix(ctx, "mixing", &mixing);
    let cross = upload_matrix(ctx, "cross-block mixing", &cross);
    let v = upload_matrix(ctx, "v", &qkv.v);
    // φ(Q), φ(K), φ_n(Q), φ_n(K) packed into one [4, n, m] buffer (one binding for all four).
    let maps = kernel_features::record(ctx, &mut encoder, features, qkv, None);
    let packed = output_buffer(ctx, "features", 4 * n * m);
    let (fq_num, fk_num) = maps.numerator();
    let plane = (n * m * 4) as u64;
    for (slot, buffer) in [&maps.fq, &maps.fk, fq_num, fk_num].into_iter().enumerate() {
        encoder.copy_buffer_to_buffer(buffer, 0, &packed, slot as u64 * plane, plane);
    }
    let states = output_buffer(ctx, "segment states", n_seg * width);
    let totals = output_buffer(ctx, "block totals", blocks * width);
    let out = output_buffer(ctx, "out", n * d_v);
    let normaliser = output_buffer(ctx, "normaliser", n);
    let (device, kernels) = (&ctx.device, &ctx.pipelines);
    kernels.mhla_state.record(
        device,
        &mut encoder,
        &[&params, &layout, &packed, &v, &states],
        Grid::Invocations((n_seg * width) as u64),
        None,
    );
    kernels.mhla_blocks.record(
        device,
        &mut encoder,
        &[&params, &layout, &mixing_buf, &states, &totals],
        Grid::Invocations((blocks * width) as u64),
        None,
    );
    let gm = |buffer, rows, cols| GpuMatrix { buffer, rows, cols };
    let mixed = matmul::record(
        ctx,
        &mut encoder,
        "𝓜 S",
        gm(&cross, blocks, blocks),
        gm(&totals, blocks, width),
    );
    kernels.mhla_output.record(
        device,
        &mut encoder,
        &[
            &params,
            &layout,
            &mixing_buf,
            &packed,
            &v,
            &states,
            &mixed,
            &out,
            &normaliser,
        ],
        Grid::Invocations((n * d_v) as u64),
        None,
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    if want {
        let weights = output_buffer(ctx, "A", n * n);
        kernels.mhla_weights.record(
            device,
            &mut encoder,
            &[
                &params,
                &layout,
                &mixing_buf,
                &packed,
                &normaliser,
                &weights,
            ],
            Grid::Invocations((n * n) as u64),
            None,
        );
        readback.add(ctx, &mut encoder, &weights, n, n);
    }
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    Ok((mats.remove(0), attention, GpuTiming { kernel_ms }))
}
