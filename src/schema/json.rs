//! Strict JSON text: parses to a `serde_json::Value` like `serde_json::from_str`, but an object
//! with a key twice is an error naming it (serde_json keeps the last one silently).

use crate::error::{Error, Result};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parses `text` as JSON, rejecting duplicate object keys; errors name the dotted path of the
/// duplicated key (`workload.seed`).
pub fn parse_strict(text: &str) -> Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = serde_path_to_error::deserialize::<_, Strict>(&mut deserializer);
    match parsed {
        Ok(Strict(value)) => {
            // Trailing characters after the value are an error of the text, as in from_str.
            deserializer
                .end()
                .map_err(|e| Error::invalid("", format!("not valid JSON: {e}")))?;
            Ok(value)
        }
        Err(err) => {
            let message = err.inner().to_string();
            match message.strip_prefix(DUPLICATE) {
                Some(key) => {
                    let key = key.split('`').next().unwrap_or_default();
                    let path = err.path().to_string();
                    let field = match path.as_str() {
                        "." => key.to_owned(),
                        parent => format!("{parent}.{key}"),
                    };
                    Err(Error::invalid(field, "the key appears twice in its object"))
                }
                None => Err(Error::invalid("", format!("not valid JSON: {message}"))),
            }
        }
    }
}

const DUPLICATE: &str = "duplicate key `";

/// A JSON value built by a visitor that refuses duplicate keys.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE}{key}`")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"a": [1, -2, 2.5, "x", null, true], "b": {"c": {}}}"#;
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parse_strict(text).unwrap(), expected);
    }

    #[test]
    fn names_a_duplicate_key_by_its_path() {
        let err = parse_strict(r#"{"workload": {"n": 4, "seed": 1, "seed": 2}}"#).unwrap_err();
        assert_eq!(err.field(), "workload.seed");
        let err = parse_strict(r#"{"causal": true, "causal": false}"#).unwrap_err();
        assert_eq!(err.field(), "causal");
    }

    #[test]
    fn rejects_trailing_text_and_bad_json() {
        assert!(parse_strict(r#"{"a": 1} x"#).is_err());
        assert!(parse_strict(r#"{"a": }"#).is_err());
    }
}
