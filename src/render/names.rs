//! Naming a project's entries: template paths rendered one component at a
//! time, with a fast path for names that only look up strings.

use std::collections::HashMap;

use minijinja::Value;

use crate::engine::{Engine, Syntax};
use crate::error::{Error, Result};
use crate::model::is_identifier;
use crate::reserved::is_reserved;

/// Renders template-relative paths one component at a time, remembering
/// directories already rendered (and those skipped because they rendered empty).
pub(super) struct PathNames {
    top: String,
    dirs: HashMap<String, Option<String>>,
    /// Directories copied without rendering: source path below the top, rendered path.
    verbatim: Vec<(String, String)>,
    /// cookiecutter fails when a directory name renders empty; stamp skips it.
    empty_dir_is_error: bool,
    /// Names holding one of these (block or variable start) are rendered.
    markers: [String; 2],
    /// Whether plain `{{ a.b }}` names may skip the template engine (default syntax only).
    substitute: bool,
}

impl PathNames {
    pub(super) fn new(top: &str, empty_dir_is_error: bool, syntax: &Syntax) -> Self {
        PathNames {
            top: top.to_owned(),
            dirs: HashMap::new(),
            verbatim: Vec::new(),
            empty_dir_is_error,
            markers: syntax.openings().map(str::to_owned),
            substitute: syntax.is_plain(),
        }
    }

    /// Marks a directory as copied without rendering what is inside it.
    pub(super) fn copy_verbatim(&mut self, below_top: &str, rendered: &str) {
        self.verbatim.push((format!("{below_top}/"), format!("{rendered}/")));
    }

    /// The output path of an entry inside a verbatim directory.
    pub(super) fn verbatim_path(&self, below_top: &str) -> Option<String> {
        self.verbatim.iter().find_map(|(source, rendered)| {
            below_top.strip_prefix(source.as_str()).map(|rest| format!("{rendered}{rest}"))
        })
    }

    /// The project-relative rendered path, or `None` when a component renders empty.
    pub(super) fn render(
        &mut self,
        engine: &Engine,
        path: &str,
        context: &Value,
        is_dir: bool,
    ) -> Result<Option<String>> {
        let below_top = &path[self.top.len() + 1..];
        let (parent, name) = match below_top.rsplit_once('/') {
            Some((parent, name)) => (Some(parent), name),
            None => (None, below_top),
        };
        let rendered_parent = match parent {
            None => String::new(),
            Some(parent) => match self.dirs.get(parent) {
                Some(Some(p)) => format!("{p}/"),
                Some(None) => return Ok(None),
                None => {
                    // Parents come first in sorted order; this only happens for odd names.
                    let rendered = self.render(engine, &format!("{}/{parent}", self.top), context, true)?;
                    self.dirs.insert(parent.to_owned(), rendered.clone());
                    match rendered {
                        Some(p) => format!("{p}/"),
                        None => return Ok(None),
                    }
                }
            },
        };
        let rendered_name = if self.markers.iter().any(|m| name.contains(m.as_str())) {
            render_component(engine, path, name, context, self.substitute)?
        } else {
            name.to_owned()
        };
        if rendered_name.is_empty() && self.empty_dir_is_error && is_dir {
            return Err(Error::TemplateLayout {
                path: path.into(),
                message: "the directory name renders empty (cookiecutter fails here too)".into(),
            });
        }
        let result = (!rendered_name.is_empty()).then(|| format!("{rendered_parent}{rendered_name}"));
        self.dirs.insert(below_top.to_owned(), result.clone());
        Ok(result)
    }
}

/// Renders one file or directory name and refuses names that would leave
/// the directory they belong to. With `substitute`, a name whose only
/// template parts are `{{ a.b }}` lookups of strings is filled in directly.
pub(super) fn render_component(
    engine: &Engine,
    path: &str,
    name: &str,
    context: &Value,
    substitute: bool,
) -> Result<String> {
    let rendered = match substitute.then(|| substitute_strings(name, context)).flatten() {
        Some(rendered) => rendered,
        None => engine.render_str(path, name, context)?,
    };
    if rendered.contains(['/', '\\', '\0']) || rendered == "." || rendered == ".." {
        return Err(Error::TemplateLayout {
            path: path.into(),
            message: format!("the name renders to {rendered:?}, which is not a single file name"),
        });
    }
    if is_reserved(&rendered) {
        return Err(Error::TemplateLayout {
            path: path.into(),
            message: format!(
                "the name renders to {rendered:?}, a name stamp keeps for its staging directories"
            ),
        });
    }
    Ok(rendered)
}

/// What minijinja renders for `name` when its only template parts are
/// `{{ a.b.c }}` (spaces or tabs around the path allowed), where `a` is in the
/// context and every lookup ends in a string, which prints as it is; `None`
/// for anything else, left to the template engine (names are compiled one by
/// one, which costs more than everything else done per file name).
fn substitute_strings(name: &str, context: &Value) -> Option<String> {
    const RESERVED: &[&str] = &[
        "and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None",
        "loop", "self",
    ];
    if name.contains(['\n', '\r']) || name.contains("{%") || name.contains("{#") {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..];
        let end = inner.find("}}")?;
        let mut parts = inner[..end].trim_matches([' ', '\t']).split('.');
        let first = parts.next()?;
        if !is_identifier(first) || RESERVED.contains(&first) {
            return None;
        }
        let mut value = context.get_item(&Value::from(first)).ok().filter(|v| !v.is_undefined())?;
        for part in parts {
            if !is_identifier(part) {
                return None;
            }
            value = value.get_attr(part).ok().filter(|v| !v.is_undefined())?;
        }
        out.push_str(value.as_str().filter(|_| value.kind() == minijinja::value::ValueKind::String)?);
        rest = &inner[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Determinism, map};

    #[test]
    fn substituted_names_are_what_the_engine_renders() {
        let engine = Engine::new(&Syntax::default(), Determinism::default());
        let inner = map([
            ("slug".into(), Value::from("my-app")),
            ("on".into(), Value::from(true)),
            ("n".into(), Value::from(3)),
            ("nested".into(), map([("name".into(), Value::from("deep"))])),
        ]);
        let ctx = map([("cookiecutter".into(), inner)]);
        for name in [
            "{{cookiecutter.slug}}",
            "{{ cookiecutter.slug }}-{{\tcookiecutter.nested.name }}.txt",
            "plain}}{name.txt",
            "a}}b{{cookiecutter.slug}}}",
        ] {
            assert_eq!(
                substitute_strings(name, &ctx),
                Some(engine.render_str(name, name, &ctx).unwrap()),
                "{name}"
            );
        }
        for name in [
            "{{ cookiecutter.on }}",
            "{{ cookiecutter.n }}",
            "{{ cookiecutter.missing }}",
            "{{ cookiecutter.slug|upper }}",
            "{{- cookiecutter.slug }}",
            "{% if true %}x{% endif %}{{ cookiecutter.slug }}",
            "{{ cookiecutter.slug }}{# c #}",
            "{{ uuid4 }}",
            "{{ cookiecutter.nested }}",
            "{{ cookiecutter.slug\n}}",
        ] {
            assert_eq!(substitute_strings(name, &ctx), None, "{name}");
        }
    }
}
