// flare_output.wgsl: outputs of causal FLARE (variants.md §3.3), step 3, and the per-token,
// per-latent statistics flare_weights.wgsl reads.
//
// Formula, for token t in chunk c, value column col, with X = s L Kᵀ (M × n):
//   W_dec[t, r] = softmax_r(X[:, t])                     (the scatter: every latent, no mask)
//   m_tr        = max(prefix max, max_{j = cC..t} X[r, j])
//   D_tr        = prefix[r, c, d_v] · exp(prefix max − m_tr) + Σ_{j = cC..t} exp(X[r, j] − m_tr)
//   N_tr,col    = prefix[r, c, col] · exp(prefix max − m_tr) + Σ_{j = cC..t} exp(X[r, j] − m_tr) v_j,col
//   o_t,col     = Σ_r W_dec[t, r] · N_tr,col / D_tr      (the gather's softmax over keys ≤ t)
//   stats[t, r] = (W_dec[t, r], m_tr, D_tr), written by column 0.
//
// Bindings (group 0):
//   0 params  uniform              FlareCausalParams
//   1 x       storage, read        [M, n] logits
//   2 v       storage, read        [n, d_v]
//   3 prefix  storage, read        [M, n_chunks, d_v + 2] (flare_scan.wgsl)
//   4 out     storage, read_write  [n, d_v]
//   5 stats   storage, read_write  [n, M, 3]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over M latents × 2 · (≤ C) tokens (C · M ≤ 16 384, set by the host).
// Keep in sync with src/gpu/params.rs::FlareCausalParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct FlareCausalParams {
    n: u32,
    latents: u32,
    d_v: u32,
    chunk: u32,
    n_chunks: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: FlareCausalParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> prefix: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.d_v {
        return;
    }
    let t = index / params.d_v;
    let col = index % params.d_v;
    let n = params.n;
    let width = params.d_v + 2u;
    let c = t / params.chunk;
    let start = c * params.chunk;

    // The scatter's softmax over latents (column t of X).
    var scatter_max = x[t];
    for (var r = 1u; r < params.latents; r++) {
        scatter_max = max(scatter_max, x[r * n + t]);
    }
    var scatter_sum = 0.0;
    for (var r = 0u; r < params.latents; r++) {
        scatter_sum += exp(x[r * n + t] - scatter_max);
    }

    var o = 0.0;
    for (var r = 0u; r < params.latents; r++) {
        let slot = (r * params.n_chunks + c) * width;
        let prefix_max = prefix[slot + params.d_v + 1u];
        var m = prefix_max;
        for (var j = start; j <= t; j++) {
            m = max(m, x[r * n + j]);
        }
        let rescale = exp(prefix_max - m);
        var den = prefix[slot + params.d_v] * rescale;
        var num = prefix[slot + col] * rescale;
        for (var j = start; j <= t; j++) {
            let w = exp(x[r * n + j] - m);
            den += w;
            num += w * v[j * params.d_v + col];
        }
        let w_dec = exp(x[r * n + t] - scatter_max) / scatter_sum;
        o += w_dec * num / den;
        if col == 0u {
            let at = (t * params.latents + r) * 3u;
            stats[at] = w_dec;
            stats[at + 1u] = m;
            stats[at + 2u] = den;
        }
    }
    out[index] = o;
}
