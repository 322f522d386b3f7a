// mhla_weights.wgsl: the implicit matrix A of MHLA (variants.md §2.13), from the guarded row
// normalisers of mhla_output.wgsl:
//   A_ij = 𝓜_{b(i),b(j)} φ_n(q_i)·φ_n(k_j) / normaliser_i  for j in the support of row i (j ≤ i
//   when causal), else 0, with φ_n the numerator's features (rotated under RoPE, else φ).
//
// Bindings (group 0):
//   0 params      uniform              MhlaPassParams
//   1 table       storage, read        u32 (see mhla_state.wgsl)
//   2 mixing      storage, read        [B, B]
//   3 features    storage, read        [4, n, m]: φ(Q), φ(K), φ_n(Q), φ_n(K)
//   4 normaliser  storage, read        [n]
//   5 weights     storage, read_write  [n, n]
// Workgroup size: WG = 64. Dispatch: ceil(n · n / WG) workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::MhlaPassParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct MhlaPassParams {
    n: u32,
    m: u32,
    d_v: u32,
    causal: u32,
    eps: f32,
    n_seg: u32,
    blocks: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: MhlaPassParams;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read> mixing: array<f32>;
@group(0) @binding(3) var<storage, read> features: array<f32>;
@group(0) @binding(4) var<storage, read> normaliser: array<f32>;
@group(0) @binding(5) var<storage, read_write> weights: array<f32>;

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
    let m = params.m;
    let plane = params.n * m;
    let segment_of = 3u * params.n_seg;
    let b_i = table[3u * table[segment_of + i] + 2u];
    let b_j = table[3u * table[segment_of + j] + 2u];
    var acc = 0.0;
    for (var r = 0u; r < m; r++) {
        acc += features[2u * plane + i * m + r] * features[3u * plane + j * m + r];
    }
    weights[index] = mixing[b_i * params.blocks + b_j] * acc / normaliser[i];
}
