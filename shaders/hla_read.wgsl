// hla_read.wgsl: y_t = q_t S^K_{<c}, the query read through the key covariance of the chunks
// before t's chunk c, step 3 of HLA's chunkwise form (variants.md §8).
//
// Bindings (group 0):
//   0 params  uniform              HlaParams
//   1 q       storage, read        [n, d_k]
//   2 states  storage, read        [n_chunks + 1, d_k, d_k]  (exclusive prefix over chunks)
//   3 y       storage, read_write  [n, d_k]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_k / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over d_k.
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
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> states: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    let d = params.d_k;
    if index >= params.n * d {
        return;
    }
    let b = index % d;
    let t = index / d;
    let base = (t / params.chunk) * d * d;
    var acc = 0.0;
    for (var a = 0u; a < d; a++) {
        acc += q[t * d + a] * states[base + a * d + b];
    }
    y[index] = acc;
}
