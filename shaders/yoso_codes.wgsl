// yoso_codes.wgsl: SimHash codes of YOSO's sampled form (variants.md §4.1):
//   code_h(x_t) = Σ_{l < τ} 2^l · 1[w_{h,l}·x_t > 0], one (token, hash) per invocation.
//
// Bindings (group 0):
//   0 params  uniform              YosoParams
//   1 x       storage, read        [n, d]
//   2 planes  storage, read        [hashes · bits, d] (Gaussian hyperplanes from the seed)
//   3 codes   storage, read_write  [n, hashes] (u32)
// Workgroup size: WG = 64. Dispatch: ceil(n · hashes / WG) workgroups (folded into y past GRID_X).
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
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> planes: array<f32>;
@group(0) @binding(3) var<storage, read_write> codes: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.hashes {
        return;
    }
    let t = index / params.hashes;
    let h = index % params.hashes;
    var code = 0u;
    for (var l = 0u; l < params.bits; l++) {
        let plane = (h * params.bits + l) * params.d;
        var dot = 0.0;
        for (var c = 0u; c < params.d; c++) {
            dot += planes[plane + c] * x[t * params.d + c];
        }
        code |= select(0u, 1u << l, dot > 0.0);
    }
    codes[index] = code;
}
