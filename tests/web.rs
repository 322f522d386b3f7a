//! The core in a real browser (`wasm-pack test --headless --chrome`): the WebGPU kernels against
//! the CPU reference on the browser's adapter, the wasm CPU path against the native CLI's
//! recorded numbers, and the JS-facing `Engine` API. With `REQUIRE_GPU=1` at build time (the test
//! command sets it), a missing WebGPU adapter fails.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::gpu::GpuContext;
use attnscope::schema::Backend;
use attnscope::wasm::Engine;
use attnscope::{Matrix, Request, Response};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// f32 GPU kernels against the f64-accumulated CPU reference (as tests/common Tolerance::GPU_F32).
const GPU_ABS: f64 = 2e-5;
const GPU_REL: f64 = 2e-4;
/// The wasm CPU path against the native one: same f64 math, libm transcendental functions may
/// differ in the last ulp.
const NATIVE_REL: f64 = 1e-6;

fn assert_close(what: &str, actual: &[f32], expected: &[f32], abs: f64, rel: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let err = (f64::from(a) - f64::from(e)).abs();
        assert!(
            err <= abs + rel * f64::from(e).abs(),
            "{what}[{i}]: {a} vs {e} (error {err:.3e})"
        );
    }
}

async fn evaluate(request: Value, gpu: Result<&GpuContext, &str>) -> Response {
    let request = Request::from_value(request).unwrap();
    attnscope::evaluate(&request, gpu).await.unwrap()
}

async fn gpu_or_skip() -> Option<GpuContext> {
    match GpuContext::new().await {
        Ok(ctx) => Some(ctx),
        Err(e) if option_env!("REQUIRE_GPU") == Some("1") => {
            panic!("REQUIRE_GPU=1 but the browser has no WebGPU adapter: {e}")
        }
        Err(e) => {
            web_sys_log(&format!("SKIPPED: no adapter ({e})"));
            None
        }
    }
}

fn web_sys_log(message: &str) {
    wasm_bindgen_test::console_log!("{message}");
}

#[wasm_bindgen_test]
async fn webgpu_kernels_match_the_cpu_reference() {
    let Some(ctx) = gpu_or_skip().await else {
        return;
    };
    assert_eq!(ctx.adapter().backend, "BrowserWebGpu");
    let both = [false, true];
    let variants = [
        (json!({"name": "softmax"}), &both[..]),
        (json!({"name": "linear_elu"}), &both[..]),
        (
            json!({"name": "linear_relu", "delta": 1e-3, "chunk_size": 5}),
            &both[..],
        ),
        (
            json!({"name": "performer", "features": 16, "seed": 5}),
            &both[..],
        ),
        (
            json!({"name": "performer", "features": 8, "hyperbolic": true}),
            &both[..],
        ),
        (json!({"name": "cosformer"}), &both[..]),
        (json!({"name": "based"}), &both[..]),
        (json!({"name": "taylorshift", "tau": 2.0}), &both[..]),
        (json!({"name": "rebased"}), &both[..]),
        (json!({"name": "flatten"}), &both[..]),
        (
            json!({"name": "flatten", "dwc_kernel": 3, "channel": 1}),
            &both[..],
        ),
        (json!({"name": "hedgehog", "seed": 2}), &both[..]),
        (json!({"name": "hedgehog", "form": "softmax"}), &both[..]),
        (json!({"name": "lln", "block": 5}), &both[..]),
        (json!({"name": "flowformer"}), &both[..]),
        (json!({"name": "mhla", "blocks": 1}), &both[..]),
        (json!({"name": "rala", "rope": true}), &both[..1]),
        (json!({"name": "nalaformer", "rope": true}), &both[..1]),
        (json!({"name": "sliding_window", "window": 5}), &both[..]),
        (json!({"name": "neighborhood", "kernel": 1}), &both[..]),
        (json!({"name": "linformer", "k": 1}), &both[..1]),
        (json!({"name": "nystrom", "landmarks": 1}), &both[..1]),
        (json!({"name": "flare", "m": 8}), &both[..]),
        (json!({"name": "fnet"}), &both[..1]),
        (json!({"name": "yoso", "bits": 4}), &both[..]),
        (json!({"name": "retnet", "chunk_size": 16}), &both[1..]),
        (json!({"name": "lightning", "chunk_size": 7}), &both[1..]),
        (json!({"name": "mamba2", "d_skip": 0.5}), &both[1..]),
        (json!({"name": "gla"}), &both[1..]),
        (json!({"name": "hgrn", "channel": 1}), &both[1..]),
        (json!({"name": "deltanet", "chunk_size": 5}), &both[1..]),
        (json!({"name": "gated_deltanet"}), &both[1..]),
        (json!({"name": "kda", "chunk_size": 16}), &both[1..]),
        (json!({"name": "loglinear", "chunk_size": 4}), &both[1..]),
        (json!({"name": "ahla"}), &both[1..]),
    ];
    for (variant, masks) in variants {
        for n in [1, 7, 64, 257] {
            for &causal in masks {
                let request = |backend: &str| {
                    json!({"variant": variant, "causal": causal, "backend": backend,
                           "workload": {"kind": "gaussian", "n": n, "d_k": 8, "d_v": 8, "seed": n},
                           "outputs": ["output", "attention"]})
                };
                let gpu = evaluate(request("gpu"), Ok(&ctx)).await;
                let cpu = evaluate(request("cpu"), Ok(&ctx)).await;
                assert_eq!((gpu.backend, cpu.backend), (Backend::Gpu, Backend::Cpu));
                let what = format!("{variant} n={n} causal={causal}");
                let data = |m: &Option<Matrix>| m.as_ref().unwrap().data().to_vec();
                // YOSO's f32 arccos is ill-conditioned near ±1 (tests/common GPU_ARCCOS); AHLA's
                // outputs are differences of terms growing like t², so its error scales with them.
                let tolerance = |reference: &[f32]| match variant["name"].as_str() {
                    Some("yoso") => (2e-3, 2e-3),
                    Some("hla" | "ahla") => {
                        let scale = reference
                            .iter()
                            .fold(1.0f64, |m, &x| m.max(f64::from(x).abs()));
                        (GPU_ABS * scale, GPU_REL)
                    }
                    _ => (GPU_ABS, GPU_REL),
                };
                let (o_gpu, o_cpu) = (data(&gpu.output), data(&cpu.output));
                let (abs, rel) = tolerance(&o_cpu);
                assert_close(&format!("O {what}"), &o_gpu, &o_cpu, abs, rel);
                let (a_gpu, a_cpu) = (data(&gpu.attention), data(&cpu.attention));
                let (abs, rel) = tolerance(&a_cpu);
                assert_close(&format!("A {what}"), &a_gpu, &a_cpu, abs, rel);
            }
        }
    }
}

/// The output-only paths that never build n × n (MHLA's block states, causal FLARE's chunked
/// online softmax, Flowformer's kernel chain, YOSO's hash tables, FNet's twiddle DFT, the
/// one-pass online softmax) against the CPU, with the error scaled by the output's size (FNet's
/// entries grow like √(n d)).
#[wasm_bindgen_test]
async fn webgpu_linear_time_forms_match_the_cpu_reference() {
    let Some(ctx) = gpu_or_skip().await else {
        return;
    };
    let both = [false, true];
    let variants = [
        (json!({"name": "mhla", "blocks": 3}), &both[..]),
        (json!({"name": "flare", "m": 8}), &both[1..]),
        (json!({"name": "flowformer"}), &both[..]),
        (
            json!({"name": "yoso", "mode": "sampled", "bits": 6, "hashes": 16}),
            &both[..],
        ),
        (json!({"name": "fnet"}), &both[..1]),
        (json!({"name": "softmax"}), &both[..]),
        (json!({"name": "sliding_window", "window": 70}), &both[..]),
    ];
    for (variant, masks) in variants {
        for n in [7, 300] {
            for &causal in masks {
                let request = |backend: &str| {
                    json!({"variant": variant, "causal": causal, "backend": backend,
                           "workload": {"kind": "gaussian", "n": n, "d_k": 8, "d_v": 8, "seed": n},
                           "outputs": ["output"]})
                };
                let gpu = evaluate(request("gpu"), Ok(&ctx)).await;
                let cpu = evaluate(request("cpu"), Ok(&ctx)).await;
                assert_eq!((gpu.backend, cpu.backend), (Backend::Gpu, Backend::Cpu));
                assert!(gpu.attention.is_none());
                let (o_gpu, o_cpu) = (
                    gpu.output.unwrap().data().to_vec(),
                    cpu.output.unwrap().data().to_vec(),
                );
                let scale = o_cpu.iter().fold(1.0f64, |m, &x| m.max(f64::from(x).abs()));
                let what = format!("O {variant} n={n} causal={causal} output only");
                assert_close(&what, &o_gpu, &o_cpu, GPU_ABS * scale, GPU_REL);
            }
        }
    }
}

fn floats(value: &Value) -> Vec<f32> {
    match value {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(x) => vec![x.as_f64().unwrap() as f32],
        other => panic!("not a number: {other}"),
    }
}

#[wasm_bindgen_test]
async fn wasm_cpu_path_matches_the_native_cli() {
    for golden in [
        include_str!("golden/gaussian_softmax.json"),
        include_str!("golden/gaussian_linear_elu.json"),
    ] {
        let golden: Value = serde_json::from_str(golden).unwrap();
        let expected = &golden["response"];
        let response = evaluate(golden["request"].clone(), Err("cpu test")).await;
        let actual = serde_json::to_value(&response).unwrap();
        for key in ["output", "attention"] {
            assert_close(
                key,
                &floats(&actual[key]),
                &floats(&expected[key]),
                0.0,
                NATIVE_REL,
            );
        }
        for key in [
            "entropy_rows",
            "singular_values",
            "effective_rank",
            "entropy_normalized_mean",
        ] {
            let (a, e) = (&actual["stats"][key], &expected["stats"][key]);
            assert_close(key, &floats(a), &floats(e), 1e-9, NATIVE_REL);
        }
        assert_eq!(actual["variant"], expected["variant"]);
    }
}

#[wasm_bindgen_test]
async fn engine_api_returns_typed_arrays_and_rejects_with_a_field() {
    let engine = Engine::create().await;
    let info = engine.device_info().unwrap();
    let gpu = js_sys::Reflect::get(&info, &"gpu".into()).unwrap();
    assert!(gpu.as_bool().is_some());

    let request = json!({"variant": {"name": "softmax", "temperature": 2},
                         "workload": {"kind": "gaussian", "n": 5, "d_k": 3, "seed": 9},
                         "backend": "cpu"});
    let js_request = serde_wasm_bindgen::to_value(&request).unwrap();
    let response = wasm_bindgen_futures::JsFuture::from(engine.evaluate(js_request))
        .await
        .unwrap();
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).unwrap();
    assert_eq!(get(&response, "n").as_f64(), Some(5.0));
    let attention = get(&response, "attention");
    assert_eq!(get(&attention, "rows").as_f64(), Some(5.0));
    let data = js_sys::Float32Array::from(get(&attention, "data")).to_vec();
    let native = evaluate(request, Err("cpu test")).await;
    assert_eq!(data, native.attention.unwrap().data());

    let bad = serde_wasm_bindgen::to_value(&json!({"variant": {"name": "nope"},
                                                   "workload": {"kind": "gaussian", "n": 2, "d_k": 2}}))
        .unwrap();
    let error = wasm_bindgen_futures::JsFuture::from(engine.evaluate(bad))
        .await
        .unwrap_err();
    assert_eq!(
        get(&error, "field").as_string().as_deref(),
        Some("variant.name")
    );
}

/// The training curves of `tests/golden/icl_training.json` (recorded natively), trained here
/// through the worker's `IclTraining` API in slices of 9 steps: the same seed gives the same
/// curve in the browser.
#[wasm_bindgen_test]
fn icl_training_in_the_browser_matches_the_native_curves() {
    let golden: Value = serde_json::from_str(include_str!("golden/icl_training.json")).unwrap();
    let request = serde_wasm_bindgen::to_value(&golden["request"]).unwrap();
    let mut training = attnscope::wasm::IclTraining::new(request).unwrap();
    let mut slices = 0;
    while !training.done() {
        training.advance(9).unwrap();
        slices += 1;
    }
    assert!(slices > 3, "trained in {slices} slices");
    let response: Value = serde_wasm_bindgen::from_value(training.finish().unwrap()).unwrap();
    let learners = response["learners"].as_array().unwrap();
    let expected = golden["curves"].as_array().unwrap();
    assert_eq!(learners.len(), expected.len());
    for (learner, curve) in learners.iter().zip(expected) {
        let actual = &learner["params"]["train_curve"];
        let (a, e) = (floats64(actual), floats64(curve));
        assert_eq!(a.len(), e.len(), "curve lengths");
        for (i, (a, e)) in a.iter().zip(&e).enumerate() {
            assert!(
                (a - e).abs() <= 1e-12 * e.abs().max(1e-12),
                "curve value {i}: {a} vs {e}"
            );
        }
    }
}

/// Every number in a JSON value, depth first (objects in key order).
fn floats64(value: &Value) -> Vec<f64> {
    match value {
        Value::Array(items) => items.iter().flat_map(floats64).collect(),
        Value::Object(map) => map.values().flat_map(floats64).collect(),
        Value::Number(x) => vec![x.as_f64().unwrap()],
        _ => Vec::new(),
    }
}

/// The browser slice of the fuzz harness (tests/fuzz.rs): generated requests through the JS-facing
/// `Engine.evaluate`, some on `auto` (the probe, then WebGPU or the CPU path). Each resolves with
/// finite numbers or rejects with `{field, message}` naming a field; a panic would abort the test.
#[wasm_bindgen_test]
async fn generated_requests_through_the_engine_keep_the_contract() {
    let engine = Engine::create().await;
    let catalog = attnscope::attention::VariantSpec::catalog();
    let mut g = common::requests::Gen::new(11);
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).unwrap();
    let (mut resolved, mut rejected) = (0, 0);
    for case in 0..240 {
        let mut request = common::requests::valid_request(&mut g, &catalog);
        if case % 6 == 5 {
            request = common::requests::mutate(&mut g, request);
        } else if case % 4 == 0 {
            request["backend"] = json!("auto");
        }
        let js_request = serde_wasm_bindgen::to_value(&request).unwrap();
        match wasm_bindgen_futures::JsFuture::from(engine.evaluate(js_request)).await {
            Ok(response) => {
                resolved += 1;
                for key in ["output", "attention"] {
                    let matrix = get(&response, key);
                    if matrix.is_null() {
                        continue;
                    }
                    let data = js_sys::Float32Array::from(get(&matrix, "data")).to_vec();
                    assert!(data.iter().all(|x| x.is_finite()), "{key} of {request}");
                }
                let stats = get(&response, "stats");
                // serde-wasm-bindgen writes a None as undefined.
                if !stats.is_null() && !stats.is_undefined() {
                    let stats: Value = serde_wasm_bindgen::from_value(stats).unwrap();
                    for (key, value) in stats.as_object().unwrap() {
                        let nullable = [
                            "spectral_gap",
                            "spectral_gap_note",
                            "kv_state",
                            "vs_softmax",
                        ];
                        assert!(
                            !value.is_null() || nullable.contains(&key.as_str()),
                            "stats.{key} is null for {request}"
                        );
                        assert!(!null_inside(value), "stats.{key} holds a NaN for {request}");
                    }
                }
            }
            Err(error) => {
                rejected += 1;
                let field = get(&error, "field").as_string().unwrap_or_default();
                assert!(!field.is_empty(), "an error naming no field for {request}");
            }
        }
    }
    web_sys_log(&format!(
        "fuzz slice: {resolved} resolved, {rejected} rejected with a field"
    ));
    assert!(resolved > 100 && rejected > 20, "{resolved} / {rejected}");
}

/// Whether a NaN (a null once in JSON) sits in an array anywhere inside `value`.
fn null_inside(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|v| v.is_null() || null_inside(v)),
        Value::Object(map) => map.values().any(null_inside),
        _ => false,
    }
}
