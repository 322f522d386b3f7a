//! `IclRequest`: the JSON that `attnscope icl` reads (and the page will send): the task
//! distribution, the Monte Carlo size and the learners, parsed strictly (every error names its
//! dotted field, e.g. `learners[1].eta`).

use super::ar::ArSpec;
use super::learner_spec::{learner, LearnerSpec};
use super::rnn_panel::RnnPanelSpec;
use super::tasks::{random_rotation, Inputs, Prior, TaskDistribution};
use super::trajectory_spec::TrajectorySpec;
use crate::catalog::Range;
use crate::error::{Error, Result};
use crate::schema::parse::{check_size, params_from_value};
use nalgebra::DMatrix;
use serde::Deserialize;
use serde_json::Value;

/// The largest input dimension.
pub const MAX_D: usize = 64;
/// The largest number of context pairs.
pub const MAX_N: usize = 1_024;
/// The largest Monte Carlo sample.
pub const MAX_TASKS: usize = 1_000_000;
/// `tasks · n · d` above this is refused (seconds of work on one core).
pub const MAX_WORK: usize = 100_000_000;
/// A learner whose steps (and step-size fit) cost more multiply-adds than this is refused
/// (about ten seconds on one core; [`LearnerSpec::work`]).
pub const MAX_LEARNER_WORK: f64 = 4e9;

/// Accepted noise levels, prior scales, input ranges and covariance eigenvalues.
const POSITIVE: Range = Range {
    min: 1e-6,
    max: 1e6,
};
pub(crate) const NOISE: Range = Range { min: 0.0, max: 1e3 };

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    d: usize,
    n: usize,
    #[serde(default)]
    noise: f64,
    #[serde(default = "gaussian")]
    x: String,
    #[serde(default = "one")]
    x_range: f64,
    cov_eigs: Option<Vec<f64>>,
    #[serde(default)]
    rotate: bool,
    #[serde(default = "identity")]
    prior: String,
    #[serde(default = "one")]
    tau: f64,
    #[serde(default)]
    seed: u64,
    #[serde(default = "default_tasks")]
    tasks: usize,
    #[serde(default)]
    lengths: Vec<usize>,
    #[serde(default)]
    learners: Vec<Value>,
    trajectory: Option<Value>,
    rnn: Option<Value>,
    ar: Option<Value>,
}

fn gaussian() -> String {
    "gaussian".into()
}
fn identity() -> String {
    "identity".into()
}
fn one() -> f64 {
    1.0
}
fn default_tasks() -> usize {
    10_000
}

/// A parsed request.
#[derive(Debug, Clone, PartialEq)]
pub struct IclRequest {
    /// The task distribution.
    pub tasks: TaskDistribution,
    /// Monte Carlo sample size.
    pub count: usize,
    /// Seed of the tasks.
    pub seed: u64,
    /// The learners, in order.
    pub learners: Vec<LearnerSpec>,
    /// Test prompt lengths M at which one-step learners' closed-form risk is also reported
    /// (length generalisation, icl.md F4c).
    pub lengths: Vec<usize>,
    /// View V5's trajectory in the plane (d = 2), when asked for.
    pub trajectory: Option<TrajectorySpec>,
    /// View V10's RNN panel, when asked for.
    pub rnn: Option<RnnPanelSpec>,
    /// V10's time-series panel (AR(p) forecasting), when asked for.
    pub ar: Option<ArSpec>,
}

impl IclRequest {
    /// Parses and validates a request.
    pub fn from_value(value: Value) -> Result<IclRequest> {
        if !value.is_object() {
            return Err(Error::invalid(
                "",
                "expected a JSON object (an ICL request)",
            ));
        }
        let raw: RawRequest = params_from_value("", value)?;
        check_size("d", raw.d, MAX_D, "the input dimension")?;
        check_size("n", raw.n, MAX_N, "context pairs per task")?;
        check_size("tasks", raw.tasks, MAX_TASKS, "Monte Carlo tasks")?;
        NOISE.check_field("noise", raw.noise)?;
        POSITIVE.check_field("tau", raw.tau)?;
        if raw.tasks.saturating_mul(raw.n).saturating_mul(raw.d) > MAX_WORK {
            return Err(Error::Limit {
                field: "tasks".into(),
                value: format!("tasks · n · d = {}", raw.tasks * raw.n * raw.d),
                range: format!("at most {MAX_WORK}"),
                why: "the Monte Carlo work of one request".into(),
            });
        }
        let inputs = match raw.x.as_str() {
            "gaussian" => {
                let eigs = raw.cov_eigs.clone().unwrap_or_else(|| vec![1.0; raw.d]);
                if eigs.len() != raw.d {
                    return Err(Error::Shape {
                        field: "cov_eigs".into(),
                        expected: format!("{} eigenvalues (d)", raw.d),
                        got: format!("{}", eigs.len()),
                    });
                }
                for (i, &e) in eigs.iter().enumerate() {
                    POSITIVE.check_field(&format!("cov_eigs[{i}]"), e)?;
                }
                let rotation = if raw.rotate {
                    random_rotation(raw.d, raw.seed)
                } else {
                    DMatrix::identity(raw.d, raw.d)
                };
                Inputs::Gaussian { eigs, rotation }
            }
            "uniform" => {
                if raw.cov_eigs.is_some() || raw.rotate {
                    return Err(Error::invalid(
                        "cov_eigs",
                        "uniform inputs have independent coordinates: cov_eigs and rotate are for \"x\": \"gaussian\"",
                    ));
                }
                POSITIVE.check_field("x_range", raw.x_range)?;
                Inputs::Uniform { a: raw.x_range }
            }
            other => {
                return Err(Error::invalid(
                    "x",
                    format!("unknown input distribution \"{other}\"; known: gaussian, uniform"),
                ))
            }
        };
        let prior = match raw.prior.as_str() {
            "identity" => Prior::Isotropic { tau: raw.tau },
            "inverse_cov" => Prior::InverseCov,
            other => {
                return Err(Error::invalid(
                    "prior",
                    format!("unknown prior \"{other}\"; known: identity, inverse_cov"),
                ))
            }
        };
        if raw.lengths.len() > 256 {
            return Err(Error::Limit {
                field: "lengths".into(),
                value: format!("{} lengths", raw.lengths.len()),
                range: "at most 256".into(),
                why: "prompt lengths for the closed-form curve".into(),
            });
        }
        for (i, &m) in raw.lengths.iter().enumerate() {
            check_size(
                &format!("lengths[{i}]"),
                m,
                1_000_000_000,
                "a test prompt length",
            )?;
        }
        if raw.learners.is_empty()
            && raw.trajectory.is_none()
            && raw.rnn.is_none()
            && raw.ar.is_none()
        {
            return Err(Error::invalid(
                "learners",
                "at least one learner (or a trajectory, rnn or ar view)",
            ));
        }
        let trajectory = raw
            .trajectory
            .map(|v| TrajectorySpec::parse(v, raw.d, raw.n))
            .transpose()?;
        let rnn = raw.rnn.map(|v| RnnPanelSpec::parse(v, raw.n)).transpose()?;
        let ar = raw.ar.map(ArSpec::parse).transpose()?;
        let learners = raw
            .learners
            .iter()
            .enumerate()
            .map(|(i, v)| learner(&format!("learners[{i}]"), v, raw.d, raw.n))
            .collect::<Result<Vec<_>>>()?;
        for (i, spec) in learners.iter().enumerate() {
            if let Some((work, field)) = spec.work(raw.tasks, raw.n, raw.d) {
                if work > MAX_LEARNER_WORK {
                    return Err(Error::Limit {
                        field: format!("learners[{i}].{field}"),
                        value: format!(
                            "{work:.3e} multiply-adds ((tasks + η-fit tasks) · {field} · n · d)"
                        ),
                        range: format!("at most {MAX_LEARNER_WORK:e}"),
                        why: "the scoring work of one learner".into(),
                    });
                }
            }
        }
        Ok(IclRequest {
            tasks: TaskDistribution {
                d: raw.d,
                n: raw.n,
                noise: raw.noise,
                inputs,
                prior,
            },
            count: raw.tasks,
            seed: raw.seed,
            learners,
            lengths: raw.lengths,
            trajectory,
            rnn,
            ar,
        })
    }
}
