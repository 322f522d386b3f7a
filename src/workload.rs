//! Workloads: how Q, K, V are made, either from a seeded description (`gaussian`) or given
//! explicitly (`given`).

use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::schema::{params_from_value, Limits};
use crate::tensor::Matrix;
use serde::Deserialize;
use serde_json::Value;

/// The three inputs of one attention head.
#[derive(Debug, Clone, PartialEq)]
pub struct Qkv {
    /// Queries, n × d_k.
    pub q: Matrix,
    /// Keys, n × d_k.
    pub k: Matrix,
    /// Values, n × d_v.
    pub v: Matrix,
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
}

/// A workload description from a request.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadSpec {
    /// Q, K, V with iid N(0, 1) entries, each from its own seeded stream.
    Gaussian {
        /// Sequence length.
        n: usize,
        /// Query/key dimension.
        d_k: usize,
        /// Value dimension (defaults to `d_k`).
        d_v: usize,
        /// Seed of the three streams.
        seed: u64,
    },
    /// Explicit matrices (validated: shapes agree, values finite).
    Given(Qkv),
}

/// Names accepted in `workload.kind`.
pub const WORKLOAD_KINDS: &[&str] = &["gaussian", "given"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GaussianFields {
    n: usize,
    d_k: usize,
    d_v: Option<usize>,
    #[serde(default)]
    seed: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GivenFields {
    q: Vec<Vec<f64>>,
    k: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
}

impl WorkloadSpec {
    /// Parses `{"kind": ..., ...}`, checking sizes against [`Limits`].
    pub fn from_json(value: &Value) -> Result<Self> {
        let (kind, rest) =
            crate::schema::parse::split_tag("workload", "kind", value, WORKLOAD_KINDS)?;
        match kind.as_str() {
            "gaussian" => {
                let f: GaussianFields = params_from_value("workload", rest)?;
                let d_v = f.d_v.unwrap_or(f.d_k);
                check_dims(
                    "workload.n",
                    "workload.d_k",
                    "workload.d_v",
                    f.n,
                    f.d_k,
                    d_v,
                )?;
                Ok(WorkloadSpec::Gaussian {
                    n: f.n,
                    d_k: f.d_k,
                    d_v,
                    seed: f.seed,
                })
            }
            _ => {
                let f: GivenFields = params_from_value("workload", rest)?;
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
                Ok(WorkloadSpec::Given(Qkv { q, k, v }))
            }
        }
    }

    /// Sequence length.
    pub fn n(&self) -> usize {
        match self {
            WorkloadSpec::Gaussian { n, .. } => *n,
            WorkloadSpec::Given(qkv) => qkv.n(),
        }
    }

    /// Makes (or clones) Q, K, V.
    pub fn generate(&self) -> Qkv {
        match self {
            WorkloadSpec::Gaussian { n, d_k, d_v, seed } => Qkv {
                q: SeededRng::new(*seed, stream::Q).normal_matrix(*n, *d_k),
                k: SeededRng::new(*seed, stream::K).normal_matrix(*n, *d_k),
                v: SeededRng::new(*seed, stream::V).normal_matrix(*n, *d_v),
            },
            WorkloadSpec::Given(qkv) => qkv.clone(),
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
    use crate::schema::parse::check_size;
    check_size(
        n_field,
        n,
        Limits::MAX_N,
        "longest sequence the engine runs",
    )?;
    check_size(
        dk_field,
        d_k,
        Limits::MAX_D_K,
        "GPU kernels hold a d_k-sized state",
    )?;
    check_size(dv_field, d_v, Limits::MAX_D_V, "largest value dimension")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gaussian_streams_are_independent_of_d_v() {
        let a = WorkloadSpec::from_json(&json!({"kind": "gaussian", "n": 5, "d_k": 3, "seed": 4}))
            .unwrap()
            .generate();
        let b = WorkloadSpec::from_json(
            &json!({"kind": "gaussian", "n": 5, "d_k": 3, "d_v": 7, "seed": 4}),
        )
        .unwrap()
        .generate();
        assert_eq!(a.q, b.q);
        assert_eq!(a.k, b.k);
        assert_eq!(b.v.cols(), 7);
        assert_ne!(a.q, a.k);
    }

    #[test]
    fn errors_name_the_field() {
        let e = WorkloadSpec::from_json(&json!({"kind": "gaussian", "n": 0, "d_k": 3}));
        assert_eq!(e.unwrap_err().field(), "workload.n");
        let e = WorkloadSpec::from_json(&json!({"kind": "gaussian", "n": 4, "dk": 3}));
        assert_eq!(e.unwrap_err().field(), "workload.dk");
        let e = WorkloadSpec::from_json(
            &json!({"kind": "given", "q": [[1.0]], "k": [[1.0], [2.0]], "v": [[1.0]]}),
        );
        assert_eq!(e.unwrap_err().field(), "workload.k");
    }
}
