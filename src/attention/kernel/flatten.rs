//! FLatten, focused linear attention (variants.md §2.6): Han, Pan, Han, Song, Huang, "FLatten
//! Transformer: Vision Transformer using Focused Linear Attention", ICCV 2023.
//! `x̃ = (ReLU(x) + 1e-6)/σ`, `φ_p(x) = ‖x̃‖ · x̃^{∘p} / ‖x̃^{∘p}‖` (norms over the head's d, the
//! per-head reading of the official all-channel norm): the power sharpens the direction toward the
//! dominant coordinates and the rescale keeps the norm. `A = rownorm(φ_p(Q) φ_p(K)ᵀ)` with ε.
//! The paper's depthwise conv on V (its rank restoration) is the option `dwc_kernel` (`dwc.rs`):
//! then `O = A_lin V + DWC(V)` and `attention` is channel `channel`'s `A_lin + T_c`.

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
    /// Taps of the depthwise conv on V (odd); absent: no conv term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dwc_kernel: Option<usize>,
    /// The conv's taps, d_v × dwc_kernel; drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dwc_weights: Option<Vec<Vec<f64>>>,
    /// Seed of the conv's taps (`U(−1/√k, 1/√k)`, PyTorch's conv init).
    #[serde(default)]
    pub seed: u64,
    /// The value channel whose `A_lin + T_c` is returned as `attention` when the conv is on.
    #[serde(default)]
    pub channel: usize,
}

/// Accepted conv sizes.
pub const DWC_KERNEL: Range = Range {
    min: 1.0,
    max: 63.0,
};

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
        crate::attention::gated::cards::SEED.check(
            "seed",
            self.seed as f64,
            "a JSON-safe integer",
        )?;
        crate::attention::gated::hgrn::CHANNEL.check(
            "channel",
            self.channel as f64,
            "a value channel",
        )?;
        if let Some(k) = self.kernel() {
            DWC_KERNEL.check("dwc_kernel", k as f64, "taps of the conv on V")?;
            if k % 2 == 0 {
                return Err(crate::error::Error::invalid(
                    "variant.dwc_kernel",
                    format!("{k} is even: the conv is centred, so its size must be odd"),
                ));
            }
            if let (Some(given), Some(rows)) = (self.dwc_kernel, &self.dwc_weights) {
                if rows.iter().any(|r| r.len() != given) {
                    return Err(crate::error::Error::Shape {
                        field: "variant.dwc_weights".into(),
                        expected: format!("rows of {given} taps (= dwc_kernel)"),
                        got: format!(
                            "a row of {} taps",
                            rows.iter().map(Vec::len).find(|&l| l != given).unwrap_or(0)
                        ),
                    });
                }
            }
        }
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }

    /// The conv's size: `dwc_kernel`, or the width of the given `dwc_weights`; `None` when off.
    pub fn kernel(&self) -> Option<usize> {
        self.dwc_kernel.or_else(|| {
            self.dwc_weights
                .as_ref()
                .and_then(|rows| rows.first().map(Vec::len))
        })
    }

    /// The conv term for `d_v` value channels, when it is on.
    pub fn dwc(&self, d_v: usize, causal: bool) -> Result<Option<super::dwc::Dwc>> {
        let Some(k) = self.kernel() else {
            return Ok(None);
        };
        if self.channel >= d_v {
            return Err(crate::error::Error::Limit {
                field: "variant.channel".into(),
                value: self.channel.to_string(),
                range: format!("0..={}", d_v - 1),
                why: "a value channel (d_v)".into(),
            });
        }
        super::dwc::Dwc::new(k, self.dwc_weights.as_ref(), self.seed, d_v, causal).map(Some)
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
            crate::catalog::ParamSchema {
                kind: "integer",
                default_note: Some("off (no conv term)"),
                rules: vec![crate::catalog::ParamRule::Odd],
                ..DWC_KERNEL.number(
                    "dwc_kernel",
                    None,
                    false,
                    "odd taps of the depthwise conv on V (the paper's rank restoration)",
                )
            },
            crate::catalog::ParamSchema {
                name: "dwc_weights",
                kind: "matrix",
                default_note: Some("U(−1/√k, 1/√k) from seed (d_v × dwc_kernel)"),
                description: "the conv's taps per value channel",
                ..Default::default()
            },
            crate::attention::gated::cards::seed_schema("draws the conv's taps"),
            crate::catalog::ParamSchema {
                kind: "integer",
                default: serde_json::Value::from(0),
                rules: vec![crate::catalog::ParamRule::BelowDv],
                ..crate::attention::gated::hgrn::CHANNEL.number(
                    "channel",
                    Some(0.0),
                    false,
                    "with the conv: the value channel whose A_lin + T_c is shown",
                )
            },
        ],
        formula_tex: r"\phi_p(x) = \|\tilde x\|\,\frac{\tilde x^{\circ p}}{\|\tilde x^{\circ p}\|},\ \ \tilde x = \frac{\mathrm{ReLU}(x) + 10^{-6}}{\sigma},\quad A = \mathrm{rownorm}\big(\phi_p(Q)\phi_p(K)^\top\big)",
        confirmed: true,
        constraints: Vec::new(),
    }
}
