//! Kernel timings from WebGPU timestamp queries: two timestamps around the passes of one run,
//! resolved and read back with the results. `None` where the adapter lacks `timestamp-query`.

use super::buffers::{download_buffer, read_bytes};
use super::GpuContext;
use crate::error::Result;

/// Timestamps for one run: index 0 at the start of its first pass, 1 at the end of its last.
pub struct PassTimer {
    query_set: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    download: wgpu::Buffer,
}

impl PassTimer {
    /// A timer, or `None` without timestamp support.
    pub fn new(ctx: &GpuContext) -> Option<PassTimer> {
        if !ctx.timestamps {
            return None;
        }
        let query_set = ctx.device.create_query_set(&wgpu::QuerySetDescriptor {
            label: Some("pass timestamps"),
            ty: wgpu::QueryType::Timestamp,
            count: 2,
        });
        let resolve = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("timestamp resolve"),
            size: 16,
            usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let download = download_buffer(ctx, "timestamp download", 16);
        Some(PassTimer {
            query_set,
            resolve,
            download,
        })
    }

    /// The writes for a pass that is both the first and the last of the run.
    pub fn whole_run(&self) -> wgpu::ComputePassTimestampWrites<'_> {
        self.writes(Some(0), Some(1))
    }

    /// The writes for the first pass of a run of several.
    pub fn first_pass(&self) -> wgpu::ComputePassTimestampWrites<'_> {
        self.writes(Some(0), None)
    }

    /// The writes for the last pass of a run of several.
    pub fn last_pass(&self) -> wgpu::ComputePassTimestampWrites<'_> {
        self.writes(None, Some(1))
    }

    /// Records an empty pass that stamps the start (`start = true`) or the end of a run, for runs
    /// whose passes are recorded by helpers that take no timestamp writes.
    pub fn mark(&self, encoder: &mut wgpu::CommandEncoder, start: bool) {
        let (begin, end) = if start {
            (Some(0), None)
        } else {
            (None, Some(1))
        };
        let _pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("timestamp mark"),
            timestamp_writes: Some(self.writes(begin, end)),
        });
    }

    fn writes(&self, begin: Option<u32>, end: Option<u32>) -> wgpu::ComputePassTimestampWrites<'_> {
        wgpu::ComputePassTimestampWrites {
            query_set: &self.query_set,
            beginning_of_pass_write_index: begin,
            end_of_pass_write_index: end,
        }
    }

    /// Resolves the timestamps and copies them out; call after the passes, before `finish`.
    pub fn resolve(&self, encoder: &mut wgpu::CommandEncoder) {
        encoder.resolve_query_set(&self.query_set, 0..2, &self.resolve, 0);
        encoder.copy_buffer_to_buffer(&self.resolve, 0, &self.download, 0, 16);
    }

    /// The elapsed device time in ms, after the submission has completed.
    pub async fn read_ms(&self, ctx: &GpuContext) -> Result<f64> {
        let bytes = read_bytes(ctx, &self.download).await?;
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(&bytes[..16]);
        let period_ns = f64::from(ctx.queue.get_timestamp_period());
        Ok(ticks[1].saturating_sub(ticks[0]) as f64 * period_ns / 1e6)
    }
}
