//! The GPU path: a wgpu context (Vulkan natively, WebGPU in the browser) and the WGSL pipelines of
//! `shaders/`. Everything is async, because wasm cannot block.
//!
//! Data flow of one run: upload Q, K, V (storage buffers) → one compute pass per kernel → copy the
//! results to a staging buffer → map it and read back. The CPU reference is the specification;
//! `tests/gpu_vs_cpu.rs` and `tests/web.rs` hold every kernel to it.

mod buffers;
mod context;
mod params;
mod pipelines;
mod timer;

pub use context::{AdapterSummary, GpuContext};

use crate::attention::kernel::cosformer::CosFeatures;
use crate::attention::kernel::hedgehog::HedgehogForm;
use crate::attention::kernel::taylor::Taylor;
use crate::attention::kernel::Normaliser;
use crate::attention::{AttentionOutput, VariantSpec};
use crate::error::{Error, Result};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use pipelines::kernel_attn::{self, ExpStage, FeatureKind, FeatureSpec};

/// What a GPU run returns besides the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GpuTiming {
    /// Time on the device between the first and last timestamp of the passes, in ms; `None`
    /// where the adapter has no `timestamp-query` feature.
    pub kernel_ms: Option<f64>,
}

/// Runs `spec` on the GPU. `A` is produced when `want_attention`: softmax writes its weights;
/// kernel variants divide `φ(q_i)·φ(k_j)` by the normalisers their output pass computed.
pub async fn run(
    ctx: &GpuContext,
    spec: &VariantSpec,
    qkv: &Qkv,
    causal: bool,
    want_attention: bool,
) -> Result<(AttentionOutput, GpuTiming)> {
    spec.check_mask(causal)?;
    if let Some((scale, mask)) = spec.softmax_form(qkv, causal)? {
        ctx.check_fits(qkv, want_attention, 0)?;
        // RoPE rotates Q and K before softmax: done once on the CPU in f64, O(n d).
        let rotated = qkv.with_rope_applied();
        let (output, attention, timing) =
            pipelines::attn_softmax::run(ctx, &rotated, scale as f32, mask, want_attention).await?;
        return Ok((AttentionOutput { output, attention }, timing));
    }
    if spec.is_recurrent() {
        let (output, attention, timing) = run_recurrent(ctx, spec, qkv, want_attention).await?;
        return Ok((AttentionOutput { output, attention }, timing));
    }
    if let Some(result) = run_composed(ctx, spec, qkv, causal, want_attention).await? {
        let (output, attention, timing) = result;
        return Ok((AttentionOutput { output, attention }, timing));
    }
    let Some((features, norm, chunk)) = kernel_features(spec, qkv)? else {
        return Err(Error::NoGpuForm {
            message: format!("{} has no GPU kernel yet", spec.name()),
        });
    };
    let scratch = 4 * kernel_attn::state_len(qkv.n(), features.m, qkv.d_v(), chunk) as u64;
    ctx.check_fits(
        qkv,
        want_attention,
        scratch.max(4 * (qkv.n() * features.m) as u64),
    )?;
    let (output, attention, mut timing) =
        kernel_attn::run(ctx, &features, qkv, causal, norm, chunk, want_attention).await?;
    let linear = AttentionOutput { output, attention };
    if let VariantSpec::Flatten(p) = spec {
        if let Some(dwc) = p.dwc(qkv.d_v(), causal)? {
            // The conv on the GPU; A gets T_channel (O(n k)) and O the conv on the host.
            let (conv, ms) = pipelines::dwc::run(ctx, &dwc, &qkv.v).await?;
            timing.kernel_ms = timing.kernel_ms.zip(ms).map(|(a, b)| a + b);
            let mut out = dwc.add_to(linear, &Matrix::zeros(qkv.n(), qkv.d_v()), p.channel);
            for (o, c) in out.output.data_mut().iter_mut().zip(conv.data()) {
                *o += c;
            }
            return Ok((out, timing));
        }
    }
    if let Some((scale, mask)) = spec.diagonal_softmax(qkv, causal) {
        let rotated = qkv.with_rope_applied();
        let (o_bd, a_bd, t) =
            pipelines::attn_softmax::run(ctx, &rotated, scale as f32, mask, want_attention).await?;
        timing.kernel_ms = timing.kernel_ms.zip(t.kernel_ms).map(|(a, b)| a + b);
        let a_bd = a_bd.unwrap_or_else(|| crate::tensor::Matrix::zeros(0, 0));
        return Ok((
            crate::attention::kernel::lln::mix_halves(linear, &o_bd, &a_bd),
            timing,
        ));
    }
    Ok((linear, timing))
}

/// The recurrent families of §5–§8 in their chunkwise form.
async fn run_recurrent(
    ctx: &GpuContext,
    spec: &VariantSpec,
    qkv: &Qkv,
    want: bool,
) -> Result<pipelines::lowrank::RunResult> {
    use crate::attention::gated::family::Recurrent;
    let rotated = qkv.with_rope_applied();
    let Some(setup) = spec.recurrent_setup(&rotated)? else {
        return Err(Error::NoGpuForm {
            message: format!("{} has no recurrent form", spec.name()),
        });
    };
    let (n, d_k, d_v) = (qkv.n(), qkv.d_k(), qkv.d_v());
    let wide = if want { d_v + n } else { d_v };
    let scratch = pipelines::gated::scratch_bytes(n, d_k, wide, setup.chunk());
    ctx.check_buffers(qkv, want, scratch)?;
    match &setup {
        Recurrent::Gated(s) => pipelines::gated::run(ctx, s, &rotated.v, want).await,
        Recurrent::Hgrn(p) => pipelines::gated::run_hgrn(ctx, p, &rotated, want).await,
        Recurrent::Loglinear(s, chunk) => {
            pipelines::loglinear::run(ctx, s, *chunk, &rotated.v, want).await
        }
        Recurrent::Hla(s, chunk) => pipelines::hla::run(ctx, s, *chunk, &rotated.v, want).await,
    }
}

/// The low-rank family, FNet and YOSO, composed of softmax, matmul and their own passes; `None`
/// for the others.
async fn run_composed(
    ctx: &GpuContext,
    spec: &VariantSpec,
    qkv: &Qkv,
    causal: bool,
    want: bool,
) -> Result<Option<pipelines::lowrank::RunResult>> {
    let n = qkv.n() as u64;
    let composed = matches!(
        spec,
        VariantSpec::Linformer(_)
            | VariantSpec::Nystrom(_)
            | VariantSpec::Flare(_)
            | VariantSpec::Fnet(_)
            | VariantSpec::Yoso(_)
            | VariantSpec::Flowformer(_)
    );
    if !composed {
        return Ok(None);
    }
    spec.check_mask(causal)?;
    if let VariantSpec::Flowformer(p) = spec {
        ctx.check_fits(qkv, true, 0)?;
        let rotated = qkv.with_rope_applied();
        return Ok(Some(
            pipelines::flow::run(ctx, p, &rotated, causal, want).await?,
        ));
    }
    if let VariantSpec::Yoso(p) = spec {
        ctx.check_fits(qkv, true, 0)?;
        return Ok(Some(
            pipelines::yoso::run(ctx, p, &qkv.with_rope_applied(), causal, want).await?,
        ));
    }
    if causal {
        return Err(Error::NoGpuForm {
            message: format!(
                "{} has no causal GPU kernel (its causal form is derived in the spec)",
                spec.name()
            ),
        });
    }
    // The largest intermediate is n × n (A, or FNet's DFT table) or n × (k | m | d_v).
    ctx.check_fits(qkv, want, 4 * n * n)?;
    let rotated = qkv.with_rope_applied();
    Ok(Some(match spec {
        VariantSpec::Linformer(p) => pipelines::lowrank::linformer(ctx, p, &rotated, want).await?,
        VariantSpec::Nystrom(p) => pipelines::lowrank::nystrom(ctx, p, &rotated, want).await?,
        VariantSpec::Flare(p) => pipelines::lowrank::flare(ctx, p, &rotated, want).await?,
        _ => pipelines::fnet::run(ctx, &qkv.v, want).await?,
    }))
}

/// The GPU description of a kernel variant's feature map, its normaliser guard and chunk size;
/// `None` for variants outside the kernel family.
fn kernel_features(
    spec: &VariantSpec,
    qkv: &Qkv,
) -> Result<Option<(FeatureSpec, Normaliser, usize)>> {
    let d = qkv.d_k();
    let plain = |kind: FeatureKind, m: usize| FeatureSpec {
        kind,
        kind_keys: kind,
        rope: qkv.rope,
        rope_halves: false,
        m,
        delta: 0.0,
        tau: 1.0,
        tau_keys: 1.0,
        power: 1.0,
        sigma: 1.0,
        aux: None,
        exp: ExpStage::None,
    };
    if let VariantSpec::Nalaformer(p) = spec {
        crate::attention::kernel::vision::check_rope_layout(d, qkv.rope || p.rope)?;
    }
    Ok(Some(match spec {
        VariantSpec::Softmax(_)
        | VariantSpec::SlidingWindow(_)
        | VariantSpec::Neighborhood(_)
        | VariantSpec::Linformer(_)
        | VariantSpec::Nystrom(_)
        | VariantSpec::Flare(_)
        | VariantSpec::Fnet(_)
        | VariantSpec::Yoso(_)
        | VariantSpec::Flowformer(_)
        | VariantSpec::Mhla(_)
        | VariantSpec::Retnet(_)
        | VariantSpec::Lightning(_)
        | VariantSpec::Mamba2(_)
        | VariantSpec::Gla(_)
        | VariantSpec::Hgrn(_)
        | VariantSpec::Deltanet(_)
        | VariantSpec::GatedDeltanet(_)
        | VariantSpec::Kda(_)
        | VariantSpec::Loglinear(_)
        | VariantSpec::Hla(_)
        | VariantSpec::Ahla(_) => return Ok(None),
        VariantSpec::LinearElu(p) => (
            plain(FeatureKind::Elu, d),
            Normaliser::PlusEps(p.eps),
            p.chunk_size,
        ),
        VariantSpec::LinearRelu(p) => (
            FeatureSpec {
                delta: p.delta as f32,
                ..plain(FeatureKind::Relu, d)
            },
            Normaliser::PlusEps(p.eps),
            p.chunk_size,
        ),
        VariantSpec::Cosformer(p) => (
            FeatureSpec {
                aux: Some(CosFeatures { m_len: qkv.n() }.sin_cos_table(qkv.n())),
                ..plain(FeatureKind::Cosformer, 2 * d)
            },
            Normaliser::ClampMin(p.eps),
            p.chunk_size,
        ),
        VariantSpec::Based(p) => (
            plain(FeatureKind::Based, Taylor::Based.feature_dim(d)),
            Normaliser::PlusEps(p.eps),
            p.chunk_size,
        ),
        VariantSpec::Rebased(p) => (
            plain(FeatureKind::ReBased, Taylor::ReBased.feature_dim(d)),
            Normaliser::PlusEps(p.eps),
            p.chunk_size,
        ),
        VariantSpec::Taylorshift(p) => (
            FeatureSpec {
                tau: p.tau as f32,
                tau_keys: p.tau as f32,
                ..plain(
                    FeatureKind::TaylorShift,
                    Taylor::TaylorShift { tau: p.tau }.feature_dim(d),
                )
            },
            Normaliser::PlusEps(0.0),
            p.chunk_size,
        ),
        VariantSpec::Performer(p) => {
            let w = p.projection(d)?;
            let (kind, m) = if p.hyperbolic {
                (FeatureKind::PerformerHyperbolic, 2 * w.rows())
            } else {
                (FeatureKind::Performer, w.rows())
            };
            (
                FeatureSpec {
                    delta: p.delta as f32,
                    aux: Some(w),
                    exp: ExpStage::Stabilised {
                        scale: 1.0 / (m as f32).sqrt(),
                    },
                    ..plain(kind, m)
                },
                Normaliser::PlusEps(0.0),
                p.chunk_size,
            )
        }
        VariantSpec::Flatten(p) => (
            FeatureSpec {
                power: p.power as f32,
                sigma: p.sigma as f32,
                ..plain(FeatureKind::Flatten, d)
            },
            Normaliser::PlusEps(p.eps),
            p.chunk_size,
        ),
        VariantSpec::Lln(p) => {
            let (alpha, beta) = crate::attention::kernel::lln::scales(&qkv.q, &qkv.k);
            (
                FeatureSpec {
                    tau: alpha as f32,
                    tau_keys: beta as f32,
                    exp: ExpStage::Stabilised { scale: 1.0 },
                    ..plain(FeatureKind::LogNormal, d)
                },
                Normaliser::PlusEps(crate::attention::kernel::lln::EPS),
                p.chunk_size,
            )
        }
        VariantSpec::Rala(p) => {
            let alpha = crate::attention::kernel::vision::key_importance(&qkv.q, &qkv.k);
            let column: Vec<f32> = alpha.iter().map(|&a| a as f32).collect();
            (
                FeatureSpec {
                    kind_keys: FeatureKind::RalaKeys,
                    rope: qkv.rope || p.rope,
                    aux: crate::tensor::Matrix::from_vec(qkv.n(), 1, column).ok(),
                    ..plain(FeatureKind::Elu, d)
                },
                Normaliser::PlusEps(crate::attention::kernel::vision::EPS),
                crate::attention::kernel::DEFAULT_CHUNK_SIZE,
            )
        }
        VariantSpec::Nalaformer(p) => (
            FeatureSpec {
                rope_halves: true,
                kind_keys: FeatureKind::NalaKeys,
                rope: qkv.rope || p.rope,
                ..plain(FeatureKind::NalaQueries, 2 * d)
            },
            Normaliser::PlusEps(crate::attention::kernel::vision::EPS),
            crate::attention::kernel::DEFAULT_CHUNK_SIZE,
        ),
        VariantSpec::Hedgehog(p) => {
            let (w, bias) = p.affine(d)?;
            let rows = w.rows();
            let mut packed = crate::tensor::Matrix::zeros(rows, d + 1);
            for (r, &b) in bias.iter().enumerate() {
                packed.row_mut(r)[..d].copy_from_slice(w.row(r));
                packed.set(r, d, b as f32);
            }
            let exp = match p.form {
                HedgehogForm::Exp => ExpStage::Stabilised { scale: 1.0 },
                HedgehogForm::Softmax => ExpStage::HalfSoftmax,
            };
            (
                FeatureSpec {
                    aux: Some(packed),
                    exp,
                    ..plain(FeatureKind::Hedgehog, 2 * rows)
                },
                Normaliser::PlusEps(0.0),
                p.chunk_size,
            )
        }
    }))
}

/// Turns a popped validation scope into an error.
pub(crate) fn check_scope(error: Option<wgpu::Error>) -> Result<()> {
    match error {
        Some(err) => Err(crate::error::Error::Gpu {
            op: "dispatch",
            message: err.to_string(),
        }),
        None => Ok(()),
    }
}

/// `(WGSL struct name, size in bytes)` of every uniform block as Rust lays it out; the shader
/// test checks each shader's struct of that name has the same size.
pub const PARAMS_LAYOUT: &[(&str, usize)] = &[
    (
        "AttnSoftmaxParams",
        std::mem::size_of::<params::AttnSoftmaxParams>(),
    ),
    (
        "KernelAttnParams",
        std::mem::size_of::<params::KernelAttnParams>(),
    ),
    (
        "FeatureParams",
        std::mem::size_of::<params::FeatureParams>(),
    ),
    ("ExpParams", std::mem::size_of::<params::ExpParams>()),
    ("RopeParams", std::mem::size_of::<params::RopeParams>()),
    ("MatmulParams", std::mem::size_of::<params::MatmulParams>()),
    ("YosoParams", std::mem::size_of::<params::YosoParams>()),
    ("FlowParams", std::mem::size_of::<params::FlowParams>()),
    ("GatedParams", std::mem::size_of::<params::GatedParams>()),
    ("LoglinParams", std::mem::size_of::<params::LoglinParams>()),
    ("HlaParams", std::mem::size_of::<params::HlaParams>()),
    ("DwcParams", std::mem::size_of::<params::DwcParams>()),
];

/// Invocations per workgroup of every shader.
pub use pipelines::WORKGROUP_SIZE;
