// loglin_merge.wgsl: builds the Fenwick blocks of chunk level j + 1 from level j, step 4 of the
// chunkwise form of log-linear attention (variants.md §7; dispatched once per level):
//   B_{j+1}[m] = exp(T_j[2m+1]) · B_j[2m] + B_j[2m+1],   T_{j+1}[m] = T_j[2m] + T_j[2m+1]
// (a missing right half contributes nothing). Every factor is a decay ≤ 1.
//
// Bindings (group 0):
//   0 params  uniform              LoglinParams  (level = j)
//   1 blocks  storage, read_write  [Σ_j blocks_at(j), d_k, d_v]
//   2 totals  storage, read_write  [Σ_j blocks_at(j)]
// Workgroup size: WG = 64. Dispatch: ceil(blocks_at(j + 1) · d_k · d_v / WG) workgroups (folded
// into y past GRID_X). No loops but the offset sum over levels.
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
@group(0) @binding(1) var<storage, read_write> blocks: array<f32>;
@group(0) @binding(2) var<storage, read_write> totals: array<f32>;

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
    let slice = params.d_k * params.d_v;
    let j = params.level;
    if index >= blocks_at(j + 1u) * slice {
        return;
    }
    let m = index / slice;
    let within = index % slice;
    let src = level_offset(j);
    let dst = level_offset(j + 1u);
    let left = 2u * m;
    let right = left + 1u;
    var value = blocks[(src + left) * slice + within];
    var total = totals[src + left];
    if right < blocks_at(j) {
        value = exp(totals[src + right]) * value + blocks[(src + right) * slice + within];
        total += totals[src + right];
    }
    blocks[(dst + m) * slice + within] = value;
    if within == 0u {
        totals[dst + m] = total;
    }
}
