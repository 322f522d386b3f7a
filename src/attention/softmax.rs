//! Softmax attention, the reference every other variant is measured against (variants.md §1).
//!
//! Vaswani et al., "Attention Is All You Need", 2017:
//! `L = (s/τ) Q Kᵀ` (masked to `j ≤ i` when causal), `A_ij = exp(L_ij − max_j L_ij) / Σ_j exp(·)`,
//! `O = A V`. `A` is row-stochastic and non-negative; the causal `A` has `A_00 = 1`.

use crate::error::Result;
use crate::schema::parse::check_range;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `softmax`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftmaxParams {
    /// Temperature τ > 0: logits are divided by it (τ → 0 sharpens to one-hot).
    #[serde(default = "one")]
    pub temperature: f64,
    /// Dot-product scale `s`; defaults to `1/sqrt(d_k)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
}

fn one() -> f64 {
    1.0
}

impl SoftmaxParams {
    pub(crate) fn validate(&self) -> Result<()> {
        check_range(
            "variant.temperature",
            self.temperature,
            1e-3,
            1e3,
            "below 1e-3 every row is one-hot in f32",
        )?;
        if let Some(scale) = self.scale {
            check_range(
                "variant.scale",
                scale,
                1e-6,
                1e3,
                "a positive dot-product scale",
            )?;
        }
        Ok(())
    }

    /// With `scale` filled in.
    pub fn resolved(&self, d_k: usize) -> Self {
        SoftmaxParams {
            temperature: self.temperature,
            scale: Some(self.scale.unwrap_or(1.0 / (d_k as f64).sqrt())),
        }
    }

    /// The factor the logits are multiplied by: `s / τ`.
    pub fn effective_scale(&self, d_k: usize) -> f64 {
        self.scale.unwrap_or(1.0 / (d_k as f64).sqrt()) / self.temperature
    }
}

/// The quadratic form, in f64: returns `(O, A)`. `scale` multiplies the logits (already `s/τ`).
pub fn softmax_attention(qkv: &Qkv, scale: f64, causal: bool) -> (Matrix, Matrix) {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let mut attention = Matrix::zeros(n, n); // [n, n]
    let mut logits = vec![0.0f64; n]; // one row of L
    for i in 0..n {
        let keys = if causal { i + 1 } else { n }; // the support of row i
        let q_i = qkv.q.row(i);
        for (j, logit) in logits.iter_mut().enumerate().take(keys) {
            let k_j = qkv.k.row(j);
            let dot: f64 = (0..d_k)
                .map(|c| f64::from(q_i[c]) * f64::from(k_j[c]))
                .sum();
            *logit = scale * dot;
        }
        // Subtract the row max: exp overflows f32 above ~88.7.
        let max = logits[..keys]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let denom: f64 = logits[..keys].iter().map(|x| (x - max).exp()).sum();
        for (j, logit) in logits.iter().enumerate().take(keys) {
            attention.set(i, j, ((logit - max).exp() / denom) as f32);
        }
    }
    let mut output = Matrix::zeros(n, d_v); // [n, d_v]
    for i in 0..n {
        for c in 0..d_v {
            let acc: f64 = (0..n)
                .map(|j| f64::from(attention.get(i, j)) * f64::from(qkv.v.get(j, c)))
                .sum();
            output.set(i, c, acc as f32);
        }
    }
    (output, attention)
}
