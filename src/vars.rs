//! `stamp vars`: a template's questions as text, as JSON, or as a JSON Schema
//! that answers files can be checked against.

use serde_json::{Map, Value as Json, json};

use crate::given::{TEMPLATE_KEY, VERSION_KEY};
use crate::model::{DefaultValue, Kind, Manifest, Question};

/// One block per question, for people.
pub fn text(manifest: &Manifest) -> String {
    let info = &manifest.info;
    let mut out = format!("{}\n", info.label());
    if !info.description.is_empty() {
        out.push_str(&format!("{}\n", info.description));
    }
    for q in &manifest.questions {
        out.push_str(&format!("\n{} ({})  {}\n", q.name, q.kind.name(), q.prompt));
        if let Some(help) = &q.help {
            out.push_str(&format!("  {help}\n"));
        }
        if !q.choices.is_empty() {
            out.push_str(&format!("  choices: {}\n", q.choices.join(", ")));
        }
        match &q.default {
            Some(DefaultValue::Template(t)) => out.push_str(&format!("  default: {t}\n")),
            Some(DefaultValue::Literal(a)) => out.push_str(&format!("  default: {a}\n")),
            None => {}
        }
        if let Some(v) = &q.validation {
            match &v.message {
                Some(message) => out.push_str(&format!("  rule: {message}\n")),
                None => out.push_str(&format!("  must match: {}\n", v.pattern.as_str())),
            }
        }
        match &q.when {
            None => {}
            Some(_) if q.is_computed() => {
                out.push_str("  not asked: computed from other answers (set it with KEY=VALUE)\n");
            }
            Some(when) => out.push_str(&format!("  asked when: {when}\n")),
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
                    None => Json::Null,
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
            object.insert("when".into(), q.when.clone().into());
            Json::Object(object)
        })
        .collect();
    json!({
        "template": { "name": manifest.info.name, "version": manifest.info.version },
        "variables": questions,
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
    for q in &manifest.questions {
        properties.insert(q.name.clone(), property(q));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Answers for {}", manifest.info.label()),
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

fn property(q: &Question) -> Json {
    let mut p = match q.kind {
        Kind::String | Kind::Secret => json!({ "type": "string" }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Integer => json!({ "type": "integer" }),
        Kind::Choice => json!({ "enum": q.choices }),
        Kind::Multichoice => json!({ "type": "array", "items": { "enum": q.choices }, "uniqueItems": true }),
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
        object.insert("default".into(), a.to_json());
    }
    if q.is_confidential() {
        object.insert("writeOnly".into(), true.into());
    }
    p
}
