//! The learners an ICL request names (`{"name": "gd", "steps": 2, "eta": "optimal"}`, ...) and
//! their strict parsing: unknown names or fields, bad step lists and mis-shaped matrices are
//! errors naming `learners[i].<field>`.

use super::request::{MAX_N, NOISE};
use super::train::spec::{trainable, RawTrainable};
use super::train::{Activation, TrainSpec};
use crate::error::{Error, Result};
use crate::schema::parse::{check_size, params_from_value, split_tag};
use nalgebra::DMatrix;
use serde::Deserialize;
use serde_json::Value;

/// A step size: the closed-form / fitted optimum, one shared value, or one per step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `"optimal"`.
    Optimal,
    /// A number.
    Shared(f64),
    /// An array, one per step.
    PerStep(Vec<f64>),
}

/// A learner as requested.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnerSpec {
    /// `{"name": "gd", "steps": 1, "eta": "optimal" | η | [η…]}`.
    Gd {
        /// K.
        steps: usize,
        /// η.
        eta: Step,
    },
    /// `{"name": "preconditioned_gd", "gamma": "optimal" | [[..]]}`.
    PreconditionedGd {
        /// `None` for Γ*.
        gamma: Option<DMatrix<f64>>,
    },
    /// `{"name": "gd_pp", "etas": [..], "gammas": [..]}`.
    GdPp {
        /// η per layer.
        etas: Vec<f64>,
        /// γ per layer.
        gammas: Vec<f64>,
    },
    /// `{"name": "ridge", "lambda": λ}` (absent: the Bayes posterior mean).
    Ridge {
        /// λ.
        lambda: Option<f64>,
    },
    /// `{"name": "ols"}`.
    Ols,
    /// `{"name": "averaging"}`.
    Averaging,
    /// `{"name": "knn", "k": 3}`.
    Knn {
        /// Neighbours.
        k: usize,
    },
    /// `{"name": "lsa", "layers": K, "heads": H, "shared": false, "train": {...}}` (a trained LSA)
    /// or `{"name": "softmax_tf", ...}` (trained softmax attention, 2 heads by default).
    Trained {
        /// The learner's name.
        name: &'static str,
        /// The model and how it is trained.
        spec: TrainSpec,
    },
    /// `{"name": "lsa", "layers": K, "eta": "optimal" | η}`: the GD construction, K layers.
    Lsa {
        /// K.
        layers: usize,
        /// η.
        eta: Step,
    },
}

impl LearnerSpec {
    /// The work of scoring this learner, in multiply-adds, and the field that sets it, where it
    /// grows with a count the request chooses: K GD steps (or K constructed LSA layers) cost
    /// `K · n · d` per task, and a fitted shared η (K > 1, `"optimal"`) scores
    /// [`FIT_EVALUATIONS`](super::learners::FIT_EVALUATIONS) candidates on
    /// [`FIT_TASKS`](super::run::FIT_TASKS) tasks more. `None` for the learners whose cost the
    /// request's `tasks · n · d` bound already covers.
    pub fn work(&self, tasks: usize, n: usize, d: usize) -> Option<(f64, &'static str)> {
        let (steps, eta, field) = match self {
            LearnerSpec::Gd { steps, eta } => (*steps, eta, "steps"),
            LearnerSpec::Lsa { layers, eta } => (*layers, eta, "layers"),
            _ => return None,
        };
        let per_task = (steps * n * d) as f64;
        let fitted = matches!(eta, Step::Optimal) && steps > 1;
        let fit_tasks = if fitted {
            (super::run::FIT_TASKS * super::learners::FIT_EVALUATIONS) as f64
        } else {
            0.0
        };
        Some(((tasks as f64 + fit_tasks) * per_task, field))
    }
}

/// Accepted learner names.
pub const LEARNERS: &[&str] = &[
    "gd",
    "preconditioned_gd",
    "gd_pp",
    "ridge",
    "ols",
    "averaging",
    "knn",
    "lsa",
    "softmax_tf",
];

fn step(field: &str, value: Option<&Value>, steps: usize) -> Result<Step> {
    match value {
        None => Ok(Step::Optimal),
        Some(Value::String(s)) if s == "optimal" => Ok(Step::Optimal),
        Some(Value::Number(x)) => {
            let x = x.as_f64().unwrap_or(f64::NAN);
            NOISE.check_field(field, x)?;
            Ok(Step::Shared(x))
        }
        Some(Value::Array(values)) => {
            let etas: Vec<f64> = params_from_value(field, Value::Array(values.clone()))?;
            if etas.len() != steps {
                return Err(Error::Shape {
                    field: field.into(),
                    expected: format!("{steps} step sizes (one per step)"),
                    got: format!("{}", etas.len()),
                });
            }
            for (i, &x) in etas.iter().enumerate() {
                NOISE.check_field(&format!("{field}[{i}]"), x)?;
            }
            Ok(Step::PerStep(etas))
        }
        Some(other) => Err(Error::invalid(
            field,
            format!("expected \"optimal\", a number or an array of numbers, got {other}"),
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepsRaw {
    #[serde(default = "one_usize")]
    steps: usize,
    eta: Option<Value>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayersRaw {
    #[serde(default = "one_usize")]
    layers: usize,
    eta: Option<Value>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GammaRaw {
    gamma: Option<Value>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GdPpRaw {
    etas: Vec<f64>,
    gammas: Vec<f64>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RidgeRaw {
    lambda: Option<f64>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnnRaw {
    #[serde(default = "three")]
    k: usize,
}
fn one_usize() -> usize {
    1
}
fn three() -> usize {
    3
}

pub(crate) fn learner(field: &str, value: &Value, d: usize, n: usize) -> Result<LearnerSpec> {
    let (name, p) = split_tag(field, "name", value, LEARNERS)?;
    let depth =
        |k: usize, what: &str| check_size(&format!("{field}.{what}"), k, 64, "layers / steps");
    Ok(match name.as_str() {
        "gd" => {
            let raw: StepsRaw = params_from_value(field, p)?;
            depth(raw.steps, "steps")?;
            LearnerSpec::Gd {
                steps: raw.steps,
                eta: step(&format!("{field}.eta"), raw.eta.as_ref(), raw.steps)?,
            }
        }
        "lsa" if p.get("train").is_some() => {
            let raw: RawTrainable = params_from_value(field, p)?;
            LearnerSpec::Trained {
                name: "lsa",
                spec: trainable(field, raw, Activation::Linear, (d, n))?,
            }
        }
        "softmax_tf" => {
            let raw: RawTrainable = params_from_value(field, p)?;
            LearnerSpec::Trained {
                name: "softmax_tf",
                spec: trainable(field, raw, Activation::Softmax, (d, n))?,
            }
        }
        "lsa" => {
            let raw: LayersRaw = params_from_value(field, p)?;
            depth(raw.layers, "layers")?;
            let eta = step(&format!("{field}.eta"), raw.eta.as_ref(), raw.layers)?;
            LearnerSpec::Lsa {
                layers: raw.layers,
                eta,
            }
        }
        "preconditioned_gd" => {
            let raw: GammaRaw = params_from_value(field, p)?;
            let gamma = match raw.gamma {
                None => None,
                Some(Value::String(s)) if s == "optimal" => None,
                Some(v) => {
                    let rows: Vec<Vec<f64>> = params_from_value(&format!("{field}.gamma"), v)?;
                    let m = crate::tensor::Matrix::from_rows(&format!("{field}.gamma"), &rows)?;
                    if m.rows() != d || m.cols() != d {
                        return Err(Error::Shape {
                            field: format!("{field}.gamma"),
                            expected: format!("{d} × {d} (d × d)"),
                            got: format!("{} × {}", m.rows(), m.cols()),
                        });
                    }
                    Some(DMatrix::from_fn(d, d, |i, j| rows[i][j]))
                }
            };
            LearnerSpec::PreconditionedGd { gamma }
        }
        "gd_pp" => {
            let raw: GdPpRaw = params_from_value(field, p)?;
            depth(raw.etas.len(), "etas")?;
            if raw.gammas.len() != raw.etas.len() {
                return Err(Error::Shape {
                    field: format!("{field}.gammas"),
                    expected: format!("{} values (one per layer, as etas)", raw.etas.len()),
                    got: format!("{}", raw.gammas.len()),
                });
            }
            for (name, values) in [("etas", &raw.etas), ("gammas", &raw.gammas)] {
                for (i, &x) in values.iter().enumerate() {
                    NOISE.check_field(&format!("{field}.{name}[{i}]"), x.abs())?;
                }
            }
            LearnerSpec::GdPp {
                etas: raw.etas,
                gammas: raw.gammas,
            }
        }
        "ridge" => {
            let raw: RidgeRaw = params_from_value(field, p)?;
            if let Some(l) = raw.lambda {
                NOISE.check_field(&format!("{field}.lambda"), l)?;
            }
            LearnerSpec::Ridge { lambda: raw.lambda }
        }
        "knn" => {
            let raw: KnnRaw = params_from_value(field, p)?;
            check_size(&format!("{field}.k"), raw.k, MAX_N, "neighbours")?;
            LearnerSpec::Knn { k: raw.k }
        }
        "ols" => {
            let _: NoParams = params_from_value(field, p)?;
            LearnerSpec::Ols
        }
        _ => {
            let _: NoParams = params_from_value(field, p)?;
            LearnerSpec::Averaging
        }
    })
}
