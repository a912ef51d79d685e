//! `stamp check --all-combinations`: every combination of a template's
//! choice and bool answers rendered, and optionally a command run in each.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use crate::engine::{Determinism, Limits};
use crate::error::{Error, Result};
use crate::given::Given;
use crate::model::Kind;
use crate::pipeline::render_project;
use crate::prompt::NoPrompter;
use crate::render::Plan;
use crate::source::SourceTree;

/// One combination of choice and bool answers and what became of it.
#[derive(Debug)]
pub struct CombinationReport {
    /// `name=value` pairs, in question order.
    pub answers: Vec<(String, String)>,
    /// `None` when it rendered (and the command, if any, succeeded).
    pub failure: Option<String>,
}

impl CombinationReport {
    /// `a=x b=y`, for messages.
    pub fn label(&self) -> String {
        self.answers.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
    }
}

/// Every combination of the template's choice and bool answers, on top of
/// `base` (defaults and the given answers).
pub fn combinations(tree: &SourceTree, base: &Given) -> Vec<Vec<(String, String)>> {
    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for question in &tree.manifest().questions {
        // A computed value is derived, never given.
        if base.get(&question.name).is_some() || question.computed.is_some() {
            continue;
        }
        let values: Vec<String> = match question.kind {
            Kind::Choice => question.choices.clone(),
            Kind::Bool => vec!["yes".into(), "no".into()],
            _ => continue,
        };
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                values.iter().map(move |value| {
                    let mut next = combo.clone();
                    next.push((question.name.clone(), value.clone()));
                    next
                })
            })
            .collect();
    }
    combos
}

/// Renders every combination and, with `exec`, runs `sh -c exec` inside each
/// rendered project (written to a temporary directory).
pub fn check_combinations(
    tree: &Arc<SourceTree>,
    base: &Given,
    exec: Option<&str>,
    determinism: Determinism,
    limits: Limits,
    progress: &dyn Fn(usize, usize),
) -> Result<Vec<CombinationReport>> {
    let combos = combinations(tree, base);
    let total = combos.len();
    let mut reports = Vec::with_capacity(total);
    for (index, answers) in combos.into_iter().enumerate() {
        progress(index, total);
        let mut given = base.clone();
        for (key, value) in &answers {
            given.set_pair(&format!("{key}={value}"))?;
        }
        let failure =
            match render_project(tree, &given, &mut NoPrompter, &|_| {}, determinism, limits, Path::new("."))
            {
                Err(err) => Some(err.to_string()),
                Ok(rendered) => match exec {
                    None => None,
                    Some(command) => run_in_project(&rendered.plan, command)?,
                },
            };
        reports.push(CombinationReport { answers, failure });
    }
    progress(total, total);
    Ok(reports)
}

/// Writes `plan` to a temporary directory and runs `command` there; returns
/// a failure description, or `None` when the command succeeded.
fn run_in_project(plan: &Plan, command: &str) -> Result<Option<String>> {
    let scratch = tempfile::tempdir()
        .map_err(|e| Error::io("create a temporary directory in", std::env::temp_dir(), e))?;
    let project = scratch.path().join(&plan.root);
    fs::create_dir_all(&project).map_err(|e| Error::io("create directory", &project, e))?;
    for entry in &plan.entries {
        let target = project.join(&entry.path);
        match &entry.file {
            Some(file) => crate::output::replace_file(&target, file)?,
            None => fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?,
        }
    }
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(&project)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::io("run `sh -c` in", &project, e))?;
    if output.status.success() {
        return Ok(None);
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let tail: Vec<&str> = text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
    let status = match output.status.code() {
        Some(code) => format!("exit {code}"),
        None => "killed by a signal".to_owned(),
    };
    Ok(Some(format!("`{command}` failed ({status})\n{}", tail.join("\n"))))
}
