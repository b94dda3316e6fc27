//! Tolerant serde helpers shared by the adapters: the docs show only happy
//! paths, and real replies drift (ids as numbers or strings, amounts as
//! numeric strings, status words in any case).

use crate::money::Rupiah;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

fn value_to_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// An integer given as a number or a numeric string.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    value_to_i64(&v).ok_or_else(|| de::Error::custom(format!("expected an integer, got {v}")))
}

/// Optional integer; null, missing or empty string are None.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => value_to_i64(&v)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("expected an integer, got {v}"))),
    }
}

/// Whole rupiah from a number or numeric string.
pub fn rupiah<'de, D: Deserializer<'de>>(d: D) -> Result<Rupiah, D::Error> {
    int(d).map(Rupiah)
}

pub fn opt_rupiah<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Rupiah>, D::Error> {
    opt_int(d).map(|o| o.map(Rupiah))
}

/// A string from a string or a number (ids come both ways).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(de::Error::custom(format!(
            "expected a string or number, got {other}"
        ))),
    }
}

pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(de::Error::custom(format!("expected a string, got {other}"))),
    }
}

/// A float from a number or numeric string (success rates).
pub fn opt_f32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f32>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Number(n)) => n.as_f64().map(|f| f as f32),
        Some(Value::String(s)) => s.trim().trim_end_matches('%').parse::<f32>().ok(),
        _ => None,
    })
}

/// A bool from true/false, 1/0 or "true"/"yes"/"active".
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => n.as_i64().map(|i| i != 0),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "active" | "available" => Some(true),
            "false" | "0" | "no" | "inactive" | "unavailable" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// Lowercased, trimmed status word for matching.
pub fn norm(word: &str) -> String {
    word.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

/// Reads a wire struct out of a JSON value; what was wrong becomes a
/// `Malformed` error naming `what`.
pub fn parse<T: serde::de::DeserializeOwned>(
    v: Value,
    what: &str,
) -> Result<T, crate::providers::ProviderError> {
    serde_json::from_value(v)
        .map_err(|e| crate::providers::ProviderError::Malformed(format!("{what}: {e}")))
}

/// Unwraps a `{"data": ...}` envelope when there is one.
pub fn unwrap_data(v: Value) -> Value {
    match v {
        Value::Object(mut m) if m.contains_key("data") => m.remove("data").unwrap_or(Value::Null),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "int")]
        a: i64,
        #[serde(deserialize_with = "string")]
        b: String,
        #[serde(default, deserialize_with = "opt_rupiah")]
        c: Option<Rupiah>,
    }

    #[test]
    fn accepts_numbers_and_strings() {
        let t: T = serde_json::from_str(r#"{"a":"42","b":7,"c":"1500"}"#).unwrap();
        assert_eq!((t.a, t.b.as_str(), t.c), (42, "7", Some(Rupiah(1500))));
        let t: T = serde_json::from_str(r#"{"a":42.0,"b":"x"}"#).unwrap();
        assert_eq!((t.a, t.c), (42, None));
        assert!(serde_json::from_str::<T>(r#"{"a":"x","b":"x"}"#).is_err());
    }
}
