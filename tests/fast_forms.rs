//! The fast CPU forms against the f64 reference they stand in for, within their named tolerance,
//! on every variant and mask they serve.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attnscope::attention::mask::Mask;
use attnscope::attention::softmax::softmax_output;
use attnscope::attention::softmax_fast::{softmax_output_fast, FAST_FROM_N, FAST_TOLERANCE};
use attnscope::Request;
use common::Tolerance;
use serde_json::json;

const TOLERANCE: Tolerance = Tolerance {
    abs: FAST_TOLERANCE.0,
    rel: FAST_TOLERANCE.1,
};

/// Softmax, causal or not, sliding windows and neighborhoods, at sizes that cut blocks unevenly.
#[test]
fn fast_softmax_equals_the_reference_on_every_mask() {
    for (n, seed) in [(1, 1), (130, 2), (300, 3)] {
        let qkv = common::gaussian(n, 12, 7, seed);
        let masks = [
            Mask::from_causal(false),
            Mask::from_causal(true),
            Mask::Window {
                window: 5,
                causal: true,
            },
            Mask::Window {
                window: 9,
                causal: false,
            },
        ];
        for mask in masks {
            for scale in [0.05, 0.3, 4.0] {
                common::assert_matrix_close(
                    &format!("n = {n}, {mask:?}, scale {scale}"),
                    &softmax_output_fast(&qkv, scale, mask),
                    &softmax_output(&qkv, scale, mask),
                    TOLERANCE,
                );
            }
        }
    }
}

/// `evaluate` serves long output-only softmax requests with the fast form, and they still equal
/// the reference's `A V` (through the attention path) within the tolerance.
#[test]
fn long_output_only_requests_take_the_fast_form() {
    let n = FAST_FROM_N + 37;
    for (variant, causal) in [
        (json!({"name": "softmax"}), true),
        (json!({"name": "sliding_window", "window": 16}), false),
        (json!({"name": "neighborhood", "kernel": 7}), false),
    ] {
        let run = |outputs| {
            let request = Request::from_value(json!({"variant": variant, "causal": causal,
                "workload": {"kind": "clustered", "n": n, "d_k": 8, "d_v": 5, "seed": 9, "rope": true},
                "backend": "cpu", "outputs": outputs}))
            .unwrap();
            pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap()
        };
        let fast = run(json!(["output"]));
        let reference = run(json!(["output", "attention"]));
        common::assert_matrix_close(
            &format!("{variant}"),
            fast.output.as_ref().unwrap(),
            reference.output.as_ref().unwrap(),
            TOLERANCE,
        );
    }
}

/// The kernel family's fast chunkwise form against its scalar chunkwise form (the reference's
/// linear-time twin), on maps with and without RoPE, causal and not, chunks cut unevenly.
#[test]
fn fast_kernel_chunks_equal_the_scalar_chunks() {
    use attnscope::attention::kernel::{chunked, chunked_fast::chunked_fast};
    use attnscope::attention::VariantSpec;
    use attnscope::workload::WorkloadSpec;
    for name in [
        "linear_elu",
        "performer",
        "based",
        "cosformer",
        "hedgehog",
        "lln",
    ] {
        for (rope, causal) in [(false, false), (false, true), (true, true), (true, false)] {
            let qkv = WorkloadSpec::from_json(&json!({"kind": "clustered", "n": 301, "d_k": 6,
                "d_v": 5, "seed": 4, "rope": rope}))
            .unwrap()
            .generate();
            let spec = VariantSpec::from_json(&json!({"name": name, "chunk_size": 32})).unwrap();
            let setup = spec.kernel_setup(&qkv).unwrap().unwrap();
            common::assert_matrix_close(
                &format!("{name} rope={rope} causal={causal}"),
                &chunked_fast(&setup, &qkv.v, causal, 32),
                &chunked(&setup, &qkv.v, causal, 32),
                TOLERANCE,
            );
        }
    }
}
