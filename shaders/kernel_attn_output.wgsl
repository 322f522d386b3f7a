// kernel_attn_output.wgsl: outputs of kernel linear attention (chunkwise form, variants.md §0),
// and the guarded row normaliser that kernel_attn_weights.wgsl divides by.
//
// Formula, for token t in chunk c = t / C and value column col:
//   causal:     num = φ(q_t) S_{<c}[:, col] + Σ_{s = cC..t} P[t, s − cC] v_s,col
//               den = φ(q_t) z_{<c}          + Σ_{s = cC..t} P[t, s − cC]
//   non-causal: num = φ(q_t) S[:, col],  den = φ(q_t) z   (the full state, slot n_chunks)
//   o_t,col = num / g(den), with g(den) = den + eps (guard 0) or max(den, eps) (guard 1);
//   normaliser[t] = g(den), written by column 0.
//
// Bindings (group 0):
//   0 params      uniform              KernelAttnParams
//   1 fq          storage, read        [n, m]
//   2 v           storage, read        [n, d_v]
//   3 states      storage, read        [n_chunks + 1, m, d_v + 1] (after the scan)
//   4 scores      storage, read        [n, C] (kernel_attn_intra.wgsl; unused when non-causal)
//   5 out         storage, read_write  [n, d_v]
//   6 normaliser  storage, read_write  [n]
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
@group(0) @binding(1) var<storage, read> fq: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> states: array<f32>;
@group(0) @binding(4) var<storage, read> scores: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> normaliser: array<f32>;

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
        let f = fq[t * params.m + r];
        num += f * states[block + r * width + col];
        den += f * states[block + r * width + params.d_v];
    }
    if causal {
        let start = c * params.chunk;
        for (var s = start; s <= t; s++) {
            let w = scores[t * params.chunk + (s - start)];
            num += w * v[s * params.d_v + col];
            den += w;
        }
    }
    let guarded = select(den + params.eps, max(den, params.eps), params.guard == 1u);
    out[index] = num / guarded;
    if col == 0u {
        normaliser[t] = guarded;
    }
}
