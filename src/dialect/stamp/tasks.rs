//! `[[tasks]]` in `stamp.toml`: each checked for a command, every problem
//! with its line, before anything is asked. The templates in them are
//! handed back to be checked as a question's are.

use std::ops::Range;

use super::shape::{Problems, RawTask};
use crate::tasks::Task;

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
        let span = raw.run.span();
        let when = raw.when.as_ref().map(|w| (w.get_ref().clone(), w.span()));
        let task =
            Task { name: raw.name, run: raw.run.into_inner(), when: when.as_ref().map(|(w, _)| w.clone()) };
        let label = format!("task `{}`", task.label());
        let parts = task.run.parts();
        if parts.first().is_none_or(|command| command.trim().is_empty()) {
            problems.add(span, format!("{label}: `run` names no command"));
            continue;
        }
        for part in parts.iter().filter(|p| p.contains("{{") || p.contains("{%")) {
            templates.push((label.clone(), "run", part.clone(), span.clone()));
        }
        if let Some((when, at)) = when {
            templates.push((label.clone(), "when", when, at));
        }
        tasks.push(task);
    }
    (tasks, templates)
}
