//! The filters and global functions cookiecutter templates rely on:
//! `slugify`, `jsonify`, `uuid4()`, `random_ascii_string()` and the `{% now %}`
//! tag (rewritten into a function call, as minijinja has no custom tags).

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind, State};

use crate::python;
use crate::slugify::{self, Options};

/// Registers the filters on an environment.
pub fn add_filters(env: &mut minijinja::Environment) {
    env.add_filter("slugify", slugify_filter);
    env.add_filter("jsonify", jsonify);
    env.add_filter("tojson", tojson);
    env.add_filter("center", |text: &str, width: Option<usize>| {
        let width = width.unwrap_or(80);
        python::check_width("center", width).map(|()| python::center(text, width, ' '))
    });
    env.add_filter("truncate", truncate);
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

/// Jinja2's `truncate(length=255, killwords=False, end='...', leeway=5)`,
/// positional or by keyword.
fn truncate(text: &str, args: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let arg = |index: usize, name: &str| -> Result<Option<Value>, Error> {
        match args.get(index) {
            Some(value) => Ok(Some(value.clone())),
            None => kwargs.get::<Option<Value>>(name),
        }
    };
    let bad = |name: &str| Error::new(ErrorKind::InvalidOperation, format!("truncate: bad `{name}`"));
    let length = arg(0, "length")?.map_or(Ok(255), |v| usize::try_from(v).map_err(|_| bad("length")))?;
    let killwords = arg(1, "killwords")?.is_some_and(|v| v.is_true());
    let end = arg(2, "end")?.map_or("...".to_owned(), |v| v.to_string());
    let leeway = arg(3, "leeway")?.map_or(Ok(5), |v| usize::try_from(v).map_err(|_| bad("leeway")))?;
    kwargs.assert_all_used()?;
    let chars: Vec<char> = text.chars().collect();
    let end_len = end.chars().count();
    if length < end_len {
        return Err(Error::new(ErrorKind::InvalidOperation, "expected length >= len(end)"));
    }
    if chars.len() <= length.saturating_add(leeway) {
        return Ok(text.to_owned());
    }
    let head: String = chars[..length - end_len].iter().collect();
    if killwords {
        return Ok(format!("{head}{end}"));
    }
    let kept = head.rsplit_once(' ').map_or(head.as_str(), |(before, _)| before);
    Ok(format!("{kept}{end}"))
}

/// cookiecutter's `slugify` filter with python-slugify's keyword arguments.
fn slugify_filter(text: &str, kwargs: Kwargs) -> Result<String, Error> {
    let mut options = Options::default();
    macro_rules! flag {
        ($name:ident) => {
            if let Some(value) = kwargs.get::<Option<bool>>(stringify!($name))? {
                options.$name = value;
            }
        };
    }
    flag!(entities);
    flag!(decimal);
    flag!(hexadecimal);
    flag!(word_boundary);
    flag!(save_order);
    flag!(lowercase);
    flag!(allow_unicode);
    if let Some(length) = kwargs.get::<Option<usize>>("max_length")? {
        options.max_length = length;
    }
    if let Some(separator) = kwargs.get::<Option<String>>("separator")? {
        options.separator = separator;
    }
    if let Some(words) = kwargs.get::<Option<Vec<String>>>("stopwords")? {
        options.stopwords = words;
    }
    if let Some(pattern) = kwargs.get::<Option<String>>("regex_pattern")? {
        options.regex_pattern = Some(
            regex::Regex::new(&pattern)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?,
        );
    }
    if let Some(pairs) = kwargs.get::<Option<Vec<Vec<String>>>>("replacements")? {
        options.replacements = pairs
            .into_iter()
            .map(|pair| match <[String; 2]>::try_from(pair) {
                Ok([old, new]) => Ok((old, new)),
                Err(_) => Err(Error::new(ErrorKind::InvalidOperation, "replacements must be pairs")),
            })
            .collect::<Result<_, _>>()?;
    }
    kwargs.assert_all_used()?;
    Ok(slugify::slugify(text, &options))
}

/// cookiecutter's `jsonify`: `json.dumps(value, sort_keys=True, indent=4)`;
/// `indent` may be given, and `none` gives one line.
pub fn jsonify(value: Value, args: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let indent = match (args.first(), kwargs.get::<Option<Value>>("indent")?) {
        (Some(v), _) => v.clone(),
        (None, Some(v)) => v,
        (None, None) => Value::from(4),
    };
    kwargs.assert_all_used()?;
    let indent = if indent.is_none() {
        None
    } else {
        Some(
            usize::try_from(indent)
                .map_err(|_| Error::new(ErrorKind::InvalidOperation, "indent must be a number"))?,
        )
    };
    let mut out = String::new();
    dump_json(&value, indent, 0, &mut out);
    Ok(out)
}

/// Jinja2's `tojson`: sorted keys, one line unless `indent` is given, and
/// `<`, `>`, `&` and `'` escaped so the result is safe in HTML.
fn tojson(value: Value, indent: Option<usize>, kwargs: Kwargs) -> Result<String, Error> {
    let indent = indent.or(kwargs.get::<Option<usize>>("indent")?);
    kwargs.assert_all_used()?;
    let mut out = String::new();
    dump_json(&value, indent, 0, &mut out);
    Ok(out.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026").replace('\'', "\\u0027"))
}

/// Python's `json.dumps(sort_keys=True, ensure_ascii=True)` layout.
fn dump_json(value: &Value, indent: Option<usize>, level: usize, out: &mut String) {
    let newline = |out: &mut String, level: usize| {
        if let Some(width) = indent {
            out.push('\n');
            out.push_str(&" ".repeat(width * level));
        }
    };
    let item_separator = if indent.is_some() { "," } else { ", " };
    match value.kind() {
        ValueKind::None | ValueKind::Undefined => out.push_str("null"),
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
            let items: Vec<Value> = value.try_iter().map(|it| it.collect()).unwrap_or_default();
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_separator);
                }
                newline(out, level + 1);
                dump_json(item, indent, level + 1, out);
            }
            newline(out, level);
            out.push(']');
        }
        ValueKind::Map => {
            let mut entries: Vec<(String, Value)> = value
                .try_iter()
                .map(|keys| keys.map(|k| (k.to_string(), value.get_item(&k).unwrap_or_default())).collect())
                .unwrap_or_default();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_separator);
                }
                newline(out, level + 1);
                json_string(key, out);
                out.push_str(": ");
                dump_json(item, indent, level + 1, out);
            }
            newline(out, level);
            out.push('}');
        }
        _ => json_string(&value.to_string(), out),
    }
}

/// A JSON string with every non-ASCII character escaped, as Python writes it.
fn json_string(text: &str, out: &mut String) {
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
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
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
        add_filters(&mut env);
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

    #[test]
    fn slugify_takes_keyword_arguments() {
        assert_eq!(render("{{ 'Hello World' | slugify(separator='_') }}"), "hello_world");
        assert_eq!(render("{{ 'Hello World' | slugify(lowercase=False, max_length=5) }}"), "Hello");
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

/// Where `uuid4()` and `random_ascii_string()` draw from. With a seed, each
/// render gets a generator of its own, seeded from the seed, the template's
/// name and how many renders of that name came before (a file's name renders
/// before its contents), so that the draws do not depend on the order in
/// which, or the thread on which, files are rendered.
struct RandomSource {
    seed: Option<u64>,
    renders: std::sync::Mutex<std::collections::HashMap<String, u64>>,
}

/// The generator of the render in progress, kept in the render's state.
struct RenderRng(fastrand::Rng);

impl RandomSource {
    fn rng<'s>(&self, state: &'s mut State) -> &'s mut fastrand::Rng {
        if state.get_extension::<RenderRng>().is_none() {
            let rng = match self.seed {
                None => fastrand::Rng::new(),
                Some(seed) => {
                    let mut renders = self.renders.lock().unwrap_or_else(|p| p.into_inner());
                    let earlier = renders.entry(state.name().to_owned()).or_insert(0);
                    *earlier += 1;
                    fastrand::Rng::with_seed(fnv1a(seed, state.name().bytes().chain(earlier.to_le_bytes())))
                }
            };
            state.get_or_insert_extension(RenderRng(rng));
        }
        &mut state.get_extension_mut::<RenderRng>().expect("inserted above").0
    }
}

/// FNV-1a over `bytes`, started from `seed`: a stable way to derive seeds.
fn fnv1a(seed: u64, bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325 ^ seed, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Registers cookiecutter's global helpers: `uuid4()`, `random_ascii_string()`
/// and the function `{% now %}` tags are rewritten into.
pub fn add_helpers(env: &mut minijinja::Environment, determinism: Determinism) {
    let random = std::sync::Arc::new(RandomSource { seed: determinism.seed, renders: Default::default() });
    let uuid_random = std::sync::Arc::clone(&random);
    env.add_function("uuid4", move |state: &mut State| {
        let mut bytes = [0u8; 16];
        uuid_random.rng(state).fill(&mut bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    });
    env.add_function(
        "random_ascii_string",
        move |state: &mut State, length: usize, punctuation: Option<bool>, kwargs: Kwargs| {
            const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
            let punctuation = match punctuation {
                Some(p) => p,
                None => kwargs.get::<Option<bool>>("punctuation")?.unwrap_or(false),
            };
            kwargs.assert_all_used()?;
            let corpus: Vec<char> = if punctuation {
                LETTERS.chars().chain(PUNCTUATION.chars()).collect()
            } else {
                LETTERS.chars().collect()
            };
            let rng = random.rng(state);
            Ok::<_, Error>((0..length).map(|_| corpus[rng.usize(..corpus.len())]).collect::<String>())
        },
    );
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
        "utc" | "etc/utc" | "gmt" | "etc/gmt" | "z" | "zulu" | "universal" => utc.fixed_offset(),
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
    rewrite_now_tags_with(source, false)
}

/// Whether some `{%` opens a `now` tag: a cheap test that spares most
/// sources the compiling and running of the tag regex.
fn holds_now_tag(source: &str) -> bool {
    memchr::memmem::find_iter(source.as_bytes(), "{%").any(|at| {
        let rest = &source[at + 2..];
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        rest.strip_prefix("now").is_some_and(|after| after.starts_with(char::is_whitespace))
    })
}

/// [`rewrite_now_tags`] for environments with `trim_blocks`, where a block
/// tag such as `{% now %}` also removes the newline right after it.
pub fn rewrite_now_tags_with(source: &str, trim_blocks: bool) -> std::borrow::Cow<'_, str> {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\{%(-?)\s*now\s+('[^']*'|"[^"]*")\s*(?:([+-])\s*('[^']*'|"[^"]*"))?\s*(?:,\s*(.*?))?\s*(-?)%\}(\n?)"#,
        )
        .expect("static regex")
    });
    if !holds_now_tag(source) {
        return std::borrow::Cow::Borrowed(source);
    }
    TAG.replace_all(source, |caps: &regex::Captures| {
        let operator = caps.get(3).map_or("", |m| m.as_str());
        let offset = caps.get(4).map_or("''", |m| m.as_str());
        let format = caps.get(5).map_or("none", |m| m.as_str());
        let newline = if trim_blocks { "" } else { &caps[7] };
        format!(
            "{{{{{} {NOW_FUNCTION}({}, '{operator}', {offset}, {format}) {}}}}}{newline}",
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
        assert_eq!(render("{%now\t'utc', '%Y'%}"), "1971");
        assert_eq!(rewrite_now_tags("nothing to see"), "nothing to see");
        for source in ["{% if known %}", "{% nowhere %}", "{{ now }}", "now"] {
            assert!(!holds_now_tag(source), "{source}");
        }
    }

    #[test]
    fn seeded_draws_do_not_depend_on_the_order_of_renders() {
        let seeded = Determinism { epoch: None, seed: Some(7) };
        let render = |env: &minijinja::Environment, name: &str| {
            env.render_named_str(name, "{{ uuid4() }} {{ random_ascii_string(8) }}", ()).unwrap()
        };
        let (one, two) = (env(seeded), env(seeded));
        let (a, b) = (render(&one, "a"), render(&one, "b"));
        assert_eq!(render(&two, "b"), b);
        assert_eq!(render(&two, "a"), a);
        assert_ne!(a, b);
        assert_ne!(render(&one, "a"), a, "a second render of a name draws afresh");
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
