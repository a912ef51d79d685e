//! Rendering: the one minijinja environment configured like cookiecutter's
//! Jinja2 (strict undefined, trailing newline kept, no autoescape), and
//! [`plan`], which turns a template and answers into the project's files in
//! memory. Nothing here touches the destination.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::answers::Answers;
use crate::error::{Error, Result};
use crate::filters;
use crate::source::SourceTree;

/// Progress reported while rendering and writing.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A phase begins with `total` steps.
    Started { phase: Phase, total: usize },
    /// One step of the current phase is done.
    Step { path: &'a str },
    /// The current phase is over.
    Finished,
}

/// The long phases of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Rendering,
    Writing,
}

/// Receives [`Event`]s; the CLI draws them, library users may ignore them.
pub type Reporter<'r> = &'r dyn Fn(Event);

/// A project rendered in memory, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The project directory's rendered name.
    pub root: String,
    /// Entries relative to `root`, sorted by path.
    pub entries: Vec<PlannedEntry>,
}

/// One directory or file of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEntry {
    /// `/`-separated, relative to the project root.
    pub path: String,
    /// `None` for a directory.
    pub file: Option<PlannedFile>,
}

/// A file's final bytes and whether it is executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub contents: Vec<u8>,
    pub executable: bool,
}

impl Plan {
    /// The number of files (not directories).
    pub fn file_count(&self) -> usize {
        self.entries.iter().filter(|e| e.file.is_some()).count()
    }

    /// Adds a file, keeping entries sorted.
    pub fn add_file(&mut self, path: &str, contents: Vec<u8>) {
        let entry =
            PlannedEntry { path: path.to_owned(), file: Some(PlannedFile { contents, executable: false }) };
        match self.entries.binary_search_by(|e| e.path.as_str().cmp(path)) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }
}

/// An environment configured the way cookiecutter configures Jinja2.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .expect("default delimiters are valid");
    env.set_syntax(syntax);
    // minijinja's `json` feature would escape `.json`/`.yaml` output; cookiecutter never escapes.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(filters::python_formatter);
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    env.add_filter("slugify", |text: &str| filters::slugify(text));
    env.add_filter("jsonify", filters::jsonify);
    env.set_debug(true);
    env
}

/// A template map value that keeps insertion order.
pub fn map(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::from_object(
        entries.into_iter().map(|(k, v)| (Value::from(k), v)).collect::<indexmap::IndexMap<Value, Value>>(),
    )
}

/// Renders a small template (a default, a condition, a name) to a string.
pub fn render_str(env: &Environment, name: &str, source: &str, context: &Value) -> Result<String> {
    env.render_named_str(name, source, context).map_err(|err| Error::render(name, Some(source), err))
}

/// Renders every entry of `tree` with `answers`.
pub fn plan(tree: Arc<SourceTree>, answers: &Answers, report: Reporter) -> Result<Plan> {
    let mut env = environment();
    let loader_tree = Arc::clone(&tree);
    env.set_loader(move |name| {
        // cookiecutter's loader roots: the project directory, then a sibling `templates/`.
        let found = loader_tree
            .text(&format!("{}/{name}", loader_tree.top))
            .or_else(|| loader_tree.text(&format!("templates/{name}")));
        Ok(found.map(str::to_owned))
    });
    let context = answers.context();
    let verbatim = glob_set(&tree.manifest.info.copy_without_render)?;

    let root = render_component(&env, &tree.top, &tree.top, &context)?;
    if root.is_empty() {
        return Err(Error::TemplateLayout {
            path: tree.top.clone().into(),
            message: "the project directory's name renders empty".into(),
        });
    }
    let mut names = PathNames::new(&tree.top);
    let mut entries = Vec::with_capacity(tree.entries.len());
    report(Event::Started { phase: Phase::Rendering, total: tree.entries.len() });
    for entry in &tree.entries {
        report(Event::Step { path: &entry.path });
        let Some(path) = names.render(&env, &entry.path, &context)? else { continue };
        let file = match &entry.file {
            None => None,
            Some(file) => {
                let contents = if verbatim.is_match(&entry.path) || is_binary(&file.contents) {
                    file.contents.clone()
                } else {
                    render_file(&env, &entry.path, &file.contents, &context)?
                };
                Some(PlannedFile { contents, executable: file.executable })
            }
        };
        entries.push(PlannedEntry { path, file });
    }
    report(Event::Finished);
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan { root, entries })
}

/// Renders template-relative paths one component at a time, remembering
/// directories already rendered (and those skipped because they rendered empty).
struct PathNames {
    top: String,
    dirs: HashMap<String, Option<String>>,
}

impl PathNames {
    fn new(top: &str) -> Self {
        PathNames { top: top.to_owned(), dirs: HashMap::new() }
    }

    /// The project-relative rendered path, or `None` when a component renders empty.
    fn render(&mut self, env: &Environment, path: &str, context: &Value) -> Result<Option<String>> {
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
                    let rendered = self.render(env, &format!("{}/{parent}", self.top), context)?;
                    self.dirs.insert(parent.to_owned(), rendered.clone());
                    match rendered {
                        Some(p) => format!("{p}/"),
                        None => return Ok(None),
                    }
                }
            },
        };
        let rendered_name = render_component(env, path, name, context)?;
        let result = (!rendered_name.is_empty()).then(|| format!("{rendered_parent}{rendered_name}"));
        self.dirs.insert(below_top.to_owned(), result.clone());
        Ok(result)
    }
}

/// Renders one file or directory name and refuses names that would leave
/// the directory they belong to.
fn render_component(env: &Environment, path: &str, name: &str, context: &Value) -> Result<String> {
    if !name.contains("{{") && !name.contains("{%") {
        return Ok(name.to_owned());
    }
    let rendered = render_str(env, path, name, context)?;
    if rendered.contains(['/', '\\', '\0']) || rendered == "." || rendered == ".." {
        return Err(Error::TemplateLayout {
            path: path.into(),
            message: format!("the name renders to {rendered:?}, which is not a single file name"),
        });
    }
    Ok(rendered)
}

/// Renders a text file the way cookiecutter does: newlines normalised to
/// `\n` for Jinja, then written with the newline the file used.
fn render_file(env: &Environment, path: &str, contents: &[u8], context: &Value) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(contents).expect("binary files are not rendered");
    let newline = detect_newline(text);
    let source =
        if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_owned() };
    let rendered = render_str(env, path, &source, context)?;
    Ok(if newline == "\n" { rendered.into_bytes() } else { rendered.replace('\n', newline).into_bytes() })
}

/// The newline a file is written with, as cookiecutter picks it: Python's
/// `newlines` of the first chunk read, whose first member wins in the order
/// `\r`, `\n`, `\r\n`; `\n` when the file has none.
fn detect_newline(text: &str) -> &'static str {
    let mut end = text.len().min(8192);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let chunk = &text.as_bytes()[..end];
    let (mut cr, mut lf, mut crlf) = (false, false, false);
    let mut i = 0;
    while i < chunk.len() {
        match chunk[i] {
            b'\r' if chunk.get(i + 1) == Some(&b'\n') => {
                crlf = true;
                i += 1;
            }
            b'\r' => cr = true,
            b'\n' => lf = true,
            _ => {}
        }
        i += 1;
    }
    if cr {
        "\r"
    } else if lf || !crlf {
        "\n"
    } else {
        "\r\n"
    }
}

/// Files that are not UTF-8 text, or hold a NUL byte, are copied as they are.
fn is_binary(contents: &[u8]) -> bool {
    contents[..contents.len().min(8192)].contains(&0) || std::str::from_utf8(contents).is_err()
}

fn glob_set(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|err| Error::Manifest { problems: vec![format!("copy_without_render: {err}")] })?;
        builder.add(glob);
    }
    builder.build().map_err(|err| Error::Manifest { problems: vec![format!("copy_without_render: {err}")] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newline_detection_follows_cookiecutter() {
        assert_eq!(detect_newline("a\r\nb\r\n"), "\r\n");
        assert_eq!(detect_newline("a\r\nb\n"), "\n");
        assert_eq!(detect_newline("a\rb"), "\r");
        assert_eq!(detect_newline("no newline"), "\n");
    }

    #[test]
    fn environment_is_strict_and_keeps_newlines() {
        let env = environment();
        let ctx = map([("x".into(), Value::from(true))]);
        assert_eq!(env.render_str("{{ x }}\n", &ctx).unwrap(), "True\n");
        assert!(env.render_str("{% if missing %}{% endif %}", &ctx).is_err());
        let name = "a.json";
        assert_eq!(env.render_named_str(name, "{{ '\"q\"' }}", &ctx).unwrap(), "\"q\"");
    }

    #[test]
    fn crlf_files_keep_crlf_and_values_are_not_normalised() {
        let env = environment();
        let ctx = map([("v".into(), Value::from("a\nb"))]);
        let out = render_file(&env, "f", b"x={{ v }}\r\ny\r\n", &ctx).unwrap();
        assert_eq!(out, b"x=a\r\nb\r\ny\r\n");
    }
}
