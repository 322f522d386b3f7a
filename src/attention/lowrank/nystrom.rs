//! Nyströmformer (variants.md §3.2): Xiong et al., "Nyströmformer: A Nyström-Based Algorithm for
//! Approximating Self-Attention", AAAI 2021. Landmarks are segment means of Q and K (m segments,
//! `array_split` sizes); `F̃ = softmax(Q K̃ᵀ/√d)` (n × m), `Ã = softmax(Q̃ K̃ᵀ/√d)` (m × m),
//! `B̃ = softmax(Q̃ Kᵀ/√d)` (m × n), `A = F̃ Z B̃` with `Z ≈ Ã⁺`: rank ≤ m, signed, rows sum to 1
//! when `Z = Ã⁻¹`. `Z` is the paper's iterative Moore–Penrose inverse (Razavi et al.):
//! `Z₀ = Ãᵀ/‖Ã‖₁`, `Z ← ¼ Z (13I − ÃZ(15I − ÃZ(7I − ÃZ)))`, or an exact SVD pseudo-inverse.
//! Output `O = F̃ (Z (B̃ V))` never builds n × n. Non-causal only.

use super::{product, segment_means, softmax_weights};
use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// How `Z ≈ Ã⁺` is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pinv {
    /// The paper's iteration (`iterations` steps).
    #[default]
    Iterative,
    /// The exact Moore–Penrose inverse from an SVD (f64).
    Svd,
}

/// Parameters of `nystrom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NystromParams {
    /// Number of landmarks m (≤ n).
    #[serde(default = "default_landmarks")]
    pub landmarks: usize,
    /// Pseudo-inverse iterations.
    #[serde(default = "default_iterations")]
    pub iterations: usize,
    /// `iterative` or `svd`.
    #[serde(default)]
    pub pinv: Pinv,
}

fn default_landmarks() -> usize {
    8
}

fn default_iterations() -> usize {
    6
}

/// Accepted landmark counts.
pub const LANDMARKS: Range = Range {
    min: 1.0,
    max: 256.0,
};
/// Accepted iteration counts.
pub const ITERATIONS: Range = Range {
    min: 0.0,
    max: 50.0,
};

impl NystromParams {
    pub(crate) fn validate(&self) -> Result<()> {
        LANDMARKS.check(
            "landmarks",
            self.landmarks as f64,
            "the m × m inverse runs on the CPU",
        )?;
        ITERATIONS.check("iterations", self.iterations as f64, "pseudo-inverse steps")
    }

    /// Checks `m ≤ n`.
    pub fn check_length(&self, n: usize) -> Result<()> {
        if self.landmarks > n {
            return Err(Error::Limit {
                field: "variant.landmarks".into(),
                value: self.landmarks.to_string(),
                range: format!("1..={n} (n)"),
                why: "each landmark averages at least one token".into(),
            });
        }
        Ok(())
    }

    /// `Z ≈ Ã⁺` (m × m).
    pub fn pseudo_inverse(&self, a_tilde: &Matrix) -> Result<Matrix> {
        let m = a_tilde.rows();
        let a = DMatrix::<f64>::from_fn(m, m, |i, j| f64::from(a_tilde.get(i, j)));
        let z = match self.pinv {
            Pinv::Svd => a.pseudo_inverse(1e-12).map_err(|e| Error::Numerical {
                field: "variant.pinv".into(),
                message: format!("the SVD pseudo-inverse failed: {e}"),
            })?,
            Pinv::Iterative => {
                let max_col_sum = (0..m)
                    .map(|j| a.column(j).iter().map(|x| x.abs()).sum::<f64>())
                    .fold(0.0, f64::max);
                let mut z = a.transpose() / max_col_sum.max(f64::MIN_POSITIVE);
                let eye = DMatrix::<f64>::identity(m, m);
                for _ in 0..self.iterations {
                    let az = &a * &z;
                    let inner = &eye * 7.0 - &az;
                    let middle = &eye * 15.0 - &az * inner;
                    z = &z * (&eye * 13.0 - &az * middle) * 0.25;
                }
                z
            }
        };
        let values = z.transpose().iter().map(|&x| x as f32).collect(); // row-major
        Matrix::from_vec(m, m, values)
    }
}

/// The landmark pieces `(F̃, Ã, B̃)` and the segment-average matrix.
pub struct Landmarks {
    /// `F̃ = softmax(Q K̃ᵀ/√d)`, n × m.
    pub f: Matrix,
    /// `Ã = softmax(Q̃ K̃ᵀ/√d)`, m × m.
    pub a: Matrix,
    /// `B̃ = softmax(Q̃ Kᵀ/√d)`, m × n.
    pub b: Matrix,
}

/// `F̃, Ã, B̃` of `qkv` with `m` landmarks.
pub fn landmarks(qkv: &Qkv, m: usize) -> Result<Landmarks> {
    let averaging = segment_means(qkv.n(), m);
    let q_tilde = product("Q̃", &averaging, &qkv.q)?;
    let k_tilde = product("K̃", &averaging, &qkv.k)?;
    let scale = 1.0 / (qkv.d_k() as f64).sqrt();
    Ok(Landmarks {
        f: softmax_weights(&qkv.q, &k_tilde, scale),
        a: softmax_weights(&q_tilde, &k_tilde, scale),
        b: softmax_weights(&q_tilde, &qkv.k, scale),
    })
}

/// `O = F̃ (Z (B̃ V))`; `A = F̃ Z B̃` only when wanted.
pub fn forward(p: &NystromParams, qkv: &Qkv, want_attention: bool) -> Result<AttentionOutput> {
    p.check_length(qkv.n())?;
    let l = landmarks(qkv, p.landmarks)?;
    let z = p.pseudo_inverse(&l.a)?;
    let bv = product("B̃ V", &l.b, &qkv.v)?; // [m, d_v]
    let zbv = product("Z B̃ V", &z, &bv)?;
    Ok(AttentionOutput {
        output: product("F̃ Z B̃ V", &l.f, &zbv)?,
        attention: if want_attention {
            Some(product("F̃ Z B̃", &product("F̃ Z", &l.f, &z)?, &l.b)?)
        } else {
            None
        },
    })
}

/// The catalog card of `nystrom`.
pub fn catalog_entry() -> CatalogEntry {
    let mut landmarks = LANDMARKS.number("landmarks", Some(8.0), true, "landmarks m ≤ n");
    landmarks.kind = "integer";
    landmarks.rules = vec![crate::catalog::ParamRule::AtMostN];
    landmarks.default = serde_json::Value::from(8);
    let mut iterations = ITERATIONS.number("iterations", Some(6.0), false, "pseudo-inverse steps");
    iterations.kind = "integer";
    iterations.default = serde_json::Value::from(6);
    CatalogEntry {
        name: "nystrom",
        title: "Nyströmformer",
        family: "low-rank",
        idea: "Approximate softmax through m landmark queries and keys (segment means) and the \
               pseudo-inverse of their m × m attention: rank ≤ m, slightly signed.",
        paper: Paper {
            title: "Nyströmformer: A Nyström-Based Algorithm for Approximating Self-Attention",
            authors: "Xiong et al.",
            venue: "AAAI",
            year: 2021,
        },
        spec_section: "3.2",
        cost: Cost {
            time: "O(N m d + m³ + N m d_v)",
            memory: "O(N m)",
        },
        row_normalized: false,
        signed: true,
        supports: Supports {
            causal: false,
            non_causal: true,
        },
        params: vec![
            landmarks,
            iterations,
            ParamSchema {
                name: "pinv",
                kind: "string",
                default: serde_json::Value::from("iterative"),
                description: "\"iterative\" (the paper's) or \"svd\" (exact)",
                ..Default::default()
            },
        ],
        formula_tex: r"A = \mathrm{softmax}\!\Big(\frac{Q \tilde K^\top}{\sqrt d}\Big)\, \tilde A^{+}\, \mathrm{softmax}\!\Big(\frac{\tilde Q K^\top}{\sqrt d}\Big),\quad \tilde A = \mathrm{softmax}\!\Big(\frac{\tilde Q \tilde K^\top}{\sqrt d}\Big)",
        confirmed: true,
        constraints: Vec::new(),
    }
}
