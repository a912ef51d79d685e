//! Answering a stamp template's questions: `resolve` walks them once, in
//! order, for terminals, CI and tests alike (only the [`Prompter`] behind it
//! differs), and the answers become the render context and the project's
//! record, `.stamp-answers.toml`.

use super::answer_set::Answers;
use crate::engine::{self, Engine};
use crate::error::{Error, Result};
use crate::given::Given;
use crate::model::{Answer, DefaultValue, Kind, Manifest, Question, RawValue};
use crate::prompt::{Asking, Prompter, ask_knowing};

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
pub(crate) fn resolve(
    manifest: &Manifest,
    given: &Given,
    prompter: &mut dyn Prompter,
    engine: &Engine,
) -> Result<Answers> {
    given.check_known(manifest)?;
    check_not_given(manifest, given)?;
    let mut answers = Answers::default();
    let mut missing: Vec<String> = Vec::new();
    // Questions asked so far, for `[n/total]`.
    let mut asked = 0;
    for (index, question) in manifest.questions.iter().enumerate() {
        if let Some(template) = &question.computed {
            match computed_value(question, template, &answers, engine) {
                Ok(answer) => {
                    answers.insert(&question.name, answer);
                    answers.derived.push(question.name.clone());
                }
                // Made from an answer that is still missing.
                Err(_) if !missing.is_empty() => {}
                Err(err) => return Err(err),
            }
            continue;
        }
        let proposal = match given.value_for(question) {
            Some(value) => Proposal::Value(question.parse(&value.raw).map_err(|reason| {
                Error::InvalidAnswer { origin: value.origin.clone(), key: question.name.clone(), reason }
            })?),
            // The user's configured default, where it is a valid answer.
            None if let Some(answer) =
                given.default_for(&question.name).and_then(|value| question.parse(&value.raw).ok()) =>
            {
                Proposal::Value(answer)
            }
            None => match default_for(question, &answers, engine) {
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
                match engine.render_str(&format!("{}.when", question.name), when, &answers.context()) {
                    Ok(text) => engine::is_truthy(&text),
                    Err(_) if !missing.is_empty() => false,
                    Err(err) => return Err(err),
                }
            }
        };
        let current = match &proposal {
            Proposal::Value(answer) => Some(answer),
            _ => None,
        };
        // A value given on the command line or in a file is the answer: it is not asked again.
        let given_here = given.get(&question.name).is_some();
        let asking = (active && !given_here).then(|| {
            let default_refused = match &proposal {
                Proposal::Invalid(reason) => Some(reason.clone()),
                _ => None,
            };
            asked += 1;
            let later =
                still_to_ask(&manifest.questions[index + 1..], &answers, question, current, given, engine);
            Asking { position: Some((asked, asked + later)), default_refused, refused: None }
        });
        // A value a false condition leaves is not an answer: its validator does not apply.
        // With answers missing, a validator that reads one cannot be rendered: they are reported instead.
        let (checked, lenient) = (active || given_here, !missing.is_empty());
        let chosen =
            settle(question, current, asking, (checked, lenient), prompter, &answers, given, engine)?;
        if !active && given.get(&question.name).is_none() {
            answers.derived.push(question.name.clone());
        }
        match (chosen, proposal) {
            (Some(answer), _) => answers.insert(&question.name, answer),
            (None, Proposal::Invalid(reason)) if active => {
                return Err(Error::InvalidAnswer {
                    origin: "the template's default".into(),
                    key: question.name.clone(),
                    reason: format!(
                        "{reason}; give a value as {}=VALUE or in an answers file",
                        question.name
                    ),
                });
            }
            (None, _) if active => missing.push(question.name.clone()),
            (None, _) => {}
        }
    }
    if missing.is_empty() { Ok(answers) } else { Err(Error::MissingAnswers { names: missing }) }
}

/// How many of `later` questions will be asked after `question` if every
/// reply from here on is the default: its proposal taken as its answer,
/// then each later one answered by its given value or default, counted when
/// nobody gave it and its condition holds. It guides `[n/total]`, which
/// changes when a reply turns questions on or off.
fn still_to_ask(
    later: &[Question],
    answers: &Answers,
    question: &Question,
    proposal: Option<&Answer>,
    given: &Given,
    engine: &Engine,
) -> usize {
    let mut guessed = answers.clone();
    if let Some(answer) = proposal {
        guessed.insert(&question.name, answer.clone());
    }
    let mut count = 0;
    for next in later {
        let value = match (&next.computed, given.value_for(next)) {
            (Some(template), _) => computed_value(next, template, &guessed, engine).ok(),
            (None, Some(value)) => next.parse(&value.raw).ok(),
            (None, None) => match default_for(next, &guessed, engine) {
                Ok(Proposal::Value(answer)) => Some(answer),
                _ => None,
            },
        };
        let active = next.when.as_ref().is_none_or(|when| {
            engine.render_str("when", when, &guessed.context()).is_ok_and(|text| engine::is_truthy(&text))
        });
        if active && next.computed.is_none() && given.get(&next.name).is_none() {
            count += 1;
        }
        if let Some(value) = value {
            guessed.insert(&next.name, value);
        }
    }
    count
}

/// The answer to `question`: asked (with `asking`) or else `current`,
/// and, when `checked`, accepted by its validator (one that cannot be
/// rendered is passed over when `lenient`); a refused answer is asked
/// again where the prompter can, and reported (exit 2) where not.
#[allow(clippy::too_many_arguments, reason = "one step of `resolve`, with what it knows")]
fn settle(
    question: &Question,
    current: Option<&Answer>,
    mut asking: Option<Asking>,
    (checked, lenient): (bool, bool),
    prompter: &mut dyn Prompter,
    answers: &Answers,
    given: &Given,
    engine: &Engine,
) -> Result<Option<Answer>> {
    loop {
        let chosen = match asking.clone() {
            Some(asking) => ask_knowing(prompter, question, current, asking)?,
            None => current.cloned(),
        };
        let Some(answer) = chosen.as_ref().filter(|_| checked) else { return Ok(chosen) };
        let message = match validator_refusal(question, answer, answers, engine) {
            Ok(Some(message)) => message,
            Ok(None) => return Ok(chosen),
            Err(_) if lenient => return Ok(chosen),
            Err(err) => return Err(err),
        };
        if let Some(asking) = asking.as_mut().filter(|_| prompter.can_ask_again()) {
            asking.refused = Some(message);
            continue;
        }
        let origin = match given.get(&question.name) {
            Some(value) => value.origin.clone(),
            None if chosen.as_ref() == current => "the default".to_owned(),
            None => "the reply".to_owned(),
        };
        return Err(Error::InvalidAnswer { origin, key: question.name.clone(), reason: message });
    }
}

/// What a question's `validator` renders with the answers so far and
/// `answer`, trimmed: why the answer is refused, or `None`.
fn validator_refusal(
    question: &Question,
    answer: &Answer,
    answers: &Answers,
    engine: &Engine,
) -> Result<Option<String>> {
    let Some(validator) = &question.validator else { return Ok(None) };
    let mut with_answer = answers.clone();
    with_answer.insert(&question.name, answer.clone());
    let name = format!("{}.validator", question.name);
    let text = engine.render_str(&name, validator, &with_answer.context())?;
    let message = text.trim();
    Ok((!message.is_empty()).then(|| message.to_owned()))
}

/// Refuses a value given for a computed one: the template derives it.
fn check_not_given(manifest: &Manifest, given: &Given) -> Result<()> {
    for question in manifest.questions.iter().filter(|q| q.computed.is_some()) {
        if let Some(value) = given.get(&question.name) {
            return Err(Error::InvalidAnswer {
                origin: value.origin.clone(),
                key: question.name.clone(),
                reason: format!(
                    "`{}` is computed by the template from other answers and cannot be given",
                    question.name
                ),
            });
        }
    }
    Ok(())
}

/// Renders a computed value with the answers before it; a value its type
/// refuses is the template's mistake.
fn computed_value(question: &Question, template: &str, answers: &Answers, engine: &Engine) -> Result<Answer> {
    let text = engine.render_str(&format!("{}.computed", question.name), template, &answers.context())?;
    question.parse(&RawValue::Text(text)).map_err(|reason| Error::TemplateLayout {
        path: "stamp.toml".into(),
        message: format!(
            "the computed value `{}` renders to a value it refuses: {}",
            question.name,
            if question.is_confidential() { "it is not valid" } else { reason.as_str() }
        ),
    })
}

fn default_for(question: &Question, answers: &Answers, engine: &Engine) -> Result<Proposal> {
    Ok(match &question.default {
        Some(DefaultValue::Literal(answer)) => Proposal::Value(answer.clone()),
        Some(DefaultValue::Template(template)) => {
            let name = format!("{}.default", question.name);
            let text = engine.render_str(&name, template, &answers.context())?;
            match question.parse(&RawValue::Text(text)) {
                Ok(answer) => Proposal::Value(answer),
                Err(reason) => Proposal::Invalid(reason),
            }
        }
        None => match question.kind {
            Kind::Choice => Proposal::Value(Answer::String(question.choices[0].clone())),
            Kind::Bool => Proposal::Value(Answer::Bool(false)),
            Kind::Multichoice => Proposal::Value(Answer::List(Vec::new())),
            _ => Proposal::None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Determinism, Syntax};
    use crate::model::Provenance;
    use crate::prompt::{NoPrompter, ScriptedPrompter};
    use std::path::Path;

    fn resolve(manifest: &Manifest, given: &Given, prompter: &mut dyn Prompter) -> Result<Answers> {
        super::resolve(manifest, given, prompter, &Engine::new(&Syntax::default(), Determinism::default()))
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
        super::super::manifest::parse(Path::new("stamp.toml"), text).unwrap()
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
        let file = answers.to_answers_file(&manifest, &Provenance::default());
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
    fn a_validator_refusal_is_asked_again_while_replies_last_and_reported_after() {
        let text = "[template]\nname = \"t\"\nversion = \"1\"\n\
                    [[variables]]\nname = \"top\"\ntype = \"integer\"\n\
                    [[variables]]\nname = \"low\"\ntype = \"integer\"\ndefault = 9\n\
                    validator = \"{% if cookiecutter.low > cookiecutter.top %}too high{% endif %}\"\n";
        let manifest = super::super::manifest::parse(Path::new("stamp.toml"), text).unwrap();
        let mut prompter = ScriptedPrompter::new(["5", "", "7", "3"]);
        let answers = resolve(&manifest, &Given::default(), &mut prompter).unwrap();
        assert_eq!(answers.get("low"), Some(&Answer::Integer(3)));
        let err = resolve(&manifest, &given(&["top=5"]), &mut NoPrompter).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidAnswer { origin, key, reason }
                if origin == "the default" && key == "low" && reason == "too high"),
            "{err:?}"
        );
        // `top` is missing: reported as missing, not as a validator that cannot be rendered.
        let err = resolve(&manifest, &Given::default(), &mut NoPrompter).unwrap_err();
        assert!(matches!(&err, Error::MissingAnswers { names } if names == &["top"]), "{err:?}");
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
