// attn_linear_weights.wgsl: the implicit matrix A of elu+1 linear attention, from the row
// normalisers of attn_linear_output.wgsl (variants.md §2.1):
//   A_ij = φ(q_i)·φ(k_j) / normaliser_i  for j in the support of row i (j ≤ i when causal), else 0.
//
// Bindings (group 0):
//   0 params      uniform              AttnLinearParams
//   1 q           storage, read        [n, d_k]
//   2 k           storage, read        [n, d_k]
//   3 normaliser  storage, read        [n]
//   4 weights     storage, read_write  [n, n]
// Workgroup size: WG = 64. Dispatch: ceil(n · n / WG) workgroups in x (folded into y past 65535).
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
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> normaliser: array<f32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;

fn phi(x: f32) -> f32 {
    return select(exp(x), x + 1.0, x > 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.n {
        return;
    }
    let i = index / params.n;
    let j = index % params.n;
    if params.causal == 1u && j > i {
        weights[index] = 0.0;
        return;
    }
    var acc = 0.0;
    for (var r = 0u; r < params.d_k; r++) {
        acc += phi(q[i * params.d_k + r]) * phi(k[j * params.d_k + r]);
    }
    weights[index] = acc / normaliser[i];
}
