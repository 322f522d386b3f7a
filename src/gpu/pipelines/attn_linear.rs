//! Runs elu+1 linear attention in its chunkwise form (variants.md §0) as three passes, plus a
//! fourth for the implicit matrix `A` when it is wanted:
//! `attn_linear_state` (per-chunk φ(K)ᵀV and Σφ(k)) → `attn_linear_scan` (prefix over chunks)
//! → `attn_linear_output` (inter-chunk state + intra-chunk causal part) → `attn_linear_weights`.

use super::Grid;
use crate::error::Result;
use crate::gpu::buffers::{
    download_buffer, output_buffer, read_matrix, upload_matrix, upload_uniform,
};
use crate::gpu::params::AttnLinearParams;
use crate::gpu::timer::PassTimer;
use crate::gpu::{check_scope, GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// Tokens per chunk: the intra-chunk causal part costs `CHUNK · d_k` per output entry.
pub const CHUNK: usize = 64;

/// Floats in the chunk-state buffer: `[n_chunks + 1, d_k, d_v + 1]`.
pub fn state_len(n: usize, d_k: usize, d_v: usize) -> usize {
    (n.div_ceil(CHUNK) + 1) * d_k * (d_v + 1)
}

/// Runs the chunkwise kernels; returns `(O, A if want_weights, timing)`.
pub async fn run(
    ctx: &GpuContext,
    qkv: &Qkv,
    causal: bool,
    eps: f32,
    want_weights: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let n_chunks = n.div_ceil(CHUNK);
    let params = AttnLinearParams {
        n: n as u32,
        d_k: d_k as u32,
        d_v: d_v as u32,
        causal: u32::from(causal),
        eps,
        chunk: CHUNK as u32,
        n_chunks: n_chunks as u32,
        _pad: 0,
    };
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let params = upload_uniform(ctx, "attn_linear params", &params);
    let q = upload_matrix(ctx, "q", &qkv.q);
    let k = upload_matrix(ctx, "k", &qkv.k);
    let v = upload_matrix(ctx, "v", &qkv.v);
    let states = output_buffer(ctx, "chunk states", state_len(n, d_k, d_v));
    let out = output_buffer(ctx, "out", n * d_v);
    let normaliser = output_buffer(ctx, "normaliser", n);
    let weights = output_buffer(ctx, "weights", if want_weights { n * n } else { 1 });
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    let weights_download = download_buffer(ctx, "weights download", (n * n * 4) as u64);
    let timer = PassTimer::new(ctx);
    let kernels = &ctx.pipelines;
    let device = &ctx.device;

    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("attn_linear"),
    });
    kernels.linear_state.record(
        device,
        &mut encoder,
        &[&params, &k, &v, &states],
        Grid::Invocations((n_chunks * d_k * (d_v + 1)) as u64),
        timer.as_ref().map(PassTimer::first_pass),
    );
    kernels.linear_scan.record(
        device,
        &mut encoder,
        &[&params, &states],
        Grid::Invocations((d_k * (d_v + 1)) as u64),
        None,
    );
    kernels.linear_output.record(
        device,
        &mut encoder,
        &[&params, &q, &k, &v, &states, &out, &normaliser],
        Grid::Invocations((n * d_v) as u64),
        if want_weights {
            None
        } else {
            timer.as_ref().map(PassTimer::last_pass)
        },
    );
    if want_weights {
        kernels.linear_weights.record(
            device,
            &mut encoder,
            &[&params, &q, &k, &normaliser, &weights],
            Grid::Invocations((n * n) as u64),
            timer.as_ref().map(PassTimer::last_pass),
        );
        encoder.copy_buffer_to_buffer(&weights, 0, &weights_download, 0, (n * n * 4) as u64);
    }
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if let Some(timer) = &timer {
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    check_scope(scope.pop().await)?;

    let output = read_matrix(ctx, &out_download, n, d_v).await?;
    let attention = if want_weights {
        Some(read_matrix(ctx, &weights_download, n, n).await?)
    } else {
        None
    };
    let kernel_ms = match &timer {
        Some(timer) => Some(timer.read_ms(ctx).await?),
        None => None,
    };
    Ok((output, attention, GpuTiming { kernel_ms }))
}
