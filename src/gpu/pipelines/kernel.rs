//! [`Kernel`]: one shader's compute pipeline with its explicit bind group layout (a params uniform
//! at binding 0, then storage buffers), and [`Grid`], how a pass is dispatched.

use super::{GRID_X, WORKGROUP_SIZE};

/// One shader's pipeline: binding 0 is its params uniform, then storage buffers in order.
pub struct Kernel {
    label: &'static str,
    layout: wgpu::BindGroupLayout,
    pipeline: wgpu::ComputePipeline,
}

impl Kernel {
    /// Builds the pipeline of `source` (entry point `main`) with an explicit layout: a uniform at
    /// binding 0, then one storage buffer per entry of `read_only`.
    pub fn new(
        device: &wgpu::Device,
        label: &'static str,
        source: &str,
        read_only: &[bool],
    ) -> Self {
        let mut entries = vec![uniform_entry()];
        entries.extend(
            read_only
                .iter()
                .enumerate()
                .map(|(i, &ro)| storage_entry(i as u32 + 1, ro)),
        );
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(label),
            entries: &entries,
        });
        let pipeline = compute_pipeline(device, label, source, &layout);
        Kernel {
            label,
            layout,
            pipeline,
        }
    }

    /// Records one pass: binds `buffers` (params first) and dispatches `invocations` threads as a
    /// 1-D grid folded into y, or `rows` workgroups when `Grid::Rows`.
    pub fn record(
        &self,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        buffers: &[&wgpu::Buffer],
        grid: Grid,
        timestamps: Option<wgpu::ComputePassTimestampWrites<'_>>,
    ) {
        let bind_group = bind_in_order(device, self.label, &self.layout, buffers);
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(self.label),
            timestamp_writes: timestamps,
        });
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        let (x, y) = grid.workgroups();
        pass.dispatch_workgroups(x, y, 1);
    }
}

/// How a pass is laid out.
#[derive(Debug, Clone, Copy)]
pub enum Grid {
    /// One invocation per item of a flat index space.
    Invocations(u64),
    /// One workgroup per row; past `GRID_X` rows the grid folds into y (the shader's row is
    /// `wg.x + wg.y · GRID_X`, and it skips rows past its count).
    Rows(u32),
}

impl Grid {
    /// The `(x, y)` workgroup counts.
    fn workgroups(self) -> (u32, u32) {
        match self {
            Grid::Rows(rows) => fold(u64::from(rows).max(1)),
            Grid::Invocations(count) => fold(count.div_ceil(u64::from(WORKGROUP_SIZE)).max(1)),
        }
    }
}

/// `groups` workgroups as `(x, y)` with x ≤ `GRID_X`.
fn fold(groups: u64) -> (u32, u32) {
    let x = groups.min(u64::from(GRID_X)) as u32;
    let y = groups.div_ceil(u64::from(GRID_X)) as u32;
    (x, y)
}

/// A bind group layout entry for a storage buffer visible to compute shaders.
fn storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// The bind group layout entry of binding 0, the params uniform.
fn uniform_entry() -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding: 0,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// A compute pipeline with entry point `main` from WGSL `source`, with an explicit layout.
fn compute_pipeline(
    device: &wgpu::Device,
    label: &str,
    source: &str,
    layout: &wgpu::BindGroupLayout,
) -> wgpu::ComputePipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(label),
        bind_group_layouts: &[Some(layout)],
        immediate_size: 0,
    });
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(label),
        layout: Some(&pipeline_layout),
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    })
}

/// Binds `buffers` to bindings 0, 1, 2, ... in order.
fn bind_in_order(
    device: &wgpu::Device,
    label: &str,
    layout: &wgpu::BindGroupLayout,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry> = buffers
        .iter()
        .enumerate()
        .map(|(binding, buffer)| wgpu::BindGroupEntry {
            binding: binding as u32,
            resource: buffer.as_entire_binding(),
        })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout,
        entries: &entries,
    })
}
