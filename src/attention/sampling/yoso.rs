//! YOSO (variants.md §4.1): Zeng, Xiong, Ravi, Acharya, Fung, Singh, "You Only Sample (Almost)
//! Once: Linear Cost Self-Attention Via Bernoulli Sampling", ICML 2021.
//!
//! Expectation: `B_ij = (1 − arccos(q̂_i·k̂_j)/π)^τ` on L2-normalised q, k (the collision
//! probability of a τ-bit SimHash; the cosine is clamped to [−1, 1]). Sampled: `m_h` hashes of
//! τ Gaussian hyperplanes, `code_h(x) = Σ_l 2^l 1[w_{h,l}·x > 0]`, `B̂_ij = (1/m_h) Σ_h
//! 1[code_h(q_i) = code_h(k_j)]`, an unbiased estimate of B; its linear-time form sums values
//! into `2^τ`-entry tables per hash (causal: insert in order). `attention` is B (or B̂), masked
//! when causal and not normalised; `output` is the rows of `B V` L2-normalised (a zero row stays
//! zero), so the map V → O is not linear.

use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::Result;
use crate::rng::{stream, SeededRng};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Which form of YOSO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum YosoMode {
    /// The deterministic collision probabilities B.
    #[default]
    Expectation,
    /// The hashed estimate B̂ (linear-time tables).
    Sampled,
}

/// Parameters of `yoso`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YosoParams {
    /// Hash length τ (bits per hash).
    #[serde(default = "default_bits")]
    pub bits: u32,
    /// `expectation` or `sampled`.
    #[serde(default)]
    pub mode: YosoMode,
    /// Number of hashes m_h (sampled mode).
    #[serde(default = "default_hashes")]
    pub hashes: usize,
    /// Seed of the hyperplanes (sampled mode).
    #[serde(default)]
    pub seed: u64,
}

fn default_bits() -> u32 {
    8
}

fn default_hashes() -> usize {
    32
}

/// Accepted hash lengths (tables have 2^τ entries).
pub const BITS: Range = Range {
    min: 1.0,
    max: 16.0,
};
/// Accepted hash counts.
pub const HASHES: Range = Range {
    min: 1.0,
    max: 4096.0,
};

impl YosoParams {
    pub(crate) fn validate(&self) -> Result<()> {
        BITS.check(
            "bits",
            f64::from(self.bits),
            "tables hold 2^bits entries per hash",
        )?;
        HASHES.check("hashes", self.hashes as f64, "hash functions")
    }

    /// The hyperplanes: `hashes × bits` rows of d Gaussian entries, from stream PROJECTION.
    pub fn hyperplanes(&self, d: usize) -> Matrix {
        SeededRng::new(self.seed, stream::PROJECTION)
            .normal_matrix(self.hashes * self.bits as usize, d)
    }
}

/// `x / ‖x‖` of every row (a zero row stays zero), in f64.
fn unit_rows(x: &Matrix) -> Vec<Vec<f64>> {
    (0..x.rows())
        .map(|i| {
            let row: Vec<f64> = x.row(i).iter().map(|&v| f64::from(v)).collect();
            let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            row.iter()
                .map(|v| if norm > 0.0 { v / norm } else { 0.0 })
                .collect()
        })
        .collect()
}

/// The expectation matrix B (masked when causal).
#[allow(clippy::needless_range_loop)] // indices i, j read like the formula
pub fn expectation(qkv: &Qkv, bits: u32, causal: bool) -> Matrix {
    let (q, k) = (unit_rows(&qkv.q), unit_rows(&qkv.k));
    let n = qkv.n();
    let mut b = Matrix::zeros(n, n);
    for i in 0..n {
        let keys = if causal { i + 1 } else { n };
        for j in 0..keys {
            let cosine: f64 = q[i].iter().zip(&k[j]).map(|(a, c)| a * c).sum();
            let angle = cosine.clamp(-1.0, 1.0).acos();
            b.set(
                i,
                j,
                (1.0 - angle / std::f64::consts::PI).powi(bits as i32) as f32,
            );
        }
    }
    b
}

/// SimHash codes `code_h(x)` of every row: `rows × hashes`.
pub fn codes(x: &Matrix, planes: &Matrix, hashes: usize, bits: u32) -> Vec<Vec<u32>> {
    (0..x.rows())
        .map(|i| {
            (0..hashes)
                .map(|h| code(x.row(i), planes, h, bits))
                .collect()
        })
        .collect()
}

/// `code_h(x)` of one row: bit l is `w_{h,l}·x > 0`.
fn code(x: &[f32], planes: &Matrix, h: usize, bits: u32) -> u32 {
    (0..bits).fold(0u32, |code, l| {
        let w = planes.row(h * bits as usize + l as usize);
        let dot: f64 = w
            .iter()
            .zip(x)
            .map(|(&a, &b)| f64::from(a) * f64::from(b))
            .sum();
        code | (u32::from(dot > 0.0) << l)
    })
}

/// The sampled collision matrix `B̂` (masked when causal).
#[allow(clippy::needless_range_loop)] // indices i, j read like the formula
pub fn sampled(qkv: &Qkv, p: &YosoParams, causal: bool) -> Matrix {
    let planes = p.hyperplanes(qkv.d_k());
    let (cq, ck) = (
        codes(&qkv.q, &planes, p.hashes, p.bits),
        codes(&qkv.k, &planes, p.hashes, p.bits),
    );
    let n = qkv.n();
    let mut b = Matrix::zeros(n, n);
    for i in 0..n {
        let keys = if causal { i + 1 } else { n };
        for j in 0..keys {
            let hits = cq[i].iter().zip(&ck[j]).filter(|(a, c)| a == c).count();
            b.set(i, j, (hits as f64 / p.hashes as f64) as f32);
        }
    }
    b
}

/// The sampled linear-time form: per hash a table of `2^τ` value sums; non-causal fills the
/// table first, causal inserts key t before reading query t. Returns `B̂ V` (not normalised).
/// Hashes are independent, so they are taken one at a time: memory is one `2^τ × d_v` table and
/// the `n × d_v` sums, whatever `m_h` (each row's sum still runs over h = 0, 1, … in order).
pub fn sampled_tables(qkv: &Qkv, p: &YosoParams, causal: bool) -> Matrix {
    let planes = p.hyperplanes(qkv.d_k());
    let (n, d_v, size) = (qkv.n(), qkv.d_v(), 1usize << p.bits);
    let mut sums = vec![0.0f64; n * d_v]; // [n, d_v]
    let mut table = vec![0.0f64; size * d_v]; // [2^τ, d_v], one hash at a time
    for h in 0..p.hashes {
        let code = |x: &Matrix, i: usize| code(x.row(i), &planes, h, p.bits) as usize;
        table.iter_mut().for_each(|t| *t = 0.0);
        let insert = |table: &mut Vec<f64>, j: usize| {
            let base = code(&qkv.k, j) * d_v;
            for (c, &v) in qkv.v.row(j).iter().enumerate() {
                table[base + c] += f64::from(v);
            }
        };
        if !causal {
            for j in 0..n {
                insert(&mut table, j);
            }
        }
        for i in 0..n {
            if causal {
                insert(&mut table, i);
            }
            let base = code(&qkv.q, i) * d_v;
            for (sum, t) in sums[i * d_v..(i + 1) * d_v]
                .iter_mut()
                .zip(&table[base..base + d_v])
            {
                *sum += t;
            }
        }
    }
    let mut out = Matrix::zeros(n, d_v);
    for (dst, sum) in out.data_mut().iter_mut().zip(&sums) {
        *dst = (sum / p.hashes as f64) as f32;
    }
    out
}

/// `B V` of the expectation form row by row, in O(n d) memory (never the n × n `B`): for
/// requests that do not ask for the matrix. Same weights, in f64, as [`expectation`].
pub fn expectation_output(qkv: &Qkv, bits: u32, causal: bool) -> Matrix {
    let (q, k) = (unit_rows(&qkv.q), unit_rows(&qkv.k));
    let (n, d_v) = (qkv.n(), qkv.d_v());
    let mut out = Matrix::zeros(n, d_v);
    let mut acc = vec![0.0f64; d_v];
    for (i, q_i) in q.iter().enumerate() {
        acc.iter_mut().for_each(|a| *a = 0.0);
        let keys = if causal { i + 1 } else { n };
        for (j, k_j) in k.iter().enumerate().take(keys) {
            let cosine: f64 = q_i.iter().zip(k_j).map(|(a, c)| a * c).sum();
            let angle = cosine.clamp(-1.0, 1.0).acos();
            // Rounded through f32 as the stored B is, so O equals B V of the quadratic form.
            let b = f64::from((1.0 - angle / std::f64::consts::PI).powi(bits as i32) as f32);
            for (a, &v) in acc.iter_mut().zip(qkv.v.row(j)) {
                *a += b * f64::from(v);
            }
        }
        for (dst, a) in out.row_mut(i).iter_mut().zip(&acc) {
            *dst = *a as f32;
        }
    }
    out
}

/// Rows of `x` divided by their L2 norm (a zero row stays zero).
pub fn l2_normalize_rows(x: &Matrix) -> Matrix {
    let mut out = x.clone();
    for i in 0..x.rows() {
        let norm = x
            .row(i)
            .iter()
            .map(|&v| f64::from(v).powi(2))
            .sum::<f64>()
            .sqrt();
        if norm > 0.0 {
            out.row_mut(i)
                .iter_mut()
                .for_each(|v| *v = (f64::from(*v) / norm) as f32);
        }
    }
    out
}

/// YOSO: `O = L2norm_rows(B V)`; the sampled mode without `A` uses its linear-time tables.
pub fn forward(p: &YosoParams, qkv: &Qkv, causal: bool, want_attention: bool) -> AttentionOutput {
    let b = match (p.mode, want_attention) {
        (YosoMode::Expectation, true) => expectation(qkv, p.bits, causal),
        (YosoMode::Sampled, true) => sampled(qkv, p, causal),
        (YosoMode::Expectation, false) => {
            return AttentionOutput {
                output: l2_normalize_rows(&expectation_output(qkv, p.bits, causal)),
                attention: None,
            }
        }
        (YosoMode::Sampled, false) => {
            return AttentionOutput {
                output: l2_normalize_rows(&sampled_tables(qkv, p, causal)),
                attention: None,
            }
        }
    };
    let bv = b
        .matmul(&qkv.v)
        .unwrap_or_else(|_| Matrix::zeros(qkv.n(), qkv.d_v()));
    AttentionOutput {
        output: l2_normalize_rows(&bv),
        attention: want_attention.then_some(b),
    }
}

/// The catalog card of `yoso`.
pub fn catalog_entry() -> CatalogEntry {
    let mut bits = BITS.number("bits", Some(8.0), false, "hash length τ");
    bits.kind = "integer";
    bits.default = serde_json::Value::from(8);
    let mut hashes = HASHES.number("hashes", Some(32.0), true, "hash functions m_h (sampled)");
    hashes.kind = "integer";
    hashes.default = serde_json::Value::from(32);
    CatalogEntry {
        name: "yoso",
        title: "YOSO (LSH Bernoulli sampling)",
        family: "sampling",
        idea: "Attend where random hyperplane hashes collide: weights (1 − θ/π)^τ are sparse and \
               unnormalised, and the output rows are L2-normalised instead.",
        paper: Paper {
            title:
                "You Only Sample (Almost) Once: Linear Cost Self-Attention Via Bernoulli Sampling",
            authors: "Zeng, Xiong, Ravi, Acharya, Fung, Singh",
            venue: "ICML",
            year: 2021,
        },
        spec_section: "4.1",
        cost: Cost {
            time: "O(m_h N (τ d + d_v)) sampled; O(N² d) expectation",
            memory: "O(m_h 2^τ d_v)",
        },
        row_normalized: false,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            bits,
            ParamSchema {
                name: "mode",
                kind: "string",
                default: serde_json::Value::from("expectation"),
                description: "\"expectation\" (exact B) or \"sampled\" (hashed estimate)",
                ..Default::default()
            },
            hashes,
            ParamSchema {
                name: "seed",
                kind: "integer",
                default: serde_json::Value::from(0),
                min: Some(0.0),
                description: "seed of the hyperplanes (sampled)",
                ..Default::default()
            },
        ],
        formula_tex: r"B_{ij} = \Big(1 - \frac{\arccos(\hat q_i \cdot \hat k_j)}{\pi}\Big)^{\tau},\quad o_i = \frac{(B V)_i}{\|(B V)_i\|}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
