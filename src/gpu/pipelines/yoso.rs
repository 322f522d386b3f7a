//! Runs YOSO on the GPU (variants.md §4.1): `yoso_codes` (sampled mode) → `yoso_weights` (B or
//! B̂, masked) → `matmul` (B V); the rows of B V are L2-normalised after the readback (O(n d_v)).
//! The GPU builds the n × n weights in both modes; the linear-time hash tables are CPU-only.

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
    let uniform = params::YosoParams {
        n: n as u32,
        d: d as u32,
        bits: p.bits,
        hashes: p.hashes as u32,
        mode: u32::from(sampled),
        causal: u32::from(causal),
        _pad: [0; 2],
    };
    let (mut encoder, timer, scope) = start(ctx, "yoso");
    let uniform = upload_uniform(ctx, "yoso params", &uniform);
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
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &bv, n, d_v);
    if want {
        readback.add(ctx, &mut encoder, &weights, n, n);
    }
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    Ok((
        l2_normalize_rows(&mats.remove(0)),
        attention,
        GpuTiming { kernel_ms },
    ))
}
