//! Linformer (variants.md §3.1): Wang, Li, Khabsa, Fang, Ma, "Linformer: Self-Attention with
//! Linear Complexity", 2020. Keys and values are projected to length k by a shared `E = F`
//! (k × n): `P̄ = softmax_row(s Q (E K)ᵀ)` (n × k), `O = P̄ (F V)`. The implicit matrix is the
//! product of the factors, `A = P̄ F` (n × n, rank ≤ k): signed and not row-normalised. No causal
//! form: the projection mixes future tokens into every compressed key.

use super::{product, softmax_weights};
use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::schema::parse::check_rows_agree;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `linformer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinformerParams {
    /// Projected length k (defaults to the rows of `projection`, else 16).
    pub k: Option<usize>,
    /// Seed of the projection (ignored when `projection` is given).
    #[serde(default)]
    pub seed: u64,
    /// An explicit shared projection `E = F`, k × n.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<Vec<Vec<f64>>>,
}

/// Accepted projected lengths.
pub const K: Range = Range {
    min: 1.0,
    max: 1024.0,
};

impl LinformerParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(k) = self.k {
            K.check("k", k as f64, "projected length")?;
        }
        check_rows_agree(
            "k",
            self.k,
            "projection",
            self.projection.as_ref().map(Vec::len),
        )?;
        Ok(())
    }

    /// The projected length k.
    pub fn k(&self) -> usize {
        self.projection
            .as_ref()
            .map(Vec::len)
            .or(self.k)
            .unwrap_or(16)
    }

    /// With `k` filled in.
    pub fn resolved(&self) -> Self {
        LinformerParams {
            k: Some(self.k()),
            ..self.clone()
        }
    }

    /// The projection `E = F` (k × n): the given one, checked, or a seeded xavier-uniform one
    /// with fairseq's gain `1/√2`.
    pub fn projection(&self, n: usize) -> Result<Matrix> {
        if let Some(rows) = &self.projection {
            let e = Matrix::from_rows("variant.projection", rows)?;
            if e.cols() != n {
                return Err(Error::Shape {
                    field: "variant.projection".into(),
                    expected: format!("{n} columns (= n)"),
                    got: format!("{} columns", e.cols()),
                });
            }
            return Ok(e);
        }
        let k = self.k();
        let bound = (1.0 / 2f64.sqrt()) * (6.0 / (k + n) as f64).sqrt();
        let mut rng = SeededRng::new(self.seed, stream::PROJECTION);
        let values = (0..k * n)
            .map(|_| ((2.0 * rng.uniform() - 1.0) * bound) as f32)
            .collect();
        Matrix::from_vec(k, n, values)
    }
}

/// The factored form: `O = P̄ (E V)` in O(n k d); `A = P̄ E` only when wanted.
pub fn forward(p: &LinformerParams, qkv: &Qkv, want_attention: bool) -> Result<AttentionOutput> {
    let e = p.projection(qkv.n())?;
    let ek = product("E K", &e, &qkv.k)?; // [k, d_k]
    let ev = product("F V", &e, &qkv.v)?; // [k, d_v]
    let p_bar = softmax_weights(&qkv.q, &ek, 1.0 / (qkv.d_k() as f64).sqrt()); // [n, k]
    Ok(AttentionOutput {
        output: product("P̄ F V", &p_bar, &ev)?,
        attention: if want_attention {
            Some(product("P̄ F", &p_bar, &e)?)
        } else {
            None
        },
    })
}

/// The catalog card of `linformer`.
pub fn catalog_entry() -> CatalogEntry {
    let mut k = K.number("k", Some(16.0), true, "projected length");
    k.kind = "integer";
    k.default = serde_json::Value::from(16);
    k.default_note = Some("the rows of projection when it is given");
    CatalogEntry {
        name: "linformer",
        title: "Linformer",
        family: "low-rank",
        idea: "Compress the n keys and values to k learned mixtures: every map has rank ≤ k, \
               and rows need not sum to 1.",
        paper: Paper {
            title: "Linformer: Self-Attention with Linear Complexity",
            authors: "Wang, Li, Khabsa, Fang, Ma",
            venue: "arXiv",
            year: 2020,
        },
        spec_section: "3.1",
        cost: Cost {
            time: "O(N k (d + d_v))",
            memory: "O(N k)",
        },
        row_normalized: false,
        signed: true,
        supports: Supports {
            causal: false,
            non_causal: true,
        },
        params: vec![
            k,
            ParamSchema {
                name: "seed",
                kind: "integer",
                default: serde_json::Value::from(0),
                min: Some(0.0),
                description: "seed of the projection E = F",
                ..Default::default()
            },
            ParamSchema {
                name: "projection",
                kind: "matrix",
                default_note: Some("seeded xavier-uniform, gain 1/√2 (k × n)"),
                description: "an explicit shared projection E = F, k × n",
                ..Default::default()
            },
        ],
        formula_tex: r"A = \mathrm{softmax}\!\Big(\frac{Q (E K)^\top}{\sqrt{d}}\Big) F,\quad E = F \in \mathbb{R}^{k \times N}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
