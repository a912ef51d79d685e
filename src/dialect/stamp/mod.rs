//! stamp's own template format: questions typed in `stamp.toml`, answers
//! validated and recorded in the project's `.stamp-answers.toml`.

mod answer_set;
mod answers;
mod bounds;
mod manifest;
mod shape;
mod tasks;

pub(crate) use answer_set::answer_value;

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use minijinja::Value;

use super::{Dialect, Origin, Resolution};
use crate::engine::{Engine, Syntax};
use crate::error::{Error, Problem, Result};
use crate::given::{Given, GivenValue};
use crate::model::Manifest;
use crate::prompt::Prompter;

/// The manifest file of stamp's own template format.
pub(crate) const MANIFEST_FILE: &str = "stamp.toml";

/// The file a generated project records its answers in (stamp templates
/// only: cookiecutter templates get exactly the files cookiecutter writes).
pub(crate) const ANSWERS_FILE: &str = ".stamp-answers.toml";

/// A template in stamp's format, its manifest read and checked.
#[derive(Debug)]
pub(crate) struct StampTemplate {
    manifest: Manifest,
    /// Scripts in its `hooks/` directory, which a stamp template does not
    /// run (its commands are `[[tasks]]`): said, not silently ignored.
    pub(crate) ignored_hooks: Vec<String>,
    verbatim: GlobSet,
    syntax: Syntax,
}

impl StampTemplate {
    /// Parses a `stamp.toml`; `path` names it in messages.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<StampTemplate> {
        let manifest = manifest::parse(path, text)?;
        let mut builder = GlobSetBuilder::new();
        for pattern in &manifest.info.copy_without_render {
            // Each glob was checked, with its line, when the manifest was parsed.
            builder.add(Glob::new(pattern).map_err(|e| copy_without_render_error(path, &e))?);
        }
        let verbatim = builder.build().map_err(|e| copy_without_render_error(path, &e))?;
        Ok(StampTemplate { manifest, ignored_hooks: Vec::new(), verbatim, syntax: Syntax::default() })
    }
}

fn copy_without_render_error(path: &Path, err: &globset::Error) -> Error {
    Error::Manifest { problems: vec![Problem::in_file(path, format!("copy_without_render: {err}"))] }
}

impl Dialect for StampTemplate {
    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn records_provenance(&self) -> bool {
        true
    }

    fn ignored_hooks(&self) -> &[String] {
        &self.ignored_hooks
    }

    fn syntax(&self) -> &Syntax {
        &self.syntax
    }

    fn project_dir(&self, root: &Path, dirs: &[String]) -> Result<String> {
        let templated: Vec<&String> = dirs.iter().filter(|n| n.contains("{{")).collect();
        let message = match templated.as_slice() {
            [one] => return Ok((*one).clone()),
            [] => "no top-level directory with a templated name such as {{cookiecutter.project_slug}}".into(),
            many => format!(
                "more than one templated top-level directory: {}",
                many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        };
        Err(Error::TemplateLayout { path: root.to_owned(), message })
    }

    /// Partials for `include`, `import` and `extends`, never written.
    fn include_dirs(&self) -> &[&'static str] {
        &["templates"]
    }

    fn is_verbatim(&self, path: &str) -> bool {
        self.verbatim.is_match(path)
    }

    fn empty_dir_is_error(&self) -> bool {
        false
    }

    fn resolve(
        &self,
        given: &Given,
        prompter: &mut dyn Prompter,
        engine: &Engine,
        origin: &Origin,
    ) -> Result<Resolution> {
        if let Some((named, said_where)) = given.template()
            && named != self.manifest.info.name
        {
            return Err(Error::InvalidAnswer {
                origin: said_where.to_owned(),
                key: "_template".into(),
                reason: format!(
                    "the answers are for the template `{named}`, not `{}`; name the template they are for",
                    self.manifest.info.name
                ),
            });
        }
        let answers = answers::resolve(&self.manifest, given, prompter, engine)?;
        let confidential = || self.manifest.questions.iter().filter(|q| q.is_confidential());
        let secrets = confidential()
            .filter_map(|q| answers.get(&q.name))
            .map(ToString::to_string)
            .filter(|value| !value.is_empty())
            .collect();
        let exposed = confidential()
            .filter(|q| given.get(&q.name).is_some_and(GivenValue::is_from_command_line))
            .map(|q| q.name.clone())
            .collect();
        Ok(Resolution {
            replay: None,
            context: answers.context(),
            record: Some((ANSWERS_FILE, answers.to_answers_file(&self.manifest, &origin.provenance))),
            secrets,
            exposed,
        })
    }

    fn new_lines(&self, _: &Value) -> Option<String> {
        None
    }
}
