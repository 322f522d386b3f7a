//! Every GPU kernel against the CPU reference, natively (lavapipe in CI). Without an adapter the
//! tests print `SKIPPED: no adapter`, and fail when `REQUIRE_GPU=1` (the test command sets it).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::schema::Backend;
use attnscope::Request;
use common::gpu::{check_masks, check_variant, check_variant_with, evaluate, gpu};
use common::{assert_matrix_close, Tolerance};
use serde_json::json;

#[test]
fn softmax_gpu_matches_cpu() {
    check_variant(json!({"name": "softmax"}), 16, 16);
}

#[test]
fn softmax_with_temperature_and_wide_values_gpu_matches_cpu() {
    // d_v = 200 > 64 exercises several value columns per invocation.
    check_variant(json!({"name": "softmax", "temperature": 0.5}), 32, 200);
}

#[test]
fn linear_elu_gpu_matches_cpu() {
    check_variant(json!({"name": "linear_elu"}), 16, 16);
}

#[test]
fn linear_elu_with_wide_values_gpu_matches_cpu() {
    // d_v = 200 > 64 exercises several workgroups; d_k = 256 is the largest head dimension.
    check_variant(json!({"name": "linear_elu", "chunk_size": 16}), 256, 200);
}

#[test]
fn linear_relu_gpu_matches_cpu() {
    check_variant(
        json!({"name": "linear_relu", "delta": 1e-3, "chunk_size": 5}),
        16,
        16,
    );
}

#[test]
fn performer_gpu_matches_cpu() {
    check_variant(
        json!({"name": "performer", "features": 32, "seed": 5}),
        16,
        16,
    );
}

#[test]
fn performer_hyperbolic_gpu_matches_cpu() {
    check_variant(
        json!({"name": "performer", "features": 16, "hyperbolic": true}),
        8,
        8,
    );
}

#[test]
fn cosformer_gpu_matches_cpu() {
    check_variant(json!({"name": "cosformer", "chunk_size": 1}), 16, 16);
}

#[test]
fn based_gpu_matches_cpu() {
    check_variant(json!({"name": "based"}), 8, 8);
}

#[test]
fn taylorshift_gpu_matches_cpu() {
    check_variant(
        json!({"name": "taylorshift", "tau": 2.0, "chunk_size": 16}),
        8,
        8,
    );
}

#[test]
fn rebased_gpu_matches_cpu() {
    check_variant(json!({"name": "rebased"}), 8, 8);
}

#[test]
fn sliding_window_gpu_matches_cpu() {
    check_variant(json!({"name": "sliding_window", "window": 5}), 16, 16);
}

#[test]
fn neighborhood_gpu_matches_cpu() {
    // n = 1 is the smallest sequence a kernel of 1 fits.
    check_variant(json!({"name": "neighborhood", "kernel": 1}), 8, 8);
    let Some(ctx) = gpu() else { return };
    for causal in [false, true] {
        let request = |backend: &str| {
            json!({"variant": {"name": "neighborhood", "kernel": 7}, "causal": causal,
                   "backend": backend, "outputs": ["output", "attention"],
                   "workload": {"kind": "gaussian", "n": 64, "d_k": 8, "seed": 2}})
        };
        let gpu = evaluate(request("gpu"), ctx);
        let cpu = evaluate(request("cpu"), ctx);
        assert_matrix_close(
            "A",
            gpu.attention.as_ref().unwrap(),
            cpu.attention.as_ref().unwrap(),
            Tolerance::GPU_F32,
        );
        assert_matrix_close(
            "O",
            gpu.output.as_ref().unwrap(),
            cpu.output.as_ref().unwrap(),
            Tolerance::GPU_F32,
        );
    }
}

#[test]
fn low_rank_and_fnet_gpu_match_cpu() {
    // n = 1 is below every landmark and projection count used here, so those start at n = 7.
    check_masks(
        json!({"name": "linformer", "k": 1, "seed": 3}),
        16,
        16,
        false,
        &[false],
    );
    check_masks(
        json!({"name": "linformer", "k": 1, "seed": 3}),
        16,
        16,
        true,
        &[false],
    );
    check_masks(
        json!({"name": "nystrom", "landmarks": 1}),
        16,
        16,
        false,
        &[false],
    );
    check_masks(
        json!({"name": "flare", "m": 8, "seed": 2}),
        16,
        16,
        false,
        &[false],
    );
    check_masks(json!({"name": "fnet"}), 8, 8, false, &[false]);
}

#[test]
fn nystrom_with_several_landmarks_gpu_matches_cpu() {
    let Some(ctx) = gpu() else { return };
    for pinv in ["iterative", "svd"] {
        let request = |backend: &str| {
            json!({"variant": {"name": "nystrom", "landmarks": 8, "pinv": pinv}, "backend": backend,
                   "workload": {"kind": "gaussian", "n": 100, "d_k": 8, "seed": 4},
                   "outputs": ["output", "attention"]})
        };
        let (gpu, cpu) = (evaluate(request("gpu"), ctx), evaluate(request("cpu"), ctx));
        // Z amplifies the f32 error of Ã by about cond(Ã): a looser tolerance than one softmax.
        let tol = Tolerance {
            abs: 2e-4,
            rel: 2e-3,
        };
        assert_matrix_close(
            "A",
            gpu.attention.as_ref().unwrap(),
            cpu.attention.as_ref().unwrap(),
            tol,
        );
        assert_matrix_close(
            "O",
            gpu.output.as_ref().unwrap(),
            cpu.output.as_ref().unwrap(),
            tol,
        );
    }
}

#[test]
fn causal_linformer_is_refused_before_any_gpu_work() {
    let Some(ctx) = gpu() else { return };
    let linformer = Request::from_value(json!({"variant": {"name": "linformer"}, "causal": true,
        "workload": {"kind": "gaussian", "n": 16, "d_k": 4}}))
    .unwrap();
    let err = pollster::block_on(attnscope::evaluate(&linformer, Ok(ctx))).unwrap_err();
    assert_eq!(err.field(), "causal");
}

#[test]
fn flatten_gpu_matches_cpu() {
    check_variant(json!({"name": "flatten"}), 16, 16);
    // The depthwise conv on V, centred and causal, shown for channel 3.
    check_variant(
        json!({"name": "flatten", "dwc_kernel": 5, "seed": 2, "channel": 3}),
        16,
        16,
    );
}

#[test]
fn hedgehog_gpu_matches_cpu() {
    check_variant(json!({"name": "hedgehog", "seed": 2}), 8, 8);
    check_variant(
        json!({"name": "hedgehog", "form": "softmax", "chunk_size": 16}),
        8,
        8,
    );
}

#[test]
fn lln_gpu_matches_cpu() {
    check_variant(json!({"name": "lln", "diag": false}), 8, 8);
    check_variant(json!({"name": "lln", "block": 5}), 8, 8);
}

#[test]
fn flowformer_gpu_matches_cpu() {
    check_variant(json!({"name": "flowformer"}), 16, 16);
}

#[test]
fn rala_and_nalaformer_gpu_match_cpu() {
    for rope in [false, true] {
        check_masks(json!({"name": "rala"}), 8, 8, rope, &[false]);
        check_masks(json!({"name": "nalaformer"}), 8, 8, rope, &[false]);
    }
}

#[test]
fn yoso_expectation_gpu_matches_cpu() {
    check_variant(json!({"name": "yoso", "bits": 4}), 8, 8);
}

#[test]
fn yoso_sampled_gpu_matches_cpu_but_for_rare_hash_flips() {
    let Some(ctx) = gpu() else { return };
    for causal in [false, true] {
        let request = |backend: &str| {
            json!({"variant": {"name": "yoso", "mode": "sampled", "bits": 6, "hashes": 32},
                   "causal": causal, "backend": backend, "outputs": ["output", "attention"],
                   "workload": {"kind": "gaussian", "n": 64, "d_k": 8, "seed": 5}})
        };
        let (gpu, cpu) = (evaluate(request("gpu"), ctx), evaluate(request("cpu"), ctx));
        // A hyperplane test w·x > 0 with |w·x| below f32 round-off can flip between f32 and f64:
        // such an entry moves by 1/32. Allow one such entry in a thousand, nothing else.
        let (a, b) = (gpu.attention.unwrap(), cpu.attention.unwrap());
        let flips = a
            .data()
            .iter()
            .zip(b.data())
            .filter(|(x, y)| (*x - *y).abs() > 1e-5)
            .count();
        assert!(flips * 1000 <= a.data().len(), "{flips} entries differ");
        let worst = a
            .data()
            .iter()
            .zip(b.data())
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(worst <= 2.0 / 32.0 + 1e-6, "largest difference {worst}");
    }
}

#[test]
fn rope_gpu_matches_cpu() {
    check_variant_with(json!({"name": "softmax"}), 16, 8, true);
    check_variant_with(json!({"name": "linear_elu"}), 16, 8, true);
    // Based at d_k = 8 has 45 features: the odd last one is not rotated.
    check_variant_with(json!({"name": "based", "chunk_size": 16}), 8, 8, true);
    check_variant_with(json!({"name": "performer", "features": 16}), 8, 8, true);
}

#[test]
fn output_only_on_the_gpu_equals_the_cpu_output() {
    let Some(ctx) = gpu() else { return };
    for name in ["softmax", "linear_elu", "performer", "based"] {
        let request = |backend: &str| {
            json!({"variant": {"name": name}, "causal": true, "backend": backend,
                   "workload": {"kind": "gaussian", "n": 100, "d_k": 8, "seed": 3},
                   "outputs": ["output"]})
        };
        let gpu = evaluate(request("gpu"), ctx);
        let cpu = evaluate(request("cpu"), ctx);
        assert!(gpu.attention.is_none() && gpu.stats.is_none());
        assert_matrix_close(
            name,
            gpu.output.as_ref().unwrap(),
            cpu.output.as_ref().unwrap(),
            Tolerance::GPU_F32,
        );
    }
}

#[test]
fn auto_takes_the_faster_backend_by_its_probe_and_gpu_forces_the_gpu() {
    let Some(ctx) = gpu() else { return };
    let probe = pollster::block_on(ctx.probe());
    assert!(probe.cpu_ms.is_finite() && probe.cpu_ms > 0.0, "{probe:?}");
    assert!(probe.gpu_ms.is_finite() && probe.gpu_ms > 0.0, "{probe:?}");
    // The probe is measured once per context.
    assert_eq!(pollster::block_on(ctx.probe()), probe);
    let request = |backend: &str| {
        json!({"variant": {"name": "softmax"}, "backend": backend,
               "workload": {"kind": "gaussian", "n": 8, "d_k": 4}})
    };
    let auto = evaluate(request("auto"), ctx);
    if probe.gpu_is_faster() {
        assert_eq!(auto.backend, Backend::Gpu);
        assert!(auto.backend_note.is_none());
    } else {
        assert_eq!(auto.backend, Backend::Cpu);
        let note = auto.backend_note.unwrap();
        assert!(note.starts_with("auto chose the CPU path"), "{note}");
    }
    let forced = evaluate(request("gpu"), ctx);
    assert_eq!(forced.backend, Backend::Gpu);
    if ctx.adapter().timestamps {
        assert!(forced.timing_ms["gpu_kernel"] >= 0.0);
    }
}

/// The recurrent families are causal only: the table's causal half.
fn check_causal(variant: serde_json::Value, d_k: usize, d_v: usize) {
    check_masks(variant, d_k, d_v, false, &[true]);
}

#[test]
fn decay_gated_gpu_matches_cpu() {
    check_causal(json!({"name": "retnet", "chunk_size": 16}), 16, 16);
    check_causal(
        json!({"name": "lightning", "slope": 0.1, "chunk_size": 7}),
        8,
        8,
    );
    check_causal(json!({"name": "mamba2", "seed": 2, "d_skip": 0.5}), 8, 8);
    check_causal(json!({"name": "gla", "seed": 3, "chunk_size": 64}), 16, 8);
    check_causal(json!({"name": "hgrn", "seed": 4, "channel": 3}), 4, 8);
}

#[test]
fn delta_rule_gpu_matches_cpu() {
    check_causal(
        json!({"name": "deltanet", "seed": 5, "chunk_size": 16}),
        16,
        16,
    );
    check_causal(
        json!({"name": "gated_deltanet", "seed": 6, "chunk_size": 5}),
        8,
        8,
    );
    check_causal(json!({"name": "kda", "seed": 7}), 16, 8);
    // d_k = 256, the largest head dimension, and several value workgroups.
    check_causal(json!({"name": "kda", "seed": 8, "chunk_size": 32}), 256, 70);
}

#[test]
fn loglinear_gpu_matches_cpu() {
    check_causal(json!({"name": "loglinear", "seed": 9}), 8, 8);
    check_causal(
        json!({"name": "loglinear", "seed": 10, "chunk_size": 1}),
        8,
        4,
    );
    check_causal(
        json!({"name": "loglinear", "seed": 11, "chunk_size": 16}),
        16,
        8,
    );
}

#[test]
fn hla_and_ahla_gpu_match_cpu() {
    check_causal(json!({"name": "hla", "chunk_size": 16}), 8, 8);
    check_causal(json!({"name": "hla", "chunk_size": 7}), 4, 8);
    check_causal(json!({"name": "ahla", "chunk_size": 64}), 8, 8);
    check_causal(json!({"name": "ahla", "chunk_size": 5}), 8, 8);
}

/// The normalised forms divide by a signed row sum that can pass through 0 (variants.md §8), which
/// amplifies any f32 error without bound; with non-negative q and k the sums stay positive and the
/// GPU must match the CPU.
#[test]
fn normalized_hla_and_ahla_gpu_match_cpu_on_positive_inputs() {
    let Some(ctx) = gpu() else { return };
    for n in [1usize, 7, 64, 257] {
        let base = common::gaussian(n, 8, 8, n as u64);
        let abs_rows = |m: &attnscope::Matrix| -> Vec<Vec<f32>> {
            m.to_rows()
                .into_iter()
                .map(|r| r.into_iter().map(f32::abs).collect())
                .collect()
        };
        let workload = json!({"kind": "given", "q": abs_rows(&base.q), "k": abs_rows(&base.k),
                              "v": base.v.to_rows()});
        for name in ["hla", "ahla"] {
            let request = |backend: &str| {
                json!({"variant": {"name": name, "normalize": true, "chunk_size": 16},
                       "causal": true, "backend": backend, "workload": workload,
                       "outputs": ["output", "attention"]})
            };
            let gpu = evaluate(request("gpu"), ctx);
            let cpu = evaluate(request("cpu"), ctx);
            assert_eq!(gpu.backend, Backend::Gpu);
            for (what, g, c) in [
                ("O", &gpu.output, &cpu.output),
                ("A", &gpu.attention, &cpu.attention),
            ] {
                let c = c.as_ref().unwrap();
                assert_matrix_close(
                    &format!("{what} of normalized {name}, n = {n}"),
                    g.as_ref().unwrap(),
                    c,
                    Tolerance::GPU_F32,
                );
            }
        }
    }
}

#[test]
fn strong_decay_over_4096_tokens_stays_finite_on_the_gpu() {
    let Some(ctx) = gpu() else { return };
    let n = 4096;
    for variant in [
        json!({"name": "gla", "log_gates": vec![vec![-5.0; 8]; n]}),
        json!({"name": "gated_deltanet", "log_gates": vec![-5.0; n]}),
        json!({"name": "kda", "log_gates": vec![vec![-5.0; 8]; n]}),
        json!({"name": "loglinear", "log_gates": vec![-5.0; n]}),
    ] {
        let request = |backend: &str| {
            json!({"variant": variant, "causal": true, "backend": backend, "outputs": ["output"],
                   "workload": {"kind": "gaussian", "n": n, "d_k": 8, "d_v": 4, "seed": 1}})
        };
        let gpu = evaluate(request("gpu"), ctx);
        let cpu = evaluate(request("cpu"), ctx);
        let name = &variant["name"];
        assert_eq!(gpu.backend, Backend::Gpu);
        let o = gpu.output.unwrap();
        assert!(
            o.first_non_finite().is_none(),
            "{name}: non-finite on the GPU"
        );
        assert_matrix_close(
            &format!("{name} n = 4096"),
            &o,
            cpu.output.as_ref().unwrap(),
            Tolerance::GPU_F32,
        );
    }
}
