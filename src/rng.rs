//! Seeded random streams: ChaCha8 keyed by `(seed, stream)`, with Gaussians by Box–Muller through
//! `libm`, so the same seed gives bit-identical numbers natively and in wasm (no OS entropy, no
//! platform `ln`/`cos`).

use crate::tensor::Matrix;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Stream ids, so changing one tensor's shape never shifts another tensor's numbers.
pub mod stream {
    /// Queries.
    pub const Q: u64 = 0;
    /// Keys.
    pub const K: u64 = 1;
    /// Values.
    pub const V: u64 = 2;
    /// Random projections of a variant (Performer's W, ...), keyed by the variant's own seed.
    pub const PROJECTION: u64 = 3;
    /// Structure of a workload: cluster centres, token embeddings, stored keys.
    pub const CENTRES: u64 = 4;
    /// Random choices of a workload: cluster assignments, recall targets.
    pub const ASSIGN: u64 = 5;
    /// Log-gates and step sizes of a recurrent variant (decay, delta rule, log-linear).
    pub const GATES: u64 = 6;
    /// Per-head constants of a recurrent variant (Mamba-style `A`, `dt_bias`).
    pub const HEAD: u64 = 7;
    /// The delta rule's `β_t`.
    pub const BETA: u64 = 8;
    /// Log-linear attention's level weights `λ`.
    pub const LAMBDA: u64 = 9;
    /// In-context regression: the inputs x of every task.
    pub const ICL_X: u64 = 10;
    /// In-context regression: the task vectors w.
    pub const ICL_W: u64 = 11;
    /// In-context regression: the label noise.
    pub const ICL_NOISE: u64 = 12;
    /// In-context regression: the rotation of the input covariance.
    pub const ICL_ROTATION: u64 = 13;
    /// In-context regression: random weights of a model (the gated-RNN construction, inits).
    pub const ICL_MODEL: u64 = 14;
    /// In-context regression: the noise of the query labels a model is trained on.
    pub const ICL_QUERY_NOISE: u64 = 15;
    /// In-context forecasting: AR(p) coefficients and noise.
    pub const ICL_AR: u64 = 16;
}

/// A deterministic random stream.
pub struct SeededRng {
    inner: ChaCha8Rng,
    spare_normal: Option<f64>,
}

impl SeededRng {
    /// The stream `stream` of generator `seed`.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut inner = ChaCha8Rng::seed_from_u64(seed);
        inner.set_stream(stream);
        SeededRng {
            inner,
            spare_normal: None,
        }
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.inner.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..bound` (`bound ≥ 1`; multiply-shift, bias below 2⁻³²).
    pub fn below(&mut self, bound: usize) -> usize {
        (((self.inner.next_u64() >> 32) * bound.max(1) as u64) >> 32) as usize
    }

    /// Standard normal N(0, 1) (Box–Muller; the second value of each pair is kept for the next call).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        // 1 - u lies in (0, 1], so the log is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let radius = libm::sqrt(-2.0 * libm::log(u1));
        let angle = 2.0 * std::f64::consts::PI * u2;
        self.spare_normal = Some(radius * libm::sin(angle));
        radius * libm::cos(angle)
    }

    /// A `rows × cols` matrix of iid N(0, 1) entries, filled row by row.
    pub fn normal_matrix(&mut self, rows: usize, cols: usize) -> Matrix {
        let mut m = Matrix::zeros(rows, cols);
        for i in 0..rows {
            for x in m.row_mut(i) {
                *x = self.normal() as f32;
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let a: Vec<f64> = (0..8).map(|_| SeededRng::new(7, 0).normal()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut s0 = SeededRng::new(7, 0);
        let mut s1 = SeededRng::new(7, 1);
        assert_ne!(s0.normal(), s1.normal());
    }

    #[test]
    fn normals_have_unit_moments() {
        let mut rng = SeededRng::new(1, 0);
        let xs: Vec<f64> = (0..200_000).map(|_| rng.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        // Standard errors: 1/sqrt(2e5) ≈ 0.0022 for the mean, ≈ 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "variance {var}");
    }
}
