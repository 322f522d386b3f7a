//! The catalog cards of the decay-gated variants (variants.md §5.1–§5.4): RetNet, Lightning,
//! Mamba-2 and GLA, with their parameter schemas built from the parser's ranges in `decay.rs`.

use super::cards::{array_schema, seed_schema, Family};
use super::decay::{default_a, default_gamma, default_slope, GAMMA, MAMBA_A, SCALE, SKIP, SLOPE};
use crate::attention::kernel::chunk_size_schema;
use crate::catalog::{CatalogEntry, Paper, ParamSchema};

fn scale_schema() -> ParamSchema {
    ParamSchema {
        default_note: Some("1/sqrt(d_k)"),
        ..SCALE.number("scale", None, true, "multiplies the queries")
    }
}

/// The catalog card of `retnet`.
pub fn retnet_catalog_entry() -> CatalogEntry {
    Family::DecayGated.card(
        "retnet",
        "RetNet (retention)",
        "Linear attention with a fixed exponential forgetting γ^(i−j): a causal, signed, \
         Toeplitz-decayed map whose recurrent state shrinks by γ each step.",
        Paper {
            title: "Retentive Network: A Successor to Transformer for Large Language Models",
            authors: "Sun, Dong, Huang, Ma, Xia, Xue, Wang, Wei",
            venue: "arXiv 2307.08621",
            year: 2023,
        },
        "5.1",
        vec![
            GAMMA.number("gamma", Some(default_gamma()), false, "decay per step"),
            scale_schema(),
            chunk_size_schema(),
        ],
        r"A_{ij} = s\,(q_i\cdot k_j)\,\gamma^{\,i-j}\ \ (j \le i)",
    )
}

/// The catalog card of `lightning`.
pub fn lightning_catalog_entry() -> CatalogEntry {
    Family::DecayGated.card(
        "lightning",
        "Lightning Attention (TransNormerLLM)",
        "RetNet's decay with an ALiBi slope and no 1/sqrt(d) scale; Lightning-2 tiles it into \
         quadratic blocks plus a recurrent carry.",
        Paper {
            title: "TransNormerLLM / Lightning Attention-2",
            authors: "Qin, Li, Sun, Sun, Shen, Han, Lv, Luo, Qiao, Zhong",
            venue: "arXiv 2307.14995, 2401.04658",
            year: 2024,
        },
        "5.2",
        vec![
            SLOPE.number(
                "slope",
                Some(default_slope()),
                false,
                "decay e^(−slope) per step",
            ),
            chunk_size_schema(),
        ],
        r"A_{ij} = (q_i\cdot k_j)\,e^{-s\,(i-j)}\ \ (j \le i)",
    )
}

/// The catalog card of `mamba2`.
pub fn mamba2_catalog_entry() -> CatalogEntry {
    Family::DecayGated.card(
        "mamba2",
        "Mamba-2 (SSD)",
        "A selective state space model is attention with a data-dependent scalar decay: each \
         step Δ_t both writes (B scaled by Δ) and forgets (e^(aΔ)).",
        Paper {
            title: "Transformers are SSMs: Generalized Models and Efficient Algorithms Through \
                    Structured State Space Duality",
            authors: "Dao, Gu",
            venue: "ICML",
            year: 2024,
        },
        "5.3",
        vec![
            MAMBA_A.number("a", Some(default_a()), false, "decay rate (a ≤ 0)"),
            array_schema(
                "dt",
                "vector",
                "log-uniform in [1e-3, 0.1] from seed (n values)",
                "step sizes Δ_t",
            ),
            seed_schema("draws Δ"),
            SKIP.number("d_skip", Some(0.0), false, "skip D: adds D·I to A"),
            chunk_size_schema(),
        ],
        r"A_{ts} = (q_t\cdot k_s)\,\Delta_s\,e^{a\sum_{r=s+1}^{t}\Delta_r} + D\,\delta_{ts}",
    )
}

/// The catalog card of `gla`.
pub fn gla_catalog_entry() -> CatalogEntry {
    Family::DecayGated.card(
        "gla",
        "Gated Linear Attention (GLA)",
        "A data-dependent decay per key channel: each channel of the state forgets at its own \
         rate, so the decay moves inside the dot product.",
        Paper {
            title: "Gated Linear Attention Transformers with Hardware-Efficient Training",
            authors: "Yang, Wang, Shen, Panda, Kim",
            venue: "ICML",
            year: 2024,
        },
        "5.4",
        vec![
            array_schema(
                "log_gates",
                "matrix",
                "logsigmoid(N(0, 1)) / 16 from seed (n × d_k)",
                "per-channel log-gates g_t ≤ 0",
            ),
            seed_schema("draws the gates"),
            scale_schema(),
            chunk_size_schema(),
        ],
        r"A_{ij} = s\sum_c q_{ic}k_{jc}\,e^{G_{ic}-G_{jc}},\ \ G_i = \sum_{r\le i} g_r\ \ (j \le i)",
    )
}
