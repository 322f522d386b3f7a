// gated_pairs.wgsl: the intra-chunk pair scores of the gated recurrence, step 2 of the chunkwise
// form (variants.md §5, §6). For t in chunk c (local row r) and s = cC + r' in the same chunk:
//   P[h, t, r'] = Σ_c q_tc k_sc exp(Γ_tc − Γ_sc)          for r' ≤ r (else 0)
//   L[h, t, r'] = β_t Σ_c k_tc k_sc exp(Γ_tc − Γ_sc)      for r' < r (else 0; delta rule only)
// Every exponent is ≤ 0 because log-gates are ≤ 0 and r' ≤ r.
//
// Bindings (group 0):
//   0 params  uniform              GatedParams
//   1 q       storage, read        [heads, n, d_k]
//   2 k       storage, read        [heads, n, d_k]
//   3 gamma   storage, read        [heads, n, d_k, 3]  from gated_prep
//   4 beta    storage, read        [heads, n]
//   5 p       storage, read_write  [heads, n, chunk]
//   6 l       storage, read_write  [heads, n, chunk]
// Workgroup size: WG = 64. Dispatch: ceil(heads · n · chunk / WG) workgroups (folded into y past
// GRID_X). Each invocation loops over d_k channels (twice with the delta rule).
// Prepended: gamma_spans.wgsl (gamma_at and gamma_span, reading the gamma binding).
// Keep in sync with src/gpu/params.rs::GatedParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct GatedParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    heads: u32,
    chunk: u32,
    n_chunks: u32,
    delta: u32,
    skip: f32,
}

@group(0) @binding(0) var<uniform> params: GatedParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> p: array<f32>;
@group(0) @binding(6) var<storage, read_write> l: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    let c_len = params.chunk;
    if index >= params.heads * params.n * c_len {
        return;
    }
    let rp = index % c_len;
    let t = (index / c_len) % params.n;
    let head = index / (c_len * params.n);
    let r = t % c_len;
    let s = t - r + rp;
    var p_ts = 0.0;
    var l_ts = 0.0;
    if rp <= r {
        let row_t = (head * params.n + t) * params.d_k;
        let row_s = (head * params.n + s) * params.d_k;
        for (var c = 0u; c < params.d_k; c++) {
            let decay = exp(gamma_span(row_t + c, row_s + c));
            p_ts += q[row_t + c] * k[row_s + c] * decay;
        }
        if params.delta == 1u && rp < r {
            for (var c = 0u; c < params.d_k; c++) {
                let decay = exp(gamma_span(row_t + c, row_s + c));
                l_ts += k[row_t + c] * k[row_s + c] * decay;
            }
            l_ts *= beta[head * params.n + t];
        }
    }
    p[index] = p_ts;
    l[index] = l_ts;
}
