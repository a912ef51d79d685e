//! The answers of one run, in question order: what templates see
//! (`cookiecutter.NAME`) and what the project records (`.stamp-answers.toml`).

use indexmap::IndexMap;
use minijinja::Value;

use crate::engine;
use crate::given::{DIGEST_KEY, SOURCE_KEYS, TEMPLATE_KEY, VERSION_KEY};
use crate::model::{Answer, Manifest, Provenance};

/// The answers of one run, in question order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Answers {
    pub(super) values: IndexMap<String, Answer>,
    /// Answers the project does not record: questions whose condition was
    /// false and that nobody answered (computed values, such as a name made
    /// from another answer), so that they are derived again, never frozen.
    pub(super) derived: Vec<String>,
}

impl Answers {
    /// The answer to a question, if it has one.
    pub(crate) fn get(&self, name: &str) -> Option<&Answer> {
        self.values.get(name)
    }

    /// The render context: answers under `cookiecutter`.
    pub(crate) fn context(&self) -> Value {
        let inner = engine::map(self.values.iter().map(|(k, v)| (k.clone(), answer_value(v))));
        engine::map([("cookiecutter".to_owned(), inner)])
    }

    /// `.stamp-answers.toml`: template name and version and every non-secret
    /// answer, readable again with `--answers`.
    pub(crate) fn to_answers_file(&self, manifest: &Manifest, provenance: &Provenance) -> String {
        let mut table = toml::Table::new();
        table.insert(TEMPLATE_KEY.into(), manifest.info.name.clone().into());
        table.insert(VERSION_KEY.into(), manifest.info.version.clone().into());
        let [source, commit, directory] = SOURCE_KEYS;
        for (key, value) in [
            (source, &provenance.source),
            (commit, &provenance.commit),
            (directory, &provenance.directory),
            (DIGEST_KEY, &provenance.digest),
        ] {
            if let Some(value) = value {
                table.insert(key.into(), value.clone().into());
            }
        }
        for (name, answer) in &self.values {
            if manifest.question(name).is_some_and(|q| !q.is_confidential()) && !self.derived.contains(name) {
                table.insert(name.clone(), answer.to_toml());
            }
        }
        let mut body = toml::to_string(&table).expect("answers serialise as TOML");
        if !body.ends_with('\n') {
            body.push('\n');
        }
        format!(
            "# Answers stamp used to generate this project. Regenerate it where it is with\n\
             #   stamp new --answers .stamp-answers.toml --no-input --force\n\
             # (from elsewhere, give this file's path) from the template `_src` names (none: the built-in one).\n{body}"
        )
    }

    pub(super) fn insert(&mut self, name: &str, answer: Answer) {
        self.values.insert(name.to_owned(), answer);
    }
}

/// The value templates see for an answer.
pub(crate) fn answer_value(answer: &Answer) -> Value {
    match answer {
        Answer::String(s) => Value::from(s.as_str()),
        Answer::Bool(b) => Value::from(*b),
        Answer::Integer(i) => Value::from(*i),
        Answer::List(items) => Value::from(items.clone()),
        Answer::Float(x) => Value::from(*x),
        Answer::Structured(value) => structured_value(value),
    }
}

/// A json or yaml answer as templates see it: dicts keep their order and
/// print as Python prints them, as cookiecutter's dict variables do.
fn structured_value(json: &serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => {
            n.as_i64().map_or_else(|| Value::from(n.as_f64().unwrap_or(f64::NAN)), Value::from)
        }
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(structured_value).collect::<Vec<_>>()),
        Json::Object(map) => engine::map(map.iter().map(|(k, v)| (k.clone(), structured_value(v)))),
    }
}
