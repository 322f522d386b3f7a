//! One trainable attention layer over in-context regression tokens, forward and backward by hand:
//! `e_j ← e_j + Σ_h P_h Σ_{i<N} a_h(i, j) e_i` with scores `s_h(i, j) = e_iᵀ Q_h e_j`, and
//! `a = s` (linear self-attention, von Oswald's unnormalised form: no 1/N) or
//! `a = softmax_i(s)` over the N context keys (softmax attention). The query token (the last)
//! issues a query but is never a key or value, as in von Oswald's and Ahn's code.
//!
//! Tokens are stored token-major: token `t` is `e[t·D .. (t+1)·D]` with `D = d + 1`. `Q_h` and
//! `P_h` (`W_KQ`, `W_PV` of head h) are `D × D`, row-major, in one flat parameter slice.

/// Which scores-to-weights map the layer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `a = s` (linear self-attention).
    Linear,
    /// `a = softmax over the context keys of s`.
    Softmax,
}

/// The shape of a layer's input: `dim = D = d + 1` rows per token, `context = N` keys, `N + 1`
/// tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenShape {
    /// `D = d + 1`.
    pub dim: usize,
    /// `N`, the context tokens (keys and values); the query is token `N`.
    pub context: usize,
}

impl TokenShape {
    /// `N + 1` tokens.
    pub fn tokens(&self) -> usize {
        self.context + 1
    }
}

/// What the forward pass keeps for the backward pass, for the output tokens `first..N+1`.
#[derive(Debug, Clone, Default)]
pub struct LayerCache {
    /// The first output token.
    pub first: usize,
    /// `u_h(j) = Q_h e_j`, per head and output token.
    u: Vec<f64>,
    /// `a_h(i, j)`, per head and output token, N values each.
    a: Vec<f64>,
    /// `z_h(j) = Σ_i a_h(i, j) e_i`.
    z: Vec<f64>,
}

fn mat_vec(m: &[f64], x: &[f64], out: &mut [f64]) {
    let dim = x.len();
    for (r, o) in out.iter_mut().enumerate() {
        *o = m[r * dim..(r + 1) * dim]
            .iter()
            .zip(x)
            .map(|(a, b)| a * b)
            .sum();
    }
}

fn mat_t_vec_add(m: &[f64], x: &[f64], out: &mut [f64]) {
    let dim = out.len();
    for (r, &xr) in x.iter().enumerate() {
        for (o, &mv) in out.iter_mut().zip(&m[r * dim..(r + 1) * dim]) {
            *o += mv * xr;
        }
    }
}

fn outer_add(g: &mut [f64], left: &[f64], right: &[f64]) {
    let dim = right.len();
    for (r, &l) in left.iter().enumerate() {
        for (gv, &rv) in g[r * dim..(r + 1) * dim].iter_mut().zip(right) {
            *gv += l * rv;
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `(Q_h, P_h)` of head `h` in a layer's parameter slice (`heads · 2 · D²` values).
fn head(params: &[f64], h: usize, dim: usize) -> (&[f64], &[f64]) {
    let size = dim * dim;
    let base = 2 * h * size;
    (
        &params[base..base + size],
        &params[base + size..base + 2 * size],
    )
}

/// In-place softmax of `s` (max-subtracted; `libm::exp` so native and wasm agree bit for bit).
fn softmax(s: &mut [f64]) {
    let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for x in s.iter_mut() {
        *x = libm::exp(*x - max);
        total += *x;
    }
    for x in s.iter_mut() {
        *x /= total;
    }
}

/// One layer: its activation, heads, token shape and parameters.
#[derive(Debug, Clone, Copy)]
pub struct Layer<'a> {
    /// Linear or softmax.
    pub activation: Activation,
    /// H.
    pub heads: usize,
    /// `D` and `N`.
    pub shape: TokenShape,
    /// `heads · 2 · D²` values: per head `W_KQ` then `W_PV`.
    pub params: &'a [f64],
}

impl Layer<'_> {
    /// Forward pass of one layer for the output tokens `first..N+1` (all tokens for an inner layer,
    /// only the query for the last one). Writes those tokens to `out` (`(N + 1 − first) · D`).
    pub fn forward(&self, e: &[f64], first: usize, out: &mut [f64], cache: &mut LayerCache) {
        let (activation, heads, shape, params) =
            (self.activation, self.heads, self.shape, self.params);
        let (dim, n) = (shape.dim, shape.context);
        let outputs = shape.tokens() - first;
        cache.first = first;
        cache.u.resize(heads * outputs * dim, 0.0);
        cache.a.resize(heads * outputs * n, 0.0);
        cache.z.resize(heads * outputs * dim, 0.0);
        out.copy_from_slice(&e[first * dim..]);
        let mut pz = vec![0.0; dim];
        for h in 0..heads {
            let (q, p) = head(params, h, dim);
            for jo in 0..outputs {
                let j = first + jo;
                let slot = h * outputs + jo;
                let u = &mut cache.u[slot * dim..(slot + 1) * dim];
                mat_vec(q, &e[j * dim..(j + 1) * dim], u);
                let a = &mut cache.a[slot * n..(slot + 1) * n];
                for (i, ai) in a.iter_mut().enumerate() {
                    *ai = dot(&e[i * dim..(i + 1) * dim], u);
                }
                if activation == Activation::Softmax && n > 0 {
                    softmax(a);
                }
                let z = &mut cache.z[slot * dim..(slot + 1) * dim];
                z.fill(0.0);
                for (i, &ai) in a.iter().enumerate() {
                    for (zv, &ev) in z.iter_mut().zip(&e[i * dim..(i + 1) * dim]) {
                        *zv += ai * ev;
                    }
                }
                mat_vec(p, z, &mut pz);
                for (o, v) in out[jo * dim..(jo + 1) * dim].iter_mut().zip(&pz) {
                    *o += v;
                }
            }
        }
    }

    /// Backward pass of one layer: given `g_out` (the loss gradient at the output tokens
    /// `first..N+1`), adds the gradient of the layer's input tokens to `g_e` (all `N + 1` tokens)
    /// and of its parameters to `g_params`.
    pub fn backward(
        &self,
        e: &[f64],
        cache: &LayerCache,
        g_out: &[f64],
        g_e: &mut [f64],
        g_params: &mut [f64],
    ) {
        let (activation, heads, shape, params) =
            (self.activation, self.heads, self.shape, self.params);
        let (dim, n) = (shape.dim, shape.context);
        let first = cache.first;
        let outputs = shape.tokens() - first;
        // The residual connection.
        for (g, &go) in g_e[first * dim..].iter_mut().zip(g_out) {
            *g += go;
        }
        let size = dim * dim;
        let mut g_z = vec![0.0; dim];
        let mut g_a = vec![0.0; n];
        let mut g_u = vec![0.0; dim];
        for h in 0..heads {
            let (q, p) = head(params, h, dim);
            let base = 2 * h * size;
            for jo in 0..outputs {
                let j = first + jo;
                let slot = h * outputs + jo;
                let u = &cache.u[slot * dim..(slot + 1) * dim];
                let a = &cache.a[slot * n..(slot + 1) * n];
                let z = &cache.z[slot * dim..(slot + 1) * dim];
                let go = &g_out[jo * dim..(jo + 1) * dim];
                // out_j += P z_j.
                outer_add(&mut g_params[base + size..base + 2 * size], go, z);
                g_z.fill(0.0);
                mat_t_vec_add(p, go, &mut g_z);
                // z_j = Σ_i a_ij e_i.
                for (i, (ga, &ai)) in g_a.iter_mut().zip(a).enumerate() {
                    let e_i = &e[i * dim..(i + 1) * dim];
                    *ga = dot(e_i, &g_z);
                    for (g, &gz) in g_e[i * dim..(i + 1) * dim].iter_mut().zip(&g_z) {
                        *g += ai * gz;
                    }
                }
                // a = softmax(s): g_s_i = a_i (g_a_i − Σ_k a_k g_a_k).
                if activation == Activation::Softmax {
                    let mean = dot(a, &g_a);
                    for (ga, &ai) in g_a.iter_mut().zip(a) {
                        *ga = ai * (*ga - mean);
                    }
                }
                // s_ij = e_iᵀ u_j, u_j = Q e_j.
                g_u.fill(0.0);
                for (i, &gs) in g_a.iter().enumerate() {
                    let e_i = &e[i * dim..(i + 1) * dim];
                    for (g, &uv) in g_e[i * dim..(i + 1) * dim].iter_mut().zip(u) {
                        *g += gs * uv;
                    }
                    for (g, &ev) in g_u.iter_mut().zip(e_i) {
                        *g += gs * ev;
                    }
                }
                let e_j = &e[j * dim..(j + 1) * dim];
                outer_add(&mut g_params[base..base + size], &g_u, e_j);
                mat_t_vec_add(q, &g_u, &mut g_e[j * dim..(j + 1) * dim]);
            }
        }
    }
}
