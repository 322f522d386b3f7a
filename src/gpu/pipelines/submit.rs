//! One submission of a composed run: `start` opens an encoder inside a validation scope with a
//! timestamp mark, `finish` closes the mark, submits, checks the scope and reads the results.

use crate::error::Result;
use crate::gpu::buffers::Readback;
use crate::gpu::timer::PassTimer;
use crate::gpu::{check_scope, GpuContext};
use crate::tensor::Matrix;

/// Submits `encoder` (bracketed by `timer`), checks the validation scope, reads `readback`.
pub async fn finish(
    ctx: &GpuContext,
    mut encoder: wgpu::CommandEncoder,
    timer: Option<&PassTimer>,
    readback: Readback,
    scope: wgpu::ErrorScopeGuard,
) -> Result<(Vec<Matrix>, Option<f64>)> {
    if let Some(timer) = timer {
        timer.mark(&mut encoder, false);
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    check_scope(scope.pop().await)?;
    let matrices = readback.read(ctx).await?;
    let ms = match timer {
        Some(timer) => Some(timer.read_ms(ctx).await?),
        None => None,
    };
    Ok((matrices, ms))
}

/// Opens an encoder labelled `label` inside a validation scope, stamping the run's start.
pub fn start(
    ctx: &GpuContext,
    label: &str,
) -> (
    wgpu::CommandEncoder,
    Option<PassTimer>,
    wgpu::ErrorScopeGuard,
) {
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
    let timer = PassTimer::new(ctx);
    if let Some(timer) = &timer {
        timer.mark(&mut encoder, true);
    }
    (encoder, timer, scope)
}
