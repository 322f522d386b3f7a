//! Hedgehog (variants.md §2.7): Zhang, Bhatia, Kumbong, Ré, "The Hedgehog & the Porcupine:
//! Expressive Linear Attentions with Softmax Mimicry", ICLR 2024. A (learned) affine map
//! `y = W x + b` (`W` d' × d_k), then the sign-symmetric exponential `φ = [exp(y), exp(−y)]`
//! (m = 2d'); stabilised as the spec says, the per-query max subtracted on the query side and the
//! global max on the key side (both cancel in `A`). `form = "softmax"` is lolcats' per-half
//! softmax `[softmax(y), softmax(−y)]`, a different kernel. `W`, `b` are given, or drawn from
//! `seed` (`W ~ N(0, 1/d_k)`, `b = 0`), or the identity and zero (fla's initialisation).

use super::{chunk_size_schema, default_chunk_size, map_rows, FeatureMap, Features, CHUNK_SIZE};
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Supports};
use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::tensor::Matrix;
use serde::{Deserialize, Serialize};

/// Which Hedgehog kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HedgehogForm {
    /// `[exp(y), exp(−y)]` (the paper's description).
    #[default]
    Exp,
    /// `[softmax(y), softmax(−y)]` per token (lolcats).
    Softmax,
}

/// Parameters of `hedgehog`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HedgehogParams {
    /// `W`, d' × d_k.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Vec<Vec<f64>>>,
    /// `b`, d'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<Vec<f64>>,
    /// Draw `W` from this seed instead of the identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// `exp` or `softmax`.
    #[serde(default)]
    pub form: HedgehogForm,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

impl HedgehogParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let (Some(w), Some(b)) = (&self.weight, &self.bias) {
            if w.len() != b.len() {
                return Err(Error::Shape {
                    field: "variant.bias".into(),
                    expected: format!("{} values (the rows of weight)", w.len()),
                    got: format!("{} values", b.len()),
                });
            }
        }
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }

    /// `(W, b)` for head dimension `d_k`.
    pub fn affine(&self, d_k: usize) -> Result<(Matrix, Vec<f64>)> {
        let w = match (&self.weight, self.seed) {
            (Some(rows), _) => {
                let w = Matrix::from_rows("variant.weight", rows)?;
                if w.cols() != d_k {
                    return Err(Error::Shape {
                        field: "variant.weight".into(),
                        expected: format!("{d_k} columns (= d_k)"),
                        got: format!("{} columns", w.cols()),
                    });
                }
                w
            }
            (None, Some(seed)) => {
                let mut w = SeededRng::new(seed, stream::PROJECTION).normal_matrix(d_k, d_k);
                let scale = 1.0 / (d_k as f32).sqrt();
                (0..d_k).for_each(|r| w.row_mut(r).iter_mut().for_each(|x| *x *= scale));
                w
            }
            (None, None) => Matrix::identity(d_k),
        };
        let bias = match &self.bias {
            Some(b) if b.len() != w.rows() => {
                return Err(Error::Shape {
                    field: "variant.bias".into(),
                    expected: format!("{} values (the rows of weight)", w.rows()),
                    got: format!("{} values", b.len()),
                })
            }
            Some(b) => b.clone(),
            None => vec![0.0; w.rows()],
        };
        Ok((w, bias))
    }
}

/// The Hedgehog feature map for a fixed affine map.
pub struct Hedgehog {
    /// `W`, d' × d.
    pub w: Matrix,
    /// `b`, d'.
    pub bias: Vec<f64>,
    /// Which kernel.
    pub form: HedgehogForm,
}

impl Hedgehog {
    /// `[y, −y]` of every row, `y = W x + b`.
    pub fn exponents(&self, x: &Matrix) -> Features {
        map_rows(x, |_, row| {
            let y: Vec<f64> = (0..self.w.rows())
                .map(|r| {
                    let dot: f64 = self
                        .w
                        .row(r)
                        .iter()
                        .zip(row)
                        .map(|(&a, &b)| f64::from(a) * f64::from(b))
                        .sum();
                    dot + self.bias[r]
                })
                .collect();
            y.iter().copied().chain(y.iter().map(|v| -v)).collect()
        })
    }

    fn exp_with(h: Features, shift: impl Fn(&[f64]) -> f64) -> Features {
        h.into_iter()
            .map(|row| {
                let c = shift(&row);
                row.iter().map(|v| (v - c).exp()).collect()
            })
            .collect()
    }

    fn softmax_halves(h: Features) -> Features {
        h.into_iter()
            .map(|row| {
                let half = row.len() / 2;
                let soft = |part: &[f64]| {
                    let max = part.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let e: Vec<f64> = part.iter().map(|v| (v - max).exp()).collect();
                    let sum: f64 = e.iter().sum();
                    e.into_iter().map(move |v| v / sum)
                };
                soft(&row[..half]).chain(soft(&row[half..])).collect()
            })
            .collect()
    }
}

fn row_max(row: &[f64]) -> f64 {
    row.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

impl FeatureMap for Hedgehog {
    fn queries(&self, q: &Matrix) -> Features {
        match self.form {
            HedgehogForm::Exp => Self::exp_with(self.exponents(q), row_max),
            HedgehogForm::Softmax => Self::softmax_halves(self.exponents(q)),
        }
    }
    fn keys(&self, k: &Matrix) -> Features {
        let h = self.exponents(k);
        match self.form {
            HedgehogForm::Exp => {
                let global = h
                    .iter()
                    .map(|r| row_max(r))
                    .fold(f64::NEG_INFINITY, f64::max);
                Self::exp_with(h, |_| global)
            }
            HedgehogForm::Softmax => Self::softmax_halves(h),
        }
    }
}

/// The catalog card of `hedgehog`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "hedgehog",
        title: "Hedgehog",
        family: "kernel feature-map",
        idea: "A learnable affine map then exp(±y): spiky, softmax-like weights from a feature \
               map trained to mimic softmax (here identity, seeded or given weights).",
        paper: Paper {
            title:
                "The Hedgehog & the Porcupine: Expressive Linear Attentions with Softmax Mimicry",
            authors: "Zhang, Bhatia, Kumbong, Ré",
            venue: "ICLR",
            year: 2024,
        },
        spec_section: "2.7",
        cost: Cost {
            time: "O(N d' (d + d_v))",
            memory: "O(d' d_v) state",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![
            ParamSchema {
                name: "weight",
                kind: "matrix",
                default_note: Some("the identity, or N(0, 1/d_k) from seed (d' × d_k)"),
                description: "the affine map's W, d' × d_k",
                ..Default::default()
            },
            ParamSchema {
                name: "bias",
                kind: "vector",
                default_note: Some("zero (d')"),
                description: "the affine map's b, d' values",
                ..Default::default()
            },
            ParamSchema {
                name: "seed",
                kind: "integer",
                default_note: Some("none: W is the identity"),
                min: Some(0.0),
                description: "draw W from this seed",
                ..Default::default()
            },
            ParamSchema {
                name: "form",
                kind: "string",
                default: serde_json::Value::from("exp"),
                description:
                    "\"exp\" ([exp(y), exp(−y)]) or \"softmax\" (lolcats' per-half softmax)",
                ..Default::default()
            },
            chunk_size_schema(),
        ],
        formula_tex: r"\phi(x) = \big[e^{Wx + b},\ e^{-(Wx + b)}\big],\quad A = \mathrm{rownorm}\big(\phi(Q)\phi(K)^\top\big)",
        confirmed: false,
        constraints: Vec::new(),
    }
}
