// hla_delta_s.wgsl: each chunk's key covariance ΔS_c = K_cᵀ K_c (d_k × d_k), step 1 of HLA's
// chunkwise form (variants.md §8); kernel_attn_scan then turns them into the prefix
// S^K_{<c} = Σ_{c' < c} ΔS_{c'} read by the chunk.
//
// Bindings (group 0):
//   0 params  uniform              HlaParams
//   1 k       storage, read        [n, d_k]
//   2 states  storage, read_write  [n_chunks + 1, d_k, d_k]
// Workgroup size: WG = 64. Dispatch: ceil(n_chunks · d_k² / WG) workgroups (folded into y past
// GRID_X). Each invocation loops over the chunk's rows.
// Keep in sync with src/gpu/params.rs::HlaParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct HlaParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    chunk: u32,
    n_chunks: u32,
    asymmetric: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: HlaParams;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read_write> states: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    let d = params.d_k;
    if index >= params.n_chunks * d * d {
        return;
    }
    let b = index % d;
    let a = (index / d) % d;
    let chunk = index / (d * d);
    let start = chunk * params.chunk;
    let end = min(start + params.chunk, params.n);
    var acc = 0.0;
    for (var s = start; s < end; s++) {
        acc += k[s * d + a] * k[s * d + b];
    }
    states[index] = acc;
}
