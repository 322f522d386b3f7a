//! Runs FNet on the GPU (variants.md §10) as explicit DFT products: `O = (C_N V) C_d − (S_N V) S_d`
//! with the cos/sin tables built in f64 on the CPU (WGSL's sin/cos are only good to 2^-11).
//! `A = C_N` is the table itself.

use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use crate::attention::fnet::dft_tables;
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, Readback};
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;

/// `(O, A if wanted, timing)`.
pub async fn run(
    ctx: &GpuContext,
    v: &Matrix,
    want: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d) = (v.rows(), v.cols());
    let (c_n, s_n) = dft_tables(n);
    let (c_d, s_d) = dft_tables(d);
    let (mut encoder, timer, scope) = start(ctx, "fnet");
    let gm = |buffer, rows, cols| GpuMatrix { buffer, rows, cols };
    let [c_n_buf, s_n_buf, c_d_buf, s_d_buf, v_buf] =
        [&c_n, &s_n, &c_d, &s_d, v].map(|m| upload_matrix(ctx, "fnet input", m));
    let cv = matmul::record(
        ctx,
        &mut encoder,
        "C_N V",
        gm(&c_n_buf, n, n),
        gm(&v_buf, n, d),
    );
    let sv = matmul::record(
        ctx,
        &mut encoder,
        "S_N V",
        gm(&s_n_buf, n, n),
        gm(&v_buf, n, d),
    );
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
    Ok((mats.remove(0), want.then_some(c_n), GpuTiming { kernel_ms }))
}
