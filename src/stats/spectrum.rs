//! Singular values and effective rank. The SVD comes from `nalgebra` (pure Rust, builds for wasm32
//! unchanged, f64, and its `try_svd` reports non-convergence instead of panicking).

use crate::error::{Error, Result};
use crate::tensor::Matrix;
use nalgebra::DMatrix;

/// Relative convergence threshold of the SVD iteration.
const SVD_EPS: f64 = 1e-14;
/// Iteration cap of the SVD (0 would mean "until convergence").
const SVD_MAX_ITERS: usize = 10_000;

/// `σ_1 ≥ … ≥ σ_min(rows, cols)` of `a`, computed in f64.
pub fn singular_values(a: &Matrix) -> Result<Vec<f64>> {
    let m = DMatrix::<f64>::from_fn(a.rows(), a.cols(), |i, j| f64::from(a.get(i, j)));
    let svd = m
        .try_svd(false, false, SVD_EPS, SVD_MAX_ITERS)
        .ok_or_else(|| Error::Numerical {
            field: "stats".into(),
            message: format!(
                "the SVD of the {}×{} attention matrix did not converge in {SVD_MAX_ITERS} iterations",
                a.rows(),
                a.cols()
            ),
        })?;
    let mut values: Vec<f64> = svd.singular_values.iter().copied().collect();
    values.sort_by(|x, y| y.total_cmp(x));
    Ok(values)
}

/// Effective rank (Roy & Vetterli 2007): `exp(−Σ_r p_r ln p_r)`, `p_r = σ_r / Σ_l σ_l`.
/// In `[1, rank]`; 0 for the zero matrix, which has no spectrum to spread.
pub fn effective_rank(singular_values: &[f64]) -> f64 {
    let total: f64 = singular_values.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let h: f64 = singular_values
        .iter()
        .map(|s| s / total)
        .filter(|&p| p > 0.0)
        .map(|p| -p * p.ln())
        .sum();
    h.exp()
}
