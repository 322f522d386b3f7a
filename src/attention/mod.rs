//! The attention variants: `VariantSpec` is the registry (name + parameters), each variant's file
//! holds its CPU reference (the specification), and families share their math (`kernel/`).
//!
//! Every variant returns the output `O` and, where it is linear in `V`, the implicit attention
//! matrix `A` with `O = A V` (variants.md §0).

pub mod kernel;
pub mod softmax;

use crate::error::Result;
use crate::schema::params_from_value;
use crate::schema::parse::split_tag;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use kernel::elu::LinearEluParams;
use serde::Serialize;
use serde_json::Value;
use softmax::SoftmaxParams;

/// One attention mechanism with its parameters: the public names of the CLI, the wasm API and
/// the URL state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum VariantSpec {
    /// Scaled dot-product softmax attention (variants.md §1).
    Softmax(SoftmaxParams),
    /// Linear attention with φ = elu + 1 (Katharopoulos et al. 2020, variants.md §2.1).
    LinearElu(LinearEluParams),
}

/// The result of running a variant.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionOutput {
    /// `O`, n × d_v.
    pub output: Matrix,
    /// `A`, n × n, when it was asked for.
    pub attention: Option<Matrix>,
}

impl VariantSpec {
    /// Every accepted `variant.name`.
    pub const NAMES: &'static [&'static str] = &["softmax", "linear_elu"];

    /// Parses `{"name": ..., ...params}`; unknown names and parameters are errors naming the field.
    pub fn from_json(value: &Value) -> Result<Self> {
        let (name, params) = split_tag("variant", "name", value, Self::NAMES)?;
        let spec = match name.as_str() {
            "softmax" => VariantSpec::Softmax(params_from_value("variant", params)?),
            _ => VariantSpec::LinearElu(params_from_value("variant", params)?),
        };
        spec.validate()?;
        Ok(spec)
    }

    /// Every variant's catalog card, in the order of [`VariantSpec::NAMES`].
    pub fn catalog() -> Vec<crate::catalog::CatalogEntry> {
        vec![softmax::catalog_entry(), kernel::elu::catalog_entry()]
    }

    /// The public name.
    pub fn name(&self) -> &'static str {
        match self {
            VariantSpec::Softmax(_) => "softmax",
            VariantSpec::LinearElu(_) => "linear_elu",
        }
    }

    fn validate(&self) -> Result<()> {
        match self {
            VariantSpec::Softmax(p) => p.validate(),
            VariantSpec::LinearElu(p) => p.validate(),
        }
    }

    /// The same variant with every default that depends on the input filled in.
    pub fn resolved(&self, d_k: usize) -> VariantSpec {
        match self {
            VariantSpec::Softmax(p) => VariantSpec::Softmax(p.resolved(d_k)),
            VariantSpec::LinearElu(p) => VariantSpec::LinearElu(p.clone()),
        }
    }

    /// Runs the CPU reference. `A` is built only when `want_attention`; linear variants then use
    /// their linear-time form for `O`.
    pub fn forward_cpu(
        &self,
        qkv: &Qkv,
        causal: bool,
        want_attention: bool,
    ) -> Result<AttentionOutput> {
        match self {
            VariantSpec::Softmax(p) => {
                let (output, attention) =
                    softmax::softmax_attention(qkv, p.effective_scale(qkv.d_k()), causal);
                Ok(AttentionOutput {
                    output,
                    attention: want_attention.then_some(attention),
                })
            }
            VariantSpec::LinearElu(p) => {
                let (fq, fk) = kernel::feature_pair(&kernel::elu::EluPlusOne, qkv);
                if want_attention {
                    let (output, attention) = kernel::quadratic(&fq, &fk, &qkv.v, causal, p.eps);
                    Ok(AttentionOutput {
                        output,
                        attention: Some(attention),
                    })
                } else {
                    Ok(AttentionOutput {
                        output: kernel::recurrent(&fq, &fk, &qkv.v, causal, p.eps),
                        attention: None,
                    })
                }
            }
        }
    }
}
