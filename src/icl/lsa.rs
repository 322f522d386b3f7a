//! The linear self-attention layer of in-context regression (icl.md F0) in its column form:
//! tokens are the columns of `E ∈ R^{(d+1)×(N+1)}`, `(x_i, y_i)` for the context and `(x_q, 0)`
//! for the query (last), and one layer is
//! `E ← E + W_PV · E_c · (E_cᵀ W_KQ E) / N` with `E_c` the N context columns (the query is not a
//! key or value, as in von Oswald's and Ahn's code). The prediction is minus the query's label
//! slot (von Oswald's and Ahn's sign convention).
//!
//! The GD construction `W_KQ = [[I, 0], [0, 0]]`, `W_PV = [[0, 0], [0, −η]]` makes each layer one
//! step of GD on `L(w) = (1/2N) Σ (wᵀx_i − y_i)²` from `w₀ = 0`: every context label slot becomes
//! the residual `y_i − w_ℓᵀ x_i`, so K stacked layers are exactly K GD steps. GD++ adds
//! `−γ I` to the x-block of `W_PV`, which also moves the inputs (curvature correction, F6).

use super::tasks::Task;
use nalgebra::{DMatrix, DVector};

/// The weights of one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LsaLayer {
    /// `W_KQ`, (d+1) × (d+1).
    pub w_kq: DMatrix<f64>,
    /// `W_PV`, (d+1) × (d+1).
    pub w_pv: DMatrix<f64>,
}

impl LsaLayer {
    /// One GD++ layer: `W_KQ = [[I, 0], [0, 0]]`, `W_PV = [[−γ I, 0], [0, −η]]`; γ = 0 is GD.
    pub fn gd_pp(d: usize, eta: f64, gamma: f64) -> LsaLayer {
        let mut w_kq = DMatrix::zeros(d + 1, d + 1);
        let mut w_pv = DMatrix::zeros(d + 1, d + 1);
        for i in 0..d {
            w_kq[(i, i)] = 1.0;
            w_pv[(i, i)] = -gamma;
        }
        w_pv[(d, d)] = -eta;
        LsaLayer { w_kq, w_pv }
    }

    /// The GD construction with step `η`.
    pub fn gd(d: usize, eta: f64) -> LsaLayer {
        LsaLayer::gd_pp(d, eta, 0.0)
    }

    /// Applies the layer to `e` (columns = tokens, the last one the query).
    pub fn apply(&self, e: &DMatrix<f64>) -> DMatrix<f64> {
        let n = e.ncols() - 1;
        let context = e.columns(0, n);
        // (E_cᵀ W_KQ E) / N: N × (N+1) attention scores, no softmax.
        let scores = context.transpose() * &self.w_kq * e / n.max(1) as f64;
        e + &self.w_pv * context * scores
    }
}

/// The tokens of a task: columns `(x_i, y_i)`, then `(x_q, 0)`.
pub fn tokens(task: &Task) -> DMatrix<f64> {
    let (n, d) = (task.x.nrows(), task.x.ncols());
    let mut e = DMatrix::zeros(d + 1, n + 1);
    for i in 0..n {
        for j in 0..d {
            e[(j, i)] = task.x[(i, j)];
        }
        e[(d, i)] = task.y[i];
    }
    for j in 0..d {
        e[(j, n)] = task.x_query[j];
    }
    e
}

/// Runs `layers` on the task's tokens; returns the prediction after each layer
/// (`−` the query's label slot).
pub fn predictions(layers: &[LsaLayer], task: &Task) -> Vec<f64> {
    let mut e = tokens(task);
    let (d, n) = (task.x.ncols(), task.x.nrows());
    layers
        .iter()
        .map(|layer| {
            e = layer.apply(&e);
            -e[(d, n)]
        })
        .collect()
}

/// The implicit weight vector after each layer, `ŵ_ℓ = ∂ŷ_ℓ / ∂x_q`. Exact for models whose
/// prediction is linear in `x_q` (the GD and GD++ constructions: the query never acts as a key):
/// `ŵ_ℓ[j] = ŷ_ℓ(x_q = e_j) − ŷ_ℓ(x_q = 0)`.
pub fn implicit_weights(layers: &[LsaLayer], task: &Task) -> Vec<DVector<f64>> {
    let d = task.x.ncols();
    let at = |x_query: DVector<f64>| {
        predictions(
            layers,
            &Task {
                x_query,
                ..task.clone()
            },
        )
    };
    let base = at(DVector::zeros(d));
    let columns: Vec<Vec<f64>> = (0..d)
        .map(|j| {
            let mut e_j = DVector::zeros(d);
            e_j[j] = 1.0;
            at(e_j)
        })
        .collect();
    (0..layers.len())
        .map(|l| DVector::from_fn(d, |j, _| columns[j][l] - base[l]))
        .collect()
}

/// Explicit gradient descent on `L(w) = (1/2N) ‖X w − y‖²` from `w₀ = 0`: the iterates after each
/// of the steps `etas`.
pub fn gd_iterates(task: &Task, etas: &[f64]) -> Vec<DVector<f64>> {
    let n = task.x.nrows().max(1) as f64;
    let mut w = DVector::zeros(task.x.ncols());
    etas.iter()
        .map(|&eta| {
            let residual = &task.x * &w - &task.y;
            w -= task.x.transpose() * residual * (eta / n);
            w.clone()
        })
        .collect()
}
