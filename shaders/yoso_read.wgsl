// yoso_read.wgsl: outputs of YOSO's sampled linear-time form (variants.md §4.1), before the
// host's row L2 normalisation, one (token, value column) per invocation:
//   non-causal: (B̂ V)_t,col = (1/m_h) Σ_h tables[h, code_h(q_t), col]
//   causal:     (B̂ V)_t,col = (1/m_h) Σ_h partial[h, t, col]   (yoso_tables.wgsl)
//
// Bindings (group 0):
//   0 params   uniform              YosoParams
//   1 q_codes  storage, read        [n, hashes] (u32)
//   2 tables   storage, read        [hashes, 2^bits, d_v]
//   3 partial  storage, read        [hashes, n, d_v] (causal only)
//   4 out      storage, read_write  [n, d_v]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over the hashes. Here `params.d` is d_v.
// Keep in sync with src/gpu/params.rs::YosoParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct YosoParams {
    n: u32,
    d: u32,
    bits: u32,
    hashes: u32,
    mode: u32,
    causal: u32,
    token_start: u32,
    token_end: u32,
}

@group(0) @binding(0) var<uniform> params: YosoParams;
@group(0) @binding(1) var<storage, read> q_codes: array<u32>;
@group(0) @binding(2) var<storage, read> tables: array<f32>;
@group(0) @binding(3) var<storage, read> partial: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let d_v = params.d;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * d_v {
        return;
    }
    let t = index / d_v;
    let col = index % d_v;
    var sum = 0.0;
    for (var h = 0u; h < params.hashes; h++) {
        if params.causal == 1u {
            sum += partial[(h * params.n + t) * d_v + col];
        } else {
            sum += tables[((h << params.bits) + q_codes[t * params.hashes + h]) * d_v + col];
        }
    }
    out[index] = sum / f32(params.hashes);
}
