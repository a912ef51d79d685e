//! `[[tasks]]` in `stamp.toml`: each checked like a question's templates,
//! every problem with its line, before anything is asked.

use std::collections::HashSet;
use std::ops::Range;

use super::manifest::check_template_refs;
use super::shape::{Problems, RawRun, RawTask};
use crate::tasks::{Task, TaskCommand};

/// The tasks of `raw` that are sound; `questions` are every question's
/// name, all of which a task may use (it runs once all are answered).
pub(super) fn check(
    raw: Vec<(Range<usize>, RawTask)>,
    questions: &HashSet<String>,
    problems: &mut Problems,
) -> Vec<Task> {
    let mut tasks = Vec::new();
    for (_, raw) in raw {
        let before = problems.len();
        let run = match raw.run.get_ref() {
            RawRun::Shell(script) => TaskCommand::Shell(script.clone()),
            RawRun::Program(argv) => TaskCommand::Program(argv.clone()),
        };
        let task = Task { name: raw.name, run, when: raw.when.as_ref().map(|w| w.get_ref().clone()) };
        let label = format!("task `{}`", task.label());
        let empty = match &task.run {
            TaskCommand::Shell(script) => script.trim().is_empty(),
            TaskCommand::Program(argv) => argv.first().is_none_or(|program| program.trim().is_empty()),
        };
        if empty {
            problems.add(raw.run.span(), format!("{label}: `run` names no command"));
        }
        let parts: Vec<&String> = match raw.run.get_ref() {
            RawRun::Shell(script) => vec![script],
            RawRun::Program(argv) => argv.iter().collect(),
        };
        for part in parts.into_iter().filter(|p| p.contains("{{") || p.contains("{%")) {
            check_template_refs(&label, "run", part, raw.run.span(), questions, problems);
        }
        if let Some(when) = &raw.when {
            check_template_refs(&label, "when", when.get_ref(), when.span(), questions, problems);
        }
        if problems.len() == before {
            tasks.push(task);
        }
    }
    tasks
}
