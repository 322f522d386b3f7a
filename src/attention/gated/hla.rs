//! Higher-order linear attention (variants.md §8): Zhang, Qin, Wang, Gu, "Higher-order Linear
//! Attention", arXiv 2510.27258, 2025. With `W = M ⊙ (Q Kᵀ)`:
//! HLA `A = (W Wᵀ) ⊙ M`, i.e. `A_tj = q_t S^K_j q_jᵀ` with `S^K_j = Σ_{i≤j} k_iᵀ k_i`;
//! AHLA `A = (W W) ⊙ M`, i.e. `A_tj = Σ_{i=j}^{t} (q_t·k_i)(q_i·k_j)`. No scale, no feature map;
//! signed and unnormalised, or with `normalize` divided by the signed row sum + ε.
//!
//! The normaliser is the same map applied to a column of ones, so every form runs on `[V | 1]`.

use super::forms::vec_mat;
use super::trace::Snapshots;
use super::{rows_f64, to_matrix};
use crate::attention::kernel::{chunk_size_schema, default_chunk_size, Features, CHUNK_SIZE};
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::Result;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Accepted normaliser offsets: positive, since ε = 0 makes a query with no feature mass 0/0.
pub const EPS: Range = Range {
    min: 1e-12,
    max: 1.0,
};

fn default_eps() -> f64 {
    1e-6
}

/// Parameters of `hla` and `ahla`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HlaParams {
    /// Divide each row by its signed sum + ε.
    #[serde(default)]
    pub normalize: bool,
    /// ε of the normaliser.
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

impl HlaParams {
    pub(crate) fn validate(&self) -> Result<()> {
        EPS.check("eps", self.eps, "a small normaliser offset")?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }
}

/// Which second-order map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `(W Wᵀ) ⊙ M`.
    Symmetric,
    /// `(W W) ⊙ M`.
    Asymmetric,
}

/// The problem: rows and flags.
pub struct HlaSetup {
    /// Query rows.
    pub q: Features,
    /// Key rows.
    pub k: Features,
    /// HLA or AHLA.
    pub order: Order,
    /// Divide by the signed row sum + ε.
    pub normalize: bool,
    /// ε of the normaliser.
    pub eps: f64,
}

impl HlaSetup {
    /// From parameters and (rotated) inputs.
    pub fn new(p: &HlaParams, qkv: &Qkv, order: Order) -> Self {
        HlaSetup {
            q: rows_f64(&qkv.q),
            k: rows_f64(&qkv.k),
            order,
            normalize: p.normalize,
            eps: p.eps,
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `[V | 1]` as f64 rows.
fn augmented(v: &Matrix) -> Features {
    rows_f64(v)
        .into_iter()
        .map(|mut r| {
            r.push(1.0);
            r
        })
        .collect()
}

/// Splits `[num | den]` rows into `O` (divided by `den + ε` when normalising).
fn finish(s: &HlaSetup, rows: Features) -> Matrix {
    let d_v = rows.first().map_or(1, Vec::len) - 1;
    let out: Features = rows
        .into_iter()
        .map(|mut r| {
            let den = r.pop().unwrap_or(1.0) + s.eps;
            if s.normalize {
                r.iter_mut().for_each(|x| *x /= den);
            }
            r
        })
        .collect();
    to_matrix(&out, d_v)
}

/// Closed form: `(O, A)`.
pub fn closed_form(s: &HlaSetup, v: &Matrix) -> (Matrix, Matrix) {
    let n = s.q.len();
    let mut a: Features = vec![vec![0.0; n]; n];
    match s.order {
        Order::Symmetric => {
            // y_j = S^K_j q_jᵀ, then A_tj = q_t · y_j.
            let d = s.q.first().map_or(0, Vec::len);
            let mut sk = vec![vec![0.0; d]; d];
            for j in 0..n {
                for (row, &kc) in sk.iter_mut().zip(&s.k[j]) {
                    row.iter_mut()
                        .zip(&s.k[j])
                        .for_each(|(x, &kd)| *x += kc * kd);
                }
                let y = vec_mat(&s.q[j], &sk, d);
                for (t, row) in a.iter_mut().enumerate().skip(j) {
                    row[j] = dot(&s.q[t], &y);
                }
            }
        }
        Order::Asymmetric => {
            let w: Features = (0..n)
                .map(|t| (0..=t).map(|i| dot(&s.q[t], &s.k[i])).collect())
                .collect();
            for (t, row) in a.iter_mut().enumerate() {
                for (i, &w_ti) in w[t].iter().enumerate() {
                    for (j, &w_ij) in w[i].iter().enumerate() {
                        row[j] += w_ti * w_ij;
                    }
                }
            }
        }
    }
    if s.normalize {
        for row in &mut a {
            let den: f64 = row.iter().sum::<f64>() + s.eps;
            row.iter_mut().for_each(|x| *x /= den);
        }
    }
    let a = to_matrix(&a, n);
    let o = a.matmul(v).unwrap_or_else(|_| Matrix::zeros(n, v.cols()));
    (o, a)
}

fn add_outer(state: &mut [Vec<f64>], a: &[f64], b: &[f64]) {
    for (row, &x) in state.iter_mut().zip(a) {
        row.iter_mut().zip(b).for_each(|(s, &y)| *s += x * y);
    }
}

fn sub(a: &[Vec<f64>], b: &[Vec<f64>]) -> Features {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p - q).collect())
        .collect()
}

/// `a b` for `a` (r × m), `b` (m × c).
fn mat_mul(a: &[Vec<f64>], b: &[Vec<f64>], c: usize) -> Features {
    a.iter().map(|row| vec_mat(row, b, c)).collect()
}

/// The recurrent form: `O`, the operator state at the traced steps (HLA `S^K C − G`, AHLA `E`,
/// both d_k × d_v and read as `o_t = q_t · state`), and the final one.
#[allow(clippy::needless_range_loop)] // t indexes q, k and v together, as in the formula
pub fn recurrent(
    s: &HlaSetup,
    v: &Matrix,
    trace: &[usize],
) -> (Matrix, Vec<(usize, Matrix)>, Matrix) {
    let (n, d) = (s.q.len(), s.q.first().map_or(0, Vec::len));
    let v = augmented(v);
    let dv = v.first().map_or(1, Vec::len);
    let zeros = |r: usize, c: usize| vec![vec![0.0; c]; r];
    let (mut sk, mut c, mut g) = (zeros(d, d), zeros(d, dv), zeros(d, dv));
    let (mut p, mut e) = (zeros(d, dv), zeros(d, dv));
    let mut out = Vec::with_capacity(n);
    let mut snapshots = Snapshots::new(trace);
    let operator = |sk: &Features, c: &Features, g: &Features, e: &Features| match s.order {
        Order::Symmetric => sub(&mat_mul(sk, c, dv), g),
        Order::Asymmetric => e.clone(),
    };
    for t in 0..n {
        let (q, k) = (&s.q[t], &s.k[t]);
        match s.order {
            Order::Symmetric => {
                let kc = vec_mat(k, &c, dv);
                add_outer(&mut g, k, &kc);
                add_outer(&mut sk, k, k);
                add_outer(&mut c, q, &v[t]);
                let qs = vec_mat(q, &sk, d);
                let o: Vec<f64> = vec_mat(&qs, &c, dv)
                    .iter()
                    .zip(vec_mat(q, &g, dv))
                    .map(|(a, b)| a - b)
                    .collect();
                out.push(o);
            }
            Order::Asymmetric => {
                add_outer(&mut p, k, &v[t]);
                let qp = vec_mat(q, &p, dv);
                add_outer(&mut e, k, &qp);
                out.push(vec_mat(q, &e, dv));
            }
        }
        if snapshots.wants(t) {
            let op = operator(&sk, &c, &g, &e);
            snapshots.keep(t, to_matrix(&drop_last(&op), dv - 1));
        }
    }
    let last = drop_last(&operator(&sk, &c, &g, &e));
    (
        finish(s, out),
        snapshots.into_list(),
        to_matrix(&last, dv - 1),
    )
}

/// The state without the normaliser column.
fn drop_last(x: &[Vec<f64>]) -> Features {
    x.iter().map(|r| r[..r.len() - 1].to_vec()).collect()
}

/// The chunkwise form: inter-chunk terms from the carried state, intra-chunk terms quadratic in
/// the chunk (`C × C`), the state advanced once per chunk.
#[allow(clippy::needless_range_loop)] // r, u, i index the chunk's rows as in the derivation
pub fn chunked(s: &HlaSetup, v: &Matrix, chunk: usize) -> Matrix {
    let (n, d) = (s.q.len(), s.q.first().map_or(0, Vec::len));
    let v = augmented(v);
    let dv = v.first().map_or(1, Vec::len);
    let chunk = chunk.max(1);
    let zeros = |r: usize, c: usize| vec![vec![0.0; c]; r];
    // HLA carries S^K, C, G; AHLA carries P, E.
    let (mut sk, mut c_state, mut g) = (zeros(d, d), zeros(d, dv), zeros(d, dv));
    let (mut p, mut e) = (zeros(d, dv), zeros(d, dv));
    let mut out: Features = Vec::with_capacity(n);
    let mut start = 0;
    while start < n {
        let end = (start + chunk).min(n);
        let len = end - start;
        let (q, k, vc) = (&s.q[start..end], &s.k[start..end], &v[start..end]);
        // W = tril(Q_c K_cᵀ), inclusive.
        let w: Features = (0..len)
            .map(|r| (0..=r).map(|i| dot(&q[r], &k[i])).collect())
            .collect();
        match s.order {
            Order::Symmetric => {
                let base = sub(&mat_mul(&sk, &c_state, dv), &g);
                for r in 0..len {
                    let y = vec_mat(&q[r], &sk, d);
                    let mut o = vec_mat(&q[r], &base, dv);
                    for u in 0..=r {
                        let b: f64 = (0..=u).map(|i| w[r][i] * w[u][i]).sum();
                        let weight = dot(&y, &q[u]) + b;
                        o.iter_mut().zip(&vc[u]).for_each(|(o, x)| *o += weight * x);
                    }
                    out.push(o);
                }
                // G += ΔS C_in + Σ_r k_rᵀ (Σ_{u<r} (k_r·q_u) v_u); then S^K, C.
                let mut delta_s = zeros(d, d);
                k.iter().for_each(|kr| add_outer(&mut delta_s, kr, kr));
                let ds_c = mat_mul(&delta_s, &c_state, dv);
                for (gr, dr) in g.iter_mut().zip(&ds_c) {
                    gr.iter_mut().zip(dr).for_each(|(a, b)| *a += b);
                }
                for r in 0..len {
                    let mut x = vec![0.0; dv];
                    for u in 0..r {
                        let kq = dot(&k[r], &q[u]);
                        x.iter_mut().zip(&vc[u]).for_each(|(x, v)| *x += kq * v);
                    }
                    add_outer(&mut g, &k[r], &x);
                }
                for (sr, dr) in sk.iter_mut().zip(&delta_s) {
                    sr.iter_mut().zip(dr).for_each(|(a, b)| *a += b);
                }
                for r in 0..len {
                    add_outer(&mut c_state, &q[r], &vc[r]);
                }
            }
            Order::Asymmetric => {
                // z_i = q_i P_in; x_i = z_i + Σ_{j≤i} W_ij v_j; o_r = q_r E_in + Σ_{i≤r} W_ri x_i.
                let x: Features = (0..len)
                    .map(|i| {
                        let mut xi = vec_mat(&q[i], &p, dv);
                        for j in 0..=i {
                            xi.iter_mut()
                                .zip(&vc[j])
                                .for_each(|(a, b)| *a += w[i][j] * b);
                        }
                        xi
                    })
                    .collect();
                for r in 0..len {
                    let mut o = vec_mat(&q[r], &e, dv);
                    for i in 0..=r {
                        o.iter_mut().zip(&x[i]).for_each(|(a, b)| *a += w[r][i] * b);
                    }
                    out.push(o);
                }
                for i in 0..len {
                    add_outer(&mut e, &k[i], &x[i]);
                    add_outer(&mut p, &k[i], &vc[i]);
                }
            }
        }
        start = end;
    }
    finish(s, out)
}

fn card(
    name: &'static str,
    title: &'static str,
    idea: &'static str,
    tex: &'static str,
) -> CatalogEntry {
    CatalogEntry {
        name,
        title,
        family: "higher-order",
        idea,
        paper: Paper {
            title: "Higher-order Linear Attention",
            authors: "Zhang, Qin, Wang, Gu",
            venue: "arXiv 2510.27258",
            year: 2025,
        },
        spec_section: "8",
        cost: Cost {
            time: "O(N (d² + d d_v))",
            memory: "O(d² + d d_v) state",
        },
        row_normalized: false,
        signed: true,
        supports: Supports {
            causal: true,
            non_causal: false,
        },
        params: vec![
            ParamSchema {
                name: "normalize",
                kind: "boolean",
                default: serde_json::Value::from(false),
                description: "divide each row by its signed sum + ε",
                ..Default::default()
            },
            EPS.number("eps", Some(1e-6), true, "added to the normaliser"),
            chunk_size_schema(),
        ],
        formula_tex: tex,
        confirmed: true,
        constraints: Vec::new(),
    }
}

/// The catalog card of `hla`.
pub fn hla_catalog_entry() -> CatalogEntry {
    card(
        "hla",
        "HLA (second-order linear attention)",
        "Attention whose weights are themselves attention products: A = (W Wᵀ) ⊙ M with \
         W = M ⊙ QKᵀ, streamed with a d × d key-covariance state.",
        r"A_{tj} = q_t \Big(\sum_{i\le j} k_i^\top k_i\Big) q_j^\top\ \ (j \le t)",
    )
}

/// The catalog card of `ahla`.
pub fn ahla_catalog_entry() -> CatalogEntry {
    card(
        "ahla",
        "AHLA (asymmetric HLA)",
        "The asymmetric second-order map A = (W W) ⊙ M: two hops of causal linear attention, \
         query → key i → key j.",
        r"A_{tj} = \sum_{i=j}^{t} (q_t\cdot k_i)(q_i\cdot k_j)",
    )
}
