//! Multi-line answers at a terminal (text, json and yaml questions): lines
//! are read until one holding only `.`, so that blank lines stay part of
//! the answer and no editor is needed; Enter on the first line keeps the
//! default. A reply that does not parse is refused with the parser's line
//! and column, and asked again.

use console::{Term, measure_text_width};
use dialoguer::theme::Theme;

use super::prompt_error;
use super::theme::{NEEDS_AN_ANSWER, QuestionTheme, shown};
use crate::error::{Error, Result};
use crate::model::{Answer, Question, RawValue};

/// The line that ends a multi-line answer.
const END: &str = ".";

/// Shown before each line after the first.
const MORE: &str = "  ";

/// Asks until a reply is accepted; each refusal says why, below the last,
/// until the answer replaces them all.
pub(super) fn ask(
    term: &Term,
    theme: &QuestionTheme,
    question: &Question,
    columns: usize,
    proposal: Option<&Answer>,
) -> Result<Answer> {
    if !term.is_term() {
        return Err(Error::Prompt(std::io::Error::other("a multi-line answer needs a terminal")));
    }
    let mut refusals = 0;
    loop {
        let mut prompt = String::new();
        let _ = theme.format_input_prompt(&mut prompt, &question.prompt, None);
        term.write_str(&prompt).map_err(Error::Prompt)?;
        let last = prompt.rsplit('\n').next().unwrap_or_default();
        let mut rows = prompt.matches('\n').count();
        let first = read(term)?;
        rows += rows_of(measure_text_width(last) + measure_text_width(&first), columns);
        let reply = if first.is_empty() {
            match proposal {
                Some(current) => Ok(current.clone()),
                None => Err(NEEDS_AN_ANSWER.to_owned()),
            }
        } else {
            let mut lines = Vec::new();
            let mut line = first;
            while line != END {
                lines.push(line);
                term.write_str(MORE).map_err(Error::Prompt)?;
                line = read(term)?;
                rows += rows_of(MORE.len() + measure_text_width(&line), columns);
            }
            question.parse(&RawValue::Text(lines.join("\n")))
        };
        // The reply is not left on the screen: the answered line, or a refusal, replaces it.
        term.clear_last_lines(rows).map_err(Error::Prompt)?;
        match reply {
            Ok(answer) => {
                term.clear_last_lines(refusals).map_err(Error::Prompt)?;
                let text = if question.is_confidential() { "********".to_owned() } else { shown(&answer) };
                term.write_line(&theme.answered(&question.prompt, &text)).map_err(Error::Prompt)?;
                return Ok(answer);
            }
            Err(reason) => {
                for line in theme.notice(false, &reason) {
                    term.write_line(&line).map_err(Error::Prompt)?;
                    refusals += 1;
                }
            }
        }
    }
}

/// One line typed at the terminal; Ctrl-C ends the run.
fn read(term: &Term) -> Result<String> {
    term.read_line().map_err(|err| prompt_error(dialoguer::Error::IO(err)))
}

/// The rows `width` columns of text take, wrapped at `columns` (one at least).
fn rows_of(width: usize, columns: usize) -> usize {
    width.div_ceil(columns.max(1)).max(1)
}
