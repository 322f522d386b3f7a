//! The linear-time GPU forms of the kernel, low-rank, sampling and mixing zoo against the CPU
//! reference (natively on lavapipe): MHLA's block states, causal FLARE, and the output-only paths
//! of Flowformer, YOSO and FNet that never build the n × n matrix.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use common::gpu::{check_output_only, check_table, check_variant};
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
