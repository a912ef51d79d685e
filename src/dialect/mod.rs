//! Template dialects: everything that differs between stamp's own format
//! (`stamp.toml`) and cookiecutter's (`cookiecutter.json`) sits behind
//! [`Dialect`], so the rest of the pipeline never asks which one it has.

pub(crate) mod cookiecutter;
pub(crate) mod stamp;

use std::fmt;
use std::path::{Path, PathBuf};

use minijinja::Value;

use crate::engine::{Engine, Syntax};
use crate::error::Result;
use crate::given::Given;
use crate::hooks::Hook;
use crate::model::Manifest;
use crate::model::Provenance;
use crate::prompt::Prompter;

/// One template format's rules, read from its manifest file when the
/// template is loaded (so every rule here is already checked).
pub(crate) trait Dialect: fmt::Debug + Send + Sync {
    /// The questions and what the template says of itself.
    fn manifest(&self) -> &Manifest;

    /// The syntax the template's files, names and defaults are written in.
    fn syntax(&self) -> &Syntax;

    /// Picks the project directory among the template's top-level
    /// directories (sorted); `root` names the template in errors.
    fn project_dir(&self, root: &Path, dirs: &[String]) -> Result<String>;

    /// Directories beside the project directory whose files `include` and
    /// `extends` may name.
    fn include_dirs(&self) -> &[&'static str];

    /// Whether a file or directory, by its path below the project
    /// directory (unrendered), is copied without rendering.
    fn is_verbatim(&self, path: &str) -> bool;

    /// Scripts the template runs at stages of a run, with the user's consent.
    fn hooks(&self) -> &[Hook] {
        &[]
    }

    /// Hook scripts the template has but its format does not run.
    fn ignored_hooks(&self) -> &[String] {
        &[]
    }

    /// Jinja2 extensions that are the template's own Python code, run only
    /// with the user's consent.
    fn local_extensions(&self) -> &[String] {
        &[]
    }

    /// Whether the project keeps a record of where its template came from
    /// (and so needs the template's content digest when it has no commit).
    fn records_provenance(&self) -> bool {
        false
    }

    /// Whether a directory whose name renders empty is an error
    /// (cookiecutter) rather than skipped with everything in it (stamp).
    fn empty_dir_is_error(&self) -> bool;

    /// Resolves the answers from `given` and `prompter` into the render context.
    fn resolve(
        &self,
        given: &Given,
        prompter: &mut dyn Prompter,
        engine: &Engine,
        origin: &Origin,
    ) -> Result<Resolution>;

    /// The newline every rendered file is written with, or `None` to keep
    /// the newline each template file uses.
    fn new_lines(&self, context: &Value) -> Option<String>;
}

/// The files a generated project keeps its record in: stamp's answers, cruft's state.
pub const RECORD_FILES: [&str; 2] = [stamp::ANSWERS_FILE, cookiecutter::CRUFT_FILE];

/// Resolved answers: what templates see, and what the project records.
pub(crate) struct Resolution {
    pub context: Value,
    /// A file the project keeps (path, text), from which it can be made again.
    pub record: Option<(&'static str, String)>,
    /// The replay file cookiecutter would write for this run, if the dialect has them.
    pub replay: Option<String>,
    /// The values of secret answers (and those made from them): files that
    /// hold one are made readable by their owner only.
    pub secrets: Vec<String>,
    /// Secret questions answered on the command line, to warn about.
    pub exposed: Vec<String>,
}

/// Where the template and the project are, for dialects whose templates can
/// see it (cookiecutter's `_template`, `_repo_dir` and `_output_dir`).
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// The template as the user named it (empty for the built-in one).
    pub template: String,
    /// The directory the template was read from, if it is on disk.
    pub repo_dir: Option<PathBuf>,
    /// The absolute directory the project is created in.
    pub output_dir: PathBuf,
    /// What the project records of where the template came from.
    pub provenance: Provenance,
    /// The branch, tag or commit asked for (cookiecutter's `_checkout`).
    pub checkout: Option<String>,
    /// Whether a cookiecutter template's project keeps cruft's record.
    pub record: bool,
}
