// mhla_state.wgsl: per-segment state increments of MHLA (variants.md §2.13), step 1 of the chain
// state → blocks → matmul (mixing) → output (→ weights). A segment is a run of ≤ C tokens inside
// one block (blocks are split into segments so every loop here stays short).
//
// Formula: for segment s (tokens [start_s, end_s)), feature r, column col:
//   dS[s, r, col] = Σ_{t in s} φ_n(k_t)_r · v_t,col   for col < d_v   (the state S = φ_n(K)ᵀ V)
//   dS[s, r, d_v] = Σ_{t in s} φ(k_t)_r                                (the normaliser z)
//
// Bindings (group 0):
//   0 params    uniform              MhlaPassParams
//   1 table     storage, read        u32: segments [n_seg, 3] (start, end, block), then the
//                                    segment of each token [n], then each block's segments [B, 2]
//   2 features  storage, read        [4, n, m]: φ(Q), φ(K), φ_n(Q), φ_n(K)
//   3 v         storage, read        [n, d_v]
//   4 states    storage, read_write  [n_seg, m, d_v + 1]
// Workgroup size: WG = 64. Dispatch: ceil(n_seg · m · (d_v + 1) / WG) workgroups (folded into y
// past GRID_X = 65535). Each invocation loops over ≤ C tokens.
// Keep in sync with src/gpu/params.rs::MhlaPassParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct MhlaPassParams {
    n: u32,
    m: u32,
    d_v: u32,
    causal: u32,
    eps: f32,
    n_seg: u32,
    blocks: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: MhlaPassParams;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read> features: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> states: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let width = params.d_v + 1u;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n_seg * params.m * width {
        return;
    }
    let col = index % width;
    let r = (index / width) % params.m;
    let s = index / (width * params.m);
    let plane = params.n * params.m; // one of the four feature matrices
    var acc = 0.0;
    for (var t = table[3u * s]; t < table[3u * s + 1u]; t++) {
        if col < params.d_v {
            acc += features[3u * plane + t * params.m + r] * v[t * params.d_v + col];
        } else {
            acc += features[plane + t * params.m + r];
        }
    }
    states[index] = acc;
}
