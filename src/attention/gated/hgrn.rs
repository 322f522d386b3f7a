//! HGRN (variants.md §5.5): Qin, Yang, Zhong, "Hierarchically Gated Recurrent Neural Network for
//! Sequence Modeling", NeurIPS 2023. A per-channel gated linear RNN with no q or k:
//! `h_t = f_t ⊙ h_{t−1} + (1 − f_t) ⊙ v_t`, `f_t = e^{g_t}`. Each value channel `c` has its own
//! token-mixing matrix `A^{(c)}_ts = e^{G_tc − G_sc} (1 − f_sc)` for `s ≤ t`: the "pure decay map"
//! baseline. `attention` is the matrix of channel `channel`; output column `c` uses channel `c`'s.
//!
//! Each channel is the gated recurrence with `d_k = 1`, `q = 1`, `k_s = 1 − f_s`, so it shares the
//! closed, recurrent and chunkwise forms of `forms.rs`.

use super::cards::{array_schema, seed_schema, SEED};
use super::forms::{self, Recurrence};
use super::gates::{self, log_sigmoid};
use super::{to_matrix, GatedSetup};
use crate::attention::kernel::{chunk_size_schema, default_chunk_size, Features, CHUNK_SIZE};
use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use crate::rng::stream;
use crate::tensor::Matrix;
use crate::workload::Qkv;
use serde::{Deserialize, Serialize};

/// Accepted `channel` indices (the request's `d_v` bounds it further).
pub const CHANNEL: Range = Range {
    min: 0.0,
    max: 255.0,
};

/// Parameters of `hgrn`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HgrnParams {
    /// Per-token, per-value-channel log forget gates (n × d_v, ≤ 0); drawn when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_gates: Option<Vec<Vec<f64>>>,
    /// Seed of the gates: `f = σ(z)`, `z ~ N(0, 1)`, so `g = logsigmoid(z)`.
    #[serde(default)]
    pub seed: u64,
    /// The value channel whose mixing matrix is returned as `attention`.
    #[serde(default)]
    pub channel: usize,
    /// Chunk size of the chunkwise form.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
}

impl HgrnParams {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(g) = &self.log_gates {
            gates::check_log_gates("log_gates", g.iter().map(Vec::as_slice))?;
        }
        SEED.check("seed", self.seed as f64, "a JSON-safe integer")?;
        CHANNEL.check(
            "channel",
            self.channel as f64,
            "a value channel (d_v ≤ 256)",
        )?;
        CHUNK_SIZE.check("chunk_size", self.chunk_size as f64, "tokens per chunk")
    }

    /// The log forget gates, n × d_v.
    pub fn gates(&self, n: usize, d_v: usize) -> Result<Features> {
        gates::matrix(
            "log_gates",
            self.log_gates.as_ref(),
            n,
            d_v,
            "d_v",
            self.seed,
            stream::GATES,
            |rng, _| log_sigmoid(rng.normal()),
        )
    }

    /// One single-channel gated problem per value channel.
    pub fn channel_setups(&self, qkv: &Qkv) -> Result<Vec<GatedSetup>> {
        let (n, d_v) = (qkv.n(), qkv.d_v());
        if self.channel >= d_v {
            return Err(Error::Limit {
                field: "variant.channel".into(),
                value: self.channel.to_string(),
                range: format!("0..={}", d_v - 1),
                why: "a value channel (d_v)".into(),
            });
        }
        let g = self.gates(n, d_v)?;
        Ok((0..d_v)
            .map(|c| GatedSetup {
                q: vec![vec![1.0]; n],
                k: g.iter().map(|row| vec![-row[c].exp_m1()]).collect(),
                log_gates: g.iter().map(|row| vec![row[c]]).collect(),
                beta: None,
                skip: 0.0,
                chunk: self.chunk_size,
            })
            .collect())
    }
}

/// Column `c` of `v` as an n × 1 matrix.
fn column(v: &Matrix, c: usize) -> Matrix {
    let mut col = Matrix::zeros(v.rows(), 1);
    for i in 0..v.rows() {
        col.set(i, 0, v.get(i, c));
    }
    col
}

/// Joins n × 1 columns side by side.
fn join(columns: &[Matrix]) -> Matrix {
    let n = columns.first().map_or(0, Matrix::rows);
    let rows: Features = (0..n)
        .map(|i| columns.iter().map(|c| f64::from(c.get(i, 0))).collect())
        .collect();
    to_matrix(&rows, columns.len())
}

/// `(O, A of channel p.channel)` by the closed form.
pub fn closed_form(p: &HgrnParams, qkv: &Qkv) -> Result<(Matrix, Matrix)> {
    let setups = p.channel_setups(qkv)?;
    let mut outputs = Vec::with_capacity(setups.len());
    let mut shown = Matrix::zeros(0, 0);
    for (c, s) in setups.iter().enumerate() {
        let (o, a) = forms::closed_form(s, &column(&qkv.v, c));
        outputs.push(o);
        if c == p.channel {
            shown = a;
        }
    }
    Ok((join(&outputs), shown))
}

/// `O` by the chunkwise form.
pub fn chunked(p: &HgrnParams, qkv: &Qkv, chunk: usize) -> Result<Matrix> {
    let setups = p.channel_setups(qkv)?;
    let outputs: Vec<Matrix> = setups
        .iter()
        .enumerate()
        .map(|(c, s)| forms::chunked(s, &column(&qkv.v, c), chunk))
        .collect();
    Ok(join(&outputs))
}

/// The recurrent form: `O`, and the hidden state `h_t` (1 × d_v) at the traced steps.
pub fn recurrent(p: &HgrnParams, qkv: &Qkv, trace: &[usize]) -> Result<Recurrence> {
    let setups = p.channel_setups(qkv)?;
    let runs: Vec<Recurrence> = setups
        .iter()
        .enumerate()
        .map(|(c, s)| forms::recurrent(s, &column(&qkv.v, c), trace))
        .collect();
    let outputs: Vec<Matrix> = runs.iter().map(|r| r.output.clone()).collect();
    let hidden = |pick: &dyn Fn(&Recurrence) -> Matrix| -> Matrix {
        let values: Vec<f64> = runs.iter().map(|r| f64::from(pick(r).get(0, 0))).collect();
        to_matrix(&[values], runs.len())
    };
    let states = trace
        .iter()
        .enumerate()
        .map(|(i, &t)| (t, hidden(&|r: &Recurrence| r.states[i].1.clone())))
        .collect();
    Ok(Recurrence {
        output: join(&outputs),
        states,
        last: hidden(&|r: &Recurrence| r.last.clone()),
    })
}

/// The catalog card of `hgrn`.
pub fn catalog_entry() -> CatalogEntry {
    CatalogEntry {
        name: "hgrn",
        title: "HGRN (gated linear RNN)",
        family: "decay-gated",
        idea: "No queries or keys at all: each channel forgets at its own data-dependent rate. \
               The map shows what decay alone does — a baseline for every gated variant.",
        paper: Paper {
            title: "Hierarchically Gated Recurrent Neural Network for Sequence Modeling",
            authors: "Qin, Yang, Zhong",
            venue: "NeurIPS",
            year: 2023,
        },
        spec_section: "5.5",
        cost: Cost {
            time: "O(N d_v)",
            memory: "O(d_v) state",
        },
        row_normalized: false,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: false,
        },
        params: vec![
            array_schema(
                "log_gates",
                "matrix",
                "logsigmoid(N(0, 1)) from seed (n × d_v)",
                "per-channel log forget gates g_t ≤ 0",
            ),
            seed_schema("draws the gates"),
            ParamSchema {
                kind: "integer",
                default: serde_json::Value::from(0),
                rules: vec![crate::catalog::ParamRule::BelowDv],
                ..CHANNEL.number(
                    "channel",
                    Some(0.0),
                    false,
                    "the value channel whose mixing matrix is shown",
                )
            },
            chunk_size_schema(),
        ],
        formula_tex: r"A^{(c)}_{ts} = e^{G_{tc}-G_{sc}}\,(1 - e^{g_{sc}})\ \ (s \le t),\quad o_{tc} = \sum_s A^{(c)}_{ts} v_{sc}",
        confirmed: true,
        constraints: Vec::new(),
    }
}
