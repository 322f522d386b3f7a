// flare_weights.wgsl: the implicit matrix A of causal FLARE (variants.md §3.3), from the
// statistics of flare_output.wgsl:
//   A_tj = Σ_r W_dec[t, r] · exp(X[r, j] − m_tr) / D_tr   for j ≤ t, else 0
// (the scatter weights times the gather's softmax over the keys up to t).
//
// Bindings (group 0):
//   0 params   uniform              FlareCausalParams
//   1 x        storage, read        [M, n] logits
//   2 stats    storage, read        [n, M, 3]: (W_dec[t, r], m_tr, D_tr)
//   3 weights  storage, read_write  [n, n]
// Workgroup size: WG = 64. Dispatch: ceil(n · n / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over M latents.
// Keep in sync with src/gpu/params.rs::FlareCausalParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct FlareCausalParams {
    n: u32,
    latents: u32,
    d_v: u32,
    chunk: u32,
    n_chunks: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: FlareCausalParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.n {
        return;
    }
    let t = index / params.n;
    let j = index % params.n;
    if j > t {
        weights[index] = 0.0;
        return;
    }
    var acc = 0.0;
    for (var r = 0u; r < params.latents; r++) {
        let at = (t * params.latents + r) * 3u;
        acc += stats[at] * exp(x[r * params.n + j] - stats[at + 1u]) / stats[at + 2u];
    }
    weights[index] = acc;
}
