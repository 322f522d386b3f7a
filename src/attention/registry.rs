//! The registry of public names: every `variant.name`, the parse from JSON, the catalog cards in
//! the same order, and the name of a parsed variant. Adding a variant starts here.

use super::{fnet, gated, kernel, local, lowrank, softmax, yoso, VariantSpec};
use crate::error::Result;
use crate::schema::params_from_value;
use crate::schema::parse::split_tag;
use serde_json::Value;

impl VariantSpec {
    /// Every accepted `variant.name`.
    pub const NAMES: &'static [&'static str] = &[
        "softmax",
        "linear_elu",
        "linear_relu",
        "performer",
        "cosformer",
        "based",
        "taylorshift",
        "rebased",
        "flatten",
        "hedgehog",
        "lln",
        "flowformer",
        "rala",
        "nalaformer",
        "mhla",
        "sliding_window",
        "neighborhood",
        "linformer",
        "nystrom",
        "flare",
        "fnet",
        "yoso",
        "retnet",
        "lightning",
        "mamba2",
        "gla",
        "hgrn",
        "deltanet",
        "gated_deltanet",
        "kda",
        "loglinear",
        "hla",
        "ahla",
    ];

    /// Parses `{"name": ..., ...params}`; unknown names and parameters are errors naming the field.
    pub fn from_json(value: &Value) -> Result<Self> {
        let (name, params) = split_tag("variant", "name", value, Self::NAMES)?;
        let p = params;
        let spec = match name.as_str() {
            "softmax" => VariantSpec::Softmax(params_from_value("variant", p)?),
            "linear_elu" => VariantSpec::LinearElu(params_from_value("variant", p)?),
            "linear_relu" => VariantSpec::LinearRelu(params_from_value("variant", p)?),
            "performer" => VariantSpec::Performer(params_from_value("variant", p)?),
            "cosformer" => VariantSpec::Cosformer(params_from_value("variant", p)?),
            "based" => VariantSpec::Based(params_from_value("variant", p)?),
            "taylorshift" => VariantSpec::Taylorshift(params_from_value("variant", p)?),
            "rebased" => VariantSpec::Rebased(params_from_value("variant", p)?),
            "flatten" => VariantSpec::Flatten(params_from_value("variant", p)?),
            "hedgehog" => VariantSpec::Hedgehog(params_from_value("variant", p)?),
            "lln" => VariantSpec::Lln(params_from_value("variant", p)?),
            "flowformer" => VariantSpec::Flowformer(params_from_value("variant", p)?),
            "rala" => VariantSpec::Rala(params_from_value("variant", p)?),
            "nalaformer" => VariantSpec::Nalaformer(params_from_value("variant", p)?),
            "mhla" => VariantSpec::Mhla(params_from_value("variant", p)?),
            "sliding_window" => VariantSpec::SlidingWindow(params_from_value("variant", p)?),
            "neighborhood" => VariantSpec::Neighborhood(params_from_value("variant", p)?),
            "linformer" => VariantSpec::Linformer(params_from_value("variant", p)?),
            "nystrom" => VariantSpec::Nystrom(params_from_value("variant", p)?),
            "flare" => VariantSpec::Flare(params_from_value("variant", p)?),
            "fnet" => VariantSpec::Fnet(params_from_value("variant", p)?),
            "yoso" => VariantSpec::Yoso(params_from_value("variant", p)?),
            "retnet" => VariantSpec::Retnet(params_from_value("variant", p)?),
            "lightning" => VariantSpec::Lightning(params_from_value("variant", p)?),
            "mamba2" => VariantSpec::Mamba2(params_from_value("variant", p)?),
            "gla" => VariantSpec::Gla(params_from_value("variant", p)?),
            "hgrn" => VariantSpec::Hgrn(params_from_value("variant", p)?),
            "deltanet" => VariantSpec::Deltanet(params_from_value("variant", p)?),
            "gated_deltanet" => VariantSpec::GatedDeltanet(params_from_value("variant", p)?),
            "kda" => VariantSpec::Kda(params_from_value("variant", p)?),
            "loglinear" => VariantSpec::Loglinear(params_from_value("variant", p)?),
            "hla" => VariantSpec::Hla(params_from_value("variant", p)?),
            _ => VariantSpec::Ahla(params_from_value("variant", p)?),
        };
        spec.validate()?;
        Ok(spec)
    }

    /// Every variant's catalog card, in the order of [`VariantSpec::NAMES`].
    pub fn catalog() -> Vec<crate::catalog::CatalogEntry> {
        vec![
            softmax::catalog_entry(),
            kernel::elu::catalog_entry(),
            kernel::relu::catalog_entry(),
            kernel::performer::catalog_entry(),
            kernel::cosformer::catalog_entry(),
            kernel::taylor::based_catalog_entry(),
            kernel::taylor::taylorshift_catalog_entry(),
            kernel::taylor::rebased_catalog_entry(),
            kernel::flatten::catalog_entry(),
            kernel::hedgehog::catalog_entry(),
            kernel::lln::catalog_entry(),
            kernel::flowformer::catalog_entry(),
            kernel::vision::rala_catalog_entry(),
            kernel::vision::nalaformer_catalog_entry(),
            kernel::mhla::catalog_entry(),
            local::sliding_window_catalog_entry(),
            local::neighborhood_catalog_entry(),
            lowrank::linformer::catalog_entry(),
            lowrank::nystrom::catalog_entry(),
            lowrank::flare::catalog_entry(),
            fnet::catalog_entry(),
            yoso::catalog_entry(),
            gated::decay_cards::retnet_catalog_entry(),
            gated::decay_cards::lightning_catalog_entry(),
            gated::decay_cards::mamba2_catalog_entry(),
            gated::decay_cards::gla_catalog_entry(),
            gated::hgrn::catalog_entry(),
            gated::delta::deltanet_catalog_entry(),
            gated::delta::gated_deltanet_catalog_entry(),
            gated::delta::kda_catalog_entry(),
            gated::loglinear::catalog_entry(),
            gated::hla::hla_catalog_entry(),
            gated::hla::ahla_catalog_entry(),
        ]
    }

    /// The public name.
    pub fn name(&self) -> &'static str {
        match self {
            VariantSpec::Softmax(_) => "softmax",
            VariantSpec::LinearElu(_) => "linear_elu",
            VariantSpec::LinearRelu(_) => "linear_relu",
            VariantSpec::Performer(_) => "performer",
            VariantSpec::Cosformer(_) => "cosformer",
            VariantSpec::Based(_) => "based",
            VariantSpec::Taylorshift(_) => "taylorshift",
            VariantSpec::Rebased(_) => "rebased",
            VariantSpec::Flatten(_) => "flatten",
            VariantSpec::Hedgehog(_) => "hedgehog",
            VariantSpec::Lln(_) => "lln",
            VariantSpec::Flowformer(_) => "flowformer",
            VariantSpec::Rala(_) => "rala",
            VariantSpec::Nalaformer(_) => "nalaformer",
            VariantSpec::Mhla(_) => "mhla",
            VariantSpec::SlidingWindow(_) => "sliding_window",
            VariantSpec::Neighborhood(_) => "neighborhood",
            VariantSpec::Linformer(_) => "linformer",
            VariantSpec::Nystrom(_) => "nystrom",
            VariantSpec::Flare(_) => "flare",
            VariantSpec::Fnet(_) => "fnet",
            VariantSpec::Yoso(_) => "yoso",
            VariantSpec::Retnet(_) => "retnet",
            VariantSpec::Lightning(_) => "lightning",
            VariantSpec::Mamba2(_) => "mamba2",
            VariantSpec::Gla(_) => "gla",
            VariantSpec::Hgrn(_) => "hgrn",
            VariantSpec::Deltanet(_) => "deltanet",
            VariantSpec::GatedDeltanet(_) => "gated_deltanet",
            VariantSpec::Kda(_) => "kda",
            VariantSpec::Loglinear(_) => "loglinear",
            VariantSpec::Hla(_) => "hla",
            VariantSpec::Ahla(_) => "ahla",
        }
    }
}
