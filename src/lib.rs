//! stamp generates projects from templates.
//!
//! The pipeline, one module per stage:
//! [`source`] reads a template (built in or a directory) →
//! [`manifest`] types its questions →
//! [`answers`] resolves values from files, flags and a [`prompt::Prompter`] →
//! [`render`] renders every file in memory into a [`render::Plan`] →
//! [`output`] writes the plan atomically beside the destination.
//! The command line in [`cli`] is a thin layer over [`generate`].

pub mod answers;
pub mod check;
pub mod cli;
pub mod error;
pub mod filters;
pub mod interrupt;
pub mod manifest;
pub mod output;
pub mod prompt;
pub mod render;
pub mod source;
pub mod vars;

mod progress;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use answers::Given;
pub use error::{Error, Result};
pub use output::{Action, OnExisting};
pub use render::Reporter;
pub use source::TemplateSource;

/// The file a generated project records its answers in.
pub const ANSWERS_FILE: &str = ".stamp-answers.toml";

/// Everything [`generate`] needs to know, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Request {
    pub template: TemplateSource,
    /// The project directory is created inside this one.
    pub output_dir: PathBuf,
    pub given: Given,
    pub on_existing: OnExisting,
    /// Compute the plan but write nothing.
    pub dry_run: bool,
}

/// What a run did (or, for a dry run, would do).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub template_name: String,
    pub template_version: String,
    pub destination: PathBuf,
    /// One entry per file of the project, in path order.
    pub actions: Vec<(Action, String)>,
    /// The template's next steps, rendered with the answers.
    pub next_steps: Option<String>,
}

/// Generates a project: asks what is missing, renders it in memory, then
/// writes it (unless `request.dry_run`). Nothing is written unless the whole
/// project rendered.
pub fn generate(request: &Request, prompter: &mut dyn prompt::Prompter, report: Reporter) -> Result<Outcome> {
    let tree = Arc::new(source::SourceTree::load(&request.template)?);
    let manifest = &tree.manifest;
    let (plan, answers) = render_project(&tree, &request.given, prompter, report)?;
    let destination = if request.output_dir == Path::new(".") {
        PathBuf::from(&plan.root)
    } else {
        request.output_dir.join(&plan.root)
    };
    let actions = if request.dry_run {
        output::preview(&plan, &destination, request.on_existing)?
    } else {
        output::write(&plan, &destination, request.on_existing, report)?
    };
    let next_steps = match &manifest.info.next_steps {
        Some(template) => Some(render::render_str(
            &render::environment(),
            "stamp.toml: next_steps",
            template,
            &answers.context(),
        )?),
        None => None,
    };
    Ok(Outcome {
        template_name: manifest.info.name.clone(),
        template_version: manifest.info.version.clone(),
        destination,
        actions,
        next_steps,
    })
}

/// Resolves the answers and renders the whole project in memory, including
/// its `.stamp-answers.toml`: everything a run does before touching the disk.
pub fn render_project(
    tree: &Arc<source::SourceTree>,
    given: &Given,
    prompter: &mut dyn prompt::Prompter,
    report: Reporter,
) -> Result<(render::Plan, answers::Answers)> {
    let answers = answers::resolve(&tree.manifest, given, prompter)?;
    let mut plan = render::plan(Arc::clone(tree), &answers, report)?;
    plan.add_file(ANSWERS_FILE, answers.to_answers_file(&tree.manifest).into_bytes());
    Ok((plan, answers))
}
