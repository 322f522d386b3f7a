// kernel_features_rope.wgsl: RoPE on feature rows (variants.md §11, RoFormer's "RoPE with linear
// attention"): the numerator's features R_t φ(x_t), interleaved pairs (2c, 2c+1) rotated by t θ_c,
// θ_c = 10000^{−2c/m}; an odd last feature stays. The angles' cos and sin come from a table built
// in f64 on the CPU (src/attention/rope.rs::cos_sin_table): WGSL's sin/cos are only good to 2^-11.
//
// Bindings (group 0):
//   0 params    uniform              RopeParams
//   1 features  storage, read        [n, m]
//   2 table     storage, read        [n, 2 ⌊m/2⌋] (cos, sin) per pair
//   3 rotated   storage, read_write  [n, m]
// Workgroup size: WG = 64. Dispatch: ceil(n · m / WG) workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::RopeParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct RopeParams {
    n: u32,
    m: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: RopeParams;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read_write> rotated: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.m {
        return;
    }
    let t = index / params.m;
    let r = index % params.m;
    let pairs = params.m / 2u;
    let c = r / 2u;
    if c >= pairs {
        rotated[index] = features[index]; // the odd last feature
        return;
    }
    let cos_a = table[t * 2u * pairs + 2u * c];
    let sin_a = table[t * 2u * pairs + 2u * c + 1u];
    let a = features[t * params.m + 2u * c];
    let b = features[t * params.m + 2u * c + 1u];
    rotated[index] = select(a * sin_a + b * cos_a, a * cos_a - b * sin_a, r % 2u == 0u);
}
