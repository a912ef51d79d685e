//! Python's printf-style string formatting, `text % values`, as
//! `PyUnicode_Format` in `CPython` does it: `%(key)` lookups, flags, `*` widths and
//! precisions, every conversion (`s r a c d i u o x X e E f F g G`), and
//! its errors (too few or too many values, unknown conversions). Jinja2's
//! `format` filter is this operator; minijinja's `%` on strings is not
//! (minijinja 3.1 gives no way to change what an operator does).

use minijinja::Error;
use minijinja::value::{Value, ValueKind};

use super::args::{self, invalid};
use crate::engine::python;

/// The right operand of `%`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Operand<'a> {
    /// A tuple: one value per conversion, all of them used.
    Tuple(&'a [Value]),
    /// Any other value: a mapping for `%(key)s`, or one value for one conversion.
    Single(&'a Value),
}

/// A conversion's flags, width and precision.
#[derive(Debug, Default, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)] // printf's flags, as C names them
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// `format % operand`.
pub(super) fn format(format: &str, operand: Operand) -> Result<String, Error> {
    let chars: Vec<char> = format.chars().collect();
    let (mut current, mut length, mut index): (Option<Value>, i64, i64) = match operand {
        Operand::Tuple(values) => (None, i64::try_from(values.len()).unwrap_or(i64::MAX), 0),
        Operand::Single(value) => (Some(value.clone()), -1, -2),
    };
    let mapping = match operand {
        Operand::Single(value) if value.kind() == ValueKind::Map => Some(value),
        _ => None,
    };
    let next = |current: &Option<Value>, length: i64, index: &mut i64| -> Result<Value, Error> {
        if *index >= length {
            return Err(invalid("not enough arguments for format string"));
        }
        *index += 1;
        Ok(match (current, operand) {
            (Some(value), _) if length < 0 => value.clone(),
            (_, Operand::Tuple(values)) => values[usize::try_from(*index - 1).unwrap_or(0)].clone(),
            (_, Operand::Single(value)) => value.clone(),
        })
    };
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at] != '%' {
            out.push(chars[at]);
            at += 1;
            continue;
        }
        at += 1;
        if chars.get(at) == Some(&'%') {
            out.push('%');
            at += 1;
            continue;
        }
        if chars.get(at) == Some(&'(') {
            let Some(mapping) = mapping else { return Err(invalid("format requires a mapping")) };
            let mut depth = 1;
            let start = at + 1;
            while depth > 0 {
                at += 1;
                match chars.get(at) {
                    None => return Err(invalid("incomplete format key")),
                    Some('(') => depth += 1,
                    Some(')') => depth -= 1,
                    Some(_) => {}
                }
            }
            let key: String = chars[start..at].iter().collect();
            at += 1;
            let value = mapping.get_item(&Value::from(key.as_str()))?;
            if value.is_undefined() {
                return Err(invalid(format!("KeyError: {}", python::repr(&Value::from(key)))));
            }
            (current, length, index) = (Some(value), -1, -2);
        }
        let mut spec = Spec::default();
        while let Some(&flag) = chars.get(at) {
            match flag {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alternate = true,
                '0' => spec.zero = true,
                _ => break,
            }
            at += 1;
        }
        if chars.get(at) == Some(&'*') {
            at += 1;
            let width = star(&next(&current, length, &mut index)?)?;
            spec.left |= width < 0;
            spec.width = usize::try_from(width.unsigned_abs()).unwrap_or(usize::MAX);
        } else {
            spec.width = digits(&chars, &mut at)?;
        }
        if chars.get(at) == Some(&'.') {
            at += 1;
            spec.precision = Some(if chars.get(at) == Some(&'*') {
                at += 1;
                usize::try_from(star(&next(&current, length, &mut index)?)?).unwrap_or(0)
            } else {
                digits(&chars, &mut at)?
            });
        }
        if matches!(chars.get(at), Some('h' | 'l' | 'L')) {
            at += 1;
        }
        let Some(&conversion) = chars.get(at) else { return Err(invalid("incomplete format")) };
        let value = next(&current, length, &mut index)?;
        python::check_width("format", spec.width.max(spec.precision.unwrap_or(0)))?;
        out.push_str(&convert(conversion, &value, spec, at)?);
        at += 1;
    }
    if index < length && mapping.is_none() {
        return Err(invalid("not all arguments converted during string formatting"));
    }
    Ok(out)
}

/// A `*` width or precision: an integer.
fn star(value: &Value) -> Result<i64, Error> {
    args::int("format", "*", Some(value))?.ok_or_else(|| invalid("* wants int"))
}

/// A decimal number at `at` (0 when there is none).
fn digits(chars: &[char], at: &mut usize) -> Result<usize, Error> {
    let mut n: usize = 0;
    while let Some(digit) = chars.get(*at).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(digit as usize))
            .ok_or_else(|| invalid("width too big"))?;
        *at += 1;
    }
    Ok(n)
}

/// One conversion of `value`, padded to the spec's width.
fn convert(conversion: char, value: &Value, spec: Spec, at: usize) -> Result<String, Error> {
    args::defined(value)?;
    let text = match conversion {
        's' | 'r' | 'a' => {
            let text = match conversion {
                's' => args::py_str(value)?,
                'r' => python::repr(value),
                _ => ascii(&python::repr(value)),
            };
            let text = match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            return Ok(pad(text, spec, false));
        }
        'c' => {
            let c = match (value.as_str(), args::as_i128(value)) {
                (Some(s), _) if s.chars().count() == 1 => s.to_owned(),
                (None, Some(code)) => u32::try_from(code)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| invalid("%c arg not in range(0x110000)"))?
                    .to_string(),
                _ => return Err(invalid("%c requires int or char")),
            };
            return Ok(pad(c, spec, false));
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => integer(conversion, value, spec)?,
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            if !matches!(value.kind(), ValueKind::Number | ValueKind::Bool) {
                return Err(invalid(format!("must be real number, not {}", value.kind())));
            }
            float(conversion, args::as_f64(value), spec)
        }
        other => {
            return Err(invalid(format!(
                "unsupported format character '{other}' (0x{:x}) at index {at}",
                other as u32
            )));
        }
    };
    Ok(pad(text, spec, true))
}

/// `%d`, `%o`, `%x`: the sign, the alternate prefix, the digits (at least
/// the precision's many).
fn integer(conversion: char, value: &Value, spec: Spec) -> Result<String, Error> {
    let number = match (value.kind(), args::as_i128(value)) {
        (_, Some(n)) => n,
        (ValueKind::Number, None) if matches!(conversion, 'd' | 'i' | 'u') => {
            let x = args::as_f64(value);
            if !x.is_finite() {
                return Err(invalid("cannot convert float infinity or NaN to integer"));
            }
            // The cast saturates; floats beyond i128 are far outside what templates hold.
            #[allow(clippy::cast_possible_truncation)]
            let n = x.trunc() as i128;
            n
        }
        (ValueKind::Number, None) => {
            return Err(invalid(format!("%{conversion} format: an integer is required, not float")));
        }
        (kind, None) => {
            let wanted = if matches!(conversion, 'd' | 'i' | 'u') { "a real number" } else { "an integer" };
            return Err(invalid(format!("%{conversion} format: {wanted} is required, not {kind}")));
        }
    };
    let magnitude = number.unsigned_abs();
    let mut digits = match conversion {
        'o' => format!("{magnitude:o}"),
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        _ => magnitude.to_string(),
    };
    if let Some(p) = spec.precision.filter(|&p| digits.len() < p) {
        digits.insert_str(0, &"0".repeat(p - digits.len()));
    }
    let prefix = match conversion {
        'o' if spec.alternate => "0o",
        'x' if spec.alternate => "0x",
        'X' if spec.alternate => "0X",
        _ => "",
    };
    Ok(format!("{}{prefix}{digits}", sign(number < 0, spec)))
}

/// The sign a number is written with.
fn sign(negative: bool, spec: Spec) -> &'static str {
    match (negative, spec.plus, spec.space) {
        (true, _, _) => "-",
        (false, true, _) => "+",
        (false, false, true) => " ",
        _ => "",
    }
}

/// `%e`, `%f`, `%g` as C's printf writes them (Python's are the same).
fn float(conversion: char, x: f64, spec: Spec) -> String {
    let upper = conversion.is_ascii_uppercase();
    let sign = sign(x.is_sign_negative() && !x.is_nan(), spec);
    if !x.is_finite() {
        let text = if x.is_nan() { "nan" } else { "inf" };
        return format!("{sign}{}", if upper { text.to_uppercase() } else { text.to_owned() });
    }
    let x = x.abs();
    let precision = spec.precision.unwrap_or(6);
    let body = match conversion.to_ascii_lowercase() {
        'f' => {
            let mut text = format!("{x:.precision$}");
            if spec.alternate && precision == 0 {
                text.push('.');
            }
            text
        }
        'e' => exponent(x, precision, spec.alternate),
        _ => {
            let p = precision.max(1);
            let scientific = exponent(x, p - 1, false);
            let exp: i64 = scientific.rsplit_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0);
            let mut text = if exp < -4 || exp >= i64::try_from(p).unwrap_or(i64::MAX) {
                exponent(x, p - 1, spec.alternate)
            } else {
                let decimals = usize::try_from(i64::try_from(p).unwrap_or(0) - 1 - exp).unwrap_or(0);
                let mut text = format!("{x:.decimals$}");
                if spec.alternate && decimals == 0 {
                    text.push('.');
                }
                text
            };
            if !spec.alternate {
                text = strip_zeros(&text);
            }
            text
        }
    };
    let body = if upper { body.to_uppercase() } else { body };
    format!("{sign}{body}")
}

/// `x` in C's `%.{precision}e` form: `d.ddde+XX`.
fn exponent(x: f64, precision: usize, alternate: bool) -> String {
    let text = format!("{x:.precision$e}");
    let (mantissa, exp) = text.split_once('e').expect("`{:e}` has an exponent");
    let exp: i64 = exp.parse().expect("integer exponent");
    let point = if alternate && precision == 0 { "." } else { "" };
    format!("{mantissa}{point}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// `%g` without its trailing zeros (and a trailing point), exponent kept.
fn strip_zeros(text: &str) -> String {
    let (number, exp) = match text.split_once('e') {
        Some((number, exp)) => (number, format!("e{exp}")),
        None => (text, String::new()),
    };
    let number =
        if number.contains('.') { number.trim_end_matches('0').trim_end_matches('.') } else { number };
    format!("{number}{exp}")
}

/// `text` padded to the width: on the right with `-`, with zeros after the
/// sign and prefix for numbers with `0`, else with spaces on the left.
fn pad(text: String, spec: Spec, numeric: bool) -> String {
    let len = text.chars().count();
    if len >= spec.width {
        return text;
    }
    let fill = spec.width - len;
    if spec.left {
        return format!("{text}{}", " ".repeat(fill));
    }
    if numeric && spec.zero {
        let sign_len = usize::from(text.starts_with(['-', '+', ' ']));
        let prefix_len = if text[sign_len..].starts_with("0x")
            || text[sign_len..].starts_with("0X")
            || text[sign_len..].starts_with("0o")
        {
            2
        } else {
            0
        };
        let (head, tail) = text.split_at(sign_len + prefix_len);
        return format!("{head}{}{tail}", "0".repeat(fill));
    }
    format!("{}{text}", " ".repeat(fill))
}

/// Python's `ascii()` of a repr: every non-ASCII character escaped.
fn ascii(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            code @ 0x80..=0xff => out.push_str(&format!("\\x{code:02x}")),
            code @ 0x100..=0xffff => out.push_str(&format!("\\u{code:04x}")),
            code => out.push_str(&format!("\\U{code:08x}")),
        }
    }
    out
}
