//! Python's `%` on a string literal: `'main_%s.py' % name`, `"%02d" % n`,
//! `'%s-%s' % (a, b)`. minijinja's `%` is only the remainder and it has no
//! hook for operators, so each `LITERAL % OPERAND` in a template is
//! rewritten, token by token with minijinja's own lexer, into
//! `LITERAL | __stamp_percent(OPERAND)`, which formats as Python does
//! (`filters::percent`). The operand is what binds tighter than `%` in
//! Jinja2: a literal, name or parenthesised expression with its
//! attributes, subscripts, calls and filters, after an optional sign.

use std::borrow::Cow;

use minijinja::machinery::{Span, Token, tokenize};
use minijinja::syntax::SyntaxConfig;

/// The filter the rewritten `%` calls.
pub(super) const FILTER: &str = "__stamp_percent";

/// `source` with every `%` after a string literal made a call to
/// [`FILTER`]; otherwise (or when it does not lex) unchanged.
pub(super) fn rewrite_percent<'s>(source: &'s str, syntax: &SyntaxConfig) -> Cow<'s, str> {
    if !after_quote(source) {
        return Cow::Borrowed(source);
    }
    let Ok(tokens) = tokenize(source, false, syntax.clone()).collect::<Result<Vec<(Token, Span)>, _>>()
    else {
        return Cow::Borrowed(source);
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for at in 0..tokens.len().saturating_sub(2) {
        let is_text = matches!(tokens[at].0, Token::Str(_) | Token::String(_));
        if !(is_text && matches!(tokens[at + 1].0, Token::Mod)) {
            continue;
        }
        let Some(last) = operand_end(&tokens, at + 2) else { continue };
        let op = tokens[at + 1].1;
        edits.push((op.start_offset as usize, op.end_offset as usize, format!("|{FILTER}(")));
        let end = tokens[last].1.end_offset as usize;
        edits.push((end, end, ")".into()));
    }
    if edits.is_empty() {
        return Cow::Borrowed(source);
    }
    edits.sort_by_key(|(start, ..)| *start);
    let mut out = String::with_capacity(source.len() + edits.len() * 8);
    let mut from = 0;
    for (start, end, text) in edits {
        out.push_str(&source[from..start]);
        out.push_str(&text);
        from = end;
    }
    out.push_str(&source[from..]);
    Cow::Owned(out)
}

/// Whether some `%` follows a quote (spaces between): the cheap test that
/// spares every other template the lexing.
fn after_quote(source: &str) -> bool {
    let bytes = source.as_bytes();
    // `'yes' %}` ends a tag (Jinja's default block end), it formats nothing.
    memchr::memchr_iter(b'%', bytes).any(|at| {
        bytes.get(at + 1) != Some(&b'}')
            && bytes[..at]
                .iter()
                .rev()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| matches!(b, b'\'' | b'"'))
    })
}

/// The index of the last token of the operand starting at `at`.
fn operand_end(tokens: &[(Token, Span)], mut at: usize) -> Option<usize> {
    while matches!(tokens.get(at)?.0, Token::Minus | Token::Plus) {
        at += 1;
    }
    let mut last = match tokens.get(at)?.0 {
        Token::Ident(_)
        | Token::Str(_)
        | Token::String(_)
        | Token::Int(_)
        | Token::Int128(_)
        | Token::Float(_) => at,
        Token::ParenOpen | Token::BracketOpen | Token::BraceOpen => closing(tokens, at)?,
        _ => return None,
    };
    loop {
        last = match (tokens.get(last + 1).map(|t| &t.0), tokens.get(last + 2).map(|t| &t.0)) {
            (Some(Token::Dot), Some(Token::Ident(_))) => last + 2,
            (Some(Token::BracketOpen | Token::ParenOpen), _) => closing(tokens, last + 1)?,
            (Some(Token::Pipe), Some(Token::Ident(_))) => match tokens.get(last + 3).map(|t| &t.0) {
                Some(Token::ParenOpen) => closing(tokens, last + 3)?,
                _ => last + 2,
            },
            _ => return Some(last),
        };
    }
}

/// The index of the token closing the bracket opened at `open`.
fn closing(tokens: &[(Token, Span)], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, (token, _)) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::ParenOpen | Token::BracketOpen | Token::BraceOpen => depth += 1,
            Token::ParenClose | Token::BracketClose | Token::BraceClose => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(source: &str) -> String {
        rewrite_percent(source, &SyntaxConfig::default()).into_owned()
    }

    #[test]
    fn the_operand_is_what_binds_tighter_than_percent() {
        assert_eq!(rewrite("{{ 'a%s' % x ~ 'b' }}"), "{{ 'a%s' |__stamp_percent( x) ~ 'b' }}");
        assert_eq!(
            rewrite("{% include 'main_%s.py' % cookiecutter.x|lower %}"),
            "{% include 'main_%s.py' |__stamp_percent( cookiecutter.x|lower) %}"
        );
        assert_eq!(rewrite("{{ \"%s-%s\" % (a, b[0]) }}"), "{{ \"%s-%s\" |__stamp_percent( (a, b[0])) }}");
        assert_eq!(rewrite("{{ '%d' % -n.count(1) + 1 }}"), "{{ '%d' |__stamp_percent( -n.count(1)) + 1 }}");
    }

    #[test]
    fn remainders_and_text_are_left_alone() {
        for source in ["{{ 7 % 2 }}", "50% 'off' {{ x }}", "{% if x %}'%'{% endif %}"] {
            assert_eq!(rewrite(source), source);
        }
    }
}
