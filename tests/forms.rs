//! The fast forms against the quadratic reference, for every kernel variant: quadratic =
//! recurrent = chunkwise (chunk sizes 1, 16, 64 and 5, which divides none of the lengths),
//! `A = f(Q, K, V = I)`, rows that sum to 1, and finite results on inputs scaled by 100.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::attention::kernel::{self, KernelSetup};
use attnscope::attention::mask::Mask;
use attnscope::attention::softmax::softmax_attention;
use attnscope::attention::VariantSpec;
use attnscope::workload::Qkv;
use attnscope::Matrix;
use common::{assert_matrix_close, gaussian, Tolerance};
use serde_json::{json, Value};

const SIZES: [usize; 5] = [1, 2, 7, 64, 257];
/// `(causal, rope)`: every mask with RoPE off and on (numerator-only rotation of the features).
const MASKS: [(bool, bool); 4] = [(false, false), (true, false), (false, true), (true, true)];
const CHUNKS: [usize; 4] = [1, 16, 64, 5];

/// Every kernel variant, with d_k small enough for the O(d²) feature maps.
fn kernel_variants() -> Vec<Value> {
    vec![
        json!({"name": "linear_elu"}),
        json!({"name": "linear_relu"}),
        json!({"name": "linear_relu", "delta": 1e-3}),
        json!({"name": "performer", "features": 16, "seed": 3}),
        json!({"name": "performer", "features": 8, "seed": 4, "hyperbolic": true}),
        json!({"name": "cosformer"}),
        json!({"name": "based"}),
        json!({"name": "taylorshift", "tau": 2.0}),
        json!({"name": "rebased"}),
        json!({"name": "flatten", "power": 2.0}),
        json!({"name": "hedgehog", "seed": 4}),
        json!({"name": "hedgehog", "form": "softmax"}),
        json!({"name": "lln", "diag": false}),
        json!({"name": "rala"}),
        json!({"name": "nalaformer"}),
    ]
}

fn setup(variant: &Value, qkv: &Qkv) -> KernelSetup {
    let spec = VariantSpec::from_json(variant).unwrap();
    spec.kernel_setup(qkv).unwrap().expect("a kernel variant")
}

#[test]
fn quadratic_recurrent_and_chunked_forms_agree() {
    for variant in kernel_variants() {
        for n in SIZES {
            for (causal, rope) in MASKS {
                let mut qkv = gaussian(n, 6, 5, 11 + n as u64);
                qkv.rope = rope;
                let s = setup(&variant, &qkv);
                let (o_quadratic, _) = kernel::quadratic(&s, &qkv.v, causal);
                let what = format!("{variant} n={n} causal={causal} rope={rope}");
                let o_recurrent = kernel::recurrent(&s, &qkv.v, causal);
                assert_matrix_close(
                    &format!("recurrent {what}"),
                    &o_recurrent,
                    &o_quadratic,
                    Tolerance::CPU_FORMS,
                );
                for chunk in CHUNKS {
                    let o_chunked = kernel::chunked(&s, &qkv.v, causal, chunk);
                    let what = format!("chunked C={chunk} {what}");
                    assert_matrix_close(&what, &o_chunked, &o_quadratic, Tolerance::CPU_FORMS);
                }
            }
        }
    }
}

#[test]
fn attention_is_the_linear_form_applied_to_identity() {
    for variant in kernel_variants() {
        for n in SIZES {
            for (causal, rope) in MASKS {
                let mut qkv = gaussian(n, 6, 5, 5);
                qkv.rope = rope;
                let s = setup(&variant, &qkv);
                let (_, a) = kernel::quadratic(&s, &qkv.v, causal);
                let identity = Matrix::identity(n);
                let a_chunked = kernel::chunked(&s, &identity, causal, 16);
                let what = format!("A {variant} n={n} causal={causal} rope={rope}");
                assert_matrix_close(&what, &a_chunked, &a, Tolerance::CPU_FORMS);
            }
        }
    }
}

#[test]
fn softmax_attention_is_its_output_on_identity() {
    for n in SIZES {
        for causal in [false, true] {
            let mut qkv = gaussian(n, 16, 8, 9);
            let (_, a) = softmax_attention(&qkv, 0.25, Mask::from_causal(causal));
            qkv.v = Matrix::identity(n);
            let (a_from_identity, _) = softmax_attention(&qkv, 0.25, Mask::from_causal(causal));
            assert_matrix_close("A", &a_from_identity, &a, Tolerance::CPU_FORMS);
        }
    }
}

/// Row sums are `W_i / guard(W_i)` with `W_i = Σ_{j ∈ 𝒮_i} φ(q_i)·φ(k_j)`: 1 up to ε, and 0 for a
/// ReLU-type row whose features meet no key's.
#[test]
fn normalised_rows_sum_to_one_and_respect_the_mask() {
    for variant in kernel_variants() {
        for causal in [false, true] {
            let qkv = gaussian(64, 6, 6, 2);
            let s = setup(&variant, &qkv);
            let (_, a) = kernel::quadratic(&s, &qkv.v, causal);
            for i in 0..a.rows() {
                let sum: f64 = a.row(i).iter().map(|&x| f64::from(x)).sum();
                let keys = if causal { i + 1 } else { a.cols() };
                let mass: f64 = (0..keys)
                    .map(|j| {
                        s.fq[i]
                            .iter()
                            .zip(&s.fk[j])
                            .map(|(x, y)| x * y)
                            .sum::<f64>()
                    })
                    .sum();
                let expected = if mass > 0.0 {
                    mass / s.norm.apply(mass)
                } else {
                    0.0
                };
                assert!(
                    (sum - expected).abs() < 1e-5,
                    "{variant} row {i}: {sum} vs {expected}"
                );
                assert!(
                    expected > 0.999 || mass < 1e-2,
                    "{variant} row {i}: mass {mass}"
                );
                assert!(
                    a.row(i).iter().all(|&x| x >= 0.0),
                    "{variant} row {i} is negative"
                );
                if causal {
                    assert!(
                        a.row(i)[i + 1..].iter().all(|&x| x == 0.0),
                        "row {i} sees the future"
                    );
                }
            }
        }
    }
}

#[test]
fn inputs_scaled_by_100_stay_finite() {
    let mut qkv = gaussian(64, 6, 6, 4);
    for m in [&mut qkv.q, &mut qkv.k] {
        let scaled: Vec<f32> = m.data().iter().map(|x| x * 100.0).collect();
        *m = Matrix::from_vec(m.rows(), m.cols(), scaled).unwrap();
    }
    for causal in [false, true] {
        let (o, a) = softmax_attention(&qkv, 0.25, Mask::from_causal(causal));
        assert!(o.first_non_finite().is_none() && a.first_non_finite().is_none());
        for variant in kernel_variants() {
            let s = setup(&variant, &qkv);
            let o = kernel::chunked(&s, &qkv.v, causal, 16);
            assert!(o.first_non_finite().is_none(), "{variant} causal={causal}");
            let (_, a) = kernel::quadratic(&s, &qkv.v, causal);
            assert!(a.first_non_finite().is_none(), "{variant} causal={causal}");
        }
    }
}

/// The low-rank variants' factored outputs equal `A V` with their implicit `A` (they are linear
/// in V), and FNet's FFT equals its explicit cos/sin products.
#[test]
fn low_rank_outputs_are_their_attention_times_v_and_fnet_fft_equals_tables() {
    let variants = [
        (json!({"name": "linformer", "k": 4, "seed": 2}), false),
        (json!({"name": "nystrom", "landmarks": 3}), false),
        (
            json!({"name": "nystrom", "landmarks": 5, "pinv": "svd"}),
            false,
        ),
        (json!({"name": "flare", "m": 4, "seed": 1}), false),
        (json!({"name": "flare", "m": 4, "seed": 1}), true),
        (json!({"name": "lln", "block": 3}), false),
        (json!({"name": "lln", "block": 3}), true),
        (json!({"name": "flowformer"}), false),
        (json!({"name": "flowformer"}), true),
        (json!({"name": "mhla", "blocks": 3}), false),
        (json!({"name": "mhla", "blocks": 3}), true),
    ];
    for n in [5, 7, 64, 257] {
        let qkv = gaussian(n, 6, 5, 21);
        for (variant, causal) in &variants {
            let spec = VariantSpec::from_json(variant).unwrap();
            let with = spec.forward_cpu(&qkv, *causal, true).unwrap();
            let without = spec.forward_cpu(&qkv, *causal, false).unwrap();
            let a_v = with.attention.as_ref().unwrap().matmul(&qkv.v).unwrap();
            let what = format!("{variant} n={n} causal={causal}");
            assert_matrix_close(
                &format!("A V {what}"),
                &with.output,
                &a_v,
                Tolerance::CPU_FORMS,
            );
            let what_o = format!("O without A {what}");
            assert_matrix_close(&what_o, &without.output, &with.output, Tolerance::CPU_FORMS);
        }
        let tables = attnscope::attention::fnet::mix_by_tables(&qkv.v).unwrap();
        let fft = attnscope::attention::fnet::mix_by_fft(&qkv.v);
        // Sums of n·d terms of size ~1 in f32 tables: a few 1e-6 relative to their scale.
        let scale = tables.data().iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let tol = Tolerance {
            abs: 1e-5 * f64::from(scale),
            rel: 0.0,
        };
        assert_matrix_close(&format!("fnet n={n}"), &fft, &tables, tol);
    }
}

/// YOSO's sampled tables equal its sampled matrix times V, and many hashes estimate the
/// expectation matrix.
#[test]
fn yoso_tables_equal_the_sampled_matrix_and_estimate_the_expectation() {
    use attnscope::attention::sampling::yoso::{self, YosoMode, YosoParams};
    for n in [1, 7, 64] {
        for causal in [false, true] {
            let qkv = gaussian(n, 6, 5, 8);
            let p = YosoParams {
                bits: 4,
                mode: YosoMode::Sampled,
                hashes: 16,
                seed: 3,
            };
            let b_hat = yoso::sampled(&qkv, &p, causal);
            let tables = yoso::sampled_tables(&qkv, &p, causal);
            let what = format!("n={n} causal={causal}");
            assert_matrix_close(
                &what,
                &tables,
                &b_hat.matmul(&qkv.v).unwrap(),
                Tolerance::CPU_FORMS,
            );
        }
    }
    let qkv = gaussian(32, 4, 4, 2);
    let p = YosoParams {
        bits: 2,
        mode: YosoMode::Sampled,
        hashes: 4096,
        seed: 1,
    };
    let b_hat = yoso::sampled(&qkv, &p, false);
    let b = yoso::expectation(&qkv, 2, false);
    // 4096 Bernoulli draws: standard error ≤ 0.5/64 ≈ 0.008; 5 standard errors.
    let worst = b_hat
        .data()
        .iter()
        .zip(b.data())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 0.04, "sampled vs expectation: {worst}");
}

/// The online (linear-memory) softmax gives the quadratic form's output under every mask.
#[test]
fn online_softmax_equals_the_quadratic_form() {
    use attnscope::attention::softmax::softmax_output;
    let masks = [
        Mask::Full,
        Mask::Causal,
        Mask::Window {
            window: 5,
            causal: true,
        },
        Mask::Window {
            window: 5,
            causal: false,
        },
        Mask::Neighborhood {
            kernel: 3,
            causal: false,
        },
        Mask::Block {
            size: 4,
            causal: true,
        },
    ];
    for n in [3, 7, 64, 257] {
        for mask in masks {
            let qkv = gaussian(n, 8, 5, 12);
            let (o, _) = softmax_attention(&qkv, 0.7, mask);
            let online = softmax_output(&qkv, 0.7, mask);
            assert_matrix_close(
                &format!("n={n} {mask:?}"),
                &online,
                &o,
                Tolerance::CPU_FORMS,
            );
        }
    }
}
