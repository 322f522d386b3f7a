//! The gated linear RNN that is exactly causal linear attention (icl.md §1.10, F7a; Zucchet et al.
//! 2023): a diagonal recurrence `s_t = λ ⊙ s_{t−1} + (R_v W_V x_t) ⊙ (R_k W_K x_t)` on
//! `d_v · d_k` neurons (input gating builds `vec(v_t k_tᵀ)`), read out by output gating with the
//! query and a block sum, `o_t = R_o [s_t ⊙ (R_k W_Q x_t)] = Σ_{s ≤ t} λ^{t−s} (k_s·q_t) v_s`.
//! `λ = 1` is linear attention; `λ < 1` a decaying memory (RetNet's). Written with the explicit
//! 0/1 read-in and read-out matrices, as the construction states it.

use crate::rng::{stream, SeededRng};
use nalgebra::{DMatrix, DVector};

/// The RNN's weights.
#[derive(Debug, Clone, PartialEq)]
pub struct GatedRnn {
    /// `W_Q`, d_k × d_in.
    pub w_q: DMatrix<f64>,
    /// `W_K`, d_k × d_in.
    pub w_k: DMatrix<f64>,
    /// `W_V`, d_v × d_in.
    pub w_v: DMatrix<f64>,
    /// The recurrence's diagonal (one value on every neuron).
    pub decay: f64,
}

impl GatedRnn {
    /// Seeded Gaussian weights `N(0, 1/d_in)`.
    pub fn seeded(d_in: usize, d_k: usize, d_v: usize, decay: f64, seed: u64) -> GatedRnn {
        let mut rng = SeededRng::new(seed, stream::ICL_MODEL);
        let scale = 1.0 / (d_in as f64).sqrt();
        let mut draw = |rows: usize| DMatrix::from_fn(rows, d_in, |_, _| scale * rng.normal());
        let (w_q, w_k, w_v) = (draw(d_k), draw(d_k), draw(d_v));
        GatedRnn {
            w_q,
            w_k,
            w_v,
            decay,
        }
    }

    /// `R_v` (d_v d_k × d_v), `R_k` (d_v d_k × d_k), `R_o` (d_v × d_v d_k): neuron `(a, b)` sits at
    /// `a · d_k + b`, copies value channel `a` and key channel `b`, and sums into output `a`.
    pub fn read_matrices(&self) -> (DMatrix<f64>, DMatrix<f64>, DMatrix<f64>) {
        let (d_k, d_v) = (self.w_k.nrows(), self.w_v.nrows());
        let neurons = d_v * d_k;
        let r_v = DMatrix::from_fn(neurons, d_v, |i, a| f64::from(u8::from(i / d_k == a)));
        let r_k = DMatrix::from_fn(neurons, d_k, |i, b| f64::from(u8::from(i % d_k == b)));
        let r_o = DMatrix::from_fn(d_v, neurons, |a, i| f64::from(u8::from(i / d_k == a)));
        (r_v, r_k, r_o)
    }

    /// Runs the recurrence over the rows of `xs` (T × d_in); returns the outputs (T × d_v) and the
    /// hidden state after the last token.
    pub fn run(&self, xs: &DMatrix<f64>) -> (DMatrix<f64>, DVector<f64>) {
        let (r_v, r_k, r_o) = self.read_matrices();
        let mut s = DVector::zeros(r_v.nrows());
        let mut out = DMatrix::zeros(xs.nrows(), self.w_v.nrows());
        for t in 0..xs.nrows() {
            let x = xs.row(t).transpose();
            let write = (&r_v * (&self.w_v * &x)).component_mul(&(&r_k * (&self.w_k * &x)));
            s = s * self.decay + write;
            let gated = s.component_mul(&(&r_k * (&self.w_q * &x)));
            out.set_row(t, &(&r_o * gated).transpose());
        }
        (out, s)
    }
}
