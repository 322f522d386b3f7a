//! The in-context learners (icl.md §1–§2): each maps a task's context to a prediction at the
//! query. GD (K steps, shared, per-step or optimal η), preconditioned GD (given or optimal Γ*),
//! GD++ and the constructed LSA (both through the token form of `lsa.rs`), ridge (the Bayes
//! posterior mean by default), min-norm OLS, averaging and k-nearest neighbours.

use super::closed_form::Moments;
use super::lsa::{self, LsaLayer};
use super::tasks::Task;
use super::train::batch::token_task;
use super::train::model::{Model, Workspace};
use nalgebra::{DMatrix, DVector};

/// A learner ready to predict (every parameter resolved).
#[derive(Debug, Clone)]
pub enum Learner {
    /// GD from 0 with one step size per step (`w ← w − η (1/N) Xᵀ(Xw − y)`).
    Gd {
        /// Step sizes.
        etas: Vec<f64>,
    },
    /// One preconditioned step `ŵ = Γ h`.
    PreconditionedGd {
        /// `Γ`, d × d.
        gamma: DMatrix<f64>,
    },
    /// A stack of LSA layers (the GD or GD++ constructions), read as `−` the query label slot.
    Lsa {
        /// The layers.
        layers: Vec<LsaLayer>,
    },
    /// `ŵ = (XᵀX + R)⁻¹ Xᵀ y` with the regulariser `R` (λI, or σ² P⁻¹ for the posterior mean).
    Ridge {
        /// `R`, d × d.
        regulariser: DMatrix<f64>,
    },
    /// Min-norm least squares `ŵ = X⁺ y`.
    Ols,
    /// `ŵ = h = (1/N) Σ y_i x_i` (one GD step with η = 1).
    Averaging,
    /// The mean label of the `k` context inputs nearest to the query.
    Knn {
        /// Neighbours.
        k: usize,
    },
    /// A trained attention model (`train/`).
    Trained {
        /// The model with its final weights.
        model: Box<Model>,
    },
}

/// `h = (1/N) Xᵀ y`.
pub fn moment(task: &Task) -> DVector<f64> {
    task.x.transpose() * &task.y / task.x.nrows().max(1) as f64
}

impl Learner {
    /// The prediction at the task's query.
    pub fn predict(&self, task: &Task) -> f64 {
        match self {
            Learner::Gd { etas } => lsa::gd_iterates(task, etas)
                .last()
                .map_or(0.0, |w| w.dot(&task.x_query)),
            Learner::PreconditionedGd { gamma } => (gamma * moment(task)).dot(&task.x_query),
            Learner::Lsa { layers } => lsa::predictions(layers, task)
                .last()
                .copied()
                .unwrap_or(0.0),
            Learner::Ridge { regulariser } => {
                // λ = 0 (the noiseless Bayes predictor) is min-norm OLS: XᵀX is singular for N < d.
                if regulariser.iter().all(|&r| r == 0.0) {
                    return min_norm(&task.x, &task.y).dot(&task.x_query);
                }
                let a = task.x.transpose() * &task.x + regulariser;
                let b = task.x.transpose() * &task.y;
                match a.clone().cholesky() {
                    Some(ch) => ch.solve(&b).dot(&task.x_query),
                    None => min_norm(&task.x, &task.y).dot(&task.x_query),
                }
            }
            Learner::Ols => min_norm(&task.x, &task.y).dot(&task.x_query),
            Learner::Averaging => moment(task).dot(&task.x_query),
            Learner::Trained { model } => {
                model.forward(&token_task(task, 0.0).tokens, &mut Workspace::default())
            }
            Learner::Knn { k } => {
                let mut dist: Vec<(f64, f64)> = (0..task.x.nrows())
                    .map(|i| {
                        let diff = task.x.row(i).transpose() - &task.x_query;
                        (diff.norm_squared(), task.y[i])
                    })
                    .collect();
                dist.sort_by(|a, b| a.0.total_cmp(&b.0));
                let take = (*k).min(dist.len()).max(1);
                dist.iter().take(take).map(|(_, y)| y).sum::<f64>() / take as f64
            }
        }
    }
}

/// `X⁺ y` by the SVD (singular values below `1e-10 σ_max` dropped).
pub fn min_norm(x: &DMatrix<f64>, y: &DVector<f64>) -> DVector<f64> {
    let svd = x.clone().svd(true, true);
    let cutoff = svd.singular_values.max() * 1e-10;
    svd.solve(y, cutoff)
        .unwrap_or_else(|_| DVector::zeros(x.ncols()))
}

/// Mean and standard error of the squared error `(ŷ − w·x_q)²` of `predict` over `tasks`.
pub fn monte_carlo<T: std::borrow::Borrow<Task>>(
    tasks: impl Iterator<Item = T>,
    mut predict: impl FnMut(&Task) -> f64,
) -> (f64, f64) {
    let (mut count, mut mean, mut m2) = (0.0f64, 0.0f64, 0.0f64);
    for task in tasks {
        let task = task.borrow();
        let e = predict(task) - task.target();
        let x = e * e;
        count += 1.0;
        let delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
    }
    let se = if count > 1.0 {
        (m2 / (count - 1.0) / count).sqrt()
    } else {
        0.0
    };
    (mean, se)
}

/// Risk evaluations of [`fit_shared_step`]'s golden-section search (2 to start, then one per
/// narrowing).
pub const FIT_EVALUATIONS: usize = 42;

/// The shared step size of K GD steps minimising the Monte Carlo risk on `fit` (golden-section
/// search on `[0, 3 η*₁]`, `η*₁` the one-step optimum; the K-step risk is smooth and unimodal
/// there in every setting of icl.md F6).
pub fn fit_shared_step(moments: &Moments, n: usize, steps: usize, fit: &[Task]) -> f64 {
    let upper = 3.0 * moments.optimal_step(n);
    let risk = |eta: f64| {
        let learner = Learner::Gd {
            etas: vec![eta; steps],
        };
        monte_carlo(fit.iter(), |t| learner.predict(t)).0
    };
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.0, upper);
    let (mut c, mut d) = (b - phi * (b - a), a + phi * (b - a));
    let (mut fc, mut fd) = (risk(c), risk(d));
    for _ in 2..FIT_EVALUATIONS {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - phi * (b - a);
            fc = risk(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + phi * (b - a);
            fd = risk(d);
        }
    }
    (a + b) / 2.0
}
