//! Softmax attention, the reference every other variant is measured against (variants.md §1).
//!
//! Vaswani et al., "Attention Is All You Need", 2017:
//! `L = (s/τ) Q Kᵀ` (masked to `j ≤ i` when causal), `A_ij = exp(L_ij − max_j L_ij) / Σ_j exp(·)`,
//! `O = A V`. `A` is row-stochastic and non-negative; the causal `A` has `A_00 = 1`.

use super::mask::Mask;
use crate::catalog::{CatalogEntry, Cost, Paper, Range, Supports};
use crate::error::Result;
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

/// Accepted temperatures: below 1e-3 every row is one-hot in f32 anyway.
pub const TEMPERATURE: Range = Range {
    min: 1e-3,
    max: 1e3,
};
/// Accepted dot-product scales.
pub const SCALE: Range = Range {
    min: 1e-6,
    max: 1e3,
};

impl SoftmaxParams {
    pub(crate) fn validate(&self) -> Result<()> {
        TEMPERATURE.check(
            "temperature",
            self.temperature,
            "below 1e-3 every row is one-hot in f32",
        )?;
        if let Some(scale) = self.scale {
            SCALE.check("scale", scale, "a positive dot-product scale")?;
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

/// The quadratic form, in f64: returns `(O, A)`. `scale` multiplies the logits (already `s/τ`);
/// row `i` attends to `mask.keys(i, n)` (softmax, sliding-window and neighborhood attention).
pub fn softmax_attention(qkv: &Qkv, scale: f64, mask: Mask) -> (Matrix, Matrix) {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let mut attention = Matrix::zeros(n, n); // [n, n]
    for i in 0..n {
        let keys = mask.keys(i, n); // the support of row i
        let q_i = qkv.q.row(i);
        let logits: Vec<f64> = keys
            .clone()
            .map(|j| {
                let k_j = qkv.k.row(j);
                scale
                    * (0..d_k)
                        .map(|c| f64::from(q_i[c]) * f64::from(k_j[c]))
                        .sum::<f64>()
            })
            .collect();
        // Subtract the row max: exp overflows f32 above ~88.7.
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let denom: f64 = logits.iter().map(|x| (x - max).exp()).sum();
        for (j, logit) in keys.zip(&logits) {
            attention.set(i, j, ((logit - max).exp() / denom) as f32);
        }
    }
    let mut output = Matrix::zeros(n, d_v); // [n, d_v]
    for i in 0..n {
        for c in 0..d_v {
            let acc: f64 = mask
                .keys(i, n)
                .map(|j| f64::from(attention.get(i, j)) * f64::from(qkv.v.get(j, c)))
                .sum();
            output.set(i, c, acc as f32);
        }
    }
    (output, attention)
}

/// The linear-memory form (online softmax, variants.md §1): `O` row by row without building
/// `A`, for requests that do not ask for the matrix. Same logits, max and sum as the quadratic
/// form, so the outputs agree to f32 round-off.
pub fn softmax_output(qkv: &Qkv, scale: f64, mask: Mask) -> Matrix {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let mut output = Matrix::zeros(n, d_v); // [n, d_v]
    let mut acc = vec![0.0f64; d_v];
    for i in 0..n {
        let q_i = qkv.q.row(i);
        let (mut max, mut denom) = (f64::NEG_INFINITY, 0.0f64);
        acc.iter_mut().for_each(|a| *a = 0.0);
        for j in mask.keys(i, n) {
            let dot: f64 = (0..d_k)
                .map(|c| f64::from(q_i[c]) * f64::from(qkv.k.get(j, c)))
                .sum();
            let x = scale * dot;
            // Rescale what was accumulated when the running max moves.
            let new_max = max.max(x);
            let decay = (max - new_max).exp();
            let w = (x - new_max).exp();
            denom = denom * decay + w;
            for (a, &v) in acc.iter_mut().zip(qkv.v.row(j)) {
                *a = *a * decay + w * f64::from(v);
            }
            max = new_max;
        }
        for (dst, a) in output.row_mut(i).iter_mut().zip(&acc) {
            *dst = (a / denom) as f32;
        }
    }
    output
}

/// The catalog card of `softmax`.
pub fn catalog_entry() -> CatalogEntry {
    let mut scale = SCALE.number("scale", None, true, "dot-product scale s");
    scale.default_note = Some("1/sqrt(d_k)");
    CatalogEntry {
        name: "softmax",
        title: "Softmax attention",
        family: "softmax",
        idea: "Every query takes a softmax-weighted average of the values: the reference the \
               linear variants approximate.",
        paper: Paper {
            title: "Attention Is All You Need",
            authors: "Vaswani et al.",
            venue: "NeurIPS",
            year: 2017,
        },
        spec_section: "1",
        cost: Cost {
            time: "O(N² (d + d_v))",
            memory: "O(N d) (online softmax; O(N²) when A is drawn)",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            TEMPERATURE.number("temperature", Some(1.0), true, "logits are divided by τ"),
            scale,
        ],
        formula_tex: r"A_{ij} = \frac{\exp(s\, q_i \cdot k_j / \tau)}{\sum_{l \in \mathcal{S}_i} \exp(s\, q_i \cdot k_l / \tau)}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
