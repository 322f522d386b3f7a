// gated_scan.wgsl: the inter-chunk scan of the gated recurrence, step 4 of the chunkwise form
// (variants.md §5, §6). One workgroup per (head, value column j) carries that column of the state,
// s = S[:, j] (d_k values in workgroup memory), across the chunks in order. Per chunk:
//   u'_r = U_rj − Σ_c W_rc s_c                          (the delta rule's correction; U = V, W = 0
//                                                        without it)
//   o_rj = Σ_c q_rc e^{Γ_rc} s_c + Σ_{r' ≤ r} P_rr' u'_r' + skip · v_rj
//   s_c ← e^{Γ_last,c} s_c + Σ_r k_rc e^{Γ_last,c − Γ_rc} u'_r
// Value columns never mix in any of these recurrences, so the columns run in parallel.
//
// Bindings (group 0):
//   0 params  uniform              GatedParams
//   1 q       storage, read        [heads, n, d_k]
//   2 k       storage, read        [heads, n, d_k]
//   3 v       storage, read        [heads, n, d_v]
//   4 gamma   storage, read        [heads, n, d_k, 3]  from gated_prep
//   5 p       storage, read        [heads, n, chunk]
//   6 w       storage, read        [heads, n, d_k]   (delta rule only)
//   7 u       storage, read        [heads, n, d_v]   (delta rule only; else v is read)
//   8 out     storage, read_write  [heads, n, d_v]
// Workgroup size: WG = 64, strided over the chunk's rows and the d_k channels. Dispatch: one
// workgroup per (head, j): heads · d_v workgroups. Each workgroup loops over n_chunks chunks.
// Prepended: gamma_spans.wgsl (gamma_at and gamma_span, reading the gamma binding).
// Keep in sync with src/gpu/params.rs::GatedParams.

const WG: u32 = 64u;
const MAX_D_K: u32 = 256u;
const MAX_CHUNK: u32 = 256u;

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
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> p: array<f32>;
@group(0) @binding(6) var<storage, read> w: array<f32>;
@group(0) @binding(7) var<storage, read> u: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;

var<workgroup> state: array<f32, MAX_D_K>;
var<workgroup> corrected: array<f32, MAX_CHUNK>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
    let head = group.x / params.d_v;
    let j = group.x % params.d_v;
    let d_k = params.d_k;
    for (var c = lane; c < d_k; c += WG) {
        state[c] = 0.0;
    }
    workgroupBarrier();
    for (var chunk = 0u; chunk < params.n_chunks; chunk++) {
        let start = chunk * params.chunk;
        let len = min(params.chunk, params.n - start);
        // u'_r = U_rj − W_r · s.
        for (var r = lane; r < len; r += WG) {
            let t = head * params.n + start + r;
            var x = 0.0;
            if params.delta == 1u {
                x = u[t * params.d_v + j];
                for (var c = 0u; c < d_k; c++) {
                    x -= w[t * d_k + c] * state[c];
                }
            } else {
                x = v[t * params.d_v + j];
            }
            corrected[r] = x;
        }
        workgroupBarrier();
        // o_rj from the carried state and the chunk's own pairs.
        for (var r = lane; r < len; r += WG) {
            let t = head * params.n + start + r;
            var o = params.skip * v[t * params.d_v + j];
            for (var c = 0u; c < d_k; c++) {
                o += q[t * d_k + c] * exp(gamma_at(t * d_k + c)) * state[c];
            }
            for (var rp = 0u; rp <= r; rp++) {
                o += p[t * params.chunk + rp] * corrected[rp];
            }
            out[t * params.d_v + j] = o;
        }
        workgroupBarrier();
        // s ← e^{Γ_last} s + Σ_r (k_r ⊙ e^{Γ_last − Γ_r}) u'_r.
        let last = head * params.n + start + len - 1u;
        for (var c = lane; c < d_k; c += WG) {
            var s = exp(gamma_at(last * d_k + c)) * state[c];
            for (var r = 0u; r < len; r++) {
                let t = head * params.n + start + r;
                s += k[t * d_k + c] * exp(gamma_span(last * d_k + c, t * d_k + c)) * corrected[r];
            }
            state[c] = s;
        }
        workgroupBarrier();
    }
}
