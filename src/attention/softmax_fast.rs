//! The fast CPU form of softmax-family attention when `A` is not wanted: f32 storage, the logits
//! and `P V` as blocked SIMD matrix products (faer's, on blocks of query rows), each row's
//! maximum and exponentials in f32 and its normaliser summed in f64. The f64 reference
//! ([`super::softmax::softmax_output`]) stays the specification: `tests/fast_forms.rs` holds this
//! form to it within [`FAST_TOLERANCE`].

use super::mask::Mask;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use faer::{Mat, MatRef};

/// Query rows per block: a block's logits are `BLOCK × keys` f32 (32 MiB at n = 65 536).
const BLOCK: usize = 128;

/// The fast form serves requests from this n on; below it the reference costs nothing, and
/// small requests (the goldens, the worked examples) keep the reference's exact numbers.
pub const FAST_FROM_N: usize = 256;

/// How far the fast form may be from the f64 reference, entry by entry:
/// `|fast − ref| ≤ abs + rel · |ref|` (f32 logits and exponentials, f64 normalisers).
pub const FAST_TOLERANCE: (f64, f64) = (1e-5, 1e-4);

/// `O` of softmax over each row's `mask` range with logits `scale · q_i·k_j`, without `A`.
pub fn softmax_output_fast(qkv: &Qkv, scale: f64, mask: Mask) -> Matrix {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let q = MatRef::from_row_major_slice(qkv.q.data(), n, d_k);
    let k = MatRef::from_row_major_slice(qkv.k.data(), n, d_k);
    let v = MatRef::from_row_major_slice(qkv.v.data(), n, d_v);
    let scale = scale as f32;
    let mut out = Matrix::zeros(n, d_v);
    for i0 in (0..n).step_by(BLOCK) {
        let rows = BLOCK.min(n - i0);
        let ranges: Vec<_> = (i0..i0 + rows).map(|i| mask.keys(i, n)).collect();
        let k0 = ranges.iter().map(|r| r.start).min().unwrap_or(0);
        let k1 = ranges.iter().map(|r| r.end).max().unwrap_or(0);
        if k0 >= k1 {
            continue;
        }
        // Column r of `logits` holds row i0 + r's logits against keys k0..k1, contiguous.
        let logits: Mat<f32> = k.subrows(k0, k1 - k0) * q.subrows(i0, rows).transpose();
        let mut weights = Mat::<f32>::zeros(k1 - k0, rows);
        let mut denominators = vec![0.0f64; rows];
        for (r, keys) in ranges.iter().enumerate() {
            let (lo, hi) = (keys.start - k0, keys.end - k0);
            let row = &logits.col_as_slice(r)[lo..hi];
            let max = row.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(scale * x));
            let dst = &mut weights.col_as_slice_mut(r)[lo..hi];
            let mut sum = 0.0f64;
            for (w, &x) in dst.iter_mut().zip(row) {
                *w = (scale * x - max).exp();
                sum += f64::from(*w);
            }
            denominators[r] = sum;
        }
        // Column r of `o` is output row i0 + r.
        let o: Mat<f32> = v.subrows(k0, k1 - k0).transpose() * &weights;
        for (r, denominator) in denominators.iter().enumerate() {
            if *denominator == 0.0 {
                continue; // an empty row (no keys) stays zero, as in the reference
            }
            for (dst, &x) in out.row_mut(i0 + r).iter_mut().zip(o.col_as_slice(r)) {
                *dst = (f64::from(x) / denominator) as f32;
            }
        }
    }
    out
}
