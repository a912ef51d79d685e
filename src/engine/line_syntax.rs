//! Jinja2's line statements and line comments (`line_statement_prefix`,
//! `line_comment_prefix`), with the whitespace Jinja2 leaves around them.
//! minijinja has both, but lexes them differently (it keeps the blank lines
//! after a line statement and eats the newline after a line comment), so
//! stamp translates them into ordinary tags first, as Jinja2's lexer reads
//! them:
//! - a line statement is a line starting with `[ \t\v]*PREFIX`; it ends at
//!   `\s*(\n|$)`, which swallows the blank lines after it;
//! - a line comment starts at `(^|(?<=\S))[^\S\r\n]*PREFIX` in text and runs
//!   to the end of its line, leaving the newline.
//!
//! Only text is translated (never what is inside tags); the whitespace a
//! statement swallows goes inside its tag, so every line keeps its number.

use std::borrow::Cow;

use minijinja::machinery::{Token, tokenize};
use minijinja::syntax::SyntaxConfig;

/// The prefixes and the block delimiters the translation writes.
pub(super) struct LineSyntax<'a> {
    pub(super) statement: Option<&'a str>,
    pub(super) comment: Option<&'a str>,
    pub(super) block: (&'a str, &'a str),
}

impl LineSyntax<'_> {
    /// `source` with its line statements as tags and its line comments
    /// removed; `config` (without line prefixes) finds the text.
    pub(super) fn translate<'s>(&self, source: &'s str, config: &SyntaxConfig) -> Cow<'s, str> {
        let prefixes = [self.statement, self.comment];
        if !prefixes.iter().flatten().any(|p| source.contains(p)) {
            return Cow::Borrowed(source);
        }
        let mut out = String::with_capacity(source.len());
        let mut copied = 0;
        for token in tokenize(source, false, config.clone()) {
            let Ok((Token::TemplateData(_), span)) = token else { continue };
            let (start, end) = (span.start_offset as usize, span.end_offset as usize);
            out.push_str(&source[copied..start]);
            self.translate_text(source, start, end, &mut out);
            copied = end;
        }
        out.push_str(&source[copied..]);
        Cow::Owned(out)
    }

    /// Translates the text `source[start..end]` into `out`.
    fn translate_text(&self, source: &str, start: usize, end: usize, out: &mut String) {
        let bytes = source.as_bytes();
        let mut at = start;
        while at < end {
            let line_end = source[at..end].find('\n').map_or(end, |i| at + i);
            let at_line_start = at == 0 || bytes[at - 1] == b'\n';
            let indent = source[at..line_end].len()
                - source[at..line_end].trim_start_matches([' ', '\t', '\x0b']).len();
            // Jinja2 tries the longer prefix first.
            let statement =
                self.statement.filter(|p| at_line_start && source[at + indent..line_end].starts_with(p));
            let comment_first = self.comment.is_some_and(|c| {
                statement.is_some_and(|s| c.len() > s.len() && source[at + indent..].starts_with(c))
            });
            if let (Some(prefix), false) = (statement, comment_first) {
                // The statement, then every whitespace up to the last newline of the run after it.
                let body = &source[at + indent + prefix.len()..line_end];
                let run_end =
                    source[line_end..end].find(|c: char| !c.is_whitespace()).map_or(end, |i| line_end + i);
                let swallowed_to = if run_end == source.len() {
                    run_end
                } else {
                    source[line_end..run_end].rfind('\n').map_or(line_end, |i| line_end + i + 1)
                };
                out.push_str(self.block.0);
                out.push_str(&source[at..at + indent]);
                out.push_str(body);
                out.push_str(&source[line_end..swallowed_to]);
                out.push_str(self.block.1);
                at = swallowed_to;
                continue;
            }
            let line = &source[at..line_end];
            match self.comment.and_then(|c| line.find(c)) {
                Some(found) => {
                    // The comment takes the horizontal whitespace before it along.
                    let kept = line[..found].trim_end_matches([' ', '\t', '\x0b', '\x0c']);
                    out.push_str(kept);
                }
                None => out.push_str(line),
            }
            at = line_end;
            if at < end {
                out.push('\n');
                at += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translate(source: &str) -> String {
        let syntax = LineSyntax { statement: Some("%%"), comment: Some("##"), block: ("{%", "%}") };
        syntax.translate(source, &SyntaxConfig::default()).into_owned()
    }

    #[test]
    fn statements_become_tags_that_keep_every_line() {
        assert_eq!(
            translate("a\n  %% for x in y\n- {{ x }} ## note\n%% endfor\n\n\nb ## c\n"),
            "a\n{%   for x in y\n%}- {{ x }}\n{% endfor\n\n\n%}b\n"
        );
    }

    #[test]
    fn tags_and_templates_without_prefixes_are_left_alone() {
        assert_eq!(translate("{{ '%% not ## this' }}\n"), "{{ '%% not ## this' }}\n");
        assert_eq!(translate("plain\n"), "plain\n");
    }
}
