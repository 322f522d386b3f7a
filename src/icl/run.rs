//! `evaluate`: one ICL request → one response. Every learner is scored on the same seeded tasks
//! (common random numbers) by Monte Carlo of the excess risk `E[(ŷ − w·x_q)²]`, next to its closed
//! form where one exists (icl.md F1–F5).

use super::closed_form::{ols_risk, Moments};
use super::learner_spec::{LearnerSpec, Step};
use super::learners::{fit_shared_step, Learner};
use super::lsa::LsaLayer;
use super::request::IclRequest;
use super::rnn_panel::{rnn_panel, RnnPanel};
use super::session::IclSession;
use super::tasks::{Prior, Task};
use super::train::Trainer;
use super::trajectory::{trajectory, Trajectory};
use crate::error::Result;
use nalgebra::{DMatrix, SymmetricEigen};
use serde::Serialize;
use serde_json::{json, Value};

/// Tasks used to fit a shared step size of K > 1 GD steps (a stream apart from the scored ones).
pub const FIT_TASKS: usize = 2_048;

/// One learner's result.
#[derive(Debug, Clone, Serialize)]
pub struct LearnerResult {
    /// The learner's name.
    pub name: String,
    /// Monte Carlo excess risk `E[(ŷ − w·x_q)²]` (add `noise_variance` for the total risk).
    pub risk: f64,
    /// Its standard error.
    pub risk_se: f64,
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
}

/// Welford's running mean and variance.
#[derive(Debug, Clone, Copy, Default)]
struct Running {
    count: f64,
    mean: f64,
    m2: f64,
}

impl Running {
    fn push(&mut self, x: f64) {
        self.count += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.count;
        self.m2 += delta * (x - self.mean);
    }
    fn se(&self) -> f64 {
        if self.count > 1.0 {
            (self.m2 / (self.count - 1.0) / self.count).sqrt()
        } else {
            0.0
        }
    }
}

/// A learner with what it reports besides its risk.
struct Prepared {
    name: &'static str,
    learner: Learner,
    closed: std::result::Result<f64, String>,
    params: Value,
    /// The LSA construction is also run as explicit GD, to report the largest difference.
    twin: Option<Learner>,
    /// Ridge's posterior-mean risk by the trace estimator (its regulariser); `closed` is then the
    /// estimator's description.
    trace_estimator: Option<DMatrix<f64>>,
    /// The `Γ` of a one-step learner.
    one_step: Option<DMatrix<f64>>,
}

fn eigs_desc(m: &DMatrix<f64>) -> Vec<f64> {
    let sym = (m + m.transpose()) * 0.5;
    let mut e: Vec<f64> = SymmetricEigen::new(sym)
        .eigenvalues
        .iter()
        .copied()
        .collect();
    e.sort_by(|a, b| b.total_cmp(a));
    e
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| m.row(i).iter().copied().collect())
        .collect()
}

/// The step sizes of K steps, and where they came from.
fn resolve_steps(
    eta: &Step,
    k: usize,
    moments: &Moments,
    n: usize,
    fit: &[Task],
) -> (Vec<f64>, &'static str) {
    match eta {
        Step::Shared(x) => (vec![*x; k], "given"),
        Step::PerStep(v) => (v.clone(), "given"),
        Step::Optimal if k == 1 => (
            vec![moments.optimal_step(n)],
            "closed form (icl.md F1, F2, F4: tr(Λ²P) / (tr(Λ E[SPS]) + σ² tr(Λ²)/N))",
        ),
        Step::Optimal => (
            vec![fit_shared_step(moments, n, k, fit); k],
            "fitted: one shared η, golden-section search on 2048 separate tasks",
        ),
    }
}

fn prepare(
    spec: &LearnerSpec,
    req: &IclRequest,
    moments: &Moments,
    fit: &[Task],
    trained: Option<&Trainer>,
) -> Prepared {
    let (d, n) = (req.tasks.d, req.tasks.n);
    let one_step = |gamma: &DMatrix<f64>| Ok(moments.risk(gamma, n));
    if let (LearnerSpec::Trained { name, .. }, Some(trainer)) = (spec, trained) {
        return Prepared {
            name,
            learner: Learner::Trained {
                model: Box::new(trainer.model.clone()),
            },
            closed: Err("a trained model has no closed form; params.reference has the reference algorithm's".into()),
            params: trainer.report(),
            twin: None,
            trace_estimator: None,
            one_step: None,
        };
    }
    match spec {
        LearnerSpec::Gd { steps, eta } => {
            let (etas, source) = resolve_steps(eta, *steps, moments, n, fit);
            let closed = if *steps == 1 {
                one_step(&(DMatrix::identity(d, d) * etas[0]))
            } else {
                Err("no closed form for K > 1 GD steps (icl.md F6 gives fitted references)".into())
            };
            Prepared {
                name: "gd",
                params: json!({"steps": steps, "etas": etas, "eta_source": source}),
                one_step: (*steps == 1).then(|| DMatrix::identity(d, d) * etas[0]),
                learner: Learner::Gd { etas },
                closed,
                twin: None,
                trace_estimator: None,
            }
        }
        LearnerSpec::Lsa { layers, eta } => {
            let (etas, source) = resolve_steps(eta, *layers, moments, n, fit);
            let stack: Vec<LsaLayer> = etas.iter().map(|&e| LsaLayer::gd(d, e)).collect();
            let closed = if *layers == 1 {
                one_step(&(DMatrix::identity(d, d) * etas[0]))
            } else {
                Err("no closed form for K > 1 layers; equals K GD steps".into())
            };
            Prepared {
                name: "lsa",
                params: json!({"layers": layers, "etas": etas, "eta_source": source,
                               "construction": "W_KQ = [[I, 0], [0, 0]], W_PV = [[0, 0], [0, −η]] per layer"}),
                twin: Some(Learner::Gd { etas: etas.clone() }),
                one_step: (*layers == 1).then(|| DMatrix::identity(d, d) * etas[0]),
                learner: Learner::Lsa { layers: stack },
                closed,
                trace_estimator: None,
            }
        }
        LearnerSpec::PreconditionedGd { gamma } => {
            let (gamma, source) = match gamma {
                Some(g) => (g.clone(), "given"),
                None => (
                    moments.optimal_preconditioner(n),
                    "closed form Γ* = P Λ (E[SPS] + σ²Λ/N)⁻¹ (icl.md F4)",
                ),
            };
            let gl = &gamma * &moments.lambda;
            Prepared {
                name: "preconditioned_gd",
                closed: one_step(&gamma),
                params: json!({"gamma": rows(&gamma), "gamma_eigs": eigs_desc(&gamma),
                               "gamma_lambda_eigs": eigs_desc(&gl), "gamma_source": source}),
                one_step: Some(gamma.clone()),
                learner: Learner::PreconditionedGd { gamma },
                twin: None,
                trace_estimator: None,
            }
        }
        LearnerSpec::GdPp { etas, gammas } => Prepared {
            name: "gd_pp",
            params: json!({"etas": etas, "gammas": gammas}),
            learner: Learner::Lsa {
                layers: etas
                    .iter()
                    .zip(gammas)
                    .map(|(&e, &g)| LsaLayer::gd_pp(d, e, g))
                    .collect(),
            },
            closed: Err("no closed form for GD++ (icl.md F6 gives fitted references)".into()),
            twin: None,
            trace_estimator: None,
            one_step: None,
        },
        LearnerSpec::Ridge { lambda } => {
            let sigma2 = moments.sigma2;
            let (regulariser, params, bayes) = match lambda {
                Some(l) => (DMatrix::identity(d, d) * *l, json!({"lambda": l}), false),
                None => {
                    let precision = moments
                        .prior
                        .clone()
                        .try_inverse()
                        .unwrap_or_else(|| DMatrix::identity(d, d));
                    let lambda = match req.tasks.prior {
                        Prior::Isotropic { tau } => json!(sigma2 / (tau * tau)),
                        Prior::InverseCov => Value::Null,
                    };
                    (
                        precision * sigma2,
                        json!({"lambda": lambda, "regulariser": "Bayes posterior mean: σ² P⁻¹ (λ = σ²/τ² for w ~ N(0, τ²I))"}),
                        true,
                    )
                }
            };
            let (closed, trace) = if bayes && sigma2 > 0.0 {
                (
                    Err("Monte Carlo of the trace estimator σ² E tr(Λ (XᵀX + σ²P⁻¹)⁻¹) on the same tasks (icl.md F3)".into()),
                    Some(regulariser.clone()),
                )
            } else if bayes {
                (ols_risk(&req.tasks).map_err(str::to_owned), None)
            } else {
                (Err("closed form for the Bayes λ = σ²/τ² only".into()), None)
            };
            Prepared {
                name: "ridge",
                learner: Learner::Ridge { regulariser },
                closed,
                params,
                twin: None,
                trace_estimator: trace,
                one_step: None,
            }
        }
        LearnerSpec::Ols => Prepared {
            name: "ols",
            learner: Learner::Ols,
            closed: ols_risk(&req.tasks).map_err(str::to_owned),
            params: json!({"solver": "min-norm least squares by SVD"}),
            twin: None,
            trace_estimator: None,
            one_step: None,
        },
        LearnerSpec::Averaging => Prepared {
            name: "averaging",
            learner: Learner::Averaging,
            closed: one_step(&DMatrix::identity(d, d)),
            params: json!({"eta": 1.0}),
            twin: None,
            trace_estimator: None,
            one_step: Some(DMatrix::identity(d, d)),
        },
        LearnerSpec::Trained { name, .. } => Prepared {
            name,
            learner: Learner::Averaging,
            closed: Err("not trained".into()),
            params: json!({"error": "the model was not trained"}),
            twin: None,
            trace_estimator: None,
            one_step: None,
        },
        LearnerSpec::Knn { k } => Prepared {
            name: "knn",
            learner: Learner::Knn { k: *k },
            closed: Err("no closed form for k-nearest neighbours".into()),
            params: json!({"k": k, "weights": "uniform"}),
            twin: None,
            trace_estimator: None,
            one_step: None,
        },
    }
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
    // Without learners (a request for the trajectory or RNN views only) there is nothing to score.
    let scored = if prepared.is_empty() { 0 } else { req.count };
    for task in req.tasks.stream(req.seed).take(scored) {
        let target = task.target();
        for (i, p) in prepared.iter().enumerate() {
            let y = p.learner.predict(&task);
            risk[i].push((y - target).powi(2));
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
                risk: risk[i].mean,
                risk_se: risk[i].se(),
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
    })
}
