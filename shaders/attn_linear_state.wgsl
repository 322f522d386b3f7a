// attn_linear_state.wgsl: per-chunk state increments of elu+1 linear attention (chunkwise form,
// variants.md §0), step 1 of 3 (state → scan → output).
//
// Formula: for chunk c (tokens [cC, min(cC + C, n))), feature r, column col:
//   dS[c, r, col] = Σ_{s in chunk c} φ(k_s)_r · v_s,col   for col < d_v   (the state S = φ(K)ᵀ V)
//   dS[c, r, d_v] = Σ_{s in chunk c} φ(k_s)_r                               (the normaliser z)
// with φ(x) = elu(x) + 1 = x + 1 for x > 0, else exp(x).
//
// Bindings (group 0):
//   0 params  uniform              AttnLinearParams
//   1 k       storage, read        [n, d_k]
//   2 v       storage, read        [n, d_v]
//   3 states  storage, read_write  [n_chunks + 1, d_k, d_v + 1] (slot n_chunks is for the scan)
// Workgroup size: WG = 64. Dispatch: ceil(n_chunks · d_k · (d_v + 1) / WG) workgroups in x,
// folded into y past 65535 (x = 65535 · WG invocations per row of the grid).
// Each invocation loops over at most `chunk` tokens (lavapipe caps a shader at ~65k loop trips).
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
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> states: array<f32>;

fn phi(x: f32) -> f32 {
    return select(exp(x), x + 1.0, x > 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let width = params.d_v + 1u;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n_chunks * params.d_k * width {
        return;
    }
    let col = index % width;
    let r = (index / width) % params.d_k;
    let c = index / (width * params.d_k);
    let start = c * params.chunk;
    let end = min(start + params.chunk, params.n);
    var acc = 0.0;
    for (var s = start; s < end; s++) {
        let fk = phi(k[s * params.d_k + r]);
        if col < params.d_v {
            acc += fk * v[s * params.d_v + col];
        } else {
            acc += fk;
        }
    }
    states[index] = acc;
}
