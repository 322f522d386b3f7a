//! The fuzz and property harness: requests generated from the catalog (valid, boundary, mutated,
//! extreme numerics) for `evaluate` and the ICL API, held to one oracle — no panic, no case past
//! its time budget, and either a response whose every number is finite (non-finite values only
//! where the contract flags them) with each unflagged row of a row-normalised map summing to 1,
//! or a typed error naming a field.
//!
//! The quick slice (2 400 cases) runs in the test command; the long run is one command:
//! `ATTNSCOPE_FUZZ_CASES=100000 ATTNSCOPE_FUZZ_SEED=7 cargo test --release --test fuzz -- --nocapture`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attnscope::attention::VariantSpec;
use attnscope::{Error, Request};
use common::requests::{mutate, valid_request, Gen};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

/// A case slower than this (plus its declared work's share, [`budget`]) is a hang.
const BUDGET: Duration = Duration::from_secs(20);
/// Multiply-adds per second a loaded 2-core machine does at least in the test profile: a request
/// may take its declared work at this rate on top of [`BUDGET`].
const SLOWEST_RATE: f64 = 2e7;

/// The time a request may take: [`BUDGET`] plus its declared work (the learners' steps and step
/// fit, as the ICL limits count them) at [`SLOWEST_RATE`].
fn budget(request: &Value) -> Duration {
    let work: f64 = attnscope::icl::IclRequest::from_value(request.clone())
        .map(|r| {
            r.learners
                .iter()
                .filter_map(|l| l.work(r.count, r.tasks.n, r.tasks.d))
                .map(|(work, _)| work)
                .sum()
        })
        .unwrap_or(0.0);
    BUDGET + Duration::from_secs_f64(work / SLOWEST_RATE)
}

/// [`nulls`] of a response's JSON.
fn null_paths(response: &impl serde::Serialize, allowed: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    nulls(
        &serde_json::to_value(response).unwrap(),
        "",
        allowed,
        &mut out,
    );
    out
}

/// Paths of nulls where the contract promises a number (a non-finite value written as null).
fn nulls(value: &Value, path: &str, allowed: &[&str], out: &mut Vec<String>) {
    match value {
        Value::Null => {
            let key = path.rsplit('.').next().unwrap_or("");
            if !allowed.contains(&key) {
                out.push(path.to_owned());
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                match item {
                    Value::Null => out.push(at),
                    _ => nulls(item, &at, allowed, out),
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                nulls(v, &format!("{path}.{k}"), allowed, out);
            }
        }
        _ => {}
    }
}

const EVAL_NULLABLE: &[&str] = &[
    "backend_note",
    "spectral_gap",
    "spectral_gap_note",
    "kv_state",
    "vs_softmax",
    "state_trace",
    "output",
    "attention",
    "stats",
    "scale",
];

/// The oracle on one evaluated request; `Err` says what broke the contract.
fn check_eval(
    request: &Value,
    outcome: std::result::Result<attnscope::Response, Error>,
) -> Result<&'static str, String> {
    let response = match outcome {
        Err(e) => return error_outcome(&e),
        Ok(response) => response,
    };
    let bad = null_paths(&response, EVAL_NULLABLE);
    if !bad.is_empty() {
        return Err(format!("non-finite values written as null at {bad:?}"));
    }
    // Every row of a row-normalised A that does not sum to 1 is flagged.
    if let (Some(a), Some(stats)) = (&response.attention, &response.stats) {
        let card = VariantSpec::catalog()
            .into_iter()
            .find(|c| c.name == response.variant.name())
            .unwrap();
        let rope = request["workload"]["rope"].as_bool().unwrap_or(false)
            || request["workload"]["kind"] == "local";
        if card.row_normalized && !rope && card.name != "flatten" {
            let mask = response
                .variant
                .mask(request["causal"].as_bool().unwrap_or(false));
            for i in 0..a.rows() {
                let sum: f64 = a.row(i)[mask.keys(i, a.cols())]
                    .iter()
                    .map(|&x| f64::from(x))
                    .sum();
                if (sum - 1.0).abs() > 1e-3 && !stats.unnormalized_rows.contains(&i) {
                    return Err(format!("row {i} sums to {sum}, unflagged"));
                }
            }
        }
    }
    Ok("ok")
}

/// The error side of the oracle: a typed error naming its field passes (counted by class); a
/// numerical failure, or an error naming nothing for text that is JSON, does not.
fn error_outcome(e: &Error) -> Result<&'static str, String> {
    match e {
        Error::Numerical { field, message } => {
            Err(format!("untyped numerical failure at {field}: {message}"))
        }
        // Only text that is not JSON at all has no field to name.
        e if e.field().is_empty() && !e.message().starts_with("not valid JSON") => {
            Err(format!("an error naming no field: {e}"))
        }
        e => Ok(error_kind(e)),
    }
}

/// The class of a typed error, for the counts.
fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Invalid { .. } => "err invalid",
        Error::Shape { .. } => "err shape",
        Error::Limit { .. } => "err limit",
        Error::NonFinite { .. } => "err nonfinite",
        Error::Overflow { .. } => "err overflow",
        _ => "err other",
    }
}

/// Runs `f` on its own thread within `budget`; a panic or a timeout is an `Err`. (Native
/// only: the thread is what lets a hung case be reported instead of hanging the suite.)
#[allow(clippy::disallowed_methods)]
fn guarded<T: Send + 'static>(
    budget: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = tx.send(result);
    });
    match rx.recv_timeout(budget) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err("panicked".into()),
        Err(_) => Err(format!("no answer within {budget:?}")),
    }
}

fn icl_request(g: &mut Gen) -> Value {
    let d = 1 + g.below(8);
    let n = 1 + g.below(24);
    let mut learners = Vec::new();
    for _ in 0..1 + g.below(3) {
        let eta = match g.below(3) {
            0 => json!("optimal"),
            1 => json!(10f64.powi(g.below(7) as i32 - 3)),
            _ => json!(1000.0),
        };
        learners.push(match g.below(5) {
            0 => json!({"name": "gd", "steps": 1 + g.below(64), "eta": eta}),
            1 => json!({"name": "ridge", "lambda": g.unit() * 4.0}),
            2 => json!({"name": "ols"}),
            3 => json!({"name": "averaging"}),
            _ => json!({"name": "knn", "k": 1 + g.below(n)}),
        });
    }
    let mut r = json!({"d": d, "n": n, "tasks": 1 + g.below(200), "seed": g.below(100),
                       "noise": g.unit(), "learners": learners});
    if g.chance(0.3) {
        r["trajectory"] = json!({"steps": 1 + g.below(40), "eta": 10f64.powi(g.below(6) as i32 - 2),
                                 "gd_pp": {"gamma": g.unit() * 3.0}});
        r["d"] = json!(2);
    }
    if g.chance(0.15) {
        let p = 1 + g.below(16);
        r["ar"] = json!({"p": p, "histories": [p + 1 + g.below(20)], "series": 1 + g.below(3)});
    }
    r
}

const ICL_NULLABLE: &[&str] = &[
    "risk_closed_form",
    "risk_closed_form_se",
    "closed_form_note",
    "closed_form_at_lengths",
    "diverged_at",
    "gd_diverged_at",
    "ridge_lambda",
];

fn check_icl(
    outcome: attnscope::Result<attnscope::icl::IclResponse>,
) -> Result<&'static str, String> {
    let response = match outcome {
        Err(e) => return error_outcome(&e),
        Ok(r) => r,
    };
    let mut bad = null_paths(&response, ICL_NULLABLE);
    // A diverged learner's risk is infinite and says so.
    bad.retain(|path| {
        let Some(rest) = path.strip_prefix(".learners[") else {
            return true;
        };
        let i: usize = rest.split(']').next().unwrap().parse().unwrap();
        !(response.learners[i].diverged_tasks > 0
            && (path.ends_with(".risk") || path.ends_with(".risk_se")))
    });
    if bad.is_empty() {
        Ok("ok")
    } else {
        Err(format!("nulls at {bad:?}"))
    }
}

fn cases() -> usize {
    std::env::var("ATTNSCOPE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_400)
}

fn seed() -> u64 {
    std::env::var("ATTNSCOPE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

#[test]
fn generated_requests_keep_the_contract() {
    let catalog = VariantSpec::catalog();
    let mut g = Gen::new(seed());
    let total = cases();
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in 0..total {
        let class = match case % 8 {
            0..=4 => "eval valid",
            5 => "eval mutated",
            6 => "eval text",
            _ => "icl",
        };
        let outcome = match class {
            "icl" => {
                let request = icl_request(&mut g);
                let text = request.to_string();
                guarded(budget(&request), move || {
                    let parsed = attnscope::icl::IclRequest::from_value(request);
                    check_icl(parsed.and_then(|r| attnscope::icl::evaluate(&r)))
                })
                .and_then(|r| r)
                .map_err(|e| format!("{e}\n  request: {text}"))
            }
            _ => {
                let mut request = valid_request(&mut g, &catalog);
                if class == "eval mutated" {
                    request = mutate(&mut g, request);
                }
                let mut text = request.to_string();
                if class == "eval text" {
                    // A duplicated key, or the JSON cut short.
                    text = match g.below(2) {
                        0 => text
                            .replacen(
                                "{\"backend\"",
                                "{\"causal\": true, \"causal\": false, \"backend\"",
                                1,
                            )
                            .replacen("\"backend\"", "\"seed\": 1, \"seed\": 2, \"backend\"", 1),
                        _ => text[..text.len() / 2].to_owned(),
                    };
                }
                let shown = text.clone();
                guarded(BUDGET, move || {
                    let outcome = Request::from_json_str(&text).and_then(|r| {
                        pollster::block_on(attnscope::evaluate(&r, Err("fuzz: the CPU path")))
                    });
                    check_eval(&request, outcome)
                })
                .and_then(|r| r)
                .map_err(|e| format!("{e}\n  request: {shown}"))
            }
        };
        match outcome {
            Ok(kind) => *counts.entry((class, kind)).or_default() += 1,
            Err(why) => {
                *counts.entry((class, "FAILED")).or_default() += 1;
                failures.push(why);
            }
        }
    }
    println!("fuzz: seed {}, {total} cases", seed());
    for ((class, outcome), count) in &counts {
        println!("  {class:14} {outcome:12} {count}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases broke the contract; the first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
