//! `stamp check --all-combinations`: every combination of a template's
//! choice and bool answers rendered, and optionally a command run in each.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use minijinja::Value;

use crate::engine::{Determinism, Engine, Limits, is_truthy, map};
use crate::error::{Error, Result};
use crate::given::Given;
use crate::hooks::Operation;
use crate::model::{Kind, Question};
use crate::pipeline::render_project;
use crate::prompt::NoPrompter;
use crate::render::Plan;
use crate::source::SourceTree;
use crate::tasks::{ReadyTask, run_tasks};

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

/// The most combinations `--all-combinations` renders; past it, the user
/// narrows the space with answers.
const MOST: usize = 4096;

/// Every combination of the template's choice, bool and multichoice answers
/// (every subset of a multichoice's options), on top of `base` (defaults
/// and the given answers). A question whose `when` is false under a
/// combination's earlier answers is not asked there, so its values do not
/// multiply that combination.
pub fn combinations(tree: &SourceTree, base: &Given) -> Result<Vec<Vec<(String, String)>>> {
    let engine = Engine::new(tree.dialect().syntax(), Determinism::default());
    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for question in &tree.manifest().questions {
        // A computed value is derived, never given.
        if base.get(&question.name).is_some() || question.computed.is_some() {
            continue;
        }
        let values: Vec<String> = match question.kind {
            Kind::Choice => question.choices.clone(),
            Kind::Bool => vec!["yes".into(), "no".into()],
            Kind::Multichoice => subsets(&question.choices)?,
            _ => continue,
        };
        let mut next = Vec::new();
        for combo in combos {
            if !asked(&engine, question, &combo, base) {
                next.push(combo);
                continue;
            }
            for value in &values {
                let mut longer = combo.clone();
                longer.push((question.name.clone(), value.clone()));
                next.push(longer);
            }
        }
        if next.len() > MOST {
            return Err(Error::InvalidInput(format!(
                "--all-combinations would render more than {MOST} combinations (at `{}`); give some answers \
                 with KEY=VALUE or --answers to narrow it",
                question.name
            )));
        }
        combos = next;
    }
    Ok(combos)
}

/// Every subset of `options`, in their order, each as `a,b` (the empty one too).
fn subsets(options: &[String]) -> Result<Vec<String>> {
    if options.len() > 12 {
        return Err(Error::InvalidInput(format!(
            "--all-combinations: a multichoice of {} options has too many subsets; give it with KEY=VALUE",
            options.len()
        )));
    }
    Ok((0..1u32 << options.len())
        .map(|mask| {
            let chosen: Vec<&str> = options
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, o)| o.as_str())
                .collect();
            chosen.join(",")
        })
        .collect())
}

/// Whether `question` is asked after `combo`'s answers: its `when` renders
/// true, or cannot be told yet (it reads an answer the combination does not fix).
fn asked(engine: &Engine, question: &Question, combo: &[(String, String)], base: &Given) -> bool {
    let Some(when) = &question.when else { return true };
    let mut known: Vec<(String, Value)> = base
        .iter()
        .filter_map(|(name, value)| Some((name.to_owned(), Value::from(value.raw.as_text().ok()?))))
        .collect();
    known.extend(combo.iter().map(|(name, value)| {
        let value = match value.as_str() {
            "yes" => Value::from(true),
            "no" => Value::from(false),
            text => Value::from(text),
        };
        (name.clone(), value)
    }));
    let context = map([("cookiecutter".to_owned(), map(known))]);
    match engine.render_str("when", when, &context) {
        Ok(text) => is_truthy(&text),
        Err(_) => true,
    }
}

/// Renders every combination and, with `exec`, runs the template's tasks and
/// then `sh -c exec` inside each rendered project (written to a temporary
/// directory). Without `exec`, nothing of the template's runs.
pub fn check_combinations(
    tree: &Arc<SourceTree>,
    base: &Given,
    exec: Option<&str>,
    determinism: Determinism,
    limits: Limits,
    progress: &dyn Fn(usize, usize),
) -> Result<Vec<CombinationReport>> {
    let combos = combinations(tree, base)?;
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
                    // As users get the project: its tasks have run.
                    Some(command) => {
                        match rendered.prepare_tasks(tree.manifest().tasks.as_slice(), Operation::Create) {
                            Ok(tasks) => run_in_project(&rendered.plan, &tasks, command)?,
                            Err(err) => Some(err.to_string()),
                        }
                    }
                },
            };
        reports.push(CombinationReport { answers, failure });
    }
    progress(total, total);
    Ok(reports)
}

/// Writes `plan` to a temporary directory and runs `tasks`, then `command`
/// there; returns a failure description, or `None` when all succeeded.
fn run_in_project(plan: &Plan, tasks: &[ReadyTask], command: &str) -> Result<Option<String>> {
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
    if let Err(err) = run_tasks(tasks, &project, &|_, _| {}) {
        return Ok(Some(err.to_string()));
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
