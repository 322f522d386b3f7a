//! Errors of a variant against softmax on the same Q, K, V, scale and mask (variants.md §12):
//! relative Frobenius error of `A`, mean row KL(softmax ‖ P) with `P = |A|` row-normalised over the
//! support, and the absolute and relative Frobenius error of the output.

use super::entropy::row_distribution;
use super::Mask;
use crate::tensor::Matrix;
use serde::Serialize;

/// The floor under `P_ij` inside the KL logarithm (variants.md §12).
const KL_FLOOR: f64 = 1e-12;

/// Errors against softmax.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VsSoftmax {
    /// `‖A − A_sm‖_F / ‖A_sm‖_F`.
    pub attention_rel_frobenius: f64,
    /// `(1/N) Σ_i Σ_{j∈𝒮_i} A_sm,ij ln(A_sm,ij / max(P_ij, 1e-12))`.
    pub mean_row_kl: f64,
    /// `‖O − O_sm‖_F`.
    pub output_abs_error: f64,
    /// `‖O − O_sm‖_F / ‖O_sm‖_F`.
    pub output_rel_error: f64,
}

fn frobenius_diff(a: &Matrix, b: &Matrix) -> (f64, f64) {
    let diff = a
        .data()
        .iter()
        .zip(b.data())
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        .sqrt();
    let norm = b
        .data()
        .iter()
        .map(|&y| f64::from(y).powi(2))
        .sum::<f64>()
        .sqrt();
    (diff, norm)
}

/// Compares `(a, o)` (support `mask`) with softmax's `(a_sm, o_sm)` (support `sm_mask`).
pub fn vs_softmax(
    a: &Matrix,
    o: &Matrix,
    mask: Mask,
    a_sm: &Matrix,
    o_sm: &Matrix,
    sm_mask: Mask,
) -> VsSoftmax {
    let (a_diff, a_norm) = frobenius_diff(a, a_sm);
    let (o_diff, o_norm) = frobenius_diff(o, o_sm);
    let n = a.rows();
    let kl_total: f64 = (0..n)
        .map(|i| {
            let p = row_distribution(a, i, mask);
            sm_mask
                .keys(i, a.cols())
                .map(|j| (f64::from(a_sm.get(i, j)), p[j]))
                .filter(|(s, _)| *s > 0.0)
                .map(|(s, p)| s * (s / p.max(KL_FLOOR)).ln())
                .sum::<f64>()
        })
        .sum();
    VsSoftmax {
        attention_rel_frobenius: if a_norm > 0.0 { a_diff / a_norm } else { 0.0 },
        mean_row_kl: kl_total / n.max(1) as f64,
        output_abs_error: o_diff,
        output_rel_error: if o_norm > 0.0 { o_diff / o_norm } else { 0.0 },
    }
}
