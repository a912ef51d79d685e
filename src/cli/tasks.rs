//! Running a template's tasks once the project is written, each announced on
//! stderr, and what an interrupt says while they run.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use console::style;

use crate::{ReadyTask, Result};

/// Set while tasks run: an interrupt then stops a task, not the writing of
/// the project, which is complete.
pub(super) static TASKS_RUNNING: AtomicBool = AtomicBool::new(false);

/// Runs `tasks` in `project`, saying which runs (unless `quiet`).
pub(super) fn run(tasks: &[ReadyTask], project: &Path, quiet: bool) -> Result<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    TASKS_RUNNING.store(true, Ordering::SeqCst);
    let ran = crate::run_tasks(tasks, project, &|index, task| {
        if !quiet {
            eprintln!(
                "{} {}/{}: {}",
                style("Running task").cyan().bold().for_stderr(),
                index + 1,
                tasks.len(),
                task.label
            );
        }
    });
    TASKS_RUNNING.store(false, Ordering::SeqCst);
    ran
}

/// The lines a dry run adds to its plan for the tasks that would run.
pub(super) fn plan(tasks: &[ReadyTask]) -> String {
    let lines = tasks.iter().map(|task| format!("{:<9} {}", "task", super::present::plan_path(&task.label)));
    lines.map(|line| line + "\n").collect()
}
