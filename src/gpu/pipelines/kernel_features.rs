//! The feature passes shared by the kernel family and MHLA (variants.md §0, §2): the map
//! (`kernel_features`), Performer's and Hedgehog's exponential stage (`kernel_features_exp`), and
//! under RoPE the rotation of the numerator's features (`kernel_features_rope`).

use super::Grid;
use crate::attention::rope;
use crate::gpu::buffers::{output_buffer, upload_matrix, upload_uniform};
use crate::gpu::params::{ExpParams, FeatureParams, RopeParams};
use crate::gpu::GpuContext;
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

/// The feature buffers of one run: `φ(Q)`, `φ(K)` (`[n, m]` each) and, under RoPE, the rotated
/// numerator features `φ_n`.
pub struct FeatureBuffers {
    /// `φ(Q)`, `[n, m]`.
    pub fq: wgpu::Buffer,
    /// `φ(K)`, `[n, m]`.
    pub fk: wgpu::Buffer,
    rotated: Option<(wgpu::Buffer, wgpu::Buffer)>,
}

impl FeatureBuffers {
    /// Features computed on the host (no rotation).
    pub fn given(ctx: &GpuContext, fq: &Matrix, fk: &Matrix) -> Self {
        FeatureBuffers {
            fq: upload_matrix(ctx, "fq", fq),
            fk: upload_matrix(ctx, "fk", fk),
            rotated: None,
        }
    }

    /// `(φ_n(Q), φ_n(K))`: the rotated features under RoPE, else `φ` itself.
    pub fn numerator(&self) -> (&wgpu::Buffer, &wgpu::Buffer) {
        self.rotated
            .as_ref()
            .map_or((&self.fq, &self.fk), |(q, k)| (q, k))
    }
}

/// Records the feature passes of `spec` on `qkv.q` and `qkv.k` (the first pass carries
/// `timestamps`), and the RoPE rotation when `spec.rope`.
pub fn record(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    spec: &FeatureSpec,
    qkv: &Qkv,
    timestamps: Option<wgpu::ComputePassTimestampWrites<'_>>,
) -> FeatureBuffers {
    let (n, m) = (qkv.n(), spec.m);
    let fq = output_buffer(ctx, "fq", n * m);
    let fk = output_buffer(ctx, "fk", n * m);
    let mut first = timestamps;
    for (x, features, is_query) in [(&qkv.q, &fq, true), (&qkv.k, &fk, false)] {
        record_features(ctx, encoder, spec, x, features, is_query, first.take());
    }
    // Under RoPE the numerator reads rotated features; without it, the same buffers.
    let rotated = spec.rope.then(|| {
        let rotated = (
            output_buffer(ctx, "fq rotated", n * m),
            output_buffer(ctx, "fk rotated", n * m),
        );
        let table = if spec.rope_halves {
            rope::cos_sin_table_halves(n, m)
        } else {
            rope::cos_sin_table(n, m)
        };
        record_rope(
            ctx,
            encoder,
            &table,
            m,
            [(&fq, &rotated.0), (&fk, &rotated.1)],
        );
        rotated
    });
    FeatureBuffers { fq, fk, rotated }
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
