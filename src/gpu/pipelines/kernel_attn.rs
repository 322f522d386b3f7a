//! Runs the kernel feature-map family on the GPU (variants.md §0, §2): the feature passes
//! (`kernel_features.rs`), then the chunkwise chain `kernel_attn_state` → `kernel_attn_scan` →
//! `kernel_attn_intra` (causal) → `kernel_attn_output` → `kernel_attn_weights` (when `A` is
//! wanted), all in one submission.

use super::kernel_features::{self, FeatureBuffers, FeatureSpec};
use super::Grid;
use crate::attention::kernel::Normaliser;
use crate::error::Result;
use crate::gpu::buffers::{
    download_buffer, output_buffer, read_matrix, upload_matrix, upload_uniform,
};
use crate::gpu::params::KernelAttnParams;
use crate::gpu::timer::PassTimer;
use crate::gpu::{check_scope, GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// Where the features come from.
pub enum Features<'a> {
    /// The feature passes of a map (kernel_features.wgsl).
    Maps(&'a FeatureSpec),
    /// Features computed on the host, `[n, m]` each (Flowformer's scaled sigmoids).
    Given {
        /// Query features (numerator and normaliser).
        fq: &'a Matrix,
        /// Key features.
        fk: &'a Matrix,
    },
}

/// Runs one kernel variant; returns `(O, A if want_weights, timing)`. `norm = None` leaves the
/// output unnormalised (`o = φ_n(q) S`, the row normaliser is 1: Flowformer).
pub async fn run(
    ctx: &GpuContext,
    features: Features<'_>,
    qkv: &Qkv,
    causal: bool,
    norm: Option<Normaliser>,
    chunk: usize,
    want_weights: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let m = match &features {
        Features::Maps(spec) => spec.m,
        Features::Given { fq, .. } => fq.cols(),
    };
    let (n, d_v) = (qkv.n(), qkv.d_v());
    let n_chunks = n.div_ceil(chunk);
    let (guard, eps) = match norm {
        Some(Normaliser::PlusEps(eps)) => (0, eps),
        Some(Normaliser::ClampMin(eps)) => (1, eps),
        None => (2, 0.0),
    };
    let attn_params = KernelAttnParams {
        n: n as u32,
        m: m as u32,
        d_v: d_v as u32,
        causal: u32::from(causal),
        eps: eps as f32,
        chunk: chunk as u32,
        n_chunks: n_chunks as u32,
        guard,
    };
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let attn_params = upload_uniform(ctx, "kernel_attn params", &attn_params);
    let v = upload_matrix(ctx, "v", &qkv.v);
    let states = output_buffer(ctx, "chunk states", state_len(n, m, d_v, chunk));
    let scores_len = if causal { n * chunk } else { 1 };
    let scores_num = output_buffer(ctx, "intra-chunk numerator scores", scores_len);
    let scores_den = output_buffer(ctx, "intra-chunk normaliser scores", scores_len);
    let out = output_buffer(ctx, "out", n * d_v);
    let normaliser = output_buffer(ctx, "normaliser", n);
    let weights = output_buffer(ctx, "weights", if want_weights { n * n } else { 1 });
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    // The n × n read-back only when A is wanted: output-only runs stay O(n d) on the device.
    let weights_download =
        want_weights.then(|| download_buffer(ctx, "weights download", (n * n * 4) as u64));
    let timer = PassTimer::new(ctx);
    let kernels = &ctx.pipelines;
    let device = &ctx.device;

    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("kernel_attn"),
    });
    let first = timer.as_ref().map(PassTimer::first_pass);
    // Host-given features have no GPU pass of their own: the state pass stamps the start.
    let (features, state_timing) = match features {
        Features::Maps(spec) => (
            kernel_features::record(ctx, &mut encoder, spec, qkv, first),
            None,
        ),
        Features::Given { fq, fk } => (FeatureBuffers::given(ctx, fq, fk), first),
    };
    let (fq, fk) = (&features.fq, &features.fk);
    let (fq_num, fk_num) = features.numerator();
    kernels.kernel_state.record(
        device,
        &mut encoder,
        &[&attn_params, fk_num, fk, &v, &states],
        Grid::Invocations((n_chunks * m * (d_v + 1)) as u64),
        state_timing,
    );
    kernels.kernel_scan.record(
        device,
        &mut encoder,
        &[&attn_params, &states],
        Grid::Invocations((m * (d_v + 1)) as u64),
        None,
    );
    if causal {
        kernels.kernel_intra.record(
            device,
            &mut encoder,
            &[
                &attn_params,
                fq_num,
                fk_num,
                fq,
                fk,
                &scores_num,
                &scores_den,
            ],
            Grid::Invocations((n * chunk) as u64),
            None,
        );
    }
    let last = timer.as_ref().map(PassTimer::last_pass);
    let (output_timing, weights_timing) = if want_weights {
        (None, last)
    } else {
        (last, None)
    };
    kernels.kernel_output.record(
        device,
        &mut encoder,
        &[
            &attn_params,
            fq_num,
            fq,
            &v,
            &states,
            &scores_num,
            &scores_den,
            &out,
            &normaliser,
        ],
        Grid::Invocations((n * d_v) as u64),
        output_timing,
    );
    if want_weights {
        kernels.kernel_weights.record(
            device,
            &mut encoder,
            &[&attn_params, fq_num, fk_num, &normaliser, &weights],
            Grid::Invocations((n * n) as u64),
            weights_timing,
        );
    }
    if let Some(download) = &weights_download {
        encoder.copy_buffer_to_buffer(&weights, 0, download, 0, (n * n * 4) as u64);
    }
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if let Some(timer) = &timer {
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    check_scope(scope.pop().await)?;

    let output = read_matrix(ctx, &out_download, n, d_v).await?;
    let attention = match &weights_download {
        Some(download) => Some(read_matrix(ctx, download, n, n).await?),
        None => None,
    };
    let kernel_ms = match &timer {
        Some(timer) => Some(timer.read_ms(ctx).await?),
        None => None,
    };
    Ok((output, attention, GpuTiming { kernel_ms }))
}

/// Floats in the chunk-state buffer: `[n_chunks + 1, m, d_v + 1]`.
pub fn state_len(n: usize, m: usize, d_v: usize, chunk: usize) -> usize {
    (n.div_ceil(chunk) + 1) * m * (d_v + 1)
}
