//! Python compatibility for cookiecutter templates: values printed as
//! Python's `str()` prints them (`True`, `None`, `['a', 'b']`, `1e+21`,
//! `OrderedDict([...])` for objects read from `cookiecutter.json`), and the
//! Python string methods real templates call.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value, ValueKind};
use minijinja::{Error, ErrorKind, Output, State, escape_formatter};

pub(crate) use super::ordered_dict::OrderedDict;

/// A sequence Python returns as a tuple (from `str.partition`), which
/// prints as `('a', 'b')`.
#[derive(Debug)]
pub(super) struct Tuple(pub Vec<Value>);

impl Object for Tuple {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

/// Whether Python holds `value` as a tuple: a tuple literal, or a pair
/// from `items`, `dictsort` or `str.partition`.
pub(crate) fn is_tuple(value: &Value) -> bool {
    value.is_tuple() || value.downcast_object_ref::<Tuple>().is_some()
}

/// Writes values as Python's `str()` would, which is what cookiecutter
/// output contains; strings and integers go through minijinja unchanged.
pub(super) fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::Bool | ValueKind::None | ValueKind::Seq | ValueKind::Map => {
            out.write_str(&repr(value)).map_err(|_| Error::from(ErrorKind::WriteFailure))
        }
        ValueKind::Number if !value.is_integer() => {
            out.write_str(&repr(value)).map_err(|_| Error::from(ErrorKind::WriteFailure))
        }
        _ => escape_formatter(out, state, value),
    }
}

/// Python's `repr()` of a value.
pub(crate) fn repr(value: &Value) -> String {
    match value.kind() {
        ValueKind::Bool if value.is_true() => "True".into(),
        ValueKind::Bool => "False".into(),
        ValueKind::None => "None".into(),
        ValueKind::String => str_repr(value.as_str().unwrap_or_default()),
        ValueKind::Number if !value.is_integer() => {
            float_repr(f64::try_from(value.clone()).unwrap_or(f64::NAN))
        }
        ValueKind::Seq => {
            let items: Vec<String> =
                value.try_iter().map(|it| it.map(|v| repr(&v)).collect()).unwrap_or_default();
            match (is_tuple(value), items.len()) {
                (true, 1) => format!("({},)", items[0]),
                (true, _) => format!("({})", items.join(", ")),
                (false, _) => format!("[{}]", items.join(", ")),
            }
        }
        ValueKind::Map => {
            let pairs: Vec<(String, String)> = value
                .try_iter()
                .map(|keys| keys.map(|k| (repr(&k), repr(&value.get_item(&k).unwrap_or_default()))).collect())
                .unwrap_or_default();
            if value.downcast_object_ref::<OrderedDict>().is_some() {
                if pairs.is_empty() {
                    return "OrderedDict()".into();
                }
                let items: Vec<String> = pairs.iter().map(|(k, v)| format!("({k}, {v})")).collect();
                format!("OrderedDict([{}])", items.join(", "))
            } else {
                let items: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", items.join(", "))
            }
        }
        _ => value.to_string(),
    }
}

/// Python's `repr(float)`: the shortest round-trip digits, positional for
/// exponents from -4 to 15, scientific (`1e+21`) otherwise.
pub(crate) fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let scientific = format!("{x:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("integer exponent");
    if (-4..16).contains(&exponent) {
        let text = format!("{x}");
        if text.contains('.') { text } else { format!("{text}.0") }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// Python's `repr(str)`.
pub(super) fn str_repr(text: &str) -> String {
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
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unprintable(c) => match c as u32 {
                code @ 0..=0xffff => out.push_str(&format!("\\u{code:04x}")),
                code => out.push_str(&format!("\\U{code:08x}")),
            },
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Characters Python's `str.isprintable()` rejects besides controls: format
/// characters and separators other than the ASCII space.
fn is_unprintable(c: char) -> bool {
    matches!(c as u32, 0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff)
        || (c.is_whitespace() && c != ' ')
}

/// Methods that change a list or dict in place (`.name(` as a template
/// calls them): a template calling one gets mutable literals (`containers`).
pub(super) const MUTATORS: &[&str] =
    &[".append(", ".extend(", ".insert(", ".pop(", ".remove(", ".clear(", ".update(", ".setdefault("];

/// Whether `method` changes a list or dict in place.
fn is_mutator(method: &str) -> bool {
    MUTATORS.iter().any(|m| m.strip_prefix('.').and_then(|m| m.strip_suffix('(')) == Some(method))
}

/// Python string and dict methods: the ones minijinja-contrib's `pycompat`
/// lacks, then everything it has.
pub(super) fn unknown_method(
    state: &mut State,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    if let Some(text) = value.as_str()
        && let Some(result) = string_method(text, method, args)?
    {
        return Ok(result);
    }
    if value.kind() == ValueKind::Map && method == "items" && args.is_empty() {
        // Python's `dict.items()` yields tuples.
        let pairs: Vec<Value> = value
            .try_iter()?
            .map(|key| Value::from_object(Tuple(vec![key.clone(), value.get_item(&key).unwrap_or_default()])))
            .collect();
        return Ok(Value::from(pairs));
    }
    if matches!(value.kind(), ValueKind::Seq | ValueKind::Map) && is_mutator(method) {
        return Err(Error::new(
            ErrorKind::UnknownMethod,
            format!(
                "`{method}` changes a value in place: stamp allows it on lists and dicts the template makes \
                 itself (`{{% set items = [] %}}`) and on `cookiecutter` in hooks, not on other values from \
                 the template's settings"
            ),
        ));
    }
    minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args)
}

fn string_method(text: &str, method: &str, args: &[Value]) -> Result<Option<Value>, Error> {
    let arg_str = |i: usize| -> Option<&str> { args.get(i).and_then(Value::as_str) };
    let arg_int = |i: usize| -> Option<i64> { args.get(i).and_then(|v| i64::try_from(v.clone()).ok()) };
    let pad = |i: usize| -> char { arg_str(i).and_then(|s| s.chars().next()).unwrap_or(' ') };
    let width = usize::try_from(arg_int(0).unwrap_or(0).max(0)).unwrap_or(usize::MAX);
    let len = text.chars().count();
    let fill = |n: usize, c: char| -> String { std::iter::repeat_n(c, n).collect() };
    if matches!(method, "center" | "ljust" | "rjust" | "zfill") {
        check_width(method, width)?;
    }
    Ok(Some(match method {
        "swapcase" => Value::from(
            text.chars()
                .flat_map(|c| -> Vec<char> {
                    if c.is_uppercase() { c.to_lowercase().collect() } else { c.to_uppercase().collect() }
                })
                .collect::<String>(),
        ),
        "casefold" => Value::from(text.to_lowercase().replace('ß', "ss")),
        "center" => Value::from(center(text, width, pad(1))),
        "ljust" if len < width => Value::from(format!("{text}{}", fill(width - len, pad(1)))),
        "rjust" if len < width => Value::from(format!("{}{text}", fill(width - len, pad(1)))),
        "zfill" if len < width => {
            let (sign, digits) = match text.chars().next() {
                Some(c @ ('+' | '-')) => (c.to_string(), &text[1..]),
                _ => (String::new(), text),
            };
            Value::from(format!("{sign}{}{digits}", fill(width - len, '0')))
        }
        "ljust" | "rjust" | "zfill" => Value::from(text),
        "partition" | "rpartition" => {
            let separator = arg_str(0).unwrap_or(" ");
            let found = if method == "partition" { text.find(separator) } else { text.rfind(separator) };
            let parts = match found {
                Some(at) => [&text[..at], separator, &text[at + separator.len()..]],
                None if method == "partition" => [text, "", ""],
                None => ["", "", text],
            };
            Value::from_object(Tuple(parts.iter().map(|p| Value::from(*p)).collect()))
        }
        "rsplit" => {
            let Some(separator) = arg_str(0) else { return Ok(None) };
            let limit = arg_int(1).filter(|&n| n >= 0);
            let mut parts: Vec<&str> = match limit {
                Some(n) => text
                    .rsplitn(usize::try_from(n).unwrap_or(usize::MAX).saturating_add(1), separator)
                    .collect(),
                None => text.rsplit(separator).collect(),
            };
            parts.reverse();
            Value::from(parts.into_iter().map(Value::from).collect::<Vec<_>>())
        }
        "removeprefix" => Value::from(text.strip_prefix(arg_str(0).unwrap_or("")).unwrap_or(text)),
        "removesuffix" => Value::from(text.strip_suffix(arg_str(0).unwrap_or("")).unwrap_or(text)),
        "isdigit" | "isdecimal" => Value::from(!text.is_empty() && text.chars().all(|c| c.is_ascii_digit())),
        "index" | "rindex" => {
            let needle = arg_str(0).unwrap_or("");
            let found = if method == "index" { text.find(needle) } else { text.rfind(needle) };
            match found {
                Some(at) => Value::from(text[..at].chars().count()),
                None => return Err(Error::new(ErrorKind::InvalidOperation, "substring not found")),
            }
        }
        _ => return Ok(None),
    }))
}

/// The widest padding `center`, `ljust`, `rjust` and `zfill` produce: a
/// template asking for more (say `center(99999999999)`) gets an error
/// instead of exhausting memory.
pub(super) const MAX_WIDTH: usize = 1 << 20;

/// Refuses a padding width above [`MAX_WIDTH`].
pub(super) fn check_width(name: &str, width: usize) -> Result<(), Error> {
    if width > MAX_WIDTH {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{name}: width {width} is larger than {MAX_WIDTH}"),
        ));
    }
    Ok(())
}

/// Python's `str.center` (also Jinja2's `center` filter).
pub(super) fn center(text: &str, width: usize, fill: char) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_owned();
    }
    let total = width - len;
    // CPython puts the extra character on the left when both the padding and the width are odd.
    let left = total / 2 + (total & width & 1);
    let pad = |n: usize| -> String { std::iter::repeat_n(fill, n).collect() };
    format!("{}{text}{}", pad(left), pad(total - left))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        assert_eq!(float_repr(1e21), "1e+21");
        assert_eq!(float_repr(2.0), "2.0");
        assert_eq!(float_repr(0.5), "0.5");
        assert_eq!(float_repr(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(float_repr(1e-5), "1e-05");
        assert_eq!(float_repr(1.5e16), "1.5e+16");
        assert_eq!(float_repr(-0.0), "-0.0");
    }

    #[test]
    fn containers_print_like_python() {
        let value = crate::engine::map([
            ("k".into(), Value::from(vec!["a", "it's"])),
            ("b".into(), Value::from(true)),
        ]);
        assert_eq!(repr(&value), "{'k': ['a', \"it's\"], 'b': True}");
        let ordered =
            Value::from_object(OrderedDict::new([(Value::from("n"), Value::from(2))].into_iter().collect()));
        assert_eq!(repr(&ordered), "OrderedDict([('n', 2)])");
        assert_eq!(str_repr("tab\t\u{7}\u{200b}é"), "'tab\\t\\x07\\u200bé'");
    }

    #[test]
    fn string_methods() {
        let call =
            |text: &str, method: &str, args: &[Value]| string_method(text, method, args).unwrap().unwrap();
        assert_eq!(call("x", "center", &[Value::from(5), Value::from("*")]).to_string(), "**x**");
        assert_eq!(call("ab", "center", &[Value::from(5)]).to_string(), "  ab ");
        assert_eq!(call("-42", "zfill", &[Value::from(6)]).to_string(), "-00042");
        assert_eq!(repr(&call("a/b/c", "rsplit", &[Value::from("/"), Value::from(1)])), "['a/b', 'c']");
        assert_eq!(repr(&call("a/b", "partition", &[Value::from("/")])), "('a', '/', 'b')");
        assert_eq!(call("Hello", "swapcase", &[]).to_string(), "hELLO");
    }
}
