//! The shape of a `stamp.toml` before its meaning: every unknown field
//! (with the known one it is closest to) and every value of the wrong type,
//! each at its line, found in one pass over the parsed document, so that a
//! manifest's problems are reported together rather than the first alone.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::error::{Problem, line_of};
use crate::model::Kind;
use crate::spelling::closest;
use crate::tasks::TaskCommand;

/// Collects problems, each located at a line of the manifest.
pub(super) struct Problems<'a> {
    file: &'a Path,
    text: &'a str,
    pub(super) list: Vec<Problem>,
}

impl<'a> Problems<'a> {
    pub(super) fn new(file: &'a Path, text: &'a str) -> Self {
        Problems { file, text, list: Vec::new() }
    }

    pub(super) fn add(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.add_at(Some(span), message);
    }

    /// A problem at the line where `span` starts, or of the whole file.
    pub(super) fn add_at(&mut self, span: Option<Range<usize>>, message: impl Into<String>) {
        self.list.push(match span {
            Some(span) => Problem::at_line(self.file, line_of(self.text, span.start), message),
            None => Problem::in_file(self.file, message),
        });
    }

    /// How many problems so far.
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInfo {
    pub(super) name: String,
    pub(super) version: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) copy_without_render: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) skip_if_exists: Vec<Spanned<String>>,
    pub(super) next_steps: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariable {
    pub(super) name: Spanned<String>,
    pub(super) prompt: Option<String>,
    pub(super) help: Option<String>,
    #[serde(rename = "type", default)]
    pub(super) kind: Kind,
    pub(super) default: Option<Spanned<toml::Value>>,
    pub(super) choices: Option<Spanned<Vec<String>>>,
    pub(super) validation: Option<Spanned<RawValidation>>,
    pub(super) when: Option<Spanned<String>>,
    pub(super) computed: Option<Spanned<String>>,
    pub(super) min: Option<Spanned<toml::Value>>,
    pub(super) max: Option<Spanned<toml::Value>>,
    pub(super) validator: Option<Spanned<String>>,
}

/// One `[[tasks]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTask {
    pub(super) name: Option<String>,
    pub(super) run: Spanned<TaskCommand>,
    pub(super) when: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawValidation {
    pub(super) regex: String,
    pub(super) message: Option<String>,
}

/// One `[[variables]]` entry: read, or broken (its problems reported) with
/// its name when that much could be read, so that later questions may
/// still refer to it without a second, misleading problem.
pub(super) enum Entry {
    Read(Range<usize>, Box<RawVariable>),
    Broken {
        name: Option<String>,
        /// Its `default`, `when`, `computed` and `validator` where they are text: their references
        /// to other questions are still checked.
        templates: Vec<(&'static str, String, Range<usize>)>,
    },
}

/// Checks a field's value against its type; `Err` holds toml's reason.
type Check = fn(Spanned<DeValue<'_>>) -> Result<(), toml::de::Error>;

fn check<T: DeserializeOwned>(value: Spanned<DeValue<'_>>) -> Result<(), toml::de::Error> {
    T::deserialize(ValueDeserializer::from(value)).map(drop)
}

const TOP: [(&str, Check); 3] = [
    ("template", check::<toml::Table>),
    ("variables", check::<Vec<toml::Table>>),
    ("tasks", check::<Vec<toml::Table>>),
];

const INFO: [(&str, Check); 7] = [
    ("name", check::<String>),
    ("version", check::<String>),
    ("description", check::<String>),
    ("copy_without_render", check::<Vec<String>>),
    ("exclude", check::<Vec<String>>),
    ("skip_if_exists", check::<Vec<String>>),
    ("next_steps", check::<String>),
];

const VARIABLE: [(&str, Check); 12] = [
    ("name", check::<String>),
    ("prompt", check::<String>),
    ("help", check::<String>),
    ("type", check::<Kind>),
    ("default", check::<toml::Value>),
    ("choices", check::<Vec<String>>),
    ("validation", check::<toml::Table>),
    ("when", check::<String>),
    ("computed", check::<String>),
    ("min", check::<toml::Value>),
    ("max", check::<toml::Value>),
    ("validator", check::<String>),
];

const TASK: [(&str, Check); 3] = [("name", check::<String>), ("run", check_run), ("when", check::<String>)];

/// A `run` is text or a list of text; said in those words, not serde's.
fn check_run(value: Spanned<DeValue<'_>>) -> Result<(), toml::de::Error> {
    check::<TaskCommand>(value).map_err(|_| {
        serde::de::Error::custom(
            "expected a shell script (a string) or a program and its arguments (a list of strings)",
        )
    })
}

const VALIDATION: [(&str, Check); 2] = [("regex", check::<String>), ("message", check::<String>)];

const KINDS: [&str; 11] =
    ["string", "bool", "choice", "multichoice", "integer", "secret", "float", "path", "text", "json", "yaml"];

/// What [`read`] finds: the `[template]` table, the `[[variables]]` and the
/// `[[tasks]]` that could be read (each with its span).
pub(super) type Read = (Option<RawInfo>, Vec<Entry>, Vec<(Range<usize>, RawTask)>);

/// Reads the `[template]` table and every `[[variables]]` and `[[tasks]]`
/// entry of `text`, adding every problem of shape to `problems`. `None`
/// when the document is not TOML.
pub(super) fn read(text: &str, problems: &mut Problems) -> Option<Read> {
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for err in errors {
            problems.add_at(err.span(), err.message().trim());
        }
        return None;
    }
    let root = root.into_inner();
    fields(&root, &TOP, "", problems);
    let info = match root.get("template") {
        None => {
            problems.add_at(None, "the `[template]` table (with `name` and `version`) is missing");
            None
        }
        Some(table) => read_info(table, problems),
    };
    let entries = match root.get("variables").map(Spanned::get_ref) {
        Some(DeValue::Array(entries)) => entries.iter().map(|entry| read_variable(entry, problems)).collect(),
        _ => Vec::new(),
    };
    let tasks = match root.get("tasks").map(Spanned::get_ref) {
        Some(DeValue::Array(tasks)) => tasks.iter().filter_map(|task| read_task(task, problems)).collect(),
        _ => Vec::new(),
    };
    Some((info, entries, tasks))
}

fn read_task(entry: &Spanned<DeValue<'_>>, problems: &mut Problems) -> Option<(Range<usize>, RawTask)> {
    let DeValue::Table(table) = entry.get_ref() else { return None };
    let label = match table.get("name").and_then(|n| n.get_ref().as_str()) {
        Some(name) => format!("task `{name}`: "),
        None => "a task: ".to_owned(),
    };
    let before = problems.len();
    fields(table, &TASK, &label, problems);
    if !table.contains_key("run") && problems.len() == before {
        problems.add_at(Some(entry.span()), format!("{label}`run` is missing"));
    }
    if problems.len() > before {
        return None;
    }
    deserialize(entry.clone(), &label, problems).map(|task| (entry.span(), task))
}

fn read_info(table: &Spanned<DeValue<'_>>, problems: &mut Problems) -> Option<RawInfo> {
    let DeValue::Table(fields_of) = table.get_ref() else { return None };
    let before = problems.len();
    fields(fields_of, &INFO, "[template]: ", problems);
    // A missing field is most often a misspelt one, reported as that.
    let clean = problems.len() == before;
    for required in ["name", "version"] {
        if !fields_of.contains_key(required) && clean {
            problems.add_at(Some(table.span()), format!("[template]: `{required}` is missing"));
        }
    }
    if problems.len() > before {
        return None;
    }
    deserialize(table.clone(), "[template]: ", problems)
}

fn read_variable(entry: &Spanned<DeValue<'_>>, problems: &mut Problems) -> Entry {
    let DeValue::Table(table) = entry.get_ref() else {
        // `fields` has said that `variables` must hold tables.
        return Entry::Broken { name: None, templates: Vec::new() };
    };
    let name = table.get("name").and_then(|n| n.get_ref().as_str()).map(str::to_owned);
    let label = match &name {
        Some(name) => format!("variable `{name}`: "),
        None => "a variable: ".to_owned(),
    };
    let before = problems.len();
    fields(table, &VARIABLE, &label, problems);
    if let Some(validation) = table.get("validation")
        && let DeValue::Table(rule) = validation.get_ref()
    {
        let known = problems.len();
        fields(rule, &VALIDATION, &format!("{label}validation: "), problems);
        // A misspelt `regex` is reported once, as the unknown field it is.
        if !rule.contains_key("regex") && problems.len() == known {
            problems.add_at(Some(validation.span()), format!("{label}validation: `regex` is missing"));
        }
    }
    if !table.contains_key("name") && problems.len() == before {
        problems.add_at(Some(entry.span()), format!("{label}`name` is missing"));
    }
    if problems.len() == before
        && let Some(variable) = deserialize(entry.clone(), &label, problems)
    {
        return Entry::Read(entry.span(), Box::new(variable));
    }
    let templates = ["default", "when", "computed", "validator"]
        .into_iter()
        .filter_map(|field| {
            let value = table.get(field)?;
            Some((field, value.get_ref().as_str()?.to_owned(), value.span()))
        })
        .collect();
    Entry::Broken { name, templates }
}

/// Checks each field of `table` against `known`: unknown ones (with the
/// closest known name) and values of the wrong type.
fn fields(table: &DeTable<'_>, known: &[(&str, Check)], label: &str, problems: &mut Problems) {
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        match known.iter().find(|(field, _)| *field == name) {
            None => {
                let names: Vec<&str> = known.iter().map(|(field, _)| *field).collect();
                let hint = match closest(name, names.iter().copied()) {
                    Some(near) => format!("; did you mean `{near}`?"),
                    None => format!(" (known: {})", names.join(", ")),
                };
                problems.add_at(Some(key.span()), format!("{label}unknown field `{name}`{hint}"));
            }
            Some((_, check)) => {
                if let Err(err) = check(value.clone()) {
                    let mut message = format!("{label}`{name}`: {}", err.message().trim());
                    if name == "type"
                        && let Some(kind) = value.get_ref().as_str().and_then(|k| closest(k, KINDS))
                    {
                        message.push_str(&format!("; did you mean `{kind}`?"));
                    }
                    problems.add_at(Some(err.span().unwrap_or_else(|| value.span())), message);
                }
            }
        }
    }
}

fn deserialize<T: DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
    label: &str,
    problems: &mut Problems,
) -> Option<T> {
    let span = value.span();
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(read) => Some(read),
        Err(err) => {
            problems.add_at(Some(err.span().unwrap_or(span)), format!("{label}{}", err.message().trim()));
            None
        }
    }
}
