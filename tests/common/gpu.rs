//! The GPU side of the GPU = CPU tests: one shared device per test binary (lavapipe natively),
//! and the table that runs a variant on both backends and compares O and A. Without an adapter
//! the tests print `SKIPPED: no adapter`, and fail when `REQUIRE_GPU=1`.

use super::{assert_matrix_close, Tolerance};
use attnscope::gpu::GpuContext;
use attnscope::schema::Backend;
use attnscope::Request;
use serde_json::json;
use std::sync::OnceLock;

/// One device for the whole binary (tests run on parallel threads; wgpu devices are Sync).
pub fn gpu() -> Option<&'static GpuContext> {
    static CONTEXT: OnceLock<Result<GpuContext, String>> = OnceLock::new();
    let context =
        CONTEXT.get_or_init(|| pollster::block_on(GpuContext::new()).map_err(|e| e.to_string()));
    match context {
        Ok(ctx) => Some(ctx),
        Err(reason) if std::env::var("REQUIRE_GPU").as_deref() == Ok("1") => {
            panic!("REQUIRE_GPU=1 but there is no GPU adapter: {reason}")
        }
        Err(reason) => {
            eprintln!("SKIPPED: no adapter ({reason})");
            None
        }
    }
}

/// Evaluates `request` with `ctx` available (the request's own `backend` decides).
pub fn evaluate(request: serde_json::Value, ctx: &GpuContext) -> attnscope::Response {
    let request = Request::from_value(request).unwrap();
    pollster::block_on(attnscope::evaluate(&request, Ok(ctx))).unwrap()
}

/// The GPU = CPU table: variant × causal × n, for output and attention.
pub fn check_variant(variant: serde_json::Value, d_k: usize, d_v: usize) {
    check_variant_with(variant, d_k, d_v, false);
}

/// The tolerance of a variant: f32 everywhere, looser for YOSO's ill-conditioned `arccos`, and
/// relative to the matrix's scale for HLA / AHLA, whose outputs are differences of terms that
/// grow like t² (f32 cancellation: `q S^K C` and `q G` agree to many digits).
pub fn tolerance(variant: &serde_json::Value, reference: &attnscope::Matrix) -> Tolerance {
    match variant["name"].as_str() {
        Some("yoso") => Tolerance::GPU_ARCCOS,
        Some("hla" | "ahla") => {
            let scale = reference
                .data()
                .iter()
                .fold(1.0f64, |m, &x| m.max(f64::from(x).abs()));
            Tolerance {
                abs: 2e-5 * scale,
                rel: Tolerance::GPU_F32.rel,
            }
        }
        _ => Tolerance::GPU_F32,
    }
}

/// As [`check_variant`], with RoPE on or off.
pub fn check_variant_with(variant: serde_json::Value, d_k: usize, d_v: usize, rope: bool) {
    check_masks(variant, d_k, d_v, rope, &[false, true]);
}

/// The GPU = CPU table for the given masks, n ∈ {1, 7, 64, 257}.
pub fn check_masks(variant: serde_json::Value, d_k: usize, d_v: usize, rope: bool, masks: &[bool]) {
    check_table(variant, (d_k, d_v), rope, masks, &[1, 7, 64, 257]);
}

/// The GPU = CPU table for the given masks and sequence lengths.
pub fn check_table(
    variant: serde_json::Value,
    (d_k, d_v): (usize, usize),
    rope: bool,
    masks: &[bool],
    ns: &[usize],
) {
    let Some(ctx) = gpu() else { return };
    for &n in ns {
        for &causal in masks {
            let request = |backend: &str| {
                json!({"variant": variant, "causal": causal, "backend": backend,
                       "workload": {"kind": "gaussian", "n": n, "d_k": d_k, "d_v": d_v, "seed": n,
                                    "rope": rope},
                       "outputs": ["output", "attention"]})
            };
            let gpu = evaluate(request("gpu"), ctx);
            let cpu = evaluate(request("cpu"), ctx);
            assert_eq!((gpu.backend, cpu.backend), (Backend::Gpu, Backend::Cpu));
            let what = format!("{variant} n={n} causal={causal} rope={rope}");
            report_error(&what, &gpu, &cpu);
            assert_matrix_close(
                &format!("O {what}"),
                gpu.output.as_ref().unwrap(),
                cpu.output.as_ref().unwrap(),
                tolerance(&variant, cpu.output.as_ref().unwrap()),
            );
            assert_matrix_close(
                &format!("A {what}"),
                gpu.attention.as_ref().unwrap(),
                cpu.attention.as_ref().unwrap(),
                tolerance(&variant, cpu.attention.as_ref().unwrap()),
            );
        }
    }
}

/// The largest `|gpu − cpu|` entry of two matrices (shapes are the caller's invariant).
pub fn max_abs_diff(gpu: &attnscope::Matrix, cpu: &attnscope::Matrix) -> f64 {
    gpu.data()
        .iter()
        .zip(cpu.data())
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
        .fold(0.0, f64::max)
}

/// Prints the largest O and A errors of a comparison (shown with `--nocapture`).
pub fn report_error(what: &str, gpu: &attnscope::Response, cpu: &attnscope::Response) {
    let diff = |g: &Option<attnscope::Matrix>, c: &Option<attnscope::Matrix>| match (g, c) {
        (Some(g), Some(c)) => format!("{:.2e}", max_abs_diff(g, c)),
        _ => "-".into(),
    };
    eprintln!(
        "max |GPU − CPU|: O {}, A {} ({what})",
        diff(&gpu.output, &cpu.output),
        diff(&gpu.attention, &cpu.attention)
    );
}

/// The output only (the GPU's linear-time path, nothing n × n) for each n and mask, against the
/// CPU, on Gaussian Q, K, V multiplied by `scale` (a `given` workload): finite, and within
/// `tol` scaled by the largest |O| of the reference.
pub fn check_output_only(
    variant: serde_json::Value,
    d: usize,
    ns: &[usize],
    masks: &[bool],
    scale: f32,
    tol: Tolerance,
) {
    let Some(ctx) = gpu() else { return };
    for &n in ns {
        let mut qkv = super::gaussian(n, d, d, n as u64);
        for m in [&mut qkv.q, &mut qkv.k, &mut qkv.v] {
            m.data_mut().iter_mut().for_each(|x| *x *= scale);
        }
        let workload = json!({"kind": "given", "q": qkv.q.to_rows(), "k": qkv.k.to_rows(),
                              "v": qkv.v.to_rows()});
        for &causal in masks {
            let request = |backend: &str| {
                json!({"variant": variant, "causal": causal, "backend": backend,
                       "workload": workload, "outputs": ["output"]})
            };
            let gpu = evaluate(request("gpu"), ctx);
            let cpu = evaluate(request("cpu"), ctx);
            assert_eq!((gpu.backend, cpu.backend), (Backend::Gpu, Backend::Cpu));
            assert!(gpu.attention.is_none());
            let what = format!("{variant} output only, n={n} causal={causal} scale={scale}");
            report_error(&what, &gpu, &cpu);
            let reference = cpu.output.as_ref().unwrap();
            let largest = reference
                .data()
                .iter()
                .fold(1.0f64, |m, &x| m.max(f64::from(x).abs()));
            assert_matrix_close(
                &format!("O {what}"),
                gpu.output.as_ref().unwrap(),
                reference,
                Tolerance {
                    abs: tol.abs * largest,
                    rel: tol.rel,
                },
            );
        }
    }
}
