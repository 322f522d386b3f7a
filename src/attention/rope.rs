//! Rotary position embedding (variants.md §11): Su et al., "RoFormer: Enhanced Transformer with
//! Rotary Position Embedding", 2021. Interleaved pairs `(2c, 2c+1)` of a row at position `p`
//! (0-based) rotate by `p θ_c`, `θ_c = 10000^{−2c/m}`; an odd last coordinate stays. Softmax
//! rotates Q and K; kernel variants rotate their features in the numerator only (RoFormer's
//! "RoPE with linear attention"), so their `A` is signed and no longer row-normalised.

use super::kernel::Features;
use crate::tensor::Matrix;

/// The RoPE base.
pub const BASE: f64 = 10_000.0;

/// `(cos, sin)` of the angle of pair `c` (of `m` coordinates) at position `p`, in f64.
pub fn cos_sin(p: usize, c: usize, m: usize) -> (f64, f64) {
    let theta = BASE.powf(-2.0 * c as f64 / m as f64);
    let (sin, cos) = (p as f64 * theta).sin_cos();
    (cos, sin)
}

/// Rotates one row in place: `x'_{2c} = x_{2c} cos − x_{2c+1} sin`,
/// `x'_{2c+1} = x_{2c} sin + x_{2c+1} cos`.
pub fn rotate_row(p: usize, row: &mut [f64]) {
    let m = row.len();
    for c in 0..m / 2 {
        let (cos, sin) = cos_sin(p, c, m);
        let (a, b) = (row[2 * c], row[2 * c + 1]);
        row[2 * c] = a * cos - b * sin;
        row[2 * c + 1] = a * sin + b * cos;
    }
}

/// Every row of `features` rotated by its position.
pub fn rotate_features(features: &Features) -> Features {
    features
        .iter()
        .enumerate()
        .map(|(p, row)| {
            let mut row = row.clone();
            rotate_row(p, &mut row);
            row
        })
        .collect()
}

/// Every row of `x` rotated by its position (computed in f64, stored in f32).
pub fn rotate_matrix(x: &Matrix) -> Matrix {
    let mut out = x.clone();
    for p in 0..x.rows() {
        let mut row: Vec<f64> = x.row(p).iter().map(|&v| f64::from(v)).collect();
        rotate_row(p, &mut row);
        for (dst, src) in out.row_mut(p).iter_mut().zip(row) {
            *dst = src as f32;
        }
    }
    out
}

/// The GPU's table: row `p` holds `(cos, sin)` of every pair of `m` coordinates, `n × 2⌊m/2⌋`.
pub fn cos_sin_table(n: usize, m: usize) -> Matrix {
    let pairs = m / 2;
    let mut table = Matrix::zeros(n, 2 * pairs.max(1));
    for p in 0..n {
        for c in 0..pairs {
            let (cos, sin) = cos_sin(p, c, m);
            table.set(p, 2 * c, cos as f32);
            table.set(p, 2 * c + 1, sin as f32);
        }
    }
    table
}

/// Every row of `features` rotated by its position, each half (`m = 2h`) on its own with
/// `θ_c = 10000^{−2c/h}` (NaLaFormer's layout); `m` must be even.
pub fn rotate_halves(features: &Features) -> Features {
    features
        .iter()
        .enumerate()
        .map(|(p, row)| {
            let half = row.len() / 2;
            let (mut first, mut second) = (row[..half].to_vec(), row[half..].to_vec());
            rotate_row(p, &mut first);
            rotate_row(p, &mut second);
            first.into_iter().chain(second).collect()
        })
        .collect()
}

/// The GPU's table for [`rotate_halves`]: pair `c` of the full row uses the angle of pair
/// `c mod ⌊h/2⌋` of a half of `h = m/2` coordinates (`h` even).
pub fn cos_sin_table_halves(n: usize, m: usize) -> Matrix {
    let half = m / 2;
    let pairs_per_half = (half / 2).max(1);
    let mut table = Matrix::zeros(n, 2 * (m / 2).max(1));
    for p in 0..n {
        for c in 0..m / 2 {
            let (cos, sin) = cos_sin(p, c % pairs_per_half, half);
            table.set(p, 2 * c, cos as f32);
            table.set(p, 2 * c + 1, sin as f32);
        }
    }
    table
}
