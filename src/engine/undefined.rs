//! A hint for a name a template reads but the render context lacks: the
//! answer that was most likely meant. A misspelt `cookiecutter.projet_name`
//! fails with strict undefined in both dialects, and the engine's message
//! alone does not say what the name should have been.

use minijinja::Value;

use crate::spelling::closest;

/// `did you mean `name`?` when the engine's `detail` says an expression
/// (`cookiecutter.projet_name`, `cookiecutter.db.hots`) is undefined and
/// the map it was looked up in holds a name close to the missing one; for
/// a bare name close to an answer, its `cookiecutter.` spelling.
pub(super) fn hint(detail: &str, context: &Value) -> Option<String> {
    let path = segments(undefined_expression(detail)?)?;
    let (missing, parents) = path.split_last()?;
    let mut map = context.clone();
    for segment in parents {
        map = map.get_attr(segment).ok().filter(|v| !v.is_undefined())?;
    }
    let keys = keys_of(&map);
    if let Some(near) = closest(missing, keys.iter().map(String::as_str)) {
        return Some(format!("did you mean `{near}`?"));
    }
    // `{{ project_name }}` for `{{ cookiecutter.project_name }}`.
    if !parents.is_empty() {
        return None;
    }
    let answers = keys_of(&context.get_attr("cookiecutter").ok()?);
    closest(missing, answers.iter().map(String::as_str))
        .map(|near| format!("did you mean `cookiecutter.{near}`?"))
}

/// The expression of "`expr` is undefined", as minijinja words it.
fn undefined_expression(detail: &str) -> Option<&str> {
    let end = detail.find("` is undefined")?;
    let start = detail[..end].rfind('`')? + 1;
    Some(&detail[start..end])
}

/// `a.b["c"]` as `["a", "b", "c"]`; `None` for anything else (an index, a
/// key that is not a string, a part minijinja could not describe).
fn segments(expression: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for dotted in expression.split('.') {
        let (name, mut rest) = dotted.split_once('[').map_or((dotted, ""), |(n, r)| (n, r));
        parts.push(name.to_owned());
        while !rest.is_empty() {
            let (key, after) = rest.split_once(']')?;
            parts.push(key.strip_prefix('"')?.strip_suffix('"')?.to_owned());
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    parts.iter().all(|p| !p.is_empty() && !p.contains(['(', ')', '"'])).then_some(parts)
}

/// The string keys of a map value; none for anything else.
fn keys_of(value: &Value) -> Vec<String> {
    if value.kind() != minijinja::value::ValueKind::Map {
        return Vec::new();
    }
    value
        .try_iter()
        .map(|keys| keys.filter_map(|k| k.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::map;

    fn context() -> Value {
        let db = map([("host".to_owned(), Value::from("h"))]);
        let answers = map([
            ("project_name".to_owned(), Value::from("Shop")),
            ("db".to_owned(), db),
            ("license".to_owned(), Value::from("MIT")),
        ]);
        map([("cookiecutter".to_owned(), answers)])
    }

    #[test]
    fn a_close_answer_is_named_and_a_distant_one_is_not() {
        let hint = |detail: &str| hint(detail, &context());
        assert_eq!(
            hint("`cookiecutter.projet_name` is undefined").as_deref(),
            Some("did you mean `project_name`?")
        );
        assert_eq!(
            hint("cannot add (`cookiecutter[\"licence\"]` is undefined, from line 2)").as_deref(),
            Some("did you mean `license`?")
        );
        assert_eq!(hint("`cookiecutter.db.hots` is undefined").as_deref(), Some("did you mean `host`?"));
        assert_eq!(
            hint("`project_name` is undefined").as_deref(),
            Some("did you mean `cookiecutter.project_name`?")
        );
        assert_eq!(hint("`cookiecutter.zebra` is undefined"), None);
        assert_eq!(hint("`cookiecutter.db.host.x` is undefined"), None);
        assert_eq!(hint("`(...).projet_name` is undefined"), None);
        assert_eq!(hint("no such thing"), None);
    }
}
