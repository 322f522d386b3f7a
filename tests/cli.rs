//! The `attnscope` binary: golden requests (hand-written from variants.md, or recorded for the
//! wasm comparison) and the error contract (status 2, `{"error": {"field", "message"}}`).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use serde_json::{json, Value};
use std::path::Path;

/// Hand-written goldens print 4 decimals; recorded ones are compared to f32 precision.
const HAND_TOLERANCE: f64 = 1e-4;
const RECORDED_TOLERANCE: f64 = 1e-6;

fn eval(stdin: &str) -> (i32, Value) {
    common::run_cli("eval", stdin)
}

/// Every key of `expected` is in `actual` with an equal value (numbers within `tol`).
fn assert_subset(path: &str, actual: &Value, expected: &Value, tol: f64) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            let scale = e.abs().max(1.0);
            assert!((a - e).abs() <= tol * scale, "{path}: {a} vs {e}");
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: lengths");
            for (i, (a, e)) in a.iter().zip(e).enumerate() {
                assert_subset(&format!("{path}[{i}]"), a, e, tol);
            }
        }
        (Value::Object(a), Value::Object(e)) => {
            for (key, e) in e {
                let a = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} is missing"));
                assert_subset(&format!("{path}.{key}"), a, e, tol);
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

fn check_golden(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(file);
    let mut golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (status, mut response) = eval(&golden["request"].to_string());
    assert_eq!(status, 0, "{file}: {response}");
    response.as_object_mut().unwrap().remove("timing_ms");
    let recorded = golden["recorded"].as_bool().unwrap();
    if recorded && std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        golden["response"] = response;
        std::fs::write(&path, serde_json::to_string_pretty(&golden).unwrap() + "\n").unwrap();
        return;
    }
    let tol = if recorded {
        RECORDED_TOLERANCE
    } else {
        HAND_TOLERANCE
    };
    assert!(
        !golden["response"].is_null(),
        "{file}: run UPDATE_GOLDEN=1 once to record it"
    );
    assert_subset(file, &response, &golden["response"], tol);
}

#[test]
fn golden_softmax_causal_worked_example() {
    check_golden("toy_softmax_causal.json");
}

#[test]
fn golden_linear_elu_worked_example_on_auto_backend() {
    check_golden("toy_linear_elu.json");
}

#[test]
fn golden_recorded_gaussian_softmax() {
    check_golden("gaussian_softmax.json");
}

#[test]
fn golden_recorded_gaussian_linear_elu() {
    check_golden("gaussian_linear_elu.json");
}

fn assert_error(request: &str, field: &str, message_part: &str) {
    let (status, response) = eval(request);
    assert_eq!(status, 2, "{response}");
    let error = response["error"]
        .as_object()
        .unwrap_or_else(|| panic!("{response}"));
    assert_eq!(error.len(), 2, "{response}");
    assert_eq!(error["field"], field, "{response}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(message_part),
        "{message:?} lacks {message_part:?}"
    );
}

#[test]
fn unknown_parameter_is_an_error_naming_it() {
    let request = json!({"variant": {"name": "softmax", "temprature": 2},
                         "workload": {"kind": "gaussian", "n": 4, "d_k": 2}});
    assert_error(&request.to_string(), "variant.temprature", "unknown field");
}

#[test]
fn unknown_variant_is_an_error_listing_the_known_ones() {
    let request = json!({"variant": {"name": "flash_softmax"},
                         "workload": {"kind": "gaussian", "n": 4, "d_k": 2}});
    assert_error(
        &request.to_string(),
        "variant.name",
        "known: softmax, linear_elu, linear_relu",
    );
}

#[test]
fn unknown_top_level_field_is_an_error() {
    let request = json!({"variant": {"name": "softmax"}, "causl": true,
                         "workload": {"kind": "gaussian", "n": 4, "d_k": 2}});
    assert_error(&request.to_string(), "causl", "unknown field");
}

#[test]
fn size_over_the_limit_names_the_limit() {
    let request = json!({"variant": {"name": "softmax"},
                         "workload": {"kind": "gaussian", "n": 4, "d_k": 1000}});
    assert_error(&request.to_string(), "workload.d_k", "1..=256");
    let request = json!({"variant": {"name": "softmax"},
                         "workload": {"kind": "gaussian", "n": 5000, "d_k": 4}});
    assert_error(&request.to_string(), "outputs", "1..=2048");
}

#[test]
fn ragged_given_rows_are_a_shape_error() {
    let request = json!({"variant": {"name": "linear_elu"},
                         "workload": {"kind": "given", "q": [[1, 2], [3, 4]],
                                      "k": [[1, 2], [3]], "v": [[1], [2]]}});
    assert_error(&request.to_string(), "workload.k[1]", "2 columns");
}

#[test]
fn bad_values_are_errors() {
    let request = json!({"variant": {"name": "softmax", "temperature": 0},
                         "workload": {"kind": "gaussian", "n": 4, "d_k": 2}});
    assert_error(&request.to_string(), "variant.temperature", "outside");
    assert_error("{\"variant\": ", "", "not valid JSON");
    let request = json!({"variant": {"name": "softmax"}, "backend": "tpu",
                         "workload": {"kind": "gaussian", "n": 4, "d_k": 2}});
    assert_error(&request.to_string(), "backend", "unknown variant `tpu`");
}

#[test]
fn output_only_requests_skip_the_matrix() {
    let request = json!({"variant": {"name": "linear_elu"}, "causal": true, "backend": "cpu",
                         "workload": {"kind": "gaussian", "n": 3000, "d_k": 4},
                         "outputs": ["output"]});
    let (status, response) = eval(&request.to_string());
    assert_eq!(status, 0, "{response}");
    assert!(response["attention"].is_null() && response["stats"].is_null());
    assert_eq!(response["output"].as_array().unwrap().len(), 3000);
}
