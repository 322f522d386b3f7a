// gated_prep.wgsl: chunk-local log-space prefix sums of the gated recurrence, step 1 of the
// chunkwise form of the decay and delta-rule variants (variants.md §5 "stable decay arithmetic").
//
// Formula: Γ[h, t, c] = Σ_{u = chunk start}^{t} g[h, u, c], restarting at every chunk, so
// every decay later read as exp(Γ_r − Γ_r') or exp(Γ_r) is ≤ 1 and never a ratio of
// two underflowed exponentials. Each entry holds three numbers: Γ; the sum since the chunk's
// last large gate (below −SEGMENT_GATE), that gate itself excluded; and the local row where that
// segment starts. Readers take a span Γ_r − Γ_r' inside one segment from the segment sums, whose
// magnitudes stay small: with a −10⁴ gate beside −0.1 ones in a chunk, the f32 difference of the
// prefix sums alone loses ~1e-3 of every later span. (Compensated sums would do it in two
// numbers, but a shader compiler may fold their error terms away: WGSL promises no exact
// rounding.)
//
// Bindings (group 0):
//   0 params  uniform              GatedParams
//   1 g       storage, read        [heads, n, d_k]  log-gates (≤ 0)
//   2 gamma   storage, read_write  [heads, n, d_k, 3]  (Γ, segment sum, segment start)
// Workgroup size: WG = 64. Dispatch: ceil(heads · n_chunks · d_k / WG) workgroups (folded into y
// past GRID_X). Each invocation loops over the ≤ chunk rows of one (head, chunk, channel).
// Keep in sync with src/gpu/params.rs::GatedParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;
// A log-gate below −SEGMENT_GATE (a decay below e^−16 ≈ 1e-7) starts a new segment.
const SEGMENT_GATE: f32 = 16.0;

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
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> gamma: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.heads * params.n_chunks * params.d_k {
        return;
    }
    let channel = index % params.d_k;
    let chunk = (index / params.d_k) % params.n_chunks;
    let head = index / (params.d_k * params.n_chunks);
    let start = chunk * params.chunk;
    let end = min(start + params.chunk, params.n);
    var prefix = 0.0;
    var segment = 0.0;
    var segment_start = 0.0;
    for (var t = start; t < end; t++) {
        let at = (head * params.n + t) * params.d_k + channel;
        let x = g[at];
        prefix += x;
        if x < -SEGMENT_GATE {
            segment = 0.0;
            segment_start = f32(t - start);
        } else {
            segment += x;
        }
        gamma[3u * at] = prefix;
        gamma[3u * at + 1u] = segment;
        gamma[3u * at + 2u] = segment_start;
    }
}
