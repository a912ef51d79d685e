//! Answers: the values a run uses. Given values come from answers files and
//! `KEY=VALUE` flags and are data, never templates; `resolve` walks the
//! questions once, in order, for terminals, CI and tests alike; only the
//! [`Prompter`] behind it differs.

use std::fmt;
use std::path::Path;

use indexmap::IndexMap;
use minijinja::Value;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::manifest::{DefaultValue, Kind, Manifest, Question};
use crate::prompt::Prompter;
use crate::render;

/// Keys of `.stamp-answers.toml` that describe the template, not a question.
pub const TEMPLATE_KEY: &str = "_template";
/// See [`TEMPLATE_KEY`].
pub const VERSION_KEY: &str = "_template_version";

/// A typed answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    String(String),
    Bool(bool),
    Integer(i64),
    List(Vec<String>),
}

impl Answer {
    /// The value templates see.
    pub fn to_value(&self) -> Value {
        match self {
            Answer::String(s) => Value::from(s.as_str()),
            Answer::Bool(b) => Value::from(*b),
            Answer::Integer(i) => Value::from(*i),
            Answer::List(items) => Value::from(items.clone()),
        }
    }

    fn to_toml(&self) -> toml::Value {
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
pub enum RawValue {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    List(Vec<RawValue>),
    Table(IndexMap<String, RawValue>),
}

impl RawValue {
    /// The value as text, for text-like questions.
    pub fn as_text(&self) -> std::result::Result<String, String> {
        match self {
            RawValue::Text(t) => Ok(t.clone()),
            RawValue::Integer(i) => Ok(i.to_string()),
            RawValue::Float(x) => Ok(x.to_string()),
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

/// A value given by the user, with where it came from.
#[derive(Debug, Clone)]
pub struct GivenValue {
    pub raw: RawValue,
    /// For messages: `answers.toml:3`, `answers.yaml` or `the command line`.
    pub origin: String,
}

/// Values given before any question is asked; later ones override earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Given {
    values: IndexMap<String, GivenValue>,
}

impl Given {
    /// Reads an answers file: a flat table in TOML, JSON or YAML, chosen by extension.
    pub fn load_file(&mut self, path: &Path) -> Result<()> {
        let shown = path.display().to_string();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if !matches!(extension.as_str(), "toml" | "json" | "yaml" | "yml") {
            return Err(Error::Usage(format!(
                "answers file {shown} must end in .toml, .json, .yaml or .yml"
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                Error::AnswersSyntax { path: path.to_owned(), message: "it is not UTF-8 text".into() }
            }
            _ => Error::io("read answers file", path, e),
        })?;
        let syntax = |message: String| Error::AnswersSyntax { path: path.to_owned(), message };
        let entries: Vec<(String, RawValue, String)> = match extension.as_str() {
            "toml" => {
                let table: IndexMap<String, toml::Spanned<RawValue>> =
                    toml::from_str(&text).map_err(|err| {
                        let at = err
                            .span()
                            .map(|s| format!("line {}: ", crate::manifest::line_of(&text, s.start)))
                            .unwrap_or_default();
                        syntax(format!("{at}{}", err.message().trim()))
                    })?;
                table
                    .into_iter()
                    .map(|(key, value)| {
                        let origin =
                            format!("{shown}:{}", crate::manifest::line_of(&text, value.span().start));
                        (key, value.into_inner(), origin)
                    })
                    .collect()
            }
            "json" => {
                let table: IndexMap<String, RawValue> = serde_json::from_str(&text)
                    .map_err(|err| syntax(format!("line {}: {err}", err.line())))?;
                table.into_iter().map(|(k, v)| (k, v, shown.clone())).collect()
            }
            "yaml" | "yml" => {
                let table: Option<IndexMap<String, RawValue>> =
                    serde_saphyr::from_str(&text).map_err(|err| {
                        // The parser's message comes with a source excerpt; keep its first line.
                        let text = err.to_string();
                        let first = text.lines().next().unwrap_or_default();
                        syntax(first.trim_start_matches("error: ").to_owned())
                    })?;
                table.unwrap_or_default().into_iter().map(|(k, v)| (k, v, shown.clone())).collect()
            }
            _ => unreachable!("extension checked above"),
        };
        for (key, raw, origin) in entries {
            if key == TEMPLATE_KEY || key == VERSION_KEY {
                continue;
            }
            self.values.insert(key, GivenValue { raw, origin });
        }
        Ok(())
    }

    /// Records one `KEY=VALUE` argument.
    pub fn set_pair(&mut self, pair: &str) -> Result<()> {
        match pair.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                self.values.insert(
                    key.trim().to_owned(),
                    GivenValue { raw: RawValue::Text(value.to_owned()), origin: "the command line".into() },
                );
                Ok(())
            }
            _ => Err(Error::Usage(format!("expected KEY=VALUE, found {pair:?}"))),
        }
    }

    /// Every given value, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &GivenValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The given value for a question, if any.
    pub fn get(&self, name: &str) -> Option<&GivenValue> {
        self.values.get(name)
    }

    /// Fails on the first given key the manifest does not ask.
    fn check_known(&self, manifest: &Manifest) -> Result<()> {
        for (key, value) in &self.values {
            if manifest.question(key).is_none() {
                return Err(Error::UnknownAnswer {
                    origin: value.origin.clone(),
                    key: key.clone(),
                    known: manifest.names(),
                });
            }
        }
        Ok(())
    }
}

/// The answers of one run, in question order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    values: IndexMap<String, Answer>,
}

impl Answers {
    /// The answer to a question, if it has one.
    pub fn get(&self, name: &str) -> Option<&Answer> {
        self.values.get(name)
    }

    /// Name and answer pairs in question order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The render context: answers under `cookiecutter`.
    pub fn context(&self) -> Value {
        let inner = render::map(self.values.iter().map(|(k, v)| (k.clone(), v.to_value())));
        render::map([("cookiecutter".to_owned(), inner)])
    }

    /// `.stamp-answers.toml`: template name and version and every non-secret
    /// answer, readable again with `--answers`.
    pub fn to_answers_file(&self, manifest: &Manifest) -> String {
        let mut table = toml::Table::new();
        table.insert(TEMPLATE_KEY.into(), manifest.info.name.clone().into());
        table.insert(VERSION_KEY.into(), manifest.info.version.clone().into());
        for (name, answer) in &self.values {
            if manifest.question(name).is_some_and(|q| q.kind != Kind::Secret) {
                table.insert(name.clone(), answer.to_toml());
            }
        }
        let mut body = toml::to_string(&table).expect("answers serialise as TOML");
        if !body.ends_with('\n') {
            body.push('\n');
        }
        format!(
            "# Answers stamp used to generate this project. Regenerate it with:\n\
             #   stamp new --answers .stamp-answers.toml --no-input\n{body}"
        )
    }

    fn insert(&mut self, name: &str, answer: Answer) {
        self.values.insert(name.to_owned(), answer);
    }
}

/// What a question would be answered with if nobody typed anything.
enum Proposal {
    Value(Answer),
    /// The default rendered to a value the question rejects.
    Invalid(String),
    None,
}

/// Answers every question of `manifest` in order: a given value (validated),
/// else the rendered default, offered to `prompter` when the question's
/// condition holds. Without a prompt, unanswered questions are collected and
/// reported together.
pub fn resolve(
    manifest: &Manifest,
    given: &Given,
    prompter: &mut dyn Prompter,
    env: &minijinja::Environment,
) -> Result<Answers> {
    given.check_known(manifest)?;
    let mut answers = Answers::default();
    let mut missing: Vec<String> = Vec::new();
    for question in &manifest.questions {
        let proposal = match given.get(&question.name) {
            Some(value) => Proposal::Value(question.parse(&value.raw).map_err(|reason| {
                Error::InvalidAnswer { origin: value.origin.clone(), key: question.name.clone(), reason }
            })?),
            None => match default_for(question, &answers, env) {
                Ok(p) => p,
                // A default built from an answer that is still missing.
                Err(_) if !missing.is_empty() => {
                    missing.push(question.name.clone());
                    continue;
                }
                Err(err) => return Err(err),
            },
        };
        let active = match &question.when {
            None => true,
            Some(when) => {
                match render::render_str(env, &format!("{}.when", question.name), when, &answers.context()) {
                    Ok(text) => is_truthy(&text),
                    Err(_) if !missing.is_empty() => false,
                    Err(err) => return Err(err),
                }
            }
        };
        let current = match &proposal {
            Proposal::Value(answer) => Some(answer),
            _ => None,
        };
        let chosen = if active { prompter.ask(question, current)? } else { current.cloned() };
        match (chosen, proposal) {
            (Some(answer), _) => answers.insert(&question.name, answer),
            (None, Proposal::Invalid(reason)) if active => {
                return Err(Error::InvalidAnswer {
                    origin: "the template's default".into(),
                    key: question.name.clone(),
                    reason,
                });
            }
            (None, _) if active => missing.push(question.name.clone()),
            (None, _) => {}
        }
    }
    if missing.is_empty() { Ok(answers) } else { Err(Error::MissingAnswers { names: missing }) }
}

fn default_for(question: &Question, answers: &Answers, env: &minijinja::Environment) -> Result<Proposal> {
    Ok(match &question.default {
        Some(DefaultValue::Literal(answer)) => Proposal::Value(answer.clone()),
        Some(DefaultValue::Template(template)) => {
            let name = format!("{}.default", question.name);
            let text = render::render_str(env, &name, template, &answers.context())?;
            match question.parse(&RawValue::Text(text)) {
                Ok(answer) => Proposal::Value(answer),
                Err(reason) => Proposal::Invalid(reason),
            }
        }
        None => match question.kind {
            Kind::Choice => Proposal::Value(Answer::String(question.choices[0].clone())),
            Kind::Bool => Proposal::Value(Answer::Bool(false)),
            Kind::Multichoice => Proposal::Value(Answer::List(Vec::new())),
            Kind::String | Kind::Integer | Kind::Secret => Proposal::None,
        },
    })
}

/// How a rendered condition reads: empty, `false`, `0`, `no`, `none` and `off` are false.
fn is_truthy(text: &str) -> bool {
    !matches!(text.trim().to_ascii_lowercase().as_str(), "" | "false" | "0" | "no" | "none" | "off")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{NoPrompter, ScriptedPrompter};
    use std::path::Path;

    fn resolve(manifest: &Manifest, given: &Given, prompter: &mut dyn Prompter) -> Result<Answers> {
        super::resolve(manifest, given, prompter, &render::environment(Default::default()))
    }

    fn manifest() -> Manifest {
        let text = r#"
[template]
name = "t"
version = "1.0"

[[variables]]
name = "project_name"

[[variables]]
name = "project_slug"
default = "{{ cookiecutter.project_name | slugify }}"
validation = { regex = "[a-z][a-z0-9-]*", message = "lower-case letters, digits and dashes" }

[[variables]]
name = "backend"
type = "choice"
choices = ["vault", "eso"]

[[variables]]
name = "vault_addr"
default = "https://vault.example.com"
when = "{{ cookiecutter.backend == 'vault' }}"

[[variables]]
name = "token"
type = "secret"
default = "dev"
"#;
        Manifest::from_toml(Path::new("stamp.toml"), text).unwrap()
    }

    fn given(pairs: &[&str]) -> Given {
        let mut given = Given::default();
        for pair in pairs {
            given.set_pair(pair).unwrap();
        }
        given
    }

    #[test]
    fn defaults_render_from_earlier_answers() {
        let answers = resolve(&manifest(), &given(&["project_name=My Service"]), &mut NoPrompter).unwrap();
        assert_eq!(answers.get("project_slug"), Some(&Answer::String("my-service".into())));
        assert_eq!(answers.get("backend"), Some(&Answer::String("vault".into())));
    }

    #[test]
    fn given_values_are_data_not_templates() {
        let answers =
            resolve(&manifest(), &given(&["project_name={{ 7*7 }}", "project_slug=x"]), &mut NoPrompter)
                .unwrap();
        assert_eq!(answers.get("project_name"), Some(&Answer::String("{{ 7*7 }}".into())));
    }

    #[test]
    fn missing_answers_are_listed_together() {
        let err = resolve(&manifest(), &Given::default(), &mut NoPrompter).unwrap_err();
        assert!(
            matches!(&err, Error::MissingAnswers { names } if names == &["project_name", "project_slug"]),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_and_invalid_keys_are_named() {
        let err =
            resolve(&manifest(), &given(&["project_name=a", "colour=red"]), &mut NoPrompter).unwrap_err();
        assert!(matches!(&err, Error::UnknownAnswer { key, .. } if key == "colour"));
        let err = resolve(&manifest(), &given(&["project_name=a", "project_slug=Bad Slug"]), &mut NoPrompter)
            .unwrap_err();
        assert!(matches!(&err, Error::InvalidAnswer { key, .. } if key == "project_slug"));
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn conditions_skip_questions_and_replies_override() {
        let mut prompter = ScriptedPrompter::new(["Shop", "", "eso"]);
        let answers = resolve(&manifest(), &Given::default(), &mut prompter).unwrap();
        assert_eq!(answers.get("project_slug"), Some(&Answer::String("shop".into())));
        assert_eq!(answers.get("backend"), Some(&Answer::String("eso".into())));
        // vault_addr was not asked: the script had no more replies for it.
        assert_eq!(answers.get("vault_addr"), Some(&Answer::String("https://vault.example.com".into())));
    }

    #[test]
    fn answers_file_round_trips_without_secrets() {
        let manifest = manifest();
        let answers =
            resolve(&manifest, &given(&["project_name=Shop \"quoted\"", "token=s3cret"]), &mut NoPrompter)
                .unwrap();
        let file = answers.to_answers_file(&manifest);
        assert!(!file.contains("s3cret"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, &file).unwrap();
        let mut reread = Given::default();
        reread.load_file(&path).unwrap();
        reread.set_pair("token=s3cret").unwrap();
        assert_eq!(resolve(&manifest, &reread, &mut NoPrompter).unwrap(), answers);
    }

    #[test]
    fn answers_files_in_every_format() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("a.toml", "project_name = \"X\"\nbackend = \"eso\"\n"),
            ("a.json", "{\"project_name\": \"X\", \"backend\": \"eso\"}"),
            ("a.yaml", "project_name: X\nbackend: eso\n"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let mut given = Given::default();
            given.load_file(&path).unwrap();
            let answers = resolve(&manifest(), &given, &mut NoPrompter).unwrap();
            assert_eq!(answers.get("backend"), Some(&Answer::String("eso".into())), "{name}");
        }
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "a = 1\nb = = 2\n").unwrap();
        let err = Given::default().load_file(&path).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
