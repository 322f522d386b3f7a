//! The GPU description of each kernel-family variant: which feature map the shaders apply to
//! queries and keys (with its constants and auxiliary table), the normaliser guard and the chunk
//! size. Exhaustive over the variants, so a new one cannot be missed silently.

use super::pipelines::kernel_features::{ExpStage, FeatureKind, FeatureSpec};
use crate::attention::kernel::cosformer::CosFeatures;
use crate::attention::kernel::hedgehog::HedgehogForm;
use crate::attention::kernel::taylor::Taylor;
use crate::attention::kernel::Normaliser;
use crate::attention::VariantSpec;
use crate::error::Result;
use crate::workload::Qkv;

/// elu + 1 on queries and keys (m = d_k), rotated in the numerator under RoPE: MHLA's map, and
/// the base every kernel variant's description starts from.
pub(super) fn elu_features(qkv: &Qkv) -> FeatureSpec {
    FeatureSpec {
        kind: FeatureKind::Elu,
        kind_keys: FeatureKind::Elu,
        rope: qkv.rope,
        rope_halves: false,
        m: qkv.d_k(),
        delta: 0.0,
        tau: 1.0,
        tau_keys: 1.0,
        power: 1.0,
        sigma: 1.0,
        aux: None,
        exp: ExpStage::None,
    }
}

/// The GPU description of a kernel variant's feature map, its normaliser guard and chunk size;
/// `None` for variants outside the kernel family.
pub(super) fn kernel_features(
    spec: &VariantSpec,
    qkv: &Qkv,
) -> Result<Option<(FeatureSpec, Normaliser, usize)>> {
    let d = qkv.d_k();
    let plain = |kind: FeatureKind, m: usize| FeatureSpec {
        kind,
        kind_keys: kind,
        m,
        ..elu_features(qkv)
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
