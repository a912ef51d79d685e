//! Values given before any question is asked: answers files (TOML, JSON or
//! YAML) and `KEY=VALUE` arguments, each remembered with where it came from.
//! They are data, never templates.

use std::path::Path;

use indexmap::IndexMap;

use crate::error::{Error, Result, line_of};
use crate::model::{Manifest, RawValue, unique_keys};

/// Keys of a project's record (`.stamp-answers.toml`) that describe the
/// template, not a question; answers files may hold them.
pub(crate) const TEMPLATE_KEY: &str = "_template";
/// See [`TEMPLATE_KEY`].
pub(crate) const VERSION_KEY: &str = "_template_version";
/// The template's source, commit and directory in a project's record.
pub(crate) const SOURCE_KEYS: [&str; 3] = ["_src", "_commit", "_directory"];
/// Entries cookiecutter (and cruft) add to a context for one run: where the
/// template and the project were, not answers.
pub(crate) const RUN_ENTRIES: [&str; 5] = ["_template", "_output_dir", "_repo_dir", "_checkout", "_commit"];
/// The content digest of a template without commits, in a project's record.
pub(crate) const DIGEST_KEY: &str = "_digest";

/// A value given by the user, with where it came from.
#[derive(Debug, Clone)]
pub struct GivenValue {
    /// The value as written.
    pub raw: RawValue,
    /// For messages: `answers.toml:3`, `answers.yaml` or `the command line`.
    pub origin: String,
}

impl GivenValue {
    /// Whether it was given as a `KEY=VALUE` argument, which other users of
    /// the machine can read while stamp runs.
    pub fn is_from_command_line(&self) -> bool {
        self.origin == COMMAND_LINE
    }
}

/// Values given before any question is asked; later ones override earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Given {
    values: IndexMap<String, GivenValue>,
    /// The template an answers file says it is for, and where it says so.
    template: Option<(String, String)>,
    /// A project record's `_src`, `_commit` and `_directory`.
    recorded_source: [Option<String>; 3],
    /// The branch or tag a cruft record follows (its commit is what is checked out).
    recorded_checkout: Option<String>,
    /// Defaults from the user's configuration (`default_context`): they
    /// replace a template's defaults and are still asked about.
    defaults: IndexMap<String, GivenValue>,
    /// Whether the answers came from a cookiecutter replay file.
    replayed: bool,
    /// A project record's `_template_version` and `_digest`.
    recorded_version: Option<String>,
    recorded_digest: Option<String>,
    /// A replay's private entries (`_x`, `__x`), which cookiecutter uses as
    /// they were recorded.
    replayed_private: IndexMap<String, RawValue>,
}

/// Where a `KEY=VALUE` argument is said to come from.
const COMMAND_LINE: &str = "the command line";

/// Prefix of the environment variables that answer questions.
pub(crate) const ENVIRONMENT_PREFIX: &str = "STAMP_ANSWER_";

/// The answers in a cookiecutter replay file (`{"cookiecutter": {...},
/// "_cookiecutter": {...}}`), and apart from them its private entries but
/// for those cookiecutter adds for each run (`_template`, `_output_dir`…).
/// `None` when `table` is not a replay.
fn replay_answers(
    table: &IndexMap<String, RawValue>,
) -> Option<(IndexMap<String, RawValue>, IndexMap<String, RawValue>)> {
    let answers = match (table.get("cookiecutter"), table.get("context")) {
        // cookiecutter's replay file.
        (Some(RawValue::Table(answers)), _)
            if table.keys().all(|k| k == "cookiecutter" || k == "_cookiecutter") =>
        {
            answers
        }
        // cruft's `.cruft.json`: the answers are its context's.
        (_, Some(RawValue::Table(context))) if cruft_source(table).is_some() => {
            match context.get("cookiecutter") {
                Some(RawValue::Table(answers)) => answers,
                _ => return None,
            }
        }
        _ => return None,
    };
    let (private, public): (IndexMap<_, _>, IndexMap<_, _>) =
        answers.iter().map(|(k, v)| (k.clone(), v.clone())).partition(|(k, _)| k.starts_with('_'));
    let private = private.into_iter().filter(|(k, _)| !RUN_ENTRIES.contains(&k.as_str())).collect();
    Some((public, private))
}

/// The template, commit and directory a cruft `.cruft.json` records, when
/// `table` is one (its keys are cruft's and `template` is text).
fn cruft_source(table: &IndexMap<String, RawValue>) -> Option<(String, Option<String>, Option<String>)> {
    const KEYS: [&str; 6] = ["template", "commit", "checkout", "context", "directory", "skip"];
    if !table.keys().all(|k| KEYS.contains(&k.as_str())) {
        return None;
    }
    let text = |key: &str| match table.get(key) {
        Some(RawValue::Text(text)) => Some(text.clone()),
        _ => None,
    };
    Some((text("template")?, text("commit"), text("directory")))
}

/// The format of an answers file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswersFormat {
    /// `.toml`
    Toml,
    /// `.json`
    Json,
    /// `.yaml` or `.yml`
    Yaml,
}

impl AnswersFormat {
    /// The format a file name's extension names, if any.
    pub fn from_path(path: &Path) -> Option<AnswersFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(AnswersFormat::Toml),
            "json" => Some(AnswersFormat::Json),
            "yaml" | "yml" => Some(AnswersFormat::Yaml),
            _ => None,
        }
    }
}

impl Given {
    /// Reads an answers file: a flat table in TOML, JSON or YAML, chosen by extension.
    pub fn load_file(&mut self, path: &Path) -> Result<()> {
        let Some(format) = AnswersFormat::from_path(path) else {
            return Err(Error::InvalidInput(format!(
                "answers file {} must end in .toml, .json, .yaml or .yml",
                path.display()
            )));
        };
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                Error::AnswersSyntax { path: path.to_owned(), message: "it is not UTF-8 text".into() }
            }
            // Naming a file that is not there is a mistake in the input, not a failure to read.
            std::io::ErrorKind::NotFound => {
                Error::InvalidInput(format!("answers file {} does not exist", path.display()))
            }
            _ => Error::io("read answers file", path, e),
        })?;
        self.load_text(text, format, path)
    }

    /// Reads answers from `text` in `format`; `path` names them in messages
    /// (`<stdin>` for answers piped in).
    pub fn load_text(&mut self, text: String, format: AnswersFormat, path: &Path) -> Result<()> {
        let shown = path.display().to_string();
        // Editors on some systems start UTF-8 files with a byte-order mark.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let syntax = |message: String| Error::AnswersSyntax { path: path.to_owned(), message };
        let entries: Vec<(String, RawValue, String)> = match format {
            AnswersFormat::Toml => {
                let table: IndexMap<String, toml::Spanned<RawValue>> =
                    toml::from_str(&text).map_err(|err| {
                        let at = err
                            .span()
                            .map(|s| format!("line {}: ", line_of(&text, s.start)))
                            .unwrap_or_default();
                        syntax(format!("{at}{}", err.message().trim()))
                    })?;
                table
                    .into_iter()
                    .map(|(key, value)| {
                        let origin = format!("{shown}:{}", line_of(&text, value.span().start));
                        (key, value.into_inner(), origin)
                    })
                    .collect()
            }
            AnswersFormat::Json => {
                let mut deserializer = serde_json::Deserializer::from_str(&text);
                let table: IndexMap<String, RawValue> = unique_keys(&mut deserializer)
                    .and_then(|table| deserializer.end().map(|()| table))
                    .map_err(|err| syntax(format!("line {}: {err}", err.line())))?;
                let cruft = cruft_source(&table);
                let replay = replay_answers(&table);
                if let Some((source, commit, directory)) = cruft {
                    // A project's record: its answers regenerate it as it was first made.
                    self.recorded_source = [Some(source), commit, directory];
                    self.recorded_checkout = match table.get("checkout") {
                        Some(RawValue::Text(checkout)) => Some(checkout.clone()),
                        _ => None,
                    };
                } else if let Some((_, private)) = &replay {
                    self.replayed = true;
                    self.replayed_private.extend(private.clone());
                }
                replay
                    .map_or(table, |(answers, _)| answers)
                    .into_iter()
                    .map(|(k, v)| (k, v, shown.clone()))
                    .collect()
            }
            AnswersFormat::Yaml => {
                let table: Option<IndexMap<String, RawValue>> =
                    serde_saphyr::from_str(&text).map_err(|err| {
                        // The parser's message comes with a source excerpt; keep its first line.
                        let text = err.to_string();
                        let first = text.lines().next().unwrap_or_default();
                        syntax(first.trim_start_matches("error: ").to_owned())
                    })?;
                table.unwrap_or_default().into_iter().map(|(k, v)| (k, v, shown.clone())).collect()
            }
        };
        for (key, raw, origin) in entries {
            if key == TEMPLATE_KEY {
                if let RawValue::Text(name) = &raw {
                    self.template = Some((name.clone(), origin));
                }
                continue;
            }
            if let Some(slot) = SOURCE_KEYS.iter().position(|k| *k == key) {
                if let RawValue::Text(value) = raw {
                    self.recorded_source[slot] = Some(value);
                }
                continue;
            }
            if key == VERSION_KEY || key == DIGEST_KEY {
                if let RawValue::Text(value) = raw {
                    *(if key == VERSION_KEY {
                        &mut self.recorded_version
                    } else {
                        &mut self.recorded_digest
                    }) = Some(value);
                }
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
                    GivenValue { raw: RawValue::Text(value.to_owned()), origin: COMMAND_LINE.into() },
                );
                Ok(())
            }
            // The argument is not shown: it may be a secret that lost its `KEY=`.
            _ => Err(Error::InvalidInput(format!(
                "expected KEY=VALUE, found an argument of {} characters without a key",
                pair.chars().count()
            ))),
        }
    }

    /// Takes answers from environment variables named `STAMP_ANSWER_<name>`
    /// (the question's name as it is spelled), so that secrets need not be
    /// put on the command line; pass `std::env::vars()`.
    pub fn load_environment(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        for (name, value) in vars {
            if let Some(key) = name.strip_prefix(ENVIRONMENT_PREFIX).filter(|k| !k.is_empty()) {
                let origin = format!("the environment ({name})");
                self.values.insert(key.to_owned(), GivenValue { raw: RawValue::Text(value), origin });
            }
        }
    }

    /// Sets the user's own defaults (`default_context`), which apply to the
    /// questions of any template that has them and are ignored otherwise;
    /// `origin` names where they came from.
    pub fn set_defaults(&mut self, defaults: impl IntoIterator<Item = (String, RawValue)>, origin: &str) {
        for (key, raw) in defaults {
            self.defaults.insert(key, GivenValue { raw, origin: origin.to_owned() });
        }
    }

    /// The user's default for a question, if the configuration has one.
    pub(crate) fn default_for(&self, name: &str) -> Option<&GivenValue> {
        self.defaults.get(name)
    }

    /// Whether a cookiecutter replay file gave the answers (cookiecutter
    /// then shows templates the replayed answers as `_cookiecutter`).
    pub(crate) fn is_replay(&self) -> bool {
        self.replayed
    }

    /// A replay's private entry, if the answers came from one.
    pub(crate) fn replayed_private(&self, name: &str) -> Option<&RawValue> {
        self.replayed_private.get(name)
    }

    /// Every user default, in the order configured.
    pub(crate) fn defaults(&self) -> impl Iterator<Item = (&str, &GivenValue)> {
        self.defaults.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every given value, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &GivenValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The template the answers file names (`_template`), with where it says so.
    pub fn template(&self) -> Option<(&str, &str)> {
        self.template.as_ref().map(|(name, origin)| (name.as_str(), origin.as_str()))
    }

    /// Where the template of a project's record (`.stamp-answers.toml`)
    /// came from: its `_src`, `_commit` and `_directory`, if it says.
    pub fn recorded_source(&self) -> Option<(&str, Option<&str>, Option<&str>)> {
        let [source, commit, directory] = &self.recorded_source;
        Some((source.as_deref()?, commit.as_deref(), directory.as_deref()))
    }

    /// The branch or tag a cruft record says the project follows.
    pub(crate) fn recorded_checkout(&self) -> Option<&str> {
        self.recorded_checkout.as_deref()
    }

    /// The template version a project's record names (`_template_version`).
    pub(crate) fn template_version(&self) -> Option<&str> {
        self.recorded_version.as_deref()
    }

    /// The content digest a project's record names (`_digest`).
    pub(crate) fn recorded_digest(&self) -> Option<&str> {
        self.recorded_digest.as_deref()
    }

    /// Sets one value, replacing any given before.
    pub(crate) fn insert(&mut self, name: &str, value: GivenValue) {
        self.values.insert(name.to_owned(), value);
    }

    /// Drops values for questions `manifest` does not ask (a recorded
    /// answer to a question a newer template no longer has).
    pub(crate) fn retain_known(&mut self, manifest: &Manifest) {
        self.values.retain(|name, _| manifest.question(name).is_some());
    }

    /// The given value for a question, if any.
    pub fn get(&self, name: &str) -> Option<&GivenValue> {
        self.values.get(name)
    }

    /// Fails on the first given key the manifest does not ask.
    pub(crate) fn check_known(&self, manifest: &Manifest) -> Result<()> {
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
