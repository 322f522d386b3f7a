// yoso_read.wgsl: outputs of YOSO's sampled linear-time form (variants.md §4.1), before the
// host's row L2 normalisation, one (token, value column) per invocation, for the hashes
// [hash_start, hash_start + hash_count) (the first group writes, later groups add):
//   non-causal: (B̂ V)_t,col = (1/m_h) Σ_h tables[h, code_h(q_t), col]
//   causal:     (B̂ V)_t,col = (1/m_h) Σ_h partial[h − hash_start, t, col]   (yoso_tables.wgsl)
//
// Bindings (group 0):
//   0 params   uniform              YosoParams
//   1 q_codes  storage, read        [n, hashes] (u32)
//   2 tables   storage, read        [hashes, 2^bits, d_v]
//   3 partial  storage, read        [hash_count, n, d_v] (causal only)
//   4 out      storage, read_write  [n, d_v]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over the group's hashes. Here `params.d` is d_v.
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
    hash_start: u32,
    hash_count: u32,
    _pad0: u32,
    _pad1: u32,
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
    for (var g = 0u; g < params.hash_count; g++) {
        let h = params.hash_start + g;
        if params.causal == 1u {
            sum += partial[(g * params.n + t) * d_v + col];
        } else {
            sum += tables[((h << params.bits) + q_codes[t * params.hashes + h]) * d_v + col];
        }
    }
    var previous = 0.0;
    if params.hash_start > 0u {
        previous = out[index];
    }
    out[index] = previous + sum / f32(params.hashes);
}
