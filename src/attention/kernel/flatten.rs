//! FLatten, focused linear attention (variants.md §2.6): Han, Pan, Han, Song, Huang, "FLatten
//! Transformer: Vision Transformer using Focused Linear Attention", ICCV 2023.
//! `x̃ = (ReLU(x) + 1e-6)/σ`, `φ_p(x) = ‖x̃‖ · x̃^{∘p} / ‖x̃^{∘p}‖` (norms over the head's d, the
//! per-head reading of the official all-channel norm): the power sharpens the direction toward the
//! dominant coordinates and the rescale keeps the norm. `A = rownorm(φ_p(Q) φ_p(K)ᵀ)` with ε.
//! The paper's depthwise-conv term on V (its rank restoration) is not part of this variant yet.

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::attention::kernel::elu::{default_eps, EPS};
use crate::catalog::{CatalogEntry, Cost, Paper, Range, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// Parameters of `flatten`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlattenParams {
    /// Focusing power p.
    #[serde(default = "default_power")]
    pub power: f64,
    /// Per-channel scale σ (softplus(0) = ln 2 at initialisation).
    #[serde(default = "default_sigma")]
    pub sigma: f64,
    /// ε added to the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

fn default_power() -> f64 {
    3.0
}

fn default_sigma() -> f64 {
    std::f64::consts::LN_2
}

/// Accepted focusing powers.
pub const POWER: Range = Range {
    min: 1.0,
    max: 16.0,
};
/// Accepted scales σ.
pub const SIGMA: Range = Range {
    min: 1e-3,
    max: 1e3,
};
/// The offset added to ReLU(x) before the power (avoids 0/0 in the norms).
pub const OFFSET: f64 = 1e-6;

impl FlattenParams {
    pub(crate) fn validate(&self) -> Result<()> {
        POWER.check("power", self.power, "the focusing power")?;
        SIGMA.check("sigma", self.sigma, "a positive scale")?;
        EPS.check("eps", self.eps, "a small normaliser offset")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// The focused feature map.
pub struct Focused {
    /// p.
    pub power: f64,
    /// σ.
    pub sigma: f64,
}

impl Focused {
    fn row(&self, x: &[f32]) -> Vec<f64> {
        let tilde: Vec<f64> = x
            .iter()
            .map(|&v| (f64::from(v).max(0.0) + OFFSET) / self.sigma)
            .collect();
        let powered: Vec<f64> = tilde.iter().map(|t| t.powf(self.power)).collect();
        let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
        let scale = norm(&tilde) / norm(&powered);
        powered.iter().map(|a| a * scale).collect()
    }
}

impl FeatureMap for Focused {
    fn queries(&self, q: &Matrix) -> Features {
        map_rows(q, |_, row| self.row(row))
    }
    fn keys(&self, k: &Matrix) -> Features {
        map_rows(k, |_, row| self.row(row))
    }
}

/// The catalog card of `flatten`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "flatten",
        title: "FLatten (focused linear attention)",
        family: "kernel feature-map",
        idea: "Raise ReLU features to a power p and restore their norm: the direction sharpens \
               toward dominant channels, so linear attention focuses like softmax.",
        paper: Paper {
            title: "FLatten Transformer: Vision Transformer using Focused Linear Attention",
            authors: "Han, Pan, Han, Song, Huang",
            venue: "ICCV",
            year: 2023,
        },
        spec_section: "2.6",
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
            POWER.number("power", Some(3.0), false, "focusing power p"),
            SIGMA.number(
                "sigma",
                Some(std::f64::consts::LN_2),
                true,
                "scale σ (softplus(0) = ln 2)",
            ),
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
            chunk_size_schema(),
        ],
        formula_tex: r"\phi_p(x) = \|\tilde x\|\,\frac{\tilde x^{\circ p}}{\|\tilde x^{\circ p}\|},\ \ \tilde x = \frac{\mathrm{ReLU}(x) + 10^{-6}}{\sigma},\quad A = \mathrm{rownorm}\big(\phi_p(Q)\phi_p(K)^\top\big)",
        confirmed: true,
    }
}
