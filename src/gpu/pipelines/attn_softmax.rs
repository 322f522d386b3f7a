//! Runs `shaders/attn_softmax.wgsl`: softmax attention, one workgroup per query row, optionally
//! writing the weights `A`.

use super::Grid;
use crate::error::Result;
use crate::gpu::buffers::{
    download_buffer, output_buffer, read_matrix, upload_matrix, upload_uniform,
};
use crate::gpu::params::AttnSoftmaxParams;
use crate::gpu::timer::PassTimer;
use crate::gpu::{check_scope, GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// Runs softmax attention with logits scaled by `scale` (= s/τ); returns `(O, A if
/// want_weights, timing)`.
pub async fn run(
    ctx: &GpuContext,
    qkv: &Qkv,
    scale: f32,
    causal: bool,
    want_weights: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let params = AttnSoftmaxParams {
        n: n as u32,
        d_k: d_k as u32,
        d_v: d_v as u32,
        causal: u32::from(causal),
        scale,
        write_weights: u32::from(want_weights),
        _pad: [0; 2],
    };
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let params = upload_uniform(ctx, "attn_softmax params", &params);
    let q = upload_matrix(ctx, "q", &qkv.q);
    let k = upload_matrix(ctx, "k", &qkv.k);
    let v = upload_matrix(ctx, "v", &qkv.v);
    let out = output_buffer(ctx, "out", n * d_v);
    let weights = output_buffer(ctx, "weights", if want_weights { n * n } else { 1 });
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    let weights_download = download_buffer(ctx, "weights download", (n * n * 4) as u64);
    let timer = PassTimer::new(ctx);

    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("attn_softmax"),
        });
    ctx.pipelines.softmax.record(
        &ctx.device,
        &mut encoder,
        &[&params, &q, &k, &v, &out, &weights],
        Grid::Rows(n as u32),
        timer.as_ref().map(PassTimer::whole_run),
    );
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if want_weights {
        encoder.copy_buffer_to_buffer(&weights, 0, &weights_download, 0, (n * n * 4) as u64);
    }
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
