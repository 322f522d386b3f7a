//! Linear Log-Normal attention (variants.md §2.8): Nahshan, Kampeas, Haleva, "Linear Log-Normal
//! Attention with Unbiased Concentration", ICLR 2024.
//!
//! Moment matching with the paper's constants `a, b`: `σ_q, σ_k` are the sample standard
//! deviations of all entries of Q and K, `σ̃² = (σ_q² σ_k² − b)/(2a)`, `α = σ̃/σ_q`, `β = σ̃/σ_k`;
//! `φ_Q(q) = exp(α q − max_c α q_c)` (per token), `φ_K(k) = exp(β k − max_{j,c} β k_jc)` (global),
//! `A_LLN = rownorm(φ_Q(Q) φ_K(K)ᵀ)` with ε. LLN+Diag, the model the paper uses, mixes in a
//! block-diagonal softmax half and half: `A = ½ A_LLN + ½ A_BD`, blocks of `block` tokens (the
//! last one shorter), scale `1/√d_k`, causal within a block when masked.

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// The paper's fitted moment-matching constant a.
pub const A: f64 = 0.148_551_781_447_109_12;
/// The paper's fitted moment-matching constant b.
pub const B: f64 = -0.354_870_391_306_610_86;
/// ε added to the row sums (the class default).
pub const EPS: f64 = 1e-8;

/// Parameters of `lln`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlnParams {
    /// Mix in the block-diagonal softmax (LLN+Diag).
    #[serde(default = "yes")]
    pub diag: bool,
    /// Block size of the diagonal branch (defaults to d_k).
    pub block: Option<usize>,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

fn yes() -> bool {
    true
}

/// Accepted block sizes.
pub const BLOCK: Range = Range {
    min: 1.0,
    max: 65_536.0,
};

impl LlnParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(block) = self.block {
            BLOCK.check("block", block as f64, "tokens per diagonal block")?;
        }
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }

    /// With `block` filled in.
    pub fn resolved(&self, d_k: usize) -> Self {
        LlnParams {
            block: Some(self.block.unwrap_or(d_k)),
            ..self.clone()
        }
    }
}

/// Sample standard deviation (N − 1) of every entry of `x`; 0 for a single entry.
pub fn std_all(x: &Matrix) -> f64 {
    let n = x.data().len();
    if n < 2 {
        return 0.0;
    }
    let mean = x.data().iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64;
    let ss: f64 = x
        .data()
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum();
    (ss / (n - 1) as f64).sqrt()
}

/// `(α, β)` of the moment matching (1 where a standard deviation is 0).
pub fn scales(q: &Matrix, k: &Matrix) -> (f64, f64) {
    let (sq, sk) = (std_all(q), std_all(k));
    let tilde = ((sq * sq * sk * sk - B) / (2.0 * A)).sqrt();
    let ratio = |s: f64| if s > 0.0 { tilde / s } else { 1.0 };
    (ratio(sq), ratio(sk))
}

/// The log-normal feature maps with fixed `(α, β)`.
pub struct LogNormal {
    /// α (queries).
    pub alpha: f64,
    /// β (keys).
    pub beta: f64,
}

fn scaled(x: &Matrix, s: f64) -> Features {
    map_rows(x, |_, row| row.iter().map(|&v| s * f64::from(v)).collect())
}

fn row_max(row: &[f64]) -> f64 {
    row.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

impl FeatureMap for LogNormal {
    fn queries(&self, q: &Matrix) -> Features {
        scaled(q, self.alpha)
            .into_iter()
            .map(|row| {
                let c = row_max(&row);
                row.iter().map(|v| (v - c).exp()).collect()
            })
            .collect()
    }
    fn keys(&self, k: &Matrix) -> Features {
        let h = scaled(k, self.beta);
        let c = h
            .iter()
            .map(|r| row_max(r))
            .fold(f64::NEG_INFINITY, f64::max);
        h.into_iter()
            .map(|row| row.iter().map(|v| (v - c).exp()).collect())
            .collect()
    }
}

/// `½ x + ½ y`, entry by entry (LLN+Diag's mixing).
pub fn average(x: &Matrix, y: &Matrix) -> Matrix {
    let data = x
        .data()
        .iter()
        .zip(y.data())
        .map(|(a, b)| 0.5 * a + 0.5 * b)
        .collect();
    Matrix::from_vec(x.rows(), x.cols(), data).unwrap_or_else(|_| x.clone())
}

/// `½ linear + ½ (o_bd, a_bd)`: LLN+Diag's mixing of its two branches. `a_bd` is the block
/// softmax's weights when `A` is wanted (`None` otherwise: the output-only path never builds
/// n × n).
pub fn mix_halves(
    linear: AttentionOutput,
    o_bd: &Matrix,
    a_bd: Option<&Matrix>,
) -> AttentionOutput {
    AttentionOutput {
        output: average(&linear.output, o_bd),
        attention: linear
            .attention
            .zip(a_bd)
            .map(|(a, a_bd)| average(&a, a_bd)),
    }
}

/// The catalog card of `lln`.
pub fn catalog_entry() -> CatalogEntry {
    let mut block = BLOCK.number("block", None, true, "tokens per diagonal block");
    block.kind = "integer";
    block.default_note = Some("d_k");
    CatalogEntry {
        name: "lln",
        title: "Linear Log-Normal attention",
        family: "kernel feature-map",
        idea: "Exponential features whose scales are moment-matched so the weights are \
               log-normal like softmax's, plus (LLN+Diag) an exact softmax on diagonal blocks.",
        paper: Paper {
            title: "Linear Log-Normal Attention with Unbiased Concentration",
            authors: "Nahshan, Kampeas, Haleva",
            venue: "ICLR",
            year: 2024,
        },
        spec_section: "2.8",
        cost: Cost {
            time: "O(N d d_v + N D d)",
            memory: "O(d d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            ParamSchema {
                name: "diag",
                kind: "boolean",
                default: serde_json::Value::from(true),
                description: "mix in the block-diagonal softmax (LLN+Diag), half and half",
                ..Default::default()
            },
            block,
            chunk_size_schema(),
        ],
        formula_tex: r"A = \tfrac12\,\mathrm{rownorm}\big(e^{\alpha Q} (e^{\beta K})^\top\big) + \tfrac12\,A_{\mathrm{BD}},\quad \tilde\sigma^2 = \frac{\sigma_q^2\sigma_k^2 - b}{2a},\ \alpha = \frac{\tilde\sigma}{\sigma_q},\ \beta = \frac{\tilde\sigma}{\sigma_k}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
