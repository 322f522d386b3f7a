// mhla_blocks.wgsl: MHLA's block states (variants.md §2.13), step 2 of the chain: the total of
// each block, and when causal each segment's in-block prefix scaled by the block's own weight.
//
// Formula, for block b, feature r, column col (the [m, d_v + 1] element e):
//   totals[b, e] = Σ_{s in b} dS[s, e]                    (S_b and z_b)
//   causal: states[s, e] ← 𝓜_bb · Σ_{s' in b, s' < s} dS[s', e]  (the block's tokens before s)
// The cross-block mixing Σ_c 𝓜_bc S_c is a matmul of 𝓜 (strictly lower when causal) with
// `totals` (matmul.wgsl), read by mhla_output.wgsl.
//
// Bindings (group 0):
//   0 params   uniform              MhlaPassParams
//   1 table    storage, read        u32 (see mhla_state.wgsl)
//   2 mixing   storage, read        [B, B]
//   3 states   storage, read_write  [n_seg, m, d_v + 1]
//   4 totals   storage, read_write  [B, m, d_v + 1]
// Workgroup size: WG = 64. Dispatch: ceil(B · m · (d_v + 1) / WG) workgroups (folded into y past
// GRID_X). Each invocation loops over its block's segments (≤ n / C + 1).
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
@group(0) @binding(2) var<storage, read> mixing: array<f32>;
@group(0) @binding(3) var<storage, read_write> states: array<f32>;
@group(0) @binding(4) var<storage, read_write> totals: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let slice = params.m * (params.d_v + 1u); // one segment's [m, d_v + 1] block
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.blocks * slice {
        return;
    }
    let b = index / slice;
    let e = index % slice;
    let segments_of_block = 3u * params.n_seg + params.n + 2u * b;
    let own = mixing[b * params.blocks + b];
    var running = 0.0;
    for (var s = table[segments_of_block]; s < table[segments_of_block + 1u]; s++) {
        let increment = states[s * slice + e];
        if params.causal == 1u {
            states[s * slice + e] = own * running;
        }
        running += increment;
    }
    totals[index] = running;
}
