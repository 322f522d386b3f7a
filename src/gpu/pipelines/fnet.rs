//! Runs FNet on the GPU (variants.md §10): `O = (C_N V) C_d − (S_N V) S_d`. The token transform
//! gives the pair `(C_N V, S_N V)` without anything n × n: for n a power of two by a radix-2
//! Stockham FFT (`fnet_fft`, log₂ n stages, O(n d log n)); otherwise by the DFT on the fly
//! (`fnet_tokens`, O(n² d) time) with the angle index `(t · j) mod n` reduced exactly in
//! integers. Both read an n-entry twiddle table built in f64 on the CPU (WGSL's sin/cos are only
//! good to 2^-11): O(n d) memory. The hidden-dimension DFT multiplies by the d × d tables
//! (`matmul`). `A = C_N` is built on the CPU only when wanted.

use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::fnet::dft_tables;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::{FftParams, FnetParams};
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;

/// Tokens per `fnet_tokens` pass: each invocation's loop stays under lavapipe's ~65 000 trips.
const TOKENS_PER_PASS: usize = 16_384;

/// `(cos(2π k/n), sin(2π k/n))` for k < n, in f64 then rounded: `[n, 2]`.
pub fn twiddles(n: usize) -> Result<Matrix> {
    let data = (0..n)
        .flat_map(|k| {
            let angle = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
            [angle.cos() as f32, angle.sin() as f32]
        })
        .collect();
    Matrix::from_vec(n, 2, data)
}

/// `(O, A if wanted, timing)`.
pub async fn run(
    ctx: &GpuContext,
    v: &Matrix,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d) = (v.rows(), v.cols());
    let (c_d, s_d) = dft_tables(d);
    let (mut encoder, timer, scope) = start(ctx, "fnet");
    let gm = |buffer, rows, cols| GpuMatrix { buffer, rows, cols };
    let [twiddle, c_d_buf, s_d_buf, v_buf] =
        [&twiddles(n)?, &c_d, &s_d, v].map(|m| upload_matrix(ctx, "fnet input", m));
    let (cv, sv) = if n >= 2 && n.is_power_of_two() {
        record_fft(ctx, &mut encoder, &twiddle, &v_buf, (n, d))
    } else {
        record_dft(ctx, &mut encoder, &twiddle, &v_buf, (n, d))
    };
    let out = output_buffer(ctx, "out", n * d);
    matmul::record_into(
        ctx,
        &mut encoder,
        gm(&cv, n, d),
        gm(&c_d_buf, d, d),
        &out,
        (1.0, 0.0),
    );
    matmul::record_into(
        ctx,
        &mut encoder,
        gm(&sv, n, d),
        gm(&s_d_buf, d, d),
        &out,
        (-1.0, 1.0),
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d);
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| dft_tables(n).0);
    Ok((mats.remove(0), attention, GpuTiming { kernel_ms }))
}

/// The token DFT on the fly (`fnet_tokens`), tokens in passes of ≤ 16 384; returns
/// `(C_N V, S_N V)`.
fn record_dft(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    twiddle: &wgpu::Buffer,
    v: &wgpu::Buffer,
    (n, d): (usize, usize),
) -> (wgpu::Buffer, wgpu::Buffer) {
    let cv = output_buffer(ctx, "C_N V", n * d);
    let sv = output_buffer(ctx, "S_N V", n * d);
    for j_start in (0..n).step_by(TOKENS_PER_PASS) {
        let params = FnetParams {
            n: n as u32,
            d: d as u32,
            j_start: j_start as u32,
            j_end: (j_start + TOKENS_PER_PASS).min(n) as u32,
        };
        let params = upload_uniform(ctx, "fnet_tokens params", &params);
        ctx.pipelines.fnet_tokens.record(
            &ctx.device,
            encoder,
            &[&params, twiddle, v, &cv, &sv],
            Grid::Invocations((n * d) as u64),
            None,
        );
    }
    (cv, sv)
}

/// The token FFT (`fnet_fft`, n a power of two): stage 1 reads `(V, 0)`, then the stages
/// alternate between two buffer pairs; returns the last pair, `(C_N V, S_N V)`.
fn record_fft(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    twiddle: &wgpu::Buffer,
    v: &wgpu::Buffer,
    (n, d): (usize, usize),
) -> (wgpu::Buffer, wgpu::Buffer) {
    let zeros = output_buffer(ctx, "Im V = 0", n * d);
    let mut pairs = [0, 1].map(|_| {
        (
            output_buffer(ctx, "FFT stage re", n * d),
            output_buffer(ctx, "FFT stage im", n * d),
        )
    });
    let mut span = 1;
    let mut first = true;
    while span < n {
        let params = FftParams {
            n: n as u32,
            d: d as u32,
            span: span as u32,
            _pad: 0,
        };
        let params = upload_uniform(ctx, "fnet_fft params", &params);
        let [(x_re, x_im), (y_re, y_im)] = &pairs;
        let (x_re, x_im) = if first { (v, &zeros) } else { (x_re, x_im) };
        ctx.pipelines.fnet_fft.record(
            &ctx.device,
            encoder,
            &[&params, twiddle, x_re, x_im, y_re, y_im],
            Grid::Invocations((n / 2 * d) as u64),
            None,
        );
        pairs.swap(0, 1); // the written pair is read next
        first = false;
        span *= 2;
    }
    let [(re, im), _] = pairs;
    (re, im)
}
