//! The GPU path: a wgpu context (Vulkan natively, WebGPU in the browser) and the WGSL pipelines of
//! `shaders/`. Everything is async, because wasm cannot block.
//!
//! Data flow of one run: upload Q, K, V (storage buffers) → one compute pass per kernel → copy the
//! results to a staging buffer → map it and read back. The CPU reference is the specification;
//! `tests/gpu_vs_cpu.rs` and `tests/web.rs` hold every kernel to it.

mod buffers;
mod context;
mod features;
mod params;
mod pipelines;
pub mod probe;
mod timer;

pub use context::{AdapterSummary, GpuContext};

use crate::attention::{AttentionOutput, VariantSpec};
use crate::error::{Error, Result};
use crate::workload::Qkv;
use features::{elu_features, kernel_features};
use pipelines::kernel_attn;

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
        ctx.check_buffers(qkv, want_attention, 0)?;
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
    if let VariantSpec::Mhla(p) = spec {
        let features = elu_features(qkv);
        let scratch = pipelines::mhla::scratch_len(qkv.n(), features.m, qkv.d_v(), p.blocks());
        ctx.check_buffers(qkv, want_attention, 4 * scratch as u64)?;
        let (output, attention, timing) =
            pipelines::mhla::run(ctx, p, &features, qkv, causal, want_attention).await?;
        return Ok((AttentionOutput { output, attention }, timing));
    }
    let Some((features, norm, chunk)) = kernel_features(spec, qkv)? else {
        return Err(Error::NoGpuForm {
            message: format!("{} has no GPU kernel yet", spec.name()),
        });
    };
    let scratch = 4 * kernel_attn::state_len(qkv.n(), features.m, qkv.d_v(), chunk) as u64;
    ctx.check_buffers(
        qkv,
        want_attention,
        scratch.max(4 * (qkv.n() * features.m) as u64),
    )?;
    let (output, attention, mut timing) = kernel_attn::run(
        ctx,
        kernel_attn::Features::Maps(&features),
        qkv,
        causal,
        Some(norm),
        chunk,
        want_attention,
    )
    .await?;
    let linear = AttentionOutput { output, attention };
    if let VariantSpec::Flatten(p) = spec {
        if let Some(dwc) = p.dwc(qkv.d_v(), causal)? {
            // The conv on the GPU; the host adds it to O and T_channel (O(n k)) to A.
            let (conv, ms) = pipelines::dwc::run(ctx, &dwc, &qkv.v).await?;
            timing.kernel_ms = timing.kernel_ms.zip(ms).map(|(a, b)| a + b);
            return Ok((dwc.add_computed(linear, &conv, p.channel), timing));
        }
    }
    if let Some((scale, mask)) = spec.diagonal_softmax(qkv, causal) {
        let rotated = qkv.with_rope_applied();
        let (o_bd, a_bd, t) =
            pipelines::attn_softmax::run(ctx, &rotated, scale as f32, mask, want_attention).await?;
        timing.kernel_ms = timing.kernel_ms.zip(t.kernel_ms).map(|(a, b)| a + b);
        return Ok((
            crate::attention::kernel::lln::mix_halves(linear, &o_bd, a_bd.as_ref()),
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
        // The kernel family's chunkwise chain: chunk states and, when causal, n × C scores.
        let chunk = crate::attention::kernel::DEFAULT_CHUNK_SIZE;
        let states = kernel_attn::state_len(qkv.n(), qkv.d_k(), qkv.d_v(), chunk);
        let scratch = 4 * states.max(qkv.n() * chunk) as u64;
        ctx.check_buffers(qkv, want, scratch)?;
        let rotated = qkv.with_rope_applied();
        return Ok(Some(
            pipelines::flow::run(ctx, p, &rotated, causal, want).await?,
        ));
    }
    if let VariantSpec::Yoso(p) = spec {
        if pipelines::yoso::is_linear(p, want) {
            let (n, d_v) = (qkv.n(), qkv.d_v());
            let scratch = pipelines::yoso::linear_scratch_bytes(p, n, d_v, causal);
            ctx.check_buffers(qkv, false, scratch)?;
        } else {
            // B (expectation) has no linear-time form: n × n, within the device's limits.
            ctx.check_buffers(qkv, true, 0)?;
        }
        return Ok(Some(
            pipelines::yoso::run(ctx, p, &qkv.with_rope_applied(), causal, want).await?,
        ));
    }
    if let (VariantSpec::Flare(p), true) = (spec, causal) {
        let m = p.m() as u64;
        let chunk = pipelines::flare_causal::chunk_size(p.m()) as u64;
        let chunk_states = m * n.div_ceil(chunk) * (qkv.d_v() as u64 + 2);
        ctx.check_buffers(qkv, want, 4 * (m * n).max(chunk_states).max(3 * n * m))?;
        let rotated = qkv.with_rope_applied();
        return Ok(Some(
            pipelines::flare_causal::run(ctx, p, &rotated, want).await?,
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
    if let VariantSpec::Fnet(_) = spec {
        // O(n d) buffers; n × n only for A (built on the CPU).
        ctx.check_buffers(qkv, want, 0)?;
        return Ok(Some(pipelines::fnet::run(ctx, &qkv.v, want).await?));
    }
    // The largest intermediate is n × (k | landmarks | M) (E, segment means, W_enc), or n × n for
    // A when it is wanted (check_buffers adds that).
    let rank = match spec {
        VariantSpec::Linformer(p) => p.k(),
        VariantSpec::Nystrom(p) => p.landmarks,
        VariantSpec::Flare(p) => p.m(),
        _ => 1,
    } as u64;
    ctx.check_buffers(qkv, want, 4 * n * rank)?;
    let rotated = qkv.with_rope_applied();
    Ok(Some(match spec {
        VariantSpec::Linformer(p) => pipelines::lowrank::linformer(ctx, p, &rotated, want).await?,
        VariantSpec::Nystrom(p) => pipelines::lowrank::nystrom(ctx, p, &rotated, want).await?,
        VariantSpec::Flare(p) => pipelines::lowrank::flare(ctx, p, &rotated, want).await?,
        _ => return Ok(None),
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
    ("GatedParams", std::mem::size_of::<params::GatedParams>()),
    ("LoglinParams", std::mem::size_of::<params::LoglinParams>()),
    ("HlaParams", std::mem::size_of::<params::HlaParams>()),
    ("DwcParams", std::mem::size_of::<params::DwcParams>()),
    ("FnetParams", std::mem::size_of::<params::FnetParams>()),
    ("FftParams", std::mem::size_of::<params::FftParams>()),
    (
        "FlareCausalParams",
        std::mem::size_of::<params::FlareCausalParams>(),
    ),
    (
        "MhlaPassParams",
        std::mem::size_of::<params::MhlaPassParams>(),
    ),
];

/// Invocations per workgroup of every shader.
pub use pipelines::WORKGROUP_SIZE;
