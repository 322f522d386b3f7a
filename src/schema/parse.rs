//! Strict deserialisation of JSON objects into parameter structs, with errors that carry the full
//! dotted path of the offending field (`variant.temperature`, `workload.n`, ...).

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserialises `value` into `T` (which should `deny_unknown_fields`); errors name `prefix.path`.
pub fn params_from_value<T: DeserializeOwned>(prefix: &str, value: Value) -> Result<T> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let inner = err.inner().to_string();
        let mut path = err.path().to_string();
        // A missing field is reported at its parent's path: point at the field itself.
        if let Some(name) = named_field(&inner).filter(|name| !path.ends_with(name)) {
            path = if path == "." {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
        }
        let field = match (prefix.is_empty(), path.as_str()) {
            (true, p) => p.to_owned(),
            (false, ".") => prefix.to_owned(),
            (false, p) if p.starts_with('[') => format!("{prefix}{p}"),
            (false, p) => format!("{prefix}.{p}"),
        };
        Error::invalid(field, inner)
    })
}

fn named_field(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?;
    rest.split('`').next()
}

/// Splits a tagged object (`{"name": "softmax", ...}`) into its tag and the remaining fields.
pub(crate) fn split_tag(
    field: &str,
    tag: &str,
    value: &Value,
    known: &[&str],
) -> Result<(String, Value)> {
    let Value::Object(map) = value else {
        return Err(Error::invalid(
            field,
            format!(
                "expected an object with a \"{tag}\" (one of {})",
                known.join(", ")
            ),
        ));
    };
    let mut map = map.clone();
    let name = match map.remove(tag) {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(Error::invalid(
                format!("{field}.{tag}"),
                format!("expected a string, got {other}"),
            ))
        }
        None => {
            return Err(Error::invalid(
                format!("{field}.{tag}"),
                format!("missing; one of {}", known.join(", ")),
            ))
        }
    };
    if !known.contains(&name.as_str()) {
        return Err(Error::invalid(
            format!("{field}.{tag}"),
            format!("unknown {tag} \"{name}\"; known: {}", known.join(", ")),
        ));
    }
    Ok((name, Value::Object(map)))
}

/// Checks that `value` lies in `[lo, hi]` and is finite, naming `field` otherwise.
pub(crate) fn check_range(field: &str, value: f64, lo: f64, hi: f64, why: &str) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::NonFinite {
            field: field.into(),
            value: value.to_string(),
        });
    }
    if value < lo || value > hi {
        return Err(Error::Limit {
            field: field.into(),
            value: value.to_string(),
            range: format!("[{lo}, {hi}]"),
            why: why.into(),
        });
    }
    Ok(())
}

/// Checks that the size `value` lies in `1..=max`, naming `field` otherwise.
pub(crate) fn check_size(field: &str, value: usize, max: usize, why: &str) -> Result<()> {
    if value == 0 || value > max {
        return Err(Error::Limit {
            field: field.into(),
            value: value.to_string(),
            range: format!("1..={max}"),
            why: why.into(),
        });
    }
    Ok(())
}

/// A count parameter and an explicit array that implies it must agree: `variant.<count>` rows of
/// `variant.<array>` (e.g. Performer's `features` and `projection`); a shape error names the array.
pub(crate) fn check_rows_agree(
    count_name: &str,
    count: Option<usize>,
    array_name: &str,
    rows: Option<usize>,
) -> Result<()> {
    match (count, rows) {
        (Some(count), Some(rows)) if count != rows => Err(Error::Shape {
            field: format!("variant.{array_name}"),
            expected: format!("{count} rows (= {count_name})"),
            got: format!("{rows} rows"),
        }),
        _ => Ok(()),
    }
}
