// hla_kernel.wgsl: HLA's intra-chunk weights, step 4 of its chunkwise form (variants.md §8). For
// t (local row r) and s = chunk start + u ≤ t:
//   kern[t, u] = y_t·q_s + Σ_{i ≤ u} w[t, i] · w[s, i]
// the carried covariance's cross term plus the chunk's own (W Wᵀ) ⊙ M.
//
// Bindings (group 0):
//   0 params  uniform              HlaParams
//   1 q       storage, read        [n, d_k]
//   2 y       storage, read        [n, d_k]
//   3 w       storage, read        [n, chunk]
//   4 kern    storage, read_write  [n, chunk]
// Workgroup size: WG = 64. Dispatch: ceil(n · chunk / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over d_k and the chunk.
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
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> kern: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.chunk {
        return;
    }
    let u = index % params.chunk;
    let t = index / params.chunk;
    let r = t % params.chunk;
    let s = t - r + u;
    let d = params.d_k;
    var acc = 0.0;
    if u <= r {
        for (var c = 0u; c < d; c++) {
            acc += y[t * d + c] * q[s * d + c];
        }
        for (var i = 0u; i <= u; i++) {
            acc += w[t * params.chunk + i] * w[s * params.chunk + i];
        }
    }
    kern[index] = acc;
}
