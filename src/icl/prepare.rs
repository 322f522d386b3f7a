//! Resolving a requested learner into one ready to score (`Prepared`): fitted or closed-form step
//! sizes and preconditioners, the constructions' explicit-GD twins, ridge's trace estimator, and
//! a trained model's report.

use super::closed_form::{ols_risk, Moments};
use super::learner_spec::{LearnerSpec, Step};
use super::learners::{fit_shared_step, Learner};
use super::lsa::LsaLayer;
use super::request::IclRequest;
use super::tasks::{Prior, Task};
use super::train::Trainer;
use nalgebra::{DMatrix, SymmetricEigen};
use serde_json::{json, Value};

/// A learner with what it reports besides its risk.
pub(crate) struct Prepared {
    pub(crate) name: &'static str,
    pub(crate) learner: Learner,
    pub(crate) closed: std::result::Result<f64, String>,
    pub(crate) params: Value,
    /// The LSA construction is also run as explicit GD, to report the largest difference.
    pub(crate) twin: Option<Learner>,
    /// Ridge's posterior-mean risk by the trace estimator (its regulariser); `closed` is then the
    /// estimator's description.
    pub(crate) trace_estimator: Option<DMatrix<f64>>,
    /// The `Γ` of a one-step learner.
    pub(crate) one_step: Option<DMatrix<f64>>,
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

pub(crate) fn prepare(
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
