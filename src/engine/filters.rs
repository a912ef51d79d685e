//! The filters and tests templates use, as Jinja2 and cookiecutter define
//! them: cookiecutter's `slugify` and `jsonify`; Jinja2's builtins wherever
//! minijinja's differ (signature, positional arguments, defaults, Python
//! semantics), registered over minijinja's; and stamp's `yaml_quote`.
//! Each submodule holds one family; `tests/jinja_differential.rs` checks
//! them against real Jinja2.

// minijinja hands filters their arguments by value.
#![allow(clippy::needless_pass_by_value)]

mod args;
mod collections;
mod html;
mod json;
mod numbers;
mod percent;
mod pprint;
mod text;
mod textwrap;

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind};

pub(crate) use json::{JsonStyle, python_json};

use super::slugify::{self, Options};

/// Registers the filters and tests on an environment (after minijinja's and
/// minijinja-contrib's, which some of them replace).
pub(crate) fn add_filters(env: &mut minijinja::Environment) {
    env.add_filter("slugify", slugify_filter);
    env.add_filter("format", format);
    env.add_filter(super::modulo::FILTER, percent_operator);
    env.add_filter("pprint", pprint::pprint);
    json::add(env);
    text::add(env);
    numbers::add(env);
    collections::add(env);
    html::add(env);
    // Jinja2: anything with a length and items (strings and mappings too).
    env.add_test("sequence", |value: Value| {
        matches!(value.kind(), ValueKind::Seq | ValueKind::Map | ValueKind::String)
    });
    // Jinja2: Python's `callable`, which functions and macros are.
    env.add_test("callable", |value: Value| value.kind() == ValueKind::Plain);
}

/// Jinja2's `format(*args, **kwargs)`: `str(value) % args`, or `% kwargs`.
fn format(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let names: Vec<String> = kwargs.args().map(str::to_owned).collect();
    if !rest.is_empty() && !names.is_empty() {
        return Err(args::invalid("format: can't handle positional and keyword arguments at the same time"));
    }
    let text = args::py_str(&value)?;
    if names.is_empty() {
        return percent::format(&text, percent::Operand::Tuple(&rest));
    }
    let mapping: Vec<(String, Value)> = names
        .into_iter()
        .map(|name| kwargs.get::<Value>(&name).map(|v| (name, v)))
        .collect::<Result<_, _>>()?;
    percent::format(&text, percent::Operand::Single(&super::map(mapping)))
}

/// Python's `text % operand` (a template's `%` after a string literal is
/// rewritten into this): a tuple gives one value per conversion, anything
/// else is one value or a mapping.
fn percent_operator(value: Value, operand: Value) -> Result<String, Error> {
    let text = args::py_str(&value)?;
    if operand.is_tuple() {
        let items: Vec<Value> = operand.try_iter()?.collect();
        percent::format(&text, percent::Operand::Tuple(&items))
    } else {
        percent::format(&text, percent::Operand::Single(&operand))
    }
}

/// cookiecutter's `slugify` filter: python-slugify's thirteen parameters,
/// positional or by keyword, flags true or false as Python reads them.
fn slugify_filter(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [
        entities,
        decimal,
        hexadecimal,
        max_length,
        word_boundary,
        separator,
        save_order,
        stopwords,
        regex_pattern,
        lowercase,
        replacements,
        allow_unicode,
    ] = args::bind(
        "slugify",
        [
            "entities",
            "decimal",
            "hexadecimal",
            "max_length",
            "word_boundary",
            "separator",
            "save_order",
            "stopwords",
            "regex_pattern",
            "lowercase",
            "replacements",
            "allow_unicode",
        ],
        &rest,
        &kwargs,
    )?;
    let text = args::defined(&value)?
        .as_str()
        .ok_or_else(|| args::invalid(format!("slugify: text must be str, not {}", value.kind())))?;
    let flag = |value: &Option<Value>, default: bool| args::truthy(value.as_ref(), default);
    let mut options = Options {
        entities: flag(&entities, true),
        decimal: flag(&decimal, true),
        hexadecimal: flag(&hexadecimal, true),
        word_boundary: flag(&word_boundary, false),
        save_order: flag(&save_order, false),
        lowercase: flag(&lowercase, true),
        allow_unicode: flag(&allow_unicode, false),
        ..Options::default()
    };
    options.max_length = args::int("slugify", "max_length", max_length.as_ref())?.unwrap_or(0);
    if let Some(separator) = args::string("slugify", "separator", separator.as_ref())? {
        options.separator = separator;
    }
    if let Some(words) = stopwords.filter(|w| !w.is_none()) {
        options.stopwords = words.try_iter()?.map(|w| args::py_str(&w)).collect::<Result<_, _>>()?;
    }
    if let Some(pattern) = args::string("slugify", "regex_pattern", regex_pattern.as_ref())? {
        options.regex_pattern = Some(
            regex::Regex::new(&pattern)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?,
        );
    }
    if let Some(pairs) = replacements.filter(|r| !r.is_none()) {
        options.replacements = pairs
            .try_iter()?
            .map(|pair| {
                let parts: Vec<Value> = pair.try_iter()?.collect();
                match <[Value; 2]>::try_from(parts) {
                    Ok([old, new]) => Ok((args::py_str(&old)?, args::py_str(&new)?)),
                    Err(_) => Err(args::invalid("slugify: replacements must be pairs")),
                }
            })
            .collect::<Result<_, Error>>()?;
    }
    Ok(slugify::slugify(text, &options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str) -> String {
        let mut env = minijinja::Environment::new();
        minijinja_contrib::add_to_environment(&mut env);
        add_filters(&mut env);
        env.render_str(source, ()).unwrap()
    }

    #[test]
    fn slugify_takes_keyword_and_positional_arguments() {
        assert_eq!(render("{{ 'Hello World' | slugify(separator='_') }}"), "hello_world");
        assert_eq!(render("{{ 'Hello World' | slugify(lowercase=False, max_length=5) }}"), "Hello");
        assert_eq!(render("{{ 'one two three' | slugify(true, true, true, 9, true, '_') }}"), "one_two");
    }

    #[test]
    fn replaced_filters_take_jinja2_signatures() {
        assert_eq!(render("{{ 'a b c d' | wordwrap(3) }}"), "a b\nc d");
        assert_eq!(render("{{ 'a\nb\n' | indent(2, true) }}"), "  a\n  b\n");
        assert_eq!(render("{{ '%05.1f|%r' | format(2.25, 'x') }}"), "002.2|'x'");
        assert_eq!(render("{{ 'x' | int(7) }} {{ '0x1A' | int(base=16) }}"), "7 26");
        assert_eq!(render("{{ ({'b': 1, 'a': 2} | dictsort | first)[0] }}"), "a");
        assert_eq!(render("{% if 'x' is sequence and {} is sequence %}yes{% endif %}"), "yes");
    }
}
