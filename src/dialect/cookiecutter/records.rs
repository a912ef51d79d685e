//! What a cookiecutter-template run leaves for other tools, byte for byte as
//! they write it: cookiecutter's replay file (the whole context,
//! `json.dump(indent=2)`) and cruft's `.cruft.json` (the template, its commit
//! and the answers, `json.dumps(ensure_ascii=False, indent=2)` and a newline).

use minijinja::Value;

use crate::dialect::Origin;
use crate::engine::{self, JsonStyle, python_json};
use crate::given::RUN_ENTRIES;

/// The project file cruft keeps its state in.
pub(crate) const CRUFT_FILE: &str = ".cruft.json";

/// The replay file cookiecutter writes for `context`.
pub(super) fn replay(context: &Value) -> String {
    python_json(context, &JsonStyle { indent: Some(2), sort_keys: false, ensure_ascii: true })
}

/// The `.cruft.json` cruft's `create` writes for `context`: the template as
/// an absolute path or URL, the commit it was at (none for a source without
/// commits), the checkout asked for, the answers with `_template` and
/// `_commit`, and the directory inside the repository.
pub(super) fn cruft_state(context: &Value, origin: &Origin) -> String {
    let provenance = &origin.provenance;
    let text = |value: &Option<String>| value.as_deref().map_or(Value::from(()), Value::from);
    let template = text(&provenance.source);
    let answers = context.get_attr("cookiecutter").unwrap_or_default();
    let mut kept: Vec<(String, Value)> = answers
        .try_iter()
        .into_iter()
        .flatten()
        .filter_map(|key| {
            let name = key.as_str()?.to_owned();
            (!RUN_ENTRIES.contains(&name.as_str()))
                .then(|| (name, answers.get_item(&key).unwrap_or_default()))
        })
        .collect();
    kept.push(("_template".into(), template.clone()));
    kept.push(("_commit".into(), text(&provenance.commit)));
    let state = engine::map([
        ("template".to_owned(), template),
        ("commit".to_owned(), text(&provenance.commit)),
        ("checkout".to_owned(), text(&origin.checkout)),
        ("context".to_owned(), engine::map([("cookiecutter".to_owned(), engine::map(kept))])),
        ("directory".to_owned(), text(&provenance.directory)),
    ]);
    let mut out = python_json(&state, &JsonStyle { indent: Some(2), sort_keys: false, ensure_ascii: false });
    out.push('\n');
    out
}
