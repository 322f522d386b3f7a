//! Linear attention with φ = elu + 1 (variants.md §2.1).
//!
//! Katharopoulos, Vyas, Pappas, Fleuret, "Transformers are RNNs: Fast Autoregressive Transformers
//! with Linear Attention", ICML 2020. `φ(x) = x + 1` for `x > 0`, else `exp(x)`, element-wise
//! (m = d_k, all features > 0); no `1/sqrt(d)` scale, as in the official code;
//! `A_ij = φ(q_i)·φ(k_j) / (Σ_l φ(q_i)·φ(k_l) + ε)`. Row-normalised.

use super::FeatureMap;
use crate::error::Result;
use crate::schema::parse::check_range;
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

impl LinearEluParams {
    pub(crate) fn validate(&self) -> Result<()> {
        check_range(
            "variant.eps",
            self.eps,
            0.0,
            1.0,
            "a small normaliser offset",
        )
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
