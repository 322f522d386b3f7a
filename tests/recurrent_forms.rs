//! The recurrent families of variants.md §5–§8, form against form (§13's verification matrix):
//! closed form = recurrent form = chunkwise form for every chunk size, `A = f(Q, K, V = I)`,
//! long strongly-decayed sequences stay finite, the traced state reproduces the output, and bad
//! parameters are typed errors that name their field.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::attention::gated::family::Recurrent;
use attnscope::attention::VariantSpec;
use attnscope::workload::Qkv;
use attnscope::{Error, Matrix, Request};
use common::{assert_matrix_close, gaussian, Tolerance};
use serde_json::{json, Value};

/// Every recurrent variant with its default (seeded) parameters, and a few non-defaults.
fn variants() -> Vec<Value> {
    vec![
        json!({"name": "retnet"}),
        json!({"name": "lightning", "slope": 0.2}),
        json!({"name": "mamba2", "seed": 3, "d_skip": 0.25}),
        json!({"name": "gla", "seed": 4}),
        json!({"name": "hgrn", "seed": 5, "channel": 1}),
        json!({"name": "deltanet", "seed": 6}),
        json!({"name": "gated_deltanet", "seed": 7}),
        json!({"name": "kda", "seed": 8}),
        json!({"name": "loglinear", "seed": 9}),
        json!({"name": "hla"}),
        json!({"name": "hla", "normalize": true}),
        json!({"name": "ahla"}),
        json!({"name": "ahla", "normalize": true}),
    ]
}

fn setup(variant: &Value, qkv: &Qkv) -> Recurrent {
    VariantSpec::from_json(variant)
        .unwrap()
        .recurrent_setup(qkv)
        .unwrap()
        .expect("a recurrent variant")
}

/// Chunk sizes to try at length `n`: 1, 2, 16, 64 and one that does not divide `n` (a power of
/// two for log-linear attention, whose chunks must align with Fenwick blocks).
fn chunks(variant: &Value, n: usize) -> Vec<usize> {
    let odd = if variant["name"] == "loglinear" {
        [4, 8, 16, 32]
            .into_iter()
            .find(|c| !n.is_multiple_of(*c))
            .unwrap_or(4)
    } else {
        [5, 7, 9]
            .into_iter()
            .find(|c| !n.is_multiple_of(*c))
            .unwrap_or(5)
    };
    vec![1, 2, 16, 64, odd]
}

/// `|Δ| ≤ 1e-6 + 1e-5 |x|` relative to the matrix's scale: HLA's outputs grow like t².
fn tolerance_for(reference: &Matrix) -> Tolerance {
    let scale = reference
        .data()
        .iter()
        .fold(1.0f64, |m, &x| m.max(f64::from(x).abs()));
    Tolerance {
        abs: 1e-6 * scale,
        rel: 1e-5,
    }
}

#[test]
fn closed_recurrent_and_chunked_forms_agree() {
    for n in [1usize, 2, 7, 64, 257] {
        let qkv = gaussian(n, 4, 3, n as u64);
        for variant in variants() {
            let s = setup(&variant, &qkv);
            let (closed, _) = s.closed_form(&qkv).unwrap();
            let tol = tolerance_for(&closed);
            let recurrent = s.recurrent(&qkv, &[]).unwrap().output;
            assert_matrix_close(
                &format!("{variant} recurrent, n = {n}"),
                &recurrent,
                &closed,
                tol,
            );
            for chunk in chunks(&variant, n) {
                let chunked = s.chunked(&qkv, chunk).unwrap();
                assert_matrix_close(
                    &format!("{variant} chunked C = {chunk}, n = {n}"),
                    &chunked,
                    &closed,
                    tol,
                );
            }
        }
    }
}

#[test]
fn attention_is_the_recurrence_applied_to_identity() {
    let n = 33;
    let base = gaussian(n, 4, 3, 11);
    let qkv = Qkv {
        v: Matrix::identity(n),
        ..base
    };
    for variant in variants() {
        // HGRN's matrix is per channel: give every channel the gates of channel 0.
        let variant = if variant["name"] == "hgrn" {
            let gates: Vec<Vec<f64>> = (0..n).map(|t| vec![-0.05 - 0.01 * t as f64; n]).collect();
            json!({"name": "hgrn", "log_gates": gates})
        } else {
            variant
        };
        let s = setup(&variant, &qkv);
        let (_, a) = s.closed_form(&qkv).unwrap();
        let tol = tolerance_for(&a);
        let recurrent = s.recurrent(&qkv, &[]).unwrap().output;
        assert_matrix_close(
            &format!("{variant}: recurrent on V = I"),
            &recurrent,
            &a,
            tol,
        );
        let chunked = s.chunked(&qkv, 8).unwrap();
        assert_matrix_close(&format!("{variant}: chunked on V = I"), &chunked, &a, tol);
    }
}

#[test]
fn strong_decay_over_4096_tokens_stays_finite() {
    let n = 4096;
    let qkv = gaussian(n, 8, 4, 2);
    // g = −5 per step: G reaches −20480, where exp(G_i) / exp(G_j) in f32 is 0 / 0.
    let g_scalar = vec![-5.0; n];
    let g_vector = vec![vec![-5.0; 8]; n];
    let naive = (-20_000.0f32).exp() / (-19_995.0f32).exp();
    assert!(naive.is_nan(), "the naive ratio is {naive}");
    let strong = [
        json!({"name": "retnet", "gamma": (-5.0f64).exp()}),
        json!({"name": "lightning", "slope": 5.0}),
        json!({"name": "mamba2", "a": -50.0, "dt": vec![0.1; n]}),
        json!({"name": "gla", "log_gates": g_vector}),
        json!({"name": "gated_deltanet", "log_gates": g_scalar}),
        json!({"name": "kda", "log_gates": vec![vec![-5.0; 8]; n]}),
        json!({"name": "loglinear", "log_gates": vec![-5.0; n]}),
    ];
    for variant in strong {
        let s = setup(&variant, &qkv);
        let chunked = s.chunked(&qkv, 64).unwrap();
        assert!(
            chunked.first_non_finite().is_none(),
            "{variant}: non-finite output"
        );
        let recurrent = s.recurrent(&qkv, &[]).unwrap().output;
        assert_matrix_close(
            &format!("{variant} at n = 4096"),
            &chunked,
            &recurrent,
            tolerance_for(&recurrent),
        );
        // With e^{-5} per step only the diagonal matters: o_t ≈ q_t·k_t (scaled) v_t.
        assert!(chunked.data().iter().any(|&x| x != 0.0));
    }
}

/// `q_t · S_t` (each level weighed by λ for log-linear attention) is the output row `o_t`.
#[test]
fn traced_states_reproduce_the_output() {
    let n = 9;
    let lambda_ones = vec![vec![1.0; 5]; n];
    let cases = [
        json!({"name": "retnet"}),
        json!({"name": "gla", "seed": 1}),
        json!({"name": "deltanet", "seed": 2}),
        json!({"name": "kda", "seed": 3}),
        json!({"name": "hgrn", "seed": 4}),
        json!({"name": "loglinear", "seed": 5, "lambda": lambda_ones}),
        json!({"name": "hla"}),
        json!({"name": "ahla"}),
    ];
    for variant in cases {
        let request = Request::from_value(json!({
            "variant": variant, "causal": true, "backend": "cpu", "outputs": ["output"],
            "workload": {"kind": "gaussian", "n": n, "d_k": 3, "d_v": 2, "seed": 8},
            "state_trace": (0..n).collect::<Vec<_>>(),
        }))
        .unwrap();
        let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu"))).unwrap();
        let o = response.output.unwrap();
        let trace = response.state_trace.unwrap();
        assert_eq!(trace.len(), n);
        let qkv = request.workload.generate();
        let s = setup(&variant, &qkv);
        for snap in &trace {
            let t = snap.t;
            let reads: Vec<f64> = match &s {
                Recurrent::Hgrn(_) => vec![1.0],
                Recurrent::Gated(g) => g.q[t].clone(),
                _ => qkv.q.row(t).iter().map(|&x| f64::from(x)).collect(),
            };
            let mut row = [0.0f64; 2];
            for level in &snap.levels {
                let state = &level.state;
                assert_eq!(state.rows(), reads.len(), "{variant}: state rows");
                for (j, r) in row.iter_mut().enumerate() {
                    *r += (0..state.rows())
                        .map(|c| reads[c] * f64::from(state.get(c, j)))
                        .sum::<f64>();
                }
                let norm: f64 = state
                    .data()
                    .iter()
                    .map(|&x| f64::from(x).powi(2))
                    .sum::<f64>()
                    .sqrt();
                assert!((level.norm - norm).abs() <= 1e-9 * norm.max(1.0));
            }
            let expected = [f64::from(o.get(t, 0)), f64::from(o.get(t, 1))];
            for j in 0..2 {
                let err = (row[j] - expected[j]).abs();
                assert!(
                    err <= 1e-5 * expected[j].abs().max(1.0),
                    "{variant}: o[{t}][{j}] = {} from the state, {} from the run",
                    row[j],
                    expected[j]
                );
            }
        }
    }
}

#[test]
fn the_delta_rule_overwrites_a_repeated_key() {
    // Keys 0 and 1 are the same direction: with β = 1 the second write replaces the first.
    let workload = json!({"kind": "given",
        "q": [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]],
        "k": [[2.0, 0.0], [1.0, 0.0], [0.0, 1.0]],
        "v": [[1.0, 2.0], [5.0, -1.0], [0.0, 3.0]]});
    let state_after_1 = |variant: Value| {
        let request = Request::from_value(json!({"variant": variant, "causal": true,
            "workload": workload, "backend": "cpu", "outputs": ["output"], "state_trace": [1]}))
        .unwrap();
        let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu"))).unwrap();
        response.state_trace.unwrap()[0].levels[0].state.clone()
    };
    let delta = state_after_1(json!({"name": "deltanet", "beta": [1.0, 1.0, 1.0]}));
    assert_eq!(
        delta.to_rows(),
        vec![vec![5.0, -1.0], vec![0.0, 0.0]],
        "the delta rule keeps v_1 only"
    );
    // Without the delta rule (RetNet with γ = 1) the same key accumulates both values.
    let sum = state_after_1(json!({"name": "retnet", "gamma": 1.0}));
    assert_eq!(
        sum.to_rows(),
        vec![vec![2.0 + 5.0, 4.0 - 1.0], vec![0.0, 0.0]]
    );
}

fn error_field(request: Value) -> String {
    match Request::from_value(request) {
        Err(err) => err.field().to_owned(),
        Ok(r) => match pollster::block_on(attnscope::evaluate(&r, Err("cpu"))) {
            Err(err) => err.field().to_owned(),
            Ok(_) => panic!("accepted"),
        },
    }
}

#[test]
fn bad_parameters_are_errors_naming_their_field() {
    let w = json!({"kind": "gaussian", "n": 8, "d_k": 4, "d_v": 2, "seed": 1});
    let req = |variant: Value, causal: bool| json!({"variant": variant, "causal": causal, "workload": w, "backend": "cpu"});
    for name in [
        "retnet",
        "lightning",
        "mamba2",
        "gla",
        "hgrn",
        "deltanet",
        "gated_deltanet",
        "kda",
        "loglinear",
        "hla",
        "ahla",
    ] {
        assert_eq!(
            error_field(req(json!({"name": name}), false)),
            "causal",
            "{name} non-causal"
        );
    }
    let cases = [
        (
            json!({"name": "deltanet", "beta": [0.5, 0.5, 2.0, 0.5, 0.5, 0.5, 0.5, 0.5]}),
            "variant.beta[2]",
        ),
        (
            json!({"name": "deltanet", "beta": [0.0]}),
            "variant.beta[0]",
        ),
        (
            json!({"name": "deltanet", "beta": [0.5, 0.5]}),
            "variant.beta",
        ),
        (
            json!({"name": "gated_deltanet", "log_gates": [-0.1, 0.2]}),
            "variant.log_gates[1][0]",
        ),
        (
            json!({"name": "gla", "log_gates": [[-0.1, -0.1, -0.1, -0.1]]}),
            "variant.log_gates",
        ),
        (
            json!({"name": "kda", "log_gates": vec![vec![-0.1; 3]; 8]}),
            "variant.log_gates",
        ),
        (
            json!({"name": "mamba2", "dt": [0.1, -0.1]}),
            "variant.dt[1]",
        ),
        (json!({"name": "retnet", "gamma": 1.5}), "variant.gamma"),
        (
            json!({"name": "loglinear", "chunk_size": 48}),
            "variant.chunk_size",
        ),
        (
            json!({"name": "loglinear", "lambda": vec![vec![1.0; 3]; 8]}),
            "variant.lambda",
        ),
        (json!({"name": "hgrn", "channel": 2}), "variant.channel"),
    ];
    for (variant, field) in cases {
        assert_eq!(error_field(req(variant.clone(), true)), field, "{variant}");
    }
    let mut too_many = req(json!({"name": "retnet"}), true);
    too_many["state_trace"] = json!(vec![0; 65]);
    assert_eq!(error_field(too_many), "state_trace");
    let mut softmax = req(json!({"name": "softmax"}), true);
    softmax["state_trace"] = json!([1]);
    assert!(matches!(
        Request::from_value(softmax),
        Err(Error::Invalid { .. })
    ));
}
