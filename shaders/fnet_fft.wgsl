// fnet_fft.wgsl: one radix-2 stage of FNet's token FFT (variants.md §10), Stockham form (each
// stage reads one buffer pair and writes the other, in natural order at the end), for n a power
// of two: log₂ n stages turn (V, 0) into (C_N V, S_N V), the same pair fnet_tokens.wgsl computes
// in O(n²) (the twiddle is e^{+iθ}, so the imaginary part comes out as +S_N V).
//
// Formula, for stage span L (1, 2, 4, ..., n/2), butterfly j < n/2 with k = j mod L, column c:
//   w = cos(2π m/n) + i sin(2π m/n),  m = k · n / (2L)   (from the f64 twiddle table)
//   a = x[j, c],  b = w · x[j + n/2, c]
//   y[(j − k) · 2 + k, c] = a + b,  y[(j − k) · 2 + k + L, c] = a − b
//
// Bindings (group 0):
//   0 params   uniform              FftParams
//   1 twiddle  storage, read        [n, 2]: (cos(2π k/n), sin(2π k/n))
//   2 x_re     storage, read        [n, d]
//   3 x_im     storage, read        [n, d]
//   4 y_re     storage, read_write  [n, d]
//   5 y_im     storage, read_write  [n, d]
// Workgroup size: WG = 64. Dispatch: ceil(n/2 · d / WG) workgroups (folded into y past GRID_X).
// Keep in sync with src/gpu/params.rs::FftParams.

const WG: u32 = 64u;
const GRID_X: u32 = 65535u;

struct FftParams {
    n: u32,
    d: u32,
    span: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: FftParams;
@group(0) @binding(1) var<storage, read> twiddle: array<f32>;
@group(0) @binding(2) var<storage, read> x_re: array<f32>;
@group(0) @binding(3) var<storage, read> x_im: array<f32>;
@group(0) @binding(4) var<storage, read_write> y_re: array<f32>;
@group(0) @binding(5) var<storage, read_write> y_im: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let half = params.n / 2u;
    let index = gid.x + gid.y * GRID_X * WG;
    if index >= half * params.d {
        return;
    }
    let j = index / params.d;
    let c = index % params.d;
    let span = params.span;
    let k = j % span;
    let m = k * (params.n / (2u * span));
    let w_re = twiddle[2u * m];
    let w_im = twiddle[2u * m + 1u];
    let a_re = x_re[j * params.d + c];
    let a_im = x_im[j * params.d + c];
    let x_re_b = x_re[(j + half) * params.d + c];
    let x_im_b = x_im[(j + half) * params.d + c];
    let b_re = w_re * x_re_b - w_im * x_im_b;
    let b_im = w_re * x_im_b + w_im * x_re_b;
    let out = (j - k) * 2u + k;
    y_re[out * params.d + c] = a_re + b_re;
    y_im[out * params.d + c] = a_im + b_im;
    y_re[(out + span) * params.d + c] = a_re - b_re;
    y_im[(out + span) * params.d + c] = a_im - b_im;
}
