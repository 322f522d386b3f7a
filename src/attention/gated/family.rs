//! One handle on every recurrent variant of §5–§8 after its parameters are applied, with the three
//! forms behind one interface: the closed form (`A`), the chunkwise form (`O` without n × n) and
//! the recurrent form (`O` and the observable state).

use super::forms;
use super::hgrn::{self, HgrnParams};
use super::hla::{self, HlaSetup, Order};
use super::loglinear::{self, LoglinearSetup};
use super::GatedSetup;
use crate::attention::{AttentionOutput, VariantSpec};
use crate::error::Result;
use crate::tensor::Matrix;
use crate::workload::Qkv;

/// A recurrent variant ready to run.
pub enum Recurrent {
    /// Decay and delta-rule variants (one `d_k × d_v` state).
    Gated(GatedSetup),
    /// HGRN (one scalar state per value channel).
    Hgrn(HgrnParams),
    /// Log-linear attention (one state per Fenwick level).
    Loglinear(LoglinearSetup, usize),
    /// HLA and AHLA (a second-order state, read as a `d_k × d_v` operator).
    Hla(HlaSetup, usize),
}

/// The recurrent form's result: `O`, the states at the traced steps (one matrix per level; one
/// level except for log-linear attention) and the final states.
pub struct Run {
    /// `O`, n × d_v.
    pub output: Matrix,
    /// `(t, states)` in the order asked.
    pub trace: Vec<(usize, Vec<Matrix>)>,
    /// The states after the last token.
    pub last: Vec<Matrix>,
}

impl VariantSpec {
    /// The recurrent handle of a §5–§8 variant on `qkv` (RoPE already applied); `None` for the
    /// others.
    pub fn recurrent_setup(&self, qkv: &Qkv) -> Result<Option<Recurrent>> {
        Ok(Some(match self {
            VariantSpec::Retnet(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::Lightning(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::Mamba2(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::Gla(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::Deltanet(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::GatedDeltanet(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::Kda(p) => Recurrent::Gated(p.setup(qkv)?),
            VariantSpec::Hgrn(p) => {
                p.channel_setups(qkv)?;
                Recurrent::Hgrn(p.clone())
            }
            VariantSpec::Loglinear(p) => Recurrent::Loglinear(p.setup(qkv)?, p.chunk_size),
            VariantSpec::Hla(p) => {
                Recurrent::Hla(HlaSetup::new(p, qkv, Order::Symmetric), p.chunk_size)
            }
            VariantSpec::Ahla(p) => {
                Recurrent::Hla(HlaSetup::new(p, qkv, Order::Asymmetric), p.chunk_size)
            }
            _ => return Ok(None),
        }))
    }
}

impl Recurrent {
    /// `O` and `A` by the closed form (the specification).
    pub fn closed_form(&self, qkv: &Qkv) -> Result<(Matrix, Matrix)> {
        Ok(match self {
            Recurrent::Gated(s) => forms::closed_form(s, &qkv.v),
            Recurrent::Hgrn(p) => hgrn::closed_form(p, qkv)?,
            Recurrent::Loglinear(s, _) => loglinear::closed_form(s, &qkv.v),
            Recurrent::Hla(s, _) => hla::closed_form(s, &qkv.v),
        })
    }

    /// `O` by the chunkwise form with chunk size `chunk`.
    pub fn chunked(&self, qkv: &Qkv, chunk: usize) -> Result<Matrix> {
        Ok(match self {
            Recurrent::Gated(s) => forms::chunked(s, &qkv.v, chunk),
            Recurrent::Hgrn(p) => hgrn::chunked(p, qkv, chunk)?,
            Recurrent::Loglinear(s, _) => loglinear::chunked(s, &qkv.v, chunk),
            Recurrent::Hla(s, _) => hla::chunked(s, &qkv.v, chunk),
        })
    }

    /// The chunk size the variant's parameters ask for.
    pub fn chunk(&self) -> usize {
        match self {
            Recurrent::Gated(s) => s.chunk,
            Recurrent::Hgrn(p) => p.chunk_size,
            Recurrent::Loglinear(_, c) | Recurrent::Hla(_, c) => *c,
        }
    }

    /// The recurrent form, keeping the states after each step in `trace`.
    pub fn recurrent(&self, qkv: &Qkv, trace: &[usize]) -> Result<Run> {
        Ok(match self {
            Recurrent::Gated(s) => single(forms::recurrent(s, &qkv.v, trace)),
            Recurrent::Hgrn(p) => single(hgrn::recurrent(p, qkv, trace)?),
            Recurrent::Loglinear(s, _) => {
                let n = qkv.n();
                let mut steps = trace.to_vec();
                steps.push(n - 1);
                let (output, mut states) = loglinear::recurrent(s, &qkv.v, &steps);
                let last = states.pop().map(|(_, m)| m).unwrap_or_default();
                Run {
                    output,
                    trace: states,
                    last,
                }
            }
            Recurrent::Hla(s, _) => {
                let (output, states, last) = hla::recurrent(s, &qkv.v, trace);
                Run {
                    output,
                    trace: states.into_iter().map(|(t, m)| (t, vec![m])).collect(),
                    last: vec![last],
                }
            }
        })
    }

    /// The CPU forward pass: the closed form when `A` is wanted, else the chunkwise form.
    pub fn forward(&self, qkv: &Qkv, want_attention: bool) -> Result<AttentionOutput> {
        if want_attention {
            let (output, attention) = self.closed_form(qkv)?;
            return Ok(AttentionOutput {
                output,
                attention: Some(attention),
            });
        }
        Ok(AttentionOutput {
            output: self.chunked(qkv, self.chunk())?,
            attention: None,
        })
    }
}

fn single(r: forms::Recurrence) -> Run {
    Run {
        output: r.output,
        trace: r.states.into_iter().map(|(t, m)| (t, vec![m])).collect(),
        last: vec![r.last],
    }
}
