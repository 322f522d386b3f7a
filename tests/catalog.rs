//! The catalog lists every variant the parser accepts, and its ranges and defaults are the ones
//! the parser enforces and the engine fills in.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

use attnscope::attention::VariantSpec;
use attnscope::catalog::{CatalogEntry, ParamSchema};
use attnscope::Request;
use serde_json::{json, Value};

/// A request on a mask the variant supports (non-causal where it has that form).
fn request(variant: Value) -> attnscope::Result<Request> {
    let name = variant["name"].as_str().unwrap_or_default().to_owned();
    let causal = VariantSpec::catalog()
        .iter()
        .find(|e| e.name == name)
        .is_some_and(|e| !e.supports.non_causal);
    Request::from_value(
        json!({"variant": variant, "backend": "cpu", "causal": causal,
                               "workload": {"kind": "gaussian", "n": 16, "d_k": 4}}),
    )
}

fn number(param: &ParamSchema, x: f64) -> Value {
    match param.kind {
        "integer" => json!(x as i64),
        _ => json!(x),
    }
}

/// The variant with only its required parameters, each at its minimum.
fn minimal(entry: &CatalogEntry) -> Value {
    let mut variant = json!({"name": entry.name});
    for p in entry.params.iter().filter(|p| p.required) {
        variant[p.name] = number(p, p.min.unwrap());
    }
    variant
}

#[test]
fn every_accepted_name_has_one_card() {
    let names: Vec<&str> = VariantSpec::catalog().iter().map(|e| e.name).collect();
    assert_eq!(names, VariantSpec::NAMES);
}

#[test]
fn parameter_ranges_are_the_parsers() {
    for entry in VariantSpec::catalog() {
        let numeric = |p: &&ParamSchema| matches!(p.kind, "number" | "integer") && p.max.is_some();
        for param in entry.params.iter().filter(numeric) {
            let (min, max) = (param.min.unwrap(), param.max.unwrap());
            let with = |x: f64| {
                let mut v = minimal(&entry);
                v[param.name] = number(param, x);
                v
            };
            let what = format!("{} {}", entry.name, param.name);
            assert!(request(with(min)).is_ok(), "{what} = min");
            assert!(request(with(max)).is_ok(), "{what} = max");
            let over = request(with(max * 1.5 + 1.0)).unwrap_err();
            assert_eq!(over.field(), format!("variant.{}", param.name), "{what}");
            let under = request(with(min - 1.0 - min.abs())).unwrap_err();
            assert_eq!(under.field(), format!("variant.{}", param.name), "{what}");
        }
    }
}

#[test]
fn required_parameters_are_required() {
    for entry in VariantSpec::catalog() {
        for param in entry.params.iter().filter(|p| p.required) {
            let mut variant = minimal(&entry);
            variant.as_object_mut().unwrap().remove(param.name);
            let err = request(variant).unwrap_err();
            assert_eq!(err.field(), format!("variant.{}", param.name));
        }
    }
}

#[test]
fn defaults_are_what_the_engine_fills_in() {
    for entry in VariantSpec::catalog() {
        let request = request(minimal(&entry)).unwrap();
        let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu"))).unwrap();
        let filled = serde_json::to_value(&response.variant).unwrap();
        for param in entry.params.iter().filter(|p| !p.required) {
            let what = format!("{} {}", entry.name, param.name);
            if !param.default.is_null() {
                assert_eq!(filled[param.name], param.default, "{what}");
            } else {
                assert!(
                    param.default_note.is_some(),
                    "{what}: a null default says how"
                );
                // A derived number is filled in (softmax's scale); an optional one (Hedgehog's
                // seed) is absent, never some other type.
                if matches!(param.kind, "number" | "integer") {
                    let value = &filled[param.name];
                    assert!(value.is_number() || value.is_null(), "{what}");
                }
            }
        }
    }
}

#[test]
fn cli_prints_the_catalog() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attnscope"))
        .arg("catalog")
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let variants = json["variants"].as_array().unwrap();
    assert_eq!(variants.len(), VariantSpec::NAMES.len());
    assert_eq!(variants[0]["paper"]["year"], 2017);
    assert!(variants[1]["formula_tex"]
        .as_str()
        .unwrap()
        .contains(r"\phi"));
}

/// Every variant, with its minimal parameters, keeps `O` and `A` finite on queries and keys
/// scaled by 100, under every mask it supports.
#[test]
fn every_variant_is_finite_on_large_inputs() {
    for entry in VariantSpec::catalog() {
        let masks: Vec<bool> = [false, true]
            .into_iter()
            .filter(|&c| {
                if c {
                    entry.supports.causal
                } else {
                    entry.supports.non_causal
                }
            })
            .collect();
        for causal in masks {
            let spec = VariantSpec::from_json(&minimal(&entry)).unwrap();
            let mut qkv = attnscope::workload::WorkloadSpec::from_json(
                &json!({"kind": "gaussian", "n": 33, "d_k": 8, "seed": 6}),
            )
            .unwrap()
            .generate();
            for m in [&mut qkv.q, &mut qkv.k] {
                let scaled: Vec<f32> = m.data().iter().map(|x| x * 100.0).collect();
                *m = attnscope::Matrix::from_vec(m.rows(), m.cols(), scaled).unwrap();
            }
            let out = spec.forward_cpu(&qkv, causal, true).unwrap();
            let what = format!("{} causal={causal}", entry.name);
            assert!(out.output.first_non_finite().is_none(), "{what}: O");
            assert!(
                out.attention.unwrap().first_non_finite().is_none(),
                "{what}: A"
            );
        }
    }
}

#[test]
fn workload_parameter_ranges_and_defaults_are_the_parsers() {
    use attnscope::workload::{catalog, WorkloadSpec, WORKLOAD_KINDS};
    let cards = catalog::catalog();
    let kinds: Vec<&str> = cards.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, WORKLOAD_KINDS);
    for card in cards.iter().filter(|c| c.kind != "given") {
        let with = |name: &str, x: Value| {
            let mut w = json!({"kind": card.kind, "n": 16, "d_k": 4});
            w[name] = x;
            WorkloadSpec::from_json(&w)
        };
        for p in &card.params {
            let (min, max) = (p.min.unwrap(), p.max.unwrap());
            let what = format!("{} {}", card.kind, p.name);
            assert!(with(p.name, number(p, min)).is_ok(), "{what} = min");
            assert!(with(p.name, number(p, max)).is_ok(), "{what} = max");
            let err = with(p.name, number(p, max * 1.5 + 1.0)).unwrap_err();
            assert_eq!(err.field(), format!("workload.{}", p.name), "{what}");
            // The default is what the parser fills in: giving it explicitly changes nothing.
            let explicit = with(p.name, p.default.clone()).unwrap();
            let implicit =
                WorkloadSpec::from_json(&json!({"kind": card.kind, "n": 16, "d_k": 4})).unwrap();
            assert_eq!(explicit, implicit, "{what} default");
        }
        let rope = WorkloadSpec::from_json(&json!({"kind": card.kind, "n": 4, "d_k": 2})).unwrap();
        assert_eq!(
            rope.generate().rope,
            card.rope_default,
            "{} rope default",
            card.kind
        );
    }
    let limits = catalog::limits();
    let n_over = json!({"kind": "gaussian", "n": limits.n_max + 1, "d_k": 4});
    assert_eq!(
        WorkloadSpec::from_json(&n_over).unwrap_err().field(),
        "workload.n"
    );
    assert!(WorkloadSpec::from_json(&json!({"kind": "gaussian", "n": limits.n_max, "d_k": limits.d_k_max, "d_v": limits.d_v_max})).is_ok());
}
