//! The single error type of the crate: every failure names the request field it is about, so the
//! CLI can print `{"error": {"field", "message"}}` and the page can show it next to the control.

use serde::Serialize;

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, grouped by cause.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    // ── The request: syntax, shapes, values, limits ─────────────────────────────────────────
    /// Malformed JSON, a wrong type, an unknown field or an unknown name.
    #[error("{field}: {message}")]
    Invalid {
        /// Dotted path of the offending field, e.g. `variant.name`.
        field: String,
        /// What is wrong, and what would be accepted.
        message: String,
    },
    /// Two arrays that must agree in size do not.
    #[error("{field}: expected {expected}, got {got}")]
    Shape {
        /// Dotted path of the offending array.
        field: String,
        /// The shape that was required.
        expected: String,
        /// The shape that was given.
        got: String,
    },
    /// A size or value outside the range the engine accepts.
    #[error("{field}: {value} is outside {range} ({why})")]
    Limit {
        /// Dotted path of the offending field.
        field: String,
        /// The value given.
        value: String,
        /// The accepted range, e.g. `1..=256`.
        range: String,
        /// Why the limit exists.
        why: String,
    },
    /// NaN or ±Inf in an input array or parameter.
    #[error("{field}: not a finite number ({value})")]
    NonFinite {
        /// Path of the entry, e.g. `workload.q[2][1]`.
        field: String,
        /// The value as text.
        value: String,
    },

    // ── The GPU ──────────────────────────────────────────────────────────────────────────────
    /// No adapter (no WebGPU in this browser, no Vulkan driver natively).
    #[error("backend: no GPU adapter: {reason}")]
    NoAdapter {
        /// Why, as the platform said it.
        reason: String,
    },
    /// A request that fits the CPU path but not this device's limits.
    #[error("{field}: {message}")]
    GpuLimit {
        /// Field whose size hit the limit.
        field: String,
        /// Which limit, with both numbers.
        message: String,
    },
    /// The variant (with this mask) has no GPU kernel; `auto` falls back to the CPU.
    #[error("backend: {message}")]
    NoGpuForm {
        /// Which variant and mask, and why.
        message: String,
    },
    /// Device creation, validation, submission or readback failed.
    #[error("backend: GPU {op} failed: {message}")]
    Gpu {
        /// The operation (`request_device`, `readback`, ...).
        op: &'static str,
        /// What the driver said.
        message: String,
    },

    // ── Numerics ─────────────────────────────────────────────────────────────────────────────
    /// The request's own numbers overflow the arithmetic (inputs too large for the variant's
    /// exponentials or products in f32): a request problem, named at the input, not a failure
    /// of the machine.
    #[error("{field}: {message}")]
    Overflow {
        /// The input whose magnitude is to blame (`workload.q`, ...).
        field: String,
        /// What overflowed, and the magnitudes involved.
        message: String,
    },
    /// A computation that did not converge or produced a non-finite value.
    #[error("{field}: {message}")]
    Numerical {
        /// The output concerned (`stats`, `output`, ...).
        field: String,
        /// What happened.
        message: String,
    },
}

/// The JSON form of an error: `{"field": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorBody {
    /// Dotted path of the field the error is about.
    pub field: String,
    /// Human-readable message with the limit or the accepted values.
    pub message: String,
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The dotted path of the request field this error is about.
    pub fn field(&self) -> &str {
        match self {
            Error::Invalid { field, .. }
            | Error::Shape { field, .. }
            | Error::Limit { field, .. }
            | Error::NonFinite { field, .. }
            | Error::GpuLimit { field, .. }
            | Error::Overflow { field, .. }
            | Error::Numerical { field, .. } => field,
            Error::NoAdapter { .. } | Error::NoGpuForm { .. } | Error::Gpu { .. } => "backend",
        }
    }

    /// True when the request itself is at fault (the CLI exits with status 2), false when the
    /// machine is (no GPU, a driver failure: status 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Invalid { .. }
                | Error::Shape { .. }
                | Error::Limit { .. }
                | Error::NonFinite { .. }
                | Error::Overflow { .. }
        )
    }

    /// The message without the field prefix.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.field());
        full.strip_prefix(&prefix)
            .map(str::to_owned)
            .unwrap_or(full)
    }

    /// The `{field, message}` body used by the CLI and the wasm API.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            field: self.field().to_owned(),
            message: self.message(),
        }
    }
}
