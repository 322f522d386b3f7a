// hla_pairs.wgsl: the chunk-local dot products of HLA and AHLA, step 2 of their chunkwise forms
// (variants.md §8). For t in a chunk (local row r) and s = chunk start + u:
//   w[t, u]  = q_t·k_s   for u ≤ r (else 0)   — the chunk's block of W = M ⊙ (Q Kᵀ)
//   ls[t, u] = k_t·q_s   for u < r (else 0)   — HLA's cross term of the G update
//
// Bindings (group 0):
//   0 params  uniform              HlaParams
//   1 q       storage, read        [n, d_k]
//   2 k       storage, read        [n, d_k]
//   3 w       storage, read_write  [n, chunk]
//   4 ls      storage, read_write  [n, chunk]
// Workgroup size: WG = 64. Dispatch: ceil(n · chunk / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over d_k (twice).
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
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> ls: array<f32>;

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
    var qk = 0.0;
    var kq = 0.0;
    if u <= r {
        for (var c = 0u; c < d; c++) {
            qk += q[t * d + c] * k[s * d + c];
        }
    }
    if u < r {
        for (var c = 0u; c < d; c++) {
            kq += k[t * d + c] * q[s * d + c];
        }
    }
    w[index] = qk;
    ls[index] = kq;
}
