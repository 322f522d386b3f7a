// attn_softmax_online.wgsl: scaled dot-product softmax attention in one pass over the keys
// (online softmax, FlashAttention-style tiles), one workgroup per query row, for runs that do not
// want the weights A. Same bindings and ranges as attn_softmax.wgsl, which stays the kernel
// that writes A (its weights need the full row sum before they are written).
//
// Formula (variants.md §1, §9): for row i with keys [start_i, end_i), x_j = scale · q_i·k_j,
//   o_i = Σ_j exp(x_j − m) v_j / Σ_j exp(x_j − m),  m = max_j x_j,
// computed tile by tile (WG keys each) with a running max m: when a tile raises m to m', the
// running sums and value accumulators are multiplied by exp(m − m') (≤ 1, never overflowing).
// Each logit is computed once (attn_softmax.wgsl computes it three times).
//
// Bindings (group 0):
//   0 params      uniform              AttnSoftmaxParams (write_weights is 0)
//   1 q           storage, read        [n_q, d_k]
//   2 k           storage, read        [n_k, d_k]
//   3 v           storage, read        [n_k, d_v]
//   4 key_ranges  storage, read        [n_q, 2] (start, end) per query row
//   5 out         storage, read_write  [n_q, d_v]
//   6 weights     storage, read_write  [1] (unused; the layout matches attn_softmax.wgsl)
// Workgroup size: WG = 64 (internal: the dispatch counts rows, not invocations).
// Dispatch: one workgroup per query row, (min(n_q, GRID_X), ceil(n_q / GRID_X), 1) with
// GRID_X = 65535 (maxComputeWorkgroupsPerDimension): row = wg.x + wg.y · GRID_X.
// Limits: d_k ≤ MAX_D_K = 256, d_v ≤ MAX_D_V = 256 (mirrored by src/schema/limits.rs).
// Keep in sync with src/gpu/params.rs::AttnSoftmaxParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;
const MAX_D_K: u32 = 256u;
const COLS_PER_INVOCATION: u32 = 4u; // MAX_D_V / WG
const NEG_BIG: f32 = -3.0e38;

struct AttnSoftmaxParams {
    n_q: u32,
    n_k: u32,
    d_k: u32,
    d_v: u32,
    scale: f32,
    write_weights: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: AttnSoftmaxParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> key_ranges: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> weights: array<f32>;

var<workgroup> q_row: array<f32, MAX_D_K>;
var<workgroup> partials: array<f32, WG>;
var<workgroup> tile: array<f32, WG>;

fn logit(j: u32) -> f32 {
    var acc = 0.0;
    for (var c = 0u; c < params.d_k; c++) {
        acc += q_row[c] * k[j * params.d_k + c];
    }
    return params.scale * acc;
}

// Tree reduction of partials[0..WG] (max when take_max, else sum); the result is in partials[0].
fn reduce_workgroup(lid: u32, take_max: bool) {
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
        workgroupBarrier();
        if lid < stride {
            if take_max {
                partials[lid] = max(partials[lid], partials[lid + stride]);
            } else {
                partials[lid] = partials[lid] + partials[lid + stride];
            }
        }
    }
    workgroupBarrier();
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
    // The query row: rows past GRID_X fold into y, so n_q may exceed 65535; the surplus
    // workgroups of the last grid row leave at once (uniformly: i is the same for the group).
    let i = wg.x + wg.y * GRID_X;
    if (i >= params.n_q) {
        return;
    }
    let lid = local.x;
    let start = key_ranges[2u * i];
    let end = key_ranges[2u * i + 1u];

    for (var c = lid; c < params.d_k; c += WG) {
        q_row[c] = q[i * params.d_k + c];
    }
    workgroupBarrier();

    // Invocation lid owns value columns lid, lid + WG, ... and its share of the row sum; both
    // are rescaled together, by the same factor in every invocation.
    var running_max = NEG_BIG;
    var local_sum = 0.0;
    var acc: array<f32, COLS_PER_INVOCATION>;
    for (var j0 = start; j0 < end; j0 += WG) {
        let j = j0 + lid;
        var x = NEG_BIG;
        if j < end {
            x = logit(j);
        }
        partials[lid] = x;
        reduce_workgroup(lid, true);
        let new_max = max(running_max, partials[0]);
        let rescale = exp(running_max - new_max);
        var w = 0.0;
        if j < end {
            w = exp(x - new_max);
        }
        tile[lid] = w;
        workgroupBarrier();
        local_sum = local_sum * rescale + w;
        let tile_len = min(WG, end - j0);
        for (var r = 0u; r < COLS_PER_INVOCATION; r++) {
            let c = lid + r * WG;
            if c < params.d_v {
                var tile_acc = 0.0;
                for (var t = 0u; t < tile_len; t++) {
                    tile_acc += tile[t] * v[(j0 + t) * params.d_v + c];
                }
                acc[r] = acc[r] * rescale + tile_acc;
            }
        }
        running_max = new_max;
        workgroupBarrier(); // the next tile overwrites tile and partials
    }
    partials[lid] = local_sum;
    reduce_workgroup(lid, false);
    let row_sum = partials[0];
    for (var r = 0u; r < COLS_PER_INVOCATION; r++) {
        let c = lid + r * WG;
        if c < params.d_v {
            out[i * params.d_v + c] = select(acc[r] / row_sum, 0.0, row_sum == 0.0); // no keys: 0
        }
    }
}
