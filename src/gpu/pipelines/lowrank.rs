//! Runs the low-rank family on the GPU (variants.md §3) as chains of `attn_softmax` (between
//! different query and key sets) and `matmul` passes. Nyström's m × m pseudo-inverse is computed
//! on the CPU between two submissions (m ≤ 256; it needs a max column sum or an SVD).

use super::attn_softmax::{self, SoftmaxPass};
use super::matmul::{self, GpuMatrix};
use super::submit::{finish, start};
use crate::attention::lowrank::segment_means;
use crate::attention::lowrank::{
    flare::FlareParams, linformer::LinformerParams, nystrom::NystromParams,
};
use crate::error::Result;
use crate::gpu::buffers::{output_buffer, upload_matrix, Readback};
use crate::gpu::{GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// `(O, A if wanted, timing)`.
pub type RunResult = (Matrix, Option<Matrix>, GpuTiming);

fn gm(buffer: &wgpu::Buffer, rows: usize, cols: usize) -> GpuMatrix<'_> {
    GpuMatrix { buffer, rows, cols }
}

/// Every key of `n_k` for each of `n_q` rows.
fn all_keys(n_q: usize, n_k: usize) -> Vec<(u32, u32)> {
    vec![(0, n_k as u32); n_q]
}

/// Linformer: `E K`, `E V`, one softmax of Q against the k projected keys, `A = P̄ E`.
pub async fn linformer(
    ctx: &GpuContext,
    p: &LinformerParams,
    qkv: &Qkv,
    want: bool,
) -> Result<RunResult> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let e = p.projection(n)?;
    let k_len = e.rows();
    let (mut encoder, timer, scope) = start(ctx, "linformer");
    let (e_buf, q, k, v) = (
        upload_matrix(ctx, "E", &e),
        upload_matrix(ctx, "q", &qkv.q),
        upload_matrix(ctx, "k", &qkv.k),
        upload_matrix(ctx, "v", &qkv.v),
    );
    let ek = matmul::record(
        ctx,
        &mut encoder,
        "E K",
        gm(&e_buf, k_len, n),
        gm(&k, n, d_k),
    );
    let ev = matmul::record(
        ctx,
        &mut encoder,
        "E V",
        gm(&e_buf, k_len, n),
        gm(&v, n, d_v),
    );
    let out = output_buffer(ctx, "out", n * d_v);
    let p_bar = want.then(|| output_buffer(ctx, "P̄", n * k_len));
    let pass = SoftmaxPass {
        q: &q,
        k: &ek,
        v: &ev,
        out: &out,
        weights: p_bar.as_ref(),
        dims: (n, k_len, d_k, d_v),
        scale: 1.0 / (d_k as f32).sqrt(),
        ranges: all_keys(n, k_len),
    };
    attn_softmax::record(ctx, &mut encoder, &pass, None);
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    if let Some(p_bar) = &p_bar {
        let a = matmul::record(
            ctx,
            &mut encoder,
            "P̄ E",
            gm(p_bar, n, k_len),
            gm(&e_buf, k_len, n),
        );
        readback.add(ctx, &mut encoder, &a, n, n);
    }
    let (mut m, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| m.pop()).flatten();
    Ok((m.remove(0), attention, GpuTiming { kernel_ms }))
}

/// FLARE (non-causal): gather `Z = softmax(s L Kᵀ) V`, scatter `O = softmax(s K Lᵀ) Z`,
/// `A = W_dec W_enc`.
pub async fn flare(ctx: &GpuContext, p: &FlareParams, qkv: &Qkv, want: bool) -> Result<RunResult> {
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let l = p.latents(d_k)?;
    let m = l.rows();
    let (mut encoder, timer, scope) = start(ctx, "flare");
    let (l_buf, k, v) = (
        upload_matrix(ctx, "latents", &l),
        upload_matrix(ctx, "k", &qkv.k),
        upload_matrix(ctx, "v", &qkv.v),
    );
    let z = output_buffer(ctx, "Z", m * d_v);
    let out = output_buffer(ctx, "out", n * d_v);
    let w_enc = want.then(|| output_buffer(ctx, "W_enc", m * n));
    let w_dec = want.then(|| output_buffer(ctx, "W_dec", n * m));
    let scale = p.scale as f32;
    let gather = SoftmaxPass {
        q: &l_buf,
        k: &k,
        v: &v,
        out: &z,
        weights: w_enc.as_ref(),
        dims: (m, n, d_k, d_v),
        scale,
        ranges: all_keys(m, n),
    };
    attn_softmax::record(ctx, &mut encoder, &gather, None);
    let scatter = SoftmaxPass {
        q: &k,
        k: &l_buf,
        v: &z,
        out: &out,
        weights: w_dec.as_ref(),
        dims: (n, m, d_k, d_v),
        scale,
        ranges: all_keys(n, m),
    };
    attn_softmax::record(ctx, &mut encoder, &scatter, None);
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    if let (Some(w_dec), Some(w_enc)) = (&w_dec, &w_enc) {
        let a = matmul::record(
            ctx,
            &mut encoder,
            "W_dec W_enc",
            gm(w_dec, n, m),
            gm(w_enc, m, n),
        );
        readback.add(ctx, &mut encoder, &a, n, n);
    }
    let (mut mats, kernel_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    Ok((mats.remove(0), attention, GpuTiming { kernel_ms }))
}

/// Nyström: landmarks and the three softmaxes (submission 1), `Z = Ã⁺` on the CPU, then
/// `O = F̃ (Z (B̃ V))` and `A = (F̃ Z) B̃` (submission 2).
pub async fn nystrom(
    ctx: &GpuContext,
    p: &NystromParams,
    qkv: &Qkv,
    want: bool,
) -> Result<RunResult> {
    let (n, d_k, d_v, m) = (qkv.n(), qkv.d_k(), qkv.d_v(), p.landmarks);
    p.check_length(n)?;
    let scale = 1.0 / (d_k as f32).sqrt();
    let (mut encoder, timer, scope) = start(ctx, "nystrom landmarks");
    let (averaging, q, k, v) = (
        upload_matrix(ctx, "segment means", &segment_means(n, m)),
        upload_matrix(ctx, "q", &qkv.q),
        upload_matrix(ctx, "k", &qkv.k),
        upload_matrix(ctx, "v", &qkv.v),
    );
    let q_tilde = matmul::record(ctx, &mut encoder, "Q̃", gm(&averaging, m, n), gm(&q, n, d_k));
    let k_tilde = matmul::record(ctx, &mut encoder, "K̃", gm(&averaging, m, n), gm(&k, n, d_k));
    let f_tilde = output_buffer(ctx, "F̃", n * m);
    let a_tilde = output_buffer(ctx, "Ã", m * m);
    let b_tilde = want.then(|| output_buffer(ctx, "B̃", m * n));
    let bv = output_buffer(ctx, "B̃ V", m * d_v);
    let scratch = output_buffer(ctx, "unused softmax output", n * d_k);
    let passes = [
        (
            &q,
            &k_tilde,
            &k_tilde,
            &scratch,
            Some(&f_tilde),
            (n, m, d_k, d_k),
        ),
        (
            &q_tilde,
            &k_tilde,
            &k_tilde,
            &scratch,
            Some(&a_tilde),
            (m, m, d_k, d_k),
        ),
        (&q_tilde, &k, &v, &bv, b_tilde.as_ref(), (m, n, d_k, d_v)),
    ];
    for (q, k, v, out, weights, dims) in passes {
        let pass = SoftmaxPass {
            q,
            k,
            v,
            out,
            weights,
            dims,
            scale,
            ranges: all_keys(dims.0, dims.1),
        };
        attn_softmax::record(ctx, &mut encoder, &pass, None);
    }
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &a_tilde, m, m);
    let (mats, first_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let z = p.pseudo_inverse(&mats[0])?;

    let (mut encoder, timer, scope) = start(ctx, "nystrom products");
    let z_buf = upload_matrix(ctx, "Z", &z);
    let zbv = matmul::record(
        ctx,
        &mut encoder,
        "Z B̃ V",
        gm(&z_buf, m, m),
        gm(&bv, m, d_v),
    );
    let out = matmul::record(
        ctx,
        &mut encoder,
        "F̃ Z B̃ V",
        gm(&f_tilde, n, m),
        gm(&zbv, m, d_v),
    );
    let mut readback = Readback::default();
    readback.add(ctx, &mut encoder, &out, n, d_v);
    if let Some(b_tilde) = &b_tilde {
        let fz = matmul::record(
            ctx,
            &mut encoder,
            "F̃ Z",
            gm(&f_tilde, n, m),
            gm(&z_buf, m, m),
        );
        let a = matmul::record(ctx, &mut encoder, "F̃ Z B̃", gm(&fz, n, m), gm(b_tilde, m, n));
        readback.add(ctx, &mut encoder, &a, n, n);
    }
    let (mut mats, second_ms) = finish(ctx, encoder, timer.as_ref(), readback, scope).await?;
    let attention = want.then(|| mats.pop()).flatten();
    let kernel_ms = first_ms.zip(second_ms).map(|(a, b)| a + b);
    Ok((mats.remove(0), attention, GpuTiming { kernel_ms }))
}
