// kernel_attn_scan.wgsl: exclusive prefix sum of the chunk states over chunks, step 2 of kernel
// linear attention (chunkwise form, variants.md §0).
//
// Formula: states[c] ← Σ_{c' < c} dS[c'] (S_{<c} and z_{<c}, the state before chunk c), and
// states[n_chunks] ← Σ_{c'} dS[c'] (the full state, used by the non-causal output).
//
// Bindings (group 0):
//   0 params  uniform              KernelAttnParams
//   1 states  storage, read_write  [n_chunks + 1, m, d_v + 1]
// Workgroup size: WG = 64. Dispatch: ceil(m · (d_v + 1) / WG) workgroups (folded into y past
// GRID_X). Each invocation loops over n_chunks entries.
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
@group(0) @binding(1) var<storage, read_write> states: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let slice = params.m * (params.d_v + 1u); // one chunk's [m, d_v + 1] block
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
