// kernel_features.wgsl: the feature maps φ of the kernel family (variants.md §2), one feature of
// one token per invocation, written to a [n, m] buffer the kernel_attn_* chain reads.
//
// Maps (params.map; mirrored by src/gpu/pipelines/kernel_attn.rs::FeatureKind):
//   0 elu+1        φ_r = x_r + 1 if x_r > 0 else exp(x_r)                               (§2.1)
//   1 relu         φ_r = max(x_r, 0) + δ                                                 (§2.2)
//   2 cosformer    [ReLU(x) sin(π(t+1)/(2M)), ReLU(x) cos(π(t+1)/(2M))], m = 2d; the sin/cos
//                  come from aux (computed in f64 on the CPU: WGSL's sin/cos are only good to
//                  2^-11 absolute)                                                       (§2.4)
//   3 based        [1, x/d^{1/4}, x_a²/(√2 √d), x_a x_b/√d (a < b)]                      (§2.5a)
//   4 taylorshift  [1, √τ x̂, (τ/√2) x̂_a x̂_b (all a, b)], x̂ = x/‖x‖                    (§2.5b)
//   5 rebased      [x_a²/√d, √(2/d) x_a x_b (a < b)]                                     (§2.5c)
//   6 performer    the exponent h_r = w_r·x' − ‖x'‖²/2, x' = x d^{-1/4} (exp applied by
//                  kernel_features_exp.wgsl after the stabiliser)                       (§2.3)
//   7 performer±   [h₊, h₋], h± = ±w_r·x' − ‖x'‖²/2, m = 2 w_rows
//   8 flatten      ‖x̃‖ x̃_r^p / ‖x̃^p‖, x̃ = (ReLU(x) + 1e-6)/σ                           (§2.6)
//   9 hedgehog     the exponents [y, −y], y = W x + b, m = 2 w_rows (aux packs [W | b] as
//                  w_rows × (d + 1)); the exp comes from kernel_features_exp.wgsl     (§2.7)
//  10 lln          the exponents τ x (τ = α for queries, β for keys); exp as Hedgehog  (§2.8)
//  11 rala keys    (elu(x) + 1) · α_t, α from aux ([n, 1])                             (§2.10)
//  12 nala queries [(ReLU(x)/r)^p, (ReLU(−x)/r)^p], r = ‖x‖, p = 3 (0.5 + tanh r)     (§2.11)
//  13 nala keys    [ReLU(x³), ReLU(−x³)]                                               (§2.11)
// Pairs a < b are in row-major order (a = 0: b = 1..d−1, then a = 1, ...), as on the CPU.
//
// Bindings (group 0):
//   0 params    uniform              FeatureParams
//   1 x         storage, read        [n, d]
//   2 aux       storage, read        Performer: W [w_rows, d]; Hedgehog: [W | b] [w_rows, d + 1];
//                                    cosFormer: [n, 2] (sin, cos) per position; [1] otherwise
//   3 features  storage, read_write  [n, m]
// Workgroup size: WG = 64. Dispatch: ceil(n · m / WG) workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::FeatureParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct FeatureParams {
    n: u32,
    d: u32,
    m: u32,
    map: u32,
    delta: f32,
    tau: f32,
    power: f32,
    sigma: f32,
    w_rows: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: FeatureParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> aux: array<f32>;
@group(0) @binding(3) var<storage, read_write> features: array<f32>;

fn at(t: u32, a: u32) -> f32 {
    return x[t * params.d + a];
}

// The pair (a, b), a < b, of row-major upper-triangle index p.
fn pair(p: u32) -> vec2<u32> {
    var a = 0u;
    var rest = p;
    while rest >= params.d - 1u - a {
        rest -= params.d - 1u - a;
        a += 1u;
    }
    return vec2<u32>(a, a + 1u + rest);
}

// Diagonal squares, then the off-diagonal pairs, scaled: the shared tail of Based and ReBased.
fn upper_triangle(t: u32, r: u32, diag: f32, off: f32) -> f32 {
    if r < params.d {
        let a = at(t, r);
        return diag * a * a;
    }
    let ab = pair(r - params.d);
    return off * at(t, ab.x) * at(t, ab.y);
}

fn performer_exponent(t: u32, row: u32, sign: f32) -> f32 {
    let pre = pow(f32(params.d), -0.25);
    var proj = 0.0;
    var half_norm = 0.0;
    for (var a = 0u; a < params.d; a++) {
        let xs = at(t, a) * pre;
        proj += aux[row * params.d + a] * xs;
        half_norm += xs * xs;
    }
    return sign * proj - 0.5 * half_norm;
}

// FLatten: x̃ = (ReLU(x) + 1e-6)/σ, φ_r = ‖x̃‖ x̃_r^p / ‖x̃^p‖ (norms over the row).
fn focused(t: u32, r: u32) -> f32 {
    var norm2 = 0.0;
    var powered2 = 0.0;
    for (var a = 0u; a < params.d; a++) {
        let tilde = (max(at(t, a), 0.0) + 1e-6) / params.sigma;
        norm2 += tilde * tilde;
        let p = pow(tilde, params.power);
        powered2 += p * p;
    }
    let tilde_r = (max(at(t, r), 0.0) + 1e-6) / params.sigma;
    return sqrt(norm2) * pow(tilde_r, params.power) / sqrt(powered2);
}

// Hedgehog: y_r = W_r·x + b_r, with aux row r = [W_r | b_r].
fn hedgehog_exponent(t: u32, r: u32) -> f32 {
    let row = r * (params.d + 1u);
    var acc = aux[row + params.d];
    for (var a = 0u; a < params.d; a++) {
        acc += aux[row + a] * at(t, a);
    }
    return acc;
}

fn feature(t: u32, r: u32) -> f32 {
    let d = f32(params.d);
    switch params.map {
        case 0u: {
            let v = at(t, r);
            return select(exp(v), v + 1.0, v > 0.0);
        }
        case 1u: {
            return max(at(t, r), 0.0) + params.delta;
        }
        case 2u: {
            if r < params.d {
                return max(at(t, r), 0.0) * aux[2u * t];
            }
            return max(at(t, r - params.d), 0.0) * aux[2u * t + 1u];
        }
        case 3u: {
            if r == 0u {
                return 1.0;
            }
            if r <= params.d {
                return at(t, r - 1u) / pow(d, 0.25);
            }
            return upper_triangle(t, r - 1u - params.d, 1.0 / (sqrt(2.0) * sqrt(d)), 1.0 / sqrt(d));
        }
        case 4u: {
            var norm2 = 0.0;
            for (var a = 0u; a < params.d; a++) {
                norm2 += at(t, a) * at(t, a);
            }
            let inv = select(0.0, 1.0 / sqrt(norm2), norm2 > 0.0);
            if r == 0u {
                return 1.0;
            }
            if r <= params.d {
                return sqrt(params.tau) * at(t, r - 1u) * inv;
            }
            let p = r - 1u - params.d;
            let a = p / params.d;
            let b = p % params.d;
            return params.tau / sqrt(2.0) * at(t, a) * inv * at(t, b) * inv;
        }
        case 5u: {
            return upper_triangle(t, r, 1.0 / sqrt(d), sqrt(2.0 / d));
        }
        case 6u: {
            return performer_exponent(t, r, 1.0);
        }
        case 7u: {
            if r < params.w_rows {
                return performer_exponent(t, r, 1.0);
            }
            return performer_exponent(t, r - params.w_rows, -1.0);
        }
        case 8u: {
            return focused(t, r);
        }
        case 10u: {
            return params.tau * at(t, r);
        }
        case 11u: {
            let v = at(t, r);
            return select(exp(v), v + 1.0, v > 0.0) * aux[t];
        }
        case 12u: {
            var norm2 = 0.0;
            for (var a = 0u; a < params.d; a++) {
                norm2 += at(t, a) * at(t, a);
            }
            let norm = sqrt(norm2);
            if norm == 0.0 {
                return 0.0;
            }
            let p = 3.0 * (0.5 + tanh(norm));
            let sign = select(-1.0, 1.0, r < params.d);
            return pow(max(sign * at(t, r % params.d), 0.0) / norm, p);
        }
        case 13u: {
            let sign = select(-1.0, 1.0, r < params.d);
            let v = at(t, r % params.d);
            return max(sign * v * v * v, 0.0);
        }
        default: {
            if r < params.w_rows {
                return hedgehog_exponent(t, r);
            }
            return -hedgehog_exponent(t, r - params.w_rows);
        }
    }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= params.n * params.m {
        return;
    }
    features[index] = feature(index / params.m, index % params.m);
}
