// kernel_features_exp.wgsl: the stabilised exponential of Performer (variants.md §2.3) and
// Hedgehog (§2.7), applied in place to the exponents h of kernel_features.wgsl:
// φ = (exp(h − c) + δ) · scale, where c is the row's max for queries and the max over all keys
// and features for keys (a per-key max would reweight keys). Passes, each a dispatch with its
// own params:
//   mode 0  row max:    maxima[t] = max_r h[t, r]                 (one invocation per row)
//   mode 1  global max: maxima[n] = max_t maxima[t]               (one workgroup, tree reduction)
//   mode 2  exp:        φ[t, r] = (exp(h[t, r] − c) + δ) · scale, c = maxima[n] if use_global
//                       else maxima[t]                            (one invocation per entry)
//   mode 3  half softmax: φ[t, r] = softmax over r's half of the row (Hedgehog's lolcats form;
//                       reads h, writes φ to out)                 (one invocation per entry)
//
// Bindings (group 0):
//   0 params  uniform              ExpParams
//   1 values  storage, read_write  [n, m] (h in, φ out; mode 3 reads only)
//   2 maxima  storage, read_write  [n + 1]
//   3 out     storage, read_write  [n, m] (mode 3's result; [1] otherwise)
// Workgroup size: WG = 64. Dispatch: mode 0: ceil(n / WG); mode 1: 1; modes 2, 3: ceil(n · m / WG)
// workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::ExpParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;
const NEG_BIG: f32 = -3.0e38;

struct ExpParams {
    n: u32,
    m: u32,
    mode: u32,
    use_global: u32,
    delta: f32,
    scale: f32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: ExpParams;
@group(0) @binding(1) var<storage, read_write> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> maxima: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> partials: array<f32, WG>;

fn global_max(lid: u32) {
    var local_max = NEG_BIG;
    for (var t = lid; t < params.n; t += WG) {
        local_max = max(local_max, maxima[t]);
    }
    partials[lid] = local_max;
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
        workgroupBarrier();
        if lid < stride {
            partials[lid] = max(partials[lid], partials[lid + stride]);
        }
    }
    workgroupBarrier();
    if lid == 0u {
        maxima[params.n] = partials[0];
    }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
    if params.mode == 1u {
        global_max(local.x);
        return;
    }
    let index = gid.x + gid.y * GRID_X * WG;
    if params.mode == 0u {
        if index < params.n {
            var row_max = NEG_BIG;
            for (var r = 0u; r < params.m; r++) {
                row_max = max(row_max, values[index * params.m + r]);
            }
            maxima[index] = row_max;
        }
        return;
    }
    if index >= params.n * params.m {
        return;
    }
    let t = index / params.m;
    if params.mode == 2u {
        let c = select(maxima[t], maxima[params.n], params.use_global == 1u);
        values[index] = (exp(values[index] - c) + params.delta) * params.scale;
        return;
    }
    let half = params.m / 2u;
    let start = t * params.m + select(0u, half, index % params.m >= half);
    var half_max = NEG_BIG;
    for (var r = 0u; r < half; r++) {
        half_max = max(half_max, values[start + r]);
    }
    var sum = 0.0;
    for (var r = 0u; r < half; r++) {
        sum += exp(values[start + r] - half_max);
    }
    out[index] = exp(values[index] - half_max) / sum;
}
