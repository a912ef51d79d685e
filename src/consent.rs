//! Running the template's own code needs the user's consent: its hooks
//! (scripts) or tasks (commands), and its Jinja2 extensions (Python
//! modules), each asked once at a terminal, or given by `--accept-hooks`
//! (alias `--accept-tasks`) / `--accept-extensions`.

use crate::error::Result;
use crate::hooks::{Consent, Hook};
use crate::model::{Answer, Kind, Question};
use crate::prompt::Prompter;
use crate::source::SourceTree;
use crate::tasks::Task;

/// Whether `hooks` and `tasks` may run (`false` when there are none): one
/// question for both, though a template has only one kind.
pub(crate) fn may_run_code(
    hooks: &[Hook],
    tasks: &[Task],
    given: Consent,
    prompter: &mut dyn Prompter,
) -> Result<bool> {
    let mut what = Vec::new();
    if !hooks.is_empty() {
        let names: Vec<&str> = hooks.iter().map(|h| h.file_name.as_str()).collect();
        what.push(format!("hooks ({})", names.join(", ")));
    }
    if !tasks.is_empty() {
        let names: Vec<String> = tasks.iter().map(Task::label).collect();
        what.push(format!("tasks ({})", names.join(", ")));
    }
    if what.is_empty() {
        return Ok(false);
    }
    let prompt = format!("Run the template's {}?", what.join(" and "));
    let help = "They are the template's own commands, and run on this machine.";
    consent("accept_hooks", prompt, help, given, prompter)
}

/// Whether `tree`'s own Jinja2 extensions may run: allowed by
/// `--accept-extensions` or `--accept-hooks yes`, else asked.
pub(crate) fn may_run_extensions(
    tree: &SourceTree,
    hooks: Consent,
    extensions_consent: Consent,
    prompter: &mut dyn Prompter,
) -> Result<bool> {
    let extensions = tree.dialect().local_extensions();
    if extensions.is_empty() {
        return Ok(false);
    }
    if hooks == Consent::Yes {
        return Ok(true);
    }
    let prompt = format!("Run the template's Jinja2 extensions ({})?", extensions.join(", "));
    let help = "Extensions are Python modules from the template that run on this machine.";
    consent("accept_extensions", prompt, help, extensions_consent, prompter)
}

/// Whether the template's code that yes/no question `name` (`prompt`,
/// `help`) asks about may run; `Ask` goes through the prompter, which
/// without a terminal keeps the safe default (no).
fn consent(
    name: &str,
    prompt: String,
    help: &str,
    consent: Consent,
    prompter: &mut dyn Prompter,
) -> Result<bool> {
    let question =
        Question { help: Some(help.to_owned()), ..Question::new(name, prompt, Kind::Bool, Vec::new()) };
    Ok(match consent {
        Consent::Yes => true,
        Consent::No => false,
        Consent::Ask => {
            matches!(prompter.ask(&question, Some(&Answer::Bool(false)))?, Some(Answer::Bool(true)))
        }
    })
}
