// kernel_attn_state.wgsl: per-chunk state increments of kernel linear attention (chunkwise form,
// variants.md §0), step 1 of the chain state → scan → intra → output (→ weights).
//
// Formula: for chunk c (tokens [cC, min(cC + C, n))), feature r, column col:
//   dS[c, r, col] = Σ_{s in chunk c} φ_n(k_s)_r · v_s,col   for col < d_v  (the state S = φ_n(K)ᵀ V)
//   dS[c, r, d_v] = Σ_{s in chunk c} φ(k_s)_r                                (the normaliser z)
// The features come precomputed (kernel_features.wgsl), so one chain serves every map. φ_n are
// the numerator's features: rotated under RoPE (kernel_features_rope.wgsl), else φ itself.
//
// Bindings (group 0):
//   0 params  uniform              KernelAttnParams
//   1 fk_num  storage, read        [n, m]
//   2 fk      storage, read        [n, m]
//   3 v       storage, read        [n, d_v]
//   4 states  storage, read_write  [n_chunks + 1, m, d_v + 1] (slot n_chunks is for the scan)
// Workgroup size: WG = 64. Dispatch: ceil(n_chunks · m · (d_v + 1) / WG) workgroups, folded into
// y past GRID_X = 65535 (src/gpu/pipelines/mod.rs::Grid). Each invocation loops over ≤ C tokens
// (lavapipe stops an invocation after ~65k loop trips).
// Keep in sync with src/gpu/params.rs::KernelAttnParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct KernelAttnParams {
    n: u32,
    m: u32,
    d_v: u32,
    causal: u32,
    eps: f32,
    chunk: u32,
    n_chunks: u32,
    guard: u32,
}

@group(0) @binding(0) var<uniform> params: KernelAttnParams;
@group(0) @binding(1) var<storage, read> fk_num: array<f32>;
@group(0) @binding(2) var<storage, read> fk: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> states: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let width = params.d_v + 1u;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n_chunks * params.m * width {
        return;
    }
    let col = index % width;
    let r = (index / width) % params.m;
    let c = index / (width * params.m);
    let start = c * params.chunk;
    let end = min(start + params.chunk, params.n);
    var acc = 0.0;
    for (var s = start; s < end; s++) {
        if col < params.d_v {
            acc += fk_num[s * params.m + r] * v[s * params.d_v + col];
        } else {
            acc += fk[s * params.m + r];
        }
    }
    states[index] = acc;
}
