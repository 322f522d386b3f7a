//! Each synthetic workload has the structure its name promises, checked through softmax
//! attention on it (the CPU reference), and the parser takes each kind's own parameters only.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

use attnscope::attention::mask::Mask;
use attnscope::attention::softmax::softmax_attention;
use attnscope::workload::generators::{self, Shape};
use attnscope::workload::{Qkv, WorkloadSpec};
use attnscope::Matrix;
use serde_json::json;

const SHAPE: Shape = Shape {
    n: 64,
    d_k: 16,
    d_v: 8,
};

fn softmax_of(q: Matrix, k: Matrix, v: Matrix, rope: bool, causal: bool) -> Matrix {
    let qkv = Qkv { q, k, v, rope }.with_rope_applied();
    softmax_attention(
        &qkv,
        1.0 / (qkv.d_k() as f64).sqrt(),
        Mask::from_causal(causal),
    )
    .1
}

fn argmax(row: &[f32]) -> usize {
    (0..row.len())
        .max_by(|&a, &b| row[a].total_cmp(&row[b]))
        .unwrap()
}

#[test]
fn gaussian_entries_are_standard_normal() {
    let qkv = WorkloadSpec::from_json(&json!({"kind": "gaussian", "n": 512, "d_k": 32, "seed": 2}))
        .unwrap()
        .generate();
    let xs = qkv.q.data();
    let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64;
    let var = xs
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / xs.len() as f64;
    // 16 384 samples: standard errors 0.008 (mean) and 0.011 (variance).
    assert!(
        mean.abs() < 0.04 && (var - 1.0).abs() < 0.05,
        "mean {mean}, variance {var}"
    );
}

#[test]
fn clustered_queries_attend_within_their_cluster() {
    let ((q, k, v), groups) = generators::clustered(SHAPE, 7, 4, 0.3);
    let a = softmax_of(q, k, v, false, false);
    let mut within = 0.0;
    for i in 0..SHAPE.n {
        within += (0..SHAPE.n)
            .filter(|&j| groups[j] == groups[i])
            .map(|j| f64::from(a.get(i, j)))
            .sum::<f64>();
    }
    let mean_within = within / SHAPE.n as f64;
    assert!(
        mean_within > 0.9,
        "mass within the own cluster: {mean_within}"
    );
}

#[test]
fn local_attention_is_diagonal_with_rope_and_flat_without() {
    let (q, k, v) = generators::local(SHAPE, 3, 3.0);
    let with_rope = softmax_of(q.clone(), k.clone(), v.clone(), true, false);
    let near: f64 = (0..SHAPE.n)
        .map(|i| f64::from(with_rope.get(i, i)))
        .sum::<f64>();
    let far: f64 = (0..SHAPE.n)
        .map(|i| f64::from(with_rope.get(i, (i + SHAPE.n / 2) % SHAPE.n)))
        .sum::<f64>();
    assert!(
        near > 4.0 * far,
        "diagonal {near} vs half a sequence away {far}"
    );
    let diagonal_argmax = (0..SHAPE.n)
        .filter(|&i| argmax(with_rope.row(i)) == i)
        .count();
    assert!(
        diagonal_argmax > SHAPE.n * 9 / 10,
        "{diagonal_argmax} rows peak on the diagonal"
    );
    let without = softmax_of(q, k, v, false, false);
    let spread = (0..SHAPE.n)
        .map(|i| f64::from(without.get(i, i)))
        .sum::<f64>()
        / SHAPE.n as f64;
    assert!(
        spread < 2.0 / SHAPE.n as f64,
        "without RoPE rows are flat: A_ii ≈ {spread}"
    );
}

#[test]
fn copy_queries_find_the_token_after_the_previous_copy() {
    let period = 8;
    let (q, k, v) = generators::copy(SHAPE, 5, period, generators::COPY_STRENGTH);
    let a = softmax_of(q, k, v, false, true);
    for t in period..SHAPE.n {
        let j = argmax(a.row(t));
        assert_eq!(j % period, (t + 1) % period, "row {t} peaks at {j}");
        assert!(j <= t);
    }
}

#[test]
fn recall_queries_find_their_stored_key() {
    let pairs = 8;
    let ((q, k, v), targets) = generators::recall(SHAPE, 9, pairs, generators::RECALL_STRENGTH);
    let a = softmax_of(q, k, v, false, true);
    for (t, &target) in targets.iter().enumerate().skip(pairs) {
        assert_eq!(argmax(a.row(t)), target, "query {t}");
        let mass = a.get(t, target);
        assert!(mass > 0.5, "query {t} puts {mass} on its key");
    }
}

#[test]
fn kinds_take_their_own_parameters_only() {
    let parse = |w: serde_json::Value| WorkloadSpec::from_json(&w);
    assert!(parse(json!({"kind": "copy", "n": 8, "d_k": 4, "period": 3})).is_ok());
    let err = parse(json!({"kind": "copy", "n": 8, "d_k": 4, "pairs": 3})).unwrap_err();
    assert_eq!(err.field(), "workload.pairs");
    let err = parse(json!({"kind": "clustered", "n": 8, "d_k": 4, "spread": -1})).unwrap_err();
    assert_eq!(err.field(), "workload.spread");
    let err = parse(json!({"kind": "recall", "n": 8, "d_k": 4, "pairs": 0})).unwrap_err();
    assert_eq!(err.field(), "workload.pairs");
    let local = parse(json!({"kind": "local", "n": 8, "d_k": 4}))
        .unwrap()
        .generate();
    assert!(local.rope, "local turns RoPE on by default");
    let off = parse(json!({"kind": "local", "n": 8, "d_k": 4, "rope": false})).unwrap();
    assert!(!off.generate().rope);
}

#[test]
fn same_seed_same_numbers_and_streams_independent_of_d_v() {
    let make = |d_v: usize| {
        WorkloadSpec::from_json(
            &json!({"kind": "clustered", "n": 16, "d_k": 4, "d_v": d_v, "seed": 3}),
        )
        .unwrap()
        .generate()
    };
    let (a, b) = (make(4), make(9));
    assert_eq!((a.q.clone(), a.k.clone()), (b.q, b.k));
    assert_eq!(a, make(4));
}
