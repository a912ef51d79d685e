//! Values given before any question is asked: answers files (TOML, JSON or
//! YAML) and `KEY=VALUE` arguments, each remembered with where it came from.
//! They are data, never templates.

use std::path::Path;

use indexmap::IndexMap;

use crate::error::{Error, Result, line_of};
use crate::model::{Kind, Manifest, Question, RawValue, unique_keys};

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
    /// How numbers in answers files were written, where the number does
    /// not keep it (`0x1F`, `1_000`, `+5`): a text question gets the text.
    spellings: IndexMap<String, String>,
}

/// One value of an answers file: its key, the value, where it is (file and
/// line) and, for a number, its text as written.
type Entry = (String, RawValue, String, Option<String>);

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
        let entries: Vec<Entry> = match format {
            AnswersFormat::Toml => {
                let table: IndexMap<String, toml::Spanned<RawValue>> =
                    toml::from_str(&text).map_err(|err| {
                        let at = err
                            .span()
                            .map(|s| format!("line {}: ", line_of(&text, s.start)))
                            .unwrap_or_default();
                        syntax(format!("{at}{}{}", err.message().trim(), quote_hint(err.message())))
                    })?;
                table
                    .into_iter()
                    .map(|(key, value)| {
                        let span = value.span();
                        let origin = format!("{shown}:{}", line_of(&text, span.start));
                        let written = text.get(span).map(str::to_owned);
                        (key, value.into_inner(), origin, written)
                    })
                    .collect()
            }
            AnswersFormat::Json => {
                let mut deserializer = serde_json::Deserializer::from_str(&text);
                let table: IndexMap<String, RawValue> = unique_keys(&mut deserializer)
                    .and_then(|table| deserializer.end().map(|()| table))
                    .map_err(|err| {
                        let hint = if json_leading_zero(&text, err.line(), err.column()) {
                            quote_hint("leading zero")
                        } else {
                            ""
                        };
                        syntax(format!("line {}: {err}{hint}", err.line()))
                    })?;
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
                    .map(|(k, v)| (k, v, shown.clone(), None))
                    .collect()
            }
            AnswersFormat::Yaml => yaml_entries(&text, &shown).map_err(syntax)?,
        };
        for (key, raw, origin, written) in entries {
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
            self.spellings.shift_remove(&key);
            if let (RawValue::Integer(number), Some(written)) = (&raw, written)
                && written.trim() != number.to_string()
            {
                self.spellings.insert(key.clone(), written.trim().to_owned());
            }
            self.values.insert(key, GivenValue { raw, origin });
        }
        Ok(())
    }

    /// Records one `KEY=VALUE` argument.
    pub fn set_pair(&mut self, pair: &str) -> Result<()> {
        match pair.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                self.spellings.shift_remove(key.trim());
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
                self.spellings.shift_remove(key);
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
        self.spellings.shift_remove(name);
        self.values.insert(name.to_owned(), value);
    }

    /// Drops values for questions `manifest` does not ask (a recorded
    /// answer to a question a newer template no longer has).
    pub(crate) fn retain_known(&mut self, manifest: &Manifest) {
        // A value the template now computes is derived again, not carried over.
        self.values.retain(|name, _| manifest.question(name).is_some_and(|q| q.computed.is_none()));
    }

    /// The given value for a question, if any.
    pub fn get(&self, name: &str) -> Option<&GivenValue> {
        self.values.get(name)
    }

    /// The given value for `question`, as its kind reads it: a number written
    /// in a way its value does not keep (`0x1F`, `1_000`, `+5`) reaches a
    /// text question as it was written, and a number question as the number.
    pub(crate) fn value_for(&self, question: &Question) -> Option<GivenValue> {
        let value = self.values.get(&question.name)?;
        match self.spellings.get(&question.name) {
            Some(written)
                if !matches!(
                    question.kind,
                    Kind::Integer | Kind::Float | Kind::Bool | Kind::Json | Kind::Yaml
                ) =>
            {
                Some(GivenValue { raw: RawValue::Text(written.clone()), origin: value.origin.clone() })
            }
            _ => Some(value.clone()),
        }
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

/// The entries of a YAML answers file, each with its line and, for a
/// number, its text as written. A number with leading zeros
/// (`012345678901`, an account id) is read as the text it is.
fn yaml_entries(text: &str, shown: &str) -> std::result::Result<Vec<Entry>, String> {
    let first_line = |err: serde_saphyr::Error| {
        // The parser's message comes with a source excerpt; keep its first line.
        let text = err.to_string();
        text.lines().next().unwrap_or_default().trim_start_matches("error: ").to_owned()
    };
    let options = || serde_saphyr::options! { leading_zero_numbers_as_strings: true };
    let table: Option<IndexMap<String, RawValue>> =
        serde_saphyr::from_str_with_options(text, options()).map_err(first_line)?;
    // Read again for where each value is: its line, and the text of a scalar.
    let places: Option<IndexMap<String, serde_saphyr::Spanned<serde::de::IgnoredAny>>> =
        serde_saphyr::from_str_with_options(text, options()).map_err(first_line)?;
    let places = places.unwrap_or_default();
    Ok(table
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let place = places.get(&key).map(|p| p.referenced);
            let origin = match place.map(|p| p.line()) {
                Some(line) if line > 0 => format!("{shown}:{line}"),
                _ => shown.to_owned(),
            };
            let written = place.and_then(|p| {
                let span = p.span();
                let start = usize::try_from(span.byte_offset()?).ok()?;
                let len = usize::try_from(span.byte_len()?).ok()?;
                text.get(start..start + len).map(str::to_owned)
            });
            (key, value, origin, written)
        })
        .collect())
}

/// Whether JSON's error at `line` and `column` (1-based) is a number
/// written with a leading zero (`serde_json` points just after the zero).
fn json_leading_zero(text: &str, line: usize, column: usize) -> bool {
    let Some(row) = text.lines().nth(line.saturating_sub(1)) else { return false };
    let before: Vec<char> = row.chars().take(column.saturating_sub(1)).collect();
    match before.as_slice() {
        [.., previous, '0'] => !previous.is_ascii_digit() && *previous != '.',
        ['0'] => true,
        _ => false,
    }
}

/// What to do about a number a format cannot read (JSON and TOML refuse
/// leading zeros): quote it.
fn quote_hint(message: &str) -> &'static str {
    if message.contains("leading zero") {
        " (a number with leading zeros, such as an account id, must be quoted: \"012345678901\")"
    } else {
        ""
    }
}
