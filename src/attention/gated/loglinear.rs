//! Log-linear attention (variants.md §7): Guo, Yang, Goel, Xing, Dao, Kim, "Log-Linear Attention",
//! arXiv 2506.04761, 2025, over a Mamba-2 decay. Key `s` sits at Fenwick level
//! `ℓ(t, s) = 0` if `s = t`, else `1 + ⌊log₂(t XOR s)⌋`, and each query weighs its levels by
//! `λ_t^{(ℓ)} ≥ 0`: `A_ts = (q_t·k_s) e^{G_t − G_s} λ_t^{(ℓ(t,s))}` for `s ≤ t` — a hierarchical
//! (HODLR-like) mask on a decayed `Q Kᵀ`. Signed, not row-normalised, `L = ⌈log₂ n⌉ + 1` levels.
//!
//! The recurrent form keeps `O(log n)` states in a binary counter; the chunkwise form (chunk size a
//! power of two, so Fenwick blocks are whole chunks) is quadratic inside a chunk and runs the same
//! counter over chunks, `O(n log n)` in all.

use super::cards::{array_schema, seed_schema, SEED};
use super::forms::vec_mat;
use super::gates::{self, mamba_step, softplus};
use super::trace::Snapshots;
use super::{prefix_sums, rows_f64, to_matrix};
use crate::attention::kernel::{chunk_size_schema, default_chunk_size, Features, CHUNK_SIZE};
use crate::catalog::{CatalogEntry, Cost, Paper, Supports};
use crate::error::{Error, Result};
use crate::rng::{stream, SeededRng};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `loglinear`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoglinearParams {
    /// Scalar log-gates `a_t ≤ 0` (n values); drawn from `seed` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_gates: Option<Vec<f64>>,
    /// Level weights `λ_t^{(ℓ)} ≥ 0` (n × levels, levels = ⌈log₂ n⌉ + 1); drawn when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<Vec<Vec<f64>>>,
    /// Seed of the gates (`−A Δ_t`, `A ~ U(1, 16)`, Δ log-uniform) and of `λ = softplus(N(0, 1))`.
    #[serde(default)]
    pub seed: u64,
    /// Chunk size of the chunkwise form: a power of two.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

/// `⌈log₂ n⌉ + 1`, the number of Fenwick levels for `n` tokens.
pub fn levels(n: usize) -> usize {
    let mut l = 0;
    while (1usize << l) < n {
        l += 1;
    }
    l + 1
}

/// The Fenwick level of key `s ≤ t` for query `t`, with integer bit operations.
pub fn level(t: usize, s: usize) -> usize {
    if s == t {
        0
    } else {
        (usize::BITS - (t ^ s).leading_zeros()) as usize
    }
}

/// The problem after parameters: rows, gates and level weights.
pub struct LoglinearSetup {
    /// Query rows.
    pub q: Features,
    /// Key rows.
    pub k: Features,
    /// Scalar log-gates `a_t`.
    pub g: Vec<f64>,
    /// Level weights, n × levels.
    pub lambda: Features,
}

impl LoglinearParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(g) = &self.log_gates {
            gates::check_log_gates("log_gates", g.iter().map(std::slice::from_ref))?;
        }
        if let Some(lambda) = &self.lambda {
            for (i, row) in lambda.iter().enumerate() {
                for (j, &x) in row.iter().enumerate() {
                    crate::catalog::Range { min: 0.0, max: 1e6 }
                        .check_field(&format!("variant.lambda[{i}][{j}]"), x)?;
                }
            }
        }
        SEED.check("seed", self.seed as f64, "a JSON-safe integer")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")?;
        if !self.chunk_size.is_power_of_two() {
            return Err(Error::invalid(
                "variant.chunk_size",
                format!(
                    "{} is not a power of two: log-linear chunks must align with Fenwick blocks",
                    self.chunk_size
                ),
            ));
        }
        Ok(())
    }

    /// Gates, `λ` and rows for `qkv` (already rotated when RoPE is on).
    pub fn setup(&self, qkv: &Qkv) -> Result<LoglinearSetup> {
        let n = qkv.n();
        let a = {
            let mut rng = SeededRng::new(self.seed, stream::HEAD);
            1.0 + 15.0 * rng.uniform()
        };
        let g = gates::vector(
            "log_gates",
            self.log_gates.as_ref(),
            n,
            self.seed,
            stream::GATES,
            |rng| -a * mamba_step(rng),
        )?;
        let lambda = gates::matrix(
            "lambda",
            self.lambda.as_ref(),
            n,
            levels(n),
            "levels, ⌈log₂ n⌉ + 1",
            self.seed,
            stream::LAMBDA,
            |rng, _| softplus(rng.normal()),
        )?;
        Ok(LoglinearSetup {
            q: rows_f64(&qkv.q),
            k: rows_f64(&qkv.k),
            g,
            lambda,
        })
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Closed form: `(O, A)`.
pub fn closed_form(s: &LoglinearSetup, v: &Matrix) -> (Matrix, Matrix) {
    let n = s.q.len();
    let g = prefix_sums(&s.g.iter().map(|&x| vec![x]).collect::<Vec<_>>());
    let a: Features = (0..n)
        .map(|t| {
            (0..n)
                .map(|j| {
                    if j > t {
                        return 0.0;
                    }
                    dot(&s.q[t], &s.k[j]) * (g[t][0] - g[j][0]).exp() * s.lambda[t][level(t, j)]
                })
                .collect()
        })
        .collect();
    let a = to_matrix(&a, n);
    let o = a.matmul(v).unwrap_or_else(|_| Matrix::zeros(n, v.cols()));
    (o, a)
}

fn add_outer(state: &mut [Vec<f64>], k: &[f64], v: &[f64], weight: f64) {
    for (row, &k_c) in state.iter_mut().zip(k) {
        row.iter_mut()
            .zip(v)
            .for_each(|(x, v_j)| *x += weight * k_c * v_j);
    }
}

fn scale_state(state: &mut [Vec<f64>], factor: f64) {
    state
        .iter_mut()
        .for_each(|row| row.iter_mut().for_each(|x| *x *= factor));
}

/// `slots[j+1] += Σ_{l ≤ j} slots[l]` and clear `slots[0..=j]`, `j` = trailing ones of `step − 1`.
fn carry(slots: &mut [Features], step: usize) {
    let j = (step - 1).trailing_ones() as usize;
    let d_v = slots[0].first().map_or(0, Vec::len);
    let mut merged = vec![vec![0.0; d_v]; slots[0].len()];
    for slot in slots.iter_mut().take(j + 1) {
        for (m, row) in merged.iter_mut().zip(slot.iter_mut()) {
            m.iter_mut().zip(row.iter_mut()).for_each(|(a, b)| {
                *a += *b;
                *b = 0.0;
            });
        }
    }
    for (dst, m) in slots[j + 1].iter_mut().zip(&merged) {
        dst.iter_mut().zip(m).for_each(|(a, b)| *a += b);
    }
}

/// The recurrent form (binary counter over tokens): `O`, and the per-level states at `trace`.
#[allow(clippy::needless_range_loop)] // t indexes q, k, v, g and λ together
pub fn recurrent(
    s: &LoglinearSetup,
    v: &Matrix,
    trace: &[usize],
) -> (Matrix, Vec<(usize, Vec<Matrix>)>) {
    let (n, d_k, d_v) = (s.q.len(), s.q.first().map_or(0, Vec::len), v.cols());
    let v = rows_f64(v);
    let l = levels(n);
    let mut slots: Vec<Features> = vec![vec![vec![0.0; d_v]; d_k]; l + 1];
    let mut out = Vec::with_capacity(n);
    let mut snapshots = Snapshots::new(trace);
    for t in 0..n {
        let decay = s.g[t].exp();
        slots.iter_mut().for_each(|slot| scale_state(slot, decay));
        if t > 0 {
            carry(&mut slots, t);
        }
        slots[0] = vec![vec![0.0; d_v]; d_k];
        add_outer(&mut slots[0], &s.k[t], &v[t], 1.0);
        let mut o = vec![0.0; d_v];
        for (level, slot) in slots.iter().enumerate().take(l) {
            let weight = s.lambda[t][level];
            if weight != 0.0 {
                let y = vec_mat(&s.q[t], slot, d_v);
                o.iter_mut().zip(&y).for_each(|(o, y)| *o += weight * y);
            }
        }
        out.push(o);
        if snapshots.wants(t) {
            let levels: Vec<Matrix> = slots.iter().take(l).map(|x| to_matrix(x, d_v)).collect();
            snapshots.keep(t, levels);
        }
    }
    (to_matrix(&out, d_v), snapshots.into_list())
}

/// The chunkwise form: chunk size `2^p`; levels `≤ p` inside the chunk (quadratic, exact levels),
/// levels `p + j` from a binary counter over chunks whose slot `j` holds a block of whole chunks.
pub fn chunked(s: &LoglinearSetup, v: &Matrix, chunk: usize) -> Matrix {
    let (n, d_k, d_v) = (s.q.len(), s.q.first().map_or(0, Vec::len), v.cols());
    let chunk = chunk.max(1).next_power_of_two();
    let p = chunk.trailing_zeros() as usize;
    let v = rows_f64(v);
    let l = levels(n);
    let mut slots: Vec<Features> = vec![vec![vec![0.0; d_v]; d_k]; l + 1];
    let mut out: Features = Vec::with_capacity(n);
    for c in 0..n.div_ceil(chunk) {
        if c > 0 {
            carry(&mut slots, c);
        }
        let start = c * chunk;
        let end = (start + chunk).min(n);
        let mut gamma = Vec::with_capacity(end - start);
        let mut acc = 0.0;
        for t in start..end {
            acc += s.g[t];
            gamma.push(acc);
        }
        for t in start..end {
            let r = t - start;
            let mut o = vec![0.0; d_v];
            for j in start..=t {
                let w = dot(&s.q[t], &s.k[j])
                    * (gamma[r] - gamma[j - start]).exp()
                    * s.lambda[t][level(t, j)];
                o.iter_mut().zip(&v[j]).for_each(|(o, x)| *o += w * x);
            }
            for (j, slot) in slots.iter().enumerate().skip(1) {
                let Some(&weight) = s.lambda[t].get(p + j) else {
                    break;
                };
                if weight != 0.0 {
                    let y = vec_mat(&s.q[t], slot, d_v);
                    let w = weight * gamma[r].exp();
                    o.iter_mut().zip(&y).for_each(|(o, y)| *o += w * y);
                }
            }
            out.push(o);
        }
        let last = gamma[gamma.len() - 1];
        slots
            .iter_mut()
            .for_each(|slot| scale_state(slot, last.exp()));
        slots[0] = vec![vec![0.0; d_v]; d_k];
        for t in start..end {
            add_outer(
                &mut slots[0],
                &s.k[t],
                &v[t],
                (last - gamma[t - start]).exp(),
            );
        }
    }
    to_matrix(&out, d_v)
}

/// The catalog card of `loglinear`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "loglinear",
        title: "Log-linear attention (Mamba-2 base)",
        family: "hierarchical",
        idea: "Between one state (linear attention) and n states (softmax): a Fenwick tree of \
               O(log n) states, each summarising a power-of-two block of the past, weighed per \
               query by λ.",
        paper: Paper {
            title: "Log-Linear Attention",
            authors: "Guo, Yang, Goel, Xing, Dao, Kim",
            venue: "arXiv 2506.04761",
            year: 2025,
        },
        spec_section: "7",
        cost: Cost {
            time: "O(N log N d d_v)",
            memory: "O(log N · d d_v) states",
        },
        row_normalized: false,
        signed: true,
        supports: Supports {
            causal: true,
            non_causal: false,
        },
        params: vec![
            array_schema(
                "log_gates",
                "vector",
                "−A·Δ_t (Mamba-2: A ~ U(1, 16), Δ log-uniform) from seed (n values)",
                "scalar log-gates a_t ≤ 0",
            ),
            array_schema(
                "lambda",
                "matrix",
                "softplus(N(0, 1)) from seed (n × (⌈log₂ n⌉ + 1))",
                "level weights λ_t^(ℓ) ≥ 0",
            ),
            seed_schema("draws the gates and λ"),
            crate::catalog::ParamSchema {
                description: "tokens per chunk: a power of two (chunks align with Fenwick blocks)",
                rules: vec![crate::catalog::ParamRule::PowerOfTwo],
                ..chunk_size_schema()
            },
        ],
        formula_tex: r"A_{ts} = (q_t\cdot k_s)\,e^{G_t - G_s}\,\lambda_t^{(\ell(t,s))},\ \ \ell(t,s) = 1 + \lfloor\log_2(t \oplus s)\rfloor,\ \ell(t,t) = 0",
        confirmed: true,
        constraints: Vec::new(),
    }
}
