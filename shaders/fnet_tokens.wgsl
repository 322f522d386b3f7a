// fnet_tokens.wgsl: FNet's DFT along the tokens (variants.md §10), the first half of
// Y = (C_N V) C_d − (S_N V) S_d, computed on the fly from an n-entry twiddle table instead of the
// n × n cos/sin matrices (O(n d) memory):
//   cv[t, c] += Σ_{j in [j_start, j_end)} cos(2π ((t · j) mod n) / n) · v[j, c]
//   sv[t, c] += Σ_{j in [j_start, j_end)} sin(2π ((t · j) mod n) / n) · v[j, c]
// The angle is reduced exactly in integer arithmetic (t · j < 2^32 for n ≤ 65 536), and the
// twiddles come from the host in f64 (WGSL's sin/cos are only good to 2^-11). The first pass
// (j_start = 0) writes, later ones add; the host splits j into passes of ≤ 16 384.
//
// Bindings (group 0):
//   0 params   uniform              FnetParams
//   1 twiddle  storage, read        [n, 2]: (cos(2π k/n), sin(2π k/n))
//   2 v        storage, read        [n, d]
//   3 cv       storage, read_write  [n, d]
//   4 sv       storage, read_write  [n, d]
// Workgroup size: WG = 64. Dispatch: ceil(n · d / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over ≤ 16 384 tokens.
// Keep in sync with src/gpu/params.rs::FnetParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct FnetParams {
    n: u32,
    d: u32,
    j_start: u32,
    j_end: u32,
}

@group(0) @binding(0) var<uniform> params: FnetParams;
@group(0) @binding(1) var<storage, read> twiddle: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> cv: array<f32>;
@group(0) @binding(4) var<storage, read_write> sv: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.d {
        return;
    }
    let t = index / params.d;
    let c = index % params.d;
    var re = 0.0;
    var im = 0.0;
    for (var j = params.j_start; j < params.j_end; j++) {
        let k = (t * j) % params.n;
        let x = v[j * params.d + c];
        re += twiddle[2u * k] * x;
        im += twiddle[2u * k + 1u] * x;
    }
    if params.j_start > 0u {
        re += cv[index];
        im += sv[index];
    }
    cv[index] = re;
    sv[index] = im;
}
