//! The fast chunkwise form of the kernel family: the same chunk algebra as
//! [`super::chunked`] (inter-chunk read of the running state, causal intra-chunk products, state
//! update), in f64, with every product a blocked SIMD matrix product (faer's) on one chunk of
//! features at a time. Memory beyond the features is O(C·m + m·d_v). `tests/fast_forms.rs` holds
//! it to the scalar form within [`FAST_TOLERANCE`](crate::attention::softmax_fast::FAST_TOLERANCE).

use super::KernelSetup;
use crate::tensor::Matrix;
use faer::{Col, Mat};

/// Rows per product when the mask does not set the chunk (non-causal reads and state).
const READ_ROWS: usize = 256;

/// `O` of the kernel variant `s` on values `v` (chunk size `chunk`), without `A`.
pub fn chunked_fast(s: &KernelSetup, v: &Matrix, causal: bool, chunk: usize) -> Matrix {
    let (n, m, d_v) = (s.fq.len(), s.m(), v.cols());
    let chunk = if causal { chunk.max(1) } else { READ_ROWS };
    let (fq_num, fk_num) = (s.fq_num(), s.fk_num());
    let rows =
        |f: &[Vec<f64>], a: usize, b: usize| Mat::<f64>::from_fn(b - a, m, |i, j| f[a + i][j]);
    let values =
        |a: usize, b: usize| Mat::<f64>::from_fn(b - a, d_v, |i, c| f64::from(v.get(a + i, c)));
    let mut state = Mat::<f64>::zeros(m, d_v); // S = Σ φ_n(k)ᵀ v
    let mut z = Col::<f64>::zeros(m); // z = Σ φ(k)
    let absorb = |state: &mut Mat<f64>, z: &mut Col<f64>, a: usize, b: usize| {
        let fk = rows(&s.fk, a, b);
        *state += rows(fk_num, a, b).transpose() * values(a, b);
        for r in 0..m {
            z[r] += (0..b - a).map(|i| fk[(i, r)]).sum::<f64>();
        }
    };
    if !causal {
        // Every query sees every key: the whole state first.
        for a in (0..n).step_by(chunk) {
            absorb(&mut state, &mut z, a, (a + chunk).min(n));
        }
    }
    let mut output = Matrix::zeros(n, d_v);
    for a in (0..n).step_by(chunk) {
        let b = (a + chunk).min(n);
        let (fq, fq_n) = (rows(&s.fq, a, b), rows(fq_num, a, b));
        let mut num = &fq_n * &state; // (b − a) × d_v
        let mut den = &fq * &z;
        if causal {
            // Intra-chunk: token a + t sees keys a..=a + t.
            let mut w = &fq_n * rows(fk_num, a, b).transpose();
            let w_den = &fq * rows(&s.fk, a, b).transpose();
            for t in 0..b - a {
                for j in t + 1..b - a {
                    w[(t, j)] = 0.0;
                }
                den[t] += (0..=t).map(|j| w_den[(t, j)]).sum::<f64>();
            }
            num += &w * values(a, b);
            absorb(&mut state, &mut z, a, b);
        }
        for t in 0..b - a {
            let guard = s.norm.apply(den[t]);
            for (c, dst) in output.row_mut(a + t).iter_mut().enumerate() {
                *dst = (num[(t, c)] / guard) as f32;
            }
        }
    }
    output
}
