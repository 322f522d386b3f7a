//! Linear attention with φ = elu + 1 (variants.md §2.1).
//!
//! Katharopoulos, Vyas, Pappas, Fleuret, "Transformers are RNNs: Fast Autoregressive Transformers
//! with Linear Attention", ICML 2020. `φ(x) = x + 1` for `x > 0`, else `exp(x)`, element-wise
//! (m = d_k, all features > 0); no `1/sqrt(d)` scale, as in the official code;
//! `A_ij = φ(q_i)·φ(k_j) / (Σ_l φ(q_i)·φ(k_l) + ε)`. Row-normalised.

use super::{default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::catalog::{CatalogEntry, Cost, Paper, Range, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// Parameters of `linear_elu`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearEluParams {
    /// ε added to the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

pub(crate) fn default_eps() -> f64 {
    1e-6
}

/// Accepted normaliser offsets: positive, since ε = 0 makes a query with no feature mass 0/0.
pub const EPS: Range = Range {
    min: 1e-12,
    max: 1.0,
};

impl LinearEluParams {
    pub(crate) fn validate(&self) -> Result<()> {
        EPS.check("eps", self.eps, "a small normaliser offset")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// `φ(x) = elu(x) + 1`.
pub struct EluPlusOne;

impl EluPlusOne {
    /// The scalar map.
    pub fn apply(x: f64) -> f64 {
        if x > 0.0 {
            x + 1.0
        } else {
            x.exp()
        }
    }

    fn rows(x: &Matrix) -> Features {
        map_rows(x, |_, row| {
            row.iter().map(|&v| Self::apply(f64::from(v))).collect()
        })
    }
}

impl FeatureMap for EluPlusOne {
    fn queries(&self, q: &Matrix) -> Features {
        Self::rows(q)
    }
    fn keys(&self, k: &Matrix) -> Features {
        Self::rows(k)
    }
}

/// The catalog card of `linear_elu`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "linear_elu",
        title: "Linear attention (elu + 1)",
        family: "kernel feature-map",
        idea: "Replace exp(q·k) by φ(q)·φ(k): sums over keys factor into a d_k × d_v state, so \
               cost is linear in N and A has rank at most d_k.",
        paper: Paper {
            title: "Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention",
            authors: "Katharopoulos, Vyas, Pappas, Fleuret",
            venue: "ICML",
            year: 2020,
        },
        spec_section: "2.1",
        cost: Cost {
            time: "O(N d d_v)",
            memory: "O(d d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
            super::chunk_size_schema(),
        ],
        formula_tex: r"A_{ij} = \frac{\phi(q_i)\cdot\phi(k_j)}{\sum_{l \in \mathcal{S}_i} \phi(q_i)\cdot\phi(k_l) + \varepsilon},\quad \phi(x) = \mathrm{elu}(x) + 1",
        confirmed: true,
        constraints: Vec::new(),
    }
}
