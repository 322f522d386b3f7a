//! The attention variants: `VariantSpec` is the registry (name + parameters), each variant's file
//! holds its CPU reference (the specification) and catalog card, and families share their math
//! (`kernel/`: the feature-map template with its quadratic, recurrent and chunkwise forms).
//!
//! Every variant returns the output `O` and, where it is linear in `V`, the implicit attention
//! matrix `A` with `O = A V` (variants.md §0).

pub mod fnet;
mod forward;
pub mod gated;
pub mod kernel;
pub mod local;
pub mod lowrank;
pub mod mask;
mod registry;
pub mod rope;
pub mod sampling;
pub mod softmax;
pub mod softmax_fast;

use crate::error::Result;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use fnet::FnetParams;
use gated::decay::{GlaParams, LightningParams, Mamba2Params, RetnetParams};
use gated::delta::{DeltanetParams, GatedDeltanetParams, KdaParams};
use gated::hgrn::HgrnParams;
use gated::hla::HlaParams;
use gated::loglinear::LoglinearParams;
use kernel::cosformer::CosformerParams;
use kernel::elu::LinearEluParams;
use kernel::flatten::FlattenParams;
use kernel::flowformer::FlowformerParams;
use kernel::hedgehog::HedgehogParams;
use kernel::lln::LlnParams;
use kernel::mhla::MhlaParams;
use kernel::performer::PerformerParams;
use kernel::relu::LinearReluParams;
use kernel::taylor::{TaylorParams, TaylorShiftParams};
use kernel::vision::VisionParams;
use kernel::KernelSetup;
use local::{NeighborhoodParams, SlidingWindowParams};
use lowrank::{flare::FlareParams, linformer::LinformerParams, nystrom::NystromParams};
use mask::Mask;
use sampling::yoso::{self, YosoParams};
use serde::Serialize;
use softmax::SoftmaxParams;

/// One attention mechanism with its parameters: the public names of the CLI, the wasm API and
/// the URL state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum VariantSpec {
    /// Scaled dot-product softmax attention (variants.md §1).
    Softmax(SoftmaxParams),
    /// Linear attention with φ = elu + 1 (Katharopoulos et al. 2020, §2.1).
    LinearElu(LinearEluParams),
    /// Linear attention with φ = ReLU + δ (§2.2).
    LinearRelu(LinearReluParams),
    /// Performer FAVOR+ random features (§2.3).
    Performer(PerformerParams),
    /// cosFormer (§2.4).
    Cosformer(CosformerParams),
    /// Based, the Taylor-2 softmax (§2.5a).
    Based(TaylorParams),
    /// TaylorShift (§2.5b).
    Taylorshift(TaylorShiftParams),
    /// ReBased without LayerNorm (§2.5c).
    Rebased(TaylorParams),
    /// FLatten, focused linear attention (§2.6).
    Flatten(FlattenParams),
    /// Hedgehog, exp of an affine map (§2.7).
    Hedgehog(HedgehogParams),
    /// Linear Log-Normal attention, optionally + block-diagonal softmax (§2.8).
    Lln(LlnParams),
    /// Flowformer, conservation flows (§2.9).
    Flowformer(FlowformerParams),
    /// RALA, 1-D adaptation (§2.10).
    Rala(VisionParams),
    /// NaLaFormer, 1-D adaptation (§2.11).
    Nalaformer(VisionParams),
    /// MHLA, block-mixed linear attention (§2.13).
    Mhla(MhlaParams),
    /// Softmax over a sliding window of keys (§9.1).
    SlidingWindow(SlidingWindowParams),
    /// Neighborhood attention, k keys per query (§9.2).
    Neighborhood(NeighborhoodParams),
    /// Linformer, keys and values projected to length k (§3.1).
    Linformer(LinformerParams),
    /// Nyströmformer, landmarks and a pseudo-inverse (§3.2).
    Nystrom(NystromParams),
    /// FLARE, routing through latent queries (§3.3).
    Flare(FlareParams),
    /// FNet, Fourier token mixing (§10).
    Fnet(FnetParams),
    /// YOSO, hashing / Bernoulli sampling (§4.1).
    Yoso(YosoParams),
    /// RetNet retention, fixed scalar decay (§5.1).
    Retnet(RetnetParams),
    /// Lightning Attention, fixed scalar decay without scale (§5.2).
    Lightning(LightningParams),
    /// Mamba-2 / SSD, data-dependent scalar decay (§5.3).
    Mamba2(Mamba2Params),
    /// Gated linear attention, per-channel decay (§5.4).
    Gla(GlaParams),
    /// HGRN, per-channel gated linear RNN without q, k (§5.5).
    Hgrn(HgrnParams),
    /// DeltaNet, the delta rule (§6.1).
    Deltanet(DeltanetParams),
    /// Gated DeltaNet, delta rule + scalar decay (§6.2).
    GatedDeltanet(GatedDeltanetParams),
    /// Kimi Delta Attention, delta rule + per-channel decay (§6.3).
    Kda(KdaParams),
    /// Log-linear attention over a Mamba-2 decay (§7).
    Loglinear(LoglinearParams),
    /// HLA, second-order linear attention (§8).
    Hla(HlaParams),
    /// AHLA, asymmetric second-order linear attention (§8).
    Ahla(HlaParams),
}

/// The result of running a variant.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionOutput {
    /// `O`, n × d_v.
    pub output: Matrix,
    /// `A`, n × n, when it was asked for.
    pub attention: Option<Matrix>,
}

/// The largest feature dimension m a kernel variant may use (the state is m × d_v per chunk).
pub const MAX_FEATURES: usize = 4_096;

impl VariantSpec {
    fn validate(&self) -> Result<()> {
        match self {
            VariantSpec::Softmax(p) => p.validate(),
            VariantSpec::LinearElu(p) => p.validate(),
            VariantSpec::LinearRelu(p) => p.validate(),
            VariantSpec::Performer(p) => p.validate(),
            VariantSpec::Cosformer(p) => p.validate(),
            VariantSpec::Based(p) | VariantSpec::Rebased(p) => p.validate(),
            VariantSpec::Taylorshift(p) => p.validate(),
            VariantSpec::Flatten(p) => p.validate(),
            VariantSpec::Hedgehog(p) => p.validate(),
            VariantSpec::Lln(p) => p.validate(),
            VariantSpec::Flowformer(p) => p.validate(),
            VariantSpec::Rala(_) | VariantSpec::Nalaformer(_) => Ok(()),
            VariantSpec::Mhla(p) => p.validate(),
            VariantSpec::SlidingWindow(p) => p.validate(),
            VariantSpec::Neighborhood(p) => p.validate(),
            VariantSpec::Linformer(p) => p.validate(),
            VariantSpec::Nystrom(p) => p.validate(),
            VariantSpec::Flare(p) => p.validate(),
            VariantSpec::Fnet(_) => Ok(()),
            VariantSpec::Yoso(p) => p.validate(),
            VariantSpec::Retnet(p) => p.validate(),
            VariantSpec::Lightning(p) => p.validate(),
            VariantSpec::Mamba2(p) => p.validate(),
            VariantSpec::Gla(p) => p.validate(),
            VariantSpec::Hgrn(p) => p.validate(),
            VariantSpec::Deltanet(p) => p.validate(),
            VariantSpec::GatedDeltanet(p) => p.validate(),
            VariantSpec::Kda(p) => p.validate(),
            VariantSpec::Loglinear(p) => p.validate(),
            VariantSpec::Hla(p) | VariantSpec::Ahla(p) => p.validate(),
        }
    }

    /// Rejects a mask the variant has no form for, naming `causal`.
    pub fn check_mask(&self, causal: bool) -> Result<()> {
        if self.is_recurrent() && !causal {
            return Err(gated::causal_only(self.name()));
        }
        let why = match self {
            VariantSpec::Linformer(_) => "the projection mixes future tokens into every key",
            VariantSpec::Nystrom(_) => "the landmarks average over future tokens",
            VariantSpec::Fnet(_) => "the Fourier transform mixes every token (encoder-only)",
            VariantSpec::Rala(_) => "the key importance uses the mean of every query",
            VariantSpec::Nalaformer(_) => "it is a non-causal vision design",
            _ => return Ok(()),
        };
        if causal {
            return Err(lowrank::no_causal_form(self.name(), why));
        }
        Ok(())
    }

    /// Each row's support for a request's `causal` flag.
    pub fn mask(&self, causal: bool) -> Mask {
        match self {
            VariantSpec::SlidingWindow(p) => Mask::Window {
                window: p.window,
                causal,
            },
            VariantSpec::Neighborhood(p) => p.mask(causal),
            _ => Mask::from_causal(causal),
        }
    }

    /// The softmax family (softmax, sliding window, neighborhood): the logit scale `s/τ` and the
    /// mask; `None` for other variants.
    pub fn softmax_form(&self, qkv: &Qkv, causal: bool) -> Result<Option<(f64, Mask)>> {
        let d_k = qkv.d_k();
        let scale = match self {
            VariantSpec::Softmax(p) => p.effective_scale(d_k),
            VariantSpec::SlidingWindow(p) => p.effective_scale(d_k),
            VariantSpec::Neighborhood(p) => {
                p.check_length(qkv.n())?;
                1.0 / (d_k as f64).sqrt()
            }
            _ => return Ok(None),
        };
        Ok(Some((scale, self.mask(causal))))
    }

    /// LLN+Diag's block-diagonal softmax branch (scale and mask), mixed half and half with the
    /// kernel part; `None` for every other variant.
    pub fn diagonal_softmax(&self, qkv: &Qkv, causal: bool) -> Option<(f64, Mask)> {
        match self {
            VariantSpec::Lln(p) if p.diag => Some((
                1.0 / (qkv.d_k() as f64).sqrt(),
                Mask::Block {
                    size: p.block.unwrap_or(qkv.d_k()),
                    causal,
                },
            )),
            _ => None,
        }
    }

    /// The same variant with every default that depends on the input filled in.
    pub fn resolved(&self, d_k: usize) -> VariantSpec {
        match self {
            VariantSpec::Softmax(p) => VariantSpec::Softmax(p.resolved(d_k)),
            VariantSpec::SlidingWindow(p) => VariantSpec::SlidingWindow(p.resolved(d_k)),
            VariantSpec::Linformer(p) => VariantSpec::Linformer(p.resolved()),
            VariantSpec::Flare(p) => VariantSpec::Flare(p.resolved()),
            VariantSpec::Lln(p) => VariantSpec::Lln(p.resolved(d_k)),
            VariantSpec::Mhla(p) => VariantSpec::Mhla(p.resolved()),
            VariantSpec::Performer(p) => VariantSpec::Performer(p.resolved()),
            VariantSpec::Retnet(p) => VariantSpec::Retnet(p.resolved(d_k)),
            VariantSpec::Gla(p) => VariantSpec::Gla(p.resolved(d_k)),
            other => other.clone(),
        }
    }

    /// The recurrent families of §5–§8 (decay, delta rule, log-linear, higher-order): causal only,
    /// with an observable state.
    pub fn is_recurrent(&self) -> bool {
        matches!(
            self,
            VariantSpec::Retnet(_)
                | VariantSpec::Lightning(_)
                | VariantSpec::Mamba2(_)
                | VariantSpec::Gla(_)
                | VariantSpec::Hgrn(_)
                | VariantSpec::Deltanet(_)
                | VariantSpec::GatedDeltanet(_)
                | VariantSpec::Kda(_)
                | VariantSpec::Loglinear(_)
                | VariantSpec::Hla(_)
                | VariantSpec::Ahla(_)
        )
    }

    /// The feature map, normaliser and chunk size of a kernel variant; `None` for the others.
    pub fn kernel_setup(&self, qkv: &Qkv) -> Result<Option<KernelSetup>> {
        kernel::setup::kernel_setup(self, qkv)
    }
}
