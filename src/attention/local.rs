//! Local attention (variants.md §9): softmax restricted to a band of keys, O(N W d).
//!
//! - `sliding_window` (Longformer, Mistral; fla's `window_size`): causal keys `i − W < j ≤ i`,
//!   non-causal `|i − j| < W`; row-stochastic, the first rows have fewer keys.
//! - `neighborhood`: Hassani et al., "Neighborhood Attention Transformer", CVPR 2023 (NATTEN).
//!   Every query attends to exactly `k` keys: the window is shifted, not truncated, at the
//!   borders (`start = clamp(i − ⌊k/2⌋, 0, N − k)`); causal `[max(0, i − k + 1), i]` (the spec's
//!   reading of NATTEN, not confirmed).

use super::mask::Mask;
use super::softmax::{SCALE, TEMPERATURE};
use crate::catalog::{CatalogEntry, Cost, Paper, ParamRule, ParamSchema, Range, Supports};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Accepted window sizes.
pub const WINDOW: Range = Range {
    min: 1.0,
    max: 65_536.0,
};
/// Accepted (odd) neighborhood kernel sizes.
pub const KERNEL: Range = Range {
    min: 1.0,
    max: 65_535.0,
};

/// Parameters of `sliding_window`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlidingWindowParams {
    /// Keys per row, W (required).
    pub window: usize,
    /// Temperature τ.
    #[serde(default = "one")]
    pub temperature: f64,
    /// Dot-product scale; defaults to `1/sqrt(d_k)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
}

fn one() -> f64 {
    1.0
}

impl SlidingWindowParams {
    pub(crate) fn validate(&self) -> Result<()> {
        WINDOW.check("window", self.window as f64, "keys per row")?;
        TEMPERATURE.check(
            "temperature",
            self.temperature,
            "below 1e-3 every row is one-hot",
        )?;
        if let Some(scale) = self.scale {
            SCALE.check("scale", scale, "a positive dot-product scale")?;
        }
        Ok(())
    }

    /// With `scale` filled in.
    pub fn resolved(&self, d_k: usize) -> Self {
        SlidingWindowParams {
            scale: Some(self.scale.unwrap_or(1.0 / (d_k as f64).sqrt())),
            ..self.clone()
        }
    }

    /// `s / τ`.
    pub fn effective_scale(&self, d_k: usize) -> f64 {
        self.scale.unwrap_or(1.0 / (d_k as f64).sqrt()) / self.temperature
    }
}

/// Parameters of `neighborhood`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeighborhoodParams {
    /// Odd kernel size k ≤ n (required).
    pub kernel: usize,
}

impl NeighborhoodParams {
    pub(crate) fn validate(&self) -> Result<()> {
        KERNEL.check("kernel", self.kernel as f64, "keys per row")?;
        if self.kernel.is_multiple_of(2) {
            return Err(Error::invalid(
                "variant.kernel",
                format!(
                    "{} is even; the neighborhood kernel is odd (centred)",
                    self.kernel
                ),
            ));
        }
        Ok(())
    }

    /// Checks `k ≤ n`: every query attends to exactly k keys.
    pub fn check_length(&self, n: usize) -> Result<()> {
        if self.kernel > n {
            return Err(Error::Limit {
                field: "variant.kernel".into(),
                value: self.kernel.to_string(),
                range: format!("1..={n} (n)"),
                why: "every query attends to exactly k keys".into(),
            });
        }
        Ok(())
    }

    /// The mask.
    pub fn mask(&self, causal: bool) -> Mask {
        Mask::Neighborhood {
            kernel: self.kernel,
            causal,
        }
    }
}

fn width(range: Range, name: &'static str, description: &'static str) -> ParamSchema {
    let mut p = range.number(name, None, true, description);
    p.kind = "integer";
    p.required = true;
    p
}

/// The fields both local cards share.
fn local(entry: CatalogEntry) -> CatalogEntry {
    CatalogEntry {
        family: "local",
        cost: Cost {
            time: "O(N W d)",
            memory: "O(N d)",
        },
        row_normalized: true,
        signed: false,
        supports: Supports {
            causal: true,
            non_causal: true,
        },
        ..entry
    }
}

/// The catalog card of `sliding_window`.
pub fn sliding_window_catalog_entry() -> CatalogEntry {
    let mut scale = SCALE.number("scale", None, true, "dot-product scale s");
    scale.default_note = Some("1/sqrt(d_k)");
    local(CatalogEntry {
        name: "sliding_window",
        title: "Sliding-window attention",
        idea: "Exact softmax over the last W keys only: linear cost, a banded map, and nothing \
               beyond the window is ever seen.",
        paper: Paper {
            title: "Longformer: The Long-Document Transformer",
            authors: "Beltagy, Peters, Cohan",
            venue: "arXiv",
            year: 2020,
        },
        spec_section: "9.1",
        params: vec![
            width(WINDOW, "window", "keys per row W"),
            TEMPERATURE.number("temperature", Some(1.0), true, "logits are divided by τ"),
            scale,
        ],
        formula_tex: r"A_{ij} = \frac{\exp(s\, q_i \cdot k_j/\tau)}{\sum_{i-W < l \le i} \exp(s\, q_i \cdot k_l/\tau)}\ \ (i - W < j \le i)",
        confirmed: true,
        ..Default::default()
    })
}

/// The catalog card of `neighborhood`.
pub fn neighborhood_catalog_entry() -> CatalogEntry {
    local(CatalogEntry {
        name: "neighborhood",
        title: "Neighborhood attention",
        idea: "Every query sees exactly k neighbours: the window shifts at the borders instead of \
               shrinking (causal form: the spec's reading of NATTEN).",
        paper: Paper {
            title: "Neighborhood Attention Transformer",
            authors: "Hassani, Walton, Li, Li, Shi",
            venue: "CVPR",
            year: 2023,
        },
        spec_section: "9.2",
        params: vec![ParamSchema {
            rules: vec![ParamRule::Odd, ParamRule::AtMostN],
            ..width(KERNEL, "kernel", "odd kernel size k ≤ n")
        }],
        formula_tex: r"A_{ij} = \frac{\exp(q_i \cdot k_j/\sqrt{d})}{\sum_{l \in \mathcal{N}_k(i)} \exp(q_i \cdot k_l/\sqrt{d})},\ \ \mathcal{N}_k(i) = [\mathrm{clamp}(i - \lfloor k/2 \rfloor, 0, N - k),\, +k)",
        confirmed: false,
        ..Default::default()
    })
}
