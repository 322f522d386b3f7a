//! View V5's data (icl.md V5, F0, F6): for one seeded task in d = 2, the implicit weight vector
//! of every learner in the (w₁, w₂) plane: the true w, OLS, the ridge path, GD iterates from 0,
//! the constructed LSA stack's implicit weights (equal to the GD iterates, F0), GD++ layers, the
//! in-context loss as an exact quadratic (for contour ellipses), and the streaming panel (ŵ after
//! k = 1 … K_max examples for OLS, Bayes ridge and one optimal GD step).

use super::closed_form::Moments;
use super::learners::Learner;
use super::lsa::{gd_iterates, implicit_weights, LsaLayer};
use super::tasks::{Task, TaskDistribution};
use super::trajectory_spec::TrajectorySpec;
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use serde::Serialize;

/// Contour levels drawn between the loss minimum and the loss at w = 0.
const CONTOUR_LEVELS: usize = 6;

/// `L(w) = (1/2N) ‖Xw − y‖² = minimum + ½ (w − centre)ᵀ hessian (w − centre)`, exactly.
#[derive(Debug, Clone, Serialize)]
pub struct LossQuadratic {
    /// A minimiser: the min-norm least-squares solution (unique when N ≥ d and X has rank d).
    pub centre: Vec<f64>,
    /// `H = XᵀX / N` (rows).
    pub hessian: Vec<Vec<f64>>,
    /// Eigenvalues of H, largest first (GD on L is stable for η < 2 / the first).
    pub hessian_eigs: Vec<f64>,
    /// `L(centre)`, the smallest loss.
    pub minimum: f64,
    /// `L(0) = ‖y‖² / 2N`.
    pub at_zero: f64,
    /// Loss values whose level sets the page draws: `minimum + (at_zero − minimum) / 4^j`.
    pub levels: Vec<f64>,
}

/// One point of the ridge path.
#[derive(Debug, Clone, Serialize)]
pub struct RidgePoint {
    /// λ of `ŵ(λ) = (XᵀX + λ I)⁻¹ Xᵀ y` (unnormalised, so Bayes λ = σ²/τ²).
    pub lambda: f64,
    /// `ŵ(λ)`.
    pub w: Vec<f64>,
}

/// GD++ layer outputs (icl.md F6).
#[derive(Debug, Clone, Serialize)]
pub struct GdPpPath {
    /// Per-layer η.
    pub etas: Vec<f64>,
    /// Per-layer γ.
    pub gammas: Vec<f64>,
    /// `w[ℓ]`: the implicit weights `∂ŷ_ℓ/∂x_q` after ℓ layers (`w[0] = 0`).
    pub w: Vec<Vec<f64>>,
    /// `L(w[ℓ])` on the original context.
    pub loss: Vec<f64>,
    /// The first layer ℓ whose iterate overflowed (the path diverged): `w` and `loss` stop
    /// before it; null when every layer is finite.
    pub diverged_at: Option<usize>,
}

/// The streaming panel: ŵ after the first k context examples of one longer task.
#[derive(Debug, Clone, Serialize)]
pub struct StreamingPath {
    /// k = 1 … K_max.
    pub k: Vec<usize>,
    /// Min-norm OLS on k examples.
    pub ols: Vec<Vec<f64>>,
    /// Bayes ridge (posterior mean, λ = σ²/τ² for the isotropic prior) on k examples.
    pub ridge: Vec<Vec<f64>>,
    /// One GD step from 0 with F1's optimal η*(k).
    pub gd: Vec<Vec<f64>>,
    /// η*(k) of each GD step.
    pub gd_etas: Vec<f64>,
    /// Bayes ridge's λ (null for the w ~ N(0, Σ⁻¹) prior, whose regulariser is σ² Σ).
    pub ridge_lambda: Option<f64>,
}

/// What the V5 view draws.
#[derive(Debug, Clone, Serialize)]
pub struct Trajectory {
    /// The task's true w.
    pub w_true: Vec<f64>,
    /// The context inputs (N rows of d).
    pub x: Vec<Vec<f64>>,
    /// The context labels.
    pub y: Vec<f64>,
    /// Min-norm OLS `X⁺ y`.
    pub ols: Vec<f64>,
    /// The in-context loss as a quadratic.
    pub loss: LossQuadratic,
    /// The ridge path, λ from large to small.
    pub ridge_path: Vec<RidgePoint>,
    /// Bayes ridge on the N examples and its λ (null λ for the Σ⁻¹ prior).
    pub ridge_bayes: Vec<f64>,
    /// The GD step size used by GD and the LSA stack.
    pub eta: f64,
    /// Where η came from.
    pub eta_source: &'static str,
    /// Whether `η < 2 / λ_max(H)` (GD converges to OLS).
    pub eta_stable: bool,
    /// GD iterates `gd[k] = w_k`, `gd[0] = 0`.
    pub gd: Vec<Vec<f64>>,
    /// `L(w_k)`.
    pub gd_loss: Vec<f64>,
    /// The first step k whose GD iterate overflowed (η far beyond 2/λ_max): `gd`, `gd_loss`
    /// and `lsa` stop before it; null when every step is finite.
    pub gd_diverged_at: Option<usize>,
    /// The constructed LSA stack's implicit weights after ℓ layers (`lsa[0] = 0`).
    pub lsa: Vec<Vec<f64>>,
    /// `max_ℓ ‖lsa[ℓ] − gd[ℓ]‖_∞` (F0: about 1e-15).
    pub lsa_max_abs_diff_vs_gd: f64,
    /// GD++ layers, when asked for.
    pub gd_pp: Option<GdPpPath>,
    /// The streaming panel.
    pub streaming: StreamingPath,
}

fn vec_of(v: &DVector<f64>) -> Vec<f64> {
    v.iter().copied().collect()
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| m.row(i).iter().copied().collect())
        .collect()
}

/// The implicit weights `ŵ_j = ŷ(x_q = e_j)` of a learner whose prediction is linear in `x_q` with
/// no intercept (OLS, ridge, GD): the same code path as the risk views.
pub fn learner_weights(learner: &Learner, task: &Task) -> DVector<f64> {
    let d = task.x.ncols();
    DVector::from_fn(d, |j, _| {
        let mut e_j = DVector::zeros(d);
        e_j[j] = 1.0;
        learner.predict(&Task {
            x_query: e_j,
            ..task.clone()
        })
    })
}

/// `L(w) = (1/2N) ‖Xw − y‖²`, evaluated directly.
pub fn in_context_loss(task: &Task, w: &DVector<f64>) -> f64 {
    let n = task.x.nrows().max(1) as f64;
    (&task.x * w - &task.y).norm_squared() / (2.0 * n)
}

fn quadratic(task: &Task, ols: &DVector<f64>) -> LossQuadratic {
    let n = task.x.nrows().max(1) as f64;
    let hessian = task.x.transpose() * &task.x / n;
    let mut eigs: Vec<f64> = SymmetricEigen::new(hessian.clone())
        .eigenvalues
        .iter()
        .copied()
        .collect();
    eigs.sort_by(|a, b| b.total_cmp(a));
    let minimum = in_context_loss(task, ols);
    let at_zero = in_context_loss(task, &DVector::zeros(task.x.ncols()));
    let levels = (0..CONTOUR_LEVELS)
        .map(|j| minimum + (at_zero - minimum) / 4f64.powi(j as i32))
        .collect();
    LossQuadratic {
        centre: vec_of(ols),
        hessian: rows(&hessian),
        hessian_eigs: eigs,
        minimum,
        at_zero,
        levels,
    }
}

/// Bayes ridge: the posterior mean's regulariser `σ² P⁻¹` and λ when it is a multiple of I.
fn bayes_ridge(moments: &Moments, tasks: &TaskDistribution) -> (Learner, Option<f64>) {
    let d = tasks.d;
    let precision = moments
        .prior
        .clone()
        .try_inverse()
        .unwrap_or_else(|| DMatrix::identity(d, d));
    let lambda = match tasks.prior {
        super::tasks::Prior::Isotropic { tau } => Some(moments.sigma2 / (tau * tau)),
        super::tasks::Prior::InverseCov => None,
    };
    (
        Learner::Ridge {
            regulariser: precision * moments.sigma2,
        },
        lambda,
    )
}

fn streaming(spec: &TrajectorySpec, tasks: &TaskDistribution, seed: u64) -> StreamingPath {
    let moments = Moments::of(tasks);
    let (ridge, ridge_lambda) = bayes_ridge(&moments, tasks);
    // The same seed with n = K_max: the same w, and the same first pairs as the main task.
    let long = TaskDistribution {
        n: spec.stream,
        ..tasks.clone()
    };
    let full = long.sample(1, seed).remove(0); // exactly one task
    let mut out = StreamingPath {
        k: Vec::new(),
        ols: Vec::new(),
        ridge: Vec::new(),
        gd: Vec::new(),
        gd_etas: Vec::new(),
        ridge_lambda,
    };
    for k in 1..=spec.stream {
        let task = Task {
            x: full.x.rows(0, k).into_owned(),
            y: full.y.rows(0, k).into_owned(),
            ..full.clone()
        };
        let eta = moments.optimal_step(k);
        out.k.push(k);
        out.ols.push(vec_of(&learner_weights(&Learner::Ols, &task)));
        out.ridge.push(vec_of(&learner_weights(&ridge, &task)));
        out.gd.push(vec_of(&learner_weights(
            &Learner::Gd { etas: vec![eta] },
            &task,
        )));
        out.gd_etas.push(eta);
    }
    out
}

/// Computes V5's data on the first task of `tasks` drawn from `seed`.
pub fn trajectory(spec: &TrajectorySpec, tasks: &TaskDistribution, seed: u64) -> Trajectory {
    // `sample(1, ..)` always holds exactly one task (the stream is endless).
    let task = tasks.sample(1, seed).remove(0);
    let d = tasks.d;
    let moments = Moments::of(tasks);
    let ols = learner_weights(&Learner::Ols, &task);
    let loss = quadratic(&task, &ols);
    let (eta, eta_source) = match spec.eta {
        Some(e) => (e, "given"),
        None => (
            moments.optimal_step(tasks.n),
            "closed form: the optimal one-step η* (icl.md F1; N/(N + d + 1 + σ²/τ²) for Gaussian x)",
        ),
    };
    let lambda_max = loss.hessian_eigs.first().copied().unwrap_or(0.0);
    let zero = DVector::zeros(d);
    let with_origin = |ws: Vec<DVector<f64>>| -> Vec<Vec<f64>> {
        std::iter::once(vec_of(&zero))
            .chain(ws.iter().map(vec_of))
            .collect()
    };

    let etas = vec![eta; spec.steps];
    let mut gd = gd_iterates(&task, &etas);
    let stack: Vec<LsaLayer> = etas.iter().map(|&e| LsaLayer::gd(d, e)).collect();
    let mut lsa = implicit_weights(&stack, &task);
    let gd_diverged_at = [diverged_at(&task, &gd), diverged_at(&task, &lsa)]
        .into_iter()
        .flatten()
        .min();
    if let Some(step) = gd_diverged_at {
        gd.truncate(step - 1);
        lsa.truncate(step - 1);
    }
    let gap = gd
        .iter()
        .zip(&lsa)
        .map(|(g, l)| (g - l).amax())
        .fold(0.0, f64::max);
    let gd_loss = std::iter::once(loss.at_zero)
        .chain(gd.iter().map(|w| in_context_loss(&task, w)))
        .collect();

    let gd_pp = spec.gd_pp.as_ref().map(|layers| {
        let etas = layers.etas.clone().unwrap_or_else(|| etas.clone());
        let stack: Vec<LsaLayer> = etas
            .iter()
            .zip(&layers.gammas)
            .map(|(&e, &g)| LsaLayer::gd_pp(d, e, g))
            .collect();
        let mut w = implicit_weights(&stack, &task);
        let diverged_at = diverged_at(&task, &w);
        if let Some(layer) = diverged_at {
            w.truncate(layer - 1);
        }
        GdPpPath {
            diverged_at,
            loss: std::iter::once(loss.at_zero)
                .chain(w.iter().map(|w| in_context_loss(&task, w)))
                .collect(),
            w: with_origin(w),
            etas,
            gammas: layers.gammas.clone(),
        }
    });

    let ridge_path = spec
        .ridge_lambdas
        .iter()
        .map(|&lambda| RidgePoint {
            lambda,
            w: vec_of(&learner_weights(
                &Learner::Ridge {
                    regulariser: DMatrix::identity(d, d) * lambda,
                },
                &task,
            )),
        })
        .collect();
    let (bayes, _) = bayes_ridge(&moments, tasks);

    Trajectory {
        w_true: vec_of(&task.w),
        x: rows(&task.x),
        y: vec_of(&task.y),
        ols: vec_of(&ols),
        ridge_path,
        ridge_bayes: vec_of(&learner_weights(&bayes, &task)),
        eta,
        eta_source,
        eta_stable: eta * lambda_max < 2.0,
        gd: with_origin(gd),
        gd_loss,
        gd_diverged_at,
        lsa: with_origin(lsa),
        lsa_max_abs_diff_vs_gd: gap,
        gd_pp,
        streaming: streaming(spec, tasks, seed),
        loss,
    }
}

/// The first step (1-based: `ws[k − 1]` is step k) whose iterate or in-context loss is not finite
/// (the path diverged and overflowed f64); `None` when every step is finite.
fn diverged_at(task: &Task, ws: &[DVector<f64>]) -> Option<usize> {
    ws.iter()
        .position(|w| w.iter().any(|x| !x.is_finite()) || !in_context_loss(task, w).is_finite())
        .map(|k| k + 1)
}
