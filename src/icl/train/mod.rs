//! Trainable in-context learners (icl.md V2–V4): a K-layer linear self-attention model and a
//! softmax-attention model with H heads, trained with Adam on fresh seeded tasks. Gradients are
//! written by hand for these models (`layer.rs`) and checked against finite differences.

pub mod adam;
pub mod batch;
pub mod layer;
pub mod model;
pub mod spec;
pub mod trainer;

pub use layer::Activation;
pub use model::{Architecture, Model};
pub use spec::TrainSpec;
pub use trainer::{effective_gamma, CurvePoint, Trainer};

use serde_json::{json, Value};

/// A row-major `D × D` slice as rows.
fn square_rows(m: &[f64], dim: usize) -> Vec<Vec<f64>> {
    m.chunks(dim).map(<[f64]>::to_vec).collect()
}

impl Trainer {
    /// What a trained learner reports: its settings, reference, curve and final weights (per
    /// layer, per head: `W_KQ` and `W_PV`, von Oswald's unnormalised convention), and for a
    /// one-layer LSA the effective preconditioner `gamma`, its mean diagonal `eta_effective`, its
    /// off-diagonal mass `offdiag_ratio` (RMS off-diagonal entry / RMS diagonal entry) and
    /// `x_part_ratio` (‖W_PV[y, x]‖ / |W_PV[y, y]|, the x-part of the label row's projection).
    pub fn report(&self) -> Value {
        let m = &self.model;
        let dim = m.shape.dim;
        let weights: Vec<Vec<Value>> = (0..m.distinct_layers())
            .map(|l| {
                (0..m.arch.heads)
                    .map(|h| {
                        let (q, p) = m.head_weights(l, h);
                        json!({"w_kq": square_rows(q, dim), "w_pv": square_rows(p, dim)})
                    })
                    .collect()
            })
            .collect();
        let s = &self.spec;
        let mut report = json!({
            "architecture": {
                "attention": match m.arch.activation { Activation::Linear => "linear", Activation::Softmax => "softmax" },
                "layers": m.arch.layers, "heads": m.arch.heads, "shared": m.arch.shared,
                "parameterization": if m.arch.sparse { "sparse" } else { "full" },
                "convention": "e_j += Σ_h W_PV,h Σ_{i<N} a_h(i,j) e_i, s_h(i,j) = e_iᵀ W_KQ,h e_j (no 1/N); ŷ = −(query label slot)",
            },
            "train": {
                "steps": s.steps, "batch": s.batch, "lr": s.adam.lr, "beta1": s.adam.beta1,
                "beta2": s.adam.beta2, "eps": s.adam.eps, "clip": s.adam.clip,
                "schedule": if s.adam.cosine_steps.is_some() { "cosine" } else { "constant" },
                "init_scale": s.init_scale, "seed": s.seed, "eval_tasks": s.eval_tasks,
                "log_every": s.log_every, "loss": "vO loss ½·mean (ŷ − y)²",
            },
            "reference": self.reference,
            "train_curve": self.curve,
            "weights": weights,
        });
        if let Some(gamma) = effective_gamma(m) {
            let d = gamma.nrows();
            let diag: Vec<f64> = gamma.diagonal().iter().copied().collect();
            let diag_ss = diag.iter().map(|x| x * x).sum::<f64>();
            let off_ss = (gamma.norm_squared() - diag_ss).max(0.0);
            let off_rms = if d > 1 {
                (off_ss / (d * d - d) as f64).sqrt()
            } else {
                0.0
            };
            let diag_rms = (diag_ss / d as f64).sqrt();
            let diag_mean = diag.iter().sum::<f64>() / d as f64;
            let (_, p) = m.head_weights(0, 0);
            let p_y = &p[(dim - 1) * dim..];
            let x_part = p_y[..dim - 1].iter().map(|x| x * x).sum::<f64>().sqrt();
            report["gamma"] = json!(square_rows(gamma.transpose().as_slice(), d));
            report["eta_effective"] = json!(diag_mean);
            report["offdiag_ratio"] = json!(off_rms / diag_rms);
            report["x_part_ratio"] = json!(x_part / p_y[dim - 1].abs());
        }
        report
    }
}
