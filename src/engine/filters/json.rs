//! JSON and YAML text for templates: cookiecutter's `jsonify`, Jinja2's
//! `tojson` (both Python's `json.dumps` layout, keys sorted), stamp's
//! `yaml_quote`, and Python's `json.dumps` for the files stamp writes.

// minijinja hands filters their arguments by value.
#![allow(clippy::needless_pass_by_value)]

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind};

use super::args::{self, bind};
use crate::engine::python;

/// Registers the filters of this module.
pub(super) fn add(env: &mut minijinja::Environment) {
    env.add_filter("jsonify", jsonify);
    env.add_filter("tojson", tojson);
    env.add_filter("yaml_quote", yaml_quote);
}

/// A YAML double-quoted scalar holding `text` unchanged: quotes, backslashes
/// and control characters escaped, everything else (unicode included) as is.
/// Unlike `tojson`, which must match Jinja2 and escapes non-ASCII as UTF-16,
/// this is valid YAML for any value.
fn yaml_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Outside YAML's printable set, or read as line breaks or a byte-order mark.
            c if !is_yaml_printable(c) || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                match c as u32 {
                    code @ 0..=0xff => out.push_str(&format!("\\x{code:02x}")),
                    code @ 0x100..=0xffff => out.push_str(&format!("\\u{code:04x}")),
                    code => out.push_str(&format!("\\U{code:08x}")),
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// cookiecutter's `jsonify`: `json.dumps(value, sort_keys=True, indent=4)`;
/// `indent` may be given, and `none` gives one line.
fn jsonify(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [indent] = bind("jsonify", ["indent"], &rest, &kwargs)?;
    let indent = match indent {
        None => Some(4),
        Some(v) if v.is_none() => None,
        v => args::int("jsonify", "indent", v.as_ref())?.map(|n| usize::try_from(n).unwrap_or(0)),
    };
    to_json("jsonify", &value, indent)
}

/// Jinja2's `tojson(indent=None)`: sorted keys, one line unless `indent` is
/// given, and `<`, `>`, `&` and `'` escaped so the result is safe in HTML.
fn tojson(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [indent] = bind("tojson", ["indent"], &rest, &kwargs)?;
    let indent =
        args::int_or_none("tojson", "indent", indent.as_ref())?.map(|n| usize::try_from(n).unwrap_or(0));
    let out = to_json("tojson", &value, indent)?;
    Ok(out.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026").replace('\'', "\\u0027"))
}

/// The most a JSON filter writes: a bound on what a template can make it
/// allocate, far above what a project file holds.
const MAX_JSON_BYTES: usize = 256 << 20;

/// [`dump_json`] into a new string, refusing an indent wider than Python
/// would sensibly take and output beyond [`MAX_JSON_BYTES`].
fn to_json(name: &str, value: &Value, indent: Option<usize>) -> Result<String, Error> {
    if let Some(width) = indent {
        python::check_width(name, width)?;
    }
    let mut out = String::new();
    let style = JsonStyle { indent, sort_keys: true, ensure_ascii: true };
    dump_json(value, &style, 0, &mut out).map_err(|err| match err {
        JsonError::TooLarge => Error::new(
            ErrorKind::InvalidOperation,
            format!("{name}: the output would exceed {MAX_JSON_BYTES} bytes"),
        ),
        JsonError::Undefined => Error::new(
            ErrorKind::UndefinedError,
            format!("{name}: an undefined value is not JSON serializable"),
        ),
    })?;
    Ok(out)
}

/// How Python's `json.dumps` was called.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JsonStyle {
    /// `indent=`: one line when `None`.
    pub indent: Option<usize>,
    /// `sort_keys=`
    pub sort_keys: bool,
    /// `ensure_ascii=`: escape every non-ASCII character.
    pub ensure_ascii: bool,
}

/// `value` as Python's `json.dumps` writes it in `style`, for files other
/// tools read back (replay files, `.cruft.json`).
pub(crate) fn python_json(value: &Value, style: &JsonStyle) -> String {
    let mut out = String::new();
    // Only a template filter can run into the bound; a context is far smaller.
    let _ = dump_json(value, style, 0, &mut out);
    out
}

/// Why [`dump_json`] stopped.
#[derive(Debug, Clone, Copy)]
enum JsonError {
    /// The output passed [`MAX_JSON_BYTES`].
    TooLarge,
    /// An undefined value, which Python's `json.dumps` cannot serialize.
    Undefined,
}

/// Python's `json.dumps` layout in `style`.
fn dump_json(value: &Value, style: &JsonStyle, level: usize, out: &mut String) -> Result<(), JsonError> {
    let indent = style.indent;
    let newline = |out: &mut String, level: usize| {
        if let Some(width) = indent {
            if out.len().saturating_add(width.saturating_mul(level)) > MAX_JSON_BYTES {
                return Err(JsonError::TooLarge);
            }
            out.push('\n');
            out.push_str(&" ".repeat(width * level));
        }
        Ok(())
    };
    let item_separator = if indent.is_some() { "," } else { ", " };
    match value.kind() {
        ValueKind::Undefined => return Err(JsonError::Undefined),
        ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number if value.is_integer() => out.push_str(&value.to_string()),
        ValueKind::Number => {
            let x = f64::try_from(value.clone()).unwrap_or(f64::NAN);
            out.push_str(&match x {
                x if x.is_nan() => "NaN".into(),
                x if x.is_infinite() => {
                    if x > 0.0 {
                        "Infinity".into()
                    } else {
                        "-Infinity".into()
                    }
                }
                x => python::float_repr(x),
            });
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = value.try_iter().map(std::iter::Iterator::collect).unwrap_or_default();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_separator);
                }
                newline(out, level + 1)?;
                dump_json(item, style, level + 1, out)?;
            }
            newline(out, level)?;
            out.push(']');
        }
        ValueKind::Map => {
            let mut entries: Vec<(String, Value)> = value
                .try_iter()
                .map(|keys| keys.map(|k| (k.to_string(), value.get_item(&k).unwrap_or_default())).collect())
                .unwrap_or_default();
            if style.sort_keys {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
            }
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_separator);
                }
                newline(out, level + 1)?;
                json_string(key, style.ensure_ascii, out);
                out.push_str(": ");
                dump_json(item, style, level + 1, out)?;
            }
            newline(out, level)?;
            out.push('}');
        }
        _ => json_string(&value.to_string(), style.ensure_ascii, out),
    }
    if out.len() > MAX_JSON_BYTES { Err(JsonError::TooLarge) } else { Ok(()) }
}

/// A JSON string as Python writes it: with `ensure_ascii`, every non-ASCII
/// character escaped.
fn json_string(text: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Python escapes control characters always, and DEL and beyond with `ensure_ascii`.
            c if c >= ' ' && (!ensure_ascii || c < '\u{7f}') => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// YAML 1.2's `c-printable` set.
fn is_yaml_printable(c: char) -> bool {
    matches!(c as u32, 0x09 | 0x0a | 0x0d | 0x20..=0x7e | 0x85 | 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x10000..)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str) -> String {
        let mut env = minijinja::Environment::new();
        add(&mut env);
        env.render_str(source, ()).unwrap()
    }

    #[test]
    fn jsonify_sorts_and_escapes_like_python() {
        assert_eq!(
            render("{{ {'z': 'é', 'a': [1, 2.0]} | jsonify }}"),
            "{\n    \"a\": [\n        1,\n        2.0\n    ],\n    \"z\": \"\\u00e9\"\n}"
        );
        assert_eq!(render("{{ {'b': none, 'a': true} | jsonify(none) }}"), "{\"a\": true, \"b\": null}");
        assert_eq!(render("{{ [] | jsonify(2) }}"), "[]");
    }

    #[test]
    fn yaml_quote_keeps_unicode_and_escapes_the_rest() {
        assert_eq!(yaml_quote("a\"b\\c\nd\t🚀\u{2028}"), "\"a\\\"b\\\\c\\nd\\t🚀\\u2028\"");
        assert_eq!(yaml_quote("\u{80}\u{9f}\u{7f}\u{fffe}\0"), "\"\\x80\\x9f\\x7f\\ufffe\\x00\"");
        assert_eq!(render("{{ 'x<y' | tojson }}"), "\"x\\u003cy\"");
    }
}
