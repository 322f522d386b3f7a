// hla_scan.wgsl: the inter-chunk scan of HLA and AHLA, the last step of their chunkwise forms
// (variants.md §8). One workgroup per value column j carries that column of the states across the
// chunks in order (workgroup memory, d_k values each); value columns never mix.
//   HLA  (C_j, G_j): o_r = y_r·C_j − q_r·G_j + Σ_{u ≤ r} kern[r, u] v_uj
//                    coef_r = k_r·C_j + Σ_{u < r} ls[r, u] v_uj
//                    G_j += Σ_r k_r coef_r,   C_j += Σ_r q_r v_rj
//   AHLA (P_j, E_j): x_i = q_i·P_j + Σ_{u ≤ i} w[i, u] v_uj
//                    o_r = q_r·E_j + Σ_{i ≤ r} w[r, i] x_i
//                    E_j += Σ_i k_i x_i,   P_j += Σ_i k_i v_ij
//
// Bindings (group 0):
//   0 params  uniform              HlaParams
//   1 q       storage, read        [n, d_k]
//   2 k       storage, read        [n, d_k]
//   3 v       storage, read        [n, d_v]
//   4 y       storage, read        [n, d_k]    (HLA)
//   5 kern    storage, read        [n, chunk]  (HLA)
//   6 ls      storage, read        [n, chunk]  (HLA)
//   7 w       storage, read        [n, chunk]  (AHLA)
//   8 out     storage, read_write  [n, d_v]
// Workgroup size: WG = 64, strided over the chunk's rows and d_k. Dispatch: d_v workgroups. Each
// workgroup loops over n_chunks chunks.
// Keep in sync with src/gpu/params.rs::HlaParams.

const WG: u32 = 64u;
const MAX_D_K: u32 = 256u;
const MAX_CHUNK: u32 = 256u;

struct HlaParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    chunk: u32,
    n_chunks: u32,
    asymmetric: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: HlaParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> y: array<f32>;
@group(0) @binding(5) var<storage, read> kern: array<f32>;
@group(0) @binding(6) var<storage, read> ls: array<f32>;
@group(0) @binding(7) var<storage, read> w: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;

// HLA: (C_j, G_j); AHLA: (P_j, E_j).
var<workgroup> first: array<f32, MAX_D_K>;
var<workgroup> second: array<f32, MAX_D_K>;
var<workgroup> coef: array<f32, MAX_CHUNK>;

fn dot_state(row: u32, which: u32) -> f32 {
    var acc = 0.0;
    for (var c = 0u; c < params.d_k; c++) {
        if which == 0u {
            acc += q[row * params.d_k + c] * first[c];
        } else if which == 1u {
            acc += q[row * params.d_k + c] * second[c];
        } else if which == 2u {
            acc += y[row * params.d_k + c] * first[c];
        } else {
            acc += k[row * params.d_k + c] * first[c];
        }
    }
    return acc;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
    let j = group.x;
    let d = params.d_k;
    let dv = params.d_v;
    let c_len = params.chunk;
    for (var c = lane; c < d; c += WG) {
        first[c] = 0.0;
        second[c] = 0.0;
    }
    workgroupBarrier();
    for (var chunk = 0u; chunk < params.n_chunks; chunk++) {
        let start = chunk * c_len;
        let len = min(c_len, params.n - start);
        if params.asymmetric == 0u {
            for (var r = lane; r < len; r += WG) {
                let t = start + r;
                var o = dot_state(t, 2u) - dot_state(t, 1u);
                var cf = dot_state(t, 3u);
                for (var u = 0u; u <= r; u++) {
                    let vu = v[(start + u) * dv + j];
                    o += kern[t * c_len + u] * vu;
                    cf += ls[t * c_len + u] * vu;
                }
                out[t * dv + j] = o;
                coef[r] = cf;
            }
            workgroupBarrier();
            for (var c = lane; c < d; c += WG) {
                var g = second[c];
                var cc = first[c];
                for (var r = 0u; r < len; r++) {
                    let t = start + r;
                    g += k[t * d + c] * coef[r];
                    cc += q[t * d + c] * v[t * dv + j];
                }
                second[c] = g;
                first[c] = cc;
            }
            workgroupBarrier();
        } else {
            for (var i = lane; i < len; i += WG) {
                let t = start + i;
                var x = dot_state(t, 0u);
                for (var u = 0u; u <= i; u++) {
                    x += w[t * c_len + u] * v[(start + u) * dv + j];
                }
                coef[i] = x;
            }
            workgroupBarrier();
            for (var r = lane; r < len; r += WG) {
                let t = start + r;
                var o = dot_state(t, 1u);
                for (var i = 0u; i <= r; i++) {
                    o += w[t * c_len + i] * coef[i];
                }
                out[t * dv + j] = o;
            }
            workgroupBarrier();
            for (var c = lane; c < d; c += WG) {
                var e = second[c];
                var p = first[c];
                for (var i = 0u; i < len; i++) {
                    let t = start + i;
                    e += k[t * d + c] * coef[i];
                    p += k[t * d + c] * v[t * dv + j];
                }
                second[c] = e;
                first[c] = p;
            }
            workgroupBarrier();
        }
    }
}
