//! Nested templates: a `cookiecutter.json` whose `templates` (or, old
//! style, `template`) key offers several templates in subdirectories, one
//! of which is chosen before anything is asked. cookiecutter takes the
//! first with `--no-input`; stamp does the same, asks at a terminal, and
//! records the chosen directory so that `stamp update` needs no choice.

use std::path::{Component, Path, PathBuf};

use serde_json::Value as Json;

use crate::error::{Error, Result};

/// One template an index offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NestedTemplate {
    /// How it is offered: `Title (description)`, as cookiecutter shows it.
    pub(crate) label: String,
    /// Its directory, relative to the index.
    pub(crate) path: PathBuf,
}

/// Picks one of the templates an index (the directory named) offers, by position.
pub(crate) type Chooser<'a> = dyn FnMut(&Path, &[NestedTemplate]) -> Result<usize> + 'a;

/// Descends from `dir` through every index until a template, choosing with
/// `choose`; returns the template's directory and the path taken (relative
/// to `dir`; empty when `dir` is a template).
pub(super) fn descend(dir: &Path, choose: &mut Chooser) -> Result<(PathBuf, PathBuf)> {
    let (mut at, mut taken) = (dir.to_owned(), PathBuf::new());
    // Bounded: an index that leads back to itself must not loop.
    for _ in 0..16 {
        let Some(offered) = offered(&at)? else { return Ok((at, taken)) };
        let chosen = choose(&at, &offered)?;
        let path = &offered.get(chosen).expect("the chooser picks one of those offered").path;
        at = at.join(path);
        taken.push(path);
    }
    Err(layout(dir, "nested templates go more than 16 levels deep".into()))
}

/// The templates `dir` offers, when its `cookiecutter.json` is an index.
fn offered(dir: &Path) -> Result<Option<Vec<NestedTemplate>>> {
    let path = dir.join("cookiecutter.json");
    if dir.join("stamp.toml").is_file() || !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    // A file that does not parse is reported, with its line, where the template is read.
    let Ok(Json::Object(object)) = serde_json::from_str::<Json>(&text) else { return Ok(None) };
    let problem = |message: String| layout(&path, message);
    let offered: Vec<(String, String)> = match (object.get("templates"), object.get("template")) {
        (Some(Json::Object(templates)), _) => templates
            .iter()
            .map(|(key, option)| {
                let field = |name: &str| option.get(name).and_then(Json::as_str).map(str::to_owned);
                let path =
                    field("path").ok_or_else(|| problem(format!("`templates.{key}` has no `path`")))?;
                let title = field("title").unwrap_or_else(|| key.clone());
                let description = field("description").unwrap_or_else(|| key.clone());
                let label = if title == description { title } else { format!("{title} ({description})") };
                Ok((label, path))
            })
            .collect::<Result<_>>()?,
        (Some(_), _) => return Err(problem("`templates` must map names to {\"path\": ...}".into())),
        (None, Some(Json::Array(options))) => options
            .iter()
            .map(|option| {
                // Old style: "Title (path)".
                let label = option.as_str().unwrap_or_default().to_owned();
                let path = label
                    .split_once('(')
                    .and_then(|(_, rest)| rest.rsplit_once(')'))
                    .map(|(path, _)| path.to_owned())
                    .ok_or_else(|| problem(format!("`template` option {label:?} names no (path)")))?;
                Ok((label, path))
            })
            .collect::<Result<_>>()?,
        (None, Some(_)) => return Err(problem("`template` must list \"Title (path)\" options".into())),
        (None, None) => return Ok(None),
    };
    if offered.is_empty() {
        return Err(problem("it offers no nested template".into()));
    }
    offered
        .into_iter()
        .map(|(label, path)| {
            Ok(NestedTemplate {
                path: relative(&path).ok_or_else(|| {
                    problem(format!("the nested template path {path:?} must stay inside the template"))
                })?,
                label,
            })
        })
        .collect::<Result<_>>()
        .map(Some)
}

/// `path` without `.` parts, if it is relative and never climbs out.
fn relative(path: &str) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for part in Path::new(path).components() {
        match part {
            Component::Normal(name) => clean.push(name),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!clean.as_os_str().is_empty()).then_some(clean)
}

fn layout(path: &Path, message: String) -> Error {
    Error::TemplateLayout { path: path.to_owned(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert_eq!(relative("./django"), Some(PathBuf::from("django")));
        assert_eq!(relative("a/./b"), Some(PathBuf::from("a/b")));
        assert_eq!(relative("../x"), None);
        assert_eq!(relative("/etc"), None);
        assert_eq!(relative("."), None);
    }
}
