//! The worked examples of variants.md §1 (softmax) and §2.1 (elu+1 linear attention), through
//! the public engine on the CPU backend.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::{Request, Response};
use common::{assert_close, flat, toy_workload_json, Tolerance};
use serde_json::json;

fn run(variant: serde_json::Value, causal: bool) -> Response {
    let request = Request::from_value(json!({
        "variant": variant, "causal": causal, "workload": toy_workload_json(), "backend": "cpu"
    }))
    .unwrap();
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap()
}

fn check(response: &Response, attention: &[[f64; 3]; 3], output: &[[f64; 2]; 3]) {
    let a = response.attention.as_ref().unwrap();
    let o = response.output.as_ref().unwrap();
    assert_close("A", a.data(), &flat(attention), Tolerance::WORKED_EXAMPLE);
    assert_close("O", o.data(), &flat(output), Tolerance::WORKED_EXAMPLE);
}

#[test]
fn softmax_non_causal_matches_section_1() {
    check(
        &run(json!({"name": "softmax"}), false),
        &[
            [0.4153, 0.3870, 0.1977],
            [0.4056, 0.3014, 0.2930],
            [0.1837, 0.3779, 0.4384],
        ],
        &[[1.0084, 0.5425], [1.2846, 0.6563], [1.4989, 0.2087]],
    );
}

#[test]
fn softmax_causal_matches_section_1() {
    check(
        &run(json!({"name": "softmax"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5737, 0.4263, 0.0],
            [0.1837, 0.3779, 0.4384],
        ],
        &[[1.0, 2.0], [0.5737, 0.7211], [1.4989, 0.2087]],
    );
}

#[test]
fn softmax_causal_temperature_half_matches_section_1() {
    check(
        &run(json!({"name": "softmax", "temperature": 0.5}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.6443, 0.3557, 0.0],
            [0.0915, 0.3873, 0.5212],
        ],
        &[[1.0, 2.0], [0.6443, 0.9328], [1.6551, 0.0564]],
    );
}

#[test]
fn softmax_default_scale_is_one_over_sqrt_dk_and_is_reported() {
    let response = run(json!({"name": "softmax"}), false);
    let variant = serde_json::to_value(&response.variant).unwrap();
    assert_eq!(variant["scale"].as_f64().unwrap(), 1.0 / 2f64.sqrt());
    assert_eq!(variant["temperature"].as_f64().unwrap(), 1.0);
    // An explicit scale of 1/sqrt(2) over temperature 1 is the same computation.
    let explicit = run(
        json!({"name": "softmax", "scale": 1.0 / 2f64.sqrt()}),
        false,
    );
    assert_eq!(explicit.attention, response.attention);
}

#[test]
fn linear_elu_non_causal_matches_section_2_1() {
    check(
        &run(json!({"name": "linear_elu"}), false),
        &[
            [0.3694, 0.3837, 0.2469],
            [0.3879, 0.3785, 0.2336],
            [0.2807, 0.4089, 0.3104],
        ],
        &[[1.1100, 0.4785], [1.0888, 0.5141], [1.2118, 0.3077]],
    );
}

#[test]
fn linear_elu_causal_matches_section_2_1() {
    check(
        &run(json!({"name": "linear_elu"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5061, 0.4939, 0.0],
            [0.2807, 0.4089, 0.3104],
        ],
        &[[1.0, 2.0], [0.5061, 0.5184], [1.2118, 0.3077]],
    );
}

#[test]
fn linear_elu_default_eps_is_reported() {
    let response = run(json!({"name": "linear_elu"}), true);
    let variant = serde_json::to_value(&response.variant).unwrap();
    assert_eq!(variant, json!({"name": "linear_elu", "eps": 1e-6}));
}
