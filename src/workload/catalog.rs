//! The workload catalog: each synthetic kind's card (what it shows, whether RoPE is on by
//! default, its parameters with the parser's own ranges and defaults) and the size limits, served
//! next to the variant catalog (`attnscope catalog`, wasm `catalog()`) so the page never keeps a
//! second copy of them.

use super::{COUNT, SPREAD, STRENGTH};
use crate::catalog::ParamSchema;
use crate::schema::Limits;
use serde::Serialize;
use serde_json::Value;

/// One workload kind.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadCard {
    /// `workload.kind`.
    pub kind: &'static str,
    /// What it is, in one line.
    pub idea: &'static str,
    /// RoPE is on unless the request switches it off.
    pub rope_default: bool,
    /// The kind's own parameters (besides n, d_k, d_v, seed, rope).
    pub params: Vec<ParamSchema>,
}

/// The sizes every request is held to.
#[derive(Debug, Clone, Serialize)]
pub struct LimitsCard {
    /// Largest n.
    pub n_max: usize,
    /// Largest d_k.
    pub d_k_max: usize,
    /// Largest d_v.
    pub d_v_max: usize,
    /// Largest n with `"attention"` in `outputs` (the n × n budget).
    pub attention_n_max: usize,
    /// Largest n with `"stats"` in `outputs`.
    pub stats_n_max: usize,
}

fn count(name: &'static str, default: usize, description: &'static str) -> ParamSchema {
    ParamSchema {
        kind: "integer",
        default: Value::from(default),
        ..COUNT.number(name, None, true, description)
    }
}

/// Every synthetic kind, in the order of `WORKLOAD_KINDS` (`given` has no parameters of its own).
pub fn catalog() -> Vec<WorkloadCard> {
    vec![
        WorkloadCard {
            kind: "gaussian",
            idea: "Q, K, V with iid N(0, 1) entries: no structure at all.",
            rope_default: false,
            params: vec![],
        },
        WorkloadCard {
            kind: "clustered",
            idea: "Queries and keys around a few centres: softmax picks a cluster, smooth maps blur them.",
            rope_default: false,
            params: vec![
                count("clusters", 4, "number of centres"),
                SPREAD.number("spread", Some(0.3), false, "noise around each centre"),
            ],
        },
        WorkloadCard {
            kind: "local",
            idea: "One shared direction, so under RoPE nearby tokens match best (RoPE on by default).",
            rope_default: true,
            params: vec![STRENGTH.number(
                "strength",
                Some(3.0),
                false,
                "norm of the shared direction: how strongly position decides the score",
            )],
        },
        WorkloadCard {
            kind: "copy",
            idea: "A pattern repeating with a period, keys shifted by one: an induction head's inputs.",
            rope_default: false,
            params: vec![count("period", 8, "tokens per repeat")],
        },
        WorkloadCard {
            kind: "recall",
            idea: "Stored key–value pairs, then queries that each match one stored key.",
            rope_default: false,
            params: vec![count("pairs", 8, "stored key–value pairs")],
        },
        WorkloadCard {
            kind: "given",
            idea: "Your own Q, K, V as arrays of rows.",
            rope_default: false,
            params: vec![],
        },
    ]
}

/// The size limits.
pub fn limits() -> LimitsCard {
    LimitsCard {
        n_max: Limits::MAX_N,
        d_k_max: Limits::MAX_D_K,
        d_v_max: Limits::MAX_D_V,
        attention_n_max: Limits::MAX_N_ATTENTION,
        stats_n_max: Limits::MAX_N_STATS,
    }
}
