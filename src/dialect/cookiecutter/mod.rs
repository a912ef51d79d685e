//! cookiecutter templates: `cookiecutter.json` read into a [`Definition`]
//! (its syntax built and its patterns compiled as it is read), the questions
//! stamp derives from it, and the [`Dialect`] rules cookiecutter follows. The
//! render context is built in [`context`].

mod context;
mod fnmatch;
mod records;

pub(crate) use records::CRUFT_FILE;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use minijinja::Value;
use serde_json::Value as Json;

use super::{Dialect, Origin, Resolution};
use crate::engine::{DELIMITER_NAMES, Engine, Syntax, SyntaxSettings};
use crate::error::{Error, Problem, Result};
use crate::given::Given;
use crate::hooks::{self, Hook};
use crate::model::{Answer, DefaultValue, Kind, Manifest, Question, TemplateInfo};
use crate::prompt::Prompter;
/// The manifest file of cookiecutter templates.
pub(crate) const MANIFEST_FILE: &str = "cookiecutter.json";

/// Extensions stamp provides itself; any other `_extensions` entry is refused.
const KNOWN_EXTENSIONS: &[&str] = &[
    "cookiecutter.extensions.JsonifyExtension",
    "cookiecutter.extensions.RandomStringExtension",
    "cookiecutter.extensions.SlugifyExtension",
    "cookiecutter.extensions.TimeExtension",
    "cookiecutter.extensions.UUIDExtension",
    "jinja2_time.TimeExtension",
    "jinja2.ext.debug",
    "jinja2.ext.do",
    "jinja2.ext.loopcontrols",
];

/// A cookiecutter template: its `cookiecutter.json` parsed, and its hooks.
#[derive(Debug)]
pub(crate) struct Definition {
    path: PathBuf,
    /// Every key in file order, without `__prompts__`.
    variables: IndexMap<String, Json>,
    /// `__prompts__`: human-readable prompts by variable name.
    prompts: serde_json::Map<String, Json>,
    /// `_copy_without_render`: fnmatch patterns on the unrendered path, compiled.
    verbatim: Vec<regex::Regex>,
    /// `_jinja2_env_vars`, built.
    syntax: Syntax,
    /// The questions as stamp sees them.
    manifest: Manifest,
    hooks: Vec<Hook>,
    /// `_extensions` naming modules of the template itself.
    local_extensions: Vec<String>,
}

impl Definition {
    /// Reads and checks `dir/cookiecutter.json` and finds the hooks in `dir/hooks`.
    pub(crate) fn load(dir: &Path) -> Result<Definition> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let problem = |message: String| Error::Manifest { problems: vec![Problem::in_file(&path, message)] };
        let json: Json = serde_json::from_str(&text)
            .map_err(|e| problem(format!("line {} column {}: {e}", e.line(), e.column())))?;
        let Json::Object(mut object) = json else {
            return Err(problem("the top level must be an object".into()));
        };
        let prompts = match object.shift_remove("__prompts__") {
            Some(Json::Object(prompts)) => prompts,
            Some(_) => return Err(problem("`__prompts__` must be an object".into())),
            None => serde_json::Map::new(),
        };
        let variables: IndexMap<String, Json> = object.into_iter().collect();
        for key in ["template", "templates"] {
            if variables.contains_key(key) {
                return Err(Error::InvalidInput(format!(
                    "{} offers nested templates (`{key}`): name one with --directory",
                    path.display()
                )));
            }
        }
        let strings = |key: &str| -> Result<Vec<String>> {
            match variables.get(key) {
                None => Ok(Vec::new()),
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| problem(format!("`{key}` must list strings")))
                    })
                    .collect(),
                Some(_) => Err(problem(format!("`{key}` must be a list"))),
            }
        };
        let mut local_extensions = Vec::new();
        for extension in strings("_extensions")? {
            if KNOWN_EXTENSIONS.contains(&extension.as_str()) {
                continue;
            }
            // A module of the template's own, as cookiecutter finds it (the template is on sys.path).
            let module = extension.split('.').next().unwrap_or_default();
            if !module.is_empty()
                && (dir.join(format!("{module}.py")).is_file()
                    || dir.join(module).join("__init__.py").is_file())
            {
                local_extensions.push(extension);
                continue;
            }
            return Err(problem(format!(
                "extension `{extension}` is not available: it is neither one stamp provides ({}) nor a module \
                 in the template",
                KNOWN_EXTENSIONS.join(", ")
            )));
        }
        if let Some(value) = variables.get("_new_lines") {
            check_new_lines(value).map_err(problem)?;
        }
        let syntax = match variables.get("_jinja2_env_vars") {
            None => Syntax::default(),
            Some(Json::Object(vars)) => syntax_from(vars).map_err(problem)?,
            Some(_) => return Err(problem("`_jinja2_env_vars` must be an object".into())),
        };
        let verbatim = strings("_copy_without_render")?
            .iter()
            .map(|pattern| {
                regex::Regex::new(&fnmatch::translate(pattern))
                    .map_err(|e| problem(format!("`_copy_without_render`: {e}")))
            })
            .collect::<Result<_>>()?;
        let name =
            dir.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        let mut definition = Definition {
            path,
            variables,
            prompts,
            verbatim,
            syntax,
            manifest: Manifest { info: TemplateInfo::default(), questions: Vec::new(), tasks: Vec::new() },
            hooks: hooks::find(dir)?,
            local_extensions,
        };
        definition.manifest = definition.derive_manifest(&name.unwrap_or_else(|| "template".into()));
        Ok(definition)
    }

    /// The questions as stamp sees them, for `stamp vars`, known-key checks
    /// and `check --all-combinations`. Private variables are not questions.
    fn derive_manifest(&self, name: &str) -> Manifest {
        let questions = self
            .variables
            .iter()
            .filter(|(key, _)| !key.starts_with('_'))
            .map(|(key, raw)| {
                let mut question = self.question(key, Kind::String, Vec::new());
                match raw {
                    Json::Array(options) => {
                        question.kind = Kind::Choice;
                        question.choices = options.iter().map(context::python_str).collect();
                    }
                    Json::Bool(b) => {
                        question.kind = Kind::Bool;
                        question.default = Some(DefaultValue::Literal(Answer::Bool(*b)));
                    }
                    Json::Object(_) | Json::Null => {}
                    other => question.default = Some(DefaultValue::Template(context::python_str(other))),
                }
                question
            })
            .collect();
        Manifest {
            info: TemplateInfo {
                name: name.to_owned(),
                copy_without_render: Vec::new(),
                ..TemplateInfo::default()
            },
            questions,
            tasks: Vec::new(),
        }
    }

    fn prompt_for(&self, key: &str) -> String {
        match self.prompts.get(key) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Object(o)) => o.get("__prompt__").and_then(Json::as_str).unwrap_or(key).to_owned(),
            _ => key.to_owned(),
        }
    }

    fn question(&self, key: &str, kind: Kind, choices: Vec<String>) -> Question {
        Question::new(key, self.prompt_for(key), kind, choices)
    }
}

/// `_new_lines`, the newline every rendered file is written with, must be
/// one Python's `open` accepts (empty or null means "detect per file").
pub(super) fn check_new_lines(value: &Json) -> std::result::Result<(), String> {
    match value {
        Json::Null => Ok(()),
        Json::String(s) if matches!(s.as_str(), "" | "\n" | "\r\n" | "\r") => Ok(()),
        other => Err(format!("`_new_lines` must be \"\\n\", \"\\r\\n\" or \"\\r\", not {other}")),
    }
}

/// `_jinja2_env_vars` as a built [`Syntax`]: unsupported settings and
/// unusable delimiters are errors naming the key.
fn syntax_from(vars: &serde_json::Map<String, Json>) -> std::result::Result<Syntax, String> {
    let mut syntax = SyntaxSettings::default();
    for (key, value) in vars {
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`_jinja2_env_vars.{key}` must be a string"))
        };
        let flag =
            || value.as_bool().ok_or_else(|| format!("`_jinja2_env_vars.{key}` must be true or false"));
        match (DELIMITER_NAMES.iter().position(|name| name == key), key.as_str()) {
            (Some(i), _) => syntax.delimiters[i] = text()?,
            (None, "line_statement_prefix") => syntax.line_statement_prefix = Some(text()?),
            (None, "line_comment_prefix") => syntax.line_comment_prefix = Some(text()?),
            (None, "trim_blocks") => syntax.trim_blocks = flag()?,
            (None, "lstrip_blocks") => syntax.lstrip_blocks = flag()?,
            (None, "keep_trailing_newline") => syntax.keep_trailing_newline = flag()?,
            (None, "autoescape") if value == &Json::Bool(false) => {}
            (None, "newline_sequence") if value.as_str() == Some("\n") => {}
            (None, "optimized" | "cache_size" | "auto_reload") => {}
            _ => return Err(format!("`_jinja2_env_vars.{key}` is not supported by stamp")),
        }
    }
    syntax.build().map_err(|reason| format!("`_jinja2_env_vars`: {reason}"))
}

impl Dialect for Definition {
    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn syntax(&self) -> &Syntax {
        &self.syntax
    }

    /// cookiecutter's `find_template`: the first directory whose name holds
    /// `cookiecutter` and the variable delimiters.
    fn project_dir(&self, root: &Path, dirs: &[String]) -> Result<String> {
        let [.., start, end, _, _] = &self.syntax.settings().delimiters;
        let found = dirs
            .iter()
            .find(|d| d.contains("cookiecutter") && d.contains(start.as_str()) && d.contains(end.as_str()));
        found.cloned().ok_or_else(|| Error::TemplateLayout {
            path: root.to_owned(),
            message: "no top-level directory whose name holds `cookiecutter` and a template, such as {{cookiecutter.project_slug}}".into(),
        })
    }

    fn include_dirs(&self) -> &[&'static str] {
        &["templates"]
    }

    fn is_verbatim(&self, path: &str) -> bool {
        self.verbatim.iter().any(|p| p.is_match(path))
    }

    fn empty_dir_is_error(&self) -> bool {
        true
    }

    fn hooks(&self) -> &[Hook] {
        &self.hooks
    }

    fn local_extensions(&self) -> &[String] {
        &self.local_extensions
    }

    fn resolve(
        &self,
        given: &Given,
        prompter: &mut dyn Prompter,
        engine: &Engine,
        origin: &Origin,
    ) -> Result<Resolution> {
        let context = self.context(given, prompter, engine, origin)?;
        let record = origin.record.then(|| (records::CRUFT_FILE, records::cruft_state(&context, origin)));
        let replay = Some(records::replay(&context));
        Ok(Resolution { context, record, replay, secrets: Vec::new(), exposed: Vec::new() })
    }

    /// `_new_lines`, read from the context: like any variable it may be overridden.
    fn new_lines(&self, context: &Value) -> Option<String> {
        context
            .get_attr("cookiecutter")
            .and_then(|c| c.get_attr("_new_lines"))
            .ok()
            .and_then(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
    }
}
