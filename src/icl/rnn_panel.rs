//! View V10's RNN panel (icl.md V10, F7a): the gated linear RNN of `rnn.rs` streamed over the
//! in-context regression tokens `e_t = (x_t, y_t)` (then the query `(x_q, 0)`), with its state
//! `S_t = Σ_{s≤t} λ^{t−s} v_s k_sᵀ` after every token and its outputs `o_t = S_t q_t`, next to
//! causal linear attention computed in parallel form, `O = (D ⊙ Q Kᵀ) V` with
//! `D_ts = λ^{t−s}` for `s ≤ t` (0 above the diagonal); `λ = 1` is plain causal linear attention.
//!
//! Projections: `tokens` (`W_Q = W_K = W_V = I`: the state is the running second moment of the
//! tokens, `[[Σ x xᵀ, Σ x y], [Σ y xᵀ, Σ y²]]`, least squares' sufficient statistics); `gd`
//! (`W_Q = W_K = [I 0]`, `W_V = [0 η/N]`: at the query, with λ = 1, the output is one GD step's
//! prediction `η hᵀ x_q`); `seeded` (Gaussian weights, F7a's test suggestion).

use super::closed_form::Moments;
use super::learners::Learner;
use super::rnn::GatedRnn;
use super::tasks::TaskDistribution;
use crate::error::{Error, Result};
use crate::schema::parse::{check_range, check_size, params_from_value};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The most tokens the panel streams.
pub const MAX_STEPS: usize = 64;
/// The largest key / value width of seeded projections.
pub const MAX_WIDTH: usize = 16;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRnn {
    #[serde(default = "one")]
    decay: f64,
    #[serde(default = "tokens")]
    projections: String,
    steps: Option<usize>,
    eta: Option<f64>,
    d_k: Option<usize>,
    d_v: Option<usize>,
    #[serde(default)]
    seed: u64,
}

fn one() -> f64 {
    1.0
}
fn tokens() -> String {
    "tokens".into()
}

/// How keys, queries and values are made from the tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum Projections {
    /// `W_Q = W_K = W_V = I` (d+1 wide).
    Tokens,
    /// The GD construction read as attention: keys and queries `x`, values `(η/N) y`.
    Gd {
        /// η (`None`: F1's η*).
        eta: Option<f64>,
    },
    /// Seeded Gaussian `N(0, 1/(d+1))` weights.
    Seeded {
        /// Key width.
        d_k: usize,
        /// Value width.
        d_v: usize,
        /// Seed of the weights.
        seed: u64,
    },
}

/// A parsed `"rnn"` object.
#[derive(Debug, Clone, PartialEq)]
pub struct RnnPanelSpec {
    /// The recurrence's diagonal λ ∈ (0, 1].
    pub decay: f64,
    /// The projections.
    pub projections: Projections,
    /// Tokens streamed (`None`: all N context tokens and the query).
    pub steps: Option<usize>,
}

impl RnnPanelSpec {
    /// Parses `request.rnn`; `n` is the request's context length (the sequence has n + 1 tokens).
    pub fn parse(value: Value, n: usize) -> Result<RnnPanelSpec> {
        let raw: RawRnn = params_from_value("rnn", value)?;
        check_range("rnn.decay", raw.decay, 0.0, 1.0, "the recurrence's decay λ")?;
        if raw.decay == 0.0 {
            return Err(Error::Limit {
                field: "rnn.decay".into(),
                value: "0".into(),
                range: "(0, 1]".into(),
                why: "λ = 0 keeps no memory at all".into(),
            });
        }
        let longest = (n + 1).min(MAX_STEPS);
        if let Some(steps) = raw.steps {
            check_size(
                "rnn.steps",
                steps,
                longest,
                "tokens: at most 64, and the n context tokens + the query",
            )?;
        } else if n + 1 > MAX_STEPS {
            return Err(Error::Limit {
                field: "rnn.steps".into(),
                value: format!("n + 1 = {}", n + 1),
                range: format!("at most {MAX_STEPS}"),
                why: "tokens the RNN panel streams; set rnn.steps or a smaller n".into(),
            });
        }
        let extra = |name: &str, present: bool| -> Result<()> {
            if present {
                return Err(Error::invalid(
                    format!("rnn.{name}"),
                    format!("not a parameter of projections \"{}\"", raw.projections),
                ));
            }
            Ok(())
        };
        let projections = match raw.projections.as_str() {
            "tokens" => {
                extra("eta", raw.eta.is_some())?;
                extra("d_k", raw.d_k.is_some())?;
                extra("d_v", raw.d_v.is_some())?;
                Projections::Tokens
            }
            "gd" => {
                extra("d_k", raw.d_k.is_some())?;
                extra("d_v", raw.d_v.is_some())?;
                if let Some(eta) = raw.eta {
                    check_range("rnn.eta", eta, 0.0, 1e3, "a step size")?;
                }
                Projections::Gd { eta: raw.eta }
            }
            "seeded" => {
                extra("eta", raw.eta.is_some())?;
                let d_k = raw.d_k.unwrap_or(4);
                let d_v = raw.d_v.unwrap_or(3);
                check_size("rnn.d_k", d_k, MAX_WIDTH, "key width")?;
                check_size("rnn.d_v", d_v, MAX_WIDTH, "value width")?;
                Projections::Seeded {
                    d_k,
                    d_v,
                    seed: raw.seed,
                }
            }
            other => {
                return Err(Error::invalid(
                    "rnn.projections",
                    format!("unknown projections \"{other}\"; known: tokens, gd, seeded"),
                ))
            }
        };
        Ok(RnnPanelSpec {
            decay: raw.decay,
            projections,
            steps: raw.steps,
        })
    }
}

/// What the RNN panel draws.
#[derive(Debug, Clone, Serialize)]
pub struct RnnPanel {
    /// `tokens`, `gd` or `seeded`.
    pub projections: &'static str,
    /// λ.
    pub decay: f64,
    /// Key width.
    pub d_k: usize,
    /// Value width.
    pub d_v: usize,
    /// The streamed tokens (T rows of d + 1): the context pairs, then the query `(x_q, 0)`.
    pub tokens: Vec<Vec<f64>>,
    /// `W_Q` (d_k rows), `W_K` (d_k rows), `W_V` (d_v rows).
    pub w_q: Vec<Vec<f64>>,
    /// See `w_q`.
    pub w_k: Vec<Vec<f64>>,
    /// See `w_q`.
    pub w_v: Vec<Vec<f64>>,
    /// `states[t]`: the RNN's hidden state after token t, read as the d_v × d_k matrix `S_t`.
    pub states: Vec<Vec<Vec<f64>>>,
    /// The RNN's outputs `o_t` (T rows of d_v).
    pub recurrent: Vec<Vec<f64>>,
    /// Causal linear attention in parallel form (T rows of d_v).
    pub parallel: Vec<Vec<f64>>,
    /// `max |recurrent − parallel|` (F7a: about 1e-13 in f64).
    pub max_abs_diff: f64,
    /// `gd` projections, λ = 1, every token streamed: one GD step's prediction `η hᵀ x_q`, which
    /// the last output equals.
    pub gd_prediction: Option<f64>,
    /// The η of the `gd` projections.
    pub eta: Option<f64>,
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| m.row(i).iter().copied().collect())
        .collect()
}

/// Causal (decayed) linear attention in parallel form: `(D ⊙ Q Kᵀ) V`, inputs T × width.
pub fn causal_linear_attention(
    q: &DMatrix<f64>,
    k: &DMatrix<f64>,
    v: &DMatrix<f64>,
    decay: f64,
) -> DMatrix<f64> {
    let t = q.nrows();
    let scores = q * k.transpose();
    let weights = DMatrix::from_fn(t, t, |i, j| {
        if j <= i {
            decay.powi((i - j) as i32) * scores[(i, j)]
        } else {
            0.0
        }
    });
    weights * v
}

/// Streams the first task of `tasks` (from `seed`) through the gated RNN.
pub fn rnn_panel(spec: &RnnPanelSpec, tasks: &TaskDistribution, seed: u64) -> RnnPanel {
    // `sample(1, ..)` always holds exactly one task (the stream is endless).
    let task = tasks.sample(1, seed).remove(0);
    let (d, n) = (tasks.d, tasks.n);
    let steps = spec.steps.unwrap_or(n + 1);
    // T × (d+1): the context tokens (x_i, y_i), then the query (x_q, 0).
    let tokens = DMatrix::from_fn(steps, d + 1, |t, j| match (t < n, j < d) {
        (true, true) => task.x[(t, j)],
        (true, false) => task.y[t],
        (false, true) => task.x_query[j],
        (false, false) => 0.0,
    });
    let width = d + 1;
    let (rnn, name, eta) = match &spec.projections {
        Projections::Tokens => {
            let id = DMatrix::identity(width, width);
            let rnn = GatedRnn {
                w_q: id.clone(),
                w_k: id.clone(),
                w_v: id,
                decay: spec.decay,
            };
            (rnn, "tokens", None)
        }
        Projections::Gd { eta } => {
            let eta = eta.unwrap_or_else(|| Moments::of(tasks).optimal_step(n));
            let x_part = DMatrix::from_fn(d, width, |i, j| f64::from(u8::from(i == j)));
            let mut w_v = DMatrix::zeros(1, width);
            w_v[(0, d)] = eta / n.max(1) as f64;
            let rnn = GatedRnn {
                w_q: x_part.clone(),
                w_k: x_part,
                w_v,
                decay: spec.decay,
            };
            (rnn, "gd", Some(eta))
        }
        Projections::Seeded { d_k, d_v, seed } => (
            GatedRnn::seeded(width, *d_k, *d_v, spec.decay, *seed),
            "seeded",
            None,
        ),
    };
    let (d_k, d_v) = (rnn.w_k.nrows(), rnn.w_v.nrows());
    let (recurrent, _) = rnn.run(&tokens);
    // The state after token t: the same recurrence over the first t + 1 tokens (T ≤ 64, so the
    // quadratic cost is negligible and `rnn.rs` stays the one implementation of the recurrence).
    // Neuron (a, b) sits at a·d_k + b and holds S_t[a][b].
    let states = (0..steps)
        .map(|t| {
            let (_, s) = rnn.run(&tokens.rows(0, t + 1).into_owned());
            (0..d_v)
                .map(|a| (0..d_k).map(|b| s[a * d_k + b]).collect())
                .collect()
        })
        .collect();
    let parallel = causal_linear_attention(
        &(&tokens * rnn.w_q.transpose()),
        &(&tokens * rnn.w_k.transpose()),
        &(&tokens * rnn.w_v.transpose()),
        spec.decay,
    );
    let max_abs_diff = (&recurrent - &parallel).amax();
    let gd_prediction = match eta {
        Some(eta) if spec.decay == 1.0 && steps == n + 1 => {
            Some(Learner::Gd { etas: vec![eta] }.predict(&task))
        }
        _ => None,
    };
    RnnPanel {
        projections: name,
        decay: spec.decay,
        d_k,
        d_v,
        tokens: rows(&tokens),
        w_q: rows(&rnn.w_q),
        w_k: rows(&rnn.w_k),
        w_v: rows(&rnn.w_v),
        states,
        recurrent: rows(&recurrent),
        parallel: rows(&parallel),
        max_abs_diff,
        gd_prediction,
        eta,
    }
}
