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

// gamma holds three numbers per entry (gated_prep): the chunk-local prefix sum Γ, the sum since
// the last large gate, and where that segment starts. A span Γ_a − Γ_b inside one segment is the
// difference of the small segment sums (a −10⁴ gate before it no longer costs it its digits);
// a span across a segment start holds a gate below −16 and decays below 1e-7, where the f32
// difference of the large prefix sums is accurate enough.
fn gamma_at(i: u32) -> f32 {
    return gamma[3u * i];
}

fn gamma_span(a: u32, b: u32) -> f32 {
    if gamma[3u * a + 2u] == gamma[3u * b + 2u] {
        return gamma[3u * a + 1u] - gamma[3u * b + 1u];
    }
    return gamma[3u * a] - gamma[3u * b];
}

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
