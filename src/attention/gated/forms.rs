//! The three forms of the gated recurrence (variants.md §5, §6, §13): the closed form builds the
//! implicit matrix `A` (the specification), the recurrent form walks the `d_k × d_v` state token
//! by token, and the chunkwise form (chunk-local log-space prefix sums, the UT transform per
//! chunk) never builds anything larger than `C × C` or `C × d`.

use super::trace::Snapshots;
use super::{forward_substitute, prefix_sums, rows_f64, to_matrix, DecayedDot, GatedSetup};
use crate::attention::kernel::Features;
use crate::tensor::Matrix;

/// Closed form: `P_ij = Σ_c q_ic k_jc e^{G_ic − G_jc}` for `j ≤ i`; with the delta rule
/// `R_ij = Σ_c k_ic k_jc e^{G_ic − G_jc}` for `j < i` and `A = P (I + diag(β) R)⁻¹ diag(β)`, the
/// inverse applied by forward substitution; plus `skip · I`. Returns `(O, A)`.
pub fn closed_form(s: &GatedSetup, v: &Matrix) -> (Matrix, Matrix) {
    let n = s.n();
    let g = prefix_sums(&s.log_gates);
    let decayed_dot = DecayedDot::of(&s.log_gates);
    let p: Features = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if j <= i {
                        decayed_dot.apply(&s.q[i], &s.k[j], &g[i], &g[j])
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let mut a = match &s.beta {
        None => p,
        Some(beta) => {
            // L = diag(β) R (strictly lower); X = (I + L)⁻¹ diag(β); A = P X.
            let l: Features = (0..n)
                .map(|i| {
                    (0..i)
                        .map(|j| beta[i] * decayed_dot.apply(&s.k[i], &s.k[j], &g[i], &g[j]))
                        .collect()
                })
                .collect();
            let diag_beta: Features = (0..n)
                .map(|i| (0..n).map(|j| if i == j { beta[i] } else { 0.0 }).collect())
                .collect();
            let x = forward_substitute(&l, &diag_beta);
            lower_product(&p, &x)
        }
    };
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += s.skip;
    }
    let a = to_matrix(&a, n);
    let o = apply(&a, v);
    (o, a)
}

/// `P X` for lower-triangular `P` and `X` (the product is lower-triangular).
fn lower_product(p: &[Vec<f64>], x: &[Vec<f64>]) -> Features {
    let n = p.len();
    (0..n)
        .map(|i| {
            let mut row = vec![0.0; n];
            for (r, &p_ir) in p[i].iter().enumerate().take(i + 1) {
                if p_ir == 0.0 {
                    continue;
                }
                for (y, &x_rj) in row.iter_mut().zip(&x[r]).take(r + 1) {
                    *y += p_ir * x_rj;
                }
            }
            row
        })
        .collect()
}

/// `A V` in f64.
fn apply(a: &Matrix, v: &Matrix) -> Matrix {
    let d_v = v.cols();
    let rows: Features = (0..a.rows())
        .map(|i| {
            let mut out = vec![0.0; d_v];
            for (j, &a_ij) in a.row(i).iter().enumerate() {
                if a_ij != 0.0 {
                    out.iter_mut()
                        .zip(v.row(j))
                        .for_each(|(o, &x)| *o += f64::from(a_ij) * f64::from(x));
                }
            }
            out
        })
        .collect();
    to_matrix(&rows, d_v)
}

/// The state `S_t` (d_k × d_v) after each token listed in `trace` (ascending or not), and `O`.
pub struct Recurrence {
    /// `O`, n × d_v.
    pub output: Matrix,
    /// `(t, S_t)` for each requested step, in the order asked.
    pub states: Vec<(usize, Matrix)>,
    /// The final state `S_{n−1}`.
    pub last: Matrix,
}

/// Recurrent form: `S ← diag(e^{g_t}) S`; with the delta rule `u_t = β_t (v_t − k_t S)`, else
/// `u_t = v_t`; `S ← S + k_tᵀ u_t`; `o_t = q_t S + skip · v_t`.
pub fn recurrent(s: &GatedSetup, v: &Matrix, trace: &[usize]) -> Recurrence {
    let (n, d_k, d_v) = (s.n(), s.d_k(), v.cols());
    let v = rows_f64(v);
    let mut state = vec![vec![0.0; d_v]; d_k];
    let mut out = Vec::with_capacity(n);
    let mut snapshots = Snapshots::new(trace);
    for t in 0..n {
        for (row, g) in state.iter_mut().zip(&s.log_gates[t]) {
            let decay = g.exp();
            row.iter_mut().for_each(|x| *x *= decay);
        }
        let u: Vec<f64> = match &s.beta {
            None => v[t].clone(),
            Some(beta) => {
                let ks = vec_mat(&s.k[t], &state, d_v);
                v[t].iter()
                    .zip(&ks)
                    .map(|(vt, kst)| beta[t] * (vt - kst))
                    .collect()
            }
        };
        for (row, &k_c) in state.iter_mut().zip(&s.k[t]) {
            row.iter_mut().zip(&u).for_each(|(x, u_j)| *x += k_c * u_j);
        }
        let mut o = vec_mat(&s.q[t], &state, d_v);
        o.iter_mut()
            .zip(&v[t])
            .for_each(|(o, vt)| *o += s.skip * vt);
        out.push(o);
        if snapshots.wants(t) {
            snapshots.keep(t, to_matrix(&state, d_v));
        }
    }
    let states = snapshots.into_list();
    Recurrence {
        output: to_matrix(&out, d_v),
        states,
        last: to_matrix(&state, d_v),
    }
}

/// `x S` for a row `x` (d_k) and a state `S` (d_k × d_v).
pub fn vec_mat(x: &[f64], state: &[Vec<f64>], d_v: usize) -> Vec<f64> {
    let mut y = vec![0.0; d_v];
    for (&x_c, row) in x.iter().zip(state) {
        if x_c != 0.0 {
            y.iter_mut().zip(row).for_each(|(y, s)| *y += x_c * s);
        }
    }
    y
}

/// Chunkwise form (chunk size `chunk`, the last chunk shorter when it does not divide n). Per
/// chunk, with chunk-local prefix sums `Γ_r` (per channel): `P_rr' = Σ_c q_rc k_r'c e^{Γ_rc − Γ_r'c}`;
/// with the delta rule `L_rr' = β_r Σ_c k_rc k_r'c e^{Γ_rc − Γ_r'c}` (r' < r), `W = (I + L)⁻¹
/// diag(β)(K ⊙ e^Γ)`, `U = (I + L)⁻¹ diag(β) V`, else `W = 0`, `U = V`; then
/// `U' = U − W S`, `O = (Q ⊙ e^Γ) S + P U'`, `S ← diag(e^{Γ_last}) S + (K ⊙ e^{Γ_last − Γ})ᵀ U'`.
pub fn chunked(s: &GatedSetup, v: &Matrix, chunk: usize) -> Matrix {
    let (n, d_k, d_v) = (s.n(), s.d_k(), v.cols());
    let chunk = chunk.max(1);
    let v = rows_f64(v);
    let decayed_dot = DecayedDot::of(&s.log_gates);
    let mut state = vec![vec![0.0; d_v]; d_k];
    let mut out: Features = Vec::with_capacity(n);
    let mut start = 0;
    while start < n {
        let end = (start + chunk).min(n);
        let gamma = prefix_sums(&s.log_gates[start..end]);
        let len = end - start;
        let last = &gamma[len - 1];
        let (q, k) = (&s.q[start..end], &s.k[start..end]);
        let (u, w): (Features, Option<Features>) = match &s.beta {
            None => (v[start..end].to_vec(), None),
            Some(beta) => {
                let beta = &beta[start..end];
                let l: Features = (0..len)
                    .map(|r| {
                        (0..r)
                            .map(|j| {
                                beta[r] * decayed_dot.apply(&k[r], &k[j], &gamma[r], &gamma[j])
                            })
                            .collect()
                    })
                    .collect();
                let bv: Features = (0..len)
                    .map(|r| v[start + r].iter().map(|x| beta[r] * x).collect())
                    .collect();
                let bk: Features = (0..len)
                    .map(|r| {
                        k[r].iter()
                            .zip(&gamma[r])
                            .map(|(x, g)| beta[r] * x * g.exp())
                            .collect()
                    })
                    .collect();
                (
                    forward_substitute(&l, &bv),
                    Some(forward_substitute(&l, &bk)),
                )
            }
        };
        // U' = U − W S.
        let u_prime: Features = match &w {
            None => u,
            Some(w) => u
                .iter()
                .zip(w)
                .map(|(u_r, w_r)| {
                    let ws = vec_mat(w_r, &state, d_v);
                    u_r.iter().zip(&ws).map(|(a, b)| a - b).collect()
                })
                .collect(),
        };
        for r in 0..len {
            let qd: Vec<f64> = q[r]
                .iter()
                .zip(&gamma[r])
                .map(|(x, g)| x * g.exp())
                .collect();
            let mut o = vec_mat(&qd, &state, d_v);
            for rp in 0..=r {
                let p = decayed_dot.apply(&q[r], &k[rp], &gamma[r], &gamma[rp]);
                o.iter_mut()
                    .zip(&u_prime[rp])
                    .for_each(|(o, u)| *o += p * u);
            }
            o.iter_mut()
                .zip(&v[start + r])
                .for_each(|(o, x)| *o += s.skip * x);
            out.push(o);
        }
        for (c, row) in state.iter_mut().enumerate() {
            let decay = last[c].exp();
            row.iter_mut().for_each(|x| *x *= decay);
            for r in 0..len {
                let kw = k[r][c] * (last[c] - gamma[r][c]).exp();
                row.iter_mut()
                    .zip(&u_prime[r])
                    .for_each(|(x, u)| *x += kw * u);
            }
        }
        start = end;
    }
    to_matrix(&out, d_v)
}
