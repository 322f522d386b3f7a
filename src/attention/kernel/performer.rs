//! Performer / FAVOR+ positive orthogonal random features (variants.md §2.3): Choromanski et al.,
//! "Rethinking Attention with Performers", ICLR 2021 (`softmax_kernel_transformation`).
//!
//! `x' = x · d^{-1/4}`, `h_r(x) = w_r·x' − ‖x'‖²/2`, `φ(x) = m^{-1/2} (exp(h(x) − c) + δ)`, so that
//! `E[φ(q)·φ(k)] = exp(q·k/√d)` (for δ = 0). The stabiliser `c` is the max over features per
//! query row, and the max over all keys and features for keys (a per-key max would reweight keys);
//! both cancel in the row-normalised `A` up to δ's bias. No ε in the normaliser. The hyperbolic
//! variant uses `[exp(h₊), exp(h₋)]`, `h± = ±w·x' − ‖x'‖²/2`, with `(2m)^{-1/2}`.
//!
//! `W` (m × d) is given as `projection`, or drawn from `seed`: `⌈m/d⌉` blocks `Q_bᵀ` of the QR of
//! a d × d Gaussian matrix, the first m rows kept, row r rescaled by `‖g_r‖`, `g_r ~ N(0, I_d)`.

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::attention::kernel::relu::DELTA;
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::schema::parse::check_rows_agree;
use crate::tensor::Matrix;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Parameters of `performer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerformerParams {
    /// Number of random features m (defaults to the rows of `projection`, else 64).
    pub features: Option<usize>,
    /// Seed of the random projection (ignored when `projection` is given).
    #[serde(default)]
    pub seed: u64,
    /// An explicit projection W, `features × d_k`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<Vec<Vec<f64>>>,
    /// The ± (hyperbolic) variant with 2m features.
    #[serde(default)]
    pub hyperbolic: bool,
    /// δ added after the exp.
    #[serde(default = "default_delta")]
    pub delta: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

fn default_delta() -> f64 {
    1e-6
}

/// The default number of random features.
pub const DEFAULT_FEATURES: usize = 64;
/// Accepted numbers of random features.
pub const FEATURES: Range = Range {
    min: 1.0,
    max: 1024.0,
};

impl PerformerParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(m) = self.features {
            FEATURES.check("features", m as f64, "random features held per token")?;
        }
        if let Some(w) = &self.projection {
            let rows = w.len();
            check_rows_agree("features", self.features, "projection", Some(rows))?;
            FEATURES.check("projection", rows as f64, "rows of W = random features")?;
        }
        DELTA.check("delta", self.delta, "a small feature offset")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }

    /// With `features` filled in.
    pub fn resolved(&self) -> Self {
        let mut p = self.clone();
        p.features = Some(self.m());
        p
    }

    /// The number of random features m.
    pub fn m(&self) -> usize {
        self.projection
            .as_ref()
            .map(Vec::len)
            .or(self.features)
            .unwrap_or(DEFAULT_FEATURES)
    }

    /// The projection W (m × d_k): the given one, checked, or the seeded orthogonal one.
    pub fn projection(&self, d_k: usize) -> Result<Matrix> {
        match &self.projection {
            Some(rows) => {
                let w = Matrix::from_rows("variant.projection", rows)?;
                if w.cols() != d_k {
                    return Err(Error::Shape {
                        field: "variant.projection".into(),
                        expected: format!("{d_k} columns (= d_k)"),
                        got: format!("{} columns", w.cols()),
                    });
                }
                Ok(w)
            }
            None => Ok(orthogonal_projection(self.m(), d_k, self.seed)),
        }
    }
}

/// Positive orthogonal random features: `⌈m/d⌉` stacked `Q_bᵀ` blocks, rows rescaled by
/// chi-distributed norms, all from stream [`stream::PROJECTION`] of `seed`.
pub fn orthogonal_projection(m: usize, d: usize, seed: u64) -> Matrix {
    let mut rng = SeededRng::new(seed, stream::PROJECTION);
    let mut w = Matrix::zeros(m, d);
    let mut row = 0;
    while row < m {
        let gaussian = DMatrix::<f64>::from_fn(d, d, |_, _| rng.normal());
        let q = gaussian.qr().q(); // d × d orthogonal; its rows are orthonormal
        for b in 0..d.min(m - row) {
            for c in 0..d {
                w.set(row + b, c, q[(c, b)] as f32); // row b of Q_bᵀ = column b of Q_b
            }
        }
        row += d;
    }
    for r in 0..m {
        let norm = (0..d).map(|_| rng.normal().powi(2)).sum::<f64>().sqrt();
        for x in w.row_mut(r) {
            *x = (f64::from(*x) * norm) as f32;
        }
    }
    w
}

/// FAVOR+ features with a fixed projection.
pub struct Favor {
    /// W, m × d.
    pub w: Matrix,
    /// The ± variant.
    pub hyperbolic: bool,
    /// δ.
    pub delta: f64,
}

impl Favor {
    /// The exponents `h(x)` of every row: m values (2m when hyperbolic).
    fn exponents(&self, x: &Matrix) -> Features {
        let d = x.cols() as f64;
        let pre = d.powf(-0.25);
        map_rows(x, |_, row| {
            let xs: Vec<f64> = row.iter().map(|&v| f64::from(v) * pre).collect();
            let half_norm = xs.iter().map(|a| a * a).sum::<f64>() / 2.0;
            let proj: Vec<f64> = (0..self.w.rows())
                .map(|r| {
                    self.w
                        .row(r)
                        .iter()
                        .zip(&xs)
                        .map(|(&w, a)| f64::from(w) * a)
                        .sum()
                })
                .collect();
            let plus = proj.iter().map(|p| p - half_norm);
            if self.hyperbolic {
                plus.chain(proj.iter().map(|p| -p - half_norm)).collect()
            } else {
                plus.collect()
            }
        })
    }

    fn features(&self, mut h: Features, stabiliser: impl Fn(usize, &[f64]) -> f64) -> Features {
        let m = h.first().map_or(1, Vec::len) as f64;
        for (i, row) in h.iter_mut().enumerate() {
            let c = stabiliser(i, row);
            row.iter_mut()
                .for_each(|x| *x = ((*x - c).exp() + self.delta) / m.sqrt());
        }
        h
    }
}

fn row_max(row: &[f64]) -> f64 {
    row.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

impl FeatureMap for Favor {
    fn queries(&self, q: &Matrix) -> Features {
        self.features(self.exponents(q), |_, row| row_max(row))
    }
    fn keys(&self, k: &Matrix) -> Features {
        let h = self.exponents(k);
        let global = h
            .iter()
            .map(|row| row_max(row))
            .fold(f64::NEG_INFINITY, f64::max);
        self.features(h, |_, _| global)
    }
}

/// The catalog card of `performer`.
pub fn catalog_entry() -> CatalogEntry {
    let mut features = FEATURES.number(
        "features",
        Some(DEFAULT_FEATURES as f64),
        true,
        "random features m",
    );
    features.kind = "integer";
    features.default = serde_json::Value::from(DEFAULT_FEATURES);
    features.default_note = Some("the rows of projection when it is given");
    CatalogEntry {
        name: "performer",
        title: "Performer (FAVOR+)",
        family: "kernel feature-map",
        idea: "Positive random features whose inner products estimate exp(q·k/√d) without bias: \
               a noisy low-rank softmax that sharpens as m grows.",
        paper: Paper {
            title: "Rethinking Attention with Performers",
            authors: "Choromanski et al.",
            venue: "ICLR",
            year: 2021,
        },
        spec_section: "2.3",
        cost: Cost {
            time: "O(N m (d + d_v))",
            memory: "O(m d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            features,
            ParamSchema {
                name: "seed",
                kind: "integer",
                default: serde_json::Value::from(0),
                default_note: None,
                min: Some(0.0),
                max: None,
                log_scale: false,
                required: false,
                description: "seed of the orthogonal random projection",
                rules: Vec::new(),
            },
            ParamSchema {
                name: "projection",
                kind: "matrix",
                default: serde_json::Value::Null,
                default_note: Some("drawn from seed (features × d_k)"),
                min: None,
                max: None,
                log_scale: false,
                required: false,
                description: "an explicit projection W, features × d_k",
                rules: Vec::new(),
            },
            ParamSchema {
                name: "hyperbolic",
                kind: "boolean",
                default: serde_json::Value::from(false),
                default_note: None,
                min: None,
                max: None,
                log_scale: false,
                required: false,
                description: "± features (2m of them): lower variance",
                rules: Vec::new(),
            },
            DELTA.number(
                "delta",
                Some(1e-6),
                true,
                "added to every feature after the exp",
            ),
            chunk_size_schema(),
        ],
        formula_tex: r"A_{ij} = \frac{\phi(q_i)\cdot\phi(k_j)}{\sum_{l \in \mathcal{S}_i} \phi(q_i)\cdot\phi(k_l)},\quad \phi(x) = \tfrac{1}{\sqrt{m}}\exp\!\big(W x' - \tfrac{\|x'\|^2}{2}\big),\ x' = x\, d^{-1/4}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
