//! Where answers come from when nothing was given: the [`Prompter`] trait and
//! its three implementations (a terminal, no terminal at all, and a script for
//! tests). The question loop in `answers` is the same for all of them.

mod lines;
mod terminal;
mod theme;

use std::cell::RefCell;
use std::collections::VecDeque;

use crate::error::{Error, Result};
use crate::model::{Answer, Kind, Question, RawValue};

pub use terminal::TerminalPrompter;

/// Asks one question. `proposal` is what the answer will be if the user just
/// accepts (a given value or the rendered default). `Ok(None)` means the
/// question stays unanswered.
pub trait Prompter {
    /// Asks `question`, offering `proposal`.
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>>;

    /// Whether asking again may bring another answer (someone at a
    /// terminal, replies left): an answer a question's `validator` refuses
    /// is then asked again, where otherwise it is reported.
    fn can_ask_again(&self) -> bool {
        false
    }
}

/// What the question loop knows of a question beyond the question itself,
/// for a prompter that shows it (the terminal's).
#[derive(Debug, Clone, Default)]
pub(crate) struct Asking {
    /// Its place among the questions that may be asked, and how many there
    /// are: `(n, total)`, from 1 (shown as `[n/total]`).
    pub(crate) position: Option<(usize, usize)>,
    /// Why the template's default, made from earlier answers, is not
    /// offered: it is not a valid answer.
    pub(crate) default_refused: Option<String>,
    /// Why the answer just given was refused by the question's validator:
    /// the question is asked again.
    pub(crate) refused: Option<String>,
}

thread_local! {
    /// The [`Asking`] of the question being asked on this thread.
    static ASKING: RefCell<Option<Asking>> = const { RefCell::new(None) };
}

/// Asks through `prompter`, with `asking` beside the call rather than in
/// it: prompters that wrap the terminal's (the destination watch, secrets
/// asked again) pass the question on with [`Prompter::ask`] alone, and
/// the terminal's finds what the loop knows of it all the same.
pub(crate) fn ask_knowing(
    prompter: &mut dyn Prompter,
    question: &Question,
    proposal: Option<&Answer>,
    asking: Asking,
) -> Result<Option<Answer>> {
    ASKING.with(|current| *current.borrow_mut() = Some(asking));
    let answer = prompter.ask(question, proposal);
    ASKING.with(|current| current.borrow_mut().take());
    answer
}

/// What the loop knows of the question now asked (once: a question asked
/// within it, such as a hook's consent, knows nothing).
fn current_asking() -> Asking {
    ASKING.with(|current| current.borrow_mut().take()).unwrap_or_default()
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

    fn can_ask_again(&self) -> bool {
        self.inner.can_ask_again()
    }
}

/// Replies typed in advance, one per asked question; an empty reply, or no
/// reply left, accepts the proposal. Invalid replies, and empty ones where
/// there is no proposal, are skipped the way a terminal re-asks.
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
            if reply.is_empty() {
                if proposal.is_some() {
                    return Ok(proposal.cloned());
                }
                continue;
            }
            if let Ok(answer) = question.parse(&RawValue::Text(reply)) {
                return Ok(Some(answer));
            }
        }
        Ok(proposal.cloned())
    }

    fn can_ask_again(&self) -> bool {
        !self.replies.is_empty()
    }
}

fn prompt_error(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => Error::Interrupted,
        dialoguer::Error::IO(io) => Error::Prompt(io),
    }
}
