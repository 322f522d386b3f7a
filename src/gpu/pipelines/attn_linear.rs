//! Pipeline of `shaders/attn_linear.wgsl`: elu+1 linear attention, causal (recurrent scan) or
//! not, one invocation per value column.

use super::{bind_in_order, compute_pipeline, storage_entry, uniform_entry};
use crate::error::Result;
use crate::gpu::buffers::{download_buffer, output_buffer, read_matrix, upload_matrix, upload_uniform};
use crate::gpu::params::AttnLinearParams;
use crate::gpu::timer::PassTimer;
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;

/// Mirrors `WG` in the shader: keep in sync.
pub const WORKGROUP_SIZE: u32 = 64;

/// The compiled pipeline and its bind group layout.
pub struct AttnLinear {
    layout: wgpu::BindGroupLayout,
    pipeline: wgpu::ComputePipeline,
}

impl AttnLinear {
    /// Builds the pipeline.
    pub fn new(device: &wgpu::Device) -> Self {
        // Mirrors the binding table in the shader's header.
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("attn_linear"),
            entries: &[
                uniform_entry(),         // 0 params
                storage_entry(1, true),  // 1 q [n, d_k]
                storage_entry(2, true),  // 2 k [n, d_k]
                storage_entry(3, true),  // 3 v [n, d_v]
                storage_entry(4, false), // 4 out [n, d_v]
            ],
        });
        let source = include_str!("../../../shaders/attn_linear.wgsl");
        let pipeline = compute_pipeline(device, "attn_linear", source, &layout);
        AttnLinear { layout, pipeline }
    }
}

/// Runs elu+1 linear attention on `(q, k, v)`; `v` may be the identity to extract `A`.
pub async fn run(
    ctx: &GpuContext,
    q: &Matrix,
    k: &Matrix,
    v: &Matrix,
    causal: bool,
    eps: f32,
) -> Result<(Matrix, GpuTiming)> {
    let (n, d_k, d_v) = (q.rows(), q.cols(), v.cols());
    let kernel = &ctx.pipelines.linear;
    let params = AttnLinearParams {
        n: n as u32,
        d_k: d_k as u32,
        d_v: d_v as u32,
        causal: u32::from(causal),
        eps,
        _pad: [0; 3],
    };
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let params_buffer = upload_uniform(ctx, "attn_linear params", &params);
    let q_buffer = upload_matrix(ctx, "q", q);
    let k_buffer = upload_matrix(ctx, "k", k);
    let v_buffer = upload_matrix(ctx, "v", v);
    let out = output_buffer(ctx, "out", n * d_v);
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    let bind_group = bind_in_order(
        &ctx.device,
        "attn_linear",
        &kernel.layout,
        &[&params_buffer, &q_buffer, &k_buffer, &v_buffer, &out],
    );
    let timer = PassTimer::new(ctx);

    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("attn_linear") });
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("attn_linear"),
            timestamp_writes: timer.as_ref().map(PassTimer::writes),
        });
        pass.set_pipeline(&kernel.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups((d_v as u32).div_ceil(WORKGROUP_SIZE), 1, 1); // one invocation per value column
    }
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if let Some(timer) = &timer {
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    crate::gpu::check_scope(scope.pop().await)?;

    let output = read_matrix(ctx, &out_download, n, d_v).await?;
    let kernel_ms = match &timer {
        Some(timer) => Some(timer.read_ms(ctx).await?),
        None => None,
    };
    Ok((output, GpuTiming { kernel_ms }))
}
