//! What a project was made from: its record (stamp's `.stamp-answers.toml`
//! or cruft's `.cruft.json`), the template at the version the record names,
//! and the checks that refuse an update which could only guess at it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::UpdateRequest;
use crate::dialect::RECORD_FILES;
use crate::dialect::cookiecutter::CRUFT_FILE;
use crate::engine::Limits;
use crate::error::{Error, Result};
use crate::given::Given;
use crate::model::Manifest;
use crate::pipeline::{Rendered, Request, render_as_generated};
use crate::source::{SourceTree, TemplateSource};

/// The project's record: stamp's `.stamp-answers.toml`, or cruft's `.cruft.json`.
pub(super) fn record_of(project: &Path) -> Result<PathBuf> {
    RECORD_FILES.iter().map(|name| project.join(name)).find(|path| path.is_file()).ok_or_else(|| {
        Error::InvalidInput(format!(
            "{} has neither {} nor {}: stamp can update only a project whose record says where its template is",
            project.display(),
            RECORD_FILES[0],
            RECORD_FILES[1]
        ))
    })
}

/// The project's record and the template as the project was made from it.
pub(super) struct Base {
    /// Whether the record is cruft's, kept as cruft keeps it.
    pub(super) cruft: bool,
    pub(super) recorded: Given,
    source: TemplateSource,
    pub(super) latest: TemplateSource,
    pub(super) tree: Arc<SourceTree>,
}

/// Reads the project's record and fetches its template at the version the
/// project was made from.
pub(super) fn base(request: &UpdateRequest) -> Result<Base> {
    let record_path = record_of(&request.project)?;
    let mut recorded = Given::default();
    recorded.load_file(&record_path)?;
    // cruft follows the branch its record names.
    let checkout = request.checkout.clone().or_else(|| recorded.recorded_checkout().map(str::to_owned));
    let (source, latest) = sources(&recorded, checkout, &record_path)?;
    let tree = Arc::new(SourceTree::fetch(&source, &request.fetch)?);
    check_reproducible(&recorded, &tree, &record_path, request.limits)?;
    let cruft = record_path.file_name().is_some_and(|name| name == CRUFT_FILE);
    Ok(Base { cruft, recorded, source, latest, tree })
}

impl Base {
    /// Renders the project as it was made: the recorded answers, and the
    /// secrets `secrets` holds (they are never recorded).
    pub(super) fn render(&self, request: &UpdateRequest, secrets: &Given) -> Result<Rendered> {
        let mut given = self.recorded.clone();
        given.retain_known(self.tree.manifest());
        for (name, value) in secrets.iter() {
            if self.tree.manifest().question(name).is_some_and(crate::model::Question::is_confidential) {
                given.insert(name, value.clone());
            }
        }
        let mut generated = as_generated(request, self.source.clone(), given);
        generated.record = self.cruft;
        render_as_generated(&self.tree, &generated, &mut crate::prompt::NoPrompter, &|_| {})
    }
}

/// The secret answers in a render context, as given values for another render.
pub(super) fn secrets_of(rendered: &Rendered, manifest: &Manifest) -> Given {
    let mut secrets = Given::default();
    let answers = rendered.context.get_attr("cookiecutter").unwrap_or_default();
    for question in manifest.questions.iter().filter(|q| q.kind == crate::model::Kind::Secret) {
        if let Ok(value) = answers.get_attr(&question.name)
            && let Some(text) = value.as_str()
        {
            let raw = crate::model::RawValue::Text(text.to_owned());
            secrets.insert(&question.name, crate::given::GivenValue { raw, origin: "your reply".into() });
        }
    }
    secrets
}

/// The request `stamp new` would have been given to generate the project from `source`.
pub(super) fn as_generated(request: &UpdateRequest, source: TemplateSource, given: Given) -> Request {
    let mut generated = Request::new(source);
    generated.output_dir = parent_of(&request.project);
    generated.given = given;
    generated.determinism = request.determinism;
    generated.limits = request.limits;
    generated.fetch = request.fetch.clone();
    generated.extensions = request.extensions;
    generated
}

/// The project's directory with `.` and `..` resolved, so that it has a
/// name and a parent to stage beside it in.
pub(super) fn canonical(project: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(project).map_err(|e| Error::io("find the project", project, e))
}

fn parent_of(project: &Path) -> PathBuf {
    match project.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Refuses a project with uncommitted changes in its git work tree: an
/// update should be one reviewable change on top of committed work. A
/// project outside git (or without git installed) has nothing to protect.
pub(super) fn check_committed(project: &Path) -> Result<()> {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(project)
        .args(["status", "--porcelain", "--untracked-files=normal", "--", "."])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    match status {
        Ok(output) if output.status.success() && !output.stdout.is_empty() => {
            Err(Error::InvalidInput(format!(
                "{} has uncommitted changes; commit or stash them first (or pass --allow-dirty)",
                project.display()
            )))
        }
        _ => Ok(()),
    }
}

/// The template as the project was made, and as the update asks for it.
fn sources(
    recorded: &Given,
    checkout: Option<String>,
    record_path: &Path,
) -> Result<(TemplateSource, TemplateSource)> {
    let config = crate::config::UserConfig::default();
    match recorded.recorded_source() {
        // The built-in template: the version the project records, which this binary carries as a
        // release if it is not its own.
        None => {
            let current = SourceTree::load_manifest(&TemplateSource::Builtin)?.info.version;
            let made_with = recorded.template_version().unwrap_or_default();
            let base = if made_with == current {
                TemplateSource::Builtin
            } else {
                TemplateSource::BuiltinRelease(made_with.to_owned())
            };
            Ok((base, TemplateSource::Builtin))
        }
        Some((source, commit, directory)) => {
            let named = TemplateSource::parse(source, &config)?;
            let directory = directory.map(PathBuf::from);
            let base = match (&named, commit) {
                (TemplateSource::Directory(_), None) | (TemplateSource::Zip { .. }, _) => {
                    named.clone().at(None, directory.clone())?
                }
                (_, Some(commit)) => named.clone().at(Some(commit.to_owned()), directory.clone())?,
                (_, None) => {
                    return Err(Error::InvalidInput(format!(
                        "{} names no commit of {source}: stamp cannot tell which version the project came from",
                        record_path.display()
                    )));
                }
            };
            // The latest version: what is asked for; else a git source's default branch (for
            // a local repository, its HEAD); else the directory or archive as it is now.
            let wanted = checkout.or_else(|| {
                (commit.is_some() && matches!(named, TemplateSource::Directory(_))).then(|| "HEAD".to_owned())
            });
            let latest = named.at(wanted, directory)?;
            Ok((base, latest))
        }
    }
}

/// Refuses a base that is not what the project was made from: a template
/// without commits whose content changed since (its digest). (A built-in
/// template of a version this binary does not carry fails to load.)
fn check_reproducible(recorded: &Given, base: &SourceTree, record_path: &Path, limits: Limits) -> Result<()> {
    if let Some(digest) = recorded.recorded_digest()
        && base.dir.is_some()
        && base.content_digest(limits.file_bytes)? != digest
    {
        return Err(Error::InvalidInput(format!(
            "the template at `{}` changed since the project was made ({} records another digest), and a \
             template without commits keeps no earlier version: keep the template in git to update from it",
            recorded.recorded_source().map_or("", |(s, _, _)| s),
            record_path.display()
        )));
    }
    Ok(())
}
