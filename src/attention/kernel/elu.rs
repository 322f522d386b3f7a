//! Linear attention with φ = elu + 1 (variants.md §2.1).
//!
//! Katharopoulos, Vyas, Pappas, Fleuret, "Transformers are RNNs: Fast Autoregressive Transformers
//! with Linear Attention", ICML 2020. `φ(x) = x + 1` for `x > 0`, else `exp(x)`, element-wise
//! (m = d_k, all features > 0); no `1/sqrt(d)` scale, as in the official code;
//! `A_ij = φ(q_i)·φ(k_j) / (Σ_l φ(q_i)·φ(k_l) + ε)`. Row-normalised.

use super::FeatureMap;
use crate::catalog::{CatalogEntry, Cost, Paper, Range, Supports};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// Parameters of `linear_elu`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearEluParams {
    /// ε added to the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
}

fn default_eps() -> f64 {
    1e-6
}

/// Accepted normaliser offsets.
pub const EPS: Range = Range { min: 0.0, max: 1.0 };

impl LinearEluParams {
    pub(crate) fn validate(&self) -> Result<()> {
        EPS.check("eps", self.eps, "a small normaliser offset")
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
}

impl FeatureMap for EluPlusOne {
    fn map_row(&self, x: &[f32], out: &mut Vec<f64>) {
        out.clear();
        out.extend(x.iter().map(|&v| EluPlusOne::apply(f64::from(v))));
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
        params: vec![EPS.number("eps", Some(1e-6), true, "added to the normaliser")],
        formula_tex: r"A_{ij} = \frac{\phi(q_i)\cdot\phi(k_j)}{\sum_{l \in \mathcal{S}_i} \phi(q_i)\cdot\phi(k_l) + \varepsilon},\quad \phi(x) = \mathrm{elu}(x) + 1",
        confirmed: true,
    }
}
