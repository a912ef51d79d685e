//! The render context cookiecutter 2.x builds from `cookiecutter.json`:
//! overrides, private variables, rendered defaults, `_cookiecutter`,
//! `_template` and friends. Where stamp departs from cookiecutter on purpose,
//! it says so: values given by the user are validated and never rendered, and
//! unknown keys are errors.

use indexmap::IndexMap;
use minijinja::Value;
use serde_json::Value as Json;

use super::{Definition, check_new_lines};
use crate::dialect::Origin;
use crate::engine::{self, Engine};
use crate::error::{Error, Problem, Result};
use crate::given::{Given, GivenValue};
use crate::model::{Answer, Kind, Question, RawValue, parse_bool};
use crate::prompt::{Asking, Prompter, ask_knowing};

impl Definition {
    /// Builds the render context the way cookiecutter's `generate_context`
    /// and `prompt_for_config` do: `{cookiecutter: ..., _cookiecutter: ...}`.
    pub(super) fn context(
        &self,
        given: &Given,
        prompter: &mut dyn Prompter,
        engine: &Engine,
        origin: &Origin,
    ) -> Result<Value> {
        let mut variables = self.variables.clone();
        // The user's `default_context` first, as cookiecutter applies it:
        // keys the template lacks and values it cannot take are passed over.
        for (key, value) in given.defaults() {
            if let Some(current) = variables.get_mut(key)
                && let Ok(replaced) = override_value(current, value, Match::Python)
            {
                *current = replaced;
            }
        }
        let given_keys = Self::apply_overrides(&mut variables, given)?;

        // `_cookiecutter`: the non-private variables after overrides, unrendered.
        let mut snapshot = engine::map(
            variables.iter().filter(|(k, _)| !k.starts_with('_')).map(|(k, v)| (k.clone(), to_value(v))),
        );

        let mut ask = asker(prompter, &variables, &given_keys);
        let mut answers: IndexMap<String, Value> = IndexMap::new();
        for (key, raw) in &variables {
            let context = || engine::map([("cookiecutter".to_owned(), engine::map(answers.clone()))]);
            let value = if let Some(recorded) = given.replayed_private(key) {
                plain_value(recorded)
            } else if key.starts_with('_') && !key.starts_with("__") {
                to_value(raw)
            } else if key.starts_with("__") {
                render_variable(engine, key, raw, &context())?
            } else if given_keys.contains(key) && !matches!(raw, Json::Object(_)) {
                // Given values are data: validated in apply_overrides, never rendered. A given
                // choice picks the template's option, which renders as cookiecutter renders options.
                match raw {
                    Json::Array(options) => render_variable(engine, key, &options[0], &context())?,
                    other => to_value(other),
                }
            } else {
                match raw {
                    Json::Object(_) => continue, // dictionaries come in a second pass
                    Json::Null => Value::from(()),
                    Json::Bool(b) => {
                        match ask(self.question(key, Kind::Bool, Vec::new()), Answer::Bool(*b))? {
                            Some(Answer::Bool(chosen)) => Value::from(chosen),
                            _ => Value::from(*b),
                        }
                    }
                    Json::Array(options) => {
                        // Options keep their type (a `true` option stays a bool).
                        let rendered = options
                            .iter()
                            .map(|o| render_variable(engine, key, o, &context()))
                            .collect::<Result<Vec<_>>>()?;
                        if rendered.is_empty() {
                            let problem = format!("the choices of `{key}` are empty");
                            return Err(Error::Manifest {
                                problems: vec![Problem::in_file(&self.path, problem)],
                            });
                        }
                        let labels: Vec<String> = rendered.iter().map(ToString::to_string).collect();
                        let question = self.question(key, Kind::Choice, labels.clone());
                        match ask(question, Answer::String(labels[0].clone()))? {
                            Some(Answer::String(chosen)) => {
                                rendered[labels.iter().position(|l| *l == chosen).unwrap_or(0)].clone()
                            }
                            _ => rendered[0].clone(),
                        }
                    }
                    scalar => {
                        let default = render_variable(engine, key, scalar, &context())?.to_string();
                        let question = self.question(key, Kind::String, Vec::new());
                        match ask(question, Answer::String(default.clone()))? {
                            Some(Answer::String(typed)) => Value::from(typed),
                            _ => Value::from(default),
                        }
                    }
                }
            };
            answers.insert(key.clone(), value);
        }
        // Second pass: dictionaries, rendered with every other answer known.
        for (key, raw) in &variables {
            if let Json::Object(_) = raw
                && (!key.starts_with('_') || key.starts_with("__"))
                && given.replayed_private(key).is_none()
            {
                let context = engine::map([("cookiecutter".to_owned(), engine::map(answers.clone()))]);
                let value = render_variable(engine, key, raw, &context)?;
                answers.insert(key.clone(), value);
            }
        }
        // Replayed, cookiecutter takes `_cookiecutter` from the answers themselves.
        if given.is_replay() {
            snapshot = engine::map(
                variables
                    .keys()
                    .filter(|k| !k.starts_with('_'))
                    .filter_map(|k| Some((k.clone(), answers.get(k)?.clone()))),
            );
        }
        // Keep cookiecutter.json's order, then the entries cookiecutter appends.
        let mut ordered: IndexMap<String, Value> =
            variables.keys().filter_map(|k| answers.get(k).map(|v| (k.clone(), v.clone()))).collect();
        ordered.insert("_template".into(), Value::from(origin.template.clone()));
        ordered.insert("_output_dir".into(), Value::from(origin.output_dir.display().to_string()));
        let repo_dir = origin.repo_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default();
        ordered.insert("_repo_dir".into(), Value::from(repo_dir));
        ordered.insert("_checkout".into(), origin.checkout.as_deref().map_or(Value::from(()), Value::from));
        Ok(engine::map([
            ("cookiecutter".to_owned(), ordered_dict(ordered)),
            ("_cookiecutter".to_owned(), snapshot),
        ]))
    }

    /// cookiecutter's `apply_overwrites_to_context`, with stamp's rules:
    /// unknown keys are errors and every value is checked. Returns the keys
    /// that were given.
    fn apply_overrides(variables: &mut IndexMap<String, Json>, given: &Given) -> Result<Vec<String>> {
        let known: Vec<String> = variables.keys().filter(|k| !k.starts_with('_')).cloned().collect();
        let mut keys = Vec::new();
        for (key, value) in given.iter() {
            let invalid = |reason: String| Error::InvalidAnswer {
                origin: value.origin.clone(),
                key: key.to_owned(),
                reason,
            };
            let Some(current) = variables.get_mut(key) else {
                return Err(Error::UnknownAnswer {
                    origin: value.origin.clone(),
                    key: key.to_owned(),
                    known,
                });
            };
            *current = override_value(current, value, Match::Given).map_err(invalid)?;
            if key == "_new_lines" {
                check_new_lines(current).map_err(invalid)?;
            }
            keys.push(key.to_owned());
        }
        Ok(keys)
    }
}

/// Asks a question through `prompter`, offering `proposal`, with its place
/// for `[n/total]` among the questions that will be asked: neither private
/// nor given, and not dictionaries or nulls, which stamp renders without
/// asking. Nothing is conditional here, so the count is exact.
fn asker<'a>(
    prompter: &'a mut dyn Prompter,
    variables: &'a IndexMap<String, Json>,
    given_keys: &[String],
) -> impl FnMut(Question, Answer) -> Result<Option<Answer>> + 'a {
    let asked: Vec<&str> = variables
        .iter()
        .filter(|(key, raw)| {
            !key.starts_with('_') && !given_keys.contains(key) && !matches!(raw, Json::Object(_) | Json::Null)
        })
        .map(|(key, _)| key.as_str())
        .collect();
    move |question, proposal| {
        let position = asked.iter().position(|k| *k == question.name).map(|i| (i + 1, asked.len()));
        ask_knowing(prompter, &question, Some(&proposal), Asking { position, ..Asking::default() })
    }
}

/// How a value picks one of a choice's options.
#[derive(Clone, Copy)]
enum Match {
    /// Python's `==`, as cookiecutter matches `default_context` (`3.9` picks
    /// the option `3.9`; the text `"3.9"` picks nothing, and the default stays).
    Python,
    /// As the user means it: by value, or by the text the option prints as
    /// (`py=3.9` on the command line picks the option `3.9`).
    Given,
}

/// Python's `==` between an option and a given scalar.
fn python_eq(option: &Json, raw: &RawValue) -> bool {
    match (option, raw) {
        (Json::String(s), RawValue::Text(t)) => s == t,
        (Json::Bool(b), RawValue::Bool(c)) => b == c,
        #[allow(clippy::cast_precision_loss, clippy::float_cmp)] // Python compares int and float numerically
        (Json::Number(n), RawValue::Integer(i)) => n.as_i64() == Some(*i) || n.as_f64() == Some(*i as f64),
        #[allow(clippy::float_cmp)]
        (Json::Number(n), RawValue::Float(x)) => n.as_f64() == Some(*x),
        _ => false,
    }
}

fn override_value(current: &Json, given: &GivenValue, how: Match) -> std::result::Result<Json, String> {
    let shown = |options: &[Json]| options.iter().map(python_str).collect::<Vec<_>>().join(", ");
    Ok(match (current, &given.raw) {
        (Json::Array(options), RawValue::List(items)) => {
            let items: Vec<Json> =
                items.iter().map(|i| i.as_text().map(Json::String)).collect::<Result<_, _>>()?;
            if let Some(bad) = items.iter().find(|i| !options.contains(i)) {
                return Err(format!("{} is not one of: {}", python_str(bad), shown(options)));
            }
            Json::Array(items)
        }
        (Json::Array(options), raw) => {
            let index = match how {
                Match::Python => options.iter().position(|o| python_eq(o, raw)),
                Match::Given => options.iter().position(|o| python_eq(o, raw)).or_else(|| {
                    let text = raw.as_text().ok()?;
                    options.iter().position(|o| python_str(o) == text)
                }),
            };
            let Some(index) = index else {
                let shown_raw =
                    raw.as_text().map_or_else(|_| raw.describe(), |t| python_str(&Json::String(t)));
                return Err(format!("{shown_raw} is not one of: {}", shown(options)));
            };
            let mut reordered = options.clone();
            let chosen = reordered.remove(index);
            reordered.insert(0, chosen);
            Json::Array(reordered)
        }
        (Json::Bool(_), RawValue::Bool(b)) => Json::Bool(*b),
        (Json::Bool(_), RawValue::Text(t)) => {
            Json::Bool(parse_bool(t).ok_or_else(|| format!("{t:?} is not a yes/no value"))?)
        }
        (Json::Object(base), RawValue::Table(table)) => {
            let mut merged = base.clone();
            // Inside a dictionary, cookiecutter merges nested tables and
            // replaces everything else, lists included.
            for (k, v) in table {
                let nested = GivenValue { raw: v.clone(), origin: given.origin.clone() };
                let value = match (merged.get(k), v) {
                    (Some(existing @ Json::Object(_)), RawValue::Table(_)) => {
                        override_value(existing, &nested, how)?
                    }
                    _ => raw_to_json(v)?,
                };
                merged.insert(k.clone(), value);
            }
            Json::Object(merged)
        }
        (Json::Object(_), other) => return Err(format!("expected a table, found {}", other.describe())),
        (_, raw) => raw_to_json(raw)?,
    })
}

fn raw_to_json(raw: &RawValue) -> std::result::Result<Json, String> {
    Ok(match raw {
        RawValue::Null => Json::Null,
        RawValue::Bool(b) => Json::Bool(*b),
        RawValue::Integer(i) => Json::from(*i),
        RawValue::Float(x) => Json::from(*x),
        RawValue::Text(t) => Json::String(t.clone()),
        RawValue::List(items) => Json::Array(items.iter().map(raw_to_json).collect::<Result<_, _>>()?),
        RawValue::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), raw_to_json(v)?)))
                .collect::<std::result::Result<_, String>>()?,
        ),
    })
}

/// cookiecutter's `render_variable`: strings (and other scalars, as Python's
/// `str()` prints them) are templates; lists and dicts are rendered item by
/// item; booleans and null pass through.
fn render_variable(engine: &Engine, key: &str, raw: &Json, context: &Value) -> Result<Value> {
    Ok(match raw {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Array(items) => Value::from(
            items.iter().map(|i| render_variable(engine, key, i, context)).collect::<Result<Vec<_>>>()?,
        ),
        Json::Object(map) => engine::map(
            map.iter()
                .map(|(k, v)| {
                    let rendered_key = render_text(engine, key, k, context)?;
                    Ok((rendered_key, render_variable(engine, key, v, context)?))
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        scalar => Value::from(render_text(engine, key, &python_str(scalar), context)?),
    })
}

fn render_text(engine: &Engine, key: &str, text: &str, context: &Value) -> Result<String> {
    engine.render_str(&format!("cookiecutter.json: {key}"), text, context)
}

/// Python's `str()` of a JSON scalar as `json.load` produces it.
pub(super) fn python_str(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Null => "None".into(),
        Json::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            if x.fract() == 0.0 && x.abs() < 1e16 { format!("{x:.1}") } else { x.to_string() }
        }
        Json::Number(n) => n.to_string(),
        other => engine::repr(&to_value(other)),
    }
}

/// A JSON value as templates see it (objects keep their order).
fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(x)) => Value::from(x),
            _ => Value::from(n.to_string()),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        Json::Object(map) => ordered_dict(map.iter().map(|(k, v)| (k.clone(), to_value(v)))),
    }
}

/// A value as JSON loads it in Python: tables are plain dictionaries.
fn plain_value(raw: &RawValue) -> Value {
    match raw {
        RawValue::Null => Value::from(()),
        RawValue::Bool(b) => Value::from(*b),
        RawValue::Integer(i) => Value::from(*i),
        RawValue::Float(x) => Value::from(*x),
        RawValue::Text(t) => Value::from(t.as_str()),
        RawValue::List(items) => Value::from(items.iter().map(plain_value).collect::<Vec<_>>()),
        RawValue::Table(table) => engine::map(table.iter().map(|(k, v)| (k.clone(), plain_value(v)))),
    }
}

/// A map that prints as Python's `OrderedDict`, as objects loaded by
/// cookiecutter (and its `cookiecutter` context itself) do.
fn ordered_dict(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::from_object(engine::OrderedDict::new(
        entries.into_iter().map(|(k, v)| (Value::from(k), v)).collect(),
    ))
}
