//! The fast CPU form of softmax-family attention when `A` is not wanted: f32 storage, the logits
//! and `P V` as blocked SIMD matrix products (faer's, on blocks of query rows), each row's
//! maximum and exponentials in f32 and its normaliser summed in f64. The f64 reference
//! ([`super::softmax::softmax_output`]) stays the specification: `tests/fast_forms.rs` holds this
//! form to it within [`FAST_TOLERANCE`].

use super::mask::Mask;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use faer::{Mat, MatRef};

/// Query rows per block: a block's logits are `BLOCK × keys` f32 (64 MiB at n = 65 536).
const BLOCK: usize = 256;

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
                *w = exp_nonpositive(scale * x - max);
            }
            for &w in dst.iter() {
                sum += f64::from(w);
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

/// `e^x` for `x ≤ 0` in f32, written so the compiler vectorises the loop that calls it (no libm
/// call): `x = n ln 2 + r` with `n` rounded by the 1.5·2²³ trick and `|r| ≤ ln 2 / 2`, `e^r` by its
/// degree-7 Taylor polynomial (relative error below 2e-7 there), `2^n` assembled in the exponent
/// bits. Below −87 (where `e^x` leaves f32's normal range) the result is 0.
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75; // ln 2 split so n · LN2_HI is exact
    const LN2_LO: f32 = 1.428_606_8e-6;
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2²³: adding it rounds to an integer
    let clamped = x.max(-87.0);
    let n = (clamped * LOG2_E + ROUND) - ROUND;
    let r = clamped - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r / 5040.0))))));
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    if x < -87.0 {
        0.0
    } else {
        p * scale
    }
}

#[cfg(test)]
mod tests {
    use super::exp_nonpositive;

    #[test]
    fn exp_nonpositive_matches_libm() {
        for i in 0..=200_000 {
            let x = -(i as f32) * 1e-3 * 0.5; // 0 … −100
            let expected = f64::from(x).exp();
            let got = f64::from(exp_nonpositive(x));
            if x < -87.0 {
                assert_eq!(got, 0.0, "x = {x}");
            } else {
                assert!(
                    (got - expected).abs() <= 5e-7 * expected,
                    "x = {x}: {got} vs {expected}"
                );
            }
        }
    }
}
