//! The recurrent families of variants.md §5–§8: decay-gated (RetNet, Lightning, Mamba-2, GLA,
//! HGRN), delta-rule (DeltaNet, Gated DeltaNet, KDA), hierarchical (log-linear) and higher-order
//! (HLA, AHLA). All are causal and none is row-normalised.
//!
//! The decay and delta-rule variants are one recurrence on a `d_k × d_v` state,
//! `S_t = (I − β_t k_tᵀ k_t) diag(e^{g_t}) S_{t−1} + β_t k_tᵀ v_t`, `o_t = q_t S_t`, with per-channel
//! log-gates `g_t ≤ 0` (a scalar gate is the same value on every channel) and, without the delta
//! rule, `β = 1` and no correction term. Each variant file maps its parameters to a
//! [`GatedSetup`]; `forms.rs` holds the closed form, the recurrent form and the chunkwise form.

pub mod cards;
pub mod decay;
pub mod decay_cards;
pub mod delta;
pub mod family;
pub mod forms;
pub mod gates;
pub mod hgrn;
pub mod hla;
pub mod loglinear;
pub mod trace;

use super::kernel::Features;
use crate::error::Error;
use crate::tensor::Matrix;

/// One decay / delta-rule problem in the common form (f64 rows, parameters already applied:
/// scales, L2 normalisation, Mamba-2's `Δ` on the keys).
#[derive(Debug, Clone, PartialEq)]
pub struct GatedSetup {
    /// Query rows `q_t` (n × d_k), scale included.
    pub q: Features,
    /// Key rows `k_t` (n × d_k).
    pub k: Features,
    /// Log-gates `g_tc ≤ 0` (n × d_k); a scalar gate repeats on every channel.
    pub log_gates: Features,
    /// `β_t` of the delta rule; `None` for plain decay (`S += k_tᵀ v_t`).
    pub beta: Option<Vec<f64>>,
    /// The skip `D` of Mamba-2: `A += D·I`, `O += D·V`.
    pub skip: f64,
    /// Chunk size of the chunkwise form.
    pub chunk: usize,
}

impl GatedSetup {
    /// Sequence length.
    pub fn n(&self) -> usize {
        self.q.len()
    }

    /// Key dimension (rows of the state).
    pub fn d_k(&self) -> usize {
        self.q.first().map_or(0, Vec::len)
    }
}

/// Rows of `x` as f64.
pub fn rows_f64(x: &Matrix) -> Features {
    (0..x.rows())
        .map(|i| x.row(i).iter().map(|&v| f64::from(v)).collect())
        .collect()
}

/// `x / ‖x‖₂` (a zero row stays zero), the delta rules' key and query normalisation.
pub fn l2_normalised(row: &[f64]) -> Vec<f64> {
    let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm == 0.0 {
        return row.to_vec();
    }
    row.iter().map(|x| x / norm).collect()
}

/// Every row of `rows` times `scale`.
pub fn scaled(rows: Features, scale: f64) -> Features {
    rows.into_iter()
        .map(|r| r.into_iter().map(|x| x * scale).collect())
        .collect()
}

/// A scalar gate per token repeated on `d_k` channels.
pub fn broadcast(gates: &[f64], d_k: usize) -> Features {
    gates.iter().map(|&g| vec![g; d_k]).collect()
}

/// The error of a variant that has only a causal form.
pub fn causal_only(name: &str) -> Error {
    Error::invalid(
        "causal",
        format!(
            "{name} is a recurrence over the past: it has no non-causal form; use \"causal\": true"
        ),
    )
}

/// Inclusive prefix sums down each column: `G_t = Σ_{r ≤ t} g_r`.
pub fn prefix_sums(g: &[Vec<f64>]) -> Features {
    let mut acc = vec![0.0; g.first().map_or(0, Vec::len)];
    g.iter()
        .map(|row| {
            acc.iter_mut().zip(row).for_each(|(a, x)| *a += x);
            acc.clone()
        })
        .collect()
}

/// `Σ_c a_c b_c e^{G_ic − G_jc}`: a decayed dot product, each exponent `≤ 0` for `j ≤ i`.
pub fn decayed_dot(a: &[f64], b: &[f64], g_i: &[f64], g_j: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .zip(g_i.iter().zip(g_j))
        .map(|((x, y), (gi, gj))| x * y * (gi - gj).exp())
        .sum()
}

/// The decayed dot product of a setup: one exponential per pair when every token's gate is the
/// same on all channels (scalar decay), one per channel otherwise (GLA, KDA).
#[derive(Debug, Clone, Copy)]
pub struct DecayedDot {
    scalar: bool,
}

impl DecayedDot {
    /// Inspects the gates once.
    pub fn of(log_gates: &[Vec<f64>]) -> Self {
        DecayedDot {
            scalar: log_gates.iter().all(|row| row.iter().all(|&g| g == row[0])),
        }
    }

    /// `Σ_c a_c b_c e^{G_ic − G_jc}`.
    pub fn apply(self, a: &[f64], b: &[f64], g_i: &[f64], g_j: &[f64]) -> f64 {
        if self.scalar {
            let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            match (g_i.first(), g_j.first()) {
                (Some(gi), Some(gj)) => dot * (gi - gj).exp(),
                _ => dot,
            }
        } else {
            decayed_dot(a, b, g_i, g_j)
        }
    }
}

/// Solves `(I + L) X = B` for unit lower-triangular `I + L` (`L` strictly lower, row `r` of `L`
/// holds entries `j < r`) by forward substitution: `X_r = B_r − Σ_{j<r} L_rj X_j`.
pub fn forward_substitute(l: &[Vec<f64>], b: &[Vec<f64>]) -> Features {
    let mut x: Features = Vec::with_capacity(b.len());
    for (r, b_r) in b.iter().enumerate() {
        let mut row = b_r.clone();
        for (j, x_j) in x.iter().enumerate().take(r) {
            let l_rj = l[r][j];
            if l_rj != 0.0 {
                row.iter_mut().zip(x_j).for_each(|(y, xj)| *y -= l_rj * xj);
            }
        }
        x.push(row);
    }
    x
}

/// A matrix from f64 rows (stored in f32).
pub fn to_matrix(rows: &[Vec<f64>], cols: usize) -> Matrix {
    let mut m = Matrix::zeros(rows.len(), cols);
    for (i, row) in rows.iter().enumerate() {
        for (x, &y) in m.row_mut(i).iter_mut().zip(row) {
            *x = y as f32;
        }
    }
    m
}
