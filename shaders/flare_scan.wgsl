// flare_scan.wgsl: exclusive prefix of causal FLARE's chunk sums over chunks (variants.md §3.3),
// step 2, rescaling each sum to the running maximum (the online softmax, one chunk at a time).
//
// Formula, for latent r and column e ≤ d_v, over chunks c = 0, 1, ...:
//   prefix[r, c, e]       = Σ_{c' < c} dS[r, c', e] · exp(μ[r, c'] − m[r, c])
//   prefix[r, c, d_v + 1] = m[r, c] = max_{c' < c} μ[r, c']   (SENTINEL for c = 0: nothing yet)
//
// Bindings (group 0):
//   0 params  uniform              FlareCausalParams
//   1 chunks  storage, read        [M, n_chunks, d_v + 2] (flare_chunks.wgsl)
//   2 prefix  storage, read_write  [M, n_chunks, d_v + 2]
// Workgroup size: WG = 64. Dispatch: ceil(M · (d_v + 1) / WG) workgroups (folded into y past
// GRID_X). Each invocation loops over n_chunks entries.
// Keep in sync with src/gpu/params.rs::FlareCausalParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;
// The running maximum before any key: exp(SENTINEL − x) is 0 for every finite logit x.
const SENTINEL: f32 = -1.0e30;

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
@group(0) @binding(1) var<storage, read> chunks: array<f32>;
@group(0) @binding(2) var<storage, read_write> prefix: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let width = params.d_v + 2u;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.latents * (params.d_v + 1u) {
        return;
    }
    let e = index % (params.d_v + 1u);
    let r = index / (params.d_v + 1u);
    var running_max = SENTINEL;
    var running = 0.0;
    for (var c = 0u; c < params.n_chunks; c++) {
        let slot = (r * params.n_chunks + c) * width;
        prefix[slot + e] = running;
        if e == 0u {
            prefix[slot + params.d_v + 1u] = running_max;
        }
        let mu = chunks[slot + params.d_v + 1u];
        let new_max = max(running_max, mu);
        running = running * exp(running_max - new_max) + chunks[slot + e] * exp(mu - new_max);
        running_max = new_max;
    }
}
