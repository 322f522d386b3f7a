//! The training settings of a trainable learner (`{"name": "lsa", "train": {...}}` or
//! `{"name": "softmax_tf", ...}`), parsed strictly with von Oswald's defaults (icl.md §1.1, V2):
//! Adam lr 1e-3 (5e-4 above 3 layers), β = (0.9, 0.98), batch 2048, init scale 0.002/K,
//! global-norm clip 0.001 up to 2 layers and 10 above, a constant learning rate (or `"schedule":
//! "cosine"`, decaying to 0).

use super::adam::AdamConfig;
use super::layer::Activation;
use super::model::Architecture;
use crate::catalog::Range;
use crate::error::{Error, Result};
use crate::schema::parse::{check_size, params_from_value};
use serde::Deserialize;
use serde_json::Value;

/// The most training steps of one request.
pub const MAX_STEPS: usize = 200_000;
/// The largest batch.
pub const MAX_BATCH: usize = 16_384;
/// The largest fixed evaluation set.
pub const MAX_EVAL_TASKS: usize = 100_000;
/// The most heads per layer.
pub const MAX_HEADS: usize = 16;
/// `steps · batch · K · H · (N + 1) · D · (D + N)` above this is refused (minutes of work).
pub const MAX_TRAIN_WORK: f64 = 5e11;

/// How a trainable learner is trained.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSpec {
    /// The model.
    pub arch: Architecture,
    /// Adam steps.
    pub steps: usize,
    /// Fresh tasks per step.
    pub batch: usize,
    /// Adam's settings.
    pub adam: AdamConfig,
    /// Weights start `~ N(0, init_scale / D)`.
    pub init_scale: f64,
    /// Seed of the initial weights, training tasks and evaluation tasks.
    pub seed: u64,
    /// Size of the fixed evaluation set the curve is measured on.
    pub eval_tasks: usize,
    /// A curve point every this many steps (and at the first and last step).
    pub log_every: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrain {
    #[serde(default = "default_steps")]
    steps: usize,
    #[serde(default = "default_batch")]
    batch: usize,
    lr: Option<f64>,
    #[serde(default = "constant")]
    schedule: String,
    #[serde(default = "default_beta1")]
    beta1: f64,
    #[serde(default = "default_beta2")]
    beta2: f64,
    #[serde(default = "default_eps")]
    eps: f64,
    /// Absent: von Oswald's rule; `null`: no clipping.
    #[serde(default = "absent")]
    clip: Option<Value>,
    init_scale: Option<f64>,
    #[serde(default)]
    seed: u64,
    #[serde(default = "default_eval")]
    eval_tasks: usize,
    log_every: Option<usize>,
}

fn default_steps() -> usize {
    4_000
}
fn default_batch() -> usize {
    2_048
}
fn constant() -> String {
    "constant".into()
}
fn default_beta1() -> f64 {
    0.9
}
fn default_beta2() -> f64 {
    0.98
}
fn default_eps() -> f64 {
    1e-8
}
fn default_eval() -> usize {
    2_048
}
/// Tells an absent `clip` (`Some(Null)` never arrives for absent fields) from `null`.
fn absent() -> Option<Value> {
    Some(Value::String("default".into()))
}

const UNIT_OPEN: Range = Range {
    min: 0.0,
    max: 0.999_999,
};
const POSITIVE: Range = Range {
    min: 1e-12,
    max: 1e3,
};

/// Parses `train` (absent: every default) for a model of `arch`.
pub fn train_spec(
    field: &str,
    value: Option<Value>,
    arch: Architecture,
    shape: (usize, usize),
) -> Result<TrainSpec> {
    let raw: RawTrain = params_from_value(
        field,
        value.unwrap_or_else(|| Value::Object(Default::default())),
    )?;
    let f = |name: &str| format!("{field}.{name}");
    check_size(&f("steps"), raw.steps, MAX_STEPS, "Adam steps")?;
    check_size(&f("batch"), raw.batch, MAX_BATCH, "tasks per step")?;
    check_size(
        &f("eval_tasks"),
        raw.eval_tasks,
        MAX_EVAL_TASKS,
        "evaluation tasks",
    )?;
    let k = arch.layers;
    let lr = raw.lr.unwrap_or(if k > 3 { 5e-4 } else { 1e-3 });
    POSITIVE.check_field(&f("lr"), lr)?;
    UNIT_OPEN.check_field(&f("beta1"), raw.beta1)?;
    UNIT_OPEN.check_field(&f("beta2"), raw.beta2)?;
    POSITIVE.check_field(&f("eps"), raw.eps)?;
    let clip = match raw.clip {
        None => None,
        Some(Value::String(s)) if s == "default" => Some(if k <= 2 { 1e-3 } else { 10.0 }),
        Some(Value::Number(x)) => {
            let x = x.as_f64().unwrap_or(f64::NAN);
            POSITIVE.check_field(&f("clip"), x)?;
            Some(x)
        }
        Some(other) => {
            return Err(Error::invalid(
                f("clip"),
                format!("expected a positive number or null (no clipping), got {other}"),
            ))
        }
    };
    let cosine_steps = match raw.schedule.as_str() {
        "constant" => None,
        "cosine" => Some(raw.steps),
        other => {
            return Err(Error::invalid(
                f("schedule"),
                format!("unknown learning-rate schedule \"{other}\"; known: constant, cosine"),
            ))
        }
    };
    let init_scale = raw.init_scale.unwrap_or(0.002 / k as f64);
    POSITIVE.check_field(&f("init_scale"), init_scale)?;
    let log_every = raw.log_every.unwrap_or((raw.steps / 100).max(1));
    check_size(
        &f("log_every"),
        log_every,
        raw.steps,
        "steps between curve points",
    )?;
    let (dim, n) = (shape.0 as f64 + 1.0, shape.1 as f64);
    let per_task = (k * arch.heads) as f64 * (n + 1.0) * dim * (dim + n);
    let training = raw.steps as f64 * raw.batch as f64;
    // The curve: the evaluation set is scored at every logged step (and at the end).
    let evaluation = (raw.steps / log_every + 1) as f64 * raw.eval_tasks as f64;
    let work = (training + evaluation) * per_task;
    if work > MAX_TRAIN_WORK {
        let field = if evaluation > training {
            "log_every"
        } else {
            "steps"
        };
        return Err(Error::Limit {
            field: f(field),
            value: format!(
                "(steps · batch + curve points · eval_tasks) · K · H · (N+1) · D · (D+N) = {work:.3e}"
            ),
            range: format!("at most {MAX_TRAIN_WORK:e}"),
            why: "the training work of one request, its curve included".into(),
        });
    }
    Ok(TrainSpec {
        arch,
        steps: raw.steps,
        batch: raw.batch,
        adam: AdamConfig {
            lr,
            beta1: raw.beta1,
            beta2: raw.beta2,
            eps: raw.eps,
            clip,
            cosine_steps,
        },
        init_scale,
        seed: raw.seed,
        eval_tasks: raw.eval_tasks,
        log_every,
    })
}

/// The architecture fields of a trainable learner.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrainable {
    #[serde(default = "one")]
    pub layers: usize,
    pub heads: Option<usize>,
    #[serde(default)]
    pub shared: bool,
    #[serde(default = "full")]
    pub parameterization: String,
    pub train: Option<Value>,
}

fn one() -> usize {
    1
}
fn full() -> String {
    "full".into()
}

/// Parses a trainable learner's architecture and training settings (`shape` = (d, N)).
pub(crate) fn trainable(
    field: &str,
    raw: RawTrainable,
    activation: Activation,
    shape: (usize, usize),
) -> Result<TrainSpec> {
    check_size(
        &format!("{field}.layers"),
        raw.layers,
        16,
        "trainable layers",
    )?;
    let heads = raw.heads.unwrap_or(match activation {
        Activation::Linear => 1,
        Activation::Softmax => 2,
    });
    check_size(
        &format!("{field}.heads"),
        heads,
        MAX_HEADS,
        "heads per layer",
    )?;
    let sparse = match raw.parameterization.as_str() {
        "full" => false,
        "sparse" => true,
        other => {
            return Err(Error::invalid(
                format!("{field}.parameterization"),
                format!("unknown parameterization \"{other}\"; known: full, sparse (W_KQ's x-block and W_PV's label entry only)"),
            ))
        }
    };
    let arch = Architecture {
        activation,
        layers: raw.layers,
        heads,
        shared: raw.shared,
        sparse,
    };
    train_spec(&format!("{field}.train"), raw.train, arch, shape)
}
