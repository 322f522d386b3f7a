//! The low-rank / landmark family (variants.md §3): `A` factors through a few compressed keys,
//! landmarks or latents, so `rank(A) ≤ k` and the output never needs the n × n matrix:
//! `linformer` (projected keys and values), `nystrom` (segment-mean landmarks and a
//! pseudo-inverse), `flare` (a two-hop softmax through latent queries). The shared pieces are a
//! row softmax of `Q Kᵀ` between different sets, and seeded parameter matrices.

pub mod flare;
pub mod linformer;
pub mod nystrom;

use crate::error::{Error, Result};
use crate::tensor::Matrix;

/// `softmax_row(scale · Q Kᵀ)` between `n_q` queries and `n_k` keys (f64, max-subtracted).
pub fn softmax_weights(q: &Matrix, k: &Matrix, scale: f64) -> Matrix {
    let mut weights = Matrix::zeros(q.rows(), k.rows()); // [n_q, n_k]
    for i in 0..q.rows() {
        let logits: Vec<f64> = (0..k.rows())
            .map(|j| {
                let dot: f64 = q
                    .row(i)
                    .iter()
                    .zip(k.row(j))
                    .map(|(&a, &b)| f64::from(a) * f64::from(b))
                    .sum();
                scale * dot
            })
            .collect();
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let denom: f64 = logits.iter().map(|x| (x - max).exp()).sum();
        for (j, x) in logits.iter().enumerate() {
            weights.set(i, j, ((x - max).exp() / denom) as f32);
        }
    }
    weights
}

/// `a · b`, naming `what` if the shapes disagree (an internal invariant of the family).
pub fn product(what: &str, a: &Matrix, b: &Matrix) -> Result<Matrix> {
    a.matmul(b).map_err(|_| Error::Numerical {
        field: "variant".into(),
        message: format!(
            "{what}: {}×{} · {}×{}",
            a.rows(),
            a.cols(),
            b.rows(),
            b.cols()
        ),
    })
}

/// The error of a variant without a causal form (variants.md: the projection or the landmarks
/// mix future tokens into every row).
pub fn no_causal_form(name: &str, why: &str) -> Error {
    Error::invalid(
        "causal",
        format!("{name} has no causal form: {why}; use \"causal\": false"),
    )
}

/// Contiguous segments of `0..n` into `m` parts whose sizes differ by at most one, the longer
/// ones first (numpy's `array_split`), as an `m × n` averaging matrix.
pub fn segment_means(n: usize, m: usize) -> Matrix {
    let mut averaging = Matrix::zeros(m, n);
    let (base, extra) = (n / m, n % m);
    let mut start = 0;
    for r in 0..m {
        let len = base + usize::from(r < extra);
        for j in start..start + len {
            averaging.set(r, j, 1.0 / len as f32);
        }
        start += len;
    }
    averaging
}
