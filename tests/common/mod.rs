//! Shared fixtures of the integration tests: the toy inputs of variants.md, tolerances with
//! named presets, a comparison that reports where and by how much, and the shared GPU context.
#![allow(dead_code)] // each test binary uses a different subset
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

#[cfg(not(target_arch = "wasm32"))]
pub mod gpu;
pub mod requests;

use attnscope::workload::{Qkv, WorkloadSpec};
use attnscope::Matrix;

/// The shared toy input of variants.md §0 (N = 3, d = d_v = 2).
pub fn toy() -> Qkv {
    let m = |rows: &[[f64; 2]; 3]| {
        Matrix::from_rows("toy", &rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>()).unwrap()
    };
    Qkv {
        q: m(&[[1.0, 0.5], [0.2, -0.4], [-0.6, 0.9]]),
        k: m(&[[0.8, -0.1], [0.3, 0.7], [-0.5, 0.4]]),
        v: m(&[[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]),
        rope: false,
    }
}

/// The toy input as a `given` workload JSON object.
pub fn toy_workload_json() -> serde_json::Value {
    let t = toy();
    serde_json::json!({"kind": "given", "q": t.q.to_rows(), "k": t.k.to_rows(), "v": t.v.to_rows()})
}

/// Seeded Gaussian Q, K, V.
pub fn gaussian(n: usize, d_k: usize, d_v: usize, seed: u64) -> Qkv {
    WorkloadSpec::from_json(&serde_json::json!(
        {"kind": "gaussian", "n": n, "d_k": d_k, "d_v": d_v, "seed": seed}
    ))
    .unwrap()
    .generate()
}

/// `|actual − expected| ≤ abs + rel · |expected|`, entry by entry.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    pub abs: f64,
    pub rel: f64,
}

impl Tolerance {
    /// variants.md prints 4 decimals: its numbers are exact to 5e-5, so 1e-4 leaves room for f32.
    pub const WORKED_EXAMPLE: Tolerance = Tolerance {
        abs: 1e-4,
        rel: 0.0,
    };
    /// Two f64-accumulated CPU forms of the same math, stored in f32: a few f32 ulps.
    pub const CPU_FORMS: Tolerance = Tolerance {
        abs: 1e-6,
        rel: 1e-5,
    };
    /// A GPU kernel (f32 accumulation, hardware exp) against the f64-accumulated CPU reference:
    /// sums of up to 257 terms of size ≤ 1 lose about 257 · 2⁻²⁴ ≈ 1.5e-5 relative.
    pub const GPU_F32: Tolerance = Tolerance {
        abs: 2e-5,
        rel: 2e-4,
    };
    /// YOSO's `arccos` in f32: near ±1 its slope 1/√(1 − c²) turns the cosine's round-off
    /// (6e-8) into ~3e-4 of angle, and the τ-th power multiplies it by τ.
    pub const GPU_ARCCOS: Tolerance = Tolerance {
        abs: 2e-3,
        rel: 2e-3,
    };
}

/// Asserts `actual ≈ expected` within `tol`, reporting the worst entry.
pub fn assert_close(what: &str, actual: &[f32], expected: &[f64], tol: Tolerance) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    let mut worst: Option<(usize, f64)> = None;
    for (idx, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let err = (f64::from(a) - e).abs();
        assert!(a.is_finite(), "{what}[{idx}] is not finite: {a}");
        if err > tol.abs + tol.rel * e.abs() && worst.is_none_or(|(_, w)| err > w) {
            worst = Some((idx, err));
        }
    }
    if let Some((idx, err)) = worst {
        panic!(
            "{what}: entry {idx} is {} but expected {} (error {err:.3e}, tolerance {tol:?})",
            actual[idx], expected[idx]
        );
    }
}

/// Asserts two matrices agree within `tol` (same shape).
pub fn assert_matrix_close(what: &str, actual: &Matrix, expected: &Matrix, tol: Tolerance) {
    assert_eq!(
        (actual.rows(), actual.cols()),
        (expected.rows(), expected.cols()),
        "{what}: shapes differ"
    );
    let e: Vec<f64> = expected.data().iter().map(|&x| f64::from(x)).collect();
    assert_close(what, actual.data(), &e, tol);
}

/// Flattens a row-major literal table.
pub fn flat<const C: usize>(rows: &[[f64; C]]) -> Vec<f64> {
    rows.iter().flatten().copied().collect()
}

/// The second toy input of variants.md §0 (N = 4), as a `given` workload JSON object.
pub fn toy4_workload_json() -> serde_json::Value {
    serde_json::json!({"kind": "given",
        "q": [[2.0, 1.0], [1.0, -1.5], [-1.5, 2.0], [0.5, 0.5]],
        "k": [[1.5, -0.5], [0.5, 1.5], [-1.5, 1.0], [0.5, -2.0]],
        "v": [[1.0, 2.0], [0.0, -1.0], [3.0, 0.5], [-1.0, 1.0]]})
}

/// Runs `attnscope <subcommand>` with `stdin`; returns the exit status and the JSON it printed.
pub fn run_cli(subcommand: &str, stdin: &str) -> (i32, serde_json::Value) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_attnscope"))
        .arg(subcommand)
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (out.status.code().unwrap(), json)
}
