//! MHLA, token-level multi-head linear attention (variants.md §2.13): Zhang et al., "MHLA:
//! Restoring Expressivity of Linear Attention via Token-Level Multi-Head", ICLR 2026.
//!
//! Tokens fall into B contiguous blocks (`array_split` sizes, longer first); a non-negative
//! mixing matrix `𝓜` (B × B) weights block pairs:
//! `A_ij = 𝓜_{b(i),b(j)} φ(q_i)·φ(k_j) / (Σ_{l∈𝒮_i} 𝓜_{b(i),b(l)} φ(q_i)·φ(k_l) + ε)`, φ = elu + 1,
//! row-normalised with rank up to `Σ_b min(n_b, d)` instead of d. The paper form, causal with the
//! sums restricted to `l ≤ i` (the released NLP code is unnormalised; see the spec). The linear
//! form keeps one state per block: `o_i = φ(q_i) Σ_b 𝓜_{b(i)b} S_b / (φ(q_i)·Σ_b 𝓜_{b(i)b} z_b + ε)`.
//! Default 𝓜 (a 1-D reading of the vision code's distance kernels): `𝓜_bc = 1 − |b − c|/B`.
//! Under RoPE the numerator's features are rotated (RoFormer). The GPU runs the block-state form
//! (`gpu/pipelines/mhla.rs`), causal and non-causal.

use super::elu::{default_eps, EluPlusOne, EPS};
use super::{KernelSetup, Normaliser};
use crate::attention::lowrank::segment_means;
use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `mhla`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MhlaParams {
    /// Number of blocks B (defaults to the size of `mixing`, else 4).
    pub blocks: Option<usize>,
    /// An explicit non-negative mixing matrix, B × B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mixing: Option<Vec<Vec<f64>>>,
    /// ε added to the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
}

/// Accepted block counts.
pub const BLOCKS: Range = Range {
    min: 1.0,
    max: 256.0,
};

impl MhlaParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(b) = self.blocks {
            BLOCKS.check("blocks", b as f64, "token blocks")?;
        }
        EPS.check("eps", self.eps, "a small normaliser offset")?;
        if let Some(rows) = &self.mixing {
            let m = Matrix::from_rows("variant.mixing", rows)?;
            if m.rows() != m.cols() || self.blocks.is_some_and(|b| b != m.rows()) {
                return Err(Error::Shape {
                    field: "variant.mixing".into(),
                    expected: format!(
                        "{0} × {0} (blocks × blocks)",
                        self.blocks.unwrap_or(m.rows())
                    ),
                    got: format!("{} × {}", m.rows(), m.cols()),
                });
            }
            if m.data().iter().any(|&x| x < 0.0) {
                return Err(Error::invalid(
                    "variant.mixing",
                    "entries must be non-negative",
                ));
            }
        }
        Ok(())
    }

    /// The number of blocks B.
    pub fn blocks(&self) -> usize {
        self.mixing
            .as_ref()
            .map(Vec::len)
            .or(self.blocks)
            .unwrap_or(4)
    }

    /// With `blocks` filled in.
    pub fn resolved(&self) -> Self {
        MhlaParams {
            blocks: Some(self.blocks()),
            ..self.clone()
        }
    }

    /// 𝓜: the given matrix or `1 − |b − c|/B`.
    pub fn mixing(&self) -> Result<Matrix> {
        match &self.mixing {
            Some(rows) => Matrix::from_rows("variant.mixing", rows),
            None => {
                let b = self.blocks();
                let mut m = Matrix::zeros(b, b);
                for r in 0..b {
                    for c in 0..b {
                        m.set(r, c, 1.0 - r.abs_diff(c) as f32 / b as f32);
                    }
                }
                Ok(m)
            }
        }
    }

    /// Checks `B ≤ n`.
    pub fn check_length(&self, n: usize) -> Result<()> {
        if self.blocks() > n {
            return Err(Error::Limit {
                field: "variant.blocks".into(),
                value: self.blocks().to_string(),
                range: format!("1..={n} (n)"),
                why: "every block holds at least one token".into(),
            });
        }
        Ok(())
    }
}

/// The block of every token (contiguous, `array_split` sizes).
pub fn block_of(n: usize, blocks: usize) -> Vec<usize> {
    let averaging = segment_means(n, blocks);
    (0..n)
        .map(|j| {
            (0..blocks)
                .find(|&b| averaging.get(b, j) > 0.0)
                .unwrap_or(0)
        })
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The quadratic form and the block-state linear form (`A` only when wanted).
#[allow(clippy::needless_range_loop)] // token indices i, j read like the formula
pub fn forward(p: &MhlaParams, qkv: &Qkv, causal: bool, want: bool) -> Result<AttentionOutput> {
    let n = qkv.n();
    p.check_length(n)?;
    let mixing = p.mixing()?;
    let blocks = block_of(n, p.blocks());
    // Under RoPE the numerator reads rotated features (RoFormer), the normaliser plain ones.
    let setup = KernelSetup::new(
        &EluPlusOne,
        &qkv.q,
        &qkv.k,
        qkv.rope,
        Normaliser::PlusEps(p.eps),
        1,
    );
    let (fq, fk, fq_num, fk_num) = (&setup.fq, &setup.fk, setup.fq_num(), setup.fk_num());
    let mix = |i: usize, j: usize| f64::from(mixing.get(blocks[i], blocks[j]));
    let attention = want.then(|| {
        let mut a = Matrix::zeros(n, n);
        for i in 0..n {
            let keys = if causal { i + 1 } else { n };
            let den = (0..keys)
                .map(|j| mix(i, j) * dot(&fq[i], &fk[j]))
                .sum::<f64>()
                + p.eps;
            for j in 0..keys {
                a.set(i, j, (mix(i, j) * dot(&fq_num[i], &fk_num[j]) / den) as f32);
            }
        }
        a
    });
    // Linear form: per block, S_b = Σ φ_n(k)ᵀ v and z_b = Σ φ(k) (prefixes inside the own block).
    let (d, d_v, nb) = (fq.first().map_or(0, Vec::len), qkv.d_v(), p.blocks());
    let mut s = vec![vec![0.0f64; d * d_v]; nb];
    let mut z = vec![vec![0.0f64; d]; nb];
    let absorb = |s: &mut Vec<Vec<f64>>, z: &mut Vec<Vec<f64>>, j: usize| {
        let b = blocks[j];
        for r in 0..d {
            z[b][r] += fk[j][r];
            for c in 0..d_v {
                s[b][r * d_v + c] += fk_num[j][r] * f64::from(qkv.v.get(j, c));
            }
        }
    };
    if !causal {
        (0..n).for_each(|j| absorb(&mut s, &mut z, j));
    }
    let mut output = Matrix::zeros(n, d_v);
    for i in 0..n {
        if causal {
            absorb(&mut s, &mut z, i);
        }
        let row = blocks[i];
        let mut den = p.eps;
        let mut num = vec![0.0f64; d_v];
        for b in 0..nb {
            let w = f64::from(mixing.get(row, b));
            den += w * dot(&fq[i], &z[b]);
            for (c, acc) in num.iter_mut().enumerate() {
                *acc += w
                    * (0..d)
                        .map(|r| fq_num[i][r] * s[b][r * d_v + c])
                        .sum::<f64>();
            }
        }
        for (c, x) in num.iter().enumerate() {
            output.set(i, c, (x / den) as f32);
        }
    }
    Ok(AttentionOutput { output, attention })
}

/// The catalog card of `mhla`.
pub fn catalog_entry() -> CatalogEntry {
    let mut blocks = BLOCKS.number("blocks", Some(4.0), false, "token blocks B ≤ n");
    blocks.kind = "integer";
    blocks.rules = vec![crate::catalog::ParamRule::AtMostN];
    blocks.default = serde_json::Value::from(4);
    blocks.default_note = Some("the size of mixing when it is given");
    CatalogEntry {
        name: "mhla",
        title: "MHLA (token-level multi-head)",
        family: "kernel feature-map",
        idea: "Split the tokens into blocks with their own states and mix the states by a block \
               matrix: each block pair gets its own weight, so the rank bound grows with B.",
        paper: Paper {
            title: "MHLA: Restoring Expressivity of Linear Attention via Token-Level Multi-Head",
            authors: "Zhang et al.",
            venue: "ICLR",
            year: 2026,
        },
        spec_section: "2.13",
        cost: Cost {
            time: "O(N d d_v + B² d d_v)",
            memory: "O(B d d_v) states",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            blocks,
            ParamSchema {
                name: "mixing",
                kind: "matrix",
                default_note: Some("1 − |b − c|/B (blocks × blocks)"),
                description: "a non-negative block mixing matrix, blocks × blocks",
                ..Default::default()
            },
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
        ],
        formula_tex: r"A_{ij} = \frac{\mathcal{M}_{b(i)b(j)}\,\phi(q_i)\cdot\phi(k_j)}{\sum_{l \in \mathcal{S}_i} \mathcal{M}_{b(i)b(l)}\,\phi(q_i)\cdot\phi(k_l) + \varepsilon},\quad \phi = \mathrm{elu} + 1",
        confirmed: false,
        constraints: Vec::new(),
    }
}
