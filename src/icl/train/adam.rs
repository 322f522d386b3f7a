//! Adam with optional global-norm gradient clipping (optax's `clip_by_global_norm` then `adam`,
//! as in von Oswald's training code). Bias corrections use running products, not `powi`, so the
//! updates are the same bits natively and in wasm. The learning rate is constant or follows a
//! cosine decay to 0.

/// Adam's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConfig {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay β₁.
    pub beta1: f64,
    /// Second-moment decay β₂.
    pub beta2: f64,
    /// ε in the denominator.
    pub eps: f64,
    /// Clip the gradient to this global L2 norm first (`None`: no clipping).
    pub clip: Option<f64>,
    /// Cosine decay of the learning rate to 0 over this many steps (`None`: constant).
    pub cosine_steps: Option<usize>,
}

/// Adam's state for one parameter vector.
#[derive(Debug, Clone)]
pub struct Adam {
    config: AdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    beta1_t: f64,
    beta2_t: f64,
    step: usize,
}

impl Adam {
    /// Fresh state for `count` parameters.
    pub fn new(config: AdamConfig, count: usize) -> Adam {
        Adam {
            config,
            m: vec![0.0; count],
            v: vec![0.0; count],
            beta1_t: 1.0,
            beta2_t: 1.0,
            step: 0,
        }
    }

    /// One update of `params` with the gradient `grad` (clipped in place).
    pub fn step(&mut self, params: &mut [f64], grad: &mut [f64]) {
        let c = self.config;
        if let Some(max_norm) = c.clip {
            let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            if norm > max_norm {
                let scale = max_norm / norm;
                grad.iter_mut().for_each(|g| *g *= scale);
            }
        }
        let lr = match c.cosine_steps {
            Some(total) if total > 0 => {
                let progress = (self.step as f64 / total as f64).min(1.0);
                0.5 * c.lr * (1.0 + libm::cos(std::f64::consts::PI * progress))
            }
            _ => c.lr,
        };
        self.step += 1;
        self.beta1_t *= c.beta1;
        self.beta2_t *= c.beta2;
        let (b1, b2) = (1.0 - self.beta1_t, 1.0 - self.beta2_t);
        for (((p, &g), m), v) in params
            .iter_mut()
            .zip(grad.iter())
            .zip(self.m.iter_mut())
            .zip(self.v.iter_mut())
        {
            *m = c.beta1 * *m + (1.0 - c.beta1) * g;
            *v = c.beta2 * *v + (1.0 - c.beta2) * g * g;
            *p -= lr * (*m / b1) / ((*v / b2).sqrt() + c.eps);
        }
    }
}
