//! FLARE (variants.md §3.3): Puri et al., "FLARE: Fast Low-rank Attention Routing Engine", 2025.
//! M latent queries L route every token: gather `W_enc = softmax_row(s L Kᵀ)` (M × n),
//! `Z = W_enc V`; scatter `W_dec = softmax_row(s K Lᵀ)` (n × M), `O = W_dec Z`. The implicit
//! matrix `A = W_dec W_enc` is row-stochastic with rank ≤ M (a two-hop random walk). The
//! per-token queries are not used. Latents are given, or drawn N(0, 0.1²) from `seed` as at
//! initialisation. The causal form (the gather's softmax restricted to keys ≤ t) is the spec's
//! derivation, not the official code's: an online softmax per latent, on the CPU token by token
//! and on the GPU chunk by chunk (`gpu/pipelines/flare_causal.rs`).

use super::{product, softmax_weights};
use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::schema::parse::check_rows_agree;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `flare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlareParams {
    /// Explicit latent queries, M × d_k.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latents: Option<Vec<Vec<f64>>>,
    /// Number of latents M (defaults to the rows of `latents`, else 16).
    pub m: Option<usize>,
    /// Seed of the latents (ignored when they are given).
    #[serde(default)]
    pub seed: u64,
    /// Logit scale (the paper's `attn_scale`, 1, not 1/√d).
    #[serde(default = "one")]
    pub scale: f64,
}

fn one() -> f64 {
    1.0
}

/// Accepted latent counts.
pub const M: Range = Range {
    min: 1.0,
    max: 1024.0,
};
/// Accepted logit scales.
pub const SCALE: Range = Range {
    min: 1e-3,
    max: 1e3,
};

impl FlareParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(m) = self.m {
            M.check("m", m as f64, "latent queries")?;
        }
        check_rows_agree("m", self.m, "latents", self.latents.as_ref().map(Vec::len))?;
        SCALE.check("scale", self.scale, "logit scale")
    }

    /// The number of latents M.
    pub fn m(&self) -> usize {
        self.latents.as_ref().map(Vec::len).or(self.m).unwrap_or(16)
    }

    /// With `m` filled in.
    pub fn resolved(&self) -> Self {
        FlareParams {
            m: Some(self.m()),
            ..self.clone()
        }
    }

    /// The latents L (M × d_k): given, checked, or N(0, 0.1²) from `seed`.
    pub fn latents(&self, d_k: usize) -> Result<Matrix> {
        match &self.latents {
            Some(rows) => {
                let l = Matrix::from_rows("variant.latents", rows)?;
                if l.cols() != d_k {
                    return Err(Error::Shape {
                        field: "variant.latents".into(),
                        expected: format!("{d_k} columns (= d_k)"),
                        got: format!("{} columns", l.cols()),
                    });
                }
                Ok(l)
            }
            None => {
                let mut rng = SeededRng::new(self.seed, stream::PROJECTION);
                let values = (0..self.m() * d_k)
                    .map(|_| (0.1 * rng.normal()) as f32)
                    .collect();
                Matrix::from_vec(self.m(), d_k, values)
            }
        }
    }
}

/// Non-causal: two softmaxes, `O = W_dec (W_enc V)`; causal: an online softmax per latent over
/// the keys so far, `o_t = Σ_m W_dec[t, m] Z_t[m]`. `A` only when wanted.
pub fn forward(
    p: &FlareParams,
    qkv: &Qkv,
    causal: bool,
    want_attention: bool,
) -> Result<AttentionOutput> {
    let l = p.latents(qkv.d_k())?;
    let w_dec = softmax_weights(&qkv.k, &l, p.scale); // [n, M]
    if !causal {
        let w_enc = softmax_weights(&l, &qkv.k, p.scale); // [M, n]
        let z = product("W_enc V", &w_enc, &qkv.v)?; // [M, d_v]
        return Ok(AttentionOutput {
            output: product("W_dec Z", &w_dec, &z)?,
            attention: if want_attention {
                Some(product("W_dec W_enc", &w_dec, &w_enc)?)
            } else {
                None
            },
        });
    }
    let (n, m, d_v) = (qkv.n(), l.rows(), qkv.d_v());
    let logit = |r: usize, j: usize| -> f64 {
        p.scale
            * l.row(r)
                .iter()
                .zip(qkv.k.row(j))
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum::<f64>()
    };
    // Per latent: running max, normaliser and value accumulator (online softmax).
    let mut max = vec![f64::NEG_INFINITY; m];
    let mut sum = vec![0.0f64; m];
    let mut acc = vec![0.0f64; m * d_v];
    let mut output = Matrix::zeros(n, d_v);
    for t in 0..n {
        for r in 0..m {
            let x = logit(r, t);
            let new_max = max[r].max(x);
            let decay = (max[r] - new_max).exp();
            let w = (x - new_max).exp();
            sum[r] = sum[r] * decay + w;
            for c in 0..d_v {
                acc[r * d_v + c] = acc[r * d_v + c] * decay + w * f64::from(qkv.v.get(t, c));
            }
            max[r] = new_max;
        }
        for c in 0..d_v {
            let o: f64 = (0..m)
                .map(|r| f64::from(w_dec.get(t, r)) * acc[r * d_v + c] / sum[r])
                .sum();
            output.set(t, c, o as f32);
        }
    }
    let attention = want_attention.then(|| {
        let mut a = Matrix::zeros(n, n);
        for r in 0..m {
            let logits: Vec<f64> = (0..n).map(|j| logit(r, j)).collect();
            for t in 0..n {
                let max = logits[..=t]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max);
                let denom: f64 = logits[..=t].iter().map(|x| (x - max).exp()).sum();
                for (j, logit) in logits[..=t].iter().enumerate() {
                    let enc = (logit - max).exp() / denom;
                    let value = f64::from(a.get(t, j)) + f64::from(w_dec.get(t, r)) * enc;
                    a.set(t, j, value as f32);
                }
            }
        }
        a
    });
    Ok(AttentionOutput { output, attention })
}

/// The catalog card of `flare`.
pub fn catalog_entry() -> CatalogEntry {
    let mut m = M.number("m", Some(16.0), true, "latent queries M");
    m.kind = "integer";
    m.default = serde_json::Value::from(16);
    m.default_note = Some("the rows of latents when they are given");
    CatalogEntry {
        name: "flare",
        title: "FLARE",
        family: "low-rank",
        idea: "Tokens talk only through M latent queries (gather, then scatter): a row-stochastic \
               two-hop map of rank ≤ M that ignores the per-token queries.",
        paper: Paper {
            title: "FLARE: Fast Low-rank Attention Routing Engine",
            authors: "Puri et al.",
            venue: "arXiv",
            year: 2025,
        },
        spec_section: "3.3",
        cost: Cost {
            time: "O(N M (d + d_v))",
            memory: "O(N M)",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            m,
            ParamSchema {
                name: "seed",
                kind: "integer",
                default: serde_json::Value::from(0),
                min: Some(0.0),
                description: "seed of the latents, N(0, 0.1²)",
                ..Default::default()
            },
            ParamSchema {
                name: "latents",
                kind: "matrix",
                default_note: Some("drawn from seed (m × d_k)"),
                description: "explicit latent queries L, m × d_k",
                ..Default::default()
            },
            SCALE.number("scale", Some(1.0), true, "logit scale (1, not 1/√d)"),
        ],
        formula_tex: r"A = \mathrm{softmax}_{\text{row}}(s\,K L^\top)\ \mathrm{softmax}_{\text{row}}(s\,L K^\top)",
        confirmed: false,
        constraints: Vec::new(),
    }
}
