// yoso_tables.wgsl: the hash tables of YOSO's sampled linear-time form (variants.md §4.1), one
// (hash, value column) per invocation for the hashes [hash_start, hash_start + hash_count), tokens
// in order (deterministic, like the CPU's f64 form):
//   tables[h, code, col] += v_t,col  for code = code_h(k_t), t in [token_start, token_end)
//   causal: after inserting key t, partial[h − hash_start, t, col] = tables[h, code_h(q_t), col]
//   (the sum of v_j over j ≤ t with code_h(k_j) = code_h(q_t)).
// The host splits the tokens into passes of ≤ 16 384 so each loop stays under lavapipe's limit,
// and when causal the hashes into groups whose reads fit a fixed budget; the tables persist
// across passes (zero-initialised).
//
// Bindings (group 0):
//   0 params   uniform              YosoParams
//   1 q_codes  storage, read        [n, hashes] (u32)
//   2 k_codes  storage, read        [n, hashes] (u32)
//   3 v        storage, read        [n, d_v]
//   4 tables   storage, read_write  [hashes, 2^bits, d_v]
//   5 partial  storage, read_write  [hash_count, n, d_v] (causal only; 1 float otherwise)
// Workgroup size: WG = 64. Dispatch: ceil(hash_count · d_v / WG) workgroups (folded into y past
// GRID_X). Here `params.d` is d_v. Keep in sync with src/gpu/params.rs::YosoParams.

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
@group(0) @binding(2) var<storage, read> k_codes: array<u32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> tables: array<f32>;
@group(0) @binding(5) var<storage, read_write> partial: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let d_v = params.d;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.hash_count * d_v {
        return;
    }
    let group_h = index / d_v; // the hash within this group
    let h = params.hash_start + group_h;
    let col = index % d_v;
    let table = h << params.bits; // first row of hash h's table
    for (var t = params.token_start; t < params.token_end; t++) {
        let key = (table + k_codes[t * params.hashes + h]) * d_v + col;
        tables[key] += v[t * d_v + col];
        if params.causal == 1u {
            let query = (table + q_codes[t * params.hashes + h]) * d_v + col;
            partial[(group_h * params.n + t) * d_v + col] = tables[query];
        }
    }
}
