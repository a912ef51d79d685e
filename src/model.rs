//! The plain model of a template's questions and their answers: kinds with
//! their per-kind parsing in one place, validations and typed values. No I/O
//! and no template engine: dialects build these, prompts and resolvers use them.

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::tasks::Task;

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
        }
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
    /// What a string or secret answer must match.
    pub validation: Option<Validation>,
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

    /// Turns a value from a file, a flag, a reply or a rendered default into
    /// an answer of this question's type, or says why it is not acceptable.
    /// Secret values are never quoted in the reason.
    pub fn parse(&self, raw: &RawValue) -> std::result::Result<Answer, String> {
        let answer = match self.kind {
            Kind::String | Kind::Secret => Answer::String(raw.as_text()?),
            Kind::Bool => Answer::Bool(match raw {
                RawValue::Bool(b) => *b,
                RawValue::Integer(0) => false,
                RawValue::Integer(1) => true,
                RawValue::Text(t) => {
                    parse_bool(t).ok_or_else(|| format!("expected yes or no, found {}", quoted(t)))?
                }
                other => return Err(format!("expected yes or no, found {}", other.describe())),
            }),
            Kind::Integer => Answer::Integer(match raw {
                RawValue::Integer(i) => *i,
                RawValue::Text(t) => {
                    t.trim().parse().map_err(|_| format!("expected a whole number, found {}", quoted(t)))?
                }
                other => return Err(format!("expected a whole number, found {}", other.describe())),
            }),
            Kind::Choice => {
                // `include_sentry: yes` in YAML is a boolean: a yes/no choice takes it as meant.
                let text = match raw {
                    RawValue::Bool(b)
                        if self.choices.iter().any(|c| c == "yes")
                            && self.choices.iter().any(|c| c == "no") =>
                    {
                        (if *b { "yes" } else { "no" }).to_owned()
                    }
                    other => other.as_text()?,
                };
                self.check_choice(&text)?;
                Answer::String(text)
            }
            Kind::Multichoice => {
                let items = match raw {
                    RawValue::List(items) => {
                        items.iter().map(RawValue::as_text).collect::<std::result::Result<Vec<_>, _>>()?
                    }
                    RawValue::Text(t) if t.trim().is_empty() => Vec::new(),
                    RawValue::Text(t) => t.split(',').map(|s| s.trim().to_owned()).collect(),
                    other => return Err(format!("expected a list, found {}", other.describe())),
                };
                for item in &items {
                    self.check_choice(item)?;
                }
                Answer::List(items)
            }
        };
        if let (Some(validation), Answer::String(text)) = (&self.validation, &answer)
            && !validation.matches(text)
        {
            let shown = if self.is_confidential() { "the value".to_owned() } else { quoted(text) };
            return Err(match &validation.message {
                Some(message) => format!("{shown}: {message}"),
                None => format!("{shown} does not match {}", validation.pattern),
            });
        }
        Ok(answer)
    }

    fn check_choice(&self, text: &str) -> std::result::Result<(), String> {
        if self.choices.iter().any(|c| c == text) {
            Ok(())
        } else {
            Err(format!("{} is not one of: {}", quoted(text), self.choices.join(", ")))
        }
    }
}

/// Parses the yes/no words cookiecutter accepts for booleans.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

fn quoted(text: &str) -> String {
    const LIMIT: usize = 60;
    if text.chars().count() > LIMIT {
        let head: String = text.chars().take(LIMIT).collect();
        format!("{head:?}…")
    } else {
        format!("{text:?}")
    }
}

/// Whether `name` can be a variable: an ASCII letter or `_`, then letters, digits and `_`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A typed answer to one question.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Answer {
    /// Text (string, choice and secret questions).
    String(String),
    /// Yes or no.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// The chosen options of a multichoice.
    List(Vec<String>),
}

impl Answer {
    /// The answer as a TOML value (answers files).
    pub fn to_toml(&self) -> toml::Value {
        match self {
            Answer::String(s) => toml::Value::String(s.clone()),
            Answer::Bool(b) => toml::Value::Boolean(*b),
            Answer::Integer(i) => toml::Value::Integer(*i),
            Answer::List(items) => {
                toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect())
            }
        }
    }

    /// The answer as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Answer::String(s) => s.clone().into(),
            Answer::Bool(b) => (*b).into(),
            Answer::Integer(i) => (*i).into(),
            Answer::List(items) => items.clone().into(),
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::String(s) => f.write_str(s),
            Answer::Bool(true) => f.write_str("yes"),
            Answer::Bool(false) => f.write_str("no"),
            Answer::Integer(i) => write!(f, "{i}"),
            Answer::List(items) => f.write_str(&items.join(",")),
        }
    }
}

/// A value as written in an answers file or on the command line, before it
/// is checked against its question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum RawValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text (all values from `KEY=VALUE` and prompts are text).
    Text(String),
    /// A list.
    List(Vec<RawValue>),
    /// A table (cookiecutter's dict variables).
    Table(#[serde(deserialize_with = "unique_keys")] IndexMap<String, RawValue>),
}

/// Deserializes a table, refusing a key given twice (JSON parsers keep the
/// last silently; TOML and YAML refuse it, and so does stamp in every format).
pub(crate) fn unique_keys<'de, D, V>(deserializer: D) -> std::result::Result<IndexMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Unique<V> {
        type Value = IndexMap<String, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut table = IndexMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if table.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!("the key `{key}` is given twice")));
                }
                table.insert(key, value);
            }
            Ok(table)
        }
    }
    deserializer.deserialize_map(Unique(std::marker::PhantomData))
}

impl RawValue {
    /// The value as text, for text-like questions.
    ///
    /// A number with a fraction is refused rather than turned into text: its
    /// digits as written are gone once parsed (`1.10` reads as `1.1`), so the
    /// user is asked to quote it.
    pub fn as_text(&self) -> std::result::Result<String, String> {
        match self {
            RawValue::Text(t) => Ok(t.clone()),
            RawValue::Integer(i) => Ok(i.to_string()),
            RawValue::Float(x) => Err(format!(
                "expected text, found the number {x}: quote it (\"{x}\", or as you meant it, such as \"1.10\") \
                 so that it is kept exactly as written"
            )),
            RawValue::Bool(b) => Err(format!(
                "expected text, found {b} (a yes/no value): quote it, such as \"{}\"",
                if *b { "yes" } else { "no" }
            )),
            other => Err(format!("expected text, found {}", other.describe())),
        }
    }

    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            RawValue::Null => "nothing (null)".into(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Integer(i) => i.to_string(),
            RawValue::Float(x) => x.to_string(),
            RawValue::Text(t) => format!("{t:?}"),
            RawValue::List(_) => "a list".into(),
            RawValue::Table(_) => "a table".into(),
        }
    }

    /// Converts a TOML value (a manifest default).
    pub fn from_toml(value: &toml::Value) -> std::result::Result<RawValue, String> {
        Ok(match value {
            toml::Value::String(s) => RawValue::Text(s.clone()),
            toml::Value::Integer(i) => RawValue::Integer(*i),
            toml::Value::Float(x) => RawValue::Float(*x),
            toml::Value::Boolean(b) => RawValue::Bool(*b),
            toml::Value::Array(items) => {
                RawValue::List(items.iter().map(RawValue::from_toml).collect::<std::result::Result<_, _>>()?)
            }
            toml::Value::Datetime(d) => RawValue::Text(d.to_string()),
            toml::Value::Table(_) => return Err("expected a value, found a table".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bool_words() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
