//! Statistics on matrices with known answers: variants.md §12's worked numbers, the uniform and
//! identity matrices, and the rank bound that makes linear attention low-rank.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::stats::{self, Mask, StatsInputs};
use attnscope::{Matrix, Request};
use common::{gaussian, toy_workload_json};
use serde_json::json;

fn close(what: &str, actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs {expected} (tolerance {tol})"
    );
}

fn close_all(what: &str, actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        close(&format!("{what}[{i}]"), *a, *e, 1e-4);
    }
}

/// Statistics of `a` alone (its own output, no KV state, no comparison).
fn stats_of(a: &Matrix, mask: Mask) -> stats::Stats {
    stats::compute(&StatsInputs {
        attention: a,
        output: a,
        mask,
        kv_state: None,
        softmax: None,
        row_normalized: false,
    })
    .unwrap()
}

fn toy_stats(variant: &str, causal: bool) -> stats::Stats {
    let request = Request::from_value(json!({
        "variant": {"name": variant}, "causal": causal, "workload": toy_workload_json(),
        "backend": "cpu", "outputs": ["stats"], "compare_to": "softmax"
    }))
    .unwrap();
    let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap();
    assert!(response.attention.is_none() && response.output.is_none());
    response.stats.unwrap()
}

#[test]
fn softmax_non_causal_matches_section_12() {
    let s = toy_stats("softmax", false);
    close_all("H", &s.entropy_rows, &[1.0528, 1.0872, 1.0405]);
    close_all(
        "H/ln n",
        &s.entropy_normalized_rows,
        &[0.9583, 0.9896, 0.9471],
    );
    close("mean H", s.entropy_mean, 1.0602, 1e-4);
    close(
        "mean H/ln n",
        s.entropy_normalized_mean,
        (0.9583 + 0.9896 + 0.9471) / 3.0,
        1e-4,
    );
    close_all("σ", &s.singular_values, &[1.0016, 0.2486, 0.0793]);
    close("erank", s.effective_rank, 2.0037, 1e-4);
}

#[test]
fn softmax_causal_matches_section_12() {
    let s = toy_stats("softmax", true);
    close_all("H", &s.entropy_rows, &[0.0, 0.6822, 1.0405]);
    close_all("H/ln n", &s.entropy_normalized_rows, &[0.0, 0.9843, 0.9471]);
    close("mean H", s.entropy_mean, 0.5743, 1e-4);
    close_all("σ", &s.singular_values, &[1.2093, 0.5906, 0.2617]);
    close("erank", s.effective_rank, 2.5422, 1e-4);
}

#[test]
fn linear_elu_matches_section_12() {
    let s = toy_stats("linear_elu", false);
    close_all("H", &s.entropy_rows, &[1.0808, 1.0748, 1.0854]);
    close_all(
        "H/ln n",
        &s.entropy_normalized_rows,
        &[0.9838, 0.9783, 0.9880],
    );
    close("erank", s.effective_rank, 1.3582, 1e-4);
    let s = toy_stats("linear_elu", true);
    close_all(
        "H causal",
        &s.entropy_rows,
        &[0.0, std::f64::consts::LN_2, 1.0854],
    ); // 0.6931 in the spec
    close_all(
        "H/ln n causal",
        &s.entropy_normalized_rows,
        &[0.0, 0.9999, 0.9880],
    );
    close("erank causal", s.effective_rank, 2.4725, 1e-4);
}

#[test]
fn uniform_matrix_has_full_entropy_and_rank_one() {
    let n = 5;
    let a = Matrix::from_vec(n, n, vec![1.0 / n as f32; n * n]).unwrap();
    let s = stats_of(&a, Mask::Full);
    for h in &s.entropy_rows {
        close("H", *h, (n as f64).ln(), 1e-6);
    }
    close("mean H/ln n", s.entropy_normalized_mean, 1.0, 1e-6);
    close("σ_1", s.singular_values[0], 1.0, 1e-6);
    close("σ_2", s.singular_values[1], 0.0, 1e-6);
    close("erank", s.effective_rank, 1.0, 1e-5);
}

#[test]
fn identity_has_zero_entropy_and_full_rank() {
    let s = stats_of(&Matrix::identity(5), Mask::Full);
    assert!(s.entropy_rows.iter().all(|&h| h == 0.0));
    close("mean H/ln n", s.entropy_normalized_mean, 0.0, 0.0);
    close_all("σ", &s.singular_values, &[1.0; 5]);
    close("erank", s.effective_rank, 5.0, 1e-9);
}

#[test]
fn causal_rows_are_normalised_by_their_own_support() {
    // Row i uniform over its i + 1 keys: every row with support > 1 has H/ln n_i = 1, row 0 has 0.
    let n = 4;
    let mut a = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..=i {
            a.set(i, j, 1.0 / (i + 1) as f32);
        }
    }
    let s = stats_of(&a, Mask::Causal);
    close_all("H/ln n", &s.entropy_normalized_rows, &[0.0, 1.0, 1.0, 1.0]);
    close("mean", s.entropy_normalized_mean, 0.75, 1e-6);
    close("H_3", s.entropy_rows[3], 4f64.ln(), 1e-6);
}

#[test]
fn signed_rows_use_absolute_values() {
    let a = Matrix::from_vec(1, 2, vec![0.5, -0.5]).unwrap();
    let s = stats_of(&a, Mask::Full);
    close("H", s.entropy_rows[0], 2f64.ln(), 1e-9);
}

/// Non-causal linear attention factors as diag(·)⁻¹ φ(Q) φ(K)ᵀ, so rank(A) ≤ d_k (variants.md §0):
/// the singular values past d_k vanish, while softmax's do not.
#[test]
fn non_causal_linear_attention_has_rank_at_most_d_k() {
    let (n, d_k) = (64, 8);
    let qkv = gaussian(n, d_k, d_k, 3);
    let run = |name: &str| {
        let spec = attnscope::attention::VariantSpec::from_json(&json!({"name": name})).unwrap();
        let a = spec
            .forward_cpu(&qkv, false, true)
            .unwrap()
            .attention
            .unwrap();
        stats_of(&a, Mask::Full)
    };
    let linear = run("linear_elu");
    let softmax = run("softmax");
    let sv = &linear.singular_values;
    // f32 storage of A leaves noise of about 1e-7 · σ_1 · sqrt(n) in the vanishing values.
    assert!(
        sv[d_k] < 1e-5 * sv[0],
        "σ_{} = {} vs σ_1 = {}",
        d_k + 1,
        sv[d_k],
        sv[0]
    );
    assert!(
        sv[d_k - 1] > 1e-4 * sv[0],
        "σ_{d_k} = {} should not vanish",
        sv[d_k - 1]
    );
    let softmax_rank = softmax
        .singular_values
        .iter()
        .filter(|&&s| s > 1e-5 * softmax.singular_values[0])
        .count();
    assert!(
        softmax_rank > d_k,
        "softmax numerical rank {softmax_rank} should exceed d_k"
    );
    assert!(softmax.effective_rank > 2.0 * linear.effective_rank);
}

#[test]
fn ranks_gaps_and_errors_match_section_12() {
    let s = toy_stats("softmax", false);
    close("stable rank", s.stable_rank, 1.0679, 1e-4);
    assert_eq!(s.numerical_rank, 3);
    close("gap", s.spectral_gap.unwrap(), 0.762, 1e-3);
    let vs = s.vs_softmax.unwrap();
    assert!(vs.attention_rel_frobenius.abs() < 1e-9 && vs.mean_row_kl.abs() < 1e-6);

    let s = toy_stats("linear_elu", false);
    close("stable rank", s.stable_rank, 1.0102, 1e-4);
    close("gap", s.spectral_gap.unwrap(), 0.9418, 1e-4);
    let vs = s.vs_softmax.unwrap();
    close("rel Frobenius", vs.attention_rel_frobenius, 0.1958, 1e-4);
    close("mean KL", vs.mean_row_kl, 0.0225, 1e-4);
    close("output error", vs.output_abs_error, 0.4065, 1e-4);
    close("relative output error", vs.output_rel_error, 0.1705, 1e-4);
    let kv = s.kv_state.unwrap();
    close_all("σ(S)", &kv.singular_values, &[6.6456, 1.5587]);
    assert_eq!(kv.numerical_rank, 2);

    let s = toy_stats("softmax", true);
    close("stable rank causal", s.stable_rank, 1.2853, 1e-4);
    close("gap causal", s.spectral_gap.unwrap(), 0.5616, 1e-4);
    assert!(s.spectral_gap_note.unwrap().contains("triangular"));
    assert!(s.kv_state.is_none());

    let s = toy_stats("linear_elu", true);
    close("stable rank causal", s.stable_rank, 1.2509, 1e-4);
    close("gap causal", s.spectral_gap.unwrap(), 0.5061, 1e-4);
    let vs = s.vs_softmax.unwrap();
    close(
        "rel Frobenius causal",
        vs.attention_rel_frobenius,
        0.1382,
        1e-4,
    );
    close("mean KL causal", vs.mean_row_kl, 0.0176, 1e-4);
    close("output error causal", vs.output_abs_error, 0.3713, 1e-4);
    close(
        "relative output error causal",
        vs.output_rel_error,
        0.1302,
        1e-4,
    );
}

#[test]
fn uniform_and_identity_gaps_and_stable_ranks() {
    let n = 5;
    let uniform = Matrix::from_vec(n, n, vec![1.0 / n as f32; n * n]).unwrap();
    let s = stats_of(&uniform, Mask::Full);
    close("uniform stable rank", s.stable_rank, 1.0, 1e-6);
    close("uniform gap", s.spectral_gap.unwrap(), 1.0, 1e-6);
    assert_eq!(s.numerical_rank, 1);
    let s = stats_of(&Matrix::identity(n), Mask::Full);
    close("identity stable rank", s.stable_rank, 5.0, 1e-9);
    close("identity gap", s.spectral_gap.unwrap(), 0.0, 1e-9);
    assert_eq!(s.numerical_rank, 5);
    assert!(!s.entropy_on_abs);
    close("row sums", s.row_sum_min, 1.0, 0.0);
}

#[test]
fn signed_matrices_are_flagged_and_row_sums_reported() {
    let a = Matrix::from_vec(2, 2, vec![0.5, -0.25, 0.1, 0.2]).unwrap();
    let s = stats_of(&a, Mask::Full);
    assert!(s.entropy_on_abs);
    close("min row sum", s.row_sum_min, 0.25, 1e-7);
    close("max row sum", s.row_sum_max, 0.3, 1e-7);
}
