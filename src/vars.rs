//! `stamp vars`: a template's questions as text, as JSON, or as a JSON Schema
//! that answers files can be checked against.

use serde_json::{Map, Value as Json, json};

use crate::given::{TEMPLATE_KEY, VERSION_KEY};
use crate::model::{Answer, DefaultValue, Kind, Manifest, Question, number_text};

/// One block per question, for people.
pub fn text(manifest: &Manifest) -> String {
    let info = &manifest.info;
    let mut out = format!("{}\n", info.label());
    if !info.description.is_empty() {
        out.push_str(&format!("{}\n", info.description));
    }
    for q in &manifest.questions {
        if q.computed.is_some() {
            out.push_str(&format!("\n{} ({}, computed)\n", q.name, q.kind.name()));
        } else {
            out.push_str(&format!("\n{} ({})  {}\n", q.name, q.kind.name(), q.prompt));
        }
        if let Some(help) = &q.help {
            out.push_str(&format!("  {help}\n"));
        }
        if !q.choices.is_empty() {
            out.push_str(&format!("  choices: {}\n", q.choices.join(", ")));
        }
        match &q.default {
            Some(DefaultValue::Template(t)) => out.push_str(&format!("  default: {t}\n")),
            // A text of several lines on one line, as it is written in TOML.
            Some(DefaultValue::Literal(a)) if a.to_string().contains('\n') => {
                out.push_str(&format!("  default: {:?}\n", a.to_string()));
            }
            Some(DefaultValue::Literal(a)) => out.push_str(&format!("  default: {a}\n")),
            None => {}
        }
        if let Some(v) = &q.validation {
            match &v.message {
                Some(message) => out.push_str(&format!("  rule: {message}\n")),
                None => out.push_str(&format!("  must match: {}\n", v.pattern.as_str())),
            }
        }
        match (q.min, q.max) {
            (Some(min), Some(max)) => {
                out.push_str(&format!("  from {} to {}\n", number_text(min), number_text(max)));
            }
            (Some(min), None) => out.push_str(&format!("  at least {}\n", number_text(min))),
            (None, Some(max)) => out.push_str(&format!("  at most {}\n", number_text(max))),
            (None, None) => {}
        }
        if let Some(validator) = &q.validator {
            out.push_str(&format!("  validator: {validator}\n"));
        }
        match (&q.computed, &q.when) {
            (Some(template), _) => {
                out.push_str(&format!("  computed: {template}\n"));
                out.push_str(
                    "  not asked or recorded, and cannot be given: derived from the answers before it\n",
                );
            }
            (None, None) => {}
            (None, Some(_)) if q.is_computed() => {
                out.push_str("  not asked: computed from other answers (set it with KEY=VALUE)\n");
            }
            (None, Some(when)) => out.push_str(&format!("  asked when: {when}\n")),
        }
    }
    if !manifest.tasks.is_empty() {
        out.push_str("\nTasks, run in the project once it is written (with consent: --accept-tasks):\n");
    }
    for task in &manifest.tasks {
        out.push_str(&format!("\n{}\n", task.label()));
        if task.name.is_some() {
            out.push_str(&format!("  run: {}\n", task.run));
        }
        if let Some(when) = &task.when {
            out.push_str(&format!("  when: {when}\n"));
        }
    }
    out
}

/// The questions as a JSON array, for tools.
pub fn json(manifest: &Manifest) -> Json {
    let questions: Vec<Json> = manifest
        .questions
        .iter()
        .map(|q| {
            let mut object = Map::new();
            object.insert("name".into(), q.name.clone().into());
            object.insert("type".into(), q.kind.name().into());
            object.insert("prompt".into(), q.prompt.clone().into());
            object.insert("help".into(), q.help.clone().into());
            object.insert(
                "default".into(),
                match &q.default {
                    Some(DefaultValue::Template(t)) => json!({ "template": t }),
                    Some(DefaultValue::Literal(a)) => a.to_json(),
                    // What a run takes when nothing is given: a choice's first option, no option of a
                    // multichoice, no for a yes/no question.
                    None => match q.kind {
                        Kind::Choice => q.choices.first().map_or(Json::Null, |c| c.clone().into()),
                        Kind::Multichoice => json!([]),
                        Kind::Bool => false.into(),
                        _ => Json::Null,
                    },
                },
            );
            if !q.choices.is_empty() {
                object.insert("choices".into(), q.choices.clone().into());
            }
            if let Some(v) = &q.validation {
                object.insert(
                    "validation".into(),
                    json!({ "regex": v.pattern.as_str(), "message": v.message }),
                );
            }
            for (field, bound) in [("min", q.min), ("max", q.max)] {
                if let Some(bound) = bound {
                    object.insert(field.into(), number(q.kind, bound));
                }
            }
            if let Some(validator) = &q.validator {
                object.insert("validator".into(), validator.clone().into());
            }
            object.insert("when".into(), q.when.clone().into());
            object.insert("computed".into(), q.computed.clone().into());
            Json::Object(object)
        })
        .collect();
    let tasks: Vec<Json> = manifest
        .tasks
        .iter()
        .map(|task| json!({ "name": task.name, "run": task.run, "when": task.when }))
        .collect();
    json!({
        "template": { "name": manifest.info.name, "version": manifest.info.version },
        "variables": questions,
        "tasks": tasks,
    })
}

/// A JSON Schema (draft 2020-12) describing a valid answers file.
pub fn schema(manifest: &Manifest) -> Json {
    let mut properties = Map::new();
    properties.insert(
        TEMPLATE_KEY.into(),
        json!({ "type": "string", "description": "template name (informational)" }),
    );
    properties.insert(
        VERSION_KEY.into(),
        json!({ "type": "string", "description": "template version (informational)" }),
    );
    // A computed value cannot be given: not a property, so a file that gives one is refused.
    for q in manifest.questions.iter().filter(|q| q.computed.is_none()) {
        properties.insert(q.name.clone(), property(q));
    }
    // What `--no-input` cannot do without: text, paths, numbers and structured values with no
    // default, always asked. (A secret may come from STAMP_ANSWER_<name> instead; choices and
    // bools have defaults.)
    let required: Vec<&str> = manifest
        .questions
        .iter()
        .filter(|q| !matches!(q.kind, Kind::Bool | Kind::Choice | Kind::Multichoice | Kind::Secret))
        .filter(|q| q.default.is_none() && q.when.is_none() && q.computed.is_none())
        .map(|q| q.name.as_str())
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Answers for {}", manifest.info.label()),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn property(q: &Question) -> Json {
    // What `Question::parse` accepts, no more and no less: a value from an
    // answers file is read as a `KEY=VALUE` text would be.
    let mut p = match q.kind {
        // A number is taken as the text it is written as (the rule, below, is checked by stamp for it too).
        Kind::String | Kind::Secret | Kind::Text => json!({ "type": ["string", "integer"] }),
        // Not blank, no NUL (`pattern` applies to strings only).
        Kind::Path => json!({
            "type": ["string", "integer"],
            "not": { "type": "string", "pattern": "^\\s*$|\\u0000" },
        }),
        // Any value; text is parsed as JSON or YAML, which a schema cannot check.
        Kind::Json | Kind::Yaml => json!({}),
        Kind::Integer | Kind::Float => numeric(q),
        Kind::Bool => json!({ "anyOf": [
            { "type": "boolean" },
            { "enum": [0, 1] },
            { "type": "string", "pattern": format!("^\\s*(?:{})\\s*$", any_case(BOOL_WORDS)) },
        ] }),
        Kind::Choice => {
            let mut allowed: Vec<Json> = q.choices.iter().map(|c| Json::from(c.as_str())).collect();
            allowed.extend(q.choices.iter().filter_map(|c| as_number(c)));
            if q.choices.iter().any(|c| c == "yes") && q.choices.iter().any(|c| c == "no") {
                allowed.extend([Json::Bool(true), Json::Bool(false)]);
            }
            json!({ "enum": allowed })
        }
        Kind::Multichoice => {
            let mut items: Vec<Json> = q.choices.iter().map(|c| Json::from(c.as_str())).collect();
            items.extend(q.choices.iter().filter_map(|c| as_number(c)));
            let one = q.choices.iter().map(|c| escape(c)).collect::<Vec<_>>().join("|");
            json!({ "anyOf": [
                { "type": "array", "items": { "enum": items } },
                // Comma-separated, as KEY=VALUE gives it.
                { "type": "string", "pattern": format!("^\\s*(?:(?:{one})\\s*(?:,\\s*(?:{one})\\s*)*)?$") },
            ] })
        }
    };
    let object = p.as_object_mut().expect("built as an object");
    let description = match &q.help {
        Some(help) => format!("{}. {help}", q.prompt),
        None => q.prompt.clone(),
    };
    object.insert("description".into(), description.into());
    if let Some(v) = &q.validation {
        object.insert("pattern".into(), v.pattern.as_str().into());
    }
    if let Some(DefaultValue::Literal(a)) = &q.default
        && !q.is_confidential()
    {
        // As an answers file would give it: a structured text value as the JSON text it is.
        let value = match a {
            Answer::Structured(Json::String(_)) => a.to_string().into(),
            _ => a.to_json(),
        };
        object.insert("default".into(), value);
    }
    if q.is_confidential() {
        object.insert("writeOnly".into(), true.into());
    }
    p
}

/// An integer or float question: a number, or text that reads as one. With
/// bounds, numbers alone: a schema cannot bound text, and accepting less
/// than stamp is safer than accepting more.
fn numeric(q: &Question) -> Json {
    let (kind, text) = if q.kind == Kind::Integer {
        ("integer", "^\\s*[+-]?[0-9]+\\s*$")
    } else {
        ("number", "^\\s*[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?\\s*$")
    };
    let mut number = json!({ "type": kind });
    for (field, bound) in [("minimum", q.min), ("maximum", q.max)] {
        if let Some(bound) = bound {
            number[field] = self::number(q.kind, bound);
        }
    }
    if q.min.is_some() || q.max.is_some() {
        number
    } else {
        json!({ "anyOf": [number, { "type": "string", "pattern": text }] })
    }
}

/// A bound as JSON: whole for an integer question.
fn number(kind: Kind, bound: f64) -> Json {
    #[allow(clippy::cast_possible_truncation, reason = "an integer question's bounds are whole")]
    if kind == Kind::Integer { Json::from(bound as i64) } else { Json::from(bound) }
}

/// The words a yes/no question takes (as `parse_bool` reads them).
const BOOL_WORDS: [&str; 12] = ["1", "true", "t", "yes", "y", "on", "0", "false", "f", "no", "n", "off"];

/// An alternation matching each word in any case, for JSON Schema's
/// (ECMA-262) patterns, which have no case-insensitive flag.
fn any_case(words: [&str; 12]) -> String {
    let any = |c: char| {
        if c.is_ascii_alphabetic() {
            format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
        } else {
            c.to_string()
        }
    };
    words.iter().map(|w| w.chars().map(any).collect::<String>()).collect::<Vec<_>>().join("|")
}

/// A choice that a number in a file gives too (`1` for the choice "1").
fn as_number(choice: &str) -> Option<Json> {
    choice.parse::<i64>().ok().filter(|n| n.to_string() == choice).map(Json::from)
}

/// `text` as an ECMA-262 pattern matching it literally.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
