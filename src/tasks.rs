//! Tasks: the commands a stamp template lists in `[[tasks]]` (`git init`, a
//! formatter, a lock file), run in the project once it is written, after
//! `stamp new` and after `stamp update`, only with the user's consent (the
//! same as a cookiecutter template's hooks). A string is a shell script, run
//! with `sh -ec` so that it stops at its first failing command; a list is a
//! program and its arguments, run without a shell. Every part is rendered
//! with the answers and `stamp_operation`, and `when` picks the runs a task
//! belongs to.

use std::fmt;
use std::path::Path;
use std::process::Command;

use minijinja::Value;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, is_truthy};
use crate::error::{Error, Result};
use crate::hooks::Operation;
use crate::process;

/// One `[[tasks]]` entry, as the template wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Task {
    /// What people see; without one, the command as written.
    pub name: Option<String>,
    /// What runs.
    pub run: TaskCommand,
    /// A condition rendered with the answers and `stamp_operation`: the task runs when it holds.
    pub when: Option<String>,
}

/// What a task runs, each part a template; in `stamp.toml`, a string or a list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TaskCommand {
    /// A shell script, run with `sh -ec`.
    Shell(String),
    /// A program and its arguments, run without a shell.
    Program(Vec<String>),
}

impl Task {
    /// The task as people read it: its name, or its command as written.
    /// Never the rendered command, which may hold a secret answer.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.run.to_string())
    }
}

impl TaskCommand {
    /// Its parts, each a template: the script, or the program and its arguments.
    pub fn parts(&self) -> &[String] {
        match self {
            TaskCommand::Shell(script) => std::slice::from_ref(script),
            TaskCommand::Program(argv) => argv,
        }
    }
}

impl fmt::Display for TaskCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskCommand::Shell(script) => f.write_str(script.trim()),
            TaskCommand::Program(argv) => f.write_str(&argv.join(" ")),
        }
    }
}

/// A task whose condition held, its command rendered: ready to run.
#[derive(Clone)]
pub struct ReadyTask {
    /// See [`Task::label`].
    pub label: String,
    argv: Vec<String>,
    operation: Operation,
}

/// Without the rendered command, which may hold a secret answer.
impl fmt::Debug for ReadyTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyTask").field("label", &self.label).finish_non_exhaustive()
    }
}

/// The tasks that belong to this run (their `when` holds), rendered with
/// `context` for `operation`.
pub(crate) fn prepare(
    tasks: &[Task],
    engine: &Engine,
    context: &Value,
    operation: Operation,
) -> Result<Vec<ReadyTask>> {
    let context = &minijinja::context! { stamp_operation => operation.name(), ..context.clone() };
    let mut ready = Vec::new();
    for (index, task) in tasks.iter().enumerate() {
        let name = format!("stamp.toml: tasks[{index}]");
        if let Some(when) = &task.when
            && !is_truthy(&engine.render_str(&format!("{name}.when"), when, context)?)
        {
            continue;
        }
        let render = |part: &str| engine.render_str(&format!("{name}.run"), part, context);
        let argv = match &task.run {
            TaskCommand::Shell(script) => vec!["sh".to_owned(), "-ec".to_owned(), render(script)?],
            TaskCommand::Program(parts) => parts.iter().map(|part| render(part)).collect::<Result<_>>()?,
        };
        ready.push(ReadyTask { label: task.label(), argv, operation });
    }
    Ok(ready)
}

/// The tasks to run and, when consent was withheld, none of them but their
/// labels, for the warning that they were skipped.
pub(crate) fn by_consent(ready: Vec<ReadyTask>, consented: bool) -> (Vec<ReadyTask>, Vec<String>) {
    if consented {
        (ready, Vec::new())
    } else {
        (Vec::new(), ready.into_iter().map(|task| task.label).collect())
    }
}

/// Runs `tasks` in order in `project`, calling `started` before each; the
/// first that fails stops the rest. The project is written by then, so a
/// failure says so: it is the task that needs rerunning, not the run.
pub fn run_tasks(tasks: &[ReadyTask], project: &Path, started: &dyn Fn(usize, &ReadyTask)) -> Result<()> {
    for (index, task) in tasks.iter().enumerate() {
        started(index, task);
        // Never empty: a manifest's tasks each name a command.
        let Some((program, args)) = task.argv.split_first() else { continue };
        let mut command = Command::new(program);
        command.args(args).current_dir(project).env("STAMP_OPERATION", task.operation.name());
        let left = if index + 1 < tasks.len() {
            "; the project is written, and the tasks after it did not run"
        } else {
            "; the project is written"
        };
        let failed = |message: String| Error::Task { name: task.label.clone(), message };
        match process::run(&mut command) {
            Ok(Ok(())) => {}
            Ok(Err(how)) => return Err(failed(format!("failed: it {how}{left}"))),
            Err(e) => return Err(failed(format!("could not start `{program}`: {e}{left}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Determinism, Syntax, map};

    fn task(name: Option<&str>, run: TaskCommand, when: Option<&str>) -> Task {
        Task { name: name.map(str::to_owned), run, when: when.map(str::to_owned) }
    }

    #[test]
    fn prepare_renders_each_part_and_keeps_the_tasks_whose_condition_holds() {
        let engine = Engine::new(&Syntax::default(), Determinism::default());
        let answers =
            map([("name".to_owned(), Value::from("shop")), ("secret".to_owned(), Value::from("pw"))]);
        let context = map([("cookiecutter".to_owned(), answers)]);
        let tasks = [
            task(
                None,
                TaskCommand::Program(vec!["touch".into(), "{{ cookiecutter.name }}.txt".into()]),
                None,
            ),
            task(Some("Login"), TaskCommand::Shell("login {{ cookiecutter.secret }}".into()), None),
            task(None, TaskCommand::Shell("x".into()), Some("{{ stamp_operation == 'update' }}")),
        ];
        let ready = prepare(&tasks, &engine, &context, Operation::Create).unwrap();
        assert_eq!(ready.len(), 2, "the update-only task is left out of a create");
        assert_eq!(ready[0].argv, ["touch", "shop.txt"]);
        assert_eq!(ready[1].argv, ["sh", "-ec", "login pw"]);
        // What people see is never the rendered command.
        assert_eq!(ready[0].label, "touch {{ cookiecutter.name }}.txt");
        assert!(!format!("{:?}", ready[1]).contains("pw"));
        let updating = prepare(&tasks, &engine, &context, Operation::Update).unwrap();
        assert_eq!(updating.len(), 3);
    }
}
