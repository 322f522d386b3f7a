//! Decay-gated attention (variants.md §5.1–§5.4): `A = (Q Kᵀ) ⊙ D` with a lower-triangular decay
//! `D_ij = e^{G_i − G_j}` (scalar gates) or the decay inside the dot product (GLA's per-channel
//! gates). Signed, not row-normalised; normalisation of the output (GroupNorm, RMSNorm) is outside
//! `A` and left out, as in fla's naive references.
//!
//! - RetNet (Sun et al. 2023): `g = ln γ`, `q ← q / sqrt(d_k)`.
//! - Lightning Attention (Qin et al. 2023/2024): `g = −slope`, no scale.
//! - Mamba-2 / SSD (Dao & Gu 2024): `g_t = a Δ_t`, `k_t ← Δ_t k_t`, `A += D·I`.
//! - GLA (Yang et al. 2024): per-channel `g_t ∈ R^{d_k}`, `q ← q / sqrt(d_k)`.

use super::cards::SEED;
use super::gates::{self, log_sigmoid};
use super::{broadcast, rows_f64, scaled, GatedSetup};
use crate::attention::kernel::{default_chunk_size, CHUNK_SIZE};
use crate::catalog::Range;
use crate::error::Result;
use crate::rng::stream;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Accepted RetNet decays `γ`.
pub const GAMMA: Range = Range {
    min: 1e-6,
    max: 1.0,
};
/// Accepted Lightning slopes (decay `e^{−slope}`).
pub const SLOPE: Range = Range {
    min: 0.0,
    max: 50.0,
};
/// Accepted query scales.
pub const SCALE: Range = Range {
    min: 1e-6,
    max: 1e3,
};
/// Accepted Mamba-2 `a` (the decay rate, `a < 0` decays).
pub const MAMBA_A: Range = Range {
    min: -100.0,
    max: 0.0,
};
/// Accepted Mamba-2 skips `D`.
pub const SKIP: Range = Range {
    min: -100.0,
    max: 100.0,
};

pub(crate) fn default_gamma() -> f64 {
    0.968_75
}
pub(crate) fn default_slope() -> f64 {
    0.5
}
pub(crate) fn default_a() -> f64 {
    -1.0
}

/// Parameters of `retnet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetnetParams {
    /// The decay `γ` per step (head 0 of the paper: `1 − 2^{−5}`).
    #[serde(default = "default_gamma")]
    pub gamma: f64,
    /// Query scale; `1/sqrt(d_k)` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// Parameters of `lightning`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LightningParams {
    /// The ALiBi-style slope `s`; the decay is `e^{−s}` per step.
    #[serde(default = "default_slope")]
    pub slope: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// Parameters of `mamba2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mamba2Params {
    /// The scalar `a < 0` (Mamba's `A = −exp(A_log)`).
    #[serde(default = "default_a")]
    pub a: f64,
    /// The step sizes `Δ_t` (n values, already softplus-ed); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dt: Option<Vec<f64>>,
    /// Seed of `Δ` (log-uniform in `[1e-3, 0.1]`, Mamba's `dt` initialisation).
    #[serde(default)]
    pub seed: u64,
    /// The skip `D`: `y = A x + D x`.
    #[serde(default)]
    pub d_skip: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// Parameters of `gla`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlaParams {
    /// Per-token, per-key-channel log-gates (n × d_k, ≤ 0); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_gates: Option<Vec<Vec<f64>>>,
    /// Seed of the gates: `g = logsigmoid(z) / 16`, `z ~ N(0, 1)` (GLA's normaliser 16).
    #[serde(default)]
    pub seed: u64,
    /// Query scale; `1/sqrt(d_k)` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

fn check_chunk(chunk_size: usize) -> Result<()> {
    CHUNK_SIZE.check("chunk_size", chunk_size as f64, "tokens per chunk")
}

fn check_scale(scale: Option<f64>) -> Result<()> {
    match scale {
        Some(s) => SCALE.check("scale", s, "the query scale"),
        None => Ok(()),
    }
}

impl RetnetParams {
    pub(crate) fn validate(&self) -> Result<()> {
        GAMMA.check("gamma", self.gamma, "a decay per step in (0, 1]")?;
        check_scale(self.scale)?;
        check_chunk(self.chunk_size)
    }

    /// With the scale filled in.
    pub fn resolved(&self, d_k: usize) -> Self {
        RetnetParams {
            scale: Some(self.scale.unwrap_or(1.0 / (d_k as f64).sqrt())),
            ..self.clone()
        }
    }

    /// `q ← s q`, `g_t = ln γ`.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        let scale = self.scale.unwrap_or(1.0 / (qkv.d_k() as f64).sqrt());
        Ok(GatedSetup {
            q: scaled(rows_f64(&qkv.q), scale),
            k: rows_f64(&qkv.k),
            log_gates: broadcast(&vec![self.gamma.ln(); qkv.n()], qkv.d_k()),
            beta: None,
            skip: 0.0,
            chunk: self.chunk_size,
        })
    }
}

impl LightningParams {
    pub(crate) fn validate(&self) -> Result<()> {
        SLOPE.check("slope", self.slope, "the decay is exp(−slope) per step")?;
        check_chunk(self.chunk_size)
    }

    /// `g_t = −slope`, no scale.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        Ok(GatedSetup {
            q: rows_f64(&qkv.q),
            k: rows_f64(&qkv.k),
            log_gates: broadcast(&vec![-self.slope; qkv.n()], qkv.d_k()),
            beta: None,
            skip: 0.0,
            chunk: self.chunk_size,
        })
    }
}

impl Mamba2Params {
    pub(crate) fn validate(&self) -> Result<()> {
        MAMBA_A.check("a", self.a, "the decay rate; a ≤ 0")?;
        SKIP.check("d_skip", self.d_skip, "the skip connection D")?;
        SEED.check("seed", self.seed as f64, "a JSON-safe integer")?;
        if let Some(dt) = &self.dt {
            for (i, &x) in dt.iter().enumerate() {
                Range {
                    min: 0.0,
                    max: 100.0,
                }
                .check_field(&format!("variant.dt[{i}]"), x)?;
            }
        }
        check_chunk(self.chunk_size)
    }

    /// The step sizes `Δ` for `n` tokens.
    pub fn steps(&self, n: usize) -> Result<Vec<f64>> {
        gates::vector(
            "dt",
            self.dt.as_ref(),
            n,
            self.seed,
            stream::GATES,
            gates::mamba_step,
        )
    }

    /// `C = Q`, `B = K` scaled by `Δ_s`, `g_t = a Δ_t`, skip `D`.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        let dt = self.steps(qkv.n())?;
        let k = rows_f64(&qkv.k)
            .into_iter()
            .zip(&dt)
            .map(|(row, &d)| row.into_iter().map(|x| x * d).collect())
            .collect();
        let g: Vec<f64> = dt.iter().map(|&d| self.a * d).collect();
        Ok(GatedSetup {
            q: rows_f64(&qkv.q),
            k,
            log_gates: broadcast(&g, qkv.d_k()),
            beta: None,
            skip: self.d_skip,
            chunk: self.chunk_size,
        })
    }
}

impl GlaParams {
    pub(crate) fn validate(&self) -> Result<()> {
        check_scale(self.scale)?;
        SEED.check("seed", self.seed as f64, "a JSON-safe integer")?;
        if let Some(g) = &self.log_gates {
            gates::check_log_gates("log_gates", g.iter().map(Vec::as_slice))?;
        }
        check_chunk(self.chunk_size)
    }

    /// With the scale filled in.
    pub fn resolved(&self, d_k: usize) -> Self {
        GlaParams {
            scale: Some(self.scale.unwrap_or(1.0 / (d_k as f64).sqrt())),
            ..self.clone()
        }
    }

    /// `q ← s q`, per-channel `g_t`.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        let (n, d_k) = (qkv.n(), qkv.d_k());
        let g = gates::matrix(
            "log_gates",
            self.log_gates.as_ref(),
            n,
            d_k,
            "d_k",
            self.seed,
            stream::GATES,
            |rng, _| log_sigmoid(rng.normal()) / 16.0,
        )?;
        let scale = self.scale.unwrap_or(1.0 / (d_k as f64).sqrt());
        Ok(GatedSetup {
            q: scaled(rows_f64(&qkv.q), scale),
            k: rows_f64(&qkv.k),
            log_gates: g,
            beta: None,
            skip: 0.0,
            chunk: self.chunk_size,
        })
    }
}
