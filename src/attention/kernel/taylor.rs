//! Second-order Taylor feature maps (variants.md §2.5): `exp(x)` replaced by a non-negative
//! quadratic in `x = q·k`, written as an inner product of `O(d²)` features.
//!
//! - `based`: Arora et al., "Simple linear attention language models balance the
//!   recall-throughput tradeoff", ICML 2024. `w = 1 + x + x²/2` with `x = q·k/√d`;
//!   `φ(x) = [1, x/d^{1/4}, x_a²/(√2 √d), x_a x_b/√d (a < b)]`, m = 1 + d + d(d+1)/2.
//! - `taylorshift`: Nauen, Palacio, Dengel, "TaylorShift: Shifting the Complexity of
//!   Self-Attention from Squared to Linear (and Back) using Taylor-Softmax", 2024.
//!   `x = τ q̂·k̂` on L2-normalised q, k; `w = x²/2 + x + 1`;
//!   `φ(x) = [1, √τ x̂, (τ/√2) vec(x̂ x̂ᵀ)]`, m = 1 + d + d².
//! - `rebased` (without its LayerNorm): Aksenov et al., "Linear Transformers with Learnable
//!   Kernel Functions are Better In-Context Models", 2024. `w = (q·k/√d)²`;
//!   `φ(x) = [x_a²/√d, √(2/d) x_a x_b (a < b)]`, m = d(d+1)/2. Weights can be exactly 0: add ε.

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::attention::kernel::elu::{default_eps, EPS};
use crate::catalog::{CatalogEntry, Cost, Paper, Range, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// Parameters of `based` and `rebased`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaylorParams {
    /// ε added to the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

impl TaylorParams {
    pub(crate) fn validate(&self) -> Result<()> {
        EPS.check("eps", self.eps, "a small normaliser offset")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// Parameters of `taylorshift`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaylorShiftParams {
    /// Temperature τ (learnable per head in the paper, initialised to 1).
    #[serde(default = "one")]
    pub tau: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

fn one() -> f64 {
    1.0
}

/// Accepted TaylorShift temperatures.
pub const TAU: Range = Range {
    min: 1e-2,
    max: 1e2,
};

impl TaylorShiftParams {
    pub(crate) fn validate(&self) -> Result<()> {
        TAU.check("tau", self.tau, "the quadratic stays well conditioned")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// Which second-order map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Taylor {
    /// `1 + x + x²/2`, `x = q·k/√d`.
    Based,
    /// `1 + x + x²/2`, `x = τ q̂·k̂`.
    TaylorShift {
        /// τ.
        tau: f64,
    },
    /// `(q·k/√d)²`.
    ReBased,
}

impl Taylor {
    /// The feature dimension for head dimension `d`.
    pub fn feature_dim(self, d: usize) -> usize {
        match self {
            Taylor::Based => 1 + d + d * (d + 1) / 2,
            Taylor::TaylorShift { .. } => 1 + d + d * d,
            Taylor::ReBased => d * (d + 1) / 2,
        }
    }

    fn row(self, x: &[f32]) -> Vec<f64> {
        let d = x.len() as f64;
        let mut x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let mut out = Vec::with_capacity(self.feature_dim(x.len()));
        match self {
            Taylor::Based => {
                out.push(1.0);
                out.extend(x.iter().map(|a| a / d.powf(0.25)));
                push_upper_triangle(&mut out, &x, 1.0 / (2f64.sqrt() * d.sqrt()), 1.0 / d.sqrt());
            }
            Taylor::TaylorShift { tau } => {
                let norm = x.iter().map(|a| a * a).sum::<f64>().sqrt();
                if norm > 0.0 {
                    x.iter_mut().for_each(|a| *a /= norm);
                }
                out.push(1.0);
                out.extend(x.iter().map(|a| tau.sqrt() * a));
                let scale = tau / 2f64.sqrt();
                for a in &x {
                    out.extend(x.iter().map(|b| scale * a * b));
                }
            }
            Taylor::ReBased => {
                push_upper_triangle(&mut out, &x, 1.0 / d.sqrt(), (2.0 / d).sqrt());
            }
        }
        out
    }
}

/// Appends `diag · x_a²` for every a, then `off · x_a x_b` for every a < b (row-major).
fn push_upper_triangle(out: &mut Vec<f64>, x: &[f64], diag: f64, off: f64) {
    out.extend(x.iter().map(|a| diag * a * a));
    for a in 0..x.len() {
        for b in a + 1..x.len() {
            out.push(off * x[a] * x[b]);
        }
    }
}

impl FeatureMap for Taylor {
    fn queries(&self, q: &Matrix) -> Features {
        map_rows(q, |_, row| self.row(row))
    }
    fn keys(&self, k: &Matrix) -> Features {
        map_rows(k, |_, row| self.row(row))
    }
}

fn card(
    name: &'static str,
    title: &'static str,
    idea: &'static str,
    paper: Paper,
    cost: &'static str,
    params: Vec<crate::catalog::ParamSchema>,
    formula_tex: &'static str,
) -> CatalogEntry {
    CatalogEntry {
        name,
        title,
        family: "kernel feature-map",
        idea,
        paper,
        spec_section: "2.5",
        cost: Cost {
            time: cost,
            memory: "O(d² d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params,
        formula_tex,
        confirmed: true,
        constraints: vec![
            "second-order features: the feature dimension (about d_k²/2 + d_k + 1) must be at most 4096, so d_k ≤ 64 at most",
        ],
    }
}

/// The catalog card of `based`.
pub fn based_catalog_entry() -> CatalogEntry {
    card(
        "based",
        "Based (Taylor-2)",
        "exp(x) ≈ 1 + x + x²/2 is positive for every x and is an inner product of O(d²) \
         features: sharper than elu+1 at the price of a d² state.",
        Paper {
            title: "Simple linear attention language models balance the recall-throughput tradeoff",
            authors: "Arora et al.",
            venue: "ICML",
            year: 2024,
        },
        "O(N d² d_v)",
        vec![
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
            chunk_size_schema(),
        ],
        r"A_{ij} = \frac{1 + x_{ij} + x_{ij}^2/2}{\sum_{l \in \mathcal{S}_i} (1 + x_{il} + x_{il}^2/2) + \varepsilon},\quad x_{ij} = \frac{q_i \cdot k_j}{\sqrt{d}}",
    )
}

/// The catalog card of `taylorshift`.
pub fn taylorshift_catalog_entry() -> CatalogEntry {
    card(
        "taylorshift",
        "TaylorShift",
        "The Taylor-2 softmax on L2-normalised queries and keys with a temperature τ: \
         |x| ≤ τ keeps the quadratic well behaved.",
        Paper {
            title: "TaylorShift: Shifting the Complexity of Self-Attention from Squared to Linear (and Back) using Taylor-Softmax",
            authors: "Nauen, Palacio, Dengel",
            venue: "ICPR",
            year: 2024,
        },
        "O(N d² d_v)",
        vec![TAU.number("tau", Some(1.0), true, "temperature τ on q̂·k̂"), chunk_size_schema()],
        r"A_{ij} = \frac{1 + x_{ij} + x_{ij}^2/2}{\sum_{l \in \mathcal{S}_i} (1 + x_{il} + x_{il}^2/2)},\quad x_{ij} = \tau\,\hat q_i \cdot \hat k_j",
    )
}

/// The catalog card of `rebased`.
pub fn rebased_catalog_entry() -> CatalogEntry {
    card(
        "rebased",
        "ReBased (no LayerNorm)",
        "Only the quadratic term (q·k/√d)²: weights can be exactly zero, and large |q·k| of \
         either sign attract attention.",
        Paper {
            title:
                "Linear Transformers with Learnable Kernel Functions are Better In-Context Models",
            authors: "Aksenov et al.",
            venue: "ACL",
            year: 2024,
        },
        "O(N d² d_v)",
        vec![
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
            chunk_size_schema(),
        ],
        r"A_{ij} = \frac{(q_i \cdot k_j/\sqrt{d})^2}{\sum_{l \in \mathcal{S}_i} (q_i \cdot k_l/\sqrt{d})^2 + \varepsilon}",
    )
}
