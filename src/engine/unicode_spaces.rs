//! Unicode spaces inside tags: Jinja2's lexer takes any whitespace Python's
//! `\s` matches (a no-break space typed into `{{ cookiecutter.x }}` by an
//! editor, for one) as a space between tokens; minijinja's stops at it. Each
//! such character where minijinja's lexer fails becomes a plain space;
//! spaces inside strings and text, where the lexer does not fail, stay.

use std::borrow::Cow;

use minijinja::machinery::tokenize;
use minijinja::syntax::SyntaxConfig;

/// `source` with every Unicode space the lexer stops at made a plain space.
pub(super) fn as_spaces<'s>(source: &'s str, config: &SyntaxConfig) -> Cow<'s, str> {
    if source.is_ascii() || !source.chars().any(|c| c.is_whitespace() && !c.is_ascii()) {
        return Cow::Borrowed(source);
    }
    let mut text = source.to_owned();
    // Each round fixes one character; a template has few.
    for _ in 0..1000 {
        let failed_at = tokenize(&text, false, config.clone())
            .find_map(Result::err)
            .and_then(|err| err.range())
            .map(|range| range.start);
        let Some(at) = failed_at else { break };
        match text[at..].chars().next() {
            Some(c) if c.is_whitespace() && !c.is_ascii() => text.replace_range(at..at + c.len_utf8(), " "),
            _ => break,
        }
    }
    if text == source { Cow::Borrowed(source) } else { Cow::Owned(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_in_tags_become_plain_and_text_keeps_its_own() {
        let config = SyntaxConfig::default();
        assert_eq!(
            as_spaces("a\u{a0}{{\u{a0}x }}\u{2003}{{ '\u{a0}' }}", &config),
            "a\u{a0}{{ x }}\u{2003}{{ '\u{a0}' }}"
        );
        assert_eq!(as_spaces("{{ x }}", &config), "{{ x }}");
    }
}
