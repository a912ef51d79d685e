//! Jinja2's HTML and URL filters: `striptags` (markupsafe's algorithm and
//! Python's `html.unescape`), `xmlattr`, `urlencode` and `forceescape`.

// minijinja hands filters their arguments by value.
#![allow(clippy::needless_pass_by_value)]

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, State};

use super::args::{self, bind, invalid};
use crate::engine::slugify::named_entity;

/// Registers the filters of this module.
pub(super) fn add(env: &mut minijinja::Environment) {
    env.add_filter("striptags", striptags);
    env.add_filter("xmlattr", xmlattr);
    env.add_filter("urlencode", urlencode);
    env.add_filter("forceescape", |value: Value| {
        args::py_str(&value).map(|text| Value::from_safe_string(escape(&text)))
    });
    env.add_filter("escape", escape_filter);
    env.add_filter("e", escape_filter);
}

/// `escape`: markupsafe's `escape(value)`, markup (a safe string) as it is.
fn escape_filter(value: Value) -> Result<Value, Error> {
    if value.is_safe() {
        return Ok(value);
    }
    Ok(Value::from_safe_string(escape(&args::py_str(&value)?)))
}

/// markupsafe's `escape`: `&`, `<`, `>`, `"` and `'` as references.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// markupsafe's `Markup.striptags`: tags and comments removed (up to the
/// first unclosed one), whitespace runs made single spaces, references decoded.
fn striptags(state: &State, value: Value) -> Result<String, Error> {
    let text = args::py_str(&value)?;
    args::charge_text(state, &text)?;
    let mut kept = String::new();
    let mut pos = 0;
    let mut stripped = false;
    while let Some(start) = text[pos..].find('<').map(|at| pos + at) {
        let end = if text[start..].starts_with("<!--") {
            text[start + 4..].find("-->").map(|at| start + 4 + at + 3)
        } else {
            text[start..].find('>').map(|at| start + at + 1)
        };
        let Some(end) = end else { break };
        kept.push_str(&text[pos..start]);
        pos = end;
        stripped = true;
    }
    let text = if stripped { kept + &text[pos..] } else { text };
    let words: Vec<&str> = text.split(args::is_py_space).filter(|w| !w.is_empty()).collect();
    Ok(unescape(&words.join(" ")))
}

/// Python's `html.unescape` for the HTML 4 names (with their HTML 5
/// meanings) and every numeric reference.
pub(super) fn unescape(text: &str) -> String {
    static REFERENCE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\x0c <&#;]{1,32};?)").expect("static regex")
    });
    if !text.contains('&') {
        return text.to_owned();
    }
    REFERENCE.replace_all(text, |caps: &regex::Captures| reference(&caps[1])).into_owned()
}

/// What one reference (without its `&`) decodes to.
fn reference(body: &str) -> String {
    if let Some(number) = body.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        let digits = digits.trim_end_matches(';').trim_start_matches('0');
        let code = if digits.is_empty() { Some(0) } else { u32::from_str_radix(digits, radix).ok() };
        return numeric(code).map_or_else(String::new, String::from);
    }
    if let Some(c) = named(body) {
        return c.to_string();
    }
    // The longest legacy name (one valid without `;`) the text starts with.
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    for n in (2..chars.len()).rev() {
        let (at, _) = chars[n];
        if let Some(c) = named(&body[..at]) {
            return format!("{c}{}", &body[at..]);
        }
    }
    format!("&{body}")
}

/// The character a numeric reference stands for, as HTML 5 reads it;
/// `None` for the code points it drops.
fn numeric(code: Option<u32>) -> Option<char> {
    const WINDOWS_1252: [u16; 32] = [
        0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
        0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
        0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
    ];
    let Some(code) = code else { return Some('\u{fffd}') };
    match code {
        0 | 0xd800..=0xdfff | 0x11_0000.. => Some('\u{fffd}'),
        0x0d => Some('\r'),
        0x80..=0x9f => char::from_u32(u32::from(WINDOWS_1252[(code - 0x80) as usize])),
        0x01..=0x08 | 0x0b | 0x0e..=0x1f | 0x7f | 0xfdd0..=0xfdef => None,
        code if code & 0xfffe == 0xfffe => None,
        code => char::from_u32(code),
    }
}

/// A named reference of the HTML 4 set (`name;`, or `name` for the legacy
/// names valid without the semicolon).
fn named(body: &str) -> Option<char> {
    let (name, terminated) = match body.strip_suffix(';') {
        Some(name) => (name, true),
        None => (body, false),
    };
    let name = match name {
        "AMP" | "COPY" | "GT" | "LT" | "QUOT" | "REG" => name.to_ascii_lowercase(),
        // HTML 5 changed these two.
        "lang" => return Some('\u{27e8}'),
        "rang" => return Some('\u{27e9}'),
        _ => name.to_owned(),
    };
    let c = named_entity(&name)?;
    (terminated || u32::from(c) <= 0xff).then_some(c)
}

/// `xmlattr(autospace=True)`: `key="value"` for each entry whose value is
/// neither none nor undefined, escaped, space separated (with a leading
/// space unless `autospace` is false).
fn xmlattr(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [autospace] = bind("xmlattr", ["autospace"], &rest, &kwargs)?;
    if args::defined(&value)?.kind() != ValueKind::Map {
        return Err(invalid("xmlattr: the value must be a mapping"));
    }
    let mut items = Vec::new();
    for key in value.try_iter()? {
        let item = value.get_item(&key)?;
        if item.is_none() || item.is_undefined() {
            continue;
        }
        let key = args::text("xmlattr", &key)?;
        if key.contains(|c: char| c.is_ascii_whitespace() || matches!(c, '\u{b}' | '/' | '>' | '=')) {
            return Err(invalid(format!(
                "Invalid character in attribute name: {}",
                crate::engine::python::repr(&Value::from(key))
            )));
        }
        items.push(format!("{}=\"{}\"", escape(key), escape(&args::py_str(&item)?)));
    }
    let out = items.join(" ");
    Ok(if args::truthy(autospace.as_ref(), true) && !out.is_empty() { format!(" {out}") } else { out })
}

/// `urlencode`: a string (or a scalar) quoted for a URL path (`/` kept); a
/// mapping or a sequence of pairs as a query string.
fn urlencode(value: Value) -> Result<String, Error> {
    let pairs: Vec<(Value, Value)> = match args::defined(&value)?.kind() {
        ValueKind::Map => {
            value.try_iter()?.map(|k| Ok((k.clone(), value.get_item(&k)?))).collect::<Result<_, Error>>()?
        }
        ValueKind::Seq | ValueKind::Iterable => value
            .try_iter()?
            .map(|pair| {
                let parts: Vec<Value> = pair.try_iter()?.collect();
                match <[Value; 2]>::try_from(parts) {
                    Ok([k, v]) => Ok((k, v)),
                    Err(_) => Err(invalid("urlencode: expected (key, value) pairs")),
                }
            })
            .collect::<Result<_, Error>>()?,
        _ => return Ok(quote(&args::py_str(&value)?, false)),
    };
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| Ok(format!("{}={}", quote(&args::py_str(k)?, true), quote(&args::py_str(v)?, true))))
        .collect::<Result<_, Error>>()?;
    Ok(query.join("&"))
}

/// Jinja2's `url_quote`: UTF-8 bytes percent-encoded except letters, digits,
/// `_.-~` (and `/` outside query strings, where a space becomes `+`).
fn quote(text: &str, for_query: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => out.push(char::from(byte)),
            b'/' if !for_query => out.push('/'),
            b' ' if for_query => out.push('+'),
            byte => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
