// kernel_attn_intra.wgsl: the causal intra-chunk scores of kernel linear attention, step 3
// (chunkwise form, variants.md §0), for s in t's chunk, s ≤ t (else 0):
//   P_num[t, s − cC] = φ_n(q_t)·φ_n(k_s) (numerator; rotated under RoPE)
//   P_den[t, s − cC] = φ(q_t)·φ(k_s)     (normaliser)
//
// Bindings (group 0):
//   0 params  uniform              KernelAttnParams
//   1 fq_num      storage, read        [n, m]
//   2 fk_num      storage, read        [n, m]
//   3 fq          storage, read        [n, m]
//   4 fk          storage, read        [n, m]
//   5 scores_num  storage, read_write  [n, C]
//   6 scores_den  storage, read_write  [n, C]
// Workgroup size: WG = 64. Dispatch: ceil(n · C / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over m features (twice). Only dispatched when causal.
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
@group(0) @binding(3) var<storage, read> fq: array<f32>;
@group(0) @binding(4) var<storage, read> fk: array<f32>;
@group(0) @binding(5) var<storage, read_write> scores_num: array<f32>;
@group(0) @binding(6) var<storage, read_write> scores_den: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.chunk {
        return;
    }
    let t = index / params.chunk;
    let s = (t / params.chunk) * params.chunk + index % params.chunk;
    var num = 0.0;
    var den = 0.0;
    if s <= t {
        for (var r = 0u; r < params.m; r++) {
            num += fq_num[t * params.m + r] * fk_num[s * params.m + r];
            den += fq[t * params.m + r] * fk[s * params.m + r];
        }
    }
    scores_num[index] = num;
    scores_den[index] = den;
}
