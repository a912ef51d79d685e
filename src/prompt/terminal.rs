//! Asking at a terminal with dialoguer, on stderr. stamp checks each reply
//! itself rather than through dialoguer's validators, whose message is
//! cleared as one line however many it takes: a refused reply's reason
//! stays on the screen, whole, until the question is answered.

use console::{Term, measure_text_width};
use dialoguer::theme::Theme;
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};

use super::lines;
use super::theme::{NEEDS_AN_ANSWER, QuestionTheme, shown};
use super::{Asking, Prompter, current_asking, prompt_error};
use crate::error::{Error, Result};
use crate::model::{Answer, Kind, Question, RawValue};

/// How a multi-line answer ends, shown while it is asked.
const LINES_KEYS: &str = "(several lines; a line of just . ends)";

/// Asks on the terminal with dialoguer, on stderr. A reply that fails
/// validation is refused with the reason and asked again.
pub struct TerminalPrompter {
    term: Term,
    /// The rows of the last answered line: cleared when a validator refuses
    /// that answer, so that no tick stays beside a refused one.
    answered_rows: usize,
    /// The rows of the validator's refusals shown for the question asked
    /// again, cleared with it once it is answered.
    refusal_rows: usize,
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter { term: Term::stderr(), answered_rows: 0, refusal_rows: 0 }
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>> {
        let asking = current_asking();
        let columns = usize::from(self.term.size().1);
        let keys = match question.kind {
            Kind::Choice if !is_yes_no(question) => "(↑/↓ to move, enter to choose)",
            Kind::Multichoice => "(↑/↓ to move, space to select, enter to confirm)",
            kind if kind.is_multiline() => LINES_KEYS,
            _ => "",
        };
        // Text is typed over an empty line; the default it leaves is shown beside the prompt.
        let default = match question.kind {
            Kind::Bool | Kind::Choice | Kind::Multichoice => None,
            _ if question.is_confidential() => None,
            _ => proposal.map(shown),
        };
        let theme = QuestionTheme::new(asking.position, keys, columns, default);
        self.before(&theme, question, &asking)?;
        let asker = Asker { term: &self.term, theme: &theme, question, columns };
        let answer = match question.kind {
            Kind::Bool => Answer::Bool(asker.confirm(matches!(proposal, Some(Answer::Bool(true))))?),
            // A yes/no choice is asked as what it is.
            Kind::Choice if is_yes_no(question) => {
                let yes = asker.confirm(matches!(proposal, Some(Answer::String(s)) if s == "yes"))?;
                Answer::String((if yes { "yes" } else { "no" }).to_owned())
            }
            Kind::Choice => {
                let current = match proposal {
                    Some(Answer::String(s)) => question.choices.iter().position(|c| c == s).unwrap_or(0),
                    _ => 0,
                };
                let index = Select::with_theme(&theme)
                    .with_prompt(&question.prompt)
                    .items(&question.choices)
                    .default(current)
                    .interact_on(&self.term)
                    .map_err(prompt_error)?;
                Answer::String(question.choices[index].clone())
            }
            Kind::Multichoice => {
                let chosen: Vec<bool> = question
                    .choices
                    .iter()
                    .map(|c| matches!(proposal, Some(Answer::List(items)) if items.contains(c)))
                    .collect();
                let indices = MultiSelect::with_theme(&theme)
                    .with_prompt(&question.prompt)
                    .items(&question.choices)
                    .defaults(&chosen)
                    .interact_on(&self.term)
                    .map_err(prompt_error)?;
                Answer::List(indices.into_iter().map(|i| question.choices[i].clone()).collect())
            }
            // A value made from a secret is not shown either.
            Kind::String | Kind::Secret if question.is_confidential() => asker.text(proposal, true)?,
            kind if kind.is_multiline() => {
                lines::ask(asker.term, asker.theme, asker.question, asker.columns, proposal)?
            }
            _ => asker.text(proposal, false)?,
        };
        self.after(&theme, question, &answer)?;
        Ok(Some(answer))
    }

    fn can_ask_again(&self) -> bool {
        true
    }
}

impl TerminalPrompter {
    /// The question's help and notices; for a question asked again after
    /// its validator refused the answer, the refused answer's line is
    /// replaced by why, below the help already shown.
    fn before(&mut self, theme: &QuestionTheme, question: &Question, asking: &Asking) -> Result<()> {
        if let Some(reason) = &asking.refused {
            self.term.clear_last_lines(self.answered_rows).map_err(Error::Prompt)?;
            let notice = theme.notice(false, reason);
            self.refusal_rows += notice.len();
            return self.write(&notice);
        }
        self.refusal_rows = 0;
        let mut lines = question.help.as_deref().map(|help| theme.help(help)).unwrap_or_default();
        if let Some(reason) = &asking.default_refused {
            lines.extend(
                theme.notice(true, &format!("the template's default is refused ({reason}); type a value")),
            );
        }
        self.write(&lines)
    }

    /// Once answered: the answered line replaces the validator's refusals,
    /// and its rows are kept in case the validator refuses this answer too.
    fn after(&mut self, theme: &QuestionTheme, question: &Question, answer: &Answer) -> Result<()> {
        let display = match answer {
            Answer::Bool(yes) => (if *yes { "yes" } else { "no" }).to_owned(),
            Answer::List(items) => items.join(", "),
            _ if question.is_confidential() && matches!(question.kind, Kind::String | Kind::Secret) => {
                "********".to_owned()
            }
            other => shown(other),
        };
        let line = theme.answered(&question.prompt, &display);
        self.answered_rows = line.lines().count();
        if self.refusal_rows > 0 {
            self.term.clear_last_lines(self.answered_rows + self.refusal_rows).map_err(Error::Prompt)?;
            self.refusal_rows = 0;
            self.term.write_line(&line).map_err(Error::Prompt)?;
        }
        Ok(())
    }

    fn write(&self, lines: &[String]) -> Result<()> {
        lines.iter().try_for_each(|line| self.term.write_line(line)).map_err(Error::Prompt)
    }
}

/// Whether a choice is between exactly `yes` and `no`.
fn is_yes_no(question: &Question) -> bool {
    question.kind == Kind::Choice
        && question.choices.len() == 2
        && question.choices.iter().any(|c| c == "yes")
        && question.choices.iter().any(|c| c == "no")
}

/// One question being asked.
pub(super) struct Asker<'a> {
    pub(super) term: &'a Term,
    pub(super) theme: &'a QuestionTheme,
    pub(super) question: &'a Question,
    pub(super) columns: usize,
}

impl Asker<'_> {
    /// `(y/n)`, Enter taking `default`.
    fn confirm(&self, default: bool) -> Result<bool> {
        let prompt = &self.question.prompt;
        let yes = Confirm::with_theme(self.theme)
            .with_prompt(prompt)
            .default(default)
            .report(false)
            .interact_on(self.term)
            .map_err(prompt_error)?;
        // dialoguer clears only the prompt's last line.
        let mut shown = String::new();
        let _ = self.theme.format_confirm_prompt(&mut shown, prompt, Some(default));
        self.term.clear_last_lines(shown.matches('\n').count()).map_err(Error::Prompt)?;
        self.term
            .write_line(&self.theme.answered(prompt, if yes { "yes" } else { "no" }))
            .map_err(Error::Prompt)?;
        Ok(yes)
    }

    /// Text, a number or (`hidden`) a secret, asked until a reply is
    /// accepted. Each refusal says why, below the last, until the answer
    /// replaces them all.
    fn text(&self, proposal: Option<&Answer>, hidden: bool) -> Result<Answer> {
        let question = self.question;
        let prompt = match (hidden, proposal) {
            (true, Some(_)) => format!("{} (hidden; enter keeps the default)", question.prompt),
            (true, None) => format!("{} (hidden)", question.prompt),
            (false, _) => question.prompt.clone(),
        };
        let mut refusals = 0;
        loop {
            let reply = if hidden {
                Password::with_theme(self.theme)
                    .with_prompt(&prompt)
                    .allow_empty_password(true)
                    .report(false)
                    .interact_on(self.term)
                    .map_err(prompt_error)?
            } else {
                let reply = Input::<String>::with_theme(self.theme)
                    .with_prompt(&prompt)
                    .allow_empty(true)
                    .report(false)
                    .interact_text_on(self.term)
                    .map_err(prompt_error)?;
                self.clear_wrapped_reply(&prompt, &reply)?;
                reply
            };
            // Enter takes the default; without one it is refused, as --no-input refuses it.
            let reply = match (reply.is_empty(), proposal) {
                (true, Some(current)) => Ok(current.clone()),
                (true, None) => Err(NEEDS_AN_ANSWER.to_owned()),
                (false, _) => question.parse(&RawValue::Text(reply)),
            };
            match reply {
                Ok(answer) => {
                    self.term.clear_last_lines(refusals).map_err(Error::Prompt)?;
                    let shown = if hidden { "********".to_owned() } else { shown(&answer) };
                    self.term
                        .write_line(&self.theme.answered(&question.prompt, &shown))
                        .map_err(Error::Prompt)?;
                    return Ok(answer);
                }
                Err(reason) => {
                    let lines = self.theme.notice(false, &reason);
                    refusals += lines.len();
                    for line in lines {
                        self.term.write_line(&line).map_err(Error::Prompt)?;
                    }
                }
            }
        }
    }

    /// dialoguer clears the prompt and the reply's last line; a reply
    /// that ran onto more lines leaves those above, cleared here.
    fn clear_wrapped_reply(&self, prompt: &str, reply: &str) -> Result<()> {
        let mut shown = String::new();
        let _ = self.theme.format_input_prompt(&mut shown, prompt, None);
        let last = shown.rsplit('\n').next().unwrap_or_default();
        let used = measure_text_width(last) + measure_text_width(reply);
        let rows = used.div_ceil(self.columns.max(1)).max(1);
        self.term.clear_last_lines(rows - 1).map_err(Error::Prompt)
    }
}
