//! The fast forms against the quadratic reference: the recurrent linear-attention form equals the
//! quadratic one, `A = f(Q, K, V = I)`, and normalised rows sum to 1.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::attention::kernel::{self, elu::EluPlusOne};
use attnscope::attention::softmax::softmax_attention;
use attnscope::Matrix;
use common::{assert_matrix_close, gaussian, Tolerance};

const SIZES: [usize; 5] = [1, 2, 7, 64, 257];
const EPS: f64 = 1e-6;

#[test]
fn linear_elu_recurrent_equals_quadratic() {
    for n in SIZES {
        for causal in [false, true] {
            let qkv = gaussian(n, 16, 8, 11 + n as u64);
            let (fq, fk) = kernel::feature_pair(&EluPlusOne, &qkv);
            let (o_quadratic, _) = kernel::quadratic(&fq, &fk, &qkv.v, causal, EPS);
            let o_recurrent = kernel::recurrent(&fq, &fk, &qkv.v, causal, EPS);
            let what = format!("O n={n} causal={causal}");
            assert_matrix_close(&what, &o_recurrent, &o_quadratic, Tolerance::CPU_FORMS);
        }
    }
}

#[test]
fn linear_elu_attention_is_the_recurrent_form_applied_to_identity() {
    for n in SIZES {
        for causal in [false, true] {
            let qkv = gaussian(n, 16, 8, 5);
            let (fq, fk) = kernel::feature_pair(&EluPlusOne, &qkv);
            let (_, a) = kernel::quadratic(&fq, &fk, &qkv.v, causal, EPS);
            let a_from_identity = kernel::recurrent(&fq, &fk, &Matrix::identity(n), causal, EPS);
            let what = format!("A n={n} causal={causal}");
            assert_matrix_close(&what, &a_from_identity, &a, Tolerance::CPU_FORMS);
        }
    }
}

#[test]
fn softmax_attention_is_its_output_on_identity() {
    for n in SIZES {
        for causal in [false, true] {
            let mut qkv = gaussian(n, 16, 8, 9);
            let (_, a) = softmax_attention(&qkv, 0.25, causal);
            qkv.v = Matrix::identity(n);
            let (a_from_identity, _) = softmax_attention(&qkv, 0.25, causal);
            assert_matrix_close("A", &a_from_identity, &a, Tolerance::CPU_FORMS);
        }
    }
}

#[test]
fn normalised_rows_sum_to_one_and_respect_the_mask() {
    for causal in [false, true] {
        let qkv = gaussian(64, 16, 16, 2);
        let (fq, fk) = kernel::feature_pair(&EluPlusOne, &qkv);
        let (_, linear) = kernel::quadratic(&fq, &fk, &qkv.v, causal, EPS);
        let (_, softmax) = softmax_attention(&qkv, 0.25, causal);
        for a in [&linear, &softmax] {
            for i in 0..a.rows() {
                let sum: f64 = a.row(i).iter().map(|&x| f64::from(x)).sum();
                assert!((sum - 1.0).abs() < 1e-5, "row {i} sums to {sum}");
                assert!(a.row(i).iter().all(|&x| x >= 0.0));
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
    let mut qkv = gaussian(64, 16, 16, 4);
    for m in [&mut qkv.q, &mut qkv.k] {
        let scaled: Vec<f32> = m.data().iter().map(|x| x * 100.0).collect();
        *m = Matrix::from_vec(m.rows(), m.cols(), scaled).unwrap();
    }
    for causal in [false, true] {
        let (o, a) = softmax_attention(&qkv, 0.25, causal);
        assert!(o.first_non_finite().is_none() && a.first_non_finite().is_none());
        let (fq, fk) = kernel::feature_pair(&EluPlusOne, &qkv);
        let o = kernel::recurrent(&fq, &fk, &qkv.v, causal, EPS);
        assert!(o.first_non_finite().is_none());
    }
}
