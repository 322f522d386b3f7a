//! `GpuContext`: adapter and device acquisition (with the adapter's own limits, so large buffers
//! work), the pipelines built once, and the checks of a request against the device's limits.

use super::pipelines::Pipelines;
use crate::error::{Error, Result};
use crate::workload::Qkv;
use serde::Serialize;

/// What the page and the CLI show about the adapter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdapterSummary {
    /// Adapter name (empty in browsers that hide it).
    pub name: String,
    /// PCI vendor id (0 where hidden).
    pub vendor: u32,
    /// `DiscreteGpu`, `IntegratedGpu`, `Cpu`, ...
    pub device_type: String,
    /// `Vulkan`, `BrowserWebGpu`, ...
    pub backend: String,
    /// Driver name and version.
    pub driver: String,
    /// Whether GPU timings come from timestamp queries.
    pub timestamps: bool,
}

/// The device, its queue and every pipeline, created once and reused for every request.
pub struct GpuContext {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    pub(crate) pipelines: Pipelines,
    pub(crate) timestamps: bool,
    summary: AdapterSummary,
    /// `auto`'s measurement, taken on first use.
    probe: std::sync::OnceLock<super::probe::Probe>,
    /// Why the device was lost, once it is (set by wgpu's device-lost callback).
    lost: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl GpuContext {
    /// Finds an adapter and opens a device. Fails with [`Error::NoAdapter`] when there is none
    /// (no WebGPU, no Vulkan driver).
    pub async fn new() -> Result<GpuContext> {
        // The instance: the entry point to every backend compiled in (Vulkan, or the browser's WebGPU).
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
        // The adapter: one physical device (or lavapipe / SwiftShader on the CPU).
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::NoAdapter {
                reason: e.to_string(),
            })?;
        let info = adapter.get_info();
        // Timestamps time the kernels on the device itself; optional, with a clean fallback.
        let timestamps = adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY);
        let required_features = if timestamps {
            wgpu::Features::TIMESTAMP_QUERY
        } else {
            wgpu::Features::empty()
        };
        // The device and its queue, with the adapter's own limits (the defaults cap storage
        // bindings at 128 MiB even where the hardware allows more).
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("attnscope"),
                required_features,
                required_limits: adapter.limits(),
                ..Default::default()
            })
            .await
            .map_err(|e| Error::Gpu {
                op: "request_device",
                message: e.to_string(),
            })?;
        let pipelines = Pipelines::new(&device).await?;
        let lost = std::sync::Arc::new(std::sync::Mutex::new(None));
        let flag = std::sync::Arc::clone(&lost);
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut lost) = flag.lock() {
                *lost = Some(format!("{reason:?}: {message}"));
            }
        });
        Ok(GpuContext {
            summary: AdapterSummary {
                name: info.name,
                vendor: info.vendor,
                device_type: format!("{:?}", info.device_type),
                backend: format!("{:?}", info.backend),
                driver: format!("{} {}", info.driver, info.driver_info)
                    .trim()
                    .to_owned(),
                timestamps,
            },
            device,
            queue,
            pipelines,
            timestamps,
            probe: std::sync::OnceLock::new(),
            lost,
        })
    }

    /// `auto`'s probe of this adapter against the CPU path, measured on the first call.
    pub async fn probe(&self) -> super::probe::Probe {
        if let Some(probe) = self.probe.get() {
            return *probe;
        }
        let probe = super::probe::measure(self).await;
        *self.probe.get_or_init(|| probe)
    }

    /// Why the device was lost, once it is (a driver reset, the browser reclaiming it, or
    /// [`GpuContext::simulate_device_loss`]); `auto` then runs on the CPU path.
    pub fn lost(&self) -> Option<String> {
        self.lost.lock().ok().and_then(|lost| lost.clone())
    }

    /// Destroys the device, as a driver reset would (for the fault tests: the page and the CLI
    /// must carry on on the CPU path).
    pub fn simulate_device_loss(&self) {
        if let Ok(mut lost) = self.lost.lock() {
            *lost = Some("Destroyed: the device was destroyed (a simulated loss)".into());
        }
        self.device.destroy();
    }

    /// The adapter this context runs on.
    pub fn adapter(&self) -> &AdapterSummary {
        &self.summary
    }

    /// Checks the buffer sizes of a run against the device's limits; `scratch_bytes` is the
    /// variant's largest intermediate buffer. (Dispatches fold into y past 65535 workgroups, so
    /// n itself is no limit.)
    pub(crate) fn check_buffers(
        &self,
        qkv: &Qkv,
        want_attention: bool,
        scratch_bytes: u64,
    ) -> Result<()> {
        let limits = self.device.limits();
        let max_binding = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let n = qkv.n() as u64;
        let widest = qkv.d_k().max(qkv.d_v()) as u64;
        let mut largest = (n * widest * 4).max(scratch_bytes);
        if want_attention {
            largest = largest.max(n * n * 4);
        }
        if largest > max_binding {
            return Err(Error::GpuLimit {
                field: "workload.n".into(),
                message: format!(
                    "a {largest}-byte buffer exceeds this device's storage binding limit of {max_binding} bytes"
                ),
            });
        }
        Ok(())
    }
}
