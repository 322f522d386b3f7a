//! AR(p) forecasting tasks (icl.md §1.8): the stationarity check against hand-solved
//! characteristic roots, the sampler, the process's variance and autocorrelation against the
//! AR(1) formulas, OLS-AR(p) recovering φ, and the forecasting curve: the true φ scores σ², OLS
//! stays above it with an excess shrinking like σ² p / n.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

use attnscope::icl::ar::{
    fit_ols, forecast, forecast_curve, series, spectral_radius, stationary_phi,
};
use attnscope::rng::SeededRng;

#[test]
fn spectral_radius_is_the_largest_inverse_characteristic_root() {
    assert!((spectral_radius(&[0.5]) - 0.5).abs() < 1e-12);
    // z² − 0.5 z − 0.3 = 0: z = (0.5 ± √1.45) / 2.
    let r = (0.5 + 1.45f64.sqrt()) / 2.0;
    assert!((spectral_radius(&[0.5, 0.3]) - r).abs() < 1e-12);
    // Complex pair: z² − z + 0.5 = 0, |z| = √0.5.
    assert!((spectral_radius(&[1.0, -0.5]) - 0.5f64.sqrt()).abs() < 1e-12);
    assert!(spectral_radius(&[0.6, 0.6]) > 1.0);
}

#[test]
fn the_sampler_rejects_non_stationary_draws() {
    let mut rng = SeededRng::new(1, 0);
    let mut naive = SeededRng::new(1, 1);
    let mut unstable = 0;
    for _ in 0..200 {
        let phi = stationary_phi(7, &mut rng);
        assert_eq!(phi.len(), 7);
        assert!(phi.iter().all(|f| f.abs() < 0.9));
        assert!(spectral_radius(&phi) < 1.0);
        let draw: Vec<f64> = (0..7)
            .map(|_| 0.9 * (2.0 * naive.uniform() - 1.0))
            .collect();
        unstable += usize::from(spectral_radius(&draw) >= 1.0);
    }
    // Most uniform draws of 7 coefficients are not stationary: rejection is doing the work.
    assert!(unstable > 100, "{unstable} of 200 naive draws unstable");
}

#[test]
fn an_ar1_series_has_its_stationary_variance_and_autocorrelation() {
    let x = series(&[0.8], 1.0, 200_000, &mut SeededRng::new(3, 0));
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let lag1 = x
        .windows(2)
        .map(|w| (w[0] - mean) * (w[1] - mean))
        .sum::<f64>()
        / (n - 1.0)
        / var;
    // σ² / (1 − φ²) = 2.778; ρ(1) = φ.
    assert!(
        (var - 1.0 / 0.36).abs() < 0.05 * (1.0 / 0.36),
        "variance {var}"
    );
    assert!((lag1 - 0.8).abs() < 0.01, "lag-1 autocorrelation {lag1}");
    assert!(mean.abs() < 0.05, "mean {mean}");
}

#[test]
fn ols_recovers_the_coefficients_and_forecasts_with_them() {
    let phi = [0.5, -0.3, 0.2];
    let x = series(&phi, 0.05, 100_000, &mut SeededRng::new(4, 0));
    let fit = fit_ols(&x, 3).unwrap();
    for (f, p) in fit.iter().zip(phi) {
        assert!((f - p).abs() < 0.01, "{fit:?}");
    }
    assert_eq!(
        forecast(&[1.0, 2.0, 3.0], &phi),
        0.5 * 3.0 - 0.3 * 2.0 + 0.2 * 1.0
    );
    assert!(fit_ols(&x[..3], 3).is_none());
}

#[test]
fn ols_forecasts_stay_above_the_noise_floor_with_an_excess_like_p_over_n() {
    let (p, sigma) = (3, 0.05);
    let histories = [8, 28, 53, 103, 203];
    let series_count = 20_000;
    let curve = forecast_curve(p, sigma, &histories, series_count, 7);
    let s2 = sigma * sigma;
    let mut last_excess = f64::INFINITY;
    for point in &curve {
        // The true φ: σ² within 4 standard errors (the squared error of N(0, σ²) has sd √2 σ²).
        let se_true = 2f64.sqrt() * s2 / (series_count as f64).sqrt();
        assert!((point.true_mse - s2).abs() < 4.0 * se_true, "{point:?}");
        // On the same series, OLS's error exceeds the true φ's (paired, 4 standard errors).
        assert!(point.excess > 4.0 * point.excess_se, "{point:?}");
        assert!((point.ols_mse - point.true_mse - point.excess).abs() < 1e-15);
        assert!(
            point.excess < last_excess,
            "the excess shrinks with n: {curve:?}"
        );
        last_excess = point.excess;
    }
    // The classical one-step excess of least squares on n − p rows: σ² p / (n − p).
    for point in &curve[2..] {
        let scaled = point.excess / s2 * (point.n - p) as f64 / p as f64;
        assert!(
            (0.6..1.5).contains(&scaled),
            "n = {}: scaled excess {scaled}",
            point.n
        );
    }
}

#[test]
fn the_icl_request_serves_the_forecasting_curve_and_names_bad_fields() {
    use attnscope::icl::{evaluate, IclRequest};
    use serde_json::json;
    let request = IclRequest::from_value(json!({
        "d": 1, "n": 1, "seed": 5, "learners": [],
        "ar": {"p": 2, "sigma": 0.1, "histories": [10, 40], "series": 300}
    }))
    .unwrap();
    let response = evaluate(&request).unwrap();
    let panel = response.ar.unwrap();
    assert_eq!(panel.curve, forecast_curve(2, 0.1, &[10, 40], 300, 5));
    assert!((panel.noise_variance - 0.01).abs() < 1e-15);
    // Defaults: Zhou et al.'s p = 3, σ = 0.05, histories p + {5, 25, 50, 100, 200}.
    let defaults =
        IclRequest::from_value(json!({"d": 1, "n": 1, "learners": [], "ar": {}})).unwrap();
    let spec = defaults.ar.unwrap();
    assert_eq!(
        (spec.p, spec.sigma, spec.histories),
        (3, 0.05, vec![8, 28, 53, 103, 203])
    );
    for (ar, field) in [
        (json!({"p": 3, "histories": [3]}), "ar.histories[0]"),
        (json!({"p": 0}), "ar.p"),
        (json!({"sigma": -1}), "ar.sigma"),
        (json!({"lags": 2}), "ar"),
        (
            json!({"series": 1000000, "histories": [10000, 10000]}),
            "ar.series",
        ),
    ] {
        let err =
            IclRequest::from_value(json!({"d": 1, "n": 1, "learners": [], "ar": ar})).unwrap_err();
        assert!(err.to_string().contains(field), "{ar}: {err}");
    }
}
