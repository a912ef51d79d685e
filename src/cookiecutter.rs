//! cookiecutter templates: `cookiecutter.json` read into a [`Definition`],
//! and the context cookiecutter 2.x builds from it (overrides, private
//! variables, rendered defaults, `_cookiecutter`, `_template` and friends).
//! Where stamp departs from cookiecutter on purpose, it says so: values given
//! by the user are validated and never rendered, and unknown keys are errors.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use minijinja::{Environment, Value};
use serde_json::Value as Json;

use crate::answers::{Answer, Given, GivenValue, RawValue};
use crate::error::{Error, Result};
use crate::manifest::{DefaultValue, Kind, Manifest, Question, TemplateInfo, parse_bool};
use crate::prompt::Prompter;
use crate::render;

/// The manifest file of cookiecutter templates.
pub const MANIFEST_FILE: &str = "cookiecutter.json";

/// Extensions stamp provides itself; any other `_extensions` entry is refused.
const KNOWN_EXTENSIONS: &[&str] = &[
    "cookiecutter.extensions.JsonifyExtension",
    "cookiecutter.extensions.RandomStringExtension",
    "cookiecutter.extensions.SlugifyExtension",
    "cookiecutter.extensions.TimeExtension",
    "cookiecutter.extensions.UUIDExtension",
    "jinja2_time.TimeExtension",
    "jinja2.ext.loopcontrols",
];

/// A parsed `cookiecutter.json`.
#[derive(Debug, Clone)]
pub struct Definition {
    pub path: PathBuf,
    /// Every key in file order, without `__prompts__`.
    pub variables: IndexMap<String, Json>,
    /// `__prompts__`: human-readable prompts by variable name.
    pub prompts: serde_json::Map<String, Json>,
    /// `_copy_without_render`: fnmatch patterns on the unrendered path.
    pub copy_without_render: Vec<String>,
    /// `_jinja2_env_vars`, checked to be ones stamp supports.
    pub syntax: Syntax,
}

/// The Jinja2 environment settings a template may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syntax {
    pub delimiters: [String; 6],
    pub line_statement_prefix: Option<String>,
    pub line_comment_prefix: Option<String>,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub keep_trailing_newline: bool,
}

impl Default for Syntax {
    fn default() -> Self {
        Syntax {
            delimiters: ["{%", "%}", "{{", "}}", "{#", "#}"].map(String::from),
            line_statement_prefix: None,
            line_comment_prefix: None,
            trim_blocks: false,
            lstrip_blocks: false,
            keep_trailing_newline: true,
        }
    }
}

impl Definition {
    /// Reads and checks `dir/cookiecutter.json`.
    pub fn load(dir: &Path) -> Result<Definition> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let shown = path.display().to_string();
        let problem = |message: String| Error::Manifest { problems: vec![format!("{shown}: {message}")] };
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
                return Err(problem(format!("nested templates (`{key}`) are not supported")));
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
        for extension in strings("_extensions")? {
            if !KNOWN_EXTENSIONS.contains(&extension.as_str()) {
                return Err(problem(format!(
                    "extension `{extension}` is not available: stamp cannot load Python modules; it provides {}",
                    KNOWN_EXTENSIONS.join(", ")
                )));
            }
        }
        if let Some(value) = variables.get("_new_lines") {
            check_new_lines(value).map_err(problem)?;
        }
        let syntax = match variables.get("_jinja2_env_vars") {
            None => Syntax::default(),
            Some(Json::Object(vars)) => syntax_from(vars).map_err(problem)?,
            Some(_) => return Err(problem("`_jinja2_env_vars` must be an object".into())),
        };
        Ok(Definition {
            path,
            copy_without_render: strings("_copy_without_render")?,
            variables,
            prompts,
            syntax,
        })
    }

    /// The questions as stamp sees them, for `stamp vars`, known-key checks
    /// and `check --all-combinations`. Private variables are not questions.
    pub fn manifest(&self, name: &str) -> Manifest {
        let questions = self
            .variables
            .iter()
            .filter(|(key, _)| !key.starts_with('_'))
            .map(|(key, raw)| {
                let mut question = self.question(key, Kind::String, Vec::new());
                match raw {
                    Json::Array(options) => {
                        question.kind = Kind::Choice;
                        question.choices = options.iter().map(python_str).collect();
                    }
                    Json::Bool(b) => {
                        question.kind = Kind::Bool;
                        question.default = Some(DefaultValue::Literal(Answer::Bool(*b)));
                    }
                    Json::Object(_) | Json::Null => {}
                    other => question.default = Some(DefaultValue::Template(python_str(other))),
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
        }
    }

    fn prompt_for(&self, key: &str) -> String {
        match self.prompts.get(key) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Object(o)) => o.get("__prompt__").and_then(Json::as_str).unwrap_or(key).to_owned(),
            _ => key.to_owned(),
        }
    }

    /// Builds the render context the way cookiecutter's `generate_context`
    /// and `prompt_for_config` do: `{cookiecutter: ..., _cookiecutter: ...}`.
    pub fn resolve(
        &self,
        given: &Given,
        prompter: &mut dyn Prompter,
        env: &Environment,
        origin: &Origin,
    ) -> Result<Value> {
        let mut variables = self.variables.clone();
        let given_keys = self.apply_overrides(&mut variables, given)?;

        // `_cookiecutter`: the non-private variables after overrides, unrendered.
        let snapshot = render::map(
            variables.iter().filter(|(k, _)| !k.starts_with('_')).map(|(k, v)| (k.clone(), to_value(v))),
        );

        let mut answers: IndexMap<String, Value> = IndexMap::new();
        for (key, raw) in &variables {
            let context = || render::map([("cookiecutter".to_owned(), render::map(answers.clone()))]);
            let value = if key.starts_with('_') && !key.starts_with("__") {
                to_value(raw)
            } else if key.starts_with("__") {
                render_variable(env, key, raw, &context())?
            } else if given_keys.contains(key) && !matches!(raw, Json::Object(_)) {
                // Given values are data: validated in apply_overrides, never rendered.
                match raw {
                    Json::Array(options) => to_value(&options[0]),
                    other => to_value(other),
                }
            } else {
                match raw {
                    Json::Object(_) => continue, // dictionaries come in a second pass
                    Json::Null => Value::from(()),
                    Json::Bool(b) => {
                        let question = self.question(key, Kind::Bool, Vec::new());
                        match prompter.ask(&question, Some(&Answer::Bool(*b)))? {
                            Some(Answer::Bool(chosen)) => Value::from(chosen),
                            _ => Value::from(*b),
                        }
                    }
                    Json::Array(options) => {
                        // Options keep their type (a `true` option stays a bool).
                        let rendered = options
                            .iter()
                            .map(|o| render_variable(env, key, o, &context()))
                            .collect::<Result<Vec<_>>>()?;
                        if rendered.is_empty() {
                            return Err(Error::Manifest {
                                problems: vec![format!(
                                    "{}: the choices of `{key}` are empty",
                                    self.path.display()
                                )],
                            });
                        }
                        let labels: Vec<String> = rendered.iter().map(ToString::to_string).collect();
                        let question = self.question(key, Kind::Choice, labels.clone());
                        match prompter.ask(&question, Some(&Answer::String(labels[0].clone())))? {
                            Some(Answer::String(chosen)) => {
                                rendered[labels.iter().position(|l| *l == chosen).unwrap_or(0)].clone()
                            }
                            _ => rendered[0].clone(),
                        }
                    }
                    scalar => {
                        let default = render_variable(env, key, scalar, &context())?.to_string();
                        let question = self.question(key, Kind::String, Vec::new());
                        match prompter.ask(&question, Some(&Answer::String(default.clone())))? {
                            Some(Answer::String(typed)) => Value::from(typed),
                            _ => Value::from(default),
                        }
                    }
                }
            };
            answers.insert(key.clone(), value);
        }
        // Second pass: dictionaries, rendered with every other answer known.
        for (key, raw) in &variables {
            if let Json::Object(_) = raw
                && (!key.starts_with('_') || key.starts_with("__"))
            {
                let context = render::map([("cookiecutter".to_owned(), render::map(answers.clone()))]);
                let value = render_variable(env, key, raw, &context)?;
                answers.insert(key.clone(), value);
            }
        }
        // Keep cookiecutter.json's order, then the entries cookiecutter appends.
        let mut ordered: IndexMap<String, Value> =
            variables.keys().filter_map(|k| answers.get(k).map(|v| (k.clone(), v.clone()))).collect();
        ordered.insert("_template".into(), Value::from(origin.template.clone()));
        ordered.insert("_output_dir".into(), Value::from(origin.output_dir.clone()));
        ordered.insert("_repo_dir".into(), Value::from(origin.repo_dir.clone()));
        ordered.insert("_checkout".into(), Value::from(()));
        Ok(render::map([
            ("cookiecutter".to_owned(), ordered_dict(ordered)),
            ("_cookiecutter".to_owned(), snapshot),
        ]))
    }

    fn question(&self, key: &str, kind: Kind, choices: Vec<String>) -> Question {
        Question::new(key, self.prompt_for(key), kind, choices)
    }

    /// cookiecutter's `apply_overwrites_to_context`, with stamp's rules:
    /// unknown keys are errors and every value is checked. Returns the keys
    /// that were given.
    fn apply_overrides(&self, variables: &mut IndexMap<String, Json>, given: &Given) -> Result<Vec<String>> {
        let known: Vec<String> = variables.keys().filter(|k| !k.starts_with('_')).cloned().collect();
        let mut keys = Vec::new();
        for (key, value) in given.iter() {
            let invalid = |reason: String| Error::InvalidAnswer {
                origin: value.origin.clone(),
                key: key.to_owned(),
                reason,
            };
            let Some(current) = variables.get_mut(key) else {
                return Err(Error::UnknownAnswer {
                    origin: value.origin.clone(),
                    key: key.to_owned(),
                    known,
                });
            };
            *current = override_value(current, value).map_err(invalid)?;
            if key == "_new_lines" {
                check_new_lines(current).map_err(invalid)?;
            }
            keys.push(key.to_owned());
        }
        Ok(keys)
    }
}

/// `_new_lines`, the newline every rendered file is written with, must be
/// one Python's `open` accepts (empty or null means "detect per file").
fn check_new_lines(value: &Json) -> std::result::Result<(), String> {
    match value {
        Json::Null => Ok(()),
        Json::String(s) if matches!(s.as_str(), "" | "\n" | "\r\n" | "\r") => Ok(()),
        other => Err(format!("`_new_lines` must be \"\\n\", \"\\r\\n\" or \"\\r\", not {other}")),
    }
}

/// Where the template came from, as cookiecutter records it in the context.
#[derive(Debug, Clone)]
pub struct Origin {
    /// `_template`: the template argument as typed.
    pub template: String,
    /// `_output_dir`: the absolute output directory.
    pub output_dir: String,
    /// `_repo_dir`: the directory the template was read from.
    pub repo_dir: String,
}

fn override_value(current: &Json, given: &GivenValue) -> std::result::Result<Json, String> {
    let shown = |options: &[Json]| options.iter().map(python_str).collect::<Vec<_>>().join(", ");
    Ok(match (current, &given.raw) {
        (Json::Array(options), RawValue::List(items)) => {
            let items: Vec<Json> =
                items.iter().map(|i| i.as_text().map(Json::String)).collect::<Result<_, _>>()?;
            if let Some(bad) = items.iter().find(|i| !options.contains(i)) {
                return Err(format!("{} is not one of: {}", python_str(bad), shown(options)));
            }
            Json::Array(items)
        }
        (Json::Array(options), raw) => {
            let text = Json::String(raw.as_text()?);
            let Some(index) = options.iter().position(|o| o == &text || python_str(o) == python_str(&text))
            else {
                return Err(format!("{} is not one of: {}", python_str(&text), shown(options)));
            };
            let mut reordered = options.clone();
            let chosen = reordered.remove(index);
            reordered.insert(0, chosen);
            Json::Array(reordered)
        }
        (Json::Bool(_), RawValue::Bool(b)) => Json::Bool(*b),
        (Json::Bool(_), RawValue::Text(t)) => {
            Json::Bool(parse_bool(t).ok_or_else(|| format!("{t:?} is not a yes/no value"))?)
        }
        (Json::Object(base), RawValue::Table(table)) => {
            let mut merged = base.clone();
            // Inside a dictionary, cookiecutter merges nested tables and
            // replaces everything else, lists included.
            for (k, v) in table {
                let nested = GivenValue { raw: v.clone(), origin: given.origin.clone() };
                let value = match (merged.get(k), v) {
                    (Some(existing @ Json::Object(_)), RawValue::Table(_)) => {
                        override_value(existing, &nested)?
                    }
                    _ => raw_to_json(v)?,
                };
                merged.insert(k.clone(), value);
            }
            Json::Object(merged)
        }
        (Json::Object(_), other) => return Err(format!("expected a table, found {}", other.describe())),
        (_, raw) => raw_to_json(raw)?,
    })
}

fn raw_to_json(raw: &RawValue) -> std::result::Result<Json, String> {
    Ok(match raw {
        RawValue::Null => Json::Null,
        RawValue::Bool(b) => Json::Bool(*b),
        RawValue::Integer(i) => Json::from(*i),
        RawValue::Float(x) => Json::from(*x),
        RawValue::Text(t) => Json::String(t.clone()),
        RawValue::List(items) => Json::Array(items.iter().map(raw_to_json).collect::<Result<_, _>>()?),
        RawValue::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), raw_to_json(v)?)))
                .collect::<std::result::Result<_, String>>()?,
        ),
    })
}

/// cookiecutter's `render_variable`: strings (and other scalars, as Python's
/// `str()` prints them) are templates; lists and dicts are rendered item by
/// item; booleans and null pass through.
fn render_variable(env: &Environment, key: &str, raw: &Json, context: &Value) -> Result<Value> {
    Ok(match raw {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Array(items) => Value::from(
            items.iter().map(|i| render_variable(env, key, i, context)).collect::<Result<Vec<_>>>()?,
        ),
        Json::Object(map) => render::map(
            map.iter()
                .map(|(k, v)| {
                    let rendered_key = render_text(env, key, k, context)?;
                    Ok((rendered_key, render_variable(env, key, v, context)?))
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        scalar => Value::from(render_text(env, key, &python_str(scalar), context)?),
    })
}

fn render_text(env: &Environment, key: &str, text: &str, context: &Value) -> Result<String> {
    let source = crate::filters::rewrite_now_tags(text);
    render::render_str(env, &format!("cookiecutter.json: {key}"), &source, context)
}

/// Python's `str()` of a JSON scalar as `json.load` produces it.
fn python_str(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Null => "None".into(),
        Json::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            if x.fract() == 0.0 && x.abs() < 1e16 { format!("{x:.1}") } else { x.to_string() }
        }
        Json::Number(n) => n.to_string(),
        other => crate::python::repr(&to_value(other)),
    }
}

/// A JSON value as templates see it (objects keep their order).
pub fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(x)) => Value::from(x),
            _ => Value::from(n.to_string()),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        Json::Object(map) => ordered_dict(map.iter().map(|(k, v)| (k.clone(), to_value(v)))),
    }
}

/// A map that prints as Python's `OrderedDict`, as objects loaded by
/// cookiecutter (and its `cookiecutter` context itself) do.
fn ordered_dict(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::from_object(crate::python::OrderedDict(
        entries.into_iter().map(|(k, v)| (Value::from(k), v)).collect(),
    ))
}

fn syntax_from(vars: &serde_json::Map<String, Json>) -> std::result::Result<Syntax, String> {
    let mut syntax = Syntax::default();
    for (key, value) in vars {
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`_jinja2_env_vars.{key}` must be a string"))
        };
        let flag =
            || value.as_bool().ok_or_else(|| format!("`_jinja2_env_vars.{key}` must be true or false"));
        let slot = match key.as_str() {
            "block_start_string" => Some(0),
            "block_end_string" => Some(1),
            "variable_start_string" => Some(2),
            "variable_end_string" => Some(3),
            "comment_start_string" => Some(4),
            "comment_end_string" => Some(5),
            _ => None,
        };
        match (slot, key.as_str()) {
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
    Ok(syntax)
}
