//! Linear attention with the ReLU kernel (variants.md §2.2): `φ(x) = max(x, 0) + δ`, the default
//! kernel of cosFormer and FLatten and a `feature_map` option of fla and fast-transformers.
//! `A_ij = φ(q_i)·φ(k_j) / (Σ_l φ(q_i)·φ(k_l) + ε)`: row-normalised, with exact zeros when
//! `δ = 0` (a row whose features are all zero is the zero row, `0/ε`).

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::attention::kernel::elu::{default_eps, EPS};
use crate::catalog::{CatalogEntry, Cost, Paper, Range, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// Parameters of `linear_relu`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearReluParams {
    /// δ added to every feature (Performer's ReLU kernel uses 1e-3).
    #[serde(default)]
    pub delta: f64,
    /// ε added to the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// Accepted feature offsets δ.
pub const DELTA: Range = Range { min: 0.0, max: 1.0 };

impl LinearReluParams {
    pub(crate) fn validate(&self) -> Result<()> {
        DELTA.check("delta", self.delta, "a small feature offset")?;
        EPS.check("eps", self.eps, "a small normaliser offset")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// `φ(x) = max(x, 0) + δ`.
pub struct Relu {
    /// δ.
    pub delta: f64,
}

impl Relu {
    fn rows(&self, x: &Matrix) -> Features {
        map_rows(x, |_, row| {
            row.iter()
                .map(|&v| f64::from(v).max(0.0) + self.delta)
                .collect()
        })
    }
}

impl FeatureMap for Relu {
    fn queries(&self, q: &Matrix) -> Features {
        self.rows(q)
    }
    fn keys(&self, k: &Matrix) -> Features {
        self.rows(k)
    }
}

/// The catalog card of `linear_relu`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "linear_relu",
        title: "Linear attention (ReLU)",
        family: "kernel feature-map",
        idea: "φ = ReLU: sparse non-negative features, so some weights are exactly zero and a row \
               can go empty when every feature of its query is negative.",
        paper: Paper {
            title: "cosFormer: Rethinking Softmax in Attention (ReLU kernel)",
            authors: "Qin et al.",
            venue: "ICLR",
            year: 2022,
        },
        spec_section: "2.2",
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
            DELTA.number("delta", Some(0.0), false, "added to every feature"),
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
            chunk_size_schema(),
        ],
        formula_tex: r"A_{ij} = \frac{\phi(q_i)\cdot\phi(k_j)}{\sum_{l \in \mathcal{S}_i} \phi(q_i)\cdot\phi(k_l) + \varepsilon},\quad \phi(x) = \max(x, 0) + \delta",
        confirmed: true,
        constraints: Vec::new(),
    }
}
