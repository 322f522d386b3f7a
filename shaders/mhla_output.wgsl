// mhla_output.wgsl: outputs of MHLA (variants.md §2.13), step 4 of the chain, and the guarded
// row normaliser that mhla_weights.wgsl divides by.
//
// Formula, for token t in segment s of block b, value column col (𝓜̃ = 𝓜, or its strictly lower
// part when causal; `mixed = 𝓜̃ · totals` from matmul.wgsl):
//   num = φ_n(q_t)·mixed[b][:, col],  den = φ(q_t)·mixed[b][:, d_v]
//   causal, plus the own block up to t: φ_n(q_t)·states[s][:, col] (𝓜_bb times the block's tokens
//     before segment s, from mhla_blocks.wgsl) + 𝓜_bb Σ_{j = start_s..t} (φ_n(q_t)·φ_n(k_j)) v_j,col,
//     and the same for den with φ and the normaliser column
//   o_t,col = num / (den + eps); normaliser[t] = den + eps, written by column 0.
//
// Bindings (group 0):
//   0 params      uniform              MhlaPassParams
//   1 table       storage, read        u32 (see mhla_state.wgsl)
//   2 mixing      storage, read        [B, B]
//   3 features    storage, read        [4, n, m]: φ(Q), φ(K), φ_n(Q), φ_n(K)
//   4 v           storage, read        [n, d_v]
//   5 states      storage, read        [n_seg, m, d_v + 1] (after mhla_blocks.wgsl)
//   6 mixed       storage, read        [B, m, d_v + 1]
//   7 out         storage, read_write  [n, d_v]
//   8 normaliser  storage, read_write  [n]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over m features, plus ≤ C · m terms when causal.
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
@group(0) @binding(4) var<storage, read> v: array<f32>;
@group(0) @binding(5) var<storage, read> states: array<f32>;
@group(0) @binding(6) var<storage, read> mixed: array<f32>;
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
    let m = params.m;
    let width = params.d_v + 1u;
    let slice = m * width;
    let plane = params.n * m; // features: φ(Q) at 0, φ(K) at plane, φ_n(Q) at 2 plane, φ_n(K) at 3 plane
    let s = table[3u * params.n_seg + t];
    let b = table[3u * s + 2u];

    var num = 0.0;
    var den = 0.0;
    for (var r = 0u; r < m; r++) {
        let fq = features[t * m + r];
        let fq_num = features[2u * plane + t * m + r];
        num += fq_num * mixed[b * slice + r * width + col];
        den += fq * mixed[b * slice + r * width + params.d_v];
        if params.causal == 1u {
            num += fq_num * states[s * slice + r * width + col];
            den += fq * states[s * slice + r * width + params.d_v];
        }
    }
    if params.causal == 1u {
        let own = mixing[b * params.blocks + b];
        for (var j = table[3u * s]; j <= t; j++) {
            var score_num = 0.0;
            var score_den = 0.0;
            for (var r = 0u; r < m; r++) {
                score_num += features[2u * plane + t * m + r] * features[3u * plane + j * m + r];
                score_den += features[t * m + r] * features[plane + j * m + r];
            }
            num += own * score_num * v[j * params.d_v + col];
            den += own * score_den;
        }
    }
    let guarded = den + params.eps;
    out[index] = num / guarded;
    if col == 0u {
        normaliser[t] = guarded;
    }
}
