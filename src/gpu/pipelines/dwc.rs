//! Runs FLatten's depthwise conv on V on the GPU (`shaders/dwc.wgsl`, `O(N k d_v)`): the term the
//! kernel run's output gets added to.

use super::submit::{finish, start};
use super::Grid;
use crate::attention::gated::to_matrix;
use crate::attention::kernel::dwc::Dwc;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::DwcParams;
use crate::gpu::GpuContext;
use crate::tensor::Matrix;

/// `(DWC(V), device ms)`.
pub async fn run(ctx: &GpuContext, dwc: &Dwc, v: &Matrix) -> Result<(Matrix, Option<f64>)> {
    let (n, d_v) = (v.rows(), v.cols());
    let k = dwc.weights.first().map_or(1, Vec::len);
    let (mut encoder, timer, scope) = start(ctx, "dwc");
    let params = upload_uniform(
        ctx,
        "dwc params",
        &DwcParams {
            n: n as u32,
            d_v: d_v as u32,
            k: k as u32,
            first: dwc.first as i32,
        },
    );
    let v_buf = upload_matrix(ctx, "v", v);
    let w = upload_matrix(ctx, "dwc taps", &to_matrix(&dwc.weights, k));
    let out = output_buffer(ctx, "DWC(V)", n * d_v);
    ctx.pipelines.dwc.record(
        &ctx.device,
        &mut encoder,
        &[&params, &v_buf, &w, &out],
        Grid::Invocations((n * d_v) as u64),
        None,
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    let (mut mats, ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    Ok((mats.remove(0), ms))
}
