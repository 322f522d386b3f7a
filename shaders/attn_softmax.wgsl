// attn_softmax.wgsl: scaled dot-product softmax attention over a contiguous range of keys per
// query row, one workgroup per query row. Serves softmax, sliding-window and neighborhood
// attention (the ranges are the mask, computed in src/attention/mask.rs), and the softmaxes of
// the low-rank variants (n_q queries against n_k keys).
//
// Formula (variants.md §1, §9): for row i with keys [start_i, end_i):
//   x_j = scale · q_i·k_j,  A_ij = exp(x_j − max x) / Σ_j exp(x_j − max x),  o_i = Σ_j A_ij v_j.
// `scale` is already s/τ.
//
// Three passes over the row's keys, all reductions in workgroup memory:
//   1. row max, 2. row sum of exp(x − max), 3. tiles of WG keys: weights into workgroup memory,
//   then each invocation accumulates its value columns. Memory is O(n d) unless weights are
//   written (the implicit matrix A, only when requested).
//
// Bindings (group 0):
//   0 params      uniform              AttnSoftmaxParams
//   1 q           storage, read        [n_q, d_k]
//   2 k           storage, read        [n_k, d_k]
//   3 v           storage, read        [n_k, d_v]
//   4 key_ranges  storage, read        [n_q, 2] (start, end) per query row
//   5 out         storage, read_write  [n_q, d_v]
//   6 weights     storage, read_write  [n_q, n_k] when write_weights = 1, else [1] (unused)
// Workgroup size: WG = 64 (internal: the dispatch counts rows, not invocations).
// Dispatch: one workgroup per query row, (min(n_q, GRID_X), ceil(n_q / GRID_X), 1) with
// GRID_X = 65535 (maxComputeWorkgroupsPerDimension): row = wg.x + wg.y · GRID_X.
// Limits: d_k ≤ MAX_D_K = 256, d_v ≤ MAX_D_V = 256 (mirrored by src/schema/limits.rs).
// The weights buffer is zero-initialised by wgpu: masked entries stay 0.
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

    // 1. Row max (subtracted before exp: exp overflows f32 above ~88.7).
    var local_max = NEG_BIG;
    for (var j = start + lid; j < end; j += WG) {
        local_max = max(local_max, logit(j));
    }
    partials[lid] = local_max;
    reduce_workgroup(lid, true);
    let row_max = partials[0];
    workgroupBarrier();

    // 2. Row sum.
    var local_sum = 0.0;
    for (var j = start + lid; j < end; j += WG) {
        local_sum += exp(logit(j) - row_max);
    }
    partials[lid] = local_sum;
    reduce_workgroup(lid, false);
    let row_sum = partials[0];

    // 3. Weights tile by tile; invocation lid owns value columns lid, lid + WG, ...
    var acc: array<f32, COLS_PER_INVOCATION>;
    for (var j0 = start; j0 < end; j0 += WG) {
        let j = j0 + lid;
        var w = 0.0;
        if j < end {
            w = exp(logit(j) - row_max) / row_sum;
            if params.write_weights == 1u {
                weights[i * params.n_k + j] = w;
            }
        }
        tile[lid] = w;
        workgroupBarrier();
        let tile_len = min(WG, end - j0);
        for (var r = 0u; r < COLS_PER_INVOCATION; r++) {
            let c = lid + r * WG;
            if c < params.d_v {
                for (var t = 0u; t < tile_len; t++) {
                    acc[r] += tile[t] * v[(j0 + t) * params.d_v + c];
                }
            }
        }
        workgroupBarrier();
    }
    for (var r = 0u; r < COLS_PER_INVOCATION; r++) {
        let c = lid + r * WG;
        if c < params.d_v {
            out[i * params.d_v + c] = acc[r];
        }
    }
}
