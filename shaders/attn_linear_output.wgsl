// attn_linear_output.wgsl: outputs of elu+1 linear attention, step 3 of 3 (chunkwise form,
// variants.md §0), and the per-row normaliser that attn_linear_weights.wgsl divides by.
//
// Formula, for token t in chunk c = t / C and value column col:
//   causal:     num = φ(q_t) S_{<c}[:, col] + Σ_{s = cC..t} (φ(q_t)·φ(k_s)) v_s,col
//               den = φ(q_t) z_{<c}          + Σ_{s = cC..t} (φ(q_t)·φ(k_s))
//   non-causal: num = φ(q_t) S[:, col],  den = φ(q_t) z   (the full state, slot n_chunks)
//   o_t,col = num / (den + eps);  normaliser[t] = den + eps (written by column 0).
//
// Bindings (group 0):
//   0 params      uniform              AttnLinearParams
//   1 q           storage, read        [n, d_k]
//   2 k           storage, read        [n, d_k]
//   3 v           storage, read        [n, d_v]
//   4 states      storage, read        [n_chunks + 1, d_k, d_v + 1] (after the scan)
//   5 out         storage, read_write  [n, d_v]
//   6 normaliser  storage, read_write  [n]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups in x (folded into y past 65535).
// Each invocation loops over d_k + chunk · d_k terms at most.
// Keep in sync with src/gpu/params.rs::AttnLinearParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct AttnLinearParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    causal: u32,
    eps: f32,
    chunk: u32,
    n_chunks: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: AttnLinearParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> states: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> normaliser: array<f32>;

fn phi(x: f32) -> f32 {
    return select(exp(x), x + 1.0, x > 0.0);
}

fn feature_dot(t: u32, s: u32) -> f32 {
    var acc = 0.0;
    for (var r = 0u; r < params.d_k; r++) {
        acc += phi(q[t * params.d_k + r]) * phi(k[s * params.d_k + r]);
    }
    return acc;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.d_v {
        return;
    }
    let t = index / params.d_v;
    let col = index % params.d_v;
    let width = params.d_v + 1u;
    let causal = params.causal == 1u;
    let c = select(params.n_chunks, t / params.chunk, causal);
    let block = c * params.d_k * width; // the state before chunk c (or the full state)

    var num = 0.0;
    var den = 0.0;
    for (var r = 0u; r < params.d_k; r++) {
        let fq = phi(q[t * params.d_k + r]);
        num += fq * states[block + r * width + col];
        den += fq * states[block + r * width + params.d_v];
    }
    if causal {
        for (var s = c * params.chunk; s <= t; s++) {
            let w = feature_dot(t, s);
            num += w * v[s * params.d_v + col];
            den += w;
        }
    }
    out[index] = num / (den + params.eps);
    if col == 0u {
        normaliser[t] = den + params.eps;
    }
}
