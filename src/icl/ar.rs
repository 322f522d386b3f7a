//! AR(p) time series for in-context forecasting (icl.md §1.8, Zhou et al. 2025):
//! `x_t = Σ_k φ_k x_{t−k} + ε_t`, `ε ~ N(0, σ²)`, with φ drawn from U(−0.9, 0.9)^p and rejected
//! until the process is stationary (every eigenvalue of the companion matrix inside the unit
//! circle, i.e. every root of `1 − Σ φ_k z^k` outside it). The baseline is least squares on the
//! history's lags (OLS-AR(p)); the one-step forecast MSE of the true φ is σ², the floor every
//! in-context forecaster (an LSA included) stays above.

use super::running::Running;
use crate::rng::SeededRng;
use nalgebra::{DMatrix, DVector};

/// Steps run from a zero state before the recorded series starts (the state forgets its start
/// like ρ^t, ρ < 1 the companion matrix's spectral radius).
pub const BURN_IN: usize = 500;

/// The largest eigenvalue modulus of the companion matrix of `phi` (faer's Hessenberg QR; ∞ in
/// the unlikely case it does not converge, which the sampler treats as not stationary).
pub fn spectral_radius(phi: &[f64]) -> f64 {
    let p = phi.len();
    if p == 0 {
        return 0.0;
    }
    let companion = faer::Mat::<f64>::from_fn(p, p, |i, j| match i {
        0 => phi[j],
        _ if j + 1 == i => 1.0,
        _ => 0.0,
    });
    match companion.eigenvalues() {
        Ok(eigenvalues) => eigenvalues
            .iter()
            .map(|z| z.re.hypot(z.im))
            .fold(0.0, f64::max),
        Err(_) => f64::INFINITY,
    }
}

/// Draws of φ before the last one is shrunk into the stationary region (high orders are
/// rarely stationary by chance: at p = 16 almost never).
pub const MAX_REDRAWS: usize = 1_000;
/// The spectral radius a shrunk draw is given.
pub const SHRUNK_RADIUS: f64 = 0.95;

/// Stationary coefficients: φ ~ U(−0.9, 0.9)^p, redrawn until the spectral radius ρ is below 1;
/// after [`MAX_REDRAWS`] draws the last one is shrunk, `φ_k ← φ_k (0.95/ρ)^k`, which scales every
/// companion eigenvalue by `0.95/ρ` (so ρ becomes 0.95). Always terminates; low orders (where a
/// draw is stationary with a fair chance) are the plain rejection sampler.
pub fn stationary_phi(p: usize, rng: &mut SeededRng) -> Vec<f64> {
    let mut phi = Vec::new();
    for _ in 0..MAX_REDRAWS {
        phi = (0..p).map(|_| 0.9 * (2.0 * rng.uniform() - 1.0)).collect();
        if spectral_radius(&phi) < 1.0 {
            return phi;
        }
    }
    let shrink = SHRUNK_RADIUS / spectral_radius(&phi);
    phi.iter()
        .zip(1..)
        .map(|(f, k)| f * shrink.powi(k))
        .collect()
}

/// `len` values of the process after `BURN_IN` steps from zero.
pub fn series(phi: &[f64], sigma: f64, len: usize, rng: &mut SeededRng) -> Vec<f64> {
    let p = phi.len();
    let mut x = vec![0.0; p];
    for _ in 0..BURN_IN + len {
        let t = x.len();
        let next: f64 = phi
            .iter()
            .enumerate()
            .map(|(k, f)| f * x[t - 1 - k])
            .sum::<f64>()
            + sigma * rng.normal();
        x.push(next);
    }
    x.split_off(p + BURN_IN)
}

/// Least squares of `x_t` on `(x_{t−1}, …, x_{t−p})` over the history (`None` with fewer than
/// `p + 1` rows or a singular design).
pub fn fit_ols(history: &[f64], p: usize) -> Option<Vec<f64>> {
    let rows = history.len().checked_sub(p)?;
    if rows == 0 {
        return None;
    }
    let design = DMatrix::from_fn(rows, p, |r, k| history[r + p - 1 - k]);
    let target = DVector::from_fn(rows, |r, _| history[r + p]);
    let gram = design.transpose() * &design;
    let rhs = design.transpose() * target;
    gram.cholesky()
        .map(|c| c.solve(&rhs).iter().copied().collect())
}

/// The one-step forecast of the value after `history` with coefficients `phi`.
pub fn forecast(history: &[f64], phi: &[f64]) -> f64 {
    let t = history.len();
    phi.iter()
        .enumerate()
        .filter(|(k, _)| *k < t)
        .map(|(k, f)| f * history[t - 1 - k])
        .sum()
}

/// One point of the forecasting curve: at history length `n`, the mean squared one-step error
/// of OLS-AR(p) fitted on the history and of the true φ (teacher forcing), over the series.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ForecastPoint {
    /// History length.
    pub n: usize,
    /// OLS-AR(p) fitted on the history.
    pub ols_mse: f64,
    /// Its standard error.
    pub ols_se: f64,
    /// The true coefficients (expected value σ²).
    pub true_mse: f64,
    /// `ols_mse − true_mse`, averaged per series (common random numbers).
    pub excess: f64,
    /// Its standard error.
    pub excess_se: f64,
}

/// The curve over `histories` (each ≥ p + 1), from `count` seeded processes (each with its own
/// stationary φ and noise).
pub fn forecast_curve(
    p: usize,
    sigma: f64,
    histories: &[usize],
    count: usize,
    seed: u64,
) -> Vec<ForecastPoint> {
    let longest = histories.iter().copied().max().unwrap_or(0);
    let mut rng = SeededRng::new(seed, crate::rng::stream::ICL_AR);
    let mut sums = vec![[Running::default(); 3]; histories.len()];
    for _ in 0..count {
        let phi = stationary_phi(p, &mut rng);
        let x = series(&phi, sigma, longest + 1, &mut rng);
        for (slot, &n) in sums.iter_mut().zip(histories) {
            let history = &x[..n];
            let truth = x[n];
            let ols = fit_ols(history, p).map_or(0.0, |f| forecast(history, &f));
            let e_ols = (ols - truth).powi(2);
            let e_true = (forecast(history, &phi) - truth).powi(2);
            slot[0].push(e_ols);
            slot[1].push(e_true);
            slot[2].push(e_ols - e_true);
        }
    }
    histories
        .iter()
        .zip(sums)
        .map(|(&n, [ols, truth, diff])| ForecastPoint {
            n,
            ols_mse: ols.mean,
            ols_se: ols.se(),
            true_mse: truth.mean,
            excess: diff.mean,
            excess_se: diff.se(),
        })
        .collect()
}

/// `{"ar": {"p": 3, "sigma": 0.05, "histories": [8, 28, 53, 103, 203], "series": 2000}}` in an
/// ICL request: the forecasting curve of OLS-AR(p) against the true φ (icl.md V10's time-series
/// panel), from the request's seed.
#[derive(Debug, Clone, PartialEq)]
pub struct ArSpec {
    /// The order p.
    pub p: usize,
    /// The noise σ.
    pub sigma: f64,
    /// History lengths n (each > p).
    pub histories: Vec<usize>,
    /// Seeded processes averaged over.
    pub series: usize,
}

/// The largest order.
pub const MAX_P: usize = 16;
/// The longest history.
pub const MAX_HISTORY: usize = 10_000;
/// `series · (Σ histories) · p` above this is refused.
pub const MAX_AR_WORK: usize = 200_000_000;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAr {
    #[serde(default = "three")]
    p: usize,
    #[serde(default = "five_hundredths")]
    sigma: f64,
    histories: Option<Vec<usize>>,
    #[serde(default = "two_thousand")]
    series: usize,
}
fn three() -> usize {
    3
}
fn five_hundredths() -> f64 {
    0.05
}
fn two_thousand() -> usize {
    2_000
}

impl ArSpec {
    /// Parses the `ar` object (defaults: Zhou et al.'s p = 3, σ = 0.05, histories p + {5, 25, 50,
    /// 100, 200}).
    pub fn parse(value: serde_json::Value) -> crate::Result<ArSpec> {
        use crate::schema::parse::{check_size, params_from_value};
        let raw: RawAr = params_from_value("ar", value)?;
        check_size("ar.p", raw.p, MAX_P, "the AR order")?;
        check_size("ar.series", raw.series, 1_000_000, "seeded processes")?;
        crate::catalog::Range {
            min: 1e-6,
            max: 1e3,
        }
        .check_field("ar.sigma", raw.sigma)?;
        let histories = raw
            .histories
            .unwrap_or_else(|| [5, 25, 50, 100, 200].iter().map(|h| raw.p + h).collect());
        if histories.is_empty() || histories.len() > 64 {
            return Err(crate::Error::invalid(
                "ar.histories",
                "1 to 64 history lengths",
            ));
        }
        for (i, &n) in histories.iter().enumerate() {
            if n <= raw.p || n > MAX_HISTORY {
                return Err(crate::Error::Limit {
                    field: format!("ar.histories[{i}]"),
                    value: n.to_string(),
                    range: format!("{} to {MAX_HISTORY} (more than p lags)", raw.p + 1),
                    why: "a history to fit p coefficients on".into(),
                });
            }
        }
        let work = raw
            .series
            .saturating_mul(histories.iter().sum::<usize>())
            .saturating_mul(raw.p.max(1));
        if work > MAX_AR_WORK {
            return Err(crate::Error::Limit {
                field: "ar.series".into(),
                value: format!("series · Σ histories · p = {work}"),
                range: format!("at most {MAX_AR_WORK}"),
                why: "the forecasting work of one request".into(),
            });
        }
        Ok(ArSpec {
            p: raw.p,
            sigma: raw.sigma,
            histories,
            series: raw.series,
        })
    }
}

/// The `ar` part of a response.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArPanel {
    /// The order p.
    pub p: usize,
    /// The noise σ.
    pub sigma: f64,
    /// σ², the one-step MSE of the true coefficients.
    pub noise_variance: f64,
    /// Processes averaged over.
    pub series: usize,
    /// One point per history length.
    pub curve: Vec<ForecastPoint>,
}

/// Computes the panel of `spec` from `seed`.
pub fn ar_panel(spec: &ArSpec, seed: u64) -> ArPanel {
    ArPanel {
        p: spec.p,
        sigma: spec.sigma,
        noise_variance: spec.sigma * spec.sigma,
        series: spec.series,
        curve: forecast_curve(spec.p, spec.sigma, &spec.histories, spec.series, seed),
    }
}
