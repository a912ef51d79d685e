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

/// What makes rendering repeatable: a frozen clock and a seed for the
/// random helpers. Both unset means the real clock and fresh randomness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Determinism {
    /// Seconds since the Unix epoch that `now` reports (SOURCE_DATE_EPOCH).
    pub epoch: Option<i64>,
    /// Seed of `uuid4()` and `random_ascii_string()`.
    pub seed: Option<u64>,
}

/// Registers cookiecutter's global helpers: `uuid4()`, `random_ascii_string()`
/// and the function `{% now %}` tags are rewritten into.
pub fn add_helpers(env: &mut minijinja::Environment, determinism: Determinism) {
    let rng = std::sync::Arc::new(std::sync::Mutex::new(match determinism.seed {
        Some(seed) => fastrand::Rng::with_seed(seed),
        None => fastrand::Rng::new(),
    }));
    let uuid_rng = std::sync::Arc::clone(&rng);
    env.add_function("uuid4", move || {
        let mut bytes = [0u8; 16];
        uuid_rng.lock().unwrap_or_else(|p| p.into_inner()).fill(&mut bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    });
    env.add_function("random_ascii_string", move |length: usize, punctuation: Option<bool>| {
        const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        let corpus: Vec<char> = if punctuation.unwrap_or(false) {
            LETTERS.chars().chain(PUNCTUATION.chars()).collect()
        } else {
            LETTERS.chars().collect()
        };
        let mut rng = rng.lock().unwrap_or_else(|p| p.into_inner());
        (0..length).map(|_| corpus[rng.usize(..corpus.len())]).collect::<String>()
    });
    env.add_function(
        NOW_FUNCTION,
        move |timezone: &str, operator: &str, offset: &str, format: Option<&str>| {
            now(determinism.epoch, timezone, operator, offset, format.unwrap_or("%Y-%m-%d"))
        },
    );
}

/// The function `{% now %}` tags become (not meant to be called by templates).
const NOW_FUNCTION: &str = "__stamp_now";

fn now(
    epoch: Option<i64>,
    timezone: &str,
    operator: &str,
    offset: &str,
    format: &str,
) -> Result<String, Error> {
    use chrono::{DateTime, Duration, FixedOffset, Local, Utc};
    let invalid = |detail: String| Error::new(minijinja::ErrorKind::InvalidOperation, detail);
    let utc: DateTime<Utc> = match epoch {
        Some(seconds) => DateTime::from_timestamp(seconds, 0)
            .ok_or_else(|| invalid("SOURCE_DATE_EPOCH is out of range".into()))?,
        None => Utc::now(),
    };
    let mut moment: DateTime<FixedOffset> = match timezone.to_ascii_lowercase().as_str() {
        "utc" => utc.fixed_offset(),
        // A frozen clock reads the same everywhere: local time is UTC then.
        "local" if epoch.is_some() => utc.fixed_offset(),
        "local" => utc.with_timezone(&Local).fixed_offset(),
        other => {
            return Err(invalid(format!(
                "timezone {other:?} is not supported by `now` (use 'utc' or 'local')"
            )));
        }
    };
    if !offset.is_empty() {
        for part in offset.split(',') {
            let (unit, amount) = part
                .split_once('=')
                .ok_or_else(|| invalid(format!("bad offset {part:?} in `now` (expected unit=amount)")))?;
            let amount: f64 =
                amount.trim().parse().map_err(|_| invalid(format!("bad offset amount in {part:?}")))?;
            let amount = if operator == "-" { -amount } else { amount };
            let seconds_per_unit = match unit.trim() {
                "weeks" => 604_800.0,
                "days" => 86_400.0,
                "hours" => 3_600.0,
                "minutes" => 60.0,
                "seconds" => 1.0,
                other => return Err(invalid(format!("offset unit {other:?} is not supported by `now`"))),
            };
            moment += Duration::milliseconds((amount * seconds_per_unit * 1000.0).round() as i64);
        }
    }
    let mut out = String::new();
    std::fmt::Write::write_fmt(&mut out, format_args!("{}", moment.format(format)))
        .map_err(|_| invalid(format!("bad date format {format:?}")))?;
    Ok(out)
}

/// Rewrites jinja2_time's `{% now 'utc' [+|- 'days=1'] [, '%Y'] %}` tags,
/// which minijinja cannot parse, into calls of an equivalent function.
/// Text without `now` tags is returned unchanged (and unallocated).
pub fn rewrite_now_tags(source: &str) -> std::borrow::Cow<'_, str> {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\{%(-?)\s*now\s+('[^']*'|"[^"]*")\s*(?:([+-])\s*('[^']*'|"[^"]*"))?\s*(?:,\s*(.*?))?\s*(-?)%\}"#,
        )
        .expect("static regex")
    });
    if !source.contains("now") {
        return std::borrow::Cow::Borrowed(source);
    }
    TAG.replace_all(source, |caps: &regex::Captures| {
        let operator = caps.get(3).map_or("", |m| m.as_str());
        let offset = caps.get(4).map_or("''", |m| m.as_str());
        let format = caps.get(5).map_or("none", |m| m.as_str());
        format!(
            "{{{{{} {NOW_FUNCTION}({}, '{operator}', {offset}, {format}) {}}}}}",
            &caps[1], &caps[2], &caps[6]
        )
    })
}

#[cfg(test)]
mod helper_tests {
    use super::*;

    fn env(determinism: Determinism) -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        add_helpers(&mut env, determinism);
        env
    }

    #[test]
    fn now_tags_are_rewritten_and_frozen() {
        let frozen = env(Determinism { epoch: Some(86_400 * 365), seed: None });
        let render = |src: &str| frozen.render_str(&rewrite_now_tags(src), ()).unwrap();
        assert_eq!(render("{% now 'utc' %}"), "1971-01-01");
        assert_eq!(render("{% now 'local', '%Y' %}!"), "1971!");
        assert_eq!(render("{% now 'utc' - 'days=1', '%d %b' %}"), "31 Dec");
        assert_eq!(render("{%- now \"utc\" + 'hours=36' -%}"), "1971-01-02");
        assert_eq!(rewrite_now_tags("nothing to see"), "nothing to see");
    }

    #[test]
    fn a_seed_makes_random_helpers_repeatable() {
        let seeded = Determinism { epoch: None, seed: Some(7) };
        let source = "{{ uuid4() }} {{ random_ascii_string(12) }} {{ random_ascii_string(5, true) }}";
        let first = env(seeded).render_str(source, ()).unwrap();
        assert_eq!(first, env(seeded).render_str(source, ()).unwrap());
        let uuid = first.split(' ').next().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
    }
}
