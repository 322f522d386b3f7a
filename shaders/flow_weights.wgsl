// flow_weights.wgsl: Flowformer's implicit matrix (variants.md §2.9), one entry per invocation:
//   A_ij = row_i · (σ(q_i)·σ(k_j)) · col_j   for j in the support (j ≤ i when causal), else 0,
// with σ the logistic sigmoid and the flow scalars row = a I (or a I / n_t causal), col = c from
// the O(N d) conservation pass on the CPU (src/attention/kernel/flowformer.rs::flow).
//
// Bindings (group 0):
//   0 params   uniform              FlowParams
//   1 q        storage, read        [n, d]
//   2 k        storage, read        [n, d]
//   3 row      storage, read        [n]
//   4 col      storage, read        [n]
//   5 weights  storage, read_write  [n, n]
// Workgroup size: WG = 64. Dispatch: ceil(n · n / WG) workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::FlowParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct FlowParams {
    n: u32,
    d: u32,
    causal: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: FlowParams;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> row: array<f32>;
@group(0) @binding(4) var<storage, read> col: array<f32>;
@group(0) @binding(5) var<storage, read_write> weights: array<f32>;

fn sigmoid(x: f32) -> f32 {
    return 1.0 / (1.0 + exp(-x));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.n {
        return;
    }
    let i = index / params.n;
    let j = index % params.n;
    if params.causal == 1u && j > i {
        weights[index] = 0.0;
        return;
    }
    var acc = 0.0;
    for (var c = 0u; c < params.d; c++) {
        acc += sigmoid(q[i * params.d + c]) * sigmoid(k[j * params.d + c]);
    }
    weights[index] = row[i] * acc * col[j];
}
