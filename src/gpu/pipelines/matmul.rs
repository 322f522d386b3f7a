//! Records `shaders/matmul.wgsl` passes: `C = alpha · A B + beta · C` on GPU buffers.

use super::Grid;
use crate::gpu::buffers::{output_buffer, upload_uniform};
use crate::gpu::params::MatmulParams;
use crate::gpu::GpuContext;

/// A GPU matrix: a storage buffer and its shape.
#[derive(Clone, Copy)]
pub struct GpuMatrix<'a> {
    /// The row-major values.
    pub buffer: &'a wgpu::Buffer,
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

/// Records `c = alpha · a b + beta · c` (shapes are the caller's invariant: `a.cols == b.rows`).
pub fn record_into(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    a: GpuMatrix<'_>,
    b: GpuMatrix<'_>,
    c: &wgpu::Buffer,
    (alpha, beta): (f32, f32),
) {
    debug_assert_eq!(a.cols, b.rows, "matmul shapes");
    let params = MatmulParams {
        m: a.rows as u32,
        n: b.cols as u32,
        k: a.cols as u32,
        _pad0: 0,
        alpha,
        beta,
        _pad1: [0; 2],
    };
    let params = upload_uniform(ctx, "matmul params", &params);
    ctx.pipelines.matmul.record(
        &ctx.device,
        encoder,
        &[&params, a.buffer, b.buffer, c],
        Grid::Invocations((a.rows * b.cols) as u64),
        None,
    );
}

/// Records `a b` into a new buffer and returns it (`a.rows × b.cols`).
pub fn record(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    label: &str,
    a: GpuMatrix<'_>,
    b: GpuMatrix<'_>,
) -> wgpu::Buffer {
    let c = output_buffer(ctx, label, a.rows * b.cols);
    record_into(ctx, encoder, a, b, &c, (1.0, 0.0));
    c
}
