//! Jinja2's calling convention for filters, and the Python semantics their
//! arguments have: positional arguments then keywords bound to a Python
//! signature, `str()`, truthiness, integers, attribute paths, ordering.

use std::cmp::Ordering;

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Error, ErrorKind, State};

use crate::engine::python;

/// An error as Jinja2 reports it: an invalid operation with a message.
pub(super) fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// Binds a filter's positional `args` and `kwargs` to its parameters
/// `names` (after the filtered value), as Python binds a call: too many
/// positional arguments, a parameter given twice and an unknown keyword
/// are errors. A parameter not given is `None` (its default applies).
pub(super) fn bind<const N: usize>(
    filter: &str,
    names: [&str; N],
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<[Option<Value>; N], Error> {
    if args.len() > N {
        return Err(Error::new(
            ErrorKind::TooManyArguments,
            format!("{filter}() takes at most {N} arguments ({} given)", args.len()),
        ));
    }
    let mut bound: [Option<Value>; N] = std::array::from_fn(|i| args.get(i).cloned());
    for (slot, name) in bound.iter_mut().zip(names) {
        if kwargs.has(name) {
            if slot.is_some() {
                return Err(invalid(format!("{filter}() got multiple values for argument '{name}'")));
            }
            *slot = Some(kwargs.get::<Value>(name)?);
        }
    }
    kwargs.assert_all_used()?;
    Ok(bound)
}

/// Fails on an undefined value, as Jinja2's `StrictUndefined` does when a
/// filter uses one.
pub(super) fn defined(value: &Value) -> Result<&Value, Error> {
    if value.is_undefined() {
        Err(Error::new(ErrorKind::UndefinedError, "the value is undefined"))
    } else {
        Ok(value)
    }
}

/// Python's `str(value)`: strings as they are, everything else as
/// `repr` prints it (which is what `str` prints for numbers, booleans,
/// `None` and containers).
pub(super) fn py_str(value: &Value) -> Result<String, Error> {
    Ok(match defined(value)?.as_str() {
        Some(text) => text.to_owned(),
        // A tuple literal (minijinja's own tuple), which `repr` prints as a list.
        None if value.is_tuple() => {
            let items: Vec<String> = value.try_iter()?.map(|item| python::repr(&item)).collect();
            if items.len() == 1 { format!("({},)", items[0]) } else { format!("({})", items.join(", ")) }
        }
        None => python::repr(value),
    })
}

/// The string a filter that calls string methods on its value needs: Jinja2
/// fails on anything else.
pub(super) fn text<'v>(filter: &str, value: &'v Value) -> Result<&'v str, Error> {
    defined(value)?.as_str().ok_or_else(|| invalid(format!("{filter}: the value must be a string")))
}

/// Charges the render for processing `text`: a unit of fuel per 64 bytes,
/// as the engine charges for what it produces.
pub(super) fn charge_text(state: &State, text: &str) -> Result<(), Error> {
    state.consume_fuel(u64::try_from(text.len() / 64).unwrap_or(u64::MAX))
}

/// Python's `bool(value)`.
pub(super) fn truthy(value: Option<&Value>, default: bool) -> bool {
    value.map_or(default, Value::is_true)
}

/// A Python `int` argument whose default is `None`: `None` when not given
/// or given as `none`.
pub(super) fn int_or_none(filter: &str, name: &str, value: Option<&Value>) -> Result<Option<i64>, Error> {
    int(filter, name, value.filter(|v| !v.is_none()))
}

/// A Python `int` argument (booleans are integers); `None` when not given.
pub(super) fn int(filter: &str, name: &str, value: Option<&Value>) -> Result<Option<i64>, Error> {
    match value {
        None => Ok(None),
        Some(v) if v.kind() == ValueKind::Bool => Ok(Some(i64::from(v.is_true()))),
        Some(v) if v.is_integer() => i64::try_from(v.clone())
            .map(Some)
            .map_err(|_| invalid(format!("{filter}: `{name}` is too large"))),
        Some(v) => Err(invalid(format!("{filter}: `{name}` must be an integer, not {}", v.kind()))),
    }
}

/// A string argument; `None` for the default.
pub(super) fn string(filter: &str, name: &str, value: Option<&Value>) -> Result<Option<String>, Error> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => v
            .as_str()
            .map(|s| Some(s.to_owned()))
            .ok_or_else(|| invalid(format!("{filter}: `{name}` must be a string"))),
    }
}

/// The parts of a Jinja2 attribute path (`"address.city"`, `"0.name"`, `2`):
/// digits are indexes.
pub(super) fn attribute_parts(attribute: Option<&Value>) -> Vec<Value> {
    match attribute {
        None => Vec::new(),
        Some(a) if a.is_none() => Vec::new(),
        Some(a) => match a.as_str() {
            Some(path) => path
                .split('.')
                .map(|part| match part.parse::<i64>() {
                    Ok(index) if part.bytes().all(|b| b.is_ascii_digit()) => Value::from(index),
                    _ => Value::from(part),
                })
                .collect(),
            None => vec![a.clone()],
        },
    }
}

/// Jinja2's `environment.getitem` along a path: undefined where an item is
/// missing.
pub(super) fn get_path(item: &Value, parts: &[Value]) -> Value {
    let mut item = item.clone();
    for part in parts {
        item = item.get_item(part).unwrap_or(Value::UNDEFINED);
    }
    item
}

/// Jinja2's `ignore_case`: strings lower-cased, other values as they are.
pub(super) fn fold_case(value: Value, case_sensitive: bool) -> Value {
    match value.as_str() {
        Some(text) if !case_sensitive => Value::from(text.to_lowercase()),
        _ => value,
    }
}

/// Python's `<` between two values: numbers (booleans included) by value,
/// strings by code point, sequences item by item; any other pair cannot
/// be ordered (a `TypeError` in Python).
pub(super) fn py_cmp(a: &Value, b: &Value) -> Result<Ordering, Error> {
    let number = |v: &Value| matches!(v.kind(), ValueKind::Number | ValueKind::Bool);
    match (a.kind(), b.kind()) {
        (ValueKind::Undefined, _) | (_, ValueKind::Undefined) => {
            Err(Error::new(ErrorKind::UndefinedError, "cannot compare an undefined value"))
        }
        _ if number(a) && number(b) => {
            if let (Some(x), Some(y)) = (as_i128(a), as_i128(b)) {
                return Ok(x.cmp(&y));
            }
            let (x, y) = (as_f64(a), as_f64(b));
            x.partial_cmp(&y).map_or(Ok(Ordering::Equal), Ok)
        }
        (ValueKind::String, ValueKind::String) => Ok(a.as_str().cmp(&b.as_str())),
        (ValueKind::Seq, ValueKind::Seq) => {
            let (xs, ys): (Vec<Value>, Vec<Value>) = (a.try_iter()?.collect(), b.try_iter()?.collect());
            for (x, y) in xs.iter().zip(&ys) {
                if x != y {
                    return py_cmp(x, y);
                }
            }
            Ok(xs.len().cmp(&ys.len()))
        }
        _ => Err(invalid(format!("'<' not supported between {} and {}", a.kind(), b.kind()))),
    }
}

/// An integer or boolean as `i128`.
pub(super) fn as_i128(value: &Value) -> Option<i128> {
    match value.kind() {
        ValueKind::Bool => Some(i128::from(value.is_true())),
        ValueKind::Number if value.is_integer() => i128::try_from(value.clone()).ok(),
        _ => None,
    }
}

/// A number or boolean as `f64`.
pub(super) fn as_f64(value: &Value) -> f64 {
    match value.kind() {
        ValueKind::Bool => f64::from(u8::from(value.is_true())),
        _ => f64::try_from(value.clone()).unwrap_or(f64::NAN),
    }
}

/// Sorts `items` by `key` as Python's stable `sorted(key=..., reverse=...)`
/// does, failing where Python cannot order two keys.
pub(super) fn sort_by_key(items: &mut Vec<Value>, keys: Vec<Value>, reverse: bool) -> Result<(), Error> {
    let mut failure = None;
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(items.drain(..)).collect();
    pairs.sort_by(|(a, _), (b, _)| {
        let (x, y) = if reverse { (b, a) } else { (a, b) };
        py_cmp(x, y).unwrap_or_else(|err| {
            failure.get_or_insert(err);
            Ordering::Equal
        })
    });
    if let Some(err) = failure {
        return Err(err);
    }
    items.extend(pairs.into_iter().map(|(_, item)| item));
    Ok(())
}

/// Whether `c` is whitespace to Python's `str.isspace()` (and so to
/// `str.split()` and `str.strip()`).
pub(super) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Python's `str.splitlines()`: lines without their ends, where `\r\n`,
/// `\r`, `\n`, `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, `\u2028` and `\u2029` end
/// a line; no empty line after a final line end.
pub(super) fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        ) {
            lines.push(&text[start..at]);
            start = at + c.len_utf8();
            if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                chars.next();
                start += 1;
            }
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_like_python() {
        assert_eq!(split_lines("a\r\nb\rc\n\nd\u{2028}e\n"), ["a", "b", "c", "", "d", "e"]);
        assert_eq!(split_lines(""), Vec::<&str>::new());
        assert_eq!(split_lines("\n"), [""]);
    }

    #[test]
    fn binds_like_python() {
        let kwargs: Kwargs = [("b", Value::from(2))].into_iter().collect();
        let bound = bind("f", ["a", "b", "c"], &[Value::from(1)], &kwargs).unwrap();
        assert_eq!(bound, [Some(Value::from(1)), Some(Value::from(2)), None]);
        let twice: Kwargs = [("a", Value::from(2))].into_iter().collect();
        assert!(bind("f", ["a"], &[Value::from(1)], &twice).is_err());
        let unknown: Kwargs = [("z", Value::from(2))].into_iter().collect();
        assert!(bind("f", ["a"], &[], &unknown).is_err());
        assert!(
            bind(
                "f",
                ["a"],
                &[Value::from(1), Value::from(2)],
                &Kwargs::from_iter(Vec::<(&str, Value)>::new())
            )
            .is_err()
        );
    }
}
