//! The vision linear attentions of variants.md §2.10–§2.11, as 1-D adaptations (the official
//! code is 2-D, with LePE and output gates, which are omitted here):
//!
//! - `rala`: Fan, Huang, He, "Breaking the Low-Rank Dilemma of Linear Attention", CVPR 2025.
//!   `φ = elu + 1`; keys reweighted by `α_j = softmax_j(s q̄·φ(k_j))`, `q̄ = mean_i φ(q_i)`,
//!   `s = 1/√d`: `A_ij = α_j ⟨R_i φ(q_i), R_j φ(k_j)⟩ / (Σ_l α_l φ(q_i)·φ(k_l) + ε)`. Non-causal.
//! - `nalaformer`: Meng et al., "NaLaFormer: Norm-Aware Linear Attention for Transformer Models",
//!   2025. Keys `[ReLU(k³), ReLU(−k³)]`; queries `[(ReLU(q)/r)^p, (ReLU(−q)/r)^p]` with
//!   `r = ‖q‖`, `p = 3(0.5 + tanh r)`: the query norm sets how spiky its row is. RoPE rotates
//!   each half separately (numerator only). Non-causal.
//!
//! Both take a `rope` flag (the papers use RoPE; the workload's `rope` turns it on too).

use super::elu::EluPlusOne;
use super::{map_rows, FeatureMap, Features};
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Supports};
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// ε of both normalisers.
pub const EPS: f64 = 1e-6;

/// Parameters of `rala` and `nalaformer`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisionParams {
    /// RoPE in the numerator (as the papers), in addition to the workload's flag.
    #[serde(default)]
    pub rope: bool,
}

/// NaLaFormer's RoPE rotates each half of its `2 d_k` features: `d_k` must then be even.
pub fn check_rope_layout(d_k: usize, rope: bool) -> crate::Result<()> {
    if rope && d_k % 2 == 1 {
        return Err(crate::Error::invalid(
            "workload.d_k",
            "NaLaFormer's RoPE rotates each half of its 2·d_k features: d_k must be even",
        ));
    }
    Ok(())
}

/// RALA's key importance `α_j = softmax_j(s q̄·φ(k_j))`.
pub fn key_importance(q: &Matrix, k: &Matrix) -> Vec<f64> {
    let fq = EluPlusOne.queries(q);
    let fk = EluPlusOne.keys(k);
    let d = q.cols();
    let n = fq.len().max(1) as f64;
    let q_bar: Vec<f64> = (0..d)
        .map(|c| fq.iter().map(|row| row[c]).sum::<f64>() / n)
        .collect();
    let s = 1.0 / (d as f64).sqrt();
    let logits: Vec<f64> = fk
        .iter()
        .map(|row| s * row.iter().zip(&q_bar).map(|(a, b)| a * b).sum::<f64>())
        .collect();
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let denom: f64 = logits.iter().map(|x| (x - max).exp()).sum();
    logits.iter().map(|x| (x - max).exp() / denom).collect()
}

/// RALA's features: `φ(q)` and `α_j φ(k_j)`.
pub struct Rala {
    /// `α`, one per key.
    pub alpha: Vec<f64>,
}

impl FeatureMap for Rala {
    fn queries(&self, q: &Matrix) -> Features {
        EluPlusOne.queries(q)
    }
    fn keys(&self, k: &Matrix) -> Features {
        EluPlusOne
            .keys(k)
            .into_iter()
            .zip(&self.alpha)
            .map(|(row, a)| row.iter().map(|x| a * x).collect())
            .collect()
    }
}

/// NaLaFormer's query power `p = 3 (0.5 + tanh ‖q‖)`.
pub fn query_power(norm: f64) -> f64 {
    3.0 * (0.5 + norm.tanh())
}

/// NaLaFormer's norm-aware features.
pub struct NormAware;

impl FeatureMap for NormAware {
    fn queries(&self, q: &Matrix) -> Features {
        map_rows(q, |_, row| {
            let x: Vec<f64> = row.iter().map(|&v| f64::from(v)).collect();
            let r = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            let p = query_power(r);
            let part = |sign: f64| {
                x.iter().map(move |v| {
                    if r > 0.0 {
                        ((sign * v).max(0.0) / r).powf(p)
                    } else {
                        0.0
                    }
                })
            };
            part(1.0).chain(part(-1.0)).collect()
        })
    }
    fn keys(&self, k: &Matrix) -> Features {
        map_rows(k, |_, row| {
            let cubes: Vec<f64> = row.iter().map(|&v| f64::from(v).powi(3)).collect();
            cubes
                .iter()
                .map(|c| c.max(0.0))
                .chain(cubes.iter().map(|c| (-c).max(0.0)))
                .collect()
        })
    }
}

fn rope_param() -> ParamSchema {
    ParamSchema {
        name: "rope",
        kind: "boolean",
        default: serde_json::Value::from(false),
        description: "RoPE in the numerator, as the paper (also on with the workload's rope)",
        ..Default::default()
    }
}

fn vision(entry: CatalogEntry) -> CatalogEntry {
    CatalogEntry {
        family: "kernel feature-map",
        spec_section: entry.spec_section,
        cost: Cost {
            time: "O(N d d_v)",
            memory: "O(d d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: false,
            non_causal: true,
        },
        params: vec![rope_param()],
        confirmed: false,
        ..entry
    }
}

/// The catalog card of `rala`.
pub fn rala_catalog_entry() -> CatalogEntry {
    vision(CatalogEntry {
        name: "rala",
        title: "RALA (1-D adaptation)",
        idea: "Reweight keys by a softmax of their match with the mean query, so a few \
               important keys raise the rank of the KV state (1-D adaptation: no LePE or gate).",
        paper: Paper {
            title: "Breaking the Low-Rank Dilemma of Linear Attention",
            authors: "Fan, Huang, He",
            venue: "CVPR",
            year: 2025,
        },
        spec_section: "2.10",
        formula_tex: r"A_{ij} = \frac{\alpha_j \langle R_i\phi(q_i), R_j\phi(k_j)\rangle}{\sum_l \alpha_l\, \phi(q_i)\cdot\phi(k_l) + \varepsilon},\quad \alpha = \mathrm{softmax}\Big(\frac{\bar q \cdot \phi(K)}{\sqrt d}\Big)",
        ..Default::default()
    })
}

/// The catalog card of `nalaformer`.
pub fn nalaformer_catalog_entry() -> CatalogEntry {
    vision(CatalogEntry {
        name: "nalaformer",
        constraints: vec!["with RoPE (the workload's rope or the variant's), d_k must be even"],
        title: "NaLaFormer (1-D adaptation)",
        idea: "Give the query norm back its role: each query's features are raised to a power \
               set by its norm, so long queries make spiky rows (1-D adaptation).",
        paper: Paper {
            title: "NaLaFormer: Norm-Aware Linear Attention for Transformer Models",
            authors: "Meng, Luo, Huo, Wang, Li, Zhang",
            venue: "arXiv",
            year: 2025,
        },
        spec_section: "2.11",
        formula_tex: r"\phi_Q(q) = \Big[\big(\tfrac{\mathrm{ReLU}(q)}{\|q\|}\big)^{p},\ \big(\tfrac{\mathrm{ReLU}(-q)}{\|q\|}\big)^{p}\Big],\ p = 3(0.5 + \tanh\|q\|),\quad \phi_K(k) = [\mathrm{ReLU}(k^3), \mathrm{ReLU}(-k^3)]",
        ..Default::default()
    })
}
