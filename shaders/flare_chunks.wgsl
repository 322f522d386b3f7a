// flare_chunks.wgsl: per-chunk softmax sums of causal FLARE's gather (variants.md §3.3), step 1
// of the chain logits (matmul.wgsl) → chunks → scan → output (→ weights).
//
// Formula: with the logits X = s L Kᵀ (M × n) and chunk c = tokens [cC, min(cC + C, n)), for
// latent r and column e:
//   μ[r, c]          = max_{j in c} X[r, j]                         (slot d_v + 1)
//   dS[r, c, e]      = Σ_{j in c} exp(X[r, j] − μ[r, c]) · v_j,e    for e < d_v
//   dS[r, c, d_v]    = Σ_{j in c} exp(X[r, j] − μ[r, c])            (the softmax normaliser)
//
// Bindings (group 0):
//   0 params  uniform              FlareCausalParams
//   1 x       storage, read        [M, n] logits
//   2 v       storage, read        [n, d_v]
//   3 chunks  storage, read_write  [M, n_chunks, d_v + 2]
// Workgroup size: WG = 64. Dispatch: ceil(M · n_chunks · (d_v + 2) / WG) workgroups (folded into
// y past GRID_X = 65535). Each invocation loops twice over ≤ C tokens.
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
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> chunks: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let width = params.d_v + 2u;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.latents * params.n_chunks * width {
        return;
    }
    let e = index % width;
    let c = (index / width) % params.n_chunks;
    let r = index / (width * params.n_chunks);
    let start = c * params.chunk;
    let end = min(start + params.chunk, params.n);
    let row = r * params.n;
    var mu = x[row + start];
    for (var j = start + 1u; j < end; j++) {
        mu = max(mu, x[row + j]);
    }
    if e == params.d_v + 1u {
        chunks[index] = mu;
        return;
    }
    var acc = 0.0;
    for (var j = start; j < end; j++) {
        let w = exp(x[row + j] - mu);
        if e < params.d_v {
            acc += w * v[j * params.d_v + e];
        } else {
            acc += w;
        }
    }
    chunks[index] = acc;
}
