//! Filters and output formatting that cookiecutter templates rely on, so
//! stamp and cookiecutter templates can share files: `slugify`, `jsonify`, and
//! values printed the way Python prints them (`True`, `None`, `['a', 'b']`).

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, Output, State, escape_formatter};

/// python-slugify's default behaviour: transliterate to ASCII, drop quotes,
/// lower-case, and join runs of other characters with single dashes.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).replace(['\'', '"'], "");
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// cookiecutter's `jsonify`: `json.dumps(value, sort_keys=True, indent=4)`.
pub fn jsonify(value: Value) -> Result<String, Error> {
    let json = to_json(&value);
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&json, &mut serializer)
        .map_err(|e| Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))?;
    let text = String::from_utf8(out).expect("serde_json writes UTF-8");
    Ok(ascii_escape(&text))
}

fn to_json(value: &Value) -> serde_json::Value {
    match value.kind() {
        ValueKind::None | ValueKind::Undefined => serde_json::Value::Null,
        ValueKind::Bool => value.is_true().into(),
        ValueKind::Number => match (i64::try_from(value.clone()), f64::try_from(value.clone())) {
            (Ok(i), _) => i.into(),
            (_, Ok(f)) => f.into(),
            _ => value.to_string().into(),
        },
        ValueKind::Seq | ValueKind::Iterable => {
            value.try_iter().map(|items| items.map(|v| to_json(&v)).collect()).unwrap_or_default()
        }
        ValueKind::Map => {
            let mut entries: Vec<(String, serde_json::Value)> = value
                .try_iter()
                .map(|keys| {
                    keys.map(|k| {
                        let v = value.get_item(&k).unwrap_or_default();
                        (k.to_string(), to_json(&v))
                    })
                    .collect()
                })
                .unwrap_or_default();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().collect())
        }
        _ => value.to_string().into(),
    }
}

/// Python's `ensure_ascii`: every non-ASCII character as `\uXXXX`.
fn ascii_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Writes values as Python's `str()` would, which is what cookiecutter
/// output contains; strings and numbers go through minijinja unchanged.
pub fn python_formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::Bool | ValueKind::None | ValueKind::Seq | ValueKind::Map => {
            out.write_str(&python_repr(value)).map_err(|_| Error::from(minijinja::ErrorKind::WriteFailure))
        }
        _ => escape_formatter(out, state, value),
    }
}

/// Python's `repr()` of a value (`str()` for the outermost string).
pub fn python_repr(value: &Value) -> String {
    match value.kind() {
        ValueKind::Bool if value.is_true() => "True".into(),
        ValueKind::Bool => "False".into(),
        ValueKind::None => "None".into(),
        ValueKind::String => python_str_repr(value.as_str().unwrap_or_default()),
        ValueKind::Seq => {
            let items: Vec<String> =
                value.try_iter().map(|it| it.map(|v| python_repr(&v)).collect()).unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let items: Vec<String> = value
                .try_iter()
                .map(|keys| {
                    keys.map(|k| {
                        format!(
                            "{}: {}",
                            python_repr(&k),
                            python_repr(&value.get_item(&k).unwrap_or_default())
                        )
                    })
                    .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", items.join(", "))
        }
        _ => value.to_string(),
    }
}

fn python_str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_like_python_slugify() {
        assert_eq!(slugify("My Service"), "my-service");
        assert_eq!(slugify("  Crème Brûlée's API!! "), "creme-brulees-api");
        assert_eq!(slugify("a__b--c"), "a-b-c");
    }

    #[test]
    fn python_repr_of_containers() {
        let value = crate::render::map([
            ("k".into(), Value::from(vec!["a", "it's"])),
            ("b".into(), Value::from(true)),
        ]);
        assert_eq!(python_repr(&value), "{'k': ['a', \"it's\"], 'b': True}");
    }

    #[test]
    fn jsonify_sorts_and_escapes() {
        let value = crate::render::map([("z".into(), Value::from("é")), ("a".into(), Value::from(1))]);
        assert_eq!(jsonify(value).unwrap(), "{\n    \"a\": 1,\n    \"z\": \"\\u00e9\"\n}");
    }
}
