//! The linear-time GPU forms of the kernel, low-rank, sampling and mixing zoo against the CPU
//! reference (natively on lavapipe): MHLA's block states, causal FLARE, and the output-only paths
//! of Flowformer, YOSO and FNet that never build the n × n matrix.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use common::assert_matrix_close;
use common::gpu::{check_output_only, check_table, check_variant, evaluate, gpu, max_abs_diff};
use common::Tolerance;
use serde_json::json;

/// Output-only runs on inputs scaled ×`LARGE`: features and exponentials grow, and the result
/// must stay finite and within f32 error of the CPU relative to its own scale.
const LARGE: f32 = 30.0;

#[test]
fn mhla_gpu_matches_cpu() {
    // B = 1 is plain linear attention; B = 3 does not divide 7, 64 or 257 (uneven blocks), and
    // B = 1 at n = 257 spans five segments of 64 tokens.
    check_variant(json!({"name": "mhla", "blocks": 1}), 16, 16);
    let both = [false, true];
    let ns = [4, 7, 64, 257];
    check_table(json!({"name": "mhla"}), (16, 16), false, &both, &ns);
    let mixing = json!([[0.7, 0.3, 0.0], [0.4, 0.6, 0.2], [0.1, 0.0, 1.0]]);
    let variant = json!({"name": "mhla", "mixing": mixing});
    check_table(variant, (8, 24), false, &both, &ns);
}

#[test]
fn mhla_with_rope_gpu_matches_cpu() {
    let variant = json!({"name": "mhla", "blocks": 2});
    check_table(variant, (16, 8), true, &[false, true], &[2, 7, 64, 257]);
}

#[test]
fn mhla_output_only_on_long_and_large_inputs_matches_cpu() {
    check_output_only(
        json!({"name": "mhla", "blocks": 5}),
        8,
        &[100, 1000],
        &[false, true],
        1.0,
        Tolerance::GPU_F32,
    );
    check_output_only(
        json!({"name": "mhla", "blocks": 3}),
        8,
        &[129],
        &[false, true],
        LARGE,
        Tolerance::GPU_F32,
    );
}

#[test]
fn causal_flare_gpu_matches_cpu() {
    let ns = [1, 7, 64, 257];
    // M = 8: chunks of 64; M = 300: chunks of 54 (C · M ≤ 16 384), so n = 257 spans five.
    check_table(
        json!({"name": "flare", "m": 8, "seed": 2}),
        (16, 16),
        false,
        &[true],
        &ns,
    );
    let variant = json!({"name": "flare", "m": 300, "seed": 1});
    check_table(variant, (8, 12), false, &[true], &ns);
    check_table(
        json!({"name": "flare", "m": 4}),
        (8, 8),
        true,
        &[true],
        &[7, 64],
    );
}

#[test]
fn causal_flare_output_only_on_long_and_large_inputs_matches_cpu() {
    // A logit scale of 50 on ×30 inputs puts logits in the hundreds: exp overflows f32 without
    // the running maximum, and each exp(x − m) carries |x| · 2⁻²⁴ ≈ 4e-5 relative error from the
    // f32 logit, within GPU_F32's 2e-5 of the output's scale (~100) plus 2e-4 relative.
    let variant = json!({"name": "flare", "m": 16, "scale": 50.0});
    check_output_only(variant, 8, &[100, 1000], &[true], LARGE, Tolerance::GPU_F32);
    let variant = json!({"name": "flare", "m": 16});
    check_output_only(variant, 8, &[1000], &[true, false], 1.0, Tolerance::GPU_F32);
}

#[test]
fn flowformer_linear_form_gpu_matches_cpu() {
    // A from the kernel chain's weights pass, O from its states; n = 257 spans five chunks.
    check_table(
        json!({"name": "flowformer"}),
        (16, 16),
        false,
        &[false, true],
        &[1, 7, 64, 257],
    );
    check_table(
        json!({"name": "flowformer"}),
        (8, 8),
        true,
        &[false, true],
        &[7, 100],
    );
    check_output_only(
        json!({"name": "flowformer"}),
        8,
        &[100, 3000],
        &[false, true],
        1.0,
        Tolerance::GPU_F32,
    );
    check_output_only(
        json!({"name": "flowformer"}),
        8,
        &[129],
        &[false, true],
        LARGE,
        Tolerance::GPU_F32,
    );
}

/// YOSO sampled, output only (the hash tables) against the GPU's n × n form of the same codes
/// (equal up to f32 summation order) and against the CPU's tables (equal but for rare hash
/// flips: a hyperplane test `w·x > 0` with |w·x| below f32 round-off can differ from f64).
/// n = 20 000 takes two token passes; with 64 hashes the causal reads (52 hashes × n × d_v fit
/// the 32 MiB budget) take two hash groups.
#[test]
fn yoso_sampled_tables_gpu_match_the_quadratic_form_and_the_cpu() {
    let Some(ctx) = gpu() else { return };
    for (n, bits, hashes) in [
        (1, 4, 8),
        (7, 6, 32),
        (100, 8, 32),
        (1000, 4, 64),
        (20_000, 8, 4),
        (20_000, 4, 64),
    ] {
        for causal in [false, true] {
            let request = |backend: &str, outputs: serde_json::Value| {
                json!({"variant": {"name": "yoso", "mode": "sampled", "bits": bits,
                                   "hashes": hashes, "seed": 3},
                       "causal": causal, "backend": backend, "outputs": outputs,
                       "workload": {"kind": "gaussian", "n": n, "d_k": 8, "d_v": 8, "seed": n}})
            };
            let what = format!("yoso sampled n={n} bits={bits} hashes={hashes} causal={causal}");
            let linear = evaluate(request("gpu", json!(["output"])), ctx);
            assert!(linear.attention.is_none());
            let linear = linear.output.unwrap();
            if n <= 1000 {
                let quadratic = evaluate(request("gpu", json!(["output", "attention"])), ctx);
                let quadratic = quadratic.output.unwrap();
                eprintln!(
                    "max |tables − n × n| on the GPU: {:.2e} ({what})",
                    max_abs_diff(&linear, &quadratic)
                );
                assert_matrix_close(
                    &format!("O {what}"),
                    &linear,
                    &quadratic,
                    Tolerance::GPU_F32,
                );
            }
            let cpu = evaluate(request("cpu", json!(["output"])), ctx)
                .output
                .unwrap();
            let d_v = cpu.cols();
            let flipped = (0..n)
                .filter(|&i| (0..d_v).any(|c| (linear.get(i, c) - cpu.get(i, c)).abs() > 1e-4))
                .count();
            let agreeing: f64 = (0..n)
                .filter(|&i| (0..d_v).all(|c| (linear.get(i, c) - cpu.get(i, c)).abs() <= 1e-4))
                .flat_map(|i| (0..d_v).map(move |c| (i, c)))
                .map(|(i, c)| f64::from((linear.get(i, c) - cpu.get(i, c)).abs()))
                .fold(0.0, f64::max);
            eprintln!(
                "rows off the CPU by > 1e-4: {flipped}; max |Δ| elsewhere {agreeing:.2e} ({what})"
            );
            assert!(linear.data().iter().all(|x| x.is_finite()), "{what}");
            assert!(flipped * 50 <= n.max(50), "{flipped} rows differ ({what})");
        }
    }
}

#[test]
fn yoso_sampled_tables_on_large_inputs_stay_finite_and_match_cpu() {
    // Codes depend on signs only; V × 30 meets the row normalisation.
    let variant = json!({"name": "yoso", "mode": "sampled", "bits": 8, "hashes": 16});
    check_output_only(
        variant,
        8,
        &[129],
        &[false, true],
        LARGE,
        Tolerance::GPU_F32,
    );
}

#[test]
fn fnet_fft_and_twiddle_dft_gpu_match_cpu() {
    // A = C_N from the CPU; O from the token FFT (n = 2, 64: powers of two) or the on-the-fly
    // DFT (n = 1, 7, 257), both from n-entry twiddles.
    check_table(
        json!({"name": "fnet"}),
        (8, 8),
        false,
        &[false],
        &[1, 2, 7, 64, 257],
    );
    // The FFT's log₂ n stages at n = 1 024 and 16 384 (×30 at 128).
    check_output_only(
        json!({"name": "fnet"}),
        8,
        &[1024, 16_384],
        &[false],
        1.0,
        Tolerance::GPU_F32,
    );
    check_output_only(
        json!({"name": "fnet"}),
        8,
        &[128],
        &[false],
        LARGE,
        Tolerance::GPU_F32,
    );
    // Non-powers of two; n = 16 500 takes two token passes and angle indices t·j near 2^28.
    check_output_only(
        json!({"name": "fnet"}),
        8,
        &[1000, 3001],
        &[false],
        1.0,
        Tolerance::GPU_F32,
    );
    check_output_only(
        json!({"name": "fnet"}),
        4,
        &[16_500],
        &[false],
        1.0,
        Tolerance::GPU_F32,
    );
    check_output_only(
        json!({"name": "fnet"}),
        8,
        &[129],
        &[false],
        LARGE,
        Tolerance::GPU_F32,
    );
}

#[test]
fn one_pass_online_softmax_output_matches_cpu() {
    // Output only takes attn_softmax_online.wgsl: 1 key, a partial tile, exact tiles, many tiles.
    let ns = [1, 7, 64, 257, 1000];
    for variant in [
        json!({"name": "softmax"}),
        json!({"name": "softmax", "temperature": 0.5}),
        json!({"name": "sliding_window", "window": 70}),
    ] {
        check_output_only(variant, 16, &ns, &[false, true], 1.0, Tolerance::GPU_F32);
    }
    // Neighborhood attention needs n ≥ its kernel.
    let variant = json!({"name": "neighborhood", "kernel": 9});
    check_output_only(
        variant,
        16,
        &[9, 100],
        &[false, true],
        1.0,
        Tolerance::GPU_F32,
    );
    // ×4 inputs: logits in the tens, so tiles that raise the running max rescale.
    let softmax = json!({"name": "softmax"});
    check_output_only(softmax, 16, &[300], &[false, true], 4.0, Tolerance::GPU_F32);
    // d_v = 200: several value columns per invocation.
    let Some(ctx) = gpu() else { return };
    let request = |backend: &str| {
        json!({"variant": {"name": "softmax"}, "causal": true, "backend": backend,
               "workload": {"kind": "gaussian", "n": 130, "d_k": 32, "d_v": 200, "seed": 4},
               "outputs": ["output"]})
    };
    let (gpu, cpu) = (evaluate(request("gpu"), ctx), evaluate(request("cpu"), ctx));
    let (gpu, cpu) = (gpu.output.unwrap(), cpu.output.unwrap());
    eprintln!(
        "max |GPU − CPU| softmax d_v = 200: {:.2e}",
        max_abs_diff(&gpu, &cpu)
    );
    assert_matrix_close("O softmax d_v = 200", &gpu, &cpu, Tolerance::GPU_F32);
}

#[test]
fn low_rank_softmaxes_without_weights_match_cpu() {
    // Their softmax passes without A take the one-pass kernel too; n = 6 000 is past where an
    // n × n f32 buffer exceeds a 128 MiB binding (nothing n × n is allocated without A).
    for variant in [
        json!({"name": "linformer", "k": 8, "seed": 3}),
        json!({"name": "nystrom", "landmarks": 4}),
        json!({"name": "flare", "m": 8, "seed": 2}),
    ] {
        check_output_only(
            variant,
            16,
            &[64, 257, 6000],
            &[false],
            1.0,
            Tolerance::GPU_F32,
        );
    }
}

#[test]
fn one_pass_online_softmax_equals_the_three_pass_kernel_on_huge_logits() {
    // ×30 inputs put logits near 10³: an f32 logit then carries ~10⁻³ absolute error, which both
    // kernels share (each is ~7e-3 off the f64 CPU at n = 300, the softmax being near one-hot),
    // so the one-pass kernel is held to the three-pass one (which writes A), not to the CPU.
    let Some(ctx) = gpu() else { return };
    let mut qkv = common::gaussian(300, 16, 16, 300);
    for m in [&mut qkv.q, &mut qkv.k, &mut qkv.v] {
        m.data_mut().iter_mut().for_each(|x| *x *= LARGE);
    }
    let workload = json!({"kind": "given", "q": qkv.q.to_rows(), "k": qkv.k.to_rows(),
                          "v": qkv.v.to_rows()});
    for causal in [false, true] {
        let run = |outputs: serde_json::Value| {
            let request = json!({"variant": {"name": "softmax"}, "causal": causal,
                                 "backend": "gpu", "workload": workload, "outputs": outputs});
            evaluate(request, ctx).output.unwrap()
        };
        let (one_pass, three_pass) = (run(json!(["output"])), run(json!(["output", "attention"])));
        assert!(one_pass.data().iter().all(|x| x.is_finite()));
        let what = format!("O one pass vs three passes, causal={causal}");
        eprintln!(
            "{what}: max |Δ| {:.2e}",
            max_abs_diff(&one_pass, &three_pass)
        );
        let scale = Tolerance {
            abs: Tolerance::GPU_F32.abs * f64::from(LARGE),
            rel: Tolerance::GPU_F32.rel,
        };
        assert_matrix_close(&what, &one_pass, &three_pass, scale);
    }
}

#[test]
fn gpu_kernel_timings_lie_within_the_wall_time_for_every_variant() {
    // The timestamp queries span the run's first and last pass; a pass that forgets its stamp
    // leaves an unwritten query (Flowformer's host-given features once did: 26 million ms).
    let Some(ctx) = gpu() else { return };
    let names = attnscope::attention::VariantSpec::NAMES;
    let mut timed = 0;
    for &name in names {
        let mut variant = json!({"name": name});
        match name {
            "sliding_window" => variant["window"] = json!(8),
            "neighborhood" => variant["kernel"] = json!(3),
            "yoso" => variant["mode"] = json!("sampled"),
            _ => {}
        }
        for causal in [false, true] {
            for outputs in [json!(["output"]), json!(["output", "attention"])] {
                let request = json!({
                    "variant": variant, "causal": causal, "backend": "gpu", "outputs": outputs,
                    "workload": {"kind": "gaussian", "n": 48, "d_k": 8, "seed": 2},
                });
                let Ok(request) = attnscope::Request::from_value(request) else {
                    continue;
                };
                let Ok(response) = pollster::block_on(attnscope::evaluate(&request, Ok(ctx)))
                else {
                    continue; // no form for this mask
                };
                let (Some(&kernel), Some(&compute)) = (
                    response.timing_ms.get("gpu_kernel"),
                    response.timing_ms.get("compute"),
                ) else {
                    continue; // the adapter has no timestamp queries
                };
                assert!(
                    kernel.is_finite() && kernel >= 0.0 && kernel <= compute + 1.0,
                    "{name} causal={causal} {outputs}: gpu_kernel {kernel} ms, compute {compute} ms"
                );
                timed += 1;
            }
        }
    }
    assert!(timed > 0 || !ctx.adapter().timestamps);
}
