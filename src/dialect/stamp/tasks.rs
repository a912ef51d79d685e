//! `[[tasks]]` in `stamp.toml`: each checked for a command, every problem
//! with its line, before anything is asked. The templates in them are
//! handed back to be checked as a question's are.

use std::ops::Range;

use super::shape::{Problems, RawRun, RawTask};
use crate::tasks::{Task, TaskCommand};

/// A template inside a task, to be checked like a question's: the task's
/// label, the field, the template and where it is.
pub(super) type TemplateField = (String, &'static str, String, Range<usize>);

/// The tasks of `raw` that name a command, and the templates in them.
pub(super) fn check(
    raw: Vec<(Range<usize>, RawTask)>,
    problems: &mut Problems,
) -> (Vec<Task>, Vec<TemplateField>) {
    let (mut tasks, mut templates) = (Vec::new(), Vec::new());
    for (_, raw) in raw {
        let run = match raw.run.get_ref() {
            RawRun::Shell(script) => TaskCommand::Shell(script.clone()),
            RawRun::Program(argv) => TaskCommand::Program(argv.clone()),
        };
        let task = Task { name: raw.name, run, when: raw.when.as_ref().map(|w| w.get_ref().clone()) };
        let label = format!("task `{}`", task.label());
        let parts: Vec<&String> = match raw.run.get_ref() {
            RawRun::Shell(script) => vec![script],
            RawRun::Program(argv) => argv.iter().collect(),
        };
        if parts.first().is_none_or(|command| command.trim().is_empty()) {
            problems.add(raw.run.span(), format!("{label}: `run` names no command"));
            continue;
        }
        for part in parts.into_iter().filter(|p| p.contains("{{") || p.contains("{%")) {
            templates.push((label.clone(), "run", part.clone(), raw.run.span()));
        }
        if let Some(when) = &raw.when {
            templates.push((label.clone(), "when", when.get_ref().clone(), when.span()));
        }
        tasks.push(task);
    }
    (tasks, templates)
}
