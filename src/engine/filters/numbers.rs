//! Jinja2's number filters as Python computes them: `int` and `float`
//! (Python's parsing, then the default on failure), `round` (floats from
//! `floor` and `ceil`), `filesizeformat` and `sum`.

// minijinja hands filters their arguments by value.
#![allow(clippy::needless_pass_by_value)]

use std::sync::LazyLock;

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind};
use regex::Regex;

use super::args::{self, bind, invalid};

/// Registers the filters of this module.
pub(super) fn add(env: &mut minijinja::Environment) {
    env.add_filter("int", int);
    env.add_filter("float", float);
    env.add_filter("round", round);
    env.add_filter("filesizeformat", filesizeformat);
    env.add_filter("sum", sum);
}

/// `int(default=0, base=10)`: a string read as Python's `int(value, base)`
/// reads it, else as `int(float(value))`; a number truncated; the default
/// when neither works.
fn int(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [default, base] = bind("int", ["default", "base"], &rest, &kwargs)?;
    let default = default.unwrap_or_else(|| Value::from(0));
    let base = args::int_or_none("int", "base", base.as_ref())?.unwrap_or(10);
    match args::defined(&value)?.kind() {
        ValueKind::String => {
            let text = value.as_str().unwrap_or_default();
            if let Some(n) = parse_int(text, base) {
                return Ok(Value::from(n));
            }
            Ok(parse_float(text).and_then(truncate).map_or(default, Value::from))
        }
        ValueKind::Bool => Ok(Value::from(i64::from(value.is_true()))),
        ValueKind::Number if value.is_integer() => Ok(value),
        ValueKind::Number => {
            let x = args::as_f64(&value);
            if x.is_infinite() {
                return Err(invalid("int: cannot convert float infinity to integer"));
            }
            Ok(truncate(x).map_or(default, Value::from))
        }
        _ => Ok(default),
    }
}

/// `float(default=0.0)`: Python's `float(value)`, or the default when it fails.
fn float(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [default] = bind("float", ["default"], &rest, &kwargs)?;
    let default = default.unwrap_or_else(|| Value::from(0.0));
    Ok(match args::defined(&value)?.kind() {
        ValueKind::String => parse_float(value.as_str().unwrap_or_default()).map_or(default, Value::from),
        ValueKind::Bool | ValueKind::Number => Value::from(args::as_f64(&value)),
        _ => default,
    })
}

/// A float truncated toward zero, as Python's `int(x)`; `None` for NaN
/// and infinities.
fn truncate(x: f64) -> Option<i128> {
    // The cast saturates; floats beyond i128 are far outside what templates hold.
    #[allow(clippy::cast_possible_truncation)]
    x.is_finite().then(|| x.trunc() as i128)
}

/// `text` with Python's whitespace stripped and every Unicode decimal digit
/// as its ASCII digit, as Python's `int()` and `float()` read strings.
fn normalize_digits(text: &str) -> String {
    static DIGIT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\p{Nd}&&\p{age:14.0}]$").expect("static regex"));
    let is_digit = |c: char| DIGIT.is_match(c.encode_utf8(&mut [0; 4]));
    text.trim_matches(args::is_py_space)
        .chars()
        .map(|c| {
            if c.is_ascii() || !is_digit(c) {
                return c;
            }
            // Decimal digits come in runs of whole 0-9 sets: a digit's value
            // is its distance from the start of its run, modulo ten.
            let run = (0..=c as u32)
                .take_while(|&back| char::from_u32(c as u32 - back).is_some_and(is_digit))
                .count();
            char::from_digit(u32::try_from((run - 1) % 10).unwrap_or(0), 10).unwrap_or(c)
        })
        .collect()
}

/// Whether every `_` in `digits` sits between two characters `digit` accepts.
fn underscores_ok(digits: &str, digit: impl Fn(char) -> bool) -> bool {
    let chars: Vec<char> = digits.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| {
        c != '_' || (i > 0 && digit(chars[i - 1]) && chars.get(i + 1).is_some_and(|&next| digit(next)))
    })
}

/// Python's `int(text, base)`, or `None` where it raises `ValueError`.
fn parse_int(text: &str, base: i64) -> Option<i128> {
    if base != 0 && !(2..=36).contains(&base) {
        return None;
    }
    let text = normalize_digits(text);
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let prefix = |p: char| {
        let lower = rest.to_ascii_lowercase();
        (lower.starts_with('0') && lower[1..].starts_with(p)).then(|| &rest[2..])
    };
    let (radix, digits) = match base {
        0 => match (prefix('x'), prefix('o'), prefix('b')) {
            (Some(d), _, _) => (16, d.strip_prefix('_').unwrap_or(d)),
            (_, Some(d), _) => (8, d.strip_prefix('_').unwrap_or(d)),
            (_, _, Some(d)) => (2, d.strip_prefix('_').unwrap_or(d)),
            // A decimal literal with base 0 cannot start with 0 unless it is all zeros.
            _ if rest.starts_with('0') && rest.chars().any(|c| c != '0' && c != '_') => return None,
            _ => (10, rest),
        },
        16 | 8 | 2 => {
            let p = match base {
                16 => 'x',
                8 => 'o',
                _ => 'b',
            };
            let digits = prefix(p).map_or(rest, |d| d.strip_prefix('_').unwrap_or(d));
            (u32::try_from(base).ok()?, digits)
        }
        _ => (u32::try_from(base).ok()?, rest),
    };
    if digits.is_empty() || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
        return None;
    }
    if !underscores_ok(digits, |c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits.replace('_', ""), radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Python's `float(text)`, or `None` where it raises `ValueError`.
fn parse_float(text: &str) -> Option<f64> {
    let text = normalize_digits(text);
    if !underscores_ok(&text, |c| c.is_ascii_digit()) {
        return None;
    }
    let text = text.replace('_', "");
    // Rust also reads what Python does not: a sign after the sign position is caught by both.
    if text.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    text.parse::<f64>().ok()
}

/// `round(precision=0, method='common')`: minijinja's `round` for
/// `common` (Python's round-half-even on the decimal value); for `floor`
/// and `ceil`, Python's `math.floor(value * 10**precision) / 10**precision`,
/// a float.
fn round(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [precision, method] = bind("round", ["precision", "method"], &rest, &kwargs)?;
    let precision = args::int("round", "precision", precision.as_ref())?.unwrap_or(0);
    let method = args::string("round", "method", method.as_ref())?.unwrap_or_else(|| "common".into());
    if !matches!(method.as_str(), "common" | "ceil" | "floor") {
        return Err(invalid("round: method must be common, ceil or floor"));
    }
    let precision = i32::try_from(precision).map_err(|_| invalid("round: precision out of range"))?;
    if !matches!(args::defined(&value)?.kind(), ValueKind::Number | ValueKind::Bool) {
        return Err(invalid(format!("round: cannot round {}", value.kind())));
    }
    if method == "common" {
        let value =
            if value.kind() == ValueKind::Bool { Value::from(i64::from(value.is_true())) } else { value };
        let none = Kwargs::from_iter(Vec::<(&str, Value)>::new());
        return minijinja::filters::round(value, Some(precision), Some("common"), none);
    }
    let directed = |x: f64| if method == "floor" { x.floor() } else { x.ceil() };
    let out = if precision >= 0 {
        if let Some(n) = args::as_i128(&value) {
            // An integer times a power of ten is exact, and so is its floor.
            #[allow(clippy::cast_precision_loss)]
            return Ok(Value::from(n as f64));
        }
        let scale = 10f64.powi(precision);
        directed(args::as_f64(&value) * scale) / scale
    } else {
        let scale = 10f64.powf(f64::from(precision));
        directed(args::as_f64(&value) * scale) / scale
    };
    if !out.is_finite() {
        return Err(invalid("round: cannot convert an infinity or NaN to integer"));
    }
    Ok(Value::from(out))
}

/// `filesizeformat(binary=False)`: `1 Byte`, `N Bytes`, then one decimal
/// with kB, MB, ... (KiB, MiB, ... when binary).
fn filesizeformat(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [binary] = bind("filesizeformat", ["binary"], &rest, &kwargs)?;
    let binary = args::truthy(binary.as_ref(), false);
    let bytes = match args::defined(&value)?.kind() {
        ValueKind::String => parse_float(value.as_str().unwrap_or_default())
            .ok_or_else(|| invalid("filesizeformat: could not convert string to float"))?,
        ValueKind::Bool | ValueKind::Number => args::as_f64(&value),
        _ => return Err(invalid(format!("filesizeformat: cannot format {}", value.kind()))),
    };
    let base: i128 = if binary { 1024 } else { 1000 };
    let prefixes: [&str; 8] = if binary {
        ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    } else {
        ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    };
    #[allow(clippy::cast_precision_loss)]
    let base_f = base as f64;
    if bytes.total_cmp(&1.0).is_eq() {
        return Ok("1 Byte".into());
    }
    if bytes < base_f {
        let whole = format!("{:.0}", bytes.trunc());
        return Ok(format!("{} Bytes", if whole == "-0" { "0" } else { &whole }));
    }
    let one_decimal = |x: f64| if x.is_nan() { "nan".to_owned() } else { format!("{x:.1}") };
    let mut unit = base;
    for (i, prefix) in prefixes.iter().enumerate() {
        unit = base.pow(u32::try_from(i + 2).unwrap_or(0));
        #[allow(clippy::cast_precision_loss)]
        let unit_f = unit as f64;
        if bytes < unit_f {
            return Ok(format!("{} {prefix}", one_decimal(base_f * bytes / unit_f)));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let unit_f = unit as f64;
    Ok(format!("{} {}", one_decimal(base_f * bytes / unit_f), prefixes[7]))
}

/// `sum(attribute=None, start=0)`: Python's `sum`, over an attribute of
/// each item when given.
fn sum(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [attribute, start] = bind("sum", ["attribute", "start"], &rest, &kwargs)?;
    let parts = args::attribute_parts(attribute.as_ref());
    let mut total = start.unwrap_or_else(|| Value::from(0));
    for item in args::defined(&value)?.try_iter()? {
        total = plus(&total, &args::get_path(&item, &parts))?;
    }
    Ok(total)
}

/// Python's `a + b` for what `sum` adds: numbers, and lists to lists.
fn plus(a: &Value, b: &Value) -> Result<Value, Error> {
    let number = |v: &Value| matches!(v.kind(), ValueKind::Number | ValueKind::Bool);
    if a.is_undefined() || b.is_undefined() {
        return Err(Error::new(ErrorKind::UndefinedError, "sum: an item is undefined"));
    }
    if number(a) && number(b) {
        if let (Some(x), Some(y)) = (args::as_i128(a), args::as_i128(b)) {
            return x.checked_add(y).map(Value::from).ok_or_else(|| invalid("sum: integer overflow"));
        }
        return Ok(Value::from(args::as_f64(a) + args::as_f64(b)));
    }
    if a.kind() == ValueKind::Seq && b.kind() == ValueKind::Seq {
        return Ok(Value::from(a.try_iter()?.chain(b.try_iter()?).collect::<Vec<_>>()));
    }
    Err(invalid(format!("sum: unsupported operand types for +: {} and {}", a.kind(), b.kind())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_python() {
        assert_eq!(parse_int(" 42 ", 10), Some(42));
        assert_eq!(parse_int("1_000", 10), Some(1000));
        assert_eq!(parse_int("1__0", 10), None);
        assert_eq!(parse_int("0x1A", 16), Some(26));
        assert_eq!(parse_int("0x_1A", 0), Some(26));
        assert_eq!(parse_int("017", 0), None);
        assert_eq!(parse_int("00", 0), Some(0));
        assert_eq!(parse_int("٣", 10), Some(3));
        assert_eq!(parse_int("+-1", 10), None);
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("1_.5"), None);
        assert_eq!(parse_float(" -inf "), Some(f64::NEG_INFINITY));
    }
}
