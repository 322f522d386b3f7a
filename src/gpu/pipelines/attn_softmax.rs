//! Runs softmax attention over a contiguous range of keys per query row (the mask), one workgroup
//! per row: `shaders/attn_softmax.wgsl` (three passes over the keys) when the weights `A` are
//! written, else `shaders/attn_softmax_online.wgsl` (one pass, online softmax). [`record`] encodes
//! one pass on given buffers, so the low-rank variants can chain several in one submission.

use super::Grid;
use crate::attention::mask::Mask;
use crate::error::Result;
use crate::gpu::buffers::{
    download_buffer, output_buffer, read_matrix, upload_matrix, upload_u32, upload_uniform,
};
use crate::gpu::params::AttnSoftmaxParams;
use crate::gpu::timer::PassTimer;
use crate::gpu::{check_scope, GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// One softmax pass: `n_q` queries against `n_k` keys, row `i` over `ranges[i]`.
pub struct SoftmaxPass<'a> {
    /// Queries `[n_q, d_k]`.
    pub q: &'a wgpu::Buffer,
    /// Keys `[n_k, d_k]`.
    pub k: &'a wgpu::Buffer,
    /// Values `[n_k, d_v]`.
    pub v: &'a wgpu::Buffer,
    /// Output `[n_q, d_v]`.
    pub out: &'a wgpu::Buffer,
    /// Weights `[n_q, n_k]`, when wanted.
    pub weights: Option<&'a wgpu::Buffer>,
    /// `(n_q, n_k, d_k, d_v)`.
    pub dims: (usize, usize, usize, usize),
    /// Logit scale `s/τ`.
    pub scale: f32,
    /// Each query row's key range.
    pub ranges: Vec<(u32, u32)>,
}

/// The key ranges of `mask` for `n` queries over `n` keys.
pub fn mask_ranges(mask: Mask, n: usize) -> Vec<(u32, u32)> {
    (0..n)
        .map(|i| {
            let keys = mask.keys(i, n);
            (keys.start as u32, keys.end as u32)
        })
        .collect()
}

/// Encodes one softmax pass (the one-pass online kernel when no weights are wanted).
pub fn record(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    pass: &SoftmaxPass<'_>,
    timestamps: Option<wgpu::ComputePassTimestampWrites<'_>>,
) {
    let (n_q, n_k, d_k, d_v) = pass.dims;
    let params = AttnSoftmaxParams {
        n_q: n_q as u32,
        n_k: n_k as u32,
        d_k: d_k as u32,
        d_v: d_v as u32,
        scale: pass.scale,
        write_weights: u32::from(pass.weights.is_some()),
        _pad: [0; 2],
    };
    let params = upload_uniform(ctx, "attn_softmax params", &params);
    let flat: Vec<u32> = pass.ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    let ranges = upload_u32(ctx, "key ranges", &flat);
    let unused = output_buffer(ctx, "no weights", 1);
    let weights = pass.weights.unwrap_or(&unused);
    // A needs each row's full sum before its weights are written; O alone takes one pass.
    let kernel = if pass.weights.is_some() {
        &ctx.pipelines.softmax
    } else {
        &ctx.pipelines.softmax_online
    };
    kernel.record(
        &ctx.device,
        encoder,
        &[&params, pass.q, pass.k, pass.v, &ranges, pass.out, weights],
        Grid::Rows(n_q as u32),
        timestamps,
    );
}

/// Runs softmax-family attention on `qkv` with logits scaled by `scale` (= s/τ) over `mask`;
/// returns `(O, A if want_weights, timing)`.
pub async fn run(
    ctx: &GpuContext,
    qkv: &Qkv,
    scale: f32,
    mask: Mask,
    want_weights: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let q = upload_matrix(ctx, "q", &qkv.q);
    let k = upload_matrix(ctx, "k", &qkv.k);
    let v = upload_matrix(ctx, "v", &qkv.v);
    let out = output_buffer(ctx, "out", n * d_v);
    let weights = want_weights.then(|| output_buffer(ctx, "weights", n * n));
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    // The n × n read-back only when A is wanted: output-only runs stay O(n d) on the device.
    let weights_download =
        want_weights.then(|| download_buffer(ctx, "weights download", (n * n * 4) as u64));
    let timer = PassTimer::new(ctx);

    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("attn_softmax"),
        });
    let pass = SoftmaxPass {
        q: &q,
        k: &k,
        v: &v,
        out: &out,
        weights: weights.as_ref(),
        dims: (n, n, d_k, d_v),
        scale,
        ranges: mask_ranges(mask, n),
    };
    record(
        ctx,
        &mut encoder,
        &pass,
        timer.as_ref().map(PassTimer::whole_run),
    );
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if let (Some(weights), Some(download)) = (&weights, &weights_download) {
        encoder.copy_buffer_to_buffer(weights, 0, download, 0, (n * n * 4) as u64);
    }
    if let Some(timer) = &timer {
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    check_scope(scope.pop().await)?;

    let output = read_matrix(ctx, &out_download, n, d_v).await?;
    let attention = match &weights_download {
        Some(download) => Some(read_matrix(ctx, download, n, n).await?),
        None => None,
    };
    let kernel_ms = match &timer {
        Some(timer) => Some(timer.read_ms(ctx).await?),
        None => None,
    };
    Ok((output, attention, GpuTiming { kernel_ms }))
}
