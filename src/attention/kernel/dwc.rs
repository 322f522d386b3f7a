//! FLatten's depthwise-convolution term on V (variants.md §2.6, the paper's rank restoration):
//! per value channel `c` a banded matrix `T_c` with `T_c[i, i + o] = w_c[o]` over `k` taps, so the
//! channel's effective map is `A_lin + T_c` and `O = A_lin V + DWC(V)`. The 1-D adaptation of the
//! paper's 2-D kernel-5 conv: centred taps `o ∈ [−(k−1)/2, (k−1)/2]`, or causal taps
//! `o ∈ [−(k−1), 0]` under the causal mask. `O(N k d_v)`, never n × n.

use super::super::AttentionOutput;
use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::tensor::Matrix;

/// The depthwise conv of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Dwc {
    /// `w_c`, d_v rows of k taps (tap `j` is offset `first + j`).
    pub weights: Vec<Vec<f64>>,
    /// The offset of the first tap: `−(k−1)/2`, or `−(k−1)` when causal.
    pub first: isize,
}

impl Dwc {
    /// Taps from `weights` (d_v × k), or drawn from `seed` like PyTorch's conv init,
    /// `U(−1/√k, 1/√k)`.
    pub fn new(
        kernel: usize,
        weights: Option<&Vec<Vec<f64>>>,
        seed: u64,
        d_v: usize,
        causal: bool,
    ) -> Result<Dwc> {
        let weights = match weights {
            Some(rows) => {
                if rows.len() != d_v || rows.iter().any(|r| r.len() != kernel) {
                    return Err(Error::Shape {
                        field: "variant.dwc_weights".into(),
                        expected: format!("{d_v} rows (d_v) of {kernel} taps (dwc_kernel)"),
                        got: format!(
                            "{} rows of {} taps",
                            rows.len(),
                            rows.first().map_or(0, Vec::len)
                        ),
                    });
                }
                rows.clone()
            }
            None => {
                let mut rng = SeededRng::new(seed, stream::PROJECTION);
                let bound = 1.0 / (kernel as f64).sqrt();
                (0..d_v)
                    .map(|_| {
                        (0..kernel)
                            .map(|_| bound * (2.0 * rng.uniform() - 1.0))
                            .collect()
                    })
                    .collect()
            }
        };
        let k = kernel as isize;
        let first = if causal { -(k - 1) } else { -(k - 1) / 2 };
        Ok(Dwc { weights, first })
    }

    /// `DWC(V)`: `out[i][c] = Σ_j w_c[j] · V[i + first + j][c]` (zero outside the sequence).
    pub fn apply(&self, v: &Matrix) -> Matrix {
        let (n, d_v) = (v.rows(), v.cols());
        let mut out = Matrix::zeros(n, d_v);
        for i in 0..n {
            for (c, taps) in self.weights.iter().enumerate().take(d_v) {
                let sum: f64 = taps
                    .iter()
                    .enumerate()
                    .filter_map(|(j, &w)| {
                        let src = i as isize + self.first + j as isize;
                        (0..n as isize)
                            .contains(&src)
                            .then(|| w * f64::from(v.get(src as usize, c)))
                    })
                    .sum();
                out.set(i, c, sum as f32);
            }
        }
        out
    }

    /// Adds `DWC(V)` to the output and `T_channel` to `A`.
    pub fn add_to(&self, result: AttentionOutput, v: &Matrix, channel: usize) -> AttentionOutput {
        let conv = self.apply(v);
        self.add_computed(result, &conv, channel)
    }

    /// Adds an already computed `DWC(V)` (e.g. by the GPU) to the output and `T_channel` to `A`.
    pub fn add_computed(
        &self,
        result: AttentionOutput,
        conv: &Matrix,
        channel: usize,
    ) -> AttentionOutput {
        let mut output = result.output;
        for (o, c) in output.data_mut().iter_mut().zip(conv.data()) {
            *o += c;
        }
        let attention = result.attention.map(|a| self.add_band(a, channel));
        AttentionOutput { output, attention }
    }

    /// `A + T_channel`.
    fn add_band(&self, mut a: Matrix, channel: usize) -> Matrix {
        let n = a.rows();
        if let Some(taps) = self.weights.get(channel) {
            for i in 0..n {
                for (j, &w) in taps.iter().enumerate() {
                    let col = i as isize + self.first + j as isize;
                    if (0..n as isize).contains(&col) {
                        let at = a.get(i, col as usize);
                        a.set(i, col as usize, at + w as f32);
                    }
                }
            }
        }
        a
    }
}
