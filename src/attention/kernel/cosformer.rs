//! cosFormer (variants.md §2.4): Qin et al., "cosFormer: Rethinking Softmax in Attention",
//! ICLR 2022. `w_ij = ReLU(q_i)·ReLU(k_j) · cos(π/2 · (i − j) / M)` with `M = n`, decomposed by
//! `cos(a − b) = cos a cos b + sin a sin b` into position-dependent features (m = 2 d_k,
//! positions 1-based): `φ(x_i) = [ReLU(x_i) sin(π(i+1)/(2M)), ReLU(x_i) cos(π(i+1)/(2M))]`.
//! `A_ij = w_ij / max(Σ_l w_il, ε)`: row-normalised, non-negative since `|i − j| < M`.

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::attention::kernel::elu::{default_eps, EPS};
use crate::catalog::{CatalogEntry, Cost, Paper, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// Parameters of `cosformer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosformerParams {
    /// The normaliser is clamped below at ε (`clamp_min`).
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

impl CosformerParams {
    pub(crate) fn validate(&self) -> Result<()> {
        EPS.check("eps", self.eps, "a small normaliser floor")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// The cosFormer features for sequences of length `m_len` (= n, fixed before streaming).
pub struct CosFeatures {
    /// `M`, the length the angles are divided by.
    pub m_len: usize,
}

impl CosFeatures {
    /// The angle of position `i` (0-based): `π (i + 1) / (2M)`.
    pub fn angle(&self, i: usize) -> f64 {
        std::f64::consts::PI * (i + 1) as f64 / (2.0 * self.m_len as f64)
    }

    /// `(sin, cos)` of the angle of every position `0..n`, as an `n × 2` matrix (the GPU's table).
    pub fn sin_cos_table(&self, n: usize) -> Matrix {
        let mut table = Matrix::zeros(n, 2);
        for i in 0..n {
            let (sin, cos) = self.angle(i).sin_cos();
            table.set(i, 0, sin as f32);
            table.set(i, 1, cos as f32);
        }
        table
    }

    fn rows(&self, x: &Matrix) -> Features {
        map_rows(x, |i, row| {
            let (sin, cos) = self.angle(i).sin_cos();
            let relu = row.iter().map(|&v| f64::from(v).max(0.0));
            relu.clone()
                .map(|r| r * sin)
                .chain(relu.map(|r| r * cos))
                .collect()
        })
    }
}

impl FeatureMap for CosFeatures {
    fn queries(&self, q: &Matrix) -> Features {
        self.rows(q)
    }
    fn keys(&self, k: &Matrix) -> Features {
        self.rows(k)
    }
}

/// The catalog card of `cosformer`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "cosformer",
        title: "cosFormer",
        family: "kernel feature-map",
        idea: "ReLU features reweighted by cos(π/2 · (i − j)/N): a locality bias that still \
               factors into sin/cos features, so the cost stays linear.",
        paper: Paper {
            title: "cosFormer: Rethinking Softmax in Attention",
            authors: "Qin et al.",
            venue: "ICLR",
            year: 2022,
        },
        spec_section: "2.4",
        cost: Cost {
            time: "O(N 2d d_v)",
            memory: "O(2d d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            EPS.number("eps", Some(1e-6), true, "floor of the normaliser"),
            chunk_size_schema(),
        ],
        formula_tex: r"A_{ij} = \frac{\mathrm{ReLU}(q_i)\cdot\mathrm{ReLU}(k_j)\,\cos\!\big(\tfrac{\pi}{2}\tfrac{i-j}{N}\big)}{\max\big(\sum_{l \in \mathcal{S}_i} \mathrm{ReLU}(q_i)\cdot\mathrm{ReLU}(k_l)\cos(\tfrac{\pi}{2}\tfrac{i-l}{N}),\ \varepsilon\big)}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
