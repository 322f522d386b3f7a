// loglin_output.wgsl: the output of log-linear attention, step 5 of its chunkwise form
// (variants.md §7). For t in chunk c (local row r):
//   o_tb = Σ_{r' ≤ r} P[t, r'] v_{cC + r', b}
//        + Σ_{j ≥ 1, bit j−1 of c set} λ_t^(log2 C + j) · exp(Γ_t + gap_j) · q_t · B_j[(c >> j) << 1][:, b]
// where B_j[m] is the level-j block of chunks just before c's lower set bits and gap_j, the summed
// totals of those lower blocks, decays it from its end to the start of chunk c (a sum of block
// totals, never a difference of prefix sums).
//
// Bindings (group 0):
//   0 params  uniform              LoglinParams
//   1 q       storage, read        [n, d_k]
//   2 v       storage, read        [n, d_v]
//   3 gamma   storage, read        [n, 3]  from gated_prep
//   4 lambda  storage, read        [n, levels]
//   5 p       storage, read        [n, chunk]
//   6 blocks  storage, read        [Σ_j blocks_at(j), d_k, d_v]
//   7 totals  storage, read        [Σ_j blocks_at(j)]
//   8 out     storage, read_write  [n, d_v]
// Workgroup size: WG = 64. Dispatch: ceil(n · d_v / WG) workgroups (folded into y past GRID_X).
// Each invocation loops over the chunk's rows and, per set level, d_k channels.
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
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> lambda: array<f32>;
@group(0) @binding(5) var<storage, read> p: array<f32>;
@group(0) @binding(6) var<storage, read> blocks: array<f32>;
@group(0) @binding(7) var<storage, read> totals: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;

// Blocks of chunk level j (1-based) hold 2^(j−1) chunks; level j has ceil(n_chunks / 2^(j−1))
// of them, stored level after level.
fn blocks_at(j: u32) -> u32 {
    return (params.n_chunks + (1u << (j - 1u)) - 1u) >> (j - 1u);
}

fn level_offset(j: u32) -> u32 {
    var offset = 0u;
    for (var i = 1u; i < j; i++) {
        offset += blocks_at(i);
    }
    return offset;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.d_v {
        return;
    }
    let b = index % params.d_v;
    let t = index / params.d_v;
    let chunk = t / params.chunk;
    let start = chunk * params.chunk;
    var o = 0.0;
    for (var s = start; s <= t; s++) {
        o += p[t * params.chunk + (s - start)] * v[s * params.d_v + b];
    }
    let slice = params.d_k * params.d_v;
    var gap = 0.0;
    for (var j = 1u; j <= params.chunk_levels; j++) {
        if ((chunk >> (j - 1u)) & 1u) == 0u {
            continue;
        }
        let block = level_offset(j) + ((chunk >> j) << 1u);
        let level = params.chunk_bits + j;
        if level < params.levels {
            var read = 0.0;
            for (var a = 0u; a < params.d_k; a++) {
                read += q[t * params.d_k + a] * blocks[block * slice + a * params.d_v + b];
            }
            o += lambda[t * params.levels + level] * exp(gamma_at(t) + gap) * read;
        }
        gap += totals[block];
    }
    out[index] = o;
}
