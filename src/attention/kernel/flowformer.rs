//! Flowformer (variants.md §2.9): Wu, Wu, Xu, Wang, Long, "Flowformer: Linearizing Transformers
//! with Conservation Flows", ICML 2022 (`Flow_Attention`, `Flow_Attention_Causal`).
//!
//! Sigmoid features `q = σ(Q)`, `k = σ(K)` and flow conservation: incoming flow `I_i`, outgoing
//! `Ω_j`, conserved `Î_i`, `Ô_j` (clipped to [−1, 1]), allocation `a_i = sigmoid(Î_i)` and
//! competition `c_j = N softmax_j(Ô_j)`; `A_ij = a_i I_i (q_i·k_j) c_j`, not row-normalised.
//! Causal: every sum becomes a prefix sum with the authors' `n_t = t + 1` rescalings, and
//! `A_tj = a_t (I_t/n_t)(q_t·k_j) c_j`. The linear form accumulates `S_t = Σ_{j≤t} k_jᵀ (c_j v_j)`
//! and reads `o_t = a_t (I_t/n_t) q_t S_t`; `A` factors as `diag(row) (q kᵀ ⊙ M) diag(c)`.

use crate::attention::kernel::elu::{default_eps, EPS};
use crate::attention::AttentionOutput;
use crate::catalog::{CatalogEntry, Cost, Paper, Supports};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Parameters of `flowformer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowformerParams {
    /// ε added element-wise to the feature vectors.
    #[serde(default = "default_eps")]
    pub eps: f64,
}

impl FlowformerParams {
    pub(crate) fn validate(&self) -> crate::Result<()> {
        EPS.check("eps", self.eps, "a small offset of the flows")
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn features(x: &Matrix) -> Vec<Vec<f64>> {
    (0..x.rows())
        .map(|i| x.row(i).iter().map(|&v| sigmoid(f64::from(v))).collect())
        .collect()
}

/// `(x + ε)·(y + ε)` with ε added to every coordinate of both.
fn dot_eps(x: &[f64], y: &[f64], eps: f64) -> f64 {
    x.iter().zip(y).map(|(a, b)| (a + eps) * (b + eps)).sum()
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

fn add(acc: &mut [f64], x: &[f64], scale: f64) {
    acc.iter_mut().zip(x).for_each(|(a, b)| *a += scale * b);
}

/// The flow scalars: `A_ij = row[i] · (q_i·k_j) · col[j]` on the mask; and the features.
pub struct Flow {
    /// `σ(Q)`.
    pub q: Vec<Vec<f64>>,
    /// `σ(K)`.
    pub k: Vec<Vec<f64>>,
    /// `a_i I_i` (non-causal) or `a_t I_t / n_t` (causal).
    pub row: Vec<f64>,
    /// `c_j`.
    pub col: Vec<f64>,
}

/// The conservation flows of `qkv` (O(N d)).
pub fn flow(qkv: &Qkv, causal: bool, eps: f64) -> Flow {
    let (q, k) = (features(&qkv.q), features(&qkv.k));
    let (n, d) = (qkv.n(), qkv.d_k());
    let (mut row, mut col) = (vec![0.0; n], vec![0.0; n]);
    if !causal {
        let (mut q_sum, mut k_sum) = (vec![0.0; d], vec![0.0; d]);
        for t in 0..n {
            add(&mut q_sum, &q[t], 1.0);
            add(&mut k_sum, &k[t], 1.0);
        }
        let incoming: Vec<f64> = q
            .iter()
            .map(|q_i| 1.0 / dot_eps(q_i, &k_sum, eps))
            .collect();
        let outgoing: Vec<f64> = k
            .iter()
            .map(|k_j| 1.0 / dot_eps(k_j, &q_sum, eps))
            .collect();
        let (mut k_flow, mut q_flow) = (vec![0.0; d], vec![0.0; d]);
        for t in 0..n {
            add(&mut k_flow, &k[t], outgoing[t]);
            add(&mut q_flow, &q[t], incoming[t]);
        }
        let conserved_out: Vec<f64> = k
            .iter()
            .map(|k_j| dot_eps(k_j, &q_flow, eps).clamp(-1.0, 1.0))
            .collect();
        let max = conserved_out
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let denom: f64 = conserved_out.iter().map(|o| (o - max).exp()).sum();
        for t in 0..n {
            let conserved_in = dot_eps(&q[t], &k_flow, eps);
            row[t] = sigmoid(conserved_in) * incoming[t];
            col[t] = n as f64 * (conserved_out[t] - max).exp() / denom;
        }
        return Flow { q, k, row, col };
    }
    let (mut q_sum, mut k_sum) = (vec![0.0; d], vec![0.0; d]);
    let (mut k_flow, mut q_flow) = (vec![0.0; d], vec![0.0; d]);
    let mut exp_sum = 0.0;
    for t in 0..n {
        let n_t = (t + 1) as f64;
        add(&mut q_sum, &q[t], 1.0);
        add(&mut k_sum, &k[t], 1.0);
        let incoming = n_t / dot_eps(&q[t], &k_sum, eps);
        let outgoing = n_t / dot_eps(&k[t], &q_sum, eps);
        add(&mut k_flow, &k[t], outgoing);
        add(&mut q_flow, &q[t], incoming);
        let conserved_in = dot_eps(&q[t], &k_flow, eps) / n_t;
        let conserved_out = (dot_eps(&k[t], &q_flow, eps) / n_t).clamp(-1.0, 1.0);
        // |Ô| ≤ 1, so exp(Ô) needs no max subtraction.
        exp_sum += conserved_out.exp();
        row[t] = sigmoid(conserved_in) * incoming / n_t;
        col[t] = n_t * conserved_out.exp() / exp_sum;
    }
    Flow { q, k, row, col }
}

/// The quadratic form `A` and `O = A V`.
pub fn quadratic(qkv: &Qkv, causal: bool, eps: f64) -> (Matrix, Matrix) {
    let f = flow(qkv, causal, eps);
    let n = qkv.n();
    let mut a = Matrix::zeros(n, n);
    for i in 0..n {
        let keys = if causal { i + 1 } else { n };
        for j in 0..keys {
            a.set(i, j, (f.row[i] * dot(&f.q[i], &f.k[j]) * f.col[j]) as f32);
        }
    }
    let o = a
        .matmul(&qkv.v)
        .unwrap_or_else(|_| Matrix::zeros(n, qkv.d_v()));
    (o, a)
}

/// The linear form: `S = Σ k_jᵀ (c_j v_j)` (prefix sums when causal), `o_t = row_t q_t S`.
pub fn recurrent(qkv: &Qkv, causal: bool, eps: f64) -> Matrix {
    let f = flow(qkv, causal, eps);
    let (n, d, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let mut state = vec![0.0f64; d * d_v];
    let absorb = |state: &mut [f64], j: usize| {
        for r in 0..d {
            for c in 0..d_v {
                state[r * d_v + c] += f.k[j][r] * f.col[j] * f64::from(qkv.v.get(j, c));
            }
        }
    };
    if !causal {
        (0..n).for_each(|j| absorb(&mut state, j));
    }
    let mut out = Matrix::zeros(n, d_v);
    for t in 0..n {
        if causal {
            absorb(&mut state, t);
        }
        for c in 0..d_v {
            let o: f64 = (0..d).map(|r| f.q[t][r] * state[r * d_v + c]).sum();
            out.set(t, c, (f.row[t] * o) as f32);
        }
    }
    out
}

/// `O` by the linear form, `A` by the quadratic one when wanted.
pub fn forward(p: &FlowformerParams, qkv: &Qkv, causal: bool, want: bool) -> AttentionOutput {
    if want {
        let (output, attention) = quadratic(qkv, causal, p.eps);
        AttentionOutput {
            output,
            attention: Some(attention),
        }
    } else {
        AttentionOutput {
            output: recurrent(qkv, causal, p.eps),
            attention: None,
        }
    }
}

/// The catalog card of `flowformer`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "flowformer",
        title: "Flowformer",
        family: "kernel feature-map",
        idea: "Attention as a flow network: sigmoid features, conservation of incoming and \
               outgoing flow, and a competition among sources replace the softmax normaliser.",
        paper: Paper {
            title: "Flowformer: Linearizing Transformers with Conservation Flows",
            authors: "Wu, Wu, Xu, Wang, Long",
            venue: "ICML",
            year: 2022,
        },
        spec_section: "2.9",
        cost: Cost {
            time: "O(N d d_v)",
            memory: "O(d d_v) state",
        },
        row_normalized: false,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        params: vec![EPS.number(
            "eps",
            Some(1e-6),
            true,
            "added to every feature of the flows",
        )],
        formula_tex: r"A_{ij} = a_i\, I_i\, \big(\sigma(q_i)\cdot\sigma(k_j)\big)\, c_j,\quad c = N\,\mathrm{softmax}(\hat O),\ a = \mathrm{sigmoid}(\hat I)",
        confirmed: true,
        constraints: Vec::new(),
    }
}
