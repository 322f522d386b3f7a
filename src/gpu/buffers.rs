//! Buffer helpers: uploads, outputs, and the crate's only readback (map a staging buffer, await the
//! callback: polled natively, driven by the browser on wasm).

use super::GpuContext;
use crate::error::{Error, Result};
use crate::tensor::Matrix;
use wgpu::util::DeviceExt;

/// A read-only storage buffer holding `matrix` (row-major f32).
pub fn upload_matrix(ctx: &GpuContext, label: &str, matrix: &Matrix) -> wgpu::Buffer {
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::cast_slice(matrix.data()),
            usage: wgpu::BufferUsages::STORAGE,
        })
}

/// A read-only storage buffer of `u32` values (at least one, so empty lists still bind).
pub fn upload_u32(ctx: &GpuContext, label: &str, values: &[u32]) -> wgpu::Buffer {
    let padded: Vec<u32> = if values.is_empty() {
        vec![0]
    } else {
        values.to_vec()
    };
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::cast_slice(&padded),
            usage: wgpu::BufferUsages::STORAGE,
        })
}

/// A uniform buffer holding one parameter block.
pub fn upload_uniform<T: bytemuck::Pod>(ctx: &GpuContext, label: &str, params: &T) -> wgpu::Buffer {
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::bytes_of(params),
            usage: wgpu::BufferUsages::UNIFORM,
        })
}

/// A zero-initialised storage buffer of `len` f32 that kernels write and that can be copied
/// out of and into.
pub fn output_buffer(ctx: &GpuContext, label: &str, len: usize) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (len.max(1) * 4) as u64,
        usage: wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_SRC
            | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// A host-mappable buffer of `bytes` bytes that results are copied into for readback.
pub fn download_buffer(ctx: &GpuContext, label: &str, bytes: u64) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: bytes.max(4),
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// Maps `download` (already filled by a submitted copy) and returns its bytes.
pub async fn read_bytes(ctx: &GpuContext, download: &wgpu::Buffer) -> Result<Vec<u8>> {
    let slice = download.slice(..);
    // The callback fires once the copy has finished; a channel carries it to this future, which
    // works the same natively (after a poll) and on wasm (where the browser drives the map).
    let (sender, receiver) = futures_channel::oneshot::channel();
    slice.map_async(wgpu::MapMode::Read, move |result| {
        // The receiver only disappears if this future was dropped: nobody wants the result.
        let _ = sender.send(result);
    });
    #[cfg(not(target_arch = "wasm32"))]
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| Error::Gpu {
            op: "poll",
            message: e.to_string(),
        })?;
    #[cfg(target_arch = "wasm32")]
    let _ = ctx; // the browser drives the map; nothing to poll
    receiver
        .await
        .map_err(|_| Error::Gpu {
            op: "readback",
            message: "the map callback was dropped".into(),
        })?
        .map_err(|e| Error::Gpu {
            op: "readback",
            message: e.to_string(),
        })?;
    let bytes = {
        let view = slice.get_mapped_range().map_err(|e| Error::Gpu {
            op: "readback",
            message: e.to_string(),
        })?;
        view.to_vec()
    };
    download.unmap();
    Ok(bytes)
}

/// Reads `download` as an `rows × cols` f32 matrix.
pub async fn read_matrix(
    ctx: &GpuContext,
    download: &wgpu::Buffer,
    rows: usize,
    cols: usize,
) -> Result<Matrix> {
    let bytes = read_bytes(ctx, download).await?;
    let values: Vec<f32> = bytemuck::pod_collect_to_vec(&bytes[..rows * cols * 4]);
    Matrix::from_vec(rows, cols, values)
}

/// Results to copy out of one submission: each `add` records a copy into a fresh download buffer;
/// `read` maps them all after the submission.
#[derive(Default)]
pub struct Readback {
    downloads: Vec<(wgpu::Buffer, usize, usize)>,
}

impl Readback {
    /// Records a copy of the `rows × cols` f32 matrix in `source`; returns its index for `read`.
    pub fn add(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        source: &wgpu::Buffer,
        rows: usize,
        cols: usize,
    ) -> usize {
        let bytes = (rows * cols * 4) as u64;
        let download = download_buffer(ctx, "readback", bytes);
        encoder.copy_buffer_to_buffer(source, 0, &download, 0, bytes);
        self.downloads.push((download, rows, cols));
        self.downloads.len() - 1
    }

    /// Every recorded matrix, in order (call after submitting the encoder).
    pub async fn read(self, ctx: &GpuContext) -> Result<Vec<Matrix>> {
        let mut out = Vec::with_capacity(self.downloads.len());
        for (download, rows, cols) in &self.downloads {
            out.push(read_matrix(ctx, download, *rows, *cols).await?);
        }
        Ok(out)
    }
}
