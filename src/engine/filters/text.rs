//! Jinja2's string filters whose minijinja versions differ from it:
//! `wordwrap`, `indent`, `center`, `truncate`, `trim` and `wordcount`, with
//! Jinja2's signatures (positional or keyword arguments) and results.

// minijinja hands filters their arguments by value.
#![allow(clippy::needless_pass_by_value)]

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, State};

use super::args::{self, bind, invalid};
use super::textwrap::{self, Wrap};
use crate::engine::python;

/// Registers the filters of this module.
pub(super) fn add(env: &mut minijinja::Environment) {
    env.add_filter("wordwrap", wordwrap);
    env.add_filter("indent", indent);
    env.add_filter("center", center);
    env.add_filter("truncate", truncate);
    env.add_filter("trim", trim);
    env.add_filter("wordcount", wordcount);
}

/// The most text a filter that pads or repeats may produce; beyond it, an
/// error instead of an exhausted memory.
fn check_len(filter: &str, len: usize) -> Result<(), Error> {
    python::check_width(filter, len)
}

/// `wordwrap(width=79, break_long_words=True, wrapstring=None,
/// break_on_hyphens=True)`: each line of the text (Python's `splitlines`)
/// wrapped by `textwrap.wrap`, all joined by `wrapstring` (a newline by
/// default).
fn wordwrap(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [width, break_long_words, wrapstring, break_on_hyphens] =
        bind("wordwrap", ["width", "break_long_words", "wrapstring", "break_on_hyphens"], &rest, &kwargs)?;
    let text = args::text("wordwrap", &value)?;
    args::charge_text(state, text)?;
    // textwrap only compares the width, so Python takes a float too.
    let width = match width {
        #[allow(clippy::cast_possible_truncation)]
        Some(w) if w.kind() == ValueKind::Number && !w.is_integer() => args::as_f64(&w).floor() as i64,
        w => args::int("wordwrap", "width", w.as_ref())?.unwrap_or(79),
    };
    let options = Wrap {
        width: usize::try_from(width).unwrap_or(0),
        break_long_words: args::truthy(break_long_words.as_ref(), true),
        break_on_hyphens: args::truthy(break_on_hyphens.as_ref(), true),
    };
    let wrapstring =
        args::string("wordwrap", "wrapstring", wrapstring.as_ref())?.unwrap_or_else(|| "\n".into());
    let lines = args::split_lines(text);
    if !lines.is_empty() && options.width == 0 {
        return Err(invalid(format!("wordwrap: invalid width {width} (must be > 0)")));
    }
    let paragraphs: Vec<String> =
        lines.into_iter().map(|line| textwrap::wrap(line, options).join(&wrapstring)).collect();
    Ok(paragraphs.join(&wrapstring))
}

/// `indent(width=4, first=False, blank=False)`: every line but the first
/// (all with `first`) prefixed by `width` spaces, or by `width` itself when
/// it is a string; blank lines only with `blank`. As in Jinja2, the text is
/// split with Python's `splitlines` after a newline is appended, so a final
/// newline is kept, and other line ends become newlines.
fn indent(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [width, first, blank] = bind("indent", ["width", "first", "blank"], &rest, &kwargs)?;
    let text = args::text("indent", &value)?;
    args::charge_text(state, text)?;
    let prefix = match &width {
        Some(w) if w.as_str().is_some() => w.as_str().unwrap_or_default().to_owned(),
        w => {
            let n = args::int("indent", "width", w.as_ref())?.unwrap_or(4);
            let n = usize::try_from(n).unwrap_or(0);
            check_len("indent", n)?;
            " ".repeat(n)
        }
    };
    let text = format!("{text}\n");
    let lines = args::split_lines(&text);
    let mut out = if args::truthy(blank.as_ref(), false) {
        lines.join(&format!("\n{prefix}"))
    } else {
        let mut out = lines[0].to_owned();
        for line in &lines[1..] {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&prefix);
            }
            out.push_str(line);
        }
        out
    };
    if args::truthy(first.as_ref(), false) {
        out.insert_str(0, &prefix);
    }
    Ok(out)
}

/// `center(width=80)`: Python's `str(value).center(width)`.
fn center(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [width] = bind("center", ["width"], &rest, &kwargs)?;
    let width = args::int("center", "width", width.as_ref())?.unwrap_or(80);
    let width = usize::try_from(width).unwrap_or(0);
    check_len("center", width)?;
    Ok(python::center(&args::py_str(&value)?, width, ' '))
}

/// `truncate(length=255, killwords=False, end='...', leeway=None)`, with
/// Jinja2's default leeway of 5.
fn truncate(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [length, killwords, end, leeway] =
        bind("truncate", ["length", "killwords", "end", "leeway"], &rest, &kwargs)?;
    let text = args::text("truncate", &value)?;
    let length = args::int("truncate", "length", length.as_ref())?.unwrap_or(255);
    let end = args::string("truncate", "end", end.as_ref())?.unwrap_or_else(|| "...".into());
    let leeway = args::int_or_none("truncate", "leeway", leeway.as_ref())?.unwrap_or(5);
    let end_len = i64::try_from(end.chars().count()).unwrap_or(i64::MAX);
    if length < end_len {
        return Err(invalid(format!("truncate: expected length >= {end_len}, got {length}")));
    }
    if leeway < 0 {
        return Err(invalid(format!("truncate: expected leeway >= 0, got {leeway}")));
    }
    let chars: Vec<char> = text.chars().collect();
    if i64::try_from(chars.len()).unwrap_or(i64::MAX) <= length.saturating_add(leeway) {
        return Ok(text.to_owned());
    }
    let keep = usize::try_from(length - end_len).unwrap_or(0).min(chars.len());
    let head: String = chars[..keep].iter().collect();
    if args::truthy(killwords.as_ref(), false) {
        return Ok(format!("{head}{end}"));
    }
    let kept = head.rsplit_once(' ').map_or(head.as_str(), |(before, _)| before);
    Ok(format!("{kept}{end}"))
}

/// `trim(chars=None)`: Python's `str(value).strip(chars)`, whitespace as
/// Python knows it by default.
fn trim(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [chars] = bind("trim", ["chars"], &rest, &kwargs)?;
    let text = args::py_str(&value)?;
    Ok(match args::string("trim", "chars", chars.as_ref())? {
        Some(set) => text.trim_matches(|c| set.contains(c)).to_owned(),
        None => text.trim_matches(args::is_py_space).to_owned(),
    })
}

/// `wordcount`: how many runs of Python's `\w` the text holds.
fn wordcount(value: Value) -> Result<usize, Error> {
    let text = args::py_str(&value)?;
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let word = textwrap::is_word(c);
        if word && !in_word {
            count += 1;
        }
        in_word = word;
    }
    Ok(count)
}
