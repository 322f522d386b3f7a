//! Training a model on fresh seeded tasks with Adam, a step budget at a time, so the page's
//! worker can stream the curve, pause and cancel between calls (`advance`), and the CLI can run
//! it to the end: the same seed gives the same curve natively and in wasm.
//!
//! The curve is von Oswald's: the vO loss ½·mean (ŷ − y)² of the training batches, the same loss
//! on a fixed evaluation set, and the alignment with the reference algorithm on that set
//! (icl.md V2): mean cos(ŵ_TF, ŵ_ref), mean ‖ŵ_TF − ŵ_ref‖ and mean |ŷ_TF − ŷ_ref|, with
//! `ŵ = ∂ŷ/∂x_q`. The reference is the optimal one-layer predictor `ŷ = x_qᵀ Γ* h` for K = 1
//! (one GD step with η* when Λ ∝ I) and K GD steps with a fitted shared η for K > 1.

use super::adam::Adam;
use super::batch::{TokenStream, TokenTask};
use super::layer::{Activation, TokenShape};
use super::model::{Model, Workspace};
use super::spec::TrainSpec;
use crate::icl::closed_form::Moments;
use crate::icl::learners::{fit_shared_step, moment};
use crate::icl::lsa::gd_iterates;
use crate::icl::tasks::TaskDistribution;
use crate::rng::{stream, SeededRng};
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

/// Seeds of the evaluation set and of the step-size fit, apart from the training tasks.
const EVAL_SEED_OFFSET: u64 = 0x5EED_E7A1;
const FIT_SEED_OFFSET: u64 = 0x05EE_DF17;

/// One point of the training curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Adam steps done.
    pub step: usize,
    /// Mean vO loss ½(ŷ − y)² of the batches since the previous point (at step 0: the
    /// evaluation loss of the initial weights).
    pub loss: f64,
    /// vO loss on the fixed evaluation set.
    pub eval_loss: f64,
    /// Mean cosine between the model's and the reference's implicit weights.
    pub cos: f64,
    /// Mean ‖ŵ_TF − ŵ_ref‖.
    pub model_diff: f64,
    /// Mean |ŷ_TF − ŷ_ref|.
    pub preds_diff: f64,
    /// The diagonal of the effective preconditioner (one-layer LSA only).
    pub gamma_diag: Option<Vec<f64>>,
}

/// The algorithm the model is compared with.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    /// What it is.
    pub algorithm: String,
    /// Its step sizes (K > 1: K copies of the fitted shared η).
    pub etas: Vec<f64>,
    /// Γ* (K = 1), rows.
    pub gamma: Option<Vec<Vec<f64>>>,
    /// Its vO loss ½(R + σ²) in closed form (K = 1), else null.
    pub loss_closed_form: Option<f64>,
    /// Its vO loss on the evaluation set.
    pub eval_loss: f64,
    /// The zero predictor's vO loss ½(tr(ΛP) + σ²).
    pub zero_loss: f64,
}

/// A model in training.
pub struct Trainer {
    /// The settings.
    pub spec: TrainSpec,
    /// The model.
    pub model: Model,
    /// The reference algorithm.
    pub reference: Reference,
    /// The curve so far.
    pub curve: Vec<CurvePoint>,
    /// Steps done.
    pub step: usize,
    adam: Adam,
    tasks: TokenStream,
    eval: Vec<TokenTask>,
    /// The reference's implicit weights and predictions on the evaluation set.
    eval_reference: Vec<(Vec<f64>, f64)>,
    workspace: Workspace,
    grad: Vec<f64>,
    loss_sum: f64,
    loss_count: usize,
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| m.row(i).iter().copied().collect())
        .collect()
}

impl Trainer {
    /// A fresh model on `dist` (its noise, inputs and prior) with the settings `spec`.
    pub fn new(spec: TrainSpec, dist: &TaskDistribution) -> Trainer {
        let shape = TokenShape {
            dim: dist.d + 1,
            context: dist.n,
        };
        let mut rng = SeededRng::new(spec.seed, stream::ICL_MODEL);
        let model = Model::init(spec.arch, shape, spec.init_scale, &mut rng);
        let eval_seed = spec.seed.wrapping_add(EVAL_SEED_OFFSET);
        let eval_tasks = dist.sample(spec.eval_tasks, eval_seed);
        let eval = TokenStream::new(dist, eval_seed).batch(spec.eval_tasks);
        let moments = Moments::of(dist);
        let k = spec.arch.layers;
        let (algorithm, etas, gamma) = if k == 1 {
            let gamma = moments.optimal_preconditioner(dist.n);
            (
                "one preconditioned GD step with Γ* (= one GD step with η* when Λ ∝ I)",
                vec![moments.optimal_step(dist.n)],
                Some(gamma),
            )
        } else {
            let fit = dist.sample(2_048, spec.seed.wrapping_add(FIT_SEED_OFFSET));
            let eta = fit_shared_step(&moments, dist.n, k, &fit);
            ("K GD steps with one fitted shared η", vec![eta; k], None)
        };
        let eval_reference: Vec<(Vec<f64>, f64)> = eval_tasks
            .iter()
            .map(|task| {
                let w: DVector<f64> = match &gamma {
                    Some(g) => g * moment(task),
                    None => gd_iterates(task, &etas)
                        .pop()
                        .unwrap_or_else(|| DVector::zeros(dist.d)),
                };
                let y = w.dot(&task.x_query);
                (w.iter().copied().collect(), y)
            })
            .collect();
        let vo = |pred: &dyn Fn(usize) -> f64| {
            eval.iter()
                .enumerate()
                .map(|(i, t)| 0.5 * (pred(i) - t.label).powi(2))
                .sum::<f64>()
                / eval.len().max(1) as f64
        };
        let reference_eval = vo(&|i| eval_reference[i].1);
        let reference = Reference {
            algorithm: algorithm.into(),
            etas,
            loss_closed_form: gamma
                .as_ref()
                .map(|g| 0.5 * (moments.risk(g, dist.n) + moments.sigma2)),
            gamma: gamma.as_ref().map(rows),
            eval_loss: reference_eval,
            zero_loss: 0.5 * (moments.zero_risk() + moments.sigma2),
        };
        let params = model.params.len();
        let mut trainer = Trainer {
            adam: Adam::new(spec.adam, params),
            tasks: TokenStream::new(dist, spec.seed),
            spec,
            model,
            reference,
            curve: Vec::new(),
            step: 0,
            eval,
            eval_reference,
            workspace: Workspace::default(),
            grad: vec![0.0; params],
            loss_sum: 0.0,
            loss_count: 0,
        };
        let first = trainer.measure(None);
        trainer.curve.push(first);
        trainer
    }

    /// Whether every step is done.
    pub fn done(&self) -> bool {
        self.step >= self.spec.steps
    }

    /// Runs up to `budget` more steps; returns the curve points they added.
    pub fn advance(&mut self, budget: usize) -> &[CurvePoint] {
        let before = self.curve.len();
        let end = (self.step + budget).min(self.spec.steps);
        while self.step < end {
            let loss = self.train_step();
            self.loss_sum += loss;
            self.loss_count += 1;
            self.step += 1;
            if self.step.is_multiple_of(self.spec.log_every) || self.step == self.spec.steps {
                let mean = self.loss_sum / self.loss_count.max(1) as f64;
                let point = self.measure(Some(mean));
                self.curve.push(point);
                self.loss_sum = 0.0;
                self.loss_count = 0;
            }
        }
        &self.curve[before..]
    }

    /// One Adam step on a fresh batch; returns the batch's vO loss.
    fn train_step(&mut self) -> f64 {
        let batch = self.tasks.batch(self.spec.batch);
        self.grad.fill(0.0);
        let scale = 1.0 / batch.len().max(1) as f64;
        let mut loss = 0.0;
        for task in &batch {
            let y = self.model.forward(&task.tokens, &mut self.workspace);
            let r = y - task.label;
            loss += 0.5 * r * r * scale;
            self.model
                .backward(&mut self.workspace, r * scale, &mut self.grad);
        }
        self.model.mask(&mut self.grad);
        self.adam.step(&mut self.model.params, &mut self.grad);
        loss
    }

    /// The evaluation loss and the alignment metrics of the current weights.
    fn measure(&mut self, train_loss: Option<f64>) -> CurvePoint {
        let (mut loss, mut cos, mut model_diff, mut preds_diff) = (0.0, 0.0, 0.0, 0.0);
        let count = self.eval.len().max(1) as f64;
        let d = self.model.shape.dim - 1;
        for (task, (w_ref, y_ref)) in self.eval.iter().zip(&self.eval_reference) {
            let w = self
                .model
                .implicit_weights(&task.tokens, &mut self.workspace);
            let y = self.model.forward(&task.tokens, &mut self.workspace);
            loss += 0.5 * (y - task.label).powi(2);
            let (dot, nw, nr, diff) = (0..d).fold((0.0, 0.0, 0.0, 0.0), |acc, i| {
                (
                    acc.0 + w[i] * w_ref[i],
                    acc.1 + w[i] * w[i],
                    acc.2 + w_ref[i] * w_ref[i],
                    acc.3 + (w[i] - w_ref[i]).powi(2),
                )
            });
            let norms = (nw * nr).sqrt();
            cos += if norms > 0.0 { dot / norms } else { 0.0 };
            model_diff += diff.sqrt();
            preds_diff += (y - y_ref).abs();
        }
        let eval_loss = loss / count;
        CurvePoint {
            step: self.step,
            loss: train_loss.unwrap_or(eval_loss),
            eval_loss,
            cos: cos / count,
            model_diff: model_diff / count,
            preds_diff: preds_diff / count,
            gamma_diag: effective_gamma(&self.model)
                .map(|g| g.diagonal().iter().copied().collect()),
        }
    }
}

/// The effective preconditioner of a one-layer LSA, `ŷ ⊇ x_qᵀ Γ h` with
/// `Γ = −N Σ_h (W_PV)_h[y, y] (W_KQ)_h,xxᵀ` (the GD construction gives `Γ = η I`); `None` for
/// other models.
pub fn effective_gamma(model: &Model) -> Option<DMatrix<f64>> {
    if model.arch.layers != 1 || model.arch.activation != Activation::Linear {
        return None;
    }
    let (dim, n) = (model.shape.dim, model.shape.context as f64);
    let d = dim - 1;
    let mut gamma = DMatrix::zeros(d, d);
    for h in 0..model.arch.heads {
        let (q, p) = model.head_weights(0, h);
        let p_yy = p[dim * dim - 1];
        for a in 0..d {
            for b in 0..d {
                gamma[(a, b)] -= n * p_yy * q[b * dim + a];
            }
        }
    }
    Some(gamma)
}
