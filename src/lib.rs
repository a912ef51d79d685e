//! stamp generates projects from templates.
//!
//! The pipeline, one module per stage:
//! [`source`] reads a template (built in or a directory) →
//! [`manifest`] types its questions (or [`cookiecutter`] reads `cookiecutter.json`) →
//! [`answers`] resolves values from files, flags and a [`prompt::Prompter`] →
//! [`render`] names every entry into a [`render::Layout`] →
//! [`output`] renders each file into a staging directory beside the
//! destination and moves the project into place in one step, running
//! cookiecutter [`hooks`] on the way when allowed.
//! The command line in [`cli`] is a thin layer over [`generate`] and [`check`].

pub mod answers;
pub mod check;
pub mod cli;
pub mod cookiecutter;
pub mod error;
pub mod filters;
pub mod hooks;
pub mod interrupt;
pub mod manifest;
pub mod output;
pub mod prompt;
pub mod python;
pub mod render;
pub mod slugify;
pub mod source;
pub mod vars;

mod progress;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::{Environment, Value};

pub use answers::Given;
pub use error::{Error, Result};
pub use filters::Determinism;
pub use hooks::Consent;
pub use output::{Action, OnExisting};
pub use render::Reporter;
pub use source::TemplateSource;

use crate::hooks::Stage;
use crate::manifest::{Kind, Question};
use crate::source::SourceTree;

/// The file a generated project records its answers in (stamp templates only:
/// cookiecutter templates get exactly the files cookiecutter would write).
pub const ANSWERS_FILE: &str = ".stamp-answers.toml";

/// Everything [`generate`] needs to know, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Request {
    pub template: TemplateSource,
    /// The project directory is created inside this one.
    pub output_dir: PathBuf,
    pub given: Given,
    pub on_existing: OnExisting,
    /// Compute the plan but write nothing (and run no hooks).
    pub dry_run: bool,
    /// Whether a cookiecutter template's hooks may run.
    pub hooks: Consent,
    pub determinism: Determinism,
}

/// What a run did (or, for a dry run, would do).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The template's name and version, as people read them.
    pub template: String,
    pub destination: PathBuf,
    /// One entry per file of the project, in path order.
    pub actions: Vec<(Action, String)>,
    /// The template's next steps, rendered with the answers.
    pub next_steps: Option<String>,
    /// Hooks the template has that did not run, because consent was withheld.
    pub skipped_hooks: Vec<String>,
}

/// A project rendered in memory, with what rendered it.
pub struct Rendered {
    pub plan: render::Plan,
    /// The render context (`cookiecutter`, and `_cookiecutter` for cookiecutter templates).
    pub context: Value,
    pub env: Environment<'static>,
}

/// Where cookiecutter's `_template`, `_output_dir` and `_repo_dir` come from.
#[derive(Debug, Clone)]
pub struct Location {
    /// The template as the user named it.
    pub template: String,
    pub output_dir: PathBuf,
}

/// Generates a project: asks what is missing, then renders it file by file
/// into a staging directory that becomes the project (unless
/// `request.dry_run`). The destination is touched only once the whole
/// project rendered and every hook succeeded.
pub fn generate(request: &Request, prompter: &mut dyn prompt::Prompter, report: Reporter) -> Result<Outcome> {
    let mut tree = Arc::new(SourceTree::load(&request.template)?);
    let run_hooks = !tree.hooks.is_empty() && !request.dry_run && consent(&tree, request.hooks, prompter)?;
    let skipped_hooks = if run_hooks || request.dry_run {
        Vec::new()
    } else {
        tree.hooks.iter().map(|h| h.file_name.clone()).collect()
    };

    // pre_prompt may rewrite the template, so it runs on a copy, as in cookiecutter.
    let _template_copy = if run_hooks && tree.hooks.iter().any(|h| h.stage == Stage::PrePrompt) {
        let (copy, reloaded) = run_pre_prompt(&tree, request.determinism)?;
        tree = Arc::new(reloaded);
        Some(copy)
    } else {
        None
    };
    let location = Location {
        template: match &request.template {
            TemplateSource::Builtin => String::new(),
            TemplateSource::Directory(dir) => dir.display().to_string(),
        },
        output_dir: request.output_dir.clone(),
    };
    let env = render::environment_for(&tree, request.determinism);
    let (context, answers_file) = resolve_context(&tree, &request.given, prompter, &env, &location)?;
    let layout = lay_out(&tree, &env, &context, answers_file)?;
    let destination = if request.output_dir == Path::new(".") {
        PathBuf::from(&layout.root)
    } else {
        request.output_dir.join(&layout.root)
    };
    let actions = if request.dry_run {
        output::preview(&layout.render(report)?, &destination, request.on_existing)?
    } else {
        let run_stage = |stage: Stage, dir: &Path| {
            if run_hooks { hooks::run_stage(&tree.hooks, stage, &env, &context, dir) } else { Ok(()) }
        };
        output::write(layout, &destination, request.on_existing, report, &run_stage)?
    };
    let manifest = &tree.manifest;
    let next_steps = match &manifest.info.next_steps {
        Some(template) => Some(render::render_str(&env, "stamp.toml: next_steps", template, &context)?),
        None => None,
    };
    Ok(Outcome { template: manifest.info.label(), destination, actions, next_steps, skipped_hooks })
}

/// Resolves the answers and renders the whole project in memory (for stamp
/// templates including its `.stamp-answers.toml`), as `stamp check` needs it.
pub fn render_project(
    tree: &Arc<SourceTree>,
    given: &Given,
    prompter: &mut dyn prompt::Prompter,
    report: Reporter,
    determinism: Determinism,
    location: &Location,
) -> Result<Rendered> {
    let env = render::environment_for(tree, determinism);
    let (context, answers_file) = resolve_context(tree, given, prompter, &env, location)?;
    let plan = lay_out(tree, &env, &context, answers_file)?.render(report)?;
    Ok(Rendered { plan, context, env })
}

/// Resolves the answers into the render context and, for stamp templates,
/// the text of the answers file.
fn resolve_context(
    tree: &SourceTree,
    given: &Given,
    prompter: &mut dyn prompt::Prompter,
    env: &Environment<'static>,
    location: &Location,
) -> Result<(Value, Option<String>)> {
    match &tree.cookiecutter {
        Some(definition) => {
            let output_dir = std::path::absolute(&location.output_dir)
                .map_err(|e| Error::io("resolve", &location.output_dir, e))?;
            let origin = cookiecutter::Origin {
                template: location.template.clone(),
                output_dir: output_dir.display().to_string(),
                repo_dir: tree.dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default(),
            };
            Ok((definition.resolve(given, prompter, env, &origin)?, None))
        }
        None => {
            let answers = answers::resolve(&tree.manifest, given, prompter, env)?;
            Ok((answers.context(), Some(answers.to_answers_file(&tree.manifest))))
        }
    }
}

/// Names the project's entries, adding the answers file if there is one.
fn lay_out<'a>(
    tree: &'a SourceTree,
    env: &'a Environment<'static>,
    context: &'a Value,
    answers_file: Option<String>,
) -> Result<render::Layout<'a>> {
    let mut layout = render::layout(tree, env, context)?;
    if let Some(text) = answers_file {
        layout.add_file(ANSWERS_FILE, text.into_bytes());
    }
    Ok(layout)
}

/// Whether the template's hooks may run; `Ask` goes through the prompter,
/// which without a terminal keeps the safe default (no).
fn consent(tree: &SourceTree, consent: Consent, prompter: &mut dyn prompt::Prompter) -> Result<bool> {
    Ok(match consent {
        Consent::Yes => true,
        Consent::No => false,
        Consent::Ask => {
            let names: Vec<&str> = tree.hooks.iter().map(|h| h.file_name.as_str()).collect();
            let question = Question {
                help: Some("Hooks are scripts from the template that run on this machine.".into()),
                ..Question::new(
                    "accept_hooks",
                    format!("Run the template's hooks ({})?", names.join(", ")),
                    Kind::Bool,
                    Vec::new(),
                )
            };
            matches!(
                prompter.ask(&question, Some(&answers::Answer::Bool(false)))?,
                Some(answers::Answer::Bool(true))
            )
        }
    })
}

/// Copies the template to a temporary directory, runs its `pre_prompt` hooks
/// there and reads the template again from the copy.
fn run_pre_prompt(tree: &SourceTree, determinism: Determinism) -> Result<(tempfile::TempDir, SourceTree)> {
    let dir = tree.dir.as_ref().expect("only directory templates have hooks");
    let scratch = tempfile::Builder::new()
        .prefix("stamp-template-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary directory in", std::env::temp_dir(), e))?;
    let name = dir.canonicalize().ok().and_then(|d| d.file_name().map(ToOwned::to_owned)).unwrap_or_default();
    let copy = scratch.path().join(name);
    output::copy_tree(dir, &copy)?;
    let env = render::environment(determinism);
    hooks::run_stage(&tree.hooks, Stage::PrePrompt, &env, &Value::UNDEFINED, &copy)?;
    let reloaded = SourceTree::load(&TemplateSource::Directory(copy))?;
    Ok((scratch, reloaded))
}
