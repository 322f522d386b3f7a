// loglin_chunks.wgsl: the per-chunk states of log-linear attention, step 3 of its chunkwise form
// (variants.md §7): the level-1 Fenwick blocks of the chunk-level counter,
//   B1[c][a][b] = Σ_{s in chunk c} k_sa · exp(Γ_last − Γ_s) · v_sb,   T1[c] = Γ_last,
// the chunk's own state decayed to its last token and its total log-decay.
//
// Bindings (group 0):
//   0 params  uniform              LoglinParams
//   1 k       storage, read        [n, d_k]
//   2 v       storage, read        [n, d_v]
//   3 gamma   storage, read        [n, 3]  from gated_prep
//   4 blocks  storage, read_write  [Σ_j blocks_at(j), d_k, d_v]  (level 1 first)
//   5 totals  storage, read_write  [Σ_j blocks_at(j)]
// Workgroup size: WG = 64. Dispatch: ceil(n_chunks · d_k · d_v / WG) workgroups (folded into y
// past GRID_X). Each invocation loops over the chunk's rows.
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
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read_write> blocks: array<f32>;
@group(0) @binding(5) var<storage, read_write> totals: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    let slice = params.d_k * params.d_v;
    if index >= params.n_chunks * slice {
        return;
    }
    let b = index % params.d_v;
    let a = (index / params.d_v) % params.d_k;
    let chunk = index / slice;
    let start = chunk * params.chunk;
    let end = min(start + params.chunk, params.n);
    var acc = 0.0;
    for (var s = start; s < end; s++) {
        acc += k[s * params.d_k + a] * exp(gamma_span(end - 1u, s)) * v[s * params.d_v + b];
    }
    blocks[index] = acc;
    if a == 0u && b == 0u {
        totals[chunk] = gamma_at(end - 1u);
    }
}
