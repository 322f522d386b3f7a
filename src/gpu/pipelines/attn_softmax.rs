//! Pipeline of `shaders/attn_softmax.wgsl`: softmax attention, one workgroup per query row,
//! optionally writing the weights `A`.

use super::{bind_in_order, compute_pipeline, storage_entry, uniform_entry};
use crate::error::Result;
use crate::gpu::buffers::{download_buffer, output_buffer, read_matrix, upload_matrix, upload_uniform};
use crate::gpu::params::AttnSoftmaxParams;
use crate::gpu::timer::PassTimer;
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// The compiled pipeline and its bind group layout.
pub struct AttnSoftmax {
    layout: wgpu::BindGroupLayout,
    pipeline: wgpu::ComputePipeline,
}

impl AttnSoftmax {
    /// Builds the pipeline.
    pub fn new(device: &wgpu::Device) -> Self {
        // Mirrors the binding table in the shader's header.
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("attn_softmax"),
            entries: &[
                uniform_entry(),           // 0 params
                storage_entry(1, true),    // 1 q [n, d_k]
                storage_entry(2, true),    // 2 k [n, d_k]
                storage_entry(3, true),    // 3 v [n, d_v]
                storage_entry(4, false),   // 4 out [n, d_v]
                storage_entry(5, false),   // 5 weights [n, n] or [1]
            ],
        });
        let source = include_str!("../../../shaders/attn_softmax.wgsl");
        let pipeline = compute_pipeline(device, "attn_softmax", source, &layout);
        AttnSoftmax { layout, pipeline }
    }
}

/// Runs softmax attention; returns `(O, A if want_weights, timing)`.
pub async fn run(
    ctx: &GpuContext,
    qkv: &Qkv,
    scale: f32,
    causal: bool,
    want_weights: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let kernel = &ctx.pipelines.softmax;
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
    let params_buffer = upload_uniform(ctx, "attn_softmax params", &params);
    let q = upload_matrix(ctx, "q", &qkv.q);
    let k = upload_matrix(ctx, "k", &qkv.k);
    let v = upload_matrix(ctx, "v", &qkv.v);
    let out = output_buffer(ctx, "out", n * d_v);
    let weights = output_buffer(ctx, "weights", if want_weights { n * n } else { 1 });
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    let weights_download = download_buffer(ctx, "weights download", (n * n * 4) as u64);
    let bind_group = bind_in_order(
        &ctx.device,
        "attn_softmax",
        &kernel.layout,
        &[&params_buffer, &q, &k, &v, &out, &weights],
    );
    let timer = PassTimer::new(ctx);

    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("attn_softmax") });
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("attn_softmax"),
            timestamp_writes: timer.as_ref().map(PassTimer::writes),
        });
        pass.set_pipeline(&kernel.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(n as u32, 1, 1); // one workgroup per query row
    }
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if want_weights {
        encoder.copy_buffer_to_buffer(&weights, 0, &weights_download, 0, (n * n * 4) as u64);
    }
    if let Some(timer) = &timer {
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    crate::gpu::check_scope(scope.pop().await)?;

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
