//! Runs FNet on the GPU (variants.md §10): `O = (C_N V) C_d − (S_N V) S_d`. The token DFT
//! (`fnet_tokens`) reads an n-entry twiddle table (built in f64 on the CPU: WGSL's sin/cos are
//! only good to 2^-11) with the angle index `(t · j) mod n` reduced exactly in integers, so
//! nothing n × n is stored: O(n d) memory, O(n² d) time (a DFT, not an FFT). The hidden-dimension
//! DFT multiplies by the d × d tables (`matmul`). `A = C_N` is built on the CPU only when wanted.

use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use super::Grid;
use crate::attention::fnet::dft_tables;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform, Readback};
use crate::gpu::params::FnetParams;
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
            &mut encoder,
            &[&params, &twiddle, &v_buf, &cv, &sv],
            Grid::Invocations((n * d) as u64),
            None,
        );
    }
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
