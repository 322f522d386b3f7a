//! Workloads: how Q, K, V are made, from a seeded description (`gaussian`, `clustered`, `local`,
//! `copy`, `recall`) or given explicitly (`given`); any of them may carry RoPE (`"rope": true`).

pub mod catalog;
pub mod generators;

use crate::attention::rope;
use crate::catalog::Range;
use crate::error::{Error, Result};
use crate::schema::parse::{check_size, split_tag};
use crate::schema::{params_from_value, Limits};
use crate::tensor::Matrix;
use generators::Shape;
use serde::Deserialize;
use serde_json::Value;

/// The inputs of one attention head.
#[derive(Debug, Clone, PartialEq)]
pub struct Qkv {
    /// Queries, n × d_k.
    pub q: Matrix,
    /// Keys, n × d_k.
    pub k: Matrix,
    /// Values, n × d_v.
    pub v: Matrix,
    /// Rotary position embedding: softmax rotates Q and K, kernel variants their numerator
    /// features (variants.md §11).
    pub rope: bool,
}

impl Qkv {
    /// Sequence length.
    pub fn n(&self) -> usize {
        self.q.rows()
    }
    /// Query/key dimension.
    pub fn d_k(&self) -> usize {
        self.q.cols()
    }
    /// Value dimension.
    pub fn d_v(&self) -> usize {
        self.v.cols()
    }

    /// Q and K rotated by RoPE when `rope` is set (what softmax attends with), else a copy.
    pub fn with_rope_applied(&self) -> Qkv {
        if !self.rope {
            return self.clone();
        }
        Qkv {
            q: rope::rotate_matrix(&self.q),
            k: rope::rotate_matrix(&self.k),
            v: self.v.clone(),
            rope: false,
        }
    }
}

/// How Q, K, V are made.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadKind {
    /// iid N(0, 1).
    Gaussian,
    /// Queries and keys around `clusters` centres with noise `spread`.
    Clustered {
        /// Number of centres.
        clusters: usize,
        /// Noise scale around the centres.
        spread: f64,
    },
    /// One shared direction of norm `strength · d^{1/4}`: local under RoPE.
    Local {
        /// Norm scale of the shared direction.
        strength: f64,
    },
    /// A repeated pattern of `period` tokens, keys shifted by one (an induction head's inputs).
    Copy {
        /// Pattern length.
        period: usize,
    },
    /// `pairs` stored key–value pairs, then queries of stored keys.
    Recall {
        /// Number of stored pairs.
        pairs: usize,
    },
}

/// A workload description from a request.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadSpec {
    /// A seeded synthetic workload.
    Synthetic {
        /// Which structure.
        kind: WorkloadKind,
        /// Sequence length.
        n: usize,
        /// Query/key dimension.
        d_k: usize,
        /// Value dimension (defaults to `d_k`).
        d_v: usize,
        /// Seed of every stream.
        seed: u64,
        /// RoPE on.
        rope: bool,
    },
    /// Explicit matrices (validated: shapes agree, values finite); `rope` inside.
    Given(Qkv),
}

/// Names accepted in `workload.kind`.
pub const WORKLOAD_KINDS: &[&str] = &["gaussian", "clustered", "local", "copy", "recall", "given"];

/// Accepted cluster counts, copy periods and recall pairs.
pub const COUNT: Range = Range {
    min: 1.0,
    max: 4096.0,
};
/// Accepted cluster spreads.
pub const SPREAD: Range = Range {
    min: 0.0,
    max: 10.0,
};
/// Accepted strengths of `local`.
pub const STRENGTH: Range = Range {
    min: 0.0,
    max: 10.0,
};

/// The fields every synthetic kind shares, plus each kind's own (unknown ones are errors).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SyntheticFields {
    n: usize,
    d_k: usize,
    d_v: Option<usize>,
    #[serde(default)]
    seed: u64,
    rope: Option<bool>,
    clusters: Option<usize>,
    spread: Option<f64>,
    strength: Option<f64>,
    period: Option<usize>,
    pairs: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GivenFields {
    q: Vec<Vec<f64>>,
    k: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
    #[serde(default)]
    rope: bool,
}

fn check_count(field: &str, value: usize) -> Result<usize> {
    check_size(
        &format!("workload.{field}"),
        value,
        COUNT.max as usize,
        "a count of the workload",
    )?;
    Ok(value)
}

impl SyntheticFields {
    /// The kind's own parameters; a parameter of another kind is an error naming it.
    fn kind(&self, name: &str) -> Result<WorkloadKind> {
        let allowed: &[&str] = match name {
            "clustered" => &["clusters", "spread"],
            "local" => &["strength"],
            "copy" => &["period"],
            "recall" => &["pairs"],
            _ => &[],
        };
        let given = [
            ("clusters", self.clusters.is_some()),
            ("spread", self.spread.is_some()),
            ("strength", self.strength.is_some()),
            ("period", self.period.is_some()),
            ("pairs", self.pairs.is_some()),
        ];
        if let Some((field, _)) = given.iter().find(|(f, g)| *g && !allowed.contains(f)) {
            return Err(Error::invalid(
                format!("workload.{field}"),
                format!("not a parameter of the {name} workload"),
            ));
        }
        Ok(match name {
            "clustered" => {
                let spread = self.spread.unwrap_or(0.3);
                SPREAD.check_field("workload.spread", spread)?;
                WorkloadKind::Clustered {
                    clusters: check_count("clusters", self.clusters.unwrap_or(4))?,
                    spread,
                }
            }
            "local" => {
                let strength = self.strength.unwrap_or(3.0);
                STRENGTH.check_field("workload.strength", strength)?;
                WorkloadKind::Local { strength }
            }
            "copy" => WorkloadKind::Copy {
                period: check_count("period", self.period.unwrap_or(8))?,
            },
            "recall" => WorkloadKind::Recall {
                pairs: check_count("pairs", self.pairs.unwrap_or(8))?,
            },
            _ => WorkloadKind::Gaussian,
        })
    }
}

impl WorkloadSpec {
    /// Parses `{"kind": ..., ...}`, checking sizes against [`Limits`].
    pub fn from_json(value: &Value) -> Result<Self> {
        let (kind, rest) = split_tag("workload", "kind", value, WORKLOAD_KINDS)?;
        if kind == "given" {
            return Self::given(params_from_value("workload", rest)?);
        }
        let f: SyntheticFields = params_from_value("workload", rest)?;
        let d_v = f.d_v.unwrap_or(f.d_k);
        check_dims(
            "workload.n",
            "workload.d_k",
            "workload.d_v",
            f.n,
            f.d_k,
            d_v,
        )?;
        Ok(WorkloadSpec::Synthetic {
            kind: f.kind(&kind)?,
            n: f.n,
            d_k: f.d_k,
            d_v,
            seed: f.seed,
            // `local` is about RoPE: on unless switched off.
            rope: f.rope.unwrap_or(kind == "local"),
        })
    }

    fn given(f: GivenFields) -> Result<Self> {
        let q = Matrix::from_rows("workload.q", &f.q)?;
        let k = Matrix::from_rows("workload.k", &f.k)?;
        let v = Matrix::from_rows("workload.v", &f.v)?;
        if k.rows() != q.rows() || k.cols() != q.cols() {
            return Err(Error::Shape {
                field: "workload.k".into(),
                expected: format!("{}×{} (as q)", q.rows(), q.cols()),
                got: format!("{}×{}", k.rows(), k.cols()),
            });
        }
        if v.rows() != q.rows() {
            return Err(Error::Shape {
                field: "workload.v".into(),
                expected: format!("{} rows (as q and k)", q.rows()),
                got: format!("{} rows", v.rows()),
            });
        }
        check_dims(
            "workload.q",
            "workload.q[0]",
            "workload.v[0]",
            q.rows(),
            q.cols(),
            v.cols(),
        )?;
        Ok(WorkloadSpec::Given(Qkv {
            q,
            k,
            v,
            rope: f.rope,
        }))
    }

    /// Sequence length.
    pub fn n(&self) -> usize {
        match self {
            WorkloadSpec::Synthetic { n, .. } => *n,
            WorkloadSpec::Given(qkv) => qkv.n(),
        }
    }

    /// Makes (or clones) Q, K, V.
    pub fn generate(&self) -> Qkv {
        match self {
            WorkloadSpec::Given(qkv) => qkv.clone(),
            WorkloadSpec::Synthetic {
                kind,
                n,
                d_k,
                d_v,
                seed,
                rope,
            } => {
                let shape = Shape {
                    n: *n,
                    d_k: *d_k,
                    d_v: *d_v,
                };
                let seed = *seed;
                let (q, k, v) = match kind {
                    WorkloadKind::Gaussian => generators::gaussian(shape, seed),
                    WorkloadKind::Clustered { clusters, spread } => {
                        generators::clustered(shape, seed, *clusters, *spread as f32).0
                    }
                    WorkloadKind::Local { strength } => {
                        generators::local(shape, seed, *strength as f32)
                    }
                    WorkloadKind::Copy { period } => {
                        generators::copy(shape, seed, *period, generators::COPY_STRENGTH)
                    }
                    WorkloadKind::Recall { pairs } => {
                        generators::recall(shape, seed, *pairs, generators::RECALL_STRENGTH).0
                    }
                };
                Qkv {
                    q,
                    k,
                    v,
                    rope: *rope,
                }
            }
        }
    }
}

fn check_dims(
    n_field: &str,
    dk_field: &str,
    dv_field: &str,
    n: usize,
    d_k: usize,
    d_v: usize,
) -> Result<()> {
    check_size(
        n_field,
        n,
        Limits::MAX_N,
        "longest sequence the engine runs",
    )?;
    check_size(dk_field, d_k, Limits::MAX_D_K, "largest head dimension")?;
    check_size(dv_field, d_v, Limits::MAX_D_V, "largest value dimension")
}
