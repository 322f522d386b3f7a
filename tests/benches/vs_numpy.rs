//! `cargo bench --bench vs_numpy`: the native CPU path against the same operation scripted the
//! way a user would, numpy with OpenBLAS on one thread, timed in the same run and printed as a
//! ratio (ours / numpy; below 1 is faster):
//!
//! - softmax attention, output only, n = 2 048, d_k = d_v = 64, non-causal and causal
//!   (`attnscope::evaluate` as the CLI and the page call it, its `compute` time: the attention
//!   without the seeded workload's generation, which numpy's line leaves out too; numpy in f32);
//! - the statistics' spectra of one n = 512 map: our singular values and eigenvalue moduli
//!   against `numpy.linalg.svd(A, compute_uv=False)`.
//!
//! - the kernel family's chunkwise form at n = 16 384 (d = 64, causal): the fast form
//!   (`kernel/chunked_fast.rs`) against the scalar form it replaced, as a speed-up.
//!
//! Each figure is the median of 7 runs after one warm-up. Needs `python3` with numpy
//! (`pip install numpy`); without it the numpy column says so.
#![cfg_attr(target_arch = "wasm32", no_main)] // native only: an empty crate on wasm32
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)] // a bench may panic on a broken invariant

use attnscope::stats::spectrum;
use attnscope::Request;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 7;

#[allow(clippy::disallowed_methods)] // native-only bench: std's clock is fine here
fn median_ms(mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

/// numpy's median time of `body` (Python with `q, k, v` or `a` defined) in ms, or why there is
/// none.
fn numpy_ms(setup: &str, body: &str) -> Result<f64, String> {
    let script = format!(
        "import time, numpy as np\n\
         rng = np.random.default_rng(0)\n\
         {setup}\n\
         def f():\n    {body}\n\
         f()\n\
         t = []\n\
         for _ in range({RUNS}):\n    s = time.perf_counter(); f(); t.append(time.perf_counter() - s)\n\
         print(sorted(t)[{RUNS} // 2] * 1e3)\n"
    );
    let output = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("OMP_NUM_THREADS", "1")
        .output()
        .map_err(|e| format!("no python3 ({e})"))?;
    if !output.status.success() {
        return Err("no numpy (pip install numpy)".into());
    }
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("unreadable numpy timing ({e})"))
}

fn row(what: &str, ours: f64, numpy: Result<f64, String>) {
    match numpy {
        Ok(theirs) => println!(
            "{what:<44} {ours:>9.1} ms {theirs:>9.1} ms {:>7.2}×",
            ours / theirs
        ),
        Err(why) => println!("{what:<44} {ours:>9.1} ms   ({why})"),
    }
}

fn main() {
    println!(
        "{:<44} {:>12} {:>12} {:>8}",
        "operation (median of 7, one thread)", "attnscope", "numpy", "ratio"
    );
    let softmax_setup = "n, d = 2048, 64\n\
         q, k, v = (rng.standard_normal((n, d)).astype(np.float32) for _ in range(3))\n\
         mask = np.triu(np.ones((n, n), dtype=bool), 1)";
    for causal in [false, true] {
        let request = Request::from_value(serde_json::json!({
            "variant": {"name": "softmax"}, "causal": causal, "backend": "cpu",
            "outputs": ["output"],
            "workload": {"kind": "gaussian", "n": 2048, "d_k": 64, "seed": 0}
        }))
        .unwrap();
        // The engine's own "compute" time: the attention, as numpy's line times it (not the
        // seeded workload's generation, which numpy's timing leaves out too).
        let mut computes = Vec::new();
        for _ in 0..=RUNS {
            let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu"))).unwrap();
            computes.push(response.timing_ms["compute"]);
        }
        computes.remove(0); // the warm-up
        computes.sort_by(f64::total_cmp);
        let ours = computes[RUNS / 2];
        let masking = if causal { "s[mask] = -np.inf; " } else { "" };
        let body = format!(
            "s = (q @ k.T) / 8.0; {masking}s = np.exp(s - s.max(axis=1, keepdims=True)); \
             o = (s @ v) / s.sum(axis=1, keepdims=True)"
        );
        let label = format!(
            "softmax n = 2048, d = 64, output, {}",
            if causal { "causal" } else { "non-causal" }
        );
        row(&label, ours, numpy_ms(softmax_setup, &body));
    }
    for name in ["linear_elu", "performer"] {
        let spec = attnscope::attention::VariantSpec::from_json(&serde_json::json!({"name": name}))
            .unwrap();
        let qkv = attnscope::workload::WorkloadSpec::from_json(&serde_json::json!(
            {"kind": "gaussian", "n": 16_384, "d_k": 64, "seed": 0}
        ))
        .unwrap()
        .generate();
        let setup = spec.kernel_setup(&qkv).unwrap().unwrap();
        let scalar = median_ms(|| {
            black_box(attnscope::attention::kernel::chunked(
                &setup, &qkv.v, true, 64,
            ));
        });
        let fast = median_ms(|| {
            black_box(attnscope::attention::kernel::chunked_fast::chunked_fast(
                &setup, &qkv.v, true, 64,
            ));
        });
        println!(
            "{:<44} {fast:>9.1} ms {scalar:>9.1} ms {:>7.2}× faster (vs the scalar chunks)",
            format!("{name} chunkwise, n = 16 384, d = 64, causal"),
            scalar / fast
        );
    }
    let request = Request::from_value(serde_json::json!({
        "variant": {"name": "softmax"}, "backend": "cpu", "outputs": ["attention"],
        "workload": {"kind": "clustered", "n": 512, "d_k": 16, "seed": 1}
    }))
    .unwrap();
    let a = pollster::block_on(attnscope::evaluate(&request, Err("cpu")))
        .unwrap()
        .attention
        .unwrap();
    let numpy_svd = numpy_ms(
        "a = rng.random((512, 512))\na /= a.sum(axis=1, keepdims=True)",
        "np.linalg.svd(a, compute_uv=False)",
    );
    let svd = median_ms(|| {
        black_box(spectrum::singular_values(&a).unwrap());
    });
    row(
        "singular values of one 512 × 512 map",
        svd,
        numpy_svd.clone(),
    );
    let both = median_ms(|| {
        black_box(spectrum::singular_values(&a).unwrap());
        black_box(spectrum::eigenvalue_moduli(&a, false).unwrap());
    });
    row(
        "  + eigenvalues for the gap (the stats' spectra)",
        both,
        numpy_svd,
    );
}
