//! What the catalog cards of the recurrent families share: the flags of a causal-only, signed,
//! not row-normalised map, each family's cost, and the schemas of drawn or given arrays and seeds.

use crate::catalog::{CatalogEntry, Cost, Paper, ParamSchema, Range, Supports};

/// Accepted seeds (JSON-safe integers).
pub const SEED: Range = Range {
    min: 0.0,
    max: 9_007_199_254_740_991.0,
};

/// A recurrent family with one cost for all its variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// RetNet, Lightning, Mamba-2, GLA.
    DecayGated,
    /// DeltaNet, Gated DeltaNet, KDA.
    DeltaRule,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::DecayGated => "decay-gated",
            Family::DeltaRule => "delta-rule",
        }
    }

    fn cost(self) -> Cost {
        let time = match self {
            Family::DecayGated => "O(N d d_v) recurrent; O(N C d + N d d_v) chunkwise",
            Family::DeltaRule => "O(N d d_v) recurrent; O(N C d + N C² + N d d_v) chunkwise",
        };
        Cost {
            time,
            memory: "O(d d_v) state",
        }
    }

    /// A card of this family: causal only, signed, not row-normalised.
    #[allow(clippy::too_many_arguments)] // the card's text in reading order, then its parameters
    pub fn card(
        self,
        name: &'static str,
        title: &'static str,
        idea: &'static str,
        paper: Paper,
        spec_section: &'static str,
        params: Vec<ParamSchema>,
        formula_tex: &'static str,
    ) -> CatalogEntry {
        CatalogEntry {
            name,
            title,
            family: self.name(),
            idea,
            paper,
            spec_section,
            cost: self.cost(),
            row_normalized: false,
            signed: true,
            supports: Supports {
                causal: true,
                non_causal: false,
            },
            params,
            formula_tex,
            confirmed: true,
            constraints: Vec::new(),
        }
    }
}

/// The `seed` parameter of a variant whose arrays can be drawn.
pub fn seed_schema(what: &'static str) -> ParamSchema {
    ParamSchema {
        name: "seed",
        kind: "integer",
        default: serde_json::Value::from(0),
        min: Some(SEED.min),
        max: Some(SEED.max),
        description: what,
        ..Default::default()
    }
}

/// An array parameter (`vector`: n values; `matrix`: rows) with a note on its default.
pub fn array_schema(
    name: &'static str,
    kind: &'static str,
    default_note: &'static str,
    description: &'static str,
) -> ParamSchema {
    ParamSchema {
        name,
        kind,
        default_note: Some(default_note),
        description,
        ..Default::default()
    }
}
