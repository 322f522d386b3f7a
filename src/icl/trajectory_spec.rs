//! The `"trajectory"` object of an ICL request (view V5, icl.md V5): GD steps and step size, the
//! ridge path's λ grid, the optional GD++ layers and the streaming panel's length, parsed strictly
//! (errors name `trajectory.<field>`).

use crate::error::{Error, Result};
use crate::schema::parse::{check_range, check_size, params_from_value};
use serde::Deserialize;
use serde_json::Value;

/// The most GD steps (= constructed LSA layers, GD++ layers).
pub const MAX_STEPS: usize = 200;
/// The most points on the ridge path.
pub const MAX_RIDGE_POINTS: usize = 400;
/// The most context examples of the streaming panel.
pub const MAX_STREAM: usize = 256;
/// `steps · n²` above this is refused: each LSA layer costs O(N²), three passes per layer.
pub const MAX_WORK: usize = 50_000_000;
/// Accepted step sizes η and GD++ γ (the page's sliders stay far inside).
const STEP_RANGE: (f64, f64) = (0.0, 1e3);
/// Accepted ridge λ (the grid's ends).
const LAMBDA_RANGE: (f64, f64) = (1e-12, 1e12);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrajectory {
    #[serde(default = "default_steps")]
    steps: usize,
    eta: Option<f64>,
    #[serde(default = "default_ridge_points")]
    ridge_points: usize,
    #[serde(default = "default_lambda_max")]
    lambda_max: f64,
    #[serde(default = "default_lambda_min")]
    lambda_min: f64,
    gd_pp: Option<RawGdPp>,
    #[serde(default = "default_stream")]
    stream: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGdPp {
    eta: Option<f64>,
    gamma: Option<f64>,
    etas: Option<Vec<f64>>,
    gammas: Option<Vec<f64>>,
}

fn default_steps() -> usize {
    10
}
fn default_ridge_points() -> usize {
    61
}
fn default_lambda_max() -> f64 {
    1e4
}
fn default_lambda_min() -> f64 {
    1e-8
}
fn default_stream() -> usize {
    20
}

/// GD++'s per-layer `(η_ℓ, γ_ℓ)` (icl.md F6); `None` η: the trajectory's GD step size.
#[derive(Debug, Clone, PartialEq)]
pub struct GdPpLayers {
    /// Per-layer step sizes (`None`: the GD η of every layer).
    pub etas: Option<Vec<f64>>,
    /// Per-layer curvature corrections γ.
    pub gammas: Vec<f64>,
}

/// A parsed `"trajectory"` object.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectorySpec {
    /// K: GD steps from 0, and layers of the constructed LSA stack.
    pub steps: usize,
    /// The GD step size (1/N-normalised, `w ← w − η (1/N) Xᵀ(Xw − y)`); `None`: F1's η*.
    pub eta: Option<f64>,
    /// The ridge path's λ, log-spaced from the largest to the smallest.
    pub ridge_lambdas: Vec<f64>,
    /// GD++ layers, when asked for.
    pub gd_pp: Option<GdPpLayers>,
    /// The streaming panel's largest k (ŵ after k = 1 … stream context examples).
    pub stream: usize,
}

/// `count` values log-spaced from `hi` down to `lo` (both included).
pub fn log_grid_descending(hi: f64, lo: f64, count: usize) -> Vec<f64> {
    if count == 1 {
        return vec![hi];
    }
    let (a, b) = (hi.ln(), lo.ln());
    (0..count)
        .map(|i| (a + (b - a) * i as f64 / (count - 1) as f64).exp())
        .collect()
}

fn check_step(field: &str, value: f64) -> Result<()> {
    check_range(field, value, STEP_RANGE.0, STEP_RANGE.1, "a step size")
}

impl TrajectorySpec {
    /// Parses `request.trajectory`; `d` and `n` are the request's (the view is 2-D).
    pub fn parse(value: Value, d: usize, n: usize) -> Result<TrajectorySpec> {
        if d != 2 {
            return Err(Error::invalid(
                "d",
                format!("the trajectory view draws w in the plane: it needs d = 2, got d = {d}"),
            ));
        }
        let raw: RawTrajectory = params_from_value("trajectory", value)?;
        check_size(
            "trajectory.steps",
            raw.steps,
            MAX_STEPS,
            "GD steps / LSA layers",
        )?;
        check_size(
            "trajectory.ridge_points",
            raw.ridge_points,
            MAX_RIDGE_POINTS,
            "points on the ridge path",
        )?;
        check_size(
            "trajectory.stream",
            raw.stream,
            MAX_STREAM,
            "context examples of the streaming panel",
        )?;
        if raw.steps.saturating_mul(n).saturating_mul(n) > MAX_WORK {
            return Err(Error::Limit {
                field: "trajectory.steps".into(),
                value: format!("steps · n² = {}", raw.steps.saturating_mul(n * n)),
                range: format!("at most {MAX_WORK}"),
                why: "the constructed LSA stack's work (O(N²) a layer)".into(),
            });
        }
        if let Some(eta) = raw.eta {
            check_step("trajectory.eta", eta)?;
        }
        let (lo, hi) = LAMBDA_RANGE;
        check_range("trajectory.lambda_max", raw.lambda_max, lo, hi, "ridge λ")?;
        check_range("trajectory.lambda_min", raw.lambda_min, lo, hi, "ridge λ")?;
        if raw.lambda_min >= raw.lambda_max {
            return Err(Error::invalid(
                "trajectory.lambda_min",
                format!(
                    "must be below lambda_max ({} ≥ {})",
                    raw.lambda_min, raw.lambda_max
                ),
            ));
        }
        let gd_pp = raw
            .gd_pp
            .map(|g| GdPpLayers::parse(g, raw.steps))
            .transpose()?;
        Ok(TrajectorySpec {
            steps: raw.steps,
            eta: raw.eta,
            ridge_lambdas: log_grid_descending(raw.lambda_max, raw.lambda_min, raw.ridge_points),
            gd_pp,
            stream: raw.stream,
        })
    }
}

impl GdPpLayers {
    /// A shared `(eta, gamma)` or per-layer `etas` / `gammas` (K of each), not both.
    fn parse(raw: RawGdPp, steps: usize) -> Result<GdPpLayers> {
        let per_layer = |field: &str, v: Vec<f64>| -> Result<Vec<f64>> {
            if v.len() != steps {
                return Err(Error::Shape {
                    field: format!("trajectory.gd_pp.{field}"),
                    expected: format!("{steps} values (trajectory.steps)"),
                    got: format!("{}", v.len()),
                });
            }
            for (i, &x) in v.iter().enumerate() {
                check_step(&format!("trajectory.gd_pp.{field}[{i}]"), x)?;
            }
            Ok(v)
        };
        let both = |a: &str, b: &str| {
            Error::invalid(
                format!("trajectory.gd_pp.{b}"),
                format!("give either {a} (shared by every layer) or {b} (one per layer), not both"),
            )
        };
        let etas = match (raw.eta, raw.etas) {
            (Some(_), Some(_)) => return Err(both("eta", "etas")),
            (Some(e), None) => {
                check_step("trajectory.gd_pp.eta", e)?;
                Some(vec![e; steps])
            }
            (None, Some(v)) => Some(per_layer("etas", v)?),
            (None, None) => None,
        };
        let gammas = match (raw.gamma, raw.gammas) {
            (Some(_), Some(_)) => return Err(both("gamma", "gammas")),
            (Some(g), None) => {
                check_step("trajectory.gd_pp.gamma", g)?;
                vec![g; steps]
            }
            (None, Some(v)) => per_layer("gammas", v)?,
            (None, None) => {
                return Err(Error::invalid(
                    "trajectory.gd_pp.gamma",
                    "missing: GD++ needs gamma (shared) or gammas (one per layer)",
                ))
            }
        };
        Ok(GdPpLayers { etas, gammas })
    }
}
