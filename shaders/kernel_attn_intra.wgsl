// kernel_attn_intra.wgsl: the causal intra-chunk scores of kernel linear attention, step 3
// (chunkwise form, variants.md §0): P[t, s − cC] = φ(q_t)·φ(k_s) for s in t's chunk, s ≤ t, else 0.
//
// Bindings (group 0):
//   0 params  uniform              KernelAttnParams
//   1 fq      storage, read        [n, m]
//   2 fk      storage, read        [n, m]
//   3 scores  storage, read_write  [n, C]
// Workgroup size: WG = 64. Dispatch: ceil(n · C / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over m features. Only dispatched when causal.
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
@group(0) @binding(1) var<storage, read> fq: array<f32>;
@group(0) @binding(2) var<storage, read> fk: array<f32>;
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.chunk {
        return;
    }
    let t = index / params.chunk;
    let s = (t / params.chunk) * params.chunk + index % params.chunk;
    var acc = 0.0;
    if s <= t {
        for (var r = 0u; r < params.m; r++) {
            acc += fq[t * params.m + r] * fk[s * params.m + r];
        }
    }
    scores[index] = acc;
}
