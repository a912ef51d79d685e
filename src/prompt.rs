//! Where answers come from when nothing was given: the [`Prompter`] trait and
//! its three implementations (a terminal, no terminal at all, and a script for
//! tests). The question loop in `answers` is the same for all of them.

use std::collections::VecDeque;

use console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};

use crate::error::{Error, Result};
use crate::model::{Answer, Kind, Question, RawValue};

/// Asks one question. `proposal` is what the answer will be if the user just
/// accepts (a given value or the rendered default). `Ok(None)` means the
/// question stays unanswered.
pub trait Prompter {
    /// Asks `question`, offering `proposal`.
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>>;
}

/// For runs without a terminal: every question takes its proposal.
pub struct NoPrompter;

impl Prompter for NoPrompter {
    fn ask(&mut self, _: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>> {
        Ok(proposal.cloned())
    }
}

/// Asks through another prompter, but offers no default for a secret that
/// `given` does not hold. A project's record never holds secrets, so a run
/// that regenerates or updates a project asks for each again (and, without
/// a terminal, reports it missing) instead of quietly using the template's
/// default.
pub(crate) struct SecretsAskedAgain<'a> {
    pub(crate) given: &'a crate::given::Given,
    pub(crate) inner: &'a mut dyn Prompter,
}

impl Prompter for SecretsAskedAgain<'_> {
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>> {
        if question.kind == Kind::Secret && self.given.get(&question.name).is_none() {
            return self.inner.ask(question, None);
        }
        self.inner.ask(question, proposal)
    }
}

/// Replies typed in advance, one per asked question; an empty reply, or no
/// reply left, accepts the proposal. Invalid replies are skipped the way a
/// terminal re-asks.
pub struct ScriptedPrompter {
    replies: VecDeque<String>,
}

impl ScriptedPrompter {
    /// A prompter that replies with `replies`, in order.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(replies: I) -> Self {
        ScriptedPrompter { replies: replies.into_iter().map(Into::into).collect() }
    }
}

impl Prompter for ScriptedPrompter {
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>> {
        while let Some(reply) = self.replies.pop_front() {
            if reply.is_empty() && proposal.is_some() {
                return Ok(proposal.cloned());
            }
            if let Ok(answer) = question.parse(&RawValue::Text(reply)) {
                return Ok(Some(answer));
            }
        }
        Ok(proposal.cloned())
    }
}

/// Asks on the terminal with dialoguer, on stderr. A reply that fails
/// validation is refused with the reason and asked again.
pub struct TerminalPrompter {
    theme: ColorfulTheme,
    term: Term,
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter { theme: ColorfulTheme::default(), term: Term::stderr() }
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>> {
        if let Some(help) = &question.help {
            self.term.write_line(&format!("  {}", style(help).dim())).map_err(Error::Prompt)?;
        }
        let prompt = question.prompt.as_str();
        let answer = match question.kind {
            Kind::Bool => {
                let default = matches!(proposal, Some(Answer::Bool(true)));
                Answer::Bool(
                    Confirm::with_theme(&self.theme)
                        .with_prompt(prompt)
                        .default(default)
                        .interact_on(&self.term)
                        .map_err(prompt_error)?,
                )
            }
            Kind::Choice => {
                let current = match proposal {
                    Some(Answer::String(s)) => question.choices.iter().position(|c| c == s).unwrap_or(0),
                    _ => 0,
                };
                let index = Select::with_theme(&self.theme)
                    .with_prompt(prompt)
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
                let indices = MultiSelect::with_theme(&self.theme)
                    .with_prompt(format!("{prompt} (space to select, enter to confirm)"))
                    .items(&question.choices)
                    .defaults(&chosen)
                    .interact_on(&self.term)
                    .map_err(prompt_error)?;
                Answer::List(indices.into_iter().map(|i| question.choices[i].clone()).collect())
            }
            // A value made from a secret is not shown either.
            Kind::String | Kind::Secret if question.is_confidential() => {
                return self.ask_secret(question, proposal).map(Some);
            }
            Kind::String | Kind::Secret | Kind::Integer => {
                let mut input = Input::<String>::with_theme(&self.theme).with_prompt(prompt).validate_with(
                    |reply: &String| question.parse(&RawValue::Text(reply.clone())).map(|_| ()),
                );
                if let Some(current) = proposal {
                    input = input.default(current.to_string());
                }
                let reply = input.interact_text_on(&self.term).map_err(prompt_error)?;
                question.parse(&RawValue::Text(reply)).map_err(|reason| Error::InvalidAnswer {
                    origin: "the prompt".into(),
                    key: question.name.clone(),
                    reason,
                })?
            }
        };
        Ok(Some(answer))
    }
}

impl TerminalPrompter {
    /// Hidden input; an empty reply keeps the proposal when there is one.
    fn ask_secret(&self, question: &Question, proposal: Option<&Answer>) -> Result<Answer> {
        let prompt = match proposal {
            Some(_) => format!("{} (hidden; enter keeps the default)", question.prompt),
            None => format!("{} (hidden)", question.prompt),
        };
        loop {
            let reply = Password::with_theme(&self.theme)
                .with_prompt(&prompt)
                .allow_empty_password(true)
                .interact_on(&self.term)
                .map_err(prompt_error)?;
            if let (true, Some(current)) = (reply.is_empty(), proposal) {
                return Ok(current.clone());
            }
            match question.parse(&RawValue::Text(reply)) {
                Ok(answer) => return Ok(answer),
                Err(reason) => {
                    self.term.write_line(&format!("{} {reason}", style("✘").red())).map_err(Error::Prompt)?;
                }
            }
        }
    }
}

fn prompt_error(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => Error::Interrupted,
        dialoguer::Error::IO(io) => Error::Prompt(io),
    }
}
