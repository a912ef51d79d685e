//! Typed answers and the raw values they are read from, with their
//! conversions to the formats stamp writes (TOML records, JSON) and reads.

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;

/// A typed answer to one question.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Answer {
    /// Text (string, choice and secret questions).
    String(String),
    /// Yes or no.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// The chosen options of a multichoice.
    List(Vec<String>),
    /// A number with a fraction (a float question).
    Float(f64),
    /// A structured value (a json or yaml question).
    Structured(Json),
}

impl Answer {
    /// The answer as a TOML value (answers files).
    pub fn to_toml(&self) -> toml::Value {
        match self {
            Answer::String(s) => toml::Value::String(s.clone()),
            Answer::Bool(b) => toml::Value::Boolean(*b),
            Answer::Integer(i) => toml::Value::Integer(*i),
            Answer::List(items) => {
                toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect())
            }
            Answer::Float(x) => toml::Value::Float(*x),
            // Text at the top would read back as JSON or YAML to parse, and TOML has no null:
            // those are recorded as their JSON text, which both kinds read back the same.
            Answer::Structured(value) => match value {
                Json::String(_) => toml::Value::String(value.to_string()),
                _ => native_toml(value).unwrap_or_else(|| toml::Value::String(value.to_string())),
            },
        }
    }

    /// The answer as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Answer::String(s) => s.clone().into(),
            Answer::Bool(b) => (*b).into(),
            Answer::Integer(i) => (*i).into(),
            Answer::List(items) => items.clone().into(),
            Answer::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
            Answer::Structured(value) => value.clone(),
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::String(s) => f.write_str(s),
            Answer::Bool(true) => f.write_str("yes"),
            Answer::Bool(false) => f.write_str("no"),
            Answer::Integer(i) => write!(f, "{i}"),
            Answer::List(items) => f.write_str(&items.join(",")),
            Answer::Float(x) => f.write_str(&crate::engine::float_repr(*x)),
            Answer::Structured(value) => write!(f, "{value}"),
        }
    }
}

/// A value as written in an answers file or on the command line, before it
/// is checked against its question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum RawValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text (all values from `KEY=VALUE` and prompts are text).
    Text(String),
    /// A list.
    List(Vec<RawValue>),
    /// A table (cookiecutter's dict variables).
    Table(#[serde(deserialize_with = "unique_keys")] IndexMap<String, RawValue>),
}

/// Deserializes a table, refusing a key given twice (JSON parsers keep the
/// last silently; TOML and YAML refuse it, and so does stamp in every format).
pub(crate) fn unique_keys<'de, D, V>(deserializer: D) -> std::result::Result<IndexMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Unique<V> {
        type Value = IndexMap<String, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut table = IndexMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if table.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!("the key `{key}` is given twice")));
                }
                table.insert(key, value);
            }
            Ok(table)
        }
    }
    deserializer.deserialize_map(Unique(std::marker::PhantomData))
}

impl RawValue {
    /// The value as text, for text-like questions.
    ///
    /// A number with a fraction is refused rather than turned into text: its
    /// digits as written are gone once parsed (`1.10` reads as `1.1`), so the
    /// user is asked to quote it.
    pub fn as_text(&self) -> std::result::Result<String, String> {
        match self {
            RawValue::Text(t) => Ok(t.clone()),
            RawValue::Integer(i) => Ok(i.to_string()),
            RawValue::Float(x) => Err(format!(
                "expected text, found the number {x}: quote it (\"{x}\", or as you meant it, such as \"1.10\") \
                 so that it is kept exactly as written"
            )),
            RawValue::Bool(b) => Err(format!(
                "expected text, found {b} (a yes/no value): quote it, such as \"{}\"",
                if *b { "yes" } else { "no" }
            )),
            other => Err(format!("expected text, found {}", other.describe())),
        }
    }

    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            RawValue::Null => "nothing (null)".into(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Integer(i) => i.to_string(),
            RawValue::Float(x) => x.to_string(),
            RawValue::Text(t) => format!("{t:?}"),
            RawValue::List(_) => "a list".into(),
            RawValue::Table(_) => "a table".into(),
        }
    }

    /// Converts a TOML value (a manifest default).
    pub fn from_toml(value: &toml::Value) -> std::result::Result<RawValue, String> {
        Ok(match value {
            toml::Value::String(s) => RawValue::Text(s.clone()),
            toml::Value::Integer(i) => RawValue::Integer(*i),
            toml::Value::Float(x) => RawValue::Float(*x),
            toml::Value::Boolean(b) => RawValue::Bool(*b),
            toml::Value::Array(items) => {
                RawValue::List(items.iter().map(RawValue::from_toml).collect::<std::result::Result<_, _>>()?)
            }
            toml::Value::Datetime(d) => RawValue::Text(d.to_string()),
            // A json or yaml question's default; other kinds refuse it.
            toml::Value::Table(table) => RawValue::Table(
                table
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), RawValue::from_toml(v)?)))
                    .collect::<std::result::Result<_, String>>()?,
            ),
        })
    }
}

/// A JSON value as TOML, where TOML can hold it (no null, integers within i64).
fn native_toml(value: &Json) -> Option<toml::Value> {
    Some(match value {
        Json::Null => return None,
        Json::Bool(b) => toml::Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None if n.is_f64() => toml::Value::Float(n.as_f64()?),
            None => return None,
        },
        Json::String(s) => toml::Value::String(s.clone()),
        Json::Array(items) => toml::Value::Array(items.iter().map(native_toml).collect::<Option<_>>()?),
        Json::Object(map) => toml::Value::Table(
            map.iter().map(|(k, v)| Some((k.clone(), native_toml(v)?))).collect::<Option<_>>()?,
        ),
    })
}
