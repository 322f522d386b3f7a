// kernel_attn_output.wgsl: outputs of kernel linear attention (chunkwise form, variants.md §0),
// and the guarded row normaliser that kernel_attn_weights.wgsl divides by.
//
// Formula, for token t in chunk c = t / C and value column col:
//   causal:     num = φ_n(q_t) S_{<c}[:, col] + Σ_{s = cC..t} P_num[t, s − cC] v_s,col
//               den = φ(q_t) z_{<c}            + Σ_{s = cC..t} P_den[t, s − cC]
//   non-causal: num = φ_n(q_t) S[:, col],  den = φ(q_t) z   (the full state, slot n_chunks)
//   o_t,col = num / g(den), with g(den) = den + eps (guard 0), max(den, eps) (guard 1), or 1
//   (guard 2: unnormalised, Flowformer, whose row scalars are folded into its features);
//   normaliser[t] = g(den), written by column 0.
//
// Bindings (group 0):
//   0 params      uniform              KernelAttnParams
//   1 fq_num      storage, read        [n, m]
//   2 fq          storage, read        [n, m]
//   3 v           storage, read        [n, d_v]
//   4 states      storage, read        [n_chunks + 1, m, d_v + 1] (after the scan)
//   5 scores_num  storage, read        [n, C] (kernel_attn_intra.wgsl; unused when non-causal)
//   6 scores_den  storage, read        [n, C]
//   7 out         storage, read_write  [n, d_v]
//   8 normaliser  storage, read_write  [n]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over m + C terms.
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
@group(0) @binding(2) var<storage, read> fq: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> states: array<f32>;
@group(0) @binding(5) var<storage, read> scores_num: array<f32>;
@group(0) @binding(6) var<storage, read> scores_den: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;
@group(0) @binding(8) var<storage, read_write> normaliser: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.d_v {
        return;
    }
    let t = index / params.d_v;
    let col = index % params.d_v;
    let width = params.d_v + 1u;
    let causal = params.causal == 1u;
    let c = select(params.n_chunks, t / params.chunk, causal);
    let block = c * params.m * width; // the state before chunk c (or the full state)

    var num = 0.0;
    var den = 0.0;
    for (var r = 0u; r < params.m; r++) {
        num += fq_num[t * params.m + r] * states[block + r * width + col];
        den += fq[t * params.m + r] * states[block + r * width + params.d_v];
    }
    if causal {
        let start = c * params.chunk;
        for (var s = start; s <= t; s++) {
            let slot = t * params.chunk + (s - start);
            num += scores_num[slot] * v[s * params.d_v + col];
            den += scores_den[slot];
        }
    }
    var guarded = select(den + params.eps, max(den, params.eps), params.guard == 1u);
    if params.guard == 2u {
        guarded = 1.0;
    }
    out[index] = num / guarded;
    if col == 0u {
        normaliser[t] = guarded;
    }
}
