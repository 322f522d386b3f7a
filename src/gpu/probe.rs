//! The `auto` backend's choice: once per context, the same 256-token softmax (output only, d = 64)
//! runs on the GPU and on the CPU path, and from then on `auto` takes the faster of the two and
//! says so (a software adapter such as SwiftShader or lavapipe is usually slower than the CPU
//! path). `"backend": "gpu"` still forces the GPU.

use super::GpuContext;
use crate::attention::softmax::SoftmaxParams;
use crate::attention::VariantSpec;
use crate::engine::{ms_since, now};
use crate::rng::{stream, SeededRng};
use crate::workload::Qkv;
use serde::Serialize;

/// Tokens of the probe's softmax.
pub const PROBE_N: usize = 256;
/// Its head dimension.
const PROBE_D: usize = 64;
/// Timed runs per backend after one warm-up (the fastest is kept).
const RUNS: usize = 2;

/// What the probe measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Probe {
    /// The probe's best time on the GPU, in ms (∞ when the GPU run failed).
    pub gpu_ms: f64,
    /// Its best time on the CPU path, in ms.
    pub cpu_ms: f64,
}

impl Probe {
    /// Whether `auto` runs on the GPU.
    pub fn gpu_is_faster(&self) -> bool {
        self.gpu_ms <= self.cpu_ms
    }

    /// `auto`'s `backend_note` when it chose the CPU path.
    pub fn cpu_note(&self, adapter: &str) -> String {
        format!(
            "auto chose the CPU path: on this adapter ({adapter}) a {PROBE_N}-token softmax took \
             {:.1} ms on the GPU and {:.1} ms on the CPU path; ask for \"gpu\" to force it",
            self.gpu_ms, self.cpu_ms
        )
    }
}

/// Runs the probe on `ctx` (a few hundred ms on a software adapter, once per context).
pub(crate) async fn measure(ctx: &GpuContext) -> Probe {
    let mut rng = SeededRng::new(0, stream::PROJECTION);
    let qkv = Qkv {
        q: rng.normal_matrix(PROBE_N, PROBE_D),
        k: rng.normal_matrix(PROBE_N, PROBE_D),
        v: rng.normal_matrix(PROBE_N, PROBE_D),
        rope: false,
    };
    let spec = VariantSpec::Softmax(SoftmaxParams {
        temperature: 1.0,
        scale: None,
    });
    let mut gpu_ms = f64::INFINITY;
    let mut cpu_ms = f64::INFINITY;
    for run in 0..=RUNS {
        let start = now();
        let gpu_ok = super::run(ctx, &spec, &qkv, false, false).await.is_ok();
        let gpu = ms_since(start);
        let start = now();
        let cpu_ok = spec.forward_cpu(&qkv, false, false).is_ok();
        let cpu = ms_since(start);
        if run == 0 {
            continue; // the warm-up: first dispatches, allocations
        }
        if gpu_ok {
            gpu_ms = gpu_ms.min(gpu);
        }
        if cpu_ok {
            cpu_ms = cpu_ms.min(cpu);
        }
    }
    Probe { gpu_ms, cpu_ms }
}
