//! One run, in order: load the template ([`SourceTree`]) → ask for consent to
//! run its hooks → resolve the answers through its dialect → lay the
//! project out → write it (or, for `stamp check`, render it in memory).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::Value;

use crate::changeset::{self, Action, OnExisting};
use crate::consent::{may_run_code, may_run_extensions};
use crate::destination::DestinationWatch;
use crate::dialect::{Origin, Resolution};
use crate::engine::{Determinism, Engine, Limits, freeze_answers};
use crate::error::{Error, Result};
use crate::events::Reporter;
use crate::given::Given;
use crate::hooks::{self, Consent, Hook, Operation, Stage};
use crate::interrupt;
use crate::model::{Answer, Kind, Provenance, Question};
use crate::output::{self, DestinationLock, Staging};
use crate::prompt::{Prompter, SecretsAskedAgain};
use crate::render::{self, Layout, Plan};
use crate::source::{Fetch, NestedTemplate, SourceTree, TemplateSource};
use crate::tasks::{self, ReadyTask, Task};

/// Everything [`generate`] needs to know, resolved from the command line.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Request {
    /// The template to generate from.
    pub template: TemplateSource,
    /// The project directory is created inside this one.
    pub output_dir: PathBuf,
    /// Answers given before any question is asked.
    pub given: Given,
    /// What to do when the project directory exists.
    pub on_existing: OnExisting,
    /// Compute the plan but write nothing (and run no hooks).
    pub dry_run: bool,
    /// With `dry_run`: also the diff of each file that would be overwritten.
    pub diff: bool,
    /// Whether a template's hooks may run.
    pub hooks: Consent,
    /// Whether a cookiecutter template's own Jinja2 extensions (Python
    /// modules in the template) may run; `--accept-hooks yes` allows them too.
    pub extensions: Consent,
    /// The clock and the seed templates see.
    pub determinism: Determinism,
    /// What a render may cost.
    pub limits: Limits,
    /// How a remote template is fetched.
    pub fetch: Fetch,
    /// Keep cruft's record (`.cruft.json`) in a cookiecutter template's project.
    pub record: bool,
}

impl Request {
    /// A request for `template` into the current directory, with nothing
    /// given, refusing an existing project, asking before hooks run.
    pub fn new(template: TemplateSource) -> Request {
        Request {
            template,
            output_dir: PathBuf::from("."),
            given: Given::default(),
            on_existing: OnExisting::Refuse,
            dry_run: false,
            diff: false,
            hooks: Consent::Ask,
            extensions: Consent::Ask,
            determinism: Determinism::default(),
            limits: Limits::default(),
            fetch: Fetch::default(),
            record: false,
        }
    }
}

/// What a run did (or, for a dry run, would do).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Outcome {
    /// The template's name and version, as people read them.
    pub template: String,
    /// The project directory.
    pub destination: PathBuf,
    /// One entry per file of the project, in path order.
    pub actions: Vec<(Action, String)>,
    /// With `diff`, a unified diff per file a dry run would overwrite.
    pub diffs: Vec<String>,
    /// The template's next steps, rendered with the answers.
    pub next_steps: Option<String>,
    /// Hooks the template has that did not run, because consent was withheld.
    pub skipped_hooks: Vec<String>,
    /// The template's tasks for this run, to run in the project once it is
    /// written ([`run_tasks`](crate::run_tasks)); for a dry run, those that would.
    pub tasks: Vec<ReadyTask>,
    /// Tasks that would have run but for consent withheld.
    pub skipped_tasks: Vec<String>,
    /// Scripts in a stamp template's `hooks/`, which its format never runs.
    pub ignored_hooks: Vec<String>,
    /// Secret questions answered on the command line, where other users of
    /// the machine could read them.
    pub exposed_secrets: Vec<String>,
    /// The replay file cookiecutter would write for this run (cookiecutter templates only).
    pub replay: Option<String>,
}

/// A project rendered in memory, with what rendered it.
pub struct Rendered {
    /// Every entry of the project, in path order.
    pub plan: Plan,
    /// The render context (`cookiecutter`, and `_cookiecutter` for cookiecutter templates).
    pub context: Value,
    engine: Engine,
}

impl Rendered {
    /// Renders `source` in the project's environment and context, as its
    /// files were; `name` locates errors.
    pub fn render_str(&self, name: &str, source: &str) -> Result<String> {
        self.engine.render_str(name, source, &self.context)
    }

    /// The template's tasks for `operation`, rendered as the project's files were.
    pub(crate) fn prepare_tasks(&self, tasks: &[Task], operation: Operation) -> Result<Vec<ReadyTask>> {
        tasks::prepare(tasks, &self.engine, &self.context, operation)
    }

    /// Runs `hooks` of `stage` in `cwd`, rendered as the project's files were.
    pub(crate) fn run_hooks(
        &self,
        hooks: &[Hook],
        stage: Stage,
        cwd: &Path,
        operation: Operation,
    ) -> Result<()> {
        hooks::run_stage(hooks, stage, &self.engine, &self.context, cwd, operation)
    }
}

/// Generates a project: asks what is missing, then renders it file by file
/// into a staging directory that becomes the project (unless
/// `request.dry_run`). The destination is touched only once the whole
/// project rendered and every hook succeeded.
pub fn generate(request: &Request, prompter: &mut dyn Prompter, report: Reporter) -> Result<Outcome> {
    let mut tree =
        Arc::new(SourceTree::fetch_choosing(&request.template, &request.fetch, &mut |_, offered| {
            choose_nested(offered, prompter)
        })?);
    let (hooks, tasks) = (tree.dialect().hooks(), tree.manifest().tasks.as_slice());
    let run_code = !request.dry_run && may_run_code(hooks, tasks, request.hooks, prompter)?;
    let run_hooks = run_code && !hooks.is_empty();
    let run_extensions = may_run_extensions(&tree, request.hooks, request.extensions, prompter)?;
    let skipped_hooks = if run_code || request.dry_run {
        Vec::new()
    } else {
        hooks.iter().map(|h| h.file_name.clone()).collect()
    };
    // pre_prompt may rewrite the template, so it runs on a copy, as in cookiecutter.
    if run_hooks && hooks.iter().any(|h| h.stage == Stage::PrePrompt) {
        tree = Arc::new(run_pre_prompt(&tree, request.determinism)?);
    }
    let engine = engine_for(&tree, request.determinism, request.limits, run_extensions)?;
    // Regenerated from a project's record, which never holds secrets: each is asked for again.
    let mut regenerating = SecretsAskedAgain { given: &request.given, inner: prompter };
    let prompter: &mut dyn Prompter =
        if request.given.template().is_some() { &mut regenerating } else { regenerating.inner };
    // An existing project is reported once the answers name it, not after every question.
    let mut watch;
    let prompter: &mut dyn Prompter = if request.on_existing == OnExisting::Refuse {
        watch = DestinationWatch::new(prompter, &engine, &tree.top, &request.output_dir, &request.given);
        &mut watch
    } else {
        prompter
    };
    let resolution = tree.dialect().resolve(
        &request.given,
        prompter,
        &engine,
        &origin(&tree, Some(request), &request.output_dir)?,
    )?;
    let layout = lay_out(&tree, &engine, &resolution)?;
    let destination = if request.output_dir == Path::new(".") {
        PathBuf::from(&layout.root)
    } else {
        request.output_dir.join(&layout.root)
    };
    let context = &resolution.context;
    // Rendered before anything is written: a task that cannot render stops the run here.
    let ready = tasks::prepare(tree.manifest().tasks.as_slice(), &engine, context, Operation::Create)?;
    let (tasks, skipped_tasks) = tasks::by_consent(ready, run_code || request.dry_run);
    // The answers change in place only in hooks, never while files render.
    freeze_answers(context, true);
    let run_stage = |stage: Stage, dir: &Path| {
        if run_hooks {
            freeze_answers(context, false);
            let ran =
                hooks::run_stage(tree.dialect().hooks(), stage, &engine, context, dir, Operation::Create);
            freeze_answers(context, true);
            ran
        } else {
            Ok(())
        }
    };
    let mut diffs = Vec::new();
    let actions = if request.dry_run {
        let owned = layout.owned();
        let plan = layout.render(report)?;
        let actions =
            changeset::keep_owned(changeset::compute(&plan, &destination, request.on_existing)?, |p| {
                owned.contains(p)
            });
        if request.diff {
            diffs = changeset::overwrite_diffs(&plan, &destination, &actions)?;
        }
        actions
    } else {
        write(layout, &destination, request.on_existing, report, &run_stage)?
    };
    let manifest = tree.manifest();
    let next_steps = match &manifest.info.next_steps {
        // `stamp_project_dir`: the project as the user reaches it from here (`-o` included).
        Some(template) => {
            let where_ = destination.display().to_string();
            let context = minijinja::context! { stamp_project_dir => where_, ..context.clone() };
            Some(engine.render_str("stamp.toml: next_steps", template, &context)?)
        }
        None => None,
    };
    let exposed_secrets = resolution.exposed.clone();
    let replay = resolution.replay.clone();
    Ok(Outcome {
        template: manifest.info.label(),
        destination,
        actions,
        diffs,
        next_steps,
        skipped_hooks,
        tasks,
        skipped_tasks,
        ignored_hooks: tree.dialect().ignored_hooks().to_vec(),
        exposed_secrets,
        replay,
    })
}

/// Resolves the answers and renders the whole project in memory (for stamp
/// templates including its `.stamp-answers.toml`), as `stamp check` needs it.
/// `output_dir` is where the project would go (cookiecutter's `_output_dir`);
/// `_template` is empty, so that what renders does not depend on how the
/// template was named.
pub fn render_project(
    tree: &Arc<SourceTree>,
    given: &Given,
    prompter: &mut dyn Prompter,
    report: Reporter,
    determinism: Determinism,
    limits: Limits,
    output_dir: &Path,
) -> Result<Rendered> {
    // `check` is the template maintainer's: the template's own extensions run.
    let engine = engine_for(tree, determinism, limits, true)?;
    // Neither `_template` nor the record's source: what renders must not
    // depend on how or where the template was named.
    let resolution = tree.dialect().resolve(given, prompter, &engine, &origin(tree, None, output_dir)?)?;
    freeze_answers(&resolution.context, true);
    let plan = lay_out(tree, &engine, &resolution)?.render(report)?;
    Ok(Rendered { plan, context: resolution.context, engine })
}

/// Renders a project in memory as [`generate`] would write it, the record
/// of where its template came from included (for `stamp update`, which
/// compares such renders with a project on disk).
pub(crate) fn render_as_generated(
    tree: &Arc<SourceTree>,
    request: &Request,
    prompter: &mut dyn Prompter,
    report: Reporter,
) -> Result<Rendered> {
    let engine = engine_for(tree, request.determinism, request.limits, request.extensions == Consent::Yes)?;
    let origin = origin(tree, Some(request), &request.output_dir)?;
    let resolution = tree.dialect().resolve(&request.given, prompter, &engine, &origin)?;
    freeze_answers(&resolution.context, true);
    let plan = lay_out(tree, &engine, &resolution)?.render(report)?;
    Ok(Rendered { plan, context: resolution.context, engine })
}

/// The engine for rendering `tree`: its syntax, plus a loader that resolves
/// `include` and `extends` like cookiecutter's (the project directory
/// first, then the dialect's include directories), plus the template's own
/// extensions when `run_extensions` (without, a template that has any is refused).
fn engine_for(
    tree: &Arc<SourceTree>,
    determinism: Determinism,
    limits: Limits,
    run_extensions: bool,
) -> Result<Engine> {
    let mut engine = Engine::new(tree.dialect().syntax(), determinism).with_limits(limits);
    let extensions = tree.dialect().local_extensions();
    if let (false, Some(dir)) = (extensions.is_empty(), &tree.dir) {
        if !run_extensions {
            return Err(Error::InvalidInput(format!(
                "the template's extensions ({}) are its own Python code: pass --accept-extensions yes (or \
                 --accept-hooks yes) to run them",
                extensions.join(", ")
            )));
        }
        engine.load_extensions(dir, extensions)?;
    }
    let tree = Arc::clone(tree);
    engine.set_loader(Box::new(move |name| {
        let candidates =
            std::iter::once(tree.top.as_str()).chain(tree.dialect().include_dirs().iter().copied());
        for dir in candidates {
            if let Some(text) =
                tree.text(&format!("{dir}/{name}"), limits.file_bytes).map_err(|err| err.to_string())?
            {
                return Ok(Some(text));
            }
        }
        Ok(None)
    }));
    Ok(engine)
}

/// Writes the project laid out in `layout` to `destination` through a
/// staging directory, running hooks there: `pre_gen_project` before the
/// files are written, `post_gen_project` after. A new project is rendered
/// straight into staging, file by file, and never held whole; into an
/// existing one, the whole project is rendered first, since what happens to
/// each file depends on what it would hold.
fn write(
    layout: Layout,
    destination: &Path,
    on_existing: OnExisting,
    report: Reporter,
    run_stage: &dyn Fn(Stage, &Path) -> Result<()>,
) -> Result<Vec<(Action, String)>> {
    let parent = match destination.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    if fs::metadata(&parent).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::InvalidInput(format!(
            "the output directory {} is a file, not a directory",
            parent.display()
        )));
    }
    // First finish or remove what killed runs left here, so that even a
    // refused run leaves no debris behind.
    output::clean_stale_staging(&parent, destination)?;
    if fs::symlink_metadata(destination).is_err() {
        let actions = layout.files().map(|path| (Action::Create, path.to_owned())).collect();
        let staging = Staging::begin(&parent, destination)?;
        run_stage(Stage::PreGenProject, staging.root())?;
        // Each file is written as soon as it is rendered, on every core,
        // creating its directory if it is the first there (so that creating
        // directories overlaps with rendering); then the directories that
        // hold no file.
        let dirs: Vec<String> = layout.dirs().map(str::to_owned).collect();
        layout.render_each(report, |path, file| staging.write_file(path, &file))?;
        for dir in &dirs {
            staging.create_dir(dir)?;
        }
        run_stage(Stage::PostGenProject, staging.root())?;
        staging.commit_new(destination)?;
        return Ok(actions);
    }
    if on_existing == OnExisting::Refuse {
        return Err(Error::DestinationExists { path: destination.to_owned() });
    }
    // From what is there now to the end of the commit, no other run writes here.
    let _lock = DestinationLock::take(destination)?;
    let owned = layout.owned();
    let plan = layout.render(report)?;
    let changes =
        changeset::keep_owned(changeset::compute(&plan, destination, on_existing)?, |p| owned.contains(p));
    let staging = Staging::begin(&parent, destination)?;
    run_stage(Stage::PreGenProject, staging.root())?;
    staging.stage_changes(&plan, &changes, report)?;
    run_stage(Stage::PostGenProject, staging.root())?;
    let deletions: Vec<String> = changes
        .iter()
        .filter(|(action, _)| *action == Action::Delete)
        .map(|(_, path)| path.clone())
        .collect();
    staging.commit_into(destination, &deletions)?;
    Ok(changes)
}

/// Where the template and the project are, as the dialect sees them: for
/// `generate`, as `request` names them; for `render_project`, nothing of how
/// or where the template was named.
fn origin(tree: &SourceTree, request: Option<&Request>, output_dir: &Path) -> Result<Origin> {
    let output_dir = std::path::absolute(output_dir).map_err(|e| Error::io("resolve", output_dir, e))?;
    let Some(request) = request else {
        return Ok(Origin {
            template: String::new(),
            repo_dir: tree.dir.clone(),
            output_dir,
            provenance: Provenance::default(),
            checkout: None,
            record: false,
        });
    };
    let mut provenance = tree.provenance.clone();
    // Without a commit, only the content says which version of the template this was.
    if provenance.source.is_some()
        && provenance.commit.is_none()
        && tree.dir.is_some()
        && tree.dialect().records_provenance()
    {
        provenance.digest = Some(tree.content_digest(request.limits.file_bytes)?);
    }
    Ok(Origin {
        template: request.template.to_string(),
        repo_dir: tree.dir.clone(),
        output_dir,
        provenance,
        checkout: match (&request.template, request.given.recorded_source()) {
            // Regenerated from a cruft record: its commit is checked out, and the branch it
            // follows (if any) stays what the record says.
            (TemplateSource::Git { checkout: Some(checkout), .. }, Some((_, Some(commit), _)))
                if checkout == commit =>
            {
                request.given.recorded_checkout().map(str::to_owned)
            }
            (TemplateSource::Git { checkout, .. }, _) => checkout.clone(),
            _ => None,
        },
        record: request.record,
    })
}

/// Names the project's entries, adding the record the dialect keeps.
fn lay_out<'a>(tree: &'a SourceTree, engine: &'a Engine, resolution: &'a Resolution) -> Result<Layout<'a>> {
    let mut layout = render::layout(tree, engine, &resolution.context, &resolution.secrets)?;
    if let Some((path, text)) = &resolution.record {
        layout.add_file(path, text.clone().into_bytes());
    }
    Ok(layout)
}

/// Which of a set of nested templates to use: asked, or the first (as
/// cookiecutter takes it) when nobody can be asked.
fn choose_nested(offered: &[NestedTemplate], prompter: &mut dyn Prompter) -> Result<usize> {
    let labels: Vec<String> = offered.iter().map(|t| t.label.clone()).collect();
    let question = Question::new("template", "Select a template".into(), Kind::Choice, labels.clone());
    let answer = prompter.ask(&question, Some(&Answer::String(labels[0].clone())))?;
    Ok(match answer {
        Some(Answer::String(label)) => labels.iter().position(|l| *l == label).unwrap_or(0),
        _ => 0,
    })
}

/// Copies the template to a temporary directory, runs its `pre_prompt` hooks
/// there and reads the template again from the copy, which lives as long as
/// the tree read from it.
fn run_pre_prompt(tree: &SourceTree, determinism: Determinism) -> Result<SourceTree> {
    let dir = tree.dir.as_ref().expect("only directory templates have hooks");
    let scratch = tempfile::Builder::new()
        .prefix("stamp-template-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary directory in", std::env::temp_dir(), e))?;
    let name = dir.canonicalize().ok().and_then(|d| d.file_name().map(ToOwned::to_owned)).unwrap_or_default();
    let copy = scratch.path().join(name);
    // Kept until the tree read from it goes; an interrupt removes it sooner.
    let registration = interrupt::register_scratch(scratch.path());
    output::copy_tree(dir, &copy)?;
    let engine = Engine::new(tree.dialect().syntax(), determinism);
    hooks::run_stage(
        tree.dialect().hooks(),
        Stage::PrePrompt,
        &engine,
        &Value::UNDEFINED,
        &copy,
        Operation::Create,
    )?;
    let mut reloaded = SourceTree::load_copy(&copy, scratch, registration)?;
    reloaded.provenance = tree.provenance.clone();
    Ok(reloaded)
}
