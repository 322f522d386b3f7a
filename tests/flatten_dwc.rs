//! FLatten's depthwise-conv term (variants.md §2.6): `O = A_lin V + DWC(V)` and the shown map
//! `A_lin + T_c`, against the spec's worked example plus a hand-computed conv; the conv restores
//! the rank the kernel part lacks; bad parameters name their field.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::{Request, Response};
use common::{assert_close, flat, toy_workload_json, Tolerance};
use serde_json::{json, Value};

fn run(variant: Value, causal: bool, workload: Value) -> attnscope::Result<Response> {
    let request = Request::from_value(json!({
        "variant": variant, "causal": causal, "workload": workload, "backend": "cpu"
    }))?;
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test")))
}

/// Taps per value channel of the toy (d_v = 2), k = 3.
fn taps() -> Value {
    json!([[0.5, 1.0, -0.25], [0.1, 0.2, 0.3]])
}

#[test]
fn conv_adds_to_the_worked_example_non_causal() {
    // §2.6 non-causal A_lin, O_lin; the conv by hand with centred taps (offsets −1, 0, 1):
    // channel 0: (1, −0.25, 3); channel 1: (0.1, 0.15, 0).
    let r = run(
        json!({"name": "flatten", "dwc_weights": taps()}),
        false,
        toy_workload_json(),
    )
    .unwrap();
    let o = flat(&[
        [0.9456 + 1.0, 1.4635 + 0.1],
        [0.9305 - 0.25, 1.7915 + 0.15],
        [1.0352 + 3.0, -0.4824],
    ]);
    assert_close("O", r.output.unwrap().data(), &o, Tolerance::WORKED_EXAMPLE);
    // Channel 0's map: A_lin + T_0, T_0[i, i + o] = w_0[o + 1].
    let a = flat(&[
        [0.7963 + 1.0, 0.1539 - 0.25, 0.0498],
        [0.9305 + 0.5, 0.0695 + 1.0, -0.25],
        [0.0, 0.6549 + 0.5, 0.3451 + 1.0],
    ]);
    assert_close(
        "A",
        r.attention.unwrap().data(),
        &a,
        Tolerance::WORKED_EXAMPLE,
    );
}

#[test]
fn conv_is_causal_under_the_causal_mask() {
    // Causal taps (offsets −2, −1, 0); channel 1 shown. Channel 1 of V: (2, −1, 0.5).
    let r = run(
        json!({"name": "flatten", "dwc_weights": taps(), "channel": 1}),
        true,
        toy_workload_json(),
    )
    .unwrap();
    let conv1 = [
        0.3 * 2.0,
        0.2 * 2.0 - 0.3,             // taps (0.2, 0.3) on v = (2, −1)
        0.1 * 2.0 - 0.2 + 0.3 * 0.5, // taps (0.1, 0.2, 0.3) on v = (2, −1, 0.5)
    ];
    let conv0 = [
        -0.25 * 1.0,
        1.0 * 1.0 - 0.25 * 0.0,
        0.5 * 1.0 + 1.0 * 0.0 - 0.25 * 3.0,
    ];
    let o = flat(&[
        [1.0 + conv0[0], 2.0 + conv1[0]],
        [0.9305 + conv0[1], 1.7915 + conv1[1]],
        [1.0352 + conv0[2], -0.4824 + conv1[2]],
    ]);
    assert_close("O", r.output.unwrap().data(), &o, Tolerance::WORKED_EXAMPLE);
    let a = flat(&[
        [1.0 + 0.3, 0.0, 0.0],
        [0.9305 + 0.2, 0.0695 + 0.3, 0.0],
        [0.1, 0.6549 + 0.2, 0.3451 + 0.3],
    ]);
    assert_close(
        "A",
        r.attention.unwrap().data(),
        &a,
        Tolerance::WORKED_EXAMPLE,
    );
}

#[test]
fn the_conv_restores_rank() {
    // rank(A_lin) ≤ d_k = 4 without a mask; a banded T_c makes the channel's map full rank.
    let w = json!({"kind": "gaussian", "n": 32, "d_k": 4, "seed": 3});
    let stats = |v: Value| run(v, false, w.clone()).unwrap().stats.unwrap();
    assert!(stats(json!({"name": "flatten"})).numerical_rank <= 4);
    assert_eq!(
        stats(json!({"name": "flatten", "dwc_kernel": 5, "seed": 1})).numerical_rank,
        32
    );
}

#[test]
fn bad_conv_parameters_name_their_field() {
    let field = |v: Value| {
        run(v, false, toy_workload_json())
            .unwrap_err()
            .field()
            .to_owned()
    };
    assert_eq!(
        field(json!({"name": "flatten", "dwc_kernel": 4})),
        "variant.dwc_kernel"
    );
    assert_eq!(
        field(json!({"name": "flatten", "dwc_kernel": 5, "dwc_weights": taps()})),
        "variant.dwc_weights"
    );
    assert_eq!(
        field(json!({"name": "flatten", "dwc_weights": [[1.0, 2.0, 3.0]]})),
        "variant.dwc_weights"
    );
    assert_eq!(
        field(json!({"name": "flatten", "dwc_kernel": 3, "channel": 2})),
        "variant.channel"
    );
}
