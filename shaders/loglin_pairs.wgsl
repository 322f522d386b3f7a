// loglin_pairs.wgsl: the intra-chunk scores of log-linear attention, step 2 of its chunkwise form
// (variants.md §7). For t in chunk c (local row r) and s = cC + r' ≤ t in the same chunk:
//   P[t, r'] = (q_t·k_s) · exp(Γ_t − Γ_s) · λ_t^(ℓ(t, s)),   ℓ(t, s) = 1 + firstLeadingBit(t ^ s)
// (ℓ(t, t) = 0), the Fenwick level from integer bit operations; chunks are a power of two long, so
// every level inside a chunk is ≤ log2(C).
//
// Bindings (group 0):
//   0 params  uniform              LoglinParams
//   1 q       storage, read        [n, d_k]
//   2 k       storage, read        [n, d_k]
//   3 gamma   storage, read        [n, 3]     chunk-local prefix sums of the log-gates (gated_prep)
//   4 lambda  storage, read        [n, levels]
//   5 p       storage, read_write  [n, chunk]
// Workgroup size: WG = 64. Dispatch: ceil(n · chunk / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over d_k channels.
// Prepended: gamma_spans.wgsl (gamma_at and gamma_span, reading the gamma binding).
// Keep in sync with src/gpu/params.rs::LoglinParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct LoglinParams {
    n: u32,
    d_k: u32,
    d_v: u32,
    chunk: u32,
    n_chunks: u32,
    chunk_bits: u32,
    levels: u32,
    chunk_levels: u32,
    level: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: LoglinParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> lambda: array<f32>;
@group(0) @binding(5) var<storage, read_write> p: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.chunk {
        return;
    }
    let rp = index % params.chunk;
    let t = index / params.chunk;
    let r = t % params.chunk;
    let s = t - r + rp;
    var score = 0.0;
    if rp <= r {
        var level = 0u;
        if s != t {
            level = 1u + firstLeadingBit(t ^ s);
        }
        var dot = 0.0;
        for (var c = 0u; c < params.d_k; c++) {
            dot += q[t * params.d_k + c] * k[s * params.d_k + c];
        }
        score = dot * exp(gamma_span(t, s)) * lambda[t * params.levels + level];
    }
    p[index] = score;
}
