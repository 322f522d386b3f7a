// yoso_weights.wgsl: YOSO's attention matrix (variants.md §4.1), one entry per invocation:
//   mode 0 (expectation): B_ij = (1 − arccos(clamp(q̂_i·k̂_j, −1, 1))/π)^τ on L2-normalised rows
//   mode 1 (sampled):     B̂_ij = (1/m_h) Σ_h 1[code_h(q_i) = code_h(k_j)]
// masked to j ≤ i when causal. The output is then (B V) row by row, L2-normalised.
//
// Bindings (group 0):
//   0 params   uniform              YosoParams
//   1 q        storage, read        [n, d]
//   2 k        storage, read        [n, d]
//   3 q_codes  storage, read        [n, hashes] (u32; mode 1)
//   4 k_codes  storage, read        [n, hashes] (u32; mode 1)
//   5 weights  storage, read_write  [n, n]
// Workgroup size: WG = 64. Dispatch: ceil(n · n / WG) workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::YosoParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;
const PI: f32 = 3.141592653589793;

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
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> q_codes: array<u32>;
@group(0) @binding(4) var<storage, read> k_codes: array<u32>;
@group(0) @binding(5) var<storage, read_write> weights: array<f32>;

fn expectation(i: u32, j: u32) -> f32 {
    var dot = 0.0;
    var qq = 0.0;
    var kk = 0.0;
    for (var c = 0u; c < params.d; c++) {
        let a = q[i * params.d + c];
        let b = k[j * params.d + c];
        dot += a * b;
        qq += a * a;
        kk += b * b;
    }
    if qq == 0.0 || kk == 0.0 {
        return pow(0.5, f32(params.bits)); // a zero vector: angle π/2
    }
    let cosine = clamp(dot / sqrt(qq * kk), -1.0, 1.0);
    return pow(1.0 - acos(cosine) / PI, f32(params.bits));
}

fn sampled(i: u32, j: u32) -> f32 {
    var hits = 0u;
    for (var h = 0u; h < params.hashes; h++) {
        hits += select(0u, 1u, q_codes[i * params.hashes + h] == k_codes[j * params.hashes + h]);
    }
    return f32(hits) / f32(params.hashes);
}

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
    weights[index] = select(expectation(i, j), sampled(i, j), params.mode == 1u);
}
