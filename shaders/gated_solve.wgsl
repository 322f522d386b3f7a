// gated_solve.wgsl: the delta rule's UT transform per chunk, step 3 of the chunkwise form
// (variants.md §6): solves (I + L) X = B by forward substitution, one right-hand-side column per
// invocation, never forming an inverse:
//   W = (I + L)⁻¹ diag(β) (K ⊙ exp Γ)   (columns 0 … d_k − 1)
//   U = (I + L)⁻¹ diag(β) V             (columns d_k … d_k + d_v − 1)
// Row r of a column depends on rows < r, which this invocation has already written.
//
// Bindings (group 0):
//   0 params  uniform              GatedParams
//   1 k       storage, read        [heads, n, d_k]
//   2 v       storage, read        [heads, n, d_v]
//   3 gamma   storage, read        [heads, n, d_k, 3]  from gated_prep
//   4 beta    storage, read        [heads, n]
//   5 l       storage, read        [heads, n, chunk]  (gated_pairs)
//   6 w       storage, read_write  [heads, n, d_k]
//   7 u       storage, read_write  [heads, n, d_v]
// Workgroup size: WG = 64. Dispatch: ceil(heads · n_chunks · (d_k + d_v) / WG) workgroups
// (folded into y past GRID_X). Each invocation loops over the chunk's rows and, per row, the
// rows before it. Only dispatched with the delta rule.
// Prepended: gamma_spans.wgsl (gamma_at and gamma_span, reading the gamma binding).
// Keep in sync with src/gpu/params.rs::GatedParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

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
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read> l: array<f32>;
@group(0) @binding(6) var<storage, read_write> w: array<f32>;
@group(0) @binding(7) var<storage, read_write> u: array<f32>;

// Right-hand side B[t, col] of the column `col`.
fn rhs(head: u32, t: u32, col: u32) -> f32 {
    let b = beta[head * params.n + t];
    if col < params.d_k {
        let at = (head * params.n + t) * params.d_k + col;
        return b * k[at] * exp(gamma_at(at));
    }
    return b * v[(head * params.n + t) * params.d_v + (col - params.d_k)];
}

fn load(head: u32, t: u32, col: u32) -> f32 {
    if col < params.d_k {
        return w[(head * params.n + t) * params.d_k + col];
    }
    return u[(head * params.n + t) * params.d_v + (col - params.d_k)];
}

fn store(head: u32, t: u32, col: u32, x: f32) {
    if col < params.d_k {
        w[(head * params.n + t) * params.d_k + col] = x;
    } else {
        u[(head * params.n + t) * params.d_v + (col - params.d_k)] = x;
    }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    let cols = params.d_k + params.d_v;
    if index >= params.heads * params.n_chunks * cols {
        return;
    }
    let col = index % cols;
    let chunk = (index / cols) % params.n_chunks;
    let head = index / (cols * params.n_chunks);
    let start = chunk * params.chunk;
    let end = min(start + params.chunk, params.n);
    for (var t = start; t < end; t++) {
        var x = rhs(head, t, col);
        let l_row = (head * params.n + t) * params.chunk;
        for (var s = start; s < t; s++) {
            x -= l[l_row + (s - start)] * load(head, s, col);
        }
        store(head, t, col, x);
    }
}
