//! Singular values, effective / stable / numerical rank and the spectral gap. The singular values
//! and the eigenvalues come from `faer` (pure Rust, f64, builds for wasm32 unchanged; its
//! bidiagonal divide-and-conquer SVD and its Hessenberg QR eigenvalues report non-convergence as
//! an error). Inputs are checked finite first: a non-finite entry is an error, never a panic or
//! a NaN in the response.

use crate::error::{Error, Result};
use crate::tensor::Matrix;
use faer::Mat;

/// f32 machine epsilon: `A` is stored in f32, so singular values below `σ_1 · N · ε` are noise.
pub const F32_EPSILON: f64 = f32::EPSILON as f64;

/// `a` in f64, or the error naming its first non-finite entry.
fn to_f64(a: &Matrix) -> Result<Mat<f64>> {
    if let Some((i, j, x)) = a.first_non_finite() {
        return Err(Error::Numerical {
            field: "stats".into(),
            message: format!(
                "entry [{i}][{j}] of the {}×{} matrix is {x}: no spectrum of a non-finite matrix",
                a.rows(),
                a.cols()
            ),
        });
    }
    Ok(Mat::from_fn(a.rows(), a.cols(), |i, j| {
        f64::from(a.get(i, j))
    }))
}

fn not_converged(what: &str, a: &Matrix) -> Error {
    Error::Numerical {
        field: "stats".into(),
        message: format!(
            "the {what} of the {}×{} matrix did not converge",
            a.rows(),
            a.cols()
        ),
    }
}

/// `σ_1 ≥ … ≥ σ_min(rows, cols)` of `a`, computed in f64.
pub fn singular_values(a: &Matrix) -> Result<Vec<f64>> {
    let mut values = to_f64(a)?
        .singular_values()
        .map_err(|_| not_converged("SVD", a))?;
    if values.iter().any(|s| !s.is_finite()) {
        return Err(not_converged("SVD", a));
    }
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

/// Stable rank `Σ σ_r² / σ_1²` (0 for the zero matrix).
pub fn stable_rank(singular_values: &[f64]) -> f64 {
    match singular_values.first() {
        Some(&top) if top > 0.0 => singular_values.iter().map(|s| s * s).sum::<f64>() / (top * top),
        _ => 0.0,
    }
}

/// The numerical-rank tolerance `σ_1 · max(rows, cols) · ε_f32` (numpy's default, for f32 data).
pub fn rank_tolerance(singular_values: &[f64], rows: usize, cols: usize) -> f64 {
    singular_values.first().copied().unwrap_or(0.0) * rows.max(cols) as f64 * F32_EPSILON
}

/// `#{r : σ_r > tol}`.
pub fn numerical_rank(singular_values: &[f64], tol: f64) -> usize {
    singular_values.iter().filter(|&&s| s > tol).count()
}

/// Eigenvalue moduli of the square matrix `a`, largest first. A triangular matrix (every causal
/// `A`) has its diagonal as eigenvalues, read off exactly.
pub fn eigenvalue_moduli(a: &Matrix, triangular: bool) -> Result<Vec<f64>> {
    let mut moduli: Vec<f64> = if triangular {
        (0..a.rows())
            .map(|i| f64::from(a.get(i, i)).abs())
            .collect()
    } else {
        let eigenvalues = to_f64(a)?
            .eigenvalues()
            .map_err(|_| not_converged("eigenvalue iteration", a))?;
        eigenvalues.iter().map(|z| z.re.hypot(z.im)).collect()
    };
    if moduli.iter().any(|m| !m.is_finite()) {
        return Err(not_converged("eigenvalue iteration", a));
    }
    moduli.sort_by(|x, y| y.total_cmp(x));
    Ok(moduli)
}

/// Spectral gap `1 − |λ_2| / |λ_1|` (= `1 − |λ_2|` for a row-stochastic matrix); 0 for n = 1 or
/// the zero matrix.
pub fn spectral_gap(moduli: &[f64]) -> f64 {
    match moduli {
        [first, second, ..] if *first > 0.0 => 1.0 - second / first,
        _ => 0.0,
    }
}
