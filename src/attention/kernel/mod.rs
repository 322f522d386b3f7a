//! The kernel feature-map family (variants.md §0 "generic template", §2): `A = diag(W1 ⊕ ε)⁻¹ W`
//! with `W = φ_q(Q) φ_k(K)ᵀ` (masked when causal). Three forms of the same map:
//! the quadratic form builds `A`; the recurrent form keeps a state `S ∈ R^{m×d_v}` and a
//! normaliser `z ∈ R^m`; the chunkwise form adds the intra-chunk part to the state before the
//! chunk. Each variant file supplies only its feature maps and its normaliser guard.

pub mod chunked_fast;
pub mod cosformer;
pub mod dwc;
pub mod elu;
pub mod flatten;
pub mod flowformer;
pub mod hedgehog;
pub mod lln;
pub mod mhla;
pub mod performer;
pub mod relu;
pub mod setup;
pub mod taylor;
pub mod vision;

use super::rope::rotate_features;
use crate::catalog::Range;
use crate::tensor::Matrix;

/// Feature rows, in f64: `n` rows of `m` values.
pub type Features = Vec<Vec<f64>>;

/// The feature maps of one variant (queries and keys may differ: Performer's stabiliser).
pub trait FeatureMap {
    /// `φ_q` of every query row (row index = position).
    fn queries(&self, q: &Matrix) -> Features;
    /// `φ_k` of every key row.
    fn keys(&self, k: &Matrix) -> Features;
}

/// Applies a per-row map `f(position, row)` to every row of `x`.
pub fn map_rows(x: &Matrix, f: impl Fn(usize, &[f32]) -> Vec<f64>) -> Features {
    (0..x.rows()).map(|i| f(i, x.row(i))).collect()
}

/// How the row normaliser `den = Σ_l φ(q_i)·φ(k_l)` is kept away from 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Normaliser {
    /// `den + ε` (Katharopoulos, Based, ...).
    PlusEps(f64),
    /// `max(den, ε)` (cosFormer's `clamp_min`).
    ClampMin(f64),
}

impl Normaliser {
    /// The guarded denominator.
    pub fn apply(self, den: f64) -> f64 {
        match self {
            Normaliser::PlusEps(eps) => den + eps,
            Normaliser::ClampMin(eps) => den.max(eps),
        }
    }
}

/// Accepted chunk sizes of the chunkwise form (CPU and GPU).
pub const CHUNK_SIZE: Range = Range {
    min: 1.0,
    max: 256.0,
};
/// The default chunk size.
pub const DEFAULT_CHUNK_SIZE: usize = 64;

/// The default of every kernel variant's `chunk_size`.
pub fn default_chunk_size() -> usize {
    DEFAULT_CHUNK_SIZE
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Quadratic form: `A_ij = φ_n(q_i)·φ_n(k_j) / guard(Σ_{l ∈ 𝒮_i} φ(q_i)·φ(k_l))`, `O = A V`, where
/// `φ_n` are the numerator features (rotated under RoPE, else `φ` itself).
#[allow(clippy::needless_range_loop)] // indices i, j read like the formula
pub fn quadratic(s: &KernelSetup, v: &Matrix, causal: bool) -> (Matrix, Matrix) {
    let n = s.fq.len();
    let (fq_num, fk_num) = (s.fq_num(), s.fk_num());
    let mut attention = Matrix::zeros(n, n); // [n, n]
    for i in 0..n {
        let keys = if causal { i + 1 } else { n }; // the support of row i
        let den: f64 = s.fk[..keys].iter().map(|fk_j| dot(&s.fq[i], fk_j)).sum();
        let den = s.norm.apply(den);
        for j in 0..keys {
            attention.set(i, j, (dot(&fq_num[i], &fk_num[j]) / den) as f32);
        }
    }
    let mut output = Matrix::zeros(n, v.cols()); // [n, d_v]
    for i in 0..n {
        for c in 0..v.cols() {
            let acc: f64 = (0..n)
                .map(|j| f64::from(attention.get(i, j)) * f64::from(v.get(j, c)))
                .sum();
            output.set(i, c, acc as f32);
        }
    }
    (output, attention)
}

/// The running state of the linear forms: `S = Σ φ_n(k)ᵀ v` (`m × d_v`) and `z = Σ φ(k)`.
struct State {
    s: Vec<f64>,
    z: Vec<f64>,
    d_v: usize,
}

impl State {
    fn new(m: usize, d_v: usize) -> Self {
        State {
            s: vec![0.0; m * d_v],
            z: vec![0.0; m],
            d_v,
        }
    }

    /// `S += φ_n(k_t)ᵀ v_t`, `z += φ(k_t)`.
    fn absorb(&mut self, fk_num_t: &[f64], fk_t: &[f64], v_t: &[f32]) {
        for (r, (&f_num, &f)) in fk_num_t.iter().zip(fk_t).enumerate() {
            self.z[r] += f;
            for (c, &x) in v_t.iter().enumerate() {
                self.s[r * self.d_v + c] += f_num * f64::from(x);
            }
        }
    }

    /// `(φ_n(q) S, φ(q)·z)`.
    fn read(&self, fq_num_t: &[f64], fq_t: &[f64]) -> (Vec<f64>, f64) {
        let mut num = vec![0.0; self.d_v];
        for (r, &f) in fq_num_t.iter().enumerate() {
            for (c, acc) in num.iter_mut().enumerate() {
                *acc += f * self.s[r * self.d_v + c];
            }
        }
        (num, dot(fq_t, &self.z))
    }
}

fn write_row(output: &mut Matrix, t: usize, num: &[f64], den: f64) {
    for (c, x) in num.iter().enumerate() {
        output.set(t, c, (x / den) as f32);
    }
}

/// Recurrent form. Causal: `S_t = S_{t−1} + φ_n(k_t)ᵀ v_t`, `z_t = z_{t−1} + φ(k_t)`,
/// `o_t = φ_n(q_t) S_t / guard(φ(q_t)·z_t)`. Non-causal: the full `S`, `z` first.
#[allow(clippy::needless_range_loop)] // token indices t read like the formula
pub fn recurrent(s: &KernelSetup, v: &Matrix, causal: bool) -> Matrix {
    let n = s.fq.len();
    let (fq_num, fk_num) = (s.fq_num(), s.fk_num());
    let mut state = State::new(s.m(), v.cols());
    let mut output = Matrix::zeros(n, v.cols()); // [n, d_v]
    if !causal {
        for t in 0..n {
            state.absorb(&fk_num[t], &s.fk[t], v.row(t));
        }
    }
    for t in 0..n {
        if causal {
            state.absorb(&fk_num[t], &s.fk[t], v.row(t));
        }
        let (num, den) = state.read(&fq_num[t], &s.fq[t]);
        write_row(&mut output, t, &num, s.norm.apply(den));
    }
    output
}

/// Chunkwise form (chunk size `C`): for the rows of chunk `c`,
/// `num = φ_n(Q_c) S_{<c} + tril(φ_n(Q_c) φ_n(K_c)ᵀ) V_c`, `den = φ(Q_c) z_{<c} + rowsum(tril(φ(Q_c)φ(K_c)ᵀ))`,
/// then `S_{<c+1} = S_{<c} + φ_n(K_c)ᵀ V_c`. Non-causal: the full state, chunk by chunk.
#[allow(clippy::needless_range_loop)] // token indices t, s over a chunk read like the formula
pub fn chunked(s: &KernelSetup, v: &Matrix, causal: bool, chunk: usize) -> Matrix {
    let n = s.fq.len();
    let chunk = chunk.max(1);
    let (fq_num, fk_num) = (s.fq_num(), s.fk_num());
    let mut state = State::new(s.m(), v.cols());
    let mut output = Matrix::zeros(n, v.cols()); // [n, d_v]
    if !causal {
        for start in (0..n).step_by(chunk) {
            for t in start..(start + chunk).min(n) {
                state.absorb(&fk_num[t], &s.fk[t], v.row(t));
            }
        }
        for t in 0..n {
            let (num, den) = state.read(&fq_num[t], &s.fq[t]);
            write_row(&mut output, t, &num, s.norm.apply(den));
        }
        return output;
    }
    for start in (0..n).step_by(chunk) {
        let end = (start + chunk).min(n);
        for t in start..end {
            // Inter-chunk part from the state before the chunk, then the causal intra-chunk part.
            let (mut num, mut den) = state.read(&fq_num[t], &s.fq[t]);
            for j in start..=t {
                den += dot(&s.fq[t], &s.fk[j]);
                let w = dot(&fq_num[t], &fk_num[j]);
                for (c, acc) in num.iter_mut().enumerate() {
                    *acc += w * f64::from(v.get(j, c));
                }
            }
            write_row(&mut output, t, &num, s.norm.apply(den));
        }
        for t in start..end {
            state.absorb(&fk_num[t], &s.fk[t], v.row(t));
        }
    }
    output
}

/// What a kernel variant computes with: its features (and, under RoPE, the rotated numerator
/// features), normaliser guard and chunk size.
pub struct KernelSetup {
    /// `φ_q(Q)`, used by the normaliser (and the numerator without RoPE).
    pub fq: Features,
    /// `φ_k(K)`.
    pub fk: Features,
    /// `R φ_q(Q)` under RoPE (numerator only, RoFormer), else `None`.
    pub fq_rot: Option<Features>,
    /// `R φ_k(K)` under RoPE, else `None`.
    pub fk_rot: Option<Features>,
    /// The denominator guard.
    pub norm: Normaliser,
    /// Chunk size of the chunkwise form.
    pub chunk: usize,
}

impl KernelSetup {
    /// Builds the features of `map` for `q`, `k`, rotating the numerator's under `rope`.
    pub fn new(
        map: &impl FeatureMap,
        q: &Matrix,
        k: &Matrix,
        rope: bool,
        norm: Normaliser,
        chunk: usize,
    ) -> Self {
        let (fq, fk) = (map.queries(q), map.keys(k));
        let (fq_rot, fk_rot) = if rope {
            (Some(rotate_features(&fq)), Some(rotate_features(&fk)))
        } else {
            (None, None)
        };
        KernelSetup {
            fq,
            fk,
            fq_rot,
            fk_rot,
            norm,
            chunk,
        }
    }

    /// The feature dimension `m`.
    pub fn m(&self) -> usize {
        self.fq.first().map_or(0, Vec::len)
    }

    /// The numerator's query features.
    pub fn fq_num(&self) -> &Features {
        self.fq_rot.as_ref().unwrap_or(&self.fq)
    }

    /// The numerator's key features.
    pub fn fk_num(&self) -> &Features {
        self.fk_rot.as_ref().unwrap_or(&self.fk)
    }
}

/// The catalog schema of `chunk_size`, shared by the family.
pub fn chunk_size_schema() -> crate::catalog::ParamSchema {
    crate::catalog::ParamSchema {
        name: "chunk_size",
        kind: "integer",
        default: serde_json::Value::from(DEFAULT_CHUNK_SIZE),
        default_note: None,
        min: Some(CHUNK_SIZE.min),
        max: Some(CHUNK_SIZE.max),
        log_scale: true,
        required: false,
        description: "tokens per chunk of the chunkwise form (the output does not depend on it)",
        rules: Vec::new(),
    }
}

/// The final KV state `S = Σ_j φ_n(k_j)ᵀ v_j` (`m × d_v`): what a recurrent model carries.
pub fn kv_state(s: &KernelSetup, v: &Matrix) -> Matrix {
    let mut state = State::new(s.m(), v.cols());
    for (t, (fk_num_t, fk_t)) in s.fk_num().iter().zip(&s.fk).enumerate() {
        state.absorb(fk_num_t, fk_t, v.row(t));
    }
    let values = state.s.iter().map(|&x| x as f32).collect();
    Matrix::from_vec(s.m(), v.cols(), values).unwrap_or_else(|_| Matrix::zeros(s.m(), v.cols()))
}
