//! Delta-rule attention (variants.md §6): the state is corrected toward each new value,
//! `S_t = (I − β_t k_tᵀ k_t) diag(e^{g_t}) S_{t−1} + β_t k_tᵀ v_t`, with the implicit matrix
//! `A = P (I + diag(β) R)⁻¹ diag(β)` (the UT/WY transform; `P`, `R` decayed `Q Kᵀ`, `K Kᵀ`).
//! Signed, lower-triangular, not row-normalised.
//!
//! As in fla's layers, q and k are L2-normalised inside the variant (so unnormalised keys are
//! normalised, never rejected) and q is then scaled by `1/sqrt(d_k)`. A given `β` outside `(0, 2)`
//! is rejected: there the transition has an eigenvalue outside `[−1, 1]` and the state diverges.
//!
//! - DeltaNet (Schlag et al. 2021; Yang et al. 2024): no decay.
//! - Gated DeltaNet (Yang, Kautz, Hatamizadeh 2025): a scalar log-gate per token.
//! - KDA, Kimi Delta Attention (Kimi Team 2025): a log-gate per token and key channel.

use super::cards::{array_schema, seed_schema, Family, SEED};
use super::gates::{self, inverse_softplus, mamba_step, softplus};
use super::{broadcast, l2_normalised, rows_f64, GatedSetup};
use crate::attention::kernel::{chunk_size_schema, default_chunk_size, Features, CHUNK_SIZE};
use crate::catalog::{CatalogEntry, Paper, ParamSchema};
use crate::error::Result;
use crate::rng::{stream, SeededRng};
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `deltanet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeltanetParams {
    /// `β_t ∈ (0, 2)` (n values); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta: Option<Vec<f64>>,
    /// Seed of `β` (`σ(z)`, `z ~ N(0, 1)`).
    #[serde(default)]
    pub seed: u64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// Parameters of `gated_deltanet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatedDeltanetParams {
    /// `β_t ∈ (0, 2)` (n values); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta: Option<Vec<f64>>,
    /// Scalar log-gates `g_t ≤ 0` (n values); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_gates: Option<Vec<f64>>,
    /// Seed of `β` and the gates (Mamba-2-style: `g_t = −A softplus(a_t + dt_bias)`).
    #[serde(default)]
    pub seed: u64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// Parameters of `kda`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdaParams {
    /// `β_t ∈ (0, 2)` (n values); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta: Option<Vec<f64>>,
    /// Per-channel log-gates (n × d_k, ≤ 0); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_gates: Option<Vec<Vec<f64>>>,
    /// Seed of `β` and the gates (`g_tc = −A softplus(f_tc + dt_bias_c)`).
    #[serde(default)]
    pub seed: u64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

fn validate_common(beta: Option<&Vec<f64>>, seed: u64, chunk_size: usize) -> Result<()> {
    if let Some(beta) = beta {
        gates::check_beta(beta)?;
    }
    SEED.check("seed", seed as f64, "a JSON-safe integer")?;
    CHUNK_SIZE.check("chunk_size", chunk_size as f64, "tokens per chunk")
}

/// `q̂ / sqrt(d_k)` and `k̂` (L2-normalised rows).
fn normalised_qk(qkv: &Qkv) -> (Features, Features) {
    let scale = 1.0 / (qkv.d_k() as f64).sqrt();
    let q = rows_f64(&qkv.q)
        .iter()
        .map(|r| l2_normalised(r).into_iter().map(|x| x * scale).collect())
        .collect();
    let k = rows_f64(&qkv.k).iter().map(|r| l2_normalised(r)).collect();
    (q, k)
}

/// A seeded Mamba-style head: `A ~ U(lo, hi)` and `dt_bias = softplus⁻¹(Δ)`, Δ log-uniform.
fn head(seed: u64, a_range: (f64, f64), channels: usize) -> (f64, Vec<f64>) {
    let mut rng = SeededRng::new(seed, stream::HEAD);
    let a = a_range.0 + (a_range.1 - a_range.0) * rng.uniform();
    let dt_bias = (0..channels)
        .map(|_| inverse_softplus(mamba_step(&mut rng)))
        .collect();
    (a, dt_bias)
}

impl DeltanetParams {
    pub(crate) fn validate(&self) -> Result<()> {
        validate_common(self.beta.as_ref(), self.seed, self.chunk_size)
    }

    /// Normalised q, k; `β`; no decay.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        let (q, k) = normalised_qk(qkv);
        Ok(GatedSetup {
            q,
            k,
            log_gates: broadcast(&vec![0.0; qkv.n()], qkv.d_k()),
            beta: Some(gates::beta(self.beta.as_ref(), qkv.n(), self.seed)?),
            skip: 0.0,
            chunk: self.chunk_size,
        })
    }
}

impl GatedDeltanetParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(g) = &self.log_gates {
            gates::check_log_gates("log_gates", g.iter().map(std::slice::from_ref))?;
        }
        validate_common(self.beta.as_ref(), self.seed, self.chunk_size)
    }

    /// The scalar gates: given, or `−A softplus(a_t + dt_bias)` with `A ~ U(0, 16)` (GDN's
    /// `A_log = log U(0, 16)`), `dt_bias = softplus⁻¹(Δ)`, `a_t ~ N(0, 1)`.
    pub fn gates(&self, n: usize) -> Result<Vec<f64>> {
        let (a, dt_bias) = head(self.seed, (0.0, 16.0), 1);
        gates::vector(
            "log_gates",
            self.log_gates.as_ref(),
            n,
            self.seed,
            stream::GATES,
            |rng| -a * softplus(rng.normal() + dt_bias[0]),
        )
    }

    /// Normalised q, k; `β`; scalar gates.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        let (q, k) = normalised_qk(qkv);
        Ok(GatedSetup {
            q,
            k,
            log_gates: broadcast(&self.gates(qkv.n())?, qkv.d_k()),
            beta: Some(gates::beta(self.beta.as_ref(), qkv.n(), self.seed)?),
            skip: 0.0,
            chunk: self.chunk_size,
        })
    }
}

impl KdaParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(g) = &self.log_gates {
            gates::check_log_gates("log_gates", g.iter().map(Vec::as_slice))?;
        }
        validate_common(self.beta.as_ref(), self.seed, self.chunk_size)
    }

    /// The per-channel gates: given, or `−A softplus(f_tc + dt_bias_c)` with `A ~ U(1, 16)`
    /// (KDA's `A_log = log U(1, 16)`), per-channel `dt_bias`, `f_tc ~ N(0, 1)`.
    pub fn gates(&self, n: usize, d_k: usize) -> Result<Features> {
        let (a, dt_bias) = head(self.seed, (1.0, 16.0), d_k);
        gates::matrix(
            "log_gates",
            self.log_gates.as_ref(),
            n,
            d_k,
            "d_k",
            self.seed,
            stream::GATES,
            |rng, c| -a * softplus(rng.normal() + dt_bias[c]),
        )
    }

    /// Normalised q, k; `β`; per-channel gates.
    pub fn setup(&self, qkv: &Qkv) -> Result<GatedSetup> {
        let (q, k) = normalised_qk(qkv);
        Ok(GatedSetup {
            q,
            k,
            log_gates: self.gates(qkv.n(), qkv.d_k())?,
            beta: Some(gates::beta(self.beta.as_ref(), qkv.n(), self.seed)?),
            skip: 0.0,
            chunk: self.chunk_size,
        })
    }
}

fn beta_schema() -> ParamSchema {
    array_schema(
        "beta",
        "vector",
        "σ(N(0, 1)) from seed (n values in (0, 2))",
        "write strengths β_t of the delta rule",
    )
}

/// The catalog card of `deltanet`.
pub fn deltanet_catalog_entry() -> CatalogEntry {
    Family::DeltaRule.card(
        "deltanet",
        "DeltaNet",
        "The state is a fast-weight memory trained online: each token first erases what the \
         state predicts for its key, then writes its value (the delta rule), so repeated keys \
         overwrite instead of piling up.",
        Paper {
            title: "Parallelizing Linear Transformers with the Delta Rule over Sequence Length",
            authors: "Yang, Wang, Zhang, Shen, Kim (after Schlag, Irie, Schmidhuber 2021)",
            venue: "NeurIPS",
            year: 2024,
        },
        "6.1",
        vec![beta_schema(), seed_schema("draws β"), chunk_size_schema()],
        r"A = (QK^\top\odot M)\,\big(I + \mathrm{diag}(\beta)\,\mathrm{SL}(KK^\top)\big)^{-1}\mathrm{diag}(\beta)",
    )
}

/// The catalog card of `gated_deltanet`.
pub fn gated_deltanet_catalog_entry() -> CatalogEntry {
    Family::DeltaRule.card(
        "gated_deltanet",
        "Gated DeltaNet",
        "The delta rule plus Mamba-2's scalar forgetting gate: the state can both decay \
         everything and overwrite one key.",
        Paper {
            title: "Gated Delta Networks: Improving Mamba2 with Delta Rule",
            authors: "Yang, Kautz, Hatamizadeh",
            venue: "ICLR",
            year: 2025,
        },
        "6.2",
        vec![
            beta_schema(),
            array_schema(
                "log_gates",
                "vector",
                "−A·softplus(N(0, 1) + dt_bias) from seed (n values)",
                "scalar log-gates g_t ≤ 0",
            ),
            seed_schema("draws β and the gates"),
            chunk_size_schema(),
        ],
        r"A = (QK^\top\odot\Gamma\odot M)\,\big(I + \mathrm{diag}(\beta)\,\mathrm{SL}(KK^\top\odot\Gamma)\big)^{-1}\mathrm{diag}(\beta),\ \ \Gamma_{ij} = e^{G_i - G_j}",
    )
}

/// The catalog card of `kda`.
pub fn kda_catalog_entry() -> CatalogEntry {
    Family::DeltaRule.card(
        "kda",
        "Kimi Delta Attention (KDA)",
        "Gated DeltaNet with a forgetting gate per key channel (GLA-style), the attention of \
         Kimi Linear.",
        Paper {
            title: "Kimi Linear: An Expressive, Efficient Attention Architecture",
            authors: "Kimi Team (Moonshot AI)",
            venue: "arXiv 2510.26692",
            year: 2025,
        },
        "6.3",
        vec![
            beta_schema(),
            array_schema(
                "log_gates",
                "matrix",
                "−A·softplus(N(0, 1) + dt_bias_c) from seed (n × d_k)",
                "per-channel log-gates g_t ≤ 0",
            ),
            seed_schema("draws β and the gates"),
            chunk_size_schema(),
        ],
        r"P_{ij} = \sum_c q_{ic}k_{jc}e^{G_{ic}-G_{jc}},\ R_{ij} = \sum_c k_{ic}k_{jc}e^{G_{ic}-G_{jc}},\ \ A = P\,(I + \mathrm{diag}(\beta)R)^{-1}\mathrm{diag}(\beta)",
    )
}
