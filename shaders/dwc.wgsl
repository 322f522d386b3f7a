// dwc.wgsl: FLatten's depthwise convolution on V (variants.md §2.6, the 1-D adaptation):
//   out[i, c] = Σ_{j < k} w[c, j] · V[i + first + j, c]   (zero outside the sequence)
// with first = −(k−1)/2 (centred) or −(k−1) (causal). Added to A_lin V on the host.
//
// Bindings (group 0):
//   0 params  uniform              DwcParams
//   1 v       storage, read        [n, d_v]
//   2 w       storage, read        [d_v, k]
//   3 out     storage, read_write  [n, d_v]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over the k taps.
// Keep in sync with src/gpu/params.rs::DwcParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct DwcParams {
    n: u32,
    d_v: u32,
    k: u32,
    first: i32,
}

@group(0) @binding(0) var<uniform> params: DwcParams;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.d_v {
        return;
    }
    let c = index % params.d_v;
    let i = i32(index / params.d_v);
    var acc = 0.0;
    for (var j = 0u; j < params.k; j++) {
        let src = i + params.first + i32(j);
        if src >= 0 && src < i32(params.n) {
            acc += w[c * params.k + j] * v[u32(src) * params.d_v + c];
        }
    }
    out[index] = acc;
}
