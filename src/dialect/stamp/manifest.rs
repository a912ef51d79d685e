//! `stamp.toml`: the typed list of questions a template asks, and the checks
//! that run on it before any question is asked. Every problem is collected
//! and reported at once, each with its file and line.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;
use toml::Spanned;

use crate::engine::{Determinism, Engine, Syntax};
use crate::error::{Error, Problem, Result, line_of};
use crate::model::{
    DefaultValue, Kind, Manifest, Question, RawValue, TemplateInfo, Validation, is_identifier,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    template: RawInfo,
    #[serde(default)]
    variables: Vec<Spanned<RawVariable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    name: String,
    version: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    copy_without_render: Vec<Spanned<String>>,
    next_steps: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariable {
    name: Spanned<String>,
    prompt: Option<String>,
    help: Option<String>,
    #[serde(rename = "type", default)]
    kind: Kind,
    default: Option<Spanned<toml::Value>>,
    choices: Option<Spanned<Vec<String>>>,
    validation: Option<Spanned<RawValidation>>,
    when: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValidation {
    regex: String,
    message: Option<String>,
}

/// Collects problems, each located at a line of the manifest.
struct Problems<'a> {
    file: &'a Path,
    text: &'a str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn add(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.list.push(Problem::at_line(self.file, line_of(self.text, span.start), message));
    }
}

/// Parses and checks a `stamp.toml`; `path` is used in messages.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Manifest> {
    let raw: RawManifest = toml::from_str(text).map_err(|err| {
        let message = err.message().trim().to_owned();
        let problem = match err.span() {
            Some(span) => Problem::at_line(path, line_of(text, span.start), message),
            None => Problem::in_file(path, message),
        };
        Error::Manifest { problems: vec![problem] }
    })?;
    let mut problems = Problems { file: path, text, list: Vec::new() };
    let info = TemplateInfo {
        name: raw.template.name,
        version: raw.template.version,
        description: raw.template.description,
        copy_without_render: raw
            .template
            .copy_without_render
            .into_iter()
            .filter_map(|glob| match globset::Glob::new(glob.get_ref()) {
                Ok(_) => Some(glob.into_inner()),
                Err(err) => {
                    problems.add(glob.span(), format!("copy_without_render: {err}"));
                    None
                }
            })
            .collect(),
        next_steps: raw.template.next_steps,
    };
    let mut questions = Vec::new();
    let mut seen = HashSet::new();
    let mut confidential = HashSet::new();
    for variable in raw.variables {
        let span = variable.span();
        let variable = variable.into_inner();
        let name = variable.name.get_ref().clone();
        if let Some(question) = check_variable(variable, span, &seen, &confidential, &mut problems) {
            if question.is_confidential() {
                confidential.insert(name.clone());
            }
            questions.push(question);
        }
        seen.insert(name);
    }
    if problems.list.is_empty() {
        Ok(Manifest { info, questions })
    } else {
        Err(Error::Manifest { problems: problems.list })
    }
}

/// Checks one `[[variables]]` entry; `earlier` holds the names declared
/// before it, the only ones its default and condition may use, and
/// `confidential` those of them whose values are secret: a default that
/// uses one is secret too.
fn check_variable(
    raw: RawVariable,
    span: Range<usize>,
    earlier: &HashSet<String>,
    confidential: &HashSet<String>,
    problems: &mut Problems,
) -> Option<Question> {
    let before = problems.list.len();
    let name = raw.name.get_ref().clone();
    let label = format!("variable `{name}`");
    if !is_identifier(&name) {
        problems.add(raw.name.span(), format!("{label}: a name must be letters, digits and underscores"));
    } else if earlier.contains(&name) {
        problems.add(raw.name.span(), format!("{label} is declared twice"));
    }

    let choices = raw.choices.as_ref().map(|c| c.get_ref().clone()).unwrap_or_default();
    match (raw.kind, &raw.choices) {
        (Kind::Choice | Kind::Multichoice, None) => {
            problems.add(span.clone(), format!("{label}: a {} needs `choices`", raw.kind.name()));
        }
        (Kind::Choice | Kind::Multichoice, Some(c)) if c.get_ref().is_empty() => {
            problems.add(c.span(), format!("{label}: `choices` is empty"));
        }
        (Kind::Choice | Kind::Multichoice, Some(c)) => {
            let mut unique = HashSet::new();
            if let Some(dup) = c.get_ref().iter().find(|x| !unique.insert(*x)) {
                problems.add(c.span(), format!("{label}: choice {dup:?} is listed twice"));
            }
        }
        (kind, Some(c)) => problems.add(
            c.span(),
            format!("{label}: `choices` only applies to choice and multichoice, not {}", kind.name()),
        ),
        _ => {}
    }

    let validation = raw.validation.as_ref().and_then(|v| {
        if !matches!(raw.kind, Kind::String | Kind::Secret) {
            problems
                .add(v.span(), format!("{label}: `validation` only applies to string and secret questions"));
            return None;
        }
        match Validation::new(&v.get_ref().regex, v.get_ref().message.clone()) {
            Ok(validation) => Some(validation),
            Err(err) => {
                let first = err.lines().last().unwrap_or_default().trim().to_owned();
                problems.add(v.span(), format!("{label}: invalid validation regex: {first}"));
                None
            }
        }
    });

    let mut question = Question {
        name: name.clone(),
        prompt: raw.prompt.unwrap_or_else(|| name.clone()),
        help: raw.help,
        kind: raw.kind,
        default: None,
        choices,
        validation,
        when: None,
        derived_from_secret: false,
    };

    if let Some(when) = &raw.when {
        check_template_refs(&label, "when", when.get_ref(), when.span(), earlier, problems);
        question.when = Some(when.get_ref().clone());
    }

    if let Some(default) = &raw.default {
        let value = default.get_ref();
        let template = match value {
            toml::Value::String(s) if s.contains("{{") || s.contains("{%") => {
                let used = check_template_refs(&label, "default", s, default.span(), earlier, problems);
                question.derived_from_secret = used.iter().any(|name| confidential.contains(name));
                Some(s.clone())
            }
            _ => None,
        };
        question.default = match template {
            Some(t) => Some(DefaultValue::Template(t)),
            None => match RawValue::from_toml(value).and_then(|raw| question.parse(&raw)) {
                Ok(answer) => Some(DefaultValue::Literal(answer)),
                Err(reason) => {
                    problems.add(default.span(), format!("{label}: invalid default: {reason}"));
                    None
                }
            },
        };
    }

    (problems.list.len() == before).then_some(question)
}

/// Checks that a default or condition parses and refers only to questions
/// declared before this one; returns the questions it uses.
fn check_template_refs(
    label: &str,
    field: &str,
    source: &str,
    span: Range<usize>,
    earlier: &HashSet<String>,
    problems: &mut Problems,
) -> Vec<String> {
    // Built once: a manifest has many fields to check, and the built-in one is read on every run.
    static ENGINE: LazyLock<Engine> =
        LazyLock::new(|| Engine::new(&Syntax::default(), Determinism::default()));
    let used = match ENGINE.answers_used(source) {
        Ok(used) => used,
        Err(detail) => {
            problems.add(span, format!("{label}: `{field}` is not a valid template: {detail}"));
            return Vec::new();
        }
    };
    for used in &used {
        if !earlier.contains(used) {
            problems.add(
                span.clone(),
                format!("{label}: `{field}` uses `{used}`, which is not a question declared before it"),
            );
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Answer;

    fn parse(text: &str) -> Result<Manifest> {
        super::parse(Path::new("stamp.toml"), text)
    }

    const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

    #[test]
    fn parses_every_kind() {
        let text = format!(
            "{HEAD}
[[variables]]
name = \"name\"
default = \"Demo\"
[[variables]]
name = \"slug\"
default = \"{{{{ cookiecutter.name | lower }}}}\"
validation = {{ regex = \"[a-z]+\" }}
[[variables]]
name = \"flag\"
type = \"bool\"
default = true
[[variables]]
name = \"pick\"
type = \"choice\"
choices = [\"a\", \"b\"]
default = \"b\"
[[variables]]
name = \"many\"
type = \"multichoice\"
choices = [\"a\", \"b\"]
default = [\"a\"]
[[variables]]
name = \"count\"
type = \"integer\"
default = 3
when = \"{{{{ cookiecutter.flag }}}}\"
[[variables]]
name = \"token\"
type = \"secret\"
"
        );
        let manifest = parse(&text).unwrap();
        assert_eq!(manifest.names(), ["name", "slug", "flag", "pick", "many", "count", "token"]);
        assert!(matches!(manifest.questions[1].default, Some(DefaultValue::Template(_))));
        assert!(matches!(manifest.questions[4].default, Some(DefaultValue::Literal(Answer::List(_)))));
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let text = format!(
            "{HEAD}
[[variables]]
name = \"a\"
validation = {{ regex = \"(\" }}

[[variables]]
name = \"a\"

[[variables]]
name = \"c\"
type = \"choice\"
choices = [\"x\", \"y\"]
default = \"z\"

[[variables]]
name = \"d\"
when = \"{{{{ cookiecutter.later }}}}\"

[[variables]]
name = \"later\"
"
        );
        let Err(Error::Manifest { problems }) = parse(&text) else { panic!("expected problems") };
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("stamp.toml:7:") && problems[0].contains("regex"));
        assert!(problems[1].starts_with("stamp.toml:10:") && problems[1].contains("twice"));
        assert!(problems[2].starts_with("stamp.toml:16:") && problems[2].contains("\"z\" is not one of"));
        assert!(problems[3].starts_with("stamp.toml:20:") && problems[3].contains("`later`"));
    }

    #[test]
    fn rejects_unknown_fields_with_a_line() {
        let text = format!("{HEAD}\n[[variables]]\nname = \"a\"\ncolour = \"red\"\n");
        let Err(Error::Manifest { problems }) = parse(&text) else { panic!("expected problems") };
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(problems[0].starts_with("stamp.toml:7:") && problems[0].contains("colour"), "{problems:?}");
    }

    #[test]
    fn secret_values_stay_out_of_reasons() {
        let text = format!(
            "{HEAD}\n[[variables]]\nname = \"s\"\ntype = \"secret\"\nvalidation = {{ regex = \"[0-9]+\" }}\n"
        );
        let manifest = parse(&text).unwrap();
        let reason = manifest.questions[0].parse(&RawValue::Text("hunter2".into())).unwrap_err();
        assert!(!reason.contains("hunter2"), "{reason}");
    }
}
