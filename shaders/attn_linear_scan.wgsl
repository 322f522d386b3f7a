// attn_linear_scan.wgsl: exclusive prefix sum of the chunk states over chunks, step 2 of 3 of
// elu+1 linear attention (chunkwise form, variants.md §0).
//
// Formula: states[c] ← Σ_{c' < c} dS[c'] (the state before chunk c, S_{<c} and z_{<c}), and
// states[n_chunks] ← Σ_{c'} dS[c'] (the full state, used by the non-causal output).
//
// Bindings (group 0):
//   0 params  uniform              AttnLinearParams
//   1 states  storage, read_write  [n_chunks + 1, d_k, d_v + 1]
// Workgroup size: WG = 64. Dispatch: ceil(d_k · (d_v + 1) / WG) workgroups in x (folded into y
// past 65535). Each invocation loops over n_chunks ≤ 1024 entries.
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
@group(0) @binding(1) var<storage, read_write> states: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let slice = params.d_k * (params.d_v + 1u); // one chunk's [d_k, d_v + 1] block
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= slice {
        return;
    }
    var running = 0.0;
    for (var c = 0u; c < params.n_chunks; c++) {
        let increment = states[c * slice + index];
        states[c * slice + index] = running;
        running += increment;
    }
    states[params.n_chunks * slice + index] = running;
}
