// attn_linear.wgsl: kernel linear attention with φ = elu + 1 (Katharopoulos et al. 2020),
// causal (recurrent scan) and non-causal, one invocation per value column.
//
// Formula (variants.md §0 generic template, §2.1):
//   causal:     S_t = S_{t−1} + φ(k_t)ᵀ v_t,  z_t = z_{t−1} + φ(k_t),
//               o_t = φ(q_t) S_t / (φ(q_t)·z_t + eps)
//   non-causal: S = φ(K)ᵀ V, z = Σ_j φ(k_j), o_i = φ(q_i) S / (φ(q_i)·z + eps)
// Invocation c keeps the column S[:, c] (d_k values) and z in private memory, so memory is
// O(d_k) per invocation and time O(n d_k) per column. With V = I (d_v = n) the output is the
// implicit matrix A itself (variants.md §0: A = f(Q, K, V = I)).
//
// Bindings (group 0):
//   0 params  uniform              AttnLinearParams
//   1 q       storage, read        [n, d_k]
//   2 k       storage, read        [n, d_k]
//   3 v       storage, read        [n, d_v]
//   4 out     storage, read_write  [n, d_v]
// Workgroup size: WG = 64 (mirrored by src/gpu/pipelines/attn_linear.rs::WORKGROUP_SIZE).
// Dispatch: (ceil(d_v / WG), 1, 1) workgroups.
// Limits: d_k ≤ MAX_D_K = 256 (mirrored by src/schema/limits.rs).
// Keep in sync with src/gpu/params.rs::AttnLinearParams.

const WG: u32 = 64u;
const MAX_D_K: u32 = 256u;

struct AttnLinearParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    causal: u32,
    eps: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: AttnLinearParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// φ(x) = elu(x) + 1: x + 1 for x > 0, else exp(x).
fn phi(x: f32) -> f32 {
    return select(exp(x), x + 1.0, x > 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let c = gid.x;
    if c >= params.d_v {
        return;
    }
    var state: array<f32, MAX_D_K>; // S[:, c]
    var z: array<f32, MAX_D_K>;
    let causal = params.causal == 1u;
    if !causal {
        for (var t = 0u; t < params.n; t++) {
            let v_tc = v[t * params.d_v + c];
            for (var r = 0u; r < params.d_k; r++) {
                let fk = phi(k[t * params.d_k + r]);
                state[r] += fk * v_tc;
                z[r] += fk;
            }
        }
    }
    for (var t = 0u; t < params.n; t++) {
        if causal {
            let v_tc = v[t * params.d_v + c];
            for (var r = 0u; r < params.d_k; r++) {
                let fk = phi(k[t * params.d_k + r]);
                state[r] += fk * v_tc;
                z[r] += fk;
            }
        }
        var num = 0.0;
        var den = 0.0;
        for (var r = 0u; r < params.d_k; r++) {
            let fq = phi(q[t * params.d_k + r]);
            num += fq * state[r];
            den += fq * z[r];
        }
        out[t * params.d_v + c] = num / (den + params.eps);
    }
}
