//! FNet (variants.md §10): Lee-Thorp, Ainslie, Eckstein, Ontañón, "FNet: Mixing Tokens with
//! Fourier Transforms", NAACL 2022. No parameters, no Q or K, no mask: `Y = Re(F_N V F_d)`, the
//! real part of the unnormalised 2-D DFT, `= C_N V C_d − S_N V S_d` with `C_n = cos(2π ab/n)`,
//! `S_n = sin(2π ab/n)`. Not a single `A V` (the hidden-dimension transform mixes channels), so
//! `attention` is the token-mixing part `C_N = Re(F_N)`: symmetric, signed, rank ⌊N/2⌋ + 1.
//! The fast form is the FFT along both axes (`rustfft`), O(N d log(N d)). Encoder-only.

use super::lowrank::product;
use super::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;
use serde::{Deserialize, Serialize};

/// `fnet` has no parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FnetParams {}

/// `(C_n, S_n)`: `cos` and `sin` of `2π ab / n`, computed in f64 (exact index product mod n).
pub fn dft_tables(n: usize) -> (Matrix, Matrix) {
    let mut cos = Matrix::zeros(n, n);
    let mut sin = Matrix::zeros(n, n);
    for a in 0..n {
        for b in 0..n {
            let angle = 2.0 * std::f64::consts::PI * ((a * b) % n) as f64 / n as f64;
            cos.set(a, b, angle.cos() as f32);
            sin.set(a, b, angle.sin() as f32);
        }
    }
    (cos, sin)
}

/// The quadratic reference: `Y = C_N V C_d − S_N V S_d` by explicit products.
pub fn mix_by_tables(v: &Matrix) -> Result<Matrix> {
    let (c_n, s_n) = dft_tables(v.rows());
    let (c_d, s_d) = dft_tables(v.cols());
    let real = product("C_N V C_d", &product("C_N V", &c_n, v)?, &c_d)?;
    let imag = product("S_N V S_d", &product("S_N V", &s_n, v)?, &s_d)?;
    let data = real
        .data()
        .iter()
        .zip(imag.data())
        .map(|(r, i)| r - i)
        .collect();
    Matrix::from_vec(v.rows(), v.cols(), data)
}

/// The fast form: `Re(fft2(V))` with an FFT along the tokens, then along the hidden dimension.
pub fn mix_by_fft(v: &Matrix) -> Matrix {
    let (n, d) = (v.rows(), v.cols());
    let mut planner = FftPlanner::<f64>::new();
    let mut grid: Vec<Complex<f64>> = v
        .data()
        .iter()
        .map(|&x| Complex::new(f64::from(x), 0.0))
        .collect();
    let along_tokens = planner.plan_fft_forward(n);
    let mut column = vec![Complex::new(0.0, 0.0); n];
    for c in 0..d {
        for (t, z) in column.iter_mut().enumerate() {
            *z = grid[t * d + c];
        }
        along_tokens.process(&mut column);
        for (t, z) in column.iter().enumerate() {
            grid[t * d + c] = *z;
        }
    }
    let along_hidden = planner.plan_fft_forward(d);
    for row in grid.chunks_mut(d) {
        along_hidden.process(row);
    }
    let real = grid.iter().map(|z| z.re as f32).collect();
    Matrix::from_vec(n, d, real).unwrap_or_else(|_| Matrix::zeros(n, d))
}

/// `O = Re(fft2(V))` (fast form); `A = C_N` only when wanted.
pub fn forward(qkv: &Qkv, want_attention: bool) -> Result<AttentionOutput> {
    Ok(AttentionOutput {
        output: mix_by_fft(&qkv.v),
        attention: want_attention.then(|| dft_tables(qkv.n()).0),
    })
}

/// The catalog card of `fnet`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "fnet",
        title: "FNet",
        family: "mixing",
        idea: "No attention at all: tokens are mixed by a fixed Fourier transform. The map is the \
               same cosine matrix for every input, signed, and ignores Q and K.",
        paper: Paper {
            title: "FNet: Mixing Tokens with Fourier Transforms",
            authors: "Lee-Thorp, Ainslie, Eckstein, Ontañón",
            venue: "NAACL",
            year: 2022,
        },
        spec_section: "10",
        cost: Cost {
            time: "O(N d log(N d))",
            memory: "O(N d)",
        },
        row_normalized: false,
        signed: true,
        supports: Supports {
            causal: false,
            non_causal: true,
        },
        params: vec![],
        formula_tex: r"Y = \mathrm{Re}(F_N V F_d) = C_N V C_d - S_N V S_d,\quad A = C_N = \big[\cos(2\pi ab/N)\big]_{ab}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
