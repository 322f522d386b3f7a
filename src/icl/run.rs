//! `evaluate`: one ICL request → one response. Every learner is scored on the same seeded tasks
//! (common random numbers) by Monte Carlo of the excess risk `E[(ŷ − w·x_q)²]`, next to its closed
//! form where one exists (icl.md F1–F5).

use super::ar::{ar_panel, ArPanel};
use super::closed_form::Moments;
use super::learner_spec::{LearnerSpec, Step};
use super::prepare::{prepare, Prepared};
use super::request::IclRequest;
use super::rnn_panel::{rnn_panel, RnnPanel};
use super::running::Running;
use super::session::IclSession;
use super::tasks::Task;
use super::train::Trainer;
use super::trajectory::{trajectory, Trajectory};
use crate::error::Result;
use serde::Serialize;
use serde_json::{json, Value};

/// Tasks used to fit a shared step size of K > 1 GD steps (a stream apart from the scored ones).
pub const FIT_TASKS: usize = 2_048;

/// A squared error above this (or not finite) counts as a diverged task: no convergent
/// learner comes near it, and the risk's standard error would overflow f64 beyond it.
pub const DIVERGED_LOSS: f64 = 1e100;

/// One learner's result.
#[derive(Debug, Clone, Serialize)]
pub struct LearnerResult {
    /// The learner's name.
    pub name: String,
    /// Monte Carlo excess risk `E[(ŷ − w·x_q)²]` (add `noise_variance` for the total risk).
    pub risk: f64,
    /// Its standard error.
    pub risk_se: f64,
    /// Tasks whose squared error overflowed or passed [`DIVERGED_LOSS`] (the learner diverged
    /// on them: GD with η far beyond 2/λ_max, say); when any did, `risk` and `risk_se` are infinite (null in JSON) and this
    /// count says why. 0 for a learner that stayed finite.
    pub diverged_tasks: usize,
    /// The closed form of the same risk, where there is one (null otherwise).
    pub risk_closed_form: Option<f64>,
    /// Standard error of the closed form when it is itself a Monte Carlo estimate (ridge's trace
    /// estimator); null when exact.
    pub risk_closed_form_se: Option<f64>,
    /// Why there is no closed form, or how it was computed.
    pub closed_form_note: Option<String>,
    /// The fitted or resolved parameters (`etas`, `gamma`, `gamma_eigs`, `lambda`, ...).
    pub params: Value,
    /// For one-step learners (`ŷ = x_qᵀ Γ h`, Γ fixed at the request's n), the closed-form risk
    /// at each of the request's `lengths` M (icl.md F4c); null otherwise.
    pub closed_form_at_lengths: Option<Vec<f64>>,
}

/// The response of `attnscope icl`.
#[derive(Debug, Clone, Serialize)]
pub struct IclResponse {
    /// Input dimension.
    pub d: usize,
    /// Context pairs.
    pub n: usize,
    /// Monte Carlo tasks.
    pub tasks: usize,
    /// Seed.
    pub seed: u64,
    /// `σ²` (total risk = excess risk + σ²).
    pub noise_variance: f64,
    /// The zero predictor's risk `tr(Λ P)` (Garg's normaliser is d for Λ = P = I).
    pub zero_predictor_risk: f64,
    /// Eigenvalues of the input covariance.
    pub cov_eigs: Vec<f64>,
    /// One result per requested learner, in order.
    pub learners: Vec<LearnerResult>,
    /// View V5's trajectory, when the request asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trajectory: Option<Trajectory>,
    /// View V10's RNN panel, when the request asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rnn: Option<RnnPanel>,
    /// V10's time-series panel, when the request asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ar: Option<ArPanel>,
}

/// Scores every learner of `req`, training the trainable ones to the end first.
pub fn evaluate(req: &IclRequest) -> Result<IclResponse> {
    let mut session = IclSession::new(req.clone());
    while !session.done() {
        session.advance(usize::MAX);
    }
    session.finish()
}

/// Scores every learner of `req`; `trained[i]` is learner i's trainer when it is trainable.
pub(crate) fn score(req: &IclRequest, trained: &[Option<Trainer>]) -> Result<IclResponse> {
    let moments = Moments::of(&req.tasks);
    let needs_fit = req.learners.iter().any(|l| {
        matches!(l, LearnerSpec::Gd { steps, eta: Step::Optimal } if *steps > 1)
            || matches!(l, LearnerSpec::Lsa { layers, eta: Step::Optimal } if *layers > 1)
    });
    let fit: Vec<Task> = if needs_fit {
        req.tasks
            .sample(FIT_TASKS, req.seed.wrapping_add(0x9E37_79B9_7F4A_7C15))
    } else {
        Vec::new()
    };
    let prepared: Vec<Prepared> = req
        .learners
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let trainer = trained.get(i).and_then(Option::as_ref);
            prepare(spec, req, &moments, &fit, trainer)
        })
        .collect();
    let mut risk = vec![Running::default(); prepared.len()];
    let mut trace = vec![Running::default(); prepared.len()];
    let mut twin_gap = vec![0.0f64; prepared.len()];
    let mut diverged = vec![0usize; prepared.len()];
    // Without learners (a request for the trajectory or RNN views only) there is nothing to score.
    let scored = if prepared.is_empty() { 0 } else { req.count };
    for task in req.tasks.stream(req.seed).take(scored) {
        let target = task.target();
        for (i, p) in prepared.iter().enumerate() {
            let y = p.learner.predict(&task);
            let loss = (y - target).powi(2);
            if loss.is_nan() || loss > DIVERGED_LOSS {
                diverged[i] += 1;
            }
            risk[i].push(loss);
            if let Some(twin) = &p.twin {
                twin_gap[i] = twin_gap[i].max((twin.predict(&task) - y).abs());
            }
            if let Some(reg) = &p.trace_estimator {
                let a = task.x.transpose() * &task.x + reg;
                if let Some(inv) = a.try_inverse() {
                    trace[i].push(moments.sigma2 * (&moments.lambda * inv).trace());
                }
            }
        }
    }
    let learners = prepared
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut params = p.params;
            if p.twin.is_some() {
                params["max_abs_diff_vs_gd"] = json!(twin_gap[i]);
            }
            // Without an exact value, the note says why, or how the trace estimator made one.
            let (closed, closed_se, note) = match (p.closed, p.trace_estimator.is_some()) {
                (Ok(x), _) => (Some(x), None, None),
                (Err(how), true) => (Some(trace[i].mean), Some(trace[i].se()), Some(how)),
                (Err(why), false) => (None, None, Some(why)),
            };
            let closed_form_at_lengths = p.one_step.as_ref().map(|gamma| {
                req.lengths
                    .iter()
                    .map(|&m| moments.risk(gamma, m))
                    .collect()
            });
            LearnerResult {
                closed_form_at_lengths,
                name: p.name.to_owned(),
                risk: if diverged[i] > 0 {
                    f64::INFINITY
                } else {
                    risk[i].mean
                },
                risk_se: if diverged[i] > 0 {
                    f64::INFINITY
                } else {
                    risk[i].se()
                },
                diverged_tasks: diverged[i],
                risk_closed_form: closed,
                risk_closed_form_se: closed_se,
                closed_form_note: note,
                params,
            }
        })
        .collect();
    Ok(IclResponse {
        d: req.tasks.d,
        n: req.tasks.n,
        tasks: req.count,
        seed: req.seed,
        noise_variance: moments.sigma2,
        zero_predictor_risk: moments.zero_risk(),
        cov_eigs: req.tasks.eigenvalues(),
        learners,
        trajectory: req
            .trajectory
            .as_ref()
            .map(|spec| trajectory(spec, &req.tasks, req.seed)),
        rnn: req
            .rnn
            .as_ref()
            .map(|spec| rnn_panel(spec, &req.tasks, req.seed)),
        ar: req.ar.as_ref().map(|spec| ar_panel(spec, req.seed)),
    })
}
