//! Closed forms of in-context regression (icl.md §2, F1–F5), for one-step predictors
//! `ŷ = x_qᵀ Γ h`, `h = (1/N) Σ_i y_i x_i` (plain GD: `Γ = η I`), and the OLS / ridge baselines.
//!
//! With `Λ` the input covariance, `P` the prior covariance of `w` (`τ² I` or `Σ⁻¹`, both commute
//! with `Λ`) and `B_N = E[S P S]`, the excess risk of `Γ` at prompt length `M` is
//! `R(Γ) = tr(ΛP) − 2 tr(ΛΓΛP) + tr(Λ Γ B_M Γᵀ) + (σ²/M) tr(Λ Γ Λ Γᵀ)`, minimised by
//! `Γ* = P Λ (B_N + σ² Λ / N)⁻¹`. For Gaussian x, `E[S A S] = (1 + 1/N) Λ A Λ + tr(AΛ) Λ / N`;
//! for iid coordinates of variance `s` and kurtosis `κ` (uniform: 9/5), `E[S²] = s²(N + d + κ − 2)/N`.
//! F1 (isotropic Gaussian), F2 (uniform), F4 (a, b, c) are all this formula.

use super::tasks::{Inputs, Prior, TaskDistribution};
use nalgebra::DMatrix;

/// Kurtosis `E[x⁴] / s²` of a uniform coordinate.
pub const UNIFORM_KURTOSIS: f64 = 9.0 / 5.0;

/// The second moments the closed forms need.
#[derive(Debug, Clone)]
pub struct Moments {
    /// Input covariance `Λ` (d × d).
    pub lambda: DMatrix<f64>,
    /// Prior covariance `P` of `w`.
    pub prior: DMatrix<f64>,
    /// Noise variance `σ²`.
    pub sigma2: f64,
    /// `None` for Gaussian inputs; the kurtosis for iid non-Gaussian coordinates.
    pub kurtosis: Option<f64>,
    d: usize,
}

impl Moments {
    /// The moments of a task distribution.
    pub fn of(tasks: &TaskDistribution) -> Moments {
        let lambda = tasks.covariance();
        let d = tasks.d;
        let prior = match tasks.prior {
            Prior::Isotropic { tau } => DMatrix::identity(d, d) * (tau * tau),
            Prior::InverseCov => lambda
                .clone()
                .try_inverse()
                .unwrap_or_else(|| DMatrix::identity(d, d)),
        };
        let kurtosis = match tasks.inputs {
            Inputs::Gaussian { .. } => None,
            Inputs::Uniform { .. } => Some(UNIFORM_KURTOSIS),
        };
        Moments {
            lambda,
            prior,
            sigma2: tasks.noise * tasks.noise,
            kurtosis,
            d,
        }
    }

    /// `E[S P S]` at prompt length `m`.
    pub fn e_sps(&self, m: usize) -> DMatrix<f64> {
        let m = m.max(1) as f64;
        match self.kurtosis {
            None => {
                let lpl = &self.lambda * &self.prior * &self.lambda;
                let tr = (&self.prior * &self.lambda).trace();
                lpl * (1.0 + 1.0 / m) + &self.lambda * (tr / m)
            }
            Some(kappa) => {
                // iid coordinates: Λ = s I and P = p I (the isotropic prior of the uniform case).
                let s = self.lambda[(0, 0)];
                let p = self.prior[(0, 0)];
                DMatrix::identity(self.d, self.d)
                    * (p * s * s * (m + self.d as f64 + kappa - 2.0) / m)
            }
        }
    }

    /// The zero predictor's risk, `E[(w·x_q)²] = tr(Λ P)`.
    pub fn zero_risk(&self) -> f64 {
        (&self.lambda * &self.prior).trace()
    }

    /// Excess risk of the one-step predictor `Γ` (trained at any N) on prompts of length `m`.
    pub fn risk(&self, gamma: &DMatrix<f64>, m: usize) -> f64 {
        let l = &self.lambda;
        let bias = -2.0 * (l * gamma * l * &self.prior).trace();
        let variance = (l * gamma * self.e_sps(m) * gamma.transpose()).trace();
        let noise = self.sigma2 / m.max(1) as f64 * (l * gamma * l * gamma.transpose()).trace();
        self.zero_risk() + bias + variance + noise
    }

    /// The optimal preconditioner at prompt length `n`, `Γ* = P Λ (B_n + σ² Λ / n)⁻¹`.
    pub fn optimal_preconditioner(&self, n: usize) -> DMatrix<f64> {
        let b = self.e_sps(n) + &self.lambda * (self.sigma2 / n.max(1) as f64);
        let inv = b
            .try_inverse()
            .unwrap_or_else(|| DMatrix::zeros(self.d, self.d));
        &self.prior * &self.lambda * inv
    }

    /// The optimal scalar step of one GD step at prompt length `n`:
    /// `η* = tr(Λ² P) / (tr(Λ B_n) + σ² tr(Λ²) / n)`.
    pub fn optimal_step(&self, n: usize) -> f64 {
        let l2 = &self.lambda * &self.lambda;
        let num = (&l2 * &self.prior).trace();
        let den =
            (&self.lambda * self.e_sps(n)).trace() + self.sigma2 / n.max(1) as f64 * l2.trace();
        if den > 0.0 {
            num / den
        } else {
            0.0
        }
    }
}

/// OLS excess risk (F3), where it has a closed form: Gaussian inputs, `w ~ N(0, τ² I)`;
/// `N > d + 1`: `σ² d / (N − d − 1)` (any Λ); min-norm `N < d − 1` with `Λ = I`:
/// `τ² (d − N) + σ² N / (d − N − 1)`; noiseless with `N ≥ d`: 0. `Err` says why there is none
/// (the double-descent spike is infinite).
pub fn ols_risk(tasks: &TaskDistribution) -> Result<f64, &'static str> {
    let (d, n, s2) = (tasks.d as f64, tasks.n as f64, tasks.noise * tasks.noise);
    let (tau, identity) = match (&tasks.inputs, tasks.prior) {
        (Inputs::Gaussian { eigs, .. }, Prior::Isotropic { tau }) => {
            (tau, eigs.iter().all(|&e| e == 1.0))
        }
        _ => return Err("closed form only for Gaussian inputs and an isotropic prior"),
    };
    if s2 == 0.0 {
        // Noiseless: w is recovered once N ≥ d; below, min-norm OLS misses the part of w outside
        // the span of the inputs, τ²(d − N) for Λ = I. No noise, so no double-descent spike.
        if n >= d {
            return Ok(0.0);
        }
        if identity {
            return Ok(tau * tau * (d - n));
        }
        return Err("min-norm OLS has a closed form for Λ = I only");
    }
    if n > d + 1.0 {
        return Ok(s2 * d / (n - d - 1.0));
    }
    if n < d - 1.0 {
        if identity {
            return Ok(tau * tau * (d - n) + s2 * n / (d - n - 1.0));
        }
        return Err("min-norm OLS has a closed form for Λ = I only");
    }
    Err("infinite: with noise, OLS diverges at N ∈ {d − 1, d, d + 1} (double descent)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    fn isotropic(d: usize, n: usize, noise: f64) -> TaskDistribution {
        TaskDistribution {
            d,
            n,
            noise,
            inputs: Inputs::Gaussian {
                eigs: vec![1.0; d],
                rotation: DMatrix::identity(d, d),
            },
            prior: Prior::Isotropic { tau: 1.0 },
        }
    }

    #[test]
    fn f1_optimal_step_and_risk() {
        // icl.md F1 table.
        for (d, n, noise, eta, risk) in [
            (5, 20, 0.1, 0.768935, 1.155325),
            (10, 10, 0.0, 0.476190, 5.238095),
            (10, 10, 0.1, 0.475964, 5.240362),
            (20, 40, 0.0, 0.655738, 6.885246),
        ] {
            let m = Moments::of(&isotropic(d, n, noise));
            let e = m.optimal_step(n);
            assert!((e - eta).abs() < 5e-7, "η* {e} vs {eta}");
            let r = m.risk(&(DMatrix::identity(d, d) * e), n);
            assert!((r - risk).abs() < 5e-7, "R* {r} vs {risk}");
        }
    }
}
