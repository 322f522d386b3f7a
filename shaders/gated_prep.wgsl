// gated_prep.wgsl: chunk-local log-space prefix sums of the gated recurrence, step 1 of the
// chunkwise form of the decay and delta-rule variants (variants.md §5 "stable decay arithmetic").
//
// Formula: gamma[h, t, c] = Σ_{u = chunk start}^{t} g[h, u, c], restarting at every chunk, so
// every decay later read as exp(gamma_r − gamma_r') or exp(gamma_r) is ≤ 1 and never a ratio of
// two underflowed exponentials.
//
// Bindings (group 0):
//   0 params  uniform              GatedParams
//   1 g       storage, read        [heads, n, d_k]  log-gates (≤ 0)
//   2 gamma   storage, read_write  [heads, n, d_k]
// Workgroup size: WG = 64. Dispatch: ceil(heads · n_chunks · d_k / WG) workgroups (folded into y
// past GRID_X). Each invocation loops over the ≤ chunk rows of one (head, chunk, channel).
// Keep in sync with src/gpu/params.rs::GatedParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct GatedParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    heads: u32,
    chunk: u32,
    n_chunks: u32,
    delta: u32,
    skip: f32,
}

@group(0) @binding(0) var<uniform> params: GatedParams;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> gamma: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.heads * params.n_chunks * params.d_k {
        return;
    }
    let channel = index % params.d_k;
    let chunk = (index / params.d_k) % params.n_chunks;
    let head = index / (params.d_k * params.n_chunks);
    let start = chunk * params.chunk;
    let end = min(start + params.chunk, params.n);
    var acc = 0.0;
    for (var t = start; t < end; t++) {
        let at = (head * params.n + t) * params.d_k + channel;
        acc += g[at];
        gamma[at] = acc;
    }
}
