//! The observable recurrent state (`"state_trace": [t1, t2, ...]` in a request): the state after
//! each listed token, with its Frobenius norm and effective rank — what the mechanism views draw.
//! Always computed by the recurrent form on the CPU in f64, whichever backend ran the output.

use super::family::Run;
use crate::error::{Error, Result};
use crate::stats::spectrum;
use crate::tensor::Matrix;
use serde::Serialize;

/// The largest number of steps one request may trace.
pub const MAX_TRACE_STEPS: usize = 64;

/// One state matrix and its summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelState {
    /// The state (d_k × d_v; HGRN: 1 × d_v; HLA/AHLA: the operator read by `o_t = q_t · state`).
    pub state: Matrix,
    /// `‖state‖_F`.
    pub norm: f64,
    /// Effective rank of the state (0 for a zero state).
    pub effective_rank: f64,
}

impl LevelState {
    /// The summary of `state`.
    pub fn of(state: Matrix) -> Result<LevelState> {
        let norm = state
            .data()
            .iter()
            .map(|&x| f64::from(x) * f64::from(x))
            .sum::<f64>()
            .sqrt();
        let effective_rank = spectrum::effective_rank(&spectrum::singular_values(&state)?);
        Ok(LevelState {
            state,
            norm,
            effective_rank,
        })
    }
}

/// The state after token `t`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateSnapshot {
    /// The token index (0-based), after whose update the state is taken.
    pub t: usize,
    /// One entry per state: a single one, except log-linear attention's one per Fenwick level
    /// (level 0 first).
    pub levels: Vec<LevelState>,
}

/// Checks the requested steps against `n`, naming `state_trace[i]`.
pub fn check_steps(steps: &[usize], n: usize) -> Result<()> {
    if steps.len() > MAX_TRACE_STEPS {
        return Err(Error::Limit {
            field: "state_trace".into(),
            value: format!("{} steps", steps.len()),
            range: format!("at most {MAX_TRACE_STEPS} steps"),
            why: "each step returns a d_k × d_v state".into(),
        });
    }
    for (i, &t) in steps.iter().enumerate() {
        if t >= n {
            return Err(Error::Limit {
                field: format!("state_trace[{i}]"),
                value: t.to_string(),
                range: format!("0..={}", n.saturating_sub(1)),
                why: "a token index of the sequence".into(),
            });
        }
    }
    Ok(())
}

/// The states a recurrent form keeps at the requested steps, in the order asked (a step asked
/// twice is returned twice). The forms call `keep` after each token's update.
pub struct Snapshots<T> {
    steps: Vec<usize>,
    kept: Vec<Option<T>>,
}

impl<T: Clone> Snapshots<T> {
    /// Nothing kept yet for `steps`.
    pub fn new(steps: &[usize]) -> Self {
        Snapshots {
            steps: steps.to_vec(),
            kept: vec![None; steps.len()],
        }
    }

    /// Whether step `t` was asked for (so the state is worth copying).
    pub fn wants(&self, t: usize) -> bool {
        self.steps.contains(&t)
    }

    /// Keeps `state` for every request of step `t`.
    pub fn keep(&mut self, t: usize, state: T) {
        for (slot, _) in self
            .kept
            .iter_mut()
            .zip(&self.steps)
            .filter(|(_, &step)| step == t)
        {
            *slot = Some(state.clone());
        }
    }

    /// `(step, state)` in the order asked (steps never reached are left out).
    pub fn into_list(self) -> Vec<(usize, T)> {
        self.steps
            .into_iter()
            .zip(self.kept)
            .filter_map(|(t, state)| Some((t, state?)))
            .collect()
    }
}

/// The snapshots of a recurrent run.
pub fn snapshots(run: Run) -> Result<Vec<StateSnapshot>> {
    run.trace
        .into_iter()
        .map(|(t, states)| {
            Ok(StateSnapshot {
                t,
                levels: states
                    .into_iter()
                    .map(LevelState::of)
                    .collect::<Result<_>>()?,
            })
        })
        .collect()
}
