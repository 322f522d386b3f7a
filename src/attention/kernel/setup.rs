//! Which feature map, normaliser guard and chunk size each kernel variant uses: the bridge from
//! a `VariantSpec` to the family's shared forms.

use super::cosformer::CosFeatures;
use super::elu::EluPlusOne;
use super::flatten::Focused;
use super::hedgehog::Hedgehog;
use super::lln::{self, LogNormal};
use super::performer::Favor;
use super::relu::Relu;
use super::taylor::Taylor;
use super::vision::{self, NormAware, Rala};
use super::{FeatureMap, KernelSetup, Normaliser, DEFAULT_CHUNK_SIZE};
use crate::attention::rope::rotate_halves;
use crate::attention::{VariantSpec, MAX_FEATURES};
use crate::error::{Error, Result};
use crate::workload::Qkv;

/// The setup of `spec` on `qkv`; `None` for variants outside the kernel family.
pub fn kernel_setup(spec: &VariantSpec, qkv: &Qkv) -> Result<Option<KernelSetup>> {
    let (q, k, n) = (&qkv.q, &qkv.k, qkv.n());
    let setup = match spec {
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
        VariantSpec::LinearElu(p) => KernelSetup::new(
            &EluPlusOne,
            q,
            k,
            qkv.rope,
            Normaliser::PlusEps(p.eps),
            p.chunk_size,
        ),
        VariantSpec::LinearRelu(p) => {
            let map = Relu { delta: p.delta };
            KernelSetup::new(
                &map,
                q,
                k,
                qkv.rope,
                Normaliser::PlusEps(p.eps),
                p.chunk_size,
            )
        }
        VariantSpec::Performer(p) => {
            let map = Favor {
                w: p.projection(qkv.d_k())?,
                hyperbolic: p.hyperbolic,
                delta: p.delta,
            };
            KernelSetup::new(&map, q, k, qkv.rope, Normaliser::PlusEps(0.0), p.chunk_size)
        }
        VariantSpec::Cosformer(p) => {
            let map = CosFeatures { m_len: n };
            KernelSetup::new(
                &map,
                q,
                k,
                qkv.rope,
                Normaliser::ClampMin(p.eps),
                p.chunk_size,
            )
        }
        VariantSpec::Based(p) | VariantSpec::Rebased(p) => {
            let map = if matches!(spec, VariantSpec::Based(_)) {
                Taylor::Based
            } else {
                Taylor::ReBased
            };
            check_feature_dim(map.feature_dim(qkv.d_k()))?;
            KernelSetup::new(
                &map,
                q,
                k,
                qkv.rope,
                Normaliser::PlusEps(p.eps),
                p.chunk_size,
            )
        }
        VariantSpec::Taylorshift(p) => {
            let map = Taylor::TaylorShift { tau: p.tau };
            check_feature_dim(map.feature_dim(qkv.d_k()))?;
            KernelSetup::new(&map, q, k, qkv.rope, Normaliser::PlusEps(0.0), p.chunk_size)
        }
        VariantSpec::Flatten(p) => {
            let map = Focused {
                power: p.power,
                sigma: p.sigma,
            };
            KernelSetup::new(
                &map,
                q,
                k,
                qkv.rope,
                Normaliser::PlusEps(p.eps),
                p.chunk_size,
            )
        }
        VariantSpec::Lln(p) => {
            let (alpha, beta) = lln::scales(q, k);
            let map = LogNormal { alpha, beta };
            KernelSetup::new(
                &map,
                q,
                k,
                qkv.rope,
                Normaliser::PlusEps(lln::EPS),
                p.chunk_size,
            )
        }
        VariantSpec::Rala(p) => {
            let map = Rala {
                alpha: vision::key_importance(q, k),
            };
            let rope = qkv.rope || p.rope;
            KernelSetup::new(
                &map,
                q,
                k,
                rope,
                Normaliser::PlusEps(vision::EPS),
                DEFAULT_CHUNK_SIZE,
            )
        }
        VariantSpec::Nalaformer(p) => {
            let rope = qkv.rope || p.rope;
            vision::check_rope_layout(qkv.d_k(), rope)?;
            let (fq, fk) = (NormAware.queries(q), NormAware.keys(k));
            let (fq_rot, fk_rot) = if rope {
                (Some(rotate_halves(&fq)), Some(rotate_halves(&fk)))
            } else {
                (None, None)
            };
            KernelSetup {
                fq,
                fk,
                fq_rot,
                fk_rot,
                norm: Normaliser::PlusEps(vision::EPS),
                chunk: DEFAULT_CHUNK_SIZE,
            }
        }
        VariantSpec::Hedgehog(p) => {
            let (w, bias) = p.affine(qkv.d_k())?;
            let map = Hedgehog {
                w,
                bias,
                form: p.form,
            };
            KernelSetup::new(&map, q, k, qkv.rope, Normaliser::PlusEps(0.0), p.chunk_size)
        }
    };
    Ok(Some(setup))
}

fn check_feature_dim(m: usize) -> Result<()> {
    if m > MAX_FEATURES {
        return Err(Error::Limit {
            field: "workload.d_k".into(),
            value: format!("a feature dimension of {m}"),
            range: format!("at most {MAX_FEATURES} features"),
            why: "second-order maps need O(d_k²) features; use d_k ≤ 64 (Based projects to 16)"
                .into(),
        });
    }
    Ok(())
}
