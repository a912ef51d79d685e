//! The plain model of a template's questions and their answers: kinds,
//! their per-kind parsing in one place (`parse`), validations and typed
//! values (`value`). No I/O and no template engine: dialects build these,
//! prompts and resolvers use them.

mod parse;
mod value;

use serde::Deserialize;

use crate::tasks::Task;

pub(crate) use parse::{number_text, parse_bool};
pub(crate) use value::unique_keys;
pub use value::{Answer, RawValue};

/// A template's questions and what it says of itself: read from
/// `stamp.toml`, or derived from `cookiecutter.json`.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// What the template says of itself.
    pub info: TemplateInfo,
    /// Asked in this order.
    pub questions: Vec<Question>,
    /// Run in the project once it is written, with the user's consent (stamp templates only).
    pub tasks: Vec<Task>,
}

impl Manifest {
    /// Looks a question up by name.
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.name == name)
    }

    /// The names of all questions, in order.
    pub fn names(&self) -> Vec<String> {
        self.questions.iter().map(|q| q.name.clone()).collect()
    }
}

/// Where a template came from, as a generated project records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Provenance {
    /// The directory (absolute) or the repository URL (credentials masked).
    pub(crate) source: Option<String>,
    /// The commit checked out, for a git source.
    pub(crate) commit: Option<String>,
    /// The template's directory inside the repository.
    pub(crate) directory: Option<String>,
    /// For a source without commits (a directory, an archive): a digest of
    /// the template's content (`sha256:…`), which tells whether it changed.
    pub(crate) digest: Option<String>,
}

/// The `[template]` table.
#[derive(Debug, Clone, Default)]
pub struct TemplateInfo {
    /// The template's name.
    pub name: String,
    /// Its version (empty for cookiecutter templates).
    pub version: String,
    /// One line on what it makes.
    pub description: String,
    /// Globs on the template-relative path of files copied without rendering.
    pub copy_without_render: Vec<String>,
    /// Globs on the rendered, project-relative path of files and
    /// directories never written.
    pub exclude: Vec<String>,
    /// Globs on the rendered, project-relative path of files written when
    /// the project is created and then the user's: never overwritten by
    /// `new --force`, never touched by `update`.
    pub skip_if_exists: Vec<String>,
    /// Shown after a successful run; a template rendered with the answers.
    pub next_steps: Option<String>,
}

impl TemplateInfo {
    /// `name version`, or just the name when there is no version (cookiecutter templates).
    pub fn label(&self) -> String {
        if self.version.is_empty() { self.name.clone() } else { format!("{} {}", self.name, self.version) }
    }
}

/// The type of a question's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// Free text.
    #[default]
    String,
    /// Yes or no.
    Bool,
    /// One of `choices`.
    Choice,
    /// Any subset of `choices`.
    Multichoice,
    /// A whole number.
    Integer,
    /// Free text asked without echo and never recorded.
    Secret,
    /// A number, whole or not (`1.5`, `2`, `1e3`); templates see a float.
    Float,
    /// A file-system path, relative or absolute, normalised (`a//b/./` is `a/b`).
    Path,
    /// Free text of several lines.
    Text,
    /// A structured value (object, list or scalar) written as JSON.
    Json,
    /// A structured value written as YAML.
    Yaml,
}

impl Kind {
    /// The name used in `stamp.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Bool => "bool",
            Kind::Choice => "choice",
            Kind::Multichoice => "multichoice",
            Kind::Integer => "integer",
            Kind::Secret => "secret",
            Kind::Float => "float",
            Kind::Path => "path",
            Kind::Text => "text",
            Kind::Json => "json",
            Kind::Yaml => "yaml",
        }
    }

    /// Whether its answers are typed over several lines at a terminal.
    pub fn is_multiline(self) -> bool {
        matches!(self, Kind::Text | Kind::Json | Kind::Yaml)
    }
}

/// A question's default: either a template rendered with the answers so far,
/// or a literal value of the question's type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DefaultValue {
    /// A template rendered with the answers so far.
    Template(String),
    /// A value of the question's type.
    Literal(Answer),
}

/// A regular expression an answer must match, and the message shown when not.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The template's pattern, anchored to match whole answers.
    pub pattern: String,
    matcher: regex_automata::meta::Regex,
    /// Shown when an answer does not match.
    pub message: Option<String>,
}

impl Validation {
    /// Compiles `regex` (Rust regex syntax) anchored at both ends, or returns
    /// why it is not a valid pattern. Every run compiles every pattern but
    /// tests each against an answer or two, so only the NFA engines are built:
    /// the `regex` crate's lazy DFA and reverse automata would double the
    /// compile time for searches that never need them.
    pub fn new(regex: &str, message: Option<String>) -> std::result::Result<Validation, String> {
        use regex_automata::meta::{Config, Regex};
        let pattern = format!("^(?:{regex})$");
        let config = Config::new().hybrid(false).dfa(false).onepass(false);
        match Regex::builder().configure(config).build(&pattern) {
            Ok(matcher) => Ok(Validation { pattern, matcher, message }),
            Err(err) => Err(err.syntax_error().map_or_else(|| err.to_string(), ToString::to_string)),
        }
    }

    /// Whether `text` matches as a whole.
    pub fn matches(&self, text: &str) -> bool {
        self.matcher.is_match(text)
    }
}

/// One question of a template.
#[derive(Debug, Clone)]
pub struct Question {
    /// The variable templates see as `cookiecutter.NAME`.
    pub name: String,
    /// What is asked.
    pub prompt: String,
    /// A line shown above the prompt.
    pub help: Option<String>,
    /// The type of the answer.
    pub kind: Kind,
    /// What the answer is if nobody gives one.
    pub default: Option<DefaultValue>,
    /// The options of a choice or multichoice.
    pub choices: Vec<String>,
    /// What a string, secret, path or text answer must match.
    pub validation: Option<Validation>,
    /// The smallest answer an integer or float question accepts.
    pub min: Option<f64>,
    /// The largest answer an integer or float question accepts.
    pub max: Option<f64>,
    /// A template rendered with the answers so far and this one (copier's
    /// form): what it renders, trimmed, if anything, is why the answer is
    /// refused. It compares answers, which a regex cannot.
    pub validator: Option<String>,
    /// A template; the question is asked only when it renders truthy.
    pub when: Option<String>,
    /// For a computed value (`computed = "{{ … }}"`): the template it is
    /// rendered from, with the answers before it. Never asked, never
    /// recorded, and not to be given.
    pub computed: Option<String>,
    /// Whether its default is made from a secret answer: its value is then
    /// kept out of records, prompts and messages, as a secret's is.
    pub derived_from_secret: bool,
}

impl Question {
    /// A question with no default, choices, validation or condition, for
    /// questions that do not come from a `stamp.toml`.
    pub fn new(name: &str, prompt: String, kind: Kind, choices: Vec<String>) -> Question {
        Question {
            name: name.to_owned(),
            prompt,
            help: None,
            kind,
            default: None,
            choices,
            validation: None,
            min: None,
            max: None,
            validator: None,
            when: None,
            computed: None,
            derived_from_secret: false,
        }
    }

    /// Whether its value is secret: a secret, or made from one.
    pub fn is_confidential(&self) -> bool {
        self.kind == Kind::Secret || self.derived_from_secret
    }

    /// Whether the template computes this value and never asks it: a
    /// `computed` value, or a question whose condition is `{{ false }}`
    /// (which, unlike a computed value, may still be given).
    pub fn is_computed(&self) -> bool {
        self.computed.is_some()
            || matches!(self.when.as_deref().map(str::trim), Some("{{ false }}" | "{{false}}"))
    }
}

/// Whether `name` can be a variable: an ASCII letter or `_`, then letters, digits and `_`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
