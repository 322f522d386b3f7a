//! The CPU reference's dispatch: which form of each variant computes `O` (and `A` when asked).

use super::{
    fnet, kernel, lowrank, sampling::yoso, softmax, softmax_fast, AttentionOutput, VariantSpec,
};
use crate::error::{Error, Result};
use crate::workload::Qkv;

impl VariantSpec {
    /// Runs the CPU reference. `A` is built by the quadratic form only when `want_attention`;
    /// otherwise kernel variants use their chunkwise form and never build n × n.
    pub fn forward_cpu(
        &self,
        qkv: &Qkv,
        causal: bool,
        want_attention: bool,
    ) -> Result<AttentionOutput> {
        self.check_mask(causal)?;
        if let Some((scale, mask)) = self.softmax_form(qkv, causal)? {
            let rotated = qkv.with_rope_applied();
            if !want_attention {
                // Long sequences take the fast form (f32 blocked products); short ones the
                // reference, which costs nothing there.
                let output = if qkv.n() >= softmax_fast::FAST_FROM_N {
                    softmax_fast::softmax_output_fast(&rotated, scale, mask)
                } else {
                    softmax::softmax_output(&rotated, scale, mask)
                };
                return Ok(AttentionOutput {
                    output,
                    attention: None,
                });
            }
            let (output, attention) = softmax::softmax_attention(&rotated, scale, mask);
            return Ok(AttentionOutput {
                output,
                attention: Some(attention),
            });
        }
        match self {
            VariantSpec::Linformer(p) => {
                return lowrank::linformer::forward(p, &qkv.with_rope_applied(), want_attention)
            }
            VariantSpec::Nystrom(p) => {
                return lowrank::nystrom::forward(p, &qkv.with_rope_applied(), want_attention)
            }
            VariantSpec::Flare(p) => {
                return lowrank::flare::forward(p, &qkv.with_rope_applied(), causal, want_attention)
            }
            VariantSpec::Fnet(_) => return fnet::forward(qkv, want_attention),
            VariantSpec::Mhla(p) => {
                return kernel::mhla::forward(p, qkv, causal, want_attention);
            }
            VariantSpec::Flowformer(p) => {
                return Ok(kernel::flowformer::forward(
                    p,
                    &qkv.with_rope_applied(),
                    causal,
                    want_attention,
                ))
            }
            VariantSpec::Yoso(p) => {
                return Ok(yoso::forward(
                    p,
                    &qkv.with_rope_applied(),
                    causal,
                    want_attention,
                ))
            }
            _ => {}
        }
        if self.is_recurrent() {
            let rotated = qkv.with_rope_applied();
            if let Some(recurrent) = self.recurrent_setup(&rotated)? {
                return recurrent.forward(&rotated, want_attention);
            }
        }
        let Some(s) = self.kernel_setup(qkv)? else {
            return Err(Error::invalid(
                "variant.name",
                format!("{} has no CPU form", self.name()),
            ));
        };
        let linear = if want_attention {
            let (output, attention) = kernel::quadratic(&s, &qkv.v, causal);
            AttentionOutput {
                output,
                attention: Some(attention),
            }
        } else {
            AttentionOutput {
                output: if qkv.n() >= softmax_fast::FAST_FROM_N {
                    kernel::chunked_fast::chunked_fast(&s, &qkv.v, causal, s.chunk)
                } else {
                    kernel::chunked(&s, &qkv.v, causal, s.chunk)
                },
                attention: None,
            }
        };
        if let VariantSpec::Flatten(p) = self {
            if let Some(dwc) = p.dwc(qkv.d_v(), causal)? {
                return Ok(dwc.add_to(linear, &qkv.v, p.channel));
            }
        }
        match self.diagonal_softmax(qkv, causal) {
            Some((scale, mask)) if want_attention => {
                let (o_bd, a_bd) =
                    softmax::softmax_attention(&qkv.with_rope_applied(), scale, mask);
                Ok(kernel::lln::mix_halves(linear, &o_bd, Some(&a_bd)))
            }
            Some((scale, mask)) => {
                let o_bd = softmax::softmax_output(&qkv.with_rope_applied(), scale, mask);
                Ok(kernel::lln::mix_halves(linear, &o_bd, None))
            }
            None => Ok(linear),
        }
    }
}
