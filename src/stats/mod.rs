//! Statistics of an attention matrix (variants.md §12): row entropy on `|A|` normalised over each
//! row's support, singular values, effective rank. Pure functions over [`Matrix`], in f64.

pub mod entropy;
pub mod spectrum;

use crate::error::Result;
use crate::tensor::Matrix;
use serde::Serialize;

/// Which keys each query row may attend to (its support `𝒮_i`, of size `n_i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Every key: `n_i = n`.
    Full,
    /// Keys `j ≤ i`: `n_i = i + 1`.
    Causal,
}

impl Support {
    /// From the request's `causal` flag.
    pub fn from_causal(causal: bool) -> Self {
        if causal {
            Support::Causal
        } else {
            Support::Full
        }
    }

    /// The number of keys row `i` of an `n × n` matrix may attend to.
    pub fn len(self, i: usize, n: usize) -> usize {
        match self {
            Support::Full => n,
            Support::Causal => i + 1,
        }
    }
}

/// The statistics block of a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// `H_i = −Σ_j P_ij ln P_ij` per row, in nats.
    pub entropy_rows: Vec<f64>,
    /// `H_i / ln n_i` per row (0 where `n_i = 1`), in [0, 1].
    pub entropy_normalized_rows: Vec<f64>,
    /// Mean of `entropy_rows`.
    pub entropy_mean: f64,
    /// Mean of `entropy_normalized_rows` over all rows.
    pub entropy_normalized_mean: f64,
    /// `σ_1 ≥ … ≥ σ_n` of `A`.
    pub singular_values: Vec<f64>,
    /// Roy & Vetterli's `exp(−Σ p_r ln p_r)` with `p_r = σ_r / Σ σ`.
    pub effective_rank: f64,
}

/// All statistics of `a`.
pub fn compute(a: &Matrix, support: Support) -> Result<Stats> {
    let rows = entropy::row_entropy(a, support);
    let n = rows.entropy.len().max(1) as f64;
    let singular_values = spectrum::singular_values(a)?;
    Ok(Stats {
        entropy_mean: rows.entropy.iter().sum::<f64>() / n,
        entropy_normalized_mean: rows.normalized.iter().sum::<f64>() / n,
        effective_rank: spectrum::effective_rank(&singular_values),
        entropy_rows: rows.entropy,
        entropy_normalized_rows: rows.normalized,
        singular_values,
    })
}
