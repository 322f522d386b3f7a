//! The kernel feature-map family (variants.md §0 "generic template", §2): `A = diag(W1 + ε)⁻¹ W`
//! with `W = φ(Q) φ(K)ᵀ` (masked when causal). The quadratic form builds `A`; the recurrent form
//! never does, keeping a state `S ∈ R^{m×d_v}` and a normaliser `z ∈ R^m`.

pub mod elu;

use crate::tensor::Matrix;
use crate::workload::Qkv;

/// A feature map `φ: R^{d_k} → R^m` applied to one row.
pub trait FeatureMap {
    /// Writes `φ(x)` into `out` (cleared first).
    fn map_row(&self, x: &[f32], out: &mut Vec<f64>);
}

/// Features of every row of `x`, in f64: `n` rows of `m` values.
pub fn features(map: &impl FeatureMap, x: &Matrix) -> Vec<Vec<f64>> {
    (0..x.rows())
        .map(|i| {
            let mut row = Vec::new();
            map.map_row(x.row(i), &mut row);
            row
        })
        .collect()
}

/// `(φ(Q), φ(K))` with the same map for queries and keys.
pub fn feature_pair(map: &impl FeatureMap, qkv: &Qkv) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    (features(map, &qkv.q), features(map, &qkv.k))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Quadratic form: `A_ij = φ(q_i)·φ(k_j) / (Σ_{l ∈ support(i)} φ(q_i)·φ(k_l) + ε)`, `O = A V`.
pub fn quadratic(
    fq: &[Vec<f64>],
    fk: &[Vec<f64>],
    v: &Matrix,
    causal: bool,
    eps: f64,
) -> (Matrix, Matrix) {
    let n = fq.len();
    let mut attention = Matrix::zeros(n, n); // [n, n]
    for (i, fq_i) in fq.iter().enumerate() {
        let keys = if causal { i + 1 } else { n };
        let weights: Vec<f64> = fk[..keys].iter().map(|fk_j| dot(fq_i, fk_j)).collect();
        let denom = weights.iter().sum::<f64>() + eps;
        for (j, w) in weights.iter().enumerate() {
            attention.set(i, j, (w / denom) as f32);
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

/// Linear-time form. Causal: `S_t = S_{t−1} + φ(k_t)ᵀ v_t`, `z_t = z_{t−1} + φ(k_t)`,
/// `o_t = φ(q_t) S_t / (φ(q_t)·z_t + ε)`. Non-causal: `S = φ(K)ᵀ V`, `z = Σ_j φ(k_j)` first.
pub fn recurrent(fq: &[Vec<f64>], fk: &[Vec<f64>], v: &Matrix, causal: bool, eps: f64) -> Matrix {
    let n = fq.len();
    let m = fq.first().map_or(0, Vec::len);
    let d_v = v.cols();
    let mut state = vec![0.0f64; m * d_v]; // S, [m, d_v]
    let mut z = vec![0.0f64; m]; // normaliser, [m]
    let mut output = Matrix::zeros(n, d_v); // [n, d_v]
    let absorb = |t: usize, state: &mut [f64], z: &mut [f64]| {
        for r in 0..m {
            z[r] += fk[t][r];
            for c in 0..d_v {
                state[r * d_v + c] += fk[t][r] * f64::from(v.get(t, c));
            }
        }
    };
    if !causal {
        for t in 0..n {
            absorb(t, &mut state, &mut z);
        }
    }
    for (t, fq_t) in fq.iter().enumerate() {
        if causal {
            absorb(t, &mut state, &mut z);
        }
        let denom = dot(fq_t, &z) + eps;
        for c in 0..d_v {
            let num: f64 = (0..m).map(|r| fq_t[r] * state[r * d_v + c]).sum();
            output.set(t, c, (num / denom) as f32);
        }
    }
    output
}
