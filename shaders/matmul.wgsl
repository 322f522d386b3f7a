// matmul.wgsl: C = alpha · A B + beta · C, one output entry per invocation. The low-rank variants
// (Linformer's E K and P̄ F, Nyström's landmark products, FLARE's W_dec W_enc) and FNet's
// explicit DFT products (C_N V C_d − S_N V S_d) are chains of it around attn_softmax.wgsl.
//
// Bindings (group 0):
//   0 params  uniform              MatmulParams
//   1 a       storage, read        [m, k]
//   2 b       storage, read        [k, n]
//   3 c       storage, read_write  [m, n]
// Workgroup size: WG = 64. Dispatch: ceil(m · n / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over k terms (k ≤ 65 536).
// Keep in sync with src/gpu/params.rs::MatmulParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct MatmulParams {
    m: u32,
    n: u32,
    k: u32,
    _pad0: u32,
    alpha: f32,
    beta: f32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.m * params.n {
        return;
    }
    let i = index / params.n;
    let j = index % params.n;
    var acc = 0.0;
    for (var r = 0u; r < params.k; r++) {
        acc += a[i * params.k + r] * b[r * params.n + j];
    }
    var previous = 0.0;
    if params.beta != 0.0 {
        previous = params.beta * c[index];
    }
    c[index] = params.alpha * acc + previous;
}
