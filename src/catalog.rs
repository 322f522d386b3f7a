//! The variant catalog: what the page's picker and catalog tab, and `attnscope catalog`, show for
//! each variant (family, paper, cost, flags, parameter schema, formula). Each variant's file
//! writes its own entry; [`crate::attention::VariantSpec::catalog`] collects them.

use serde::Serialize;
use serde_json::Value;

/// One variant's card.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CatalogEntry {
    /// The public name (`variant.name`).
    pub name: &'static str,
    /// Display name.
    pub title: &'static str,
    /// Family (taxonomy tag of variants.md).
    pub family: &'static str,
    /// The idea in one line.
    pub idea: &'static str,
    /// The paper that introduced it.
    pub paper: Paper,
    /// The section of the spec (variants.md) it implements.
    pub spec_section: &'static str,
    /// Time and memory of the forms that are implemented.
    pub cost: Cost,
    /// Rows of `A` sum to 1 (up to ε).
    pub row_normalized: bool,
    /// `A` can have negative entries (shown with a diverging colour map).
    pub signed: bool,
    /// Which masks it supports.
    pub supports: Supports,
    /// Parameters, with defaults and ranges (the same constants the parser checks).
    pub params: Vec<ParamSchema>,
    /// The implicit matrix as TeX (KaTeX-compatible).
    pub formula_tex: &'static str,
    /// False where the spec marks the formula as not confirmed from a primary source.
    pub confirmed: bool,
    /// Rules that tie the variant to the workload, in words (the parser checks each; e.g. an
    /// even d_k under RoPE, a cap on the feature dimension).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<&'static str>,
}

/// A paper reference.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Paper {
    /// Title.
    pub title: &'static str,
    /// Authors, short form.
    pub authors: &'static str,
    /// Venue.
    pub venue: &'static str,
    /// Year.
    pub year: u16,
}

/// Costs of the implemented forms, in terms of N, d_k (d), d_v and the feature size m.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cost {
    /// Time of the form that computes the output.
    pub time: &'static str,
    /// Extra memory of that form.
    pub memory: &'static str,
}

/// Masks a variant supports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Supports {
    /// `causal: true` is accepted.
    pub causal: bool,
    /// `causal: false` is accepted.
    pub non_causal: bool,
}

/// One parameter of a variant.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParamSchema {
    /// Field name inside `variant`.
    pub name: &'static str,
    /// `number`, `integer`, `boolean`, `string` or `matrix`.
    pub kind: &'static str,
    /// The default (null where it depends on the input; `default_note` says how).
    pub default: Value,
    /// How the default is derived, where it is not a constant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_note: Option<&'static str>,
    /// Smallest accepted value, for numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest accepted value, for numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Sliders should move on a log scale.
    pub log_scale: bool,
    /// The request must give it (no default).
    pub required: bool,
    /// What it does.
    pub description: &'static str,
    /// Rules beyond the range that the parser also checks (`odd`, `power_of_two`, `at_most_n`),
    /// so a client can validate before asking.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ParamRule>,
}

/// A rule a parameter's value must follow besides its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamRule {
    /// An odd integer (a centred window).
    Odd,
    /// A power of two.
    PowerOfTwo,
    /// At most the sequence length n of the workload.
    AtMostN,
    /// A value channel: below d_v.
    BelowDv,
}

/// An accepted closed range of a numeric parameter, shared by the parser and the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
}

impl Range {
    /// A numeric parameter with this range.
    pub fn number(
        self,
        name: &'static str,
        default: Option<f64>,
        log_scale: bool,
        description: &'static str,
    ) -> ParamSchema {
        ParamSchema {
            name,
            kind: "number",
            default: default.map_or(Value::Null, Value::from),
            default_note: None,
            min: Some(self.min),
            max: Some(self.max),
            log_scale,
            required: false,
            description,
            rules: Vec::new(),
        }
    }

    /// Checks `value` against the range, naming `field` (a full path).
    pub fn check_field(self, field: &str, value: f64) -> crate::Result<()> {
        crate::schema::parse::check_range(field, value, self.min, self.max, "its accepted range")
    }

    /// Checks `value` against the range, naming `variant.<name>`.
    pub fn check(self, name: &str, value: f64, why: &str) -> crate::Result<()> {
        crate::schema::parse::check_range(
            &format!("variant.{name}"),
            value,
            self.min,
            self.max,
            why,
        )
    }
}
