//! Row entropy of an attention matrix, on `P_ij = |A_ij| / Σ_{l∈𝒮_i} |A_il|` (variants.md §12), so
//! signed or unnormalised matrices get a distribution too.

use super::Mask;
use crate::tensor::Matrix;

/// Per-row entropy and normalised entropy.
#[derive(Debug, Clone, PartialEq)]
pub struct RowEntropy {
    /// `H_i` in nats.
    pub entropy: Vec<f64>,
    /// `H_i / ln n_i`, 0 where `n_i = 1`.
    pub normalized: Vec<f64>,
}

/// `P_i·`: row `i` of `|A|` over its support, normalised to sum 1; all `n` columns, 0 outside
/// the support (and everywhere for a zero row).
pub fn row_distribution(a: &Matrix, i: usize, mask: Mask) -> Vec<f64> {
    let keys = mask.keys(i, a.cols());
    let mass: f64 = a.row(i)[keys.clone()]
        .iter()
        .map(|x| f64::from(x.abs()))
        .sum();
    (0..a.cols())
        .map(|j| {
            if mass > 0.0 && keys.contains(&j) {
                f64::from(a.get(i, j).abs()) / mass
            } else {
                0.0
            }
        })
        .collect()
}

/// Entropy of every row of `a` over its support. A row whose support is all zeros carries no
/// distribution and counts as entropy 0.
pub fn row_entropy(a: &Matrix, mask: Mask) -> RowEntropy {
    let mut entropy = Vec::with_capacity(a.rows());
    let mut normalized = Vec::with_capacity(a.rows());
    for i in 0..a.rows() {
        let n_i = mask.keys(i, a.cols()).len();
        let h: f64 = row_distribution(a, i, mask)
            .into_iter()
            .filter(|&p| p > 0.0) // 0 ln 0 = 0: never take ln of an exact 0
            .map(|p| -p * p.ln())
            .sum();
        entropy.push(h);
        normalized.push(if n_i > 1 { h / (n_i as f64).ln() } else { 0.0 });
    }
    RowEntropy {
        entropy,
        normalized,
    }
}
