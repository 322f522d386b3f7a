//! Gates, step sizes and betas of the recurrent variants: taken as given arrays (checked for
//! shape, finiteness and range, each error naming its field) or drawn from the variant's `seed`
//! with the initialisations of variants.md §5–§7, so every figure is reproducible.

use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};

/// `softplus(x) = max(x, 0) + ln(1 + e^{−|x|})`, stable for any `x`.
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// `ln σ(x) = −softplus(−x)`.
pub fn log_sigmoid(x: f64) -> f64 {
    -softplus(-x)
}

/// `σ(x)`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The inverse of softplus, `ln(e^y − 1)` for `y > 0`.
pub fn inverse_softplus(y: f64) -> f64 {
    y + (-(-y).exp_m1()).ln()
}

/// A Mamba-style step size `Δ = exp(U(ln 1e-3, ln 0.1))` (log-uniform in `[1e-3, 0.1]`).
pub fn mamba_step(rng: &mut SeededRng) -> f64 {
    let (lo, hi) = (1e-3f64.ln(), 0.1f64.ln());
    (lo + (hi - lo) * rng.uniform()).exp()
}

/// `n` values: `given` (checked to have `n` finite entries), else `draw` from `stream` of `seed`.
pub fn vector(
    field: &str,
    given: Option<&Vec<f64>>,
    n: usize,
    seed: u64,
    stream: u64,
    mut draw: impl FnMut(&mut SeededRng) -> f64,
) -> Result<Vec<f64>> {
    match given {
        Some(values) => {
            if values.len() != n {
                return Err(Error::Shape {
                    field: format!("variant.{field}"),
                    expected: format!("{n} values (one per token, n = {n})"),
                    got: format!("{} values", values.len()),
                });
            }
            check_finite(field, values.iter().enumerate().map(|(i, &x)| (i, 0, x)))?;
            Ok(values.clone())
        }
        None => {
            let mut rng = SeededRng::new(seed, stream);
            Ok((0..n).map(|_| draw(&mut rng)).collect())
        }
    }
}

/// `n × cols` values: `given` (checked shape and finiteness), else `draw(rng, column)` row by row.
#[allow(clippy::too_many_arguments)] // field, data, shape, seed, stream and the draw
pub fn matrix(
    field: &str,
    given: Option<&Vec<Vec<f64>>>,
    n: usize,
    cols: usize,
    cols_name: &str,
    seed: u64,
    stream: u64,
    mut draw: impl FnMut(&mut SeededRng, usize) -> f64,
) -> Result<Vec<Vec<f64>>> {
    match given {
        Some(rows) => {
            let shape_error = |got: String| Error::Shape {
                field: format!("variant.{field}"),
                expected: format!("{n} rows × {cols} columns (n × {cols_name})"),
                got,
            };
            if rows.len() != n {
                return Err(shape_error(format!("{} rows", rows.len())));
            }
            if let Some(row) = rows.iter().find(|r| r.len() != cols) {
                return Err(shape_error(format!("a row of {} values", row.len())));
            }
            check_finite(
                field,
                rows.iter()
                    .enumerate()
                    .flat_map(|(i, r)| r.iter().enumerate().map(move |(j, &x)| (i, j, x))),
            )?;
            Ok(rows.clone())
        }
        None => {
            let mut rng = SeededRng::new(seed, stream);
            Ok((0..n)
                .map(|_| (0..cols).map(|c| draw(&mut rng, c)).collect())
                .collect())
        }
    }
}

fn check_finite(field: &str, values: impl Iterator<Item = (usize, usize, f64)>) -> Result<()> {
    for (i, j, x) in values {
        if !x.is_finite() {
            return Err(Error::NonFinite {
                field: format!("variant.{field}[{i}][{j}]"),
                value: x.to_string(),
            });
        }
    }
    Ok(())
}

/// Log-gates must be decays: `g ≤ 0` (and not below −1e4, which is already `e^g = 0`).
pub fn check_log_gates<'a>(field: &str, rows: impl Iterator<Item = &'a [f64]>) -> Result<()> {
    for (i, row) in rows.enumerate() {
        for (j, &g) in row.iter().enumerate() {
            if !(-1e4..=0.0).contains(&g) {
                return Err(Error::Limit {
                    field: format!("variant.{field}[{i}][{j}]"),
                    value: g.to_string(),
                    range: "[-10000, 0]".into(),
                    why: "a log-gate is ln of a decay in (0, 1]; g > 0 would amplify the state"
                        .into(),
                });
            }
        }
    }
    Ok(())
}

/// The delta rule's `β_t ∈ (0, 2)`: outside it `I − β k kᵀ` has an eigenvalue outside `[−1, 1]`
/// and the state diverges (variants.md §6), so such a `β` is rejected, not clamped.
pub fn check_beta(beta: &[f64]) -> Result<()> {
    for (i, &b) in beta.iter().enumerate() {
        if !(b > 0.0 && b < 2.0) {
            return Err(Error::Limit {
                field: format!("variant.beta[{i}]"),
                value: b.to_string(),
                range: "(0, 2)".into(),
                why: "with unit keys, I − β k kᵀ is a contraction only for 0 < β < 2".into(),
            });
        }
    }
    Ok(())
}

/// `β_t = σ(z)`, `z ~ N(0, 1)` (fla's `sigmoid(x W_β)` at a unit-variance input), or given.
pub fn beta(given: Option<&Vec<f64>>, n: usize, seed: u64) -> Result<Vec<f64>> {
    let beta = vector("beta", given, n, seed, stream::BETA, |rng| {
        sigmoid(rng.normal())
    })?;
    check_beta(&beta)?;
    Ok(beta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softplus_and_its_inverse_round_trip() {
        for y in [1e-3, 0.05, 1.0, 7.0, 40.0] {
            assert!((softplus(inverse_softplus(y)) - y).abs() < 1e-12 * y.max(1.0));
        }
        assert!((log_sigmoid(0.0) - 0.5f64.ln()).abs() < 1e-15);
        assert_eq!(softplus(-800.0), 0.0);
        assert_eq!(softplus(800.0), 800.0);
    }
}
