// kernel_attn_weights.wgsl: the implicit matrix A of kernel linear attention, from the guarded
// row normalisers of kernel_attn_output.wgsl (variants.md §0):
//   A_ij = φ_n(q_i)·φ_n(k_j) / normaliser_i  for j in the support of row i (j ≤ i when causal),
//   else 0, with φ_n the numerator's features (rotated under RoPE, else φ).
//
// Bindings (group 0):
//   0 params      uniform              KernelAttnParams
//   1 fq_num      storage, read        [n, m]
//   2 fk_num      storage, read        [n, m]
//   3 normaliser  storage, read        [n]
//   4 weights     storage, read_write  [n, n]
// Workgroup size: WG = 64. Dispatch: ceil(n · n / WG) workgroups (folded into y past GRID_X).
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
@group(0) @binding(1) var<storage, read> fq_num: array<f32>;
@group(0) @binding(2) var<storage, read> fk_num: array<f32>;
@group(0) @binding(3) var<storage, read> normaliser: array<f32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;

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
    for (var r = 0u; r < params.m; r++) {
        acc += fq_num[i * params.m + r] * fk_num[j * params.m + r];
    }
    weights[index] = acc / normaliser[i];
}
