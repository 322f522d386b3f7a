//! The kernel feature-map family (variants.md §0 "generic template", §2): `A = diag(W1 ⊕ ε)⁻¹ W`
//! with `W = φ_q(Q) φ_k(K)ᵀ` (masked when causal). Three forms of the same map:
//! the quadratic form builds `A`; the recurrent form keeps a state `S ∈ R^{m×d_v}` and a
//! normaliser `z ∈ R^m`; the chunkwise form adds the intra-chunk part to the state before the
//! chunk. Each variant file supplies only its feature maps and its normaliser guard.

pub mod cosformer;
pub mod elu;
pub mod performer;
pub mod relu;
pub mod taylor;

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

/// Quadratic form: `A_ij = φ(q_i)·φ(k_j) / guard(Σ_{l ∈ 𝒮_i} φ(q_i)·φ(k_l))`, `O = A V`.
pub fn quadratic(
    fq: &Features,
    fk: &Features,
    v: &Matrix,
    causal: bool,
    norm: Normaliser,
) -> (Matrix, Matrix) {
    let n = fq.len();
    let mut attention = Matrix::zeros(n, n); // [n, n]
    for (i, fq_i) in fq.iter().enumerate() {
        let keys = if causal { i + 1 } else { n }; // the support of row i
        let weights: Vec<f64> = fk[..keys].iter().map(|fk_j| dot(fq_i, fk_j)).collect();
        let den = norm.apply(weights.iter().sum());
        for (j, w) in weights.iter().enumerate() {
            attention.set(i, j, (w / den) as f32);
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

/// The running state of the linear forms: `S = Σ φ(k)ᵀ v` (`m × d_v`) and `z = Σ φ(k)`.
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

    /// `S += φ(k_t)ᵀ v_t`, `z += φ(k_t)`.
    fn absorb(&mut self, fk_t: &[f64], v_t: &[f32]) {
        for (r, &f) in fk_t.iter().enumerate() {
            self.z[r] += f;
            for (c, &x) in v_t.iter().enumerate() {
                self.s[r * self.d_v + c] += f * f64::from(x);
            }
        }
    }

    /// `(φ(q) S, φ(q)·z)`.
    fn read(&self, fq_t: &[f64]) -> (Vec<f64>, f64) {
        let mut num = vec![0.0; self.d_v];
        for (r, &f) in fq_t.iter().enumerate() {
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

/// Recurrent form. Causal: `S_t = S_{t−1} + φ(k_t)ᵀ v_t`, `z_t = z_{t−1} + φ(k_t)`,
/// `o_t = φ(q_t) S_t / guard(φ(q_t)·z_t)`. Non-causal: the full `S`, `z` first.
pub fn recurrent(
    fq: &Features,
    fk: &Features,
    v: &Matrix,
    causal: bool,
    norm: Normaliser,
) -> Matrix {
    let m = fq.first().map_or(0, Vec::len);
    let mut state = State::new(m, v.cols());
    let mut output = Matrix::zeros(fq.len(), v.cols()); // [n, d_v]
    if !causal {
        for (t, fk_t) in fk.iter().enumerate() {
            state.absorb(fk_t, v.row(t));
        }
    }
    for (t, fq_t) in fq.iter().enumerate() {
        if causal {
            state.absorb(&fk[t], v.row(t));
        }
        let (num, den) = state.read(fq_t);
        write_row(&mut output, t, &num, norm.apply(den));
    }
    output
}

/// Chunkwise form (chunk size `C`): for the rows of chunk `c`,
/// `num = φ(Q_c) S_{<c} + tril(φ(Q_c) φ(K_c)ᵀ) V_c`, `den = φ(Q_c) z_{<c} + rowsum(tril(·))`,
/// then `S_{<c+1} = S_{<c} + φ(K_c)ᵀ V_c`. Non-causal: the full state, chunk by chunk.
#[allow(clippy::needless_range_loop)] // token indices t, s over a chunk read like the formula
pub fn chunked(
    fq: &Features,
    fk: &Features,
    v: &Matrix,
    causal: bool,
    norm: Normaliser,
    chunk: usize,
) -> Matrix {
    let n = fq.len();
    let chunk = chunk.max(1);
    let m = fq.first().map_or(0, Vec::len);
    let mut state = State::new(m, v.cols());
    let mut output = Matrix::zeros(n, v.cols()); // [n, d_v]
    if !causal {
        for start in (0..n).step_by(chunk) {
            for t in start..(start + chunk).min(n) {
                state.absorb(&fk[t], v.row(t));
            }
        }
        for (t, fq_t) in fq.iter().enumerate() {
            let (num, den) = state.read(fq_t);
            write_row(&mut output, t, &num, norm.apply(den));
        }
        return output;
    }
    for start in (0..n).step_by(chunk) {
        let end = (start + chunk).min(n);
        for t in start..end {
            // Inter-chunk part from the state before the chunk, then the causal intra-chunk part.
            let (mut num, mut den) = state.read(&fq[t]);
            for s in start..=t {
                let w = dot(&fq[t], &fk[s]);
                den += w;
                for (c, acc) in num.iter_mut().enumerate() {
                    *acc += w * f64::from(v.get(s, c));
                }
            }
            write_row(&mut output, t, &num, norm.apply(den));
        }
        for t in start..end {
            state.absorb(&fk[t], v.row(t));
        }
    }
    output
}

/// What a kernel variant computes with: its features, normaliser guard and chunk size.
pub struct KernelSetup {
    /// `φ_q(Q)`.
    pub fq: Features,
    /// `φ_k(K)`.
    pub fk: Features,
    /// The denominator guard.
    pub norm: Normaliser,
    /// Chunk size of the chunkwise form.
    pub chunk: usize,
}

impl KernelSetup {
    /// Builds the features of `map` for `q`, `k`.
    pub fn new(
        map: &impl FeatureMap,
        q: &Matrix,
        k: &Matrix,
        norm: Normaliser,
        chunk: usize,
    ) -> Self {
        KernelSetup {
            fq: map.queries(q),
            fk: map.keys(k),
            norm,
            chunk,
        }
    }

    /// The feature dimension `m`.
    pub fn m(&self) -> usize {
        self.fq.first().map_or(0, Vec::len)
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
        description: "tokens per chunk of the chunkwise form (the output does not depend on it)",
    }
}

/// The final KV state `S = Σ_j φ(k_j)ᵀ v_j` (`m × d_v`): what a recurrent model carries.
pub fn kv_state(fk: &Features, v: &Matrix) -> Matrix {
    let m = fk.first().map_or(0, Vec::len);
    let mut state = State::new(m, v.cols());
    for (t, fk_t) in fk.iter().enumerate() {
        state.absorb(fk_t, v.row(t));
    }
    let values = state.s.iter().map(|&x| x as f32).collect();
    Matrix::from_vec(m, v.cols(), values).unwrap_or_else(|_| Matrix::zeros(m, v.cols()))
}
