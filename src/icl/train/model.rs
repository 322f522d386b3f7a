//! A trainable K-layer attention model for in-context regression (icl.md V2–V4): linear
//! self-attention (LSA) or softmax attention with H heads per layer, weights shared across
//! layers or not, read out as minus the query's label slot. The loss gradient is written by
//! hand (`layer.rs`) and checked against finite differences in `tests/icl_training.rs`.

use super::layer::{Activation, Layer, LayerCache, TokenShape};
use crate::rng::SeededRng;

/// The architecture of a trainable model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Architecture {
    /// Linear or softmax attention.
    pub activation: Activation,
    /// K, the number of layers.
    pub layers: usize,
    /// H, heads per layer.
    pub heads: usize,
    /// One set of weights applied K times (von Oswald's recurrent model) or K sets.
    pub shared: bool,
    /// Train only `W_KQ`'s x-block and `W_PV`'s label entry (ZFB's and Ahn's theorem
    /// parameterisation, `ŷ = x_qᵀ Γ h` per layer); the other weights stay 0.
    pub sparse: bool,
}

/// A model: its architecture, token shape and flat parameters (per distinct layer, per head,
/// `W_KQ` then `W_PV`, each `D × D` row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The architecture.
    pub arch: Architecture,
    /// `D = d + 1` and `N`.
    pub shape: TokenShape,
    /// The parameters.
    pub params: Vec<f64>,
}

/// Buffers of one forward/backward pass (reused across the tasks of a batch).
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The input tokens of each layer (`inputs[0]` = the task's tokens).
    inputs: Vec<Vec<f64>>,
    caches: Vec<LayerCache>,
    /// The query token after the last layer.
    out: Vec<f64>,
    g_tokens: Vec<f64>,
    g_next: Vec<f64>,
}

impl Model {
    /// Parameters per distinct layer.
    pub fn layer_size(&self) -> usize {
        self.arch.heads * 2 * self.shape.dim * self.shape.dim
    }

    /// The number of distinct weight sets (1 when shared).
    pub fn distinct_layers(&self) -> usize {
        if self.arch.shared {
            1
        } else {
            self.arch.layers
        }
    }

    /// Seeded initialisation: every weight `~ N(0, scale / D)` (variance scaling, fan-in D).
    pub fn init(arch: Architecture, shape: TokenShape, scale: f64, rng: &mut SeededRng) -> Model {
        let mut model = Model {
            arch,
            shape,
            params: Vec::new(),
        };
        let count = model.distinct_layers() * model.layer_size();
        let std = (scale / shape.dim as f64).sqrt();
        model.params = (0..count).map(|_| std * rng.normal()).collect();
        let mut params = std::mem::take(&mut model.params);
        model.mask(&mut params);
        model.params = params;
        model
    }

    /// Zeroes the entries a sparse model does not train (no-op for a full one).
    pub fn mask(&self, values: &mut [f64]) {
        if !self.arch.sparse {
            return;
        }
        let dim = self.shape.dim;
        let size = dim * dim;
        for (k, v) in values.iter_mut().enumerate() {
            let within = k % (2 * size);
            let (row, col) = ((within % size) / dim, within % dim);
            let keep = if within < size {
                row + 1 < dim && col + 1 < dim
            } else {
                row + 1 == dim && col + 1 == dim
            };
            if !keep {
                *v = 0.0;
            }
        }
    }

    /// The parameters of layer `l` (the same slice for every layer when shared).
    pub fn layer_params(&self, l: usize) -> &[f64] {
        let size = self.layer_size();
        let l = if self.arch.shared { 0 } else { l };
        &self.params[l * size..(l + 1) * size]
    }

    /// Layer `l` ready to run.
    pub fn layer(&self, l: usize) -> Layer<'_> {
        Layer {
            activation: self.arch.activation,
            heads: self.arch.heads,
            shape: self.shape,
            params: self.layer_params(l),
        }
    }

    /// `(W_KQ, W_PV)` of layer `l`, head `h`, as row-major `D × D` slices.
    pub fn head_weights(&self, l: usize, h: usize) -> (&[f64], &[f64]) {
        let size = self.shape.dim * self.shape.dim;
        let p = self.layer_params(l);
        (
            &p[2 * h * size..(2 * h + 1) * size],
            &p[(2 * h + 1) * size..(2 * h + 2) * size],
        )
    }

    /// Runs the model on one task's tokens (`(N + 1) · D` values); returns `ŷ`.
    pub fn forward(&self, tokens: &[f64], ws: &mut Workspace) -> f64 {
        let (dim, n, k) = (self.shape.dim, self.shape.context, self.arch.layers);
        ws.inputs.resize(k, Vec::new());
        ws.caches.resize(k, LayerCache::default());
        ws.out.resize(dim, 0.0);
        ws.inputs[0].clear();
        ws.inputs[0].extend_from_slice(tokens);
        for l in 0..k {
            let last = l + 1 == k;
            let first = if last { n } else { 0 };
            let mut out = if last {
                std::mem::take(&mut ws.out)
            } else {
                vec![0.0; tokens.len()]
            };
            self.layer(l)
                .forward(&ws.inputs[l], first, &mut out, &mut ws.caches[l]);
            if last {
                ws.out = out;
            } else {
                ws.inputs[l + 1] = out;
            }
        }
        -ws.out[dim - 1]
    }

    /// After `forward`: back-propagates `∂loss/∂ŷ = g_y`, adding the parameter gradient to
    /// `g_params`; returns the gradient of the input tokens.
    pub fn backward<'w>(&self, ws: &'w mut Workspace, g_y: f64, g_params: &mut [f64]) -> &'w [f64] {
        let (dim, k) = (self.shape.dim, self.arch.layers);
        let total = self.shape.tokens() * dim;
        let size = self.layer_size();
        ws.g_next.clear();
        ws.g_next.resize(dim, 0.0);
        ws.g_next[dim - 1] = -g_y;
        for l in (0..k).rev() {
            ws.g_tokens.clear();
            ws.g_tokens.resize(total, 0.0);
            let slot = if self.arch.shared { 0 } else { l };
            self.layer(l).backward(
                &ws.inputs[l],
                &ws.caches[l],
                &ws.g_next,
                &mut ws.g_tokens,
                &mut g_params[slot * size..(slot + 1) * size],
            );
            std::mem::swap(&mut ws.g_tokens, &mut ws.g_next);
        }
        &ws.g_next
    }

    /// The implicit weight vector `ŵ = ∂ŷ/∂x_q` at this task (exact: one backward pass). For
    /// LSA models `ŷ` is linear in `x_q`, so `ŷ = ŵ·x_q`.
    pub fn implicit_weights(&self, tokens: &[f64], ws: &mut Workspace) -> Vec<f64> {
        self.predict_with_weights(tokens, ws).1
    }

    /// `(ŷ, ŵ)` from one forward and one backward pass.
    pub fn predict_with_weights(&self, tokens: &[f64], ws: &mut Workspace) -> (f64, Vec<f64>) {
        let (dim, n) = (self.shape.dim, self.shape.context);
        let y = self.forward(tokens, ws);
        let mut scratch = vec![0.0; self.params.len()];
        let g = self.backward(ws, 1.0, &mut scratch);
        (y, g[n * dim..n * dim + dim - 1].to_vec())
    }
}
