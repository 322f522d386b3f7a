//! Runs the kernel feature-map family on the GPU (variants.md §0, §2): the feature passes
//! (`kernel_features`, plus `kernel_features_exp` for Performer's stabilised exp), then the
//! chunkwise chain `kernel_attn_state` → `kernel_attn_scan` → `kernel_attn_intra` (causal) →
//! `kernel_attn_output` → `kernel_attn_weights` (when `A` is wanted), all in one submission.
//! Under RoPE, `kernel_features_rope` rotates the numerator's features after the maps.

use super::Grid;
use crate::attention::kernel::Normaliser;
use crate::attention::rope;
use crate::error::Result;
use crate::gpu::buffers::{
    download_buffer, output_buffer, read_matrix, upload_matrix, upload_uniform,
};
use crate::gpu::params::{ExpParams, FeatureParams, KernelAttnParams, RopeParams};
use crate::gpu::timer::PassTimer;
use crate::gpu::{check_scope, GpuContext, GpuTiming};
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// The feature map, as `params.map` of `shaders/kernel_features.wgsl`: keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum FeatureKind {
    /// elu + 1.
    Elu = 0,
    /// ReLU + δ.
    Relu = 1,
    /// cosFormer's position-reweighted ReLU.
    Cosformer = 2,
    /// Based's Taylor-2.
    Based = 3,
    /// TaylorShift.
    TaylorShift = 4,
    /// ReBased.
    ReBased = 5,
    /// Performer's exponent (then the stabilised exp).
    Performer = 6,
    /// Performer's ± exponents.
    PerformerHyperbolic = 7,
    /// FLatten's focused map.
    Flatten = 8,
    /// Hedgehog's ± exponents of `W x + b`.
    Hedgehog = 9,
    /// LLN's scaled exponents `τ x` (τ = α for queries, β for keys).
    LogNormal = 10,
    /// RALA's keys: `(elu(x) + 1) · α_t` (α from aux, one per token).
    RalaKeys = 11,
    /// NaLaFormer's queries `[(ReLU(q)/r)^p, (ReLU(−q)/r)^p]`.
    NalaQueries = 12,
    /// NaLaFormer's keys `[ReLU(k³), ReLU(−k³)]`.
    NalaKeys = 13,
}

/// What follows the map pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpStage {
    /// The map's values are the features.
    None,
    /// `(exp(h − c) + δ) · scale` with the query-row / global-key stabiliser.
    Stabilised {
        /// Performer's `1/√m`; 1 for Hedgehog.
        scale: f32,
    },
    /// A softmax over each half of the row (Hedgehog's lolcats form).
    HalfSoftmax,
}

/// Everything the GPU needs to know about a kernel variant's feature map.
#[derive(Debug, Clone)]
pub struct FeatureSpec {
    /// Which map, for queries.
    pub kind: FeatureKind,
    /// Which map, for keys (the same as `kind` but for RALA and NaLaFormer).
    pub kind_keys: FeatureKind,
    /// RoPE on the numerator's features (the workload's flag, or the variant's own).
    pub rope: bool,
    /// RoPE rotates each half of the features on its own (NaLaFormer).
    pub rope_halves: bool,
    /// Feature dimension m.
    pub m: usize,
    /// δ (ReLU, Performer).
    pub delta: f32,
    /// τ (TaylorShift; LLN's α for queries).
    pub tau: f32,
    /// LLN's β for keys (τ itself for every other map).
    pub tau_keys: f32,
    /// FLatten's focusing power p.
    pub power: f32,
    /// FLatten's σ.
    pub sigma: f32,
    /// Map-specific constants: Performer's projection W (m × d), Hedgehog's [W | b]
    /// (d' × (d + 1)), or cosFormer's (sin, cos) of every position (n × 2), computed in f64.
    pub aux: Option<Matrix>,
    /// The exponential stage after the map.
    pub exp: ExpStage,
}

impl FeatureSpec {
    /// Rows of the projection in `aux` (Performer, Hedgehog), else 0.
    fn w_rows(&self) -> u32 {
        match self.kind {
            FeatureKind::Performer | FeatureKind::PerformerHyperbolic | FeatureKind::Hedgehog
                if self.aux.is_some() =>
            {
                self.aux.as_ref().map_or(0, Matrix::rows) as u32
            }
            _ => 0,
        }
    }
}

/// Runs one kernel variant; returns `(O, A if want_weights, timing)`.
pub async fn run(
    ctx: &GpuContext,
    spec: &FeatureSpec,
    qkv: &Qkv,
    causal: bool,
    norm: Normaliser,
    chunk: usize,
    want_weights: bool,
) -> Result<(Matrix, Option<Matrix>, GpuTiming)> {
    let (n, d_k, d_v, m) = (qkv.n(), qkv.d_k(), qkv.d_v(), spec.m);
    let n_chunks = n.div_ceil(chunk);
    let (guard, eps) = match norm {
        Normaliser::PlusEps(eps) => (0, eps),
        Normaliser::ClampMin(eps) => (1, eps),
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
    let fq = output_buffer(ctx, "fq", n * m);
    let fk = output_buffer(ctx, "fk", n * m);
    // Under RoPE the numerator reads rotated features; without it, the same buffers.
    let rotated = spec.rope.then(|| {
        (
            output_buffer(ctx, "fq rotated", n * m),
            output_buffer(ctx, "fk rotated", n * m),
        )
    });
    let (fq_num, fk_num) = rotated.as_ref().map_or((&fq, &fk), |(q, k)| (q, k));
    let states = output_buffer(ctx, "chunk states", state_len(n, m, d_v, chunk));
    let scores_len = if causal { n * chunk } else { 1 };
    let scores_num = output_buffer(ctx, "intra-chunk numerator scores", scores_len);
    let scores_den = output_buffer(ctx, "intra-chunk normaliser scores", scores_len);
    let out = output_buffer(ctx, "out", n * d_v);
    let normaliser = output_buffer(ctx, "normaliser", n);
    let weights = output_buffer(ctx, "weights", if want_weights { n * n } else { 1 });
    let out_download = download_buffer(ctx, "out download", (n * d_v * 4) as u64);
    let weights_download = download_buffer(ctx, "weights download", (n * n * 4) as u64);
    let timer = PassTimer::new(ctx);
    let kernels = &ctx.pipelines;
    let device = &ctx.device;

    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("kernel_attn"),
    });
    let mut first = timer.as_ref().map(PassTimer::first_pass);
    for (x, features, is_query) in [(&qkv.q, &fq, true), (&qkv.k, &fk, false)] {
        record_features(ctx, &mut encoder, spec, x, features, is_query, first.take());
    }
    if let Some((fq_rot, fk_rot)) = &rotated {
        let table = if spec.rope_halves {
            rope::cos_sin_table_halves(n, m)
        } else {
            rope::cos_sin_table(n, m)
        };
        record_rope(ctx, &mut encoder, &table, m, [(&fq, fq_rot), (&fk, fk_rot)]);
    }
    kernels.kernel_state.record(
        device,
        &mut encoder,
        &[&attn_params, fk_num, &fk, &v, &states],
        Grid::Invocations((n_chunks * m * (d_v + 1)) as u64),
        None,
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
                &fq,
                &fk,
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
            &fq,
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
        encoder.copy_buffer_to_buffer(&weights, 0, &weights_download, 0, (n * n * 4) as u64);
    }
    encoder.copy_buffer_to_buffer(&out, 0, &out_download, 0, (n * d_v * 4) as u64);
    if let Some(timer) = &timer {
        timer.resolve(&mut encoder);
    }
    ctx.queue.submit([encoder.finish()]);
    check_scope(scope.pop().await)?;

    let output = read_matrix(ctx, &out_download, n, d_v).await?;
    let attention = if want_weights {
        Some(read_matrix(ctx, &weights_download, n, n).await?)
    } else {
        None
    };
    let kernel_ms = match &timer {
        Some(timer) => Some(timer.read_ms(ctx).await?),
        None => None,
    };
    let _ = d_k; // the feature passes read d_k from the inputs' shapes
    Ok((output, attention, GpuTiming { kernel_ms }))
}

/// Records the RoPE passes: `rotated = R φ` for each `(φ, rotated)` pair (numerator features).
fn record_rope(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    table: &Matrix,
    m: usize,
    pairs: [(&wgpu::Buffer, &wgpu::Buffer); 2],
) {
    let n = table.rows();
    let params = RopeParams {
        n: n as u32,
        m: m as u32,
        _pad: [0; 2],
    };
    let params = upload_uniform(ctx, "kernel_features_rope params", &params);
    let table = upload_matrix(ctx, "rope table", table);
    for (features, rotated) in pairs {
        ctx.pipelines.features_rope.record(
            &ctx.device,
            encoder,
            &[&params, features, &table, rotated],
            Grid::Invocations((n * m) as u64),
            None,
        );
    }
}

/// Floats in the chunk-state buffer: `[n_chunks + 1, m, d_v + 1]`.
pub fn state_len(n: usize, m: usize, d_v: usize, chunk: usize) -> usize {
    (n.div_ceil(chunk) + 1) * m * (d_v + 1)
}

/// Records the passes that turn `x` into its features: the map, then for Performer and Hedgehog
/// the stabilised exp (row max → global max for keys → exp) or Hedgehog's half softmax.
fn record_features(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    spec: &FeatureSpec,
    x: &Matrix,
    features: &wgpu::Buffer,
    is_query: bool,
    timestamps: Option<wgpu::ComputePassTimestampWrites<'_>>,
) {
    let (n, d, m) = (x.rows(), x.cols(), spec.m);
    let params = FeatureParams {
        n: n as u32,
        d: d as u32,
        m: m as u32,
        map: if is_query { spec.kind } else { spec.kind_keys } as u32,
        delta: spec.delta,
        tau: if is_query { spec.tau } else { spec.tau_keys },
        power: spec.power,
        sigma: spec.sigma,
        w_rows: spec.w_rows(),
        _pad: [0; 3],
    };
    let params = upload_uniform(ctx, "kernel_features params", &params);
    let x = upload_matrix(ctx, "x", x);
    let aux = match &spec.aux {
        Some(aux) => upload_matrix(ctx, "feature constants", aux),
        None => output_buffer(ctx, "no feature constants", 1),
    };
    ctx.pipelines.features.record(
        &ctx.device,
        encoder,
        &[&params, &x, &aux, features],
        Grid::Invocations((n * m) as u64),
        timestamps,
    );
    let (scale, half_softmax) = match spec.exp {
        ExpStage::None => return,
        ExpStage::Stabilised { scale } => (scale, false),
        ExpStage::HalfSoftmax => (1.0, true),
    };
    let maxima = output_buffer(ctx, "feature maxima", n + 1);
    let out = output_buffer(ctx, "half softmax", if half_softmax { n * m } else { 1 });
    let pass = |mode: u32, grid: Grid, encoder: &mut wgpu::CommandEncoder| {
        let params = ExpParams {
            n: n as u32,
            m: m as u32,
            mode,
            use_global: u32::from(!is_query),
            delta: spec.delta,
            scale,
            _pad: [0; 2],
        };
        let params = upload_uniform(ctx, "kernel_features_exp params", &params);
        ctx.pipelines.features_exp.record(
            &ctx.device,
            encoder,
            &[&params, features, &maxima, &out],
            grid,
            None,
        );
    };
    if half_softmax {
        pass(3, Grid::Invocations((n * m) as u64), encoder);
        encoder.copy_buffer_to_buffer(&out, 0, features, 0, (n * m * 4) as u64);
        return;
    }
    pass(0, Grid::Invocations(n as u64), encoder);
    if !is_query {
        pass(1, Grid::Rows(1), encoder);
    }
    pass(2, Grid::Invocations((n * m) as u64), encoder);
}
