//! `stamp.toml`: the typed list of questions a template asks, and the checks
//! that run on it before any question is asked. Every problem is collected
//! and reported at once, each with its file and line.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use super::bounds;
use super::shape::{self, Entry, Problems, RawVariable};
use crate::engine::{Determinism, Engine, Syntax};
use crate::error::{Error, Result};
use crate::model::{
    DefaultValue, Kind, Manifest, Question, RawValue, TemplateInfo, Validation, is_identifier,
};

/// Parses and checks a `stamp.toml`, its questions and its tasks; `path` is used in messages.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Manifest> {
    let mut problems = Problems::new(path, text);
    let Some((info, entries, raw_tasks)) = shape::read(text, &mut problems) else {
        return Err(Error::Manifest { problems: problems.list });
    };
    let info = info.map(|raw| TemplateInfo {
        name: raw.name,
        version: raw.version,
        description: raw.description,
        copy_without_render: globs("copy_without_render", raw.copy_without_render, &mut problems),
        exclude: globs("exclude", raw.exclude, &mut problems),
        skip_if_exists: globs("skip_if_exists", raw.skip_if_exists, &mut problems),
        next_steps: raw.next_steps,
    });
    let mut questions = Vec::new();
    let mut seen = HashSet::new();
    let mut confidential = HashSet::new();
    for entry in entries {
        let (span, variable) = match entry {
            Entry::Read(span, variable) => (span, variable),
            // Its problems are reported; later questions may still use it.
            Entry::Broken { name, templates } => {
                let label =
                    name.as_ref().map_or_else(|| "a variable".to_owned(), |n| format!("variable `{n}`"));
                for (field, template, span) in &templates {
                    if template.contains("{{") || template.contains("{%") {
                        check_template_refs(&label, field, template, span.clone(), &seen, &mut problems);
                    }
                }
                seen.extend(name);
                continue;
            }
        };
        let name = variable.name.get_ref().clone();
        if let Some(question) = check_variable(*variable, span, &seen, &confidential, &mut problems) {
            if question.is_confidential() {
                confidential.insert(name.clone());
            }
            questions.push(question);
        }
        seen.insert(name);
    }
    // A task runs once every question is answered: it may use any of them.
    let (tasks, templates) = super::tasks::check(raw_tasks, &mut problems);
    for (label, field, template, span) in templates {
        check_template_refs(&label, field, &template, span, &seen, &mut problems);
    }
    // In file order, whichever pass found them.
    problems.list.sort_by_key(|p| p.line);
    match info {
        Some(info) if problems.list.is_empty() => Ok(Manifest { info, questions, tasks }),
        _ => Err(Error::Manifest { problems: problems.list }),
    }
}

/// The globs of a `[template]` list that are valid, each invalid one a problem at its line.
fn globs(field: &str, list: Vec<toml::Spanned<String>>, problems: &mut Problems) -> Vec<String> {
    list.into_iter()
        .filter_map(|glob| match globset::Glob::new(glob.get_ref()) {
            Ok(_) => Some(glob.into_inner()),
            Err(err) => {
                problems.add(glob.span(), format!("{field}: {err}"));
                None
            }
        })
        .collect()
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
        if !matches!(raw.kind, Kind::String | Kind::Secret | Kind::Path | Kind::Text) {
            problems.add(
                v.span(),
                format!("{label}: `validation` only applies to string, secret, path and text questions"),
            );
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

    check_computed_fields(&raw, &label, problems);
    let (min, max) = bounds::check(&raw, &label, problems);

    let mut question = Question {
        name: name.clone(),
        prompt: raw.prompt.unwrap_or_else(|| name.clone()),
        help: raw.help,
        kind: raw.kind,
        default: None,
        choices,
        validation,
        min,
        max,
        validator: None,
        when: None,
        computed: None,
        derived_from_secret: false,
    };

    if let Some(validator) = &raw.validator {
        // It sees this answer too.
        let mut known = earlier.clone();
        known.insert(name.clone());
        check_template_refs(&label, "validator", validator.get_ref(), validator.span(), &known, problems);
        question.validator = Some(validator.get_ref().clone());
    }

    if let Some(computed) = &raw.computed {
        let used =
            check_template_refs(&label, "computed", computed.get_ref(), computed.span(), earlier, problems);
        question.derived_from_secret = used.iter().any(|name| confidential.contains(name));
        question.computed = Some(computed.get_ref().clone());
    }

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

/// A computed value is never asked: the fields of asking do not apply to it.
fn check_computed_fields(raw: &RawVariable, label: &str, problems: &mut Problems) {
    if let Some(computed) = &raw.computed {
        let present = [
            ("prompt", raw.prompt.is_some()),
            ("default", raw.default.is_some()),
            ("when", raw.when.is_some()),
            ("validator", raw.validator.is_some()),
        ];
        for (field, _) in present.iter().filter(|(_, present)| *present) {
            problems.add(
                computed.span(),
                format!("{label}: a computed value is never asked, so `{field}` does not apply to it"),
            );
        }
        if raw.kind == Kind::Secret {
            problems.add(
                computed.span(),
                format!(
                    "{label}: a computed value cannot be a secret (one made from a secret is kept secret)"
                ),
            );
        }
    }
}

/// Checks that a default, condition or validator parses and refers only to
/// the questions in `earlier`; returns the questions it uses.
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
    let mut names: Vec<&str> = earlier.iter().map(String::as_str).collect();
    names.sort_unstable();
    for used in &used {
        if !earlier.contains(used) {
            let hint = crate::spelling::closest(used, names.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            problems.add(
                span.clone(),
                format!("{label}: `{field}` uses `{used}`, which is not a question declared before it{hint}"),
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
    fn reports_every_unknown_field_and_wrong_type_at_once() {
        let text = format!(
            "{HEAD}descripton = \"x\"\n[[variables]]\nname = \"a\"\npromt = \"A\"\nhelp = 3\n\
             [[variables]]\nname = \"b\"\ntype = \"bol\"\nwhen = \"{{{{ cookiecutter.aa }}}}\"\n"
        );
        let Err(Error::Manifest { problems }) = parse(&text) else { panic!("expected problems") };
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "stamp.toml:4: [template]: unknown field `descripton`; did you mean `description`?",
                "stamp.toml:7: variable `a`: unknown field `promt`; did you mean `prompt`?",
                "stamp.toml:8: variable `a`: `help`: invalid type: integer `3`, expected a string",
                "stamp.toml:11: variable `b`: `type`: unknown variant `bol`, expected one of `string`, `bool`, \
                 `choice`, `multichoice`, `integer`, `secret`, `float`, `path`, `text`, `json`, `yaml`; did you mean \
                 `bool`?",
                "stamp.toml:12: variable `b`: `when` uses `aa`, which is not a question declared before it; \
                 did you mean `a`?",
            ]
        );
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
