//! `Request`: one variant on one workload on one backend, and which outputs to return.

use super::limits::Limits;
use super::parse::{check_size, params_from_value};
use crate::attention::VariantSpec;
use crate::error::{Error, Result};
use crate::workload::WorkloadSpec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which backend the caller asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// The CPU reference.
    Cpu,
    /// The GPU; an error when there is no adapter.
    Gpu,
    /// The GPU when an adapter exists, else the CPU (the response says why).
    #[default]
    Auto,
}

/// A reference to compare a variant against (statistics `vs_softmax`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompareTo {
    /// Softmax with the default scale and the request's mask, on the same Q, K, V.
    Softmax,
}

/// One requested output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum OutputKind {
    Output,
    Attention,
    Stats,
}

/// Which parts of the response to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outputs {
    /// `O = A V`, n × d_v.
    pub output: bool,
    /// The implicit matrix `A`, n × n.
    pub attention: bool,
    /// Statistics of `A`.
    pub stats: bool,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            output: true,
            attention: true,
            stats: true,
        }
    }
}

/// One evaluation: see docs/api.md for the JSON schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The variant and its parameters (defaults not yet filled in).
    pub variant: VariantSpec,
    /// Causal mask (`j ≤ i`).
    pub causal: bool,
    /// How Q, K, V are made.
    pub workload: WorkloadSpec,
    /// Requested backend.
    pub backend: BackendChoice,
    /// Requested outputs.
    pub outputs: Outputs,
    /// The reference for the error statistics, if any.
    pub compare_to: Option<CompareTo>,
    /// Token indices after which to return the recurrent state (recurrent variants only).
    pub state_trace: Option<Vec<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    variant: Value,
    #[serde(default)]
    causal: bool,
    workload: Value,
    #[serde(default)]
    backend: BackendChoice,
    outputs: Option<Vec<OutputKind>>,
    compare_to: Option<CompareTo>,
    state_trace: Option<Vec<usize>>,
}

impl Request {
    /// Parses and validates a request from JSON text.
    pub fn from_json_str(text: &str) -> Result<Request> {
        Request::from_value(super::json::parse_strict(text)?)
    }

    /// Parses and validates a request from a JSON value.
    pub fn from_value(value: Value) -> Result<Request> {
        if !value.is_object() {
            return Err(Error::invalid("", "expected a JSON object (a Request)"));
        }
        let raw: RawRequest = params_from_value("", value)?;
        let variant = VariantSpec::from_json(&raw.variant)?;
        let workload = WorkloadSpec::from_json(&raw.workload)?;
        let outputs = match raw.outputs {
            None => Outputs::default(),
            Some(list) => Outputs {
                output: list.contains(&OutputKind::Output),
                attention: list.contains(&OutputKind::Attention),
                stats: list.contains(&OutputKind::Stats),
            },
        };
        let request = Request {
            variant,
            causal: raw.causal,
            workload,
            backend: raw.backend,
            outputs,
            compare_to: raw.compare_to,
            state_trace: raw.state_trace,
        };
        request.check_budget()?;
        request.check_state_trace()?;
        Ok(request)
    }

    /// A state trace names steps of the sequence, and a variant that has a recurrent state.
    fn check_state_trace(&self) -> Result<()> {
        let Some(steps) = &self.state_trace else {
            return Ok(());
        };
        if !self.variant.is_recurrent() {
            return Err(Error::invalid(
                "state_trace",
                format!(
                    "{} has no recurrent state to trace; the decay, delta-rule, log-linear and \
                     higher-order variants have one",
                    self.variant.name()
                ),
            ));
        }
        crate::attention::gated::trace::check_steps(steps, self.workload.n())
    }

    /// The N×N outputs fit their budgets (see [`Limits`]).
    fn check_budget(&self) -> Result<()> {
        let n = self.workload.n();
        let hint =
            "materialises the n×n matrix; ask for \"outputs\": [\"output\"] on longer sequences";
        if self.outputs.attention {
            check_size(
                "outputs",
                n,
                Limits::MAX_N_ATTENTION,
                &format!("\"attention\" {hint}"),
            )
            .map_err(|e| with_value(e, n))?;
        }
        if self.outputs.stats {
            check_size(
                "outputs",
                n,
                Limits::MAX_N_STATS,
                &format!("\"stats\" {hint}"),
            )
            .map_err(|e| with_value(e, n))?;
        }
        Ok(())
    }
}

fn with_value(err: Error, n: usize) -> Error {
    match err {
        Error::Limit {
            field, range, why, ..
        } => Error::Limit {
            field,
            value: format!("n = {n}"),
            range: format!("n in {range}"),
            why,
        },
        other => other,
    }
}
