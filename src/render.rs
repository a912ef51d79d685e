//! Rendering: the one minijinja environment configured like cookiecutter's
//! Jinja2 (strict undefined, trailing newline kept, no autoescape), and
//! [`layout`], which names a project's entries from a template and answers,
//! leaving each file to be rendered into memory or handed to a writer.
//! Nothing here touches the destination.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::cookiecutter::Syntax;
use crate::error::{Error, Result};
use crate::filters::{self, Determinism};
use crate::manifest::is_identifier;
use crate::python;
use crate::source::{SourceEntry, SourceFile, SourceTree};

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

/// An environment configured the way cookiecutter configures Jinja2.
pub fn environment(determinism: Determinism) -> Environment<'static> {
    environment_with(determinism, &Syntax::default())
}

/// [`environment`] with a template's own syntax (`_jinja2_env_vars`).
fn environment_with(determinism: Determinism, syntax: &Syntax) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let [block_start, block_end, variable_start, variable_end, comment_start, comment_end] =
        syntax.delimiters.clone();
    let mut builder = minijinja::syntax::SyntaxConfig::builder();
    builder
        .block_delimiters(block_start, block_end)
        .variable_delimiters(variable_start, variable_end)
        .comment_delimiters(comment_start, comment_end)
        .keep_trailing_newline(syntax.keep_trailing_newline)
        .trim_blocks(syntax.trim_blocks)
        .lstrip_blocks(syntax.lstrip_blocks);
    if let Some(prefix) = &syntax.line_statement_prefix {
        builder.line_statement_prefix(prefix.clone());
    }
    if let Some(prefix) = &syntax.line_comment_prefix {
        builder.line_comment_prefix(prefix.clone());
    }
    env.set_syntax(builder.build().expect("delimiters were checked when the template was read"));
    // minijinja's `json` feature would escape `.json`/`.yaml` output; cookiecutter never escapes.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(python::formatter);
    env.set_unknown_method_callback(python::unknown_method);
    // Jinja2's filters that minijinja keeps in its contrib crate (truncate, wordcount, ...).
    minijinja_contrib::add_to_environment(&mut env);
    filters::add_filters(&mut env);
    filters::add_helpers(&mut env, determinism);
    env.set_debug(true);
    env
}

/// The environment for rendering `tree`: its syntax, plus a loader that
/// resolves `include` and `extends` like cookiecutter's (the project
/// directory first, then a sibling `templates/`).
pub fn environment_for(tree: &Arc<SourceTree>, determinism: Determinism) -> Environment<'static> {
    let syntax = tree.cookiecutter.as_ref().map(|d| d.syntax.clone()).unwrap_or_default();
    let mut env = environment_with(determinism, &syntax);
    let loader_tree = Arc::clone(tree);
    env.set_loader(move |name| {
        let text = |path: String| {
            loader_tree
                .text(&path)
                .map_err(|err| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, err.to_string()))
        };
        let found = match text(format!("{}/{name}", loader_tree.top))? {
            Some(found) => Some(found),
            None => text(format!("templates/{name}"))?,
        };
        Ok(found.map(|text| filters::rewrite_now_tags(&text).into_owned()))
    });
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

/// Which files are copied without rendering: stamp's globs, or
/// cookiecutter's fnmatch patterns, both on the path below the project directory.
enum Verbatim {
    Globs(GlobSet),
    Fnmatch(Vec<regex::Regex>),
}

impl Verbatim {
    fn for_tree(tree: &SourceTree) -> Result<Verbatim> {
        let invalid = |err: String| Error::Manifest { problems: vec![format!("copy_without_render: {err}")] };
        Ok(match &tree.cookiecutter {
            Some(definition) => Verbatim::Fnmatch(
                definition
                    .copy_without_render
                    .iter()
                    .map(|p| regex::Regex::new(&fnmatch_regex(p)).map_err(|e| invalid(e.to_string())))
                    .collect::<Result<_>>()?,
            ),
            None => {
                let mut builder = GlobSetBuilder::new();
                for pattern in &tree.manifest.info.copy_without_render {
                    builder.add(Glob::new(pattern).map_err(|e| invalid(e.to_string()))?);
                }
                Verbatim::Globs(builder.build().map_err(|e| invalid(e.to_string()))?)
            }
        })
    }

    fn is_match(&self, path: &str) -> bool {
        match self {
            Verbatim::Globs(set) => set.is_match(path),
            Verbatim::Fnmatch(patterns) => patterns.iter().any(|p| p.is_match(path)),
        }
    }
}

/// Python's `fnmatch.translate`: `*` and `?` cross `/`, `[...]` is a class.
fn fnmatch_regex(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("(?s)^");
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '[' => match chars[i + 1..].iter().position(|&c| c == ']').map(|p| p + i + 1) {
                // A `]` right after `[` or `[!` belongs to the class.
                Some(mut close) => {
                    let start = i + 1 + usize::from(chars.get(i + 1) == Some(&'!'));
                    if close == start {
                        match chars[close + 1..].iter().position(|&c| c == ']') {
                            Some(p) => close = close + 1 + p,
                            None => {
                                out.push_str("\\[");
                                i += 1;
                                continue;
                            }
                        }
                    }
                    let body: String = chars[start..close].iter().collect();
                    let negate = if start > i + 1 { "^" } else { "" };
                    out.push_str(&format!("[{negate}{}]", body.replace('\\', "\\\\").replace('[', "\\[")));
                    i = close;
                }
                None => out.push_str("\\["),
            },
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out.push('$');
    out
}

/// A project laid out: every entry named, in path order, and each file's
/// contents ready or still to render. [`Layout::render`] renders it into a
/// [`Plan`] in memory; [`Layout::render_each`] hands each file over as soon as
/// it is rendered, so that a project written to disk is never held whole.
pub struct Layout<'a> {
    /// The project directory's rendered name.
    pub root: String,
    entries: Vec<LaidOut<'a>>,
    /// Why naming stopped early: reported once the files named before it
    /// are rendered, unless one of them fails first.
    naming_error: Option<Error>,
    env: &'a Environment<'static>,
    context: &'a Value,
    new_lines: Option<String>,
    syntax: Syntax,
}

/// One entry of a [`Layout`]: its project-relative path and, for a file,
/// where its contents come from.
struct LaidOut<'a> {
    path: String,
    file: Option<Contents<'a>>,
}

/// What a file of a [`Layout`] holds.
enum Contents<'a> {
    /// A file copied as it is (`copy_without_render`).
    Verbatim(&'a SourceFile),
    /// A template file, rendered unless it is binary; errors name it by
    /// its path in the template.
    Render { source_path: &'a str, file: &'a SourceFile },
    /// Bytes stamp made itself (the answers file).
    Made(Vec<u8>),
}

/// Names every entry of `tree` (a directory's name is needed by everything
/// inside it, so this runs in path order) and leaves the contents to
/// [`Layout::render`] or [`Layout::render_each`].
pub fn layout<'a>(
    tree: &'a SourceTree,
    env: &'a Environment<'static>,
    context: &'a Value,
) -> Result<Layout<'a>> {
    let verbatim = Verbatim::for_tree(tree)?;
    let cookiecutter = tree.cookiecutter.as_ref();
    // `_new_lines` is read from the context: like any variable it may be overridden.
    let new_lines = context
        .get_attr("cookiecutter")
        .and_then(|c| c.get_attr("_new_lines"))
        .ok()
        .and_then(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned));
    let new_lines = cookiecutter.and(new_lines);
    let syntax = cookiecutter.map(|d| d.syntax.clone()).unwrap_or_default();
    let root = render_component(env, &tree.top, &tree.top, context, plain_syntax(&syntax))?;
    if root.is_empty() {
        return Err(Error::TemplateLayout {
            path: tree.top.clone().into(),
            message: "the project directory's name renders empty".into(),
        });
    }
    let mut names = PathNames::new(&tree.top, cookiecutter.is_some(), &syntax);
    let mut entries = Vec::with_capacity(tree.entries.len());
    let mut naming_error = None;
    for entry in &tree.entries {
        match plan_entry(entry, tree, env, context, &verbatim, &mut names) {
            Ok(Some((path, file))) => entries.push(LaidOut { path, file }),
            Ok(None) => {}
            Err(err) => {
                naming_error = Some(err);
                break;
            }
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    // A file whose name renders to an existing directory's is skipped, as
    // cookiecutter skips it (it takes such a name for an empty one).
    let dirs: std::collections::HashSet<String> =
        entries.iter().filter(|e| e.file.is_none()).map(|e| e.path.clone()).collect();
    entries.retain(|e| e.file.is_none() || !dirs.contains(&e.path));
    Ok(Layout { root, entries, naming_error, env, context, new_lines, syntax })
}

impl Layout<'_> {
    /// Adds a file stamp makes itself, keeping path order.
    pub fn add_file(&mut self, path: &str, contents: Vec<u8>) {
        let entry = LaidOut { path: path.to_owned(), file: Some(Contents::Made(contents)) };
        match self.entries.binary_search_by(|e| e.path.as_str().cmp(path)) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// The directories, each after its parent.
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(|e| e.file.is_none()).map(|e| e.path.as_str())
    }

    /// The files' paths, in order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(|e| e.file.is_some()).map(|e| e.path.as_str())
    }

    /// Renders every file into a [`Plan`].
    pub fn render(self, report: Reporter) -> Result<Plan> {
        let mut contents = self
            .map_files(Phase::Rendering, report, |_, mut file| {
                // The plan holds every file until it is written: no spare capacity.
                file.contents.shrink_to_fit();
                Ok(file)
            })?
            .into_iter();
        if let Some(err) = self.naming_error {
            return Err(err);
        }
        let entries = self
            .entries
            .into_iter()
            .map(|e| PlannedEntry { file: e.file.and_then(|_| contents.next()), path: e.path })
            .collect();
        Ok(Plan { root: self.root, entries })
    }

    /// Renders the files on all cores and passes each to `write` with its
    /// project-relative path as soon as it is ready. The error reported when
    /// several files fail (the first in path order) is the one rendering and
    /// writing them one after the other would report.
    pub fn render_each(
        self,
        report: Reporter,
        write: impl Fn(&str, PlannedFile) -> Result<()> + Sync,
    ) -> Result<()> {
        self.map_files(Phase::Writing, report, write)?;
        self.naming_error.map_or(Ok(()), Err)
    }

    /// Renders each file and applies `f` on all cores, reporting a step per file.
    fn map_files<R: Send>(
        &self,
        phase: Phase,
        report: Reporter,
        f: impl Fn(&str, PlannedFile) -> Result<R> + Sync,
    ) -> Result<Vec<R>> {
        let files: Vec<(&str, &Contents)> =
            self.entries.iter().filter_map(|e| e.file.as_ref().map(|file| (e.path.as_str(), file))).collect();
        let job = |&(path, contents): &(&str, &Contents)| f(path, self.contents(contents)?);
        report(Event::Started { phase, total: files.len() });
        let mut reported = 0;
        let progress = &mut |done| {
            for (path, _) in &files[reported..done] {
                report(Event::Step { path });
            }
            reported = done;
        };
        let results = parallel_map(&files, progress, job)?;
        report(Event::Finished);
        Ok(results)
    }

    /// A file's final bytes and mode. Template files are read here, on all
    /// cores; binary ones (found out here too) are copied as they are.
    fn contents(&self, contents: &Contents) -> Result<PlannedFile> {
        match contents {
            Contents::Made(bytes) => Ok(PlannedFile { contents: bytes.clone(), executable: false }),
            Contents::Verbatim(file) => {
                let read = file.read()?;
                Ok(PlannedFile { contents: read.contents.into_owned(), executable: read.executable })
            }
            Contents::Render { source_path, file } => {
                let read = file.read()?;
                let contents = match as_text(source_path, &read.contents) {
                    Some(text) => render_file(
                        self.env,
                        source_path,
                        text,
                        self.context,
                        self.new_lines.as_deref(),
                        &self.syntax,
                    )?,
                    None => read.contents.into_owned(),
                };
                Ok(PlannedFile { contents, executable: read.executable })
            }
        }
    }
}

/// Names one entry: `None` when it is skipped (a name renders empty), else its
/// project-relative path and, for a file, what to do with its contents.
#[allow(clippy::type_complexity)]
fn plan_entry<'a>(
    entry: &'a SourceEntry,
    tree: &SourceTree,
    env: &Environment,
    context: &Value,
    verbatim: &Verbatim,
    names: &mut PathNames,
) -> Result<Option<(String, Option<Contents<'a>>)>> {
    let below_top = &entry.path[tree.top.len() + 1..];
    let copied = names.verbatim_path(below_top);
    let copied_whole = copied.is_some();
    let path = match copied {
        Some(path) => path,
        None => match names.render(env, &entry.path, context, entry.file.is_none())? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let contents = match &entry.file {
        // A directory matching copy_without_render is copied whole, names and all.
        None if !copied_whole && verbatim.is_match(below_top) => {
            names.copy_verbatim(below_top, &path);
            None
        }
        None => None,
        Some(file) => Some(if copied_whole || verbatim.is_match(below_top) {
            Contents::Verbatim(file)
        } else {
            Contents::Render { source_path: &entry.path, file }
        }),
    };
    Ok(Some((path, contents)))
}

/// Files per thread below which another thread is not worth starting.
const MIN_ITEMS_PER_THREAD: usize = 16;

/// Items a thread claims at a time.
const BLOCK: usize = 8;

/// Applies `f` to every item on up to one thread per core and returns the
/// results in order, or the error of the first item (in order) that failed.
/// Items after a failed one may be skipped. `progress` is called on the
/// calling thread, from time to time, with the number of items done.
pub(crate) fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    progress: &mut dyn FnMut(usize),
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(f(item)?);
            progress(i + 1);
        }
        return Ok(out);
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    // Items after this index need not run: an earlier one failed.
    let limit = AtomicUsize::new(usize::MAX);
    let work = |on_item: &mut dyn FnMut()| {
        let mut out = Vec::new();
        'claim: loop {
            let start = next.fetch_add(BLOCK, Ordering::Relaxed);
            if start >= items.len() {
                break;
            }
            let end = (start + BLOCK).min(items.len());
            for (i, item) in items[start..end].iter().enumerate().map(|(k, item)| (start + k, item)) {
                if i > limit.load(Ordering::Relaxed) {
                    break 'claim;
                }
                let result = f(item);
                if result.is_err() {
                    limit.fetch_min(i, Ordering::Relaxed);
                }
                out.push((i, result));
                done.fetch_add(1, Ordering::Relaxed);
                on_item();
            }
        }
        out
    };
    let mut slots: Vec<Option<Result<R>>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(|| work(&mut || {}))).collect();
        let mine = work(&mut || progress(done.load(Ordering::Relaxed)));
        for (i, result) in mine.into_iter().chain(helpers.into_iter().flat_map(|h| match h.join() {
            Ok(results) => results,
            Err(panic) => std::panic::resume_unwind(panic),
        })) {
            slots[i] = Some(result);
        }
    });
    progress(items.len());
    let mut out = Vec::with_capacity(items.len());
    for slot in slots {
        match slot {
            Some(result) => out.push(result?),
            // Skipped because an earlier item failed, which returned above.
            None => unreachable!("an item is only skipped after an earlier one failed"),
        }
    }
    Ok(out)
}

/// Renders template-relative paths one component at a time, remembering
/// directories already rendered (and those skipped because they rendered empty).
struct PathNames {
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
    fn new(top: &str, empty_dir_is_error: bool, syntax: &Syntax) -> Self {
        PathNames {
            top: top.to_owned(),
            dirs: HashMap::new(),
            verbatim: Vec::new(),
            empty_dir_is_error,
            markers: [syntax.delimiters[0].clone(), syntax.delimiters[2].clone()],
            substitute: plain_syntax(syntax),
        }
    }

    /// Marks a directory as copied without rendering what is inside it.
    fn copy_verbatim(&mut self, below_top: &str, rendered: &str) {
        self.verbatim.push((format!("{below_top}/"), format!("{rendered}/")));
    }

    /// The output path of an entry inside a verbatim directory.
    fn verbatim_path(&self, below_top: &str) -> Option<String> {
        self.verbatim.iter().find_map(|(source, rendered)| {
            below_top.strip_prefix(source.as_str()).map(|rest| format!("{rendered}{rest}"))
        })
    }

    /// The project-relative rendered path, or `None` when a component renders empty.
    fn render(
        &mut self,
        env: &Environment,
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
                    let rendered = self.render(env, &format!("{}/{parent}", self.top), context, true)?;
                    self.dirs.insert(parent.to_owned(), rendered.clone());
                    match rendered {
                        Some(p) => format!("{p}/"),
                        None => return Ok(None),
                    }
                }
            },
        };
        let rendered_name = if self.markers.iter().any(|m| name.contains(m.as_str())) {
            render_component(env, path, name, context, self.substitute)?
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
fn render_component(
    env: &Environment,
    path: &str,
    name: &str,
    context: &Value,
    substitute: bool,
) -> Result<String> {
    let rendered = match substitute.then(|| substitute_strings(name, context)).flatten() {
        Some(rendered) => rendered,
        None => render_str(env, path, &filters::rewrite_now_tags(name), context)?,
    };
    if rendered.contains(['/', '\\', '\0']) || rendered == "." || rendered == ".." {
        return Err(Error::TemplateLayout {
            path: path.into(),
            message: format!("the name renders to {rendered:?}, which is not a single file name"),
        });
    }
    Ok(rendered)
}

/// Whether `syntax` is Jinja's default, the only one [`substitute_strings`] knows.
fn plain_syntax(syntax: &Syntax) -> bool {
    syntax.delimiters == Syntax::default().delimiters
        && syntax.line_statement_prefix.is_none()
        && syntax.line_comment_prefix.is_none()
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

/// Renders a text file the way cookiecutter does: newlines normalised to
/// `\n` for Jinja, then written with `new_lines` or the newline the file used.
fn render_file(
    env: &Environment,
    path: &str,
    text: &str,
    context: &Value,
    new_lines: Option<&str>,
    syntax: &Syntax,
) -> Result<Vec<u8>> {
    let newline = new_lines.unwrap_or_else(|| detect_newline(text));
    let source: std::borrow::Cow<str> =
        if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n").into() } else { text.into() };
    let (head, tail) = split_plain_tail(&source, syntax);
    let head = filters::rewrite_now_tags_with(head, syntax.trim_blocks);
    let mut rendered = if head.is_empty() { String::new() } else { render_str(env, path, &head, context)? };
    rendered.push_str(tail);
    if newline != "\n" {
        rendered = rendered.replace('\n', newline);
    }
    Ok(rendered.into_bytes())
}

/// Splits `source` before its plain tail: the text after the last end
/// delimiter (all of it when there is none), when it holds no start
/// delimiter. Rendering copies such text unchanged, yet the engine scans it
/// character by character, and files often end in long stretches of it, or
/// hold no tag at all. No tag can end inside the tail (its end delimiter
/// would come later) and none begins there, so the split is at the top
/// level. Returns `(source, "")` wherever a rule could change the tail:
/// whitespace control on the last tag, `trim_blocks`, a dropped final
/// newline, line statements, another syntax, or `extends`, which drops text
/// outside blocks.
fn split_plain_tail<'s>(source: &'s str, syntax: &Syntax) -> (&'s str, &'s str) {
    let whole = (source, "");
    if !plain_syntax(syntax) || syntax.trim_blocks || !syntax.keep_trailing_newline {
        return whole;
    }
    // Every delimiter is two bytes: an end is `}` after one of `%}#`, a start
    // `{` before one of them.
    let bytes = source.as_bytes();
    let is_end = |&at: &usize| at > 0 && matches!(bytes[at - 1], b'%' | b'}' | b'#');
    let end = memchr::memrchr_iter(b'}', bytes).find(is_end).map_or(0, |last_brace| last_brace + 1);
    let (head, tail) = source.split_at(end);
    let starts_tag = |at: usize| matches!(bytes.get(at + 1), Some(b'%' | b'{' | b'#'));
    // `end` is 0 (no tag) or just past a two-byte delimiter.
    if (end > 0 && source[..end - 2].ends_with('-'))
        || memchr::memchr_iter(b'{', tail.as_bytes()).any(|at| starts_tag(head.len() + at))
        || memchr::memmem::find(head.as_bytes(), b"extends").is_some()
    {
        return whole;
    }
    (head, tail)
}

/// The newline a file is written with, as cookiecutter picks it: Python's
/// `newlines` of the first chunk read, whose first member wins in the order
/// `\r`, `\n`, `\r\n`; `\n` when the file has none.
fn detect_newline(text: &str) -> &'static str {
    let mut end = text.len().min(8192);
    if memchr::memchr(b'\r', &text.as_bytes()[..end]).is_none() {
        return "\n";
    }
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

/// A file's text, or `None` when it is copied as it is instead of rendered, approximating
/// cookiecutter's binaryornot: an extension that names a binary format, a
/// known file signature, contents that are not UTF-8, or a start made mostly
/// of control bytes. Text with a stray NUL is still text, as it is there.
fn as_text<'a>(path: &str, contents: &'a [u8]) -> Option<&'a str> {
    const BINARY_EXTENSIONS: &[&str] = &[
        "7z", "a", "aac", "aif", "aiff", "avi", "avif", "bin", "bmp", "bz2", "class", "db", "dll", "dmg",
        "doc", "docx", "dylib", "eot", "epub", "exe", "flac", "flv", "gif", "gz", "heic", "ico", "img",
        "iso", "jar", "jpeg", "jpg", "lz", "lz4", "lzma", "m4a", "m4v", "mid", "mkv", "mov", "mp3", "mp4",
        "mpeg", "mpg", "npy", "npz", "o", "odt", "ogg", "otf", "parquet", "pdf", "png", "ppt", "pptx", "psd",
        "pyc", "pyo", "rar", "so", "sqlite", "sqlite3", "tar", "tif", "tiff", "ttc", "ttf", "wasm", "wav",
        "webm", "webp", "wma", "wmv", "woff", "woff2", "xls", "xlsx", "xz", "zip", "zst",
    ];
    const SIGNATURES: &[&[u8]] = &[
        b"\x89PNG",
        b"GIF8",
        b"\xff\xd8\xff",
        b"%PDF",
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"\x7fELF",
        b"BZh",
        b"\xfd7zXZ",
        b"7z\xbc\xaf",
        b"Rar!",
        b"\0asm",
        b"wOFF",
        b"wOF2",
        b"\0\0\x01\0",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if extension.is_some_and(|e| BINARY_EXTENSIONS.contains(&e.as_str())) {
        return None;
    }
    if contents.is_empty() {
        return Some("");
    }
    if SIGNATURES.iter().any(|s| contents.starts_with(s)) {
        return None;
    }
    let text = std::str::from_utf8(contents).ok()?;
    let chunk = &contents[..contents.len().min(512)];
    let control = chunk.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    (control * 10 <= chunk.len()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_off_the_plain_tail_never_changes_the_output() {
        const FRAGMENTS: &[&str] = &[
            "text ",
            "\n",
            "  \n",
            "{{ x }}",
            "{{- x }}",
            "{{ x -}}",
            "{% if x %}",
            "{% endif %}",
            "{%- if x -%}",
            "{%- endif -%}",
            "{# c #}",
            "{#- c -#}",
            "}}",
            "%}",
            "#}",
            "{% raw %}{{ %}{% endraw %}",
            "{{ '}}' }}",
            "{{ x }}}",
            "{% for i in [1, 2] %}{{ i }}{% endfor %}",
            "{% extends 'base' %}",
            "{% set y = 1 %}",
            "{%+ if x %}",
            "{{ missing }}",
            "{% block b %}B{% endblock %}",
        ];
        let mut env = environment(Determinism::default());
        env.add_template("base", "[{% block b %}{% endblock %}]").unwrap();
        let ctx = map([("x".to_owned(), Value::from("X"))]);
        let mut split = 0;
        for a in FRAGMENTS {
            for b in FRAGMENTS {
                for c in FRAGMENTS {
                    let source = format!("{a}{b}{c} plain tail\n");
                    let (head, tail) = split_plain_tail(&source, &Syntax::default());
                    if tail.is_empty() {
                        continue;
                    }
                    split += 1;
                    let whole = env.render_str(&source, &ctx).map_err(|e| e.kind());
                    let parts = env.render_str(head, &ctx).map(|h| h + tail).map_err(|e| e.kind());
                    assert_eq!(parts, whole, "{source:?}");
                }
            }
        }
        assert!(split > 1000, "only {split} sources were split");
        for syntax in [
            Syntax { trim_blocks: true, ..Syntax::default() },
            Syntax { keep_trailing_newline: false, ..Syntax::default() },
            Syntax { line_statement_prefix: Some("#".into()), ..Syntax::default() },
        ] {
            assert_eq!(split_plain_tail("{{ x }} tail", &syntax), ("{{ x }} tail", ""), "{syntax:?}");
        }
        assert_eq!(split_plain_tail("{{ x }} tail", &Syntax::default()), ("{{ x }}", " tail"));
        assert_eq!(split_plain_tail("no tag } at all\n", &Syntax::default()), ("", "no tag } at all\n"));
    }

    #[test]
    fn newline_detection_follows_cookiecutter() {
        assert_eq!(detect_newline("a\r\nb\r\n"), "\r\n");
        assert_eq!(detect_newline("a\r\nb\n"), "\n");
        assert_eq!(detect_newline("a\rb"), "\r");
        assert_eq!(detect_newline("no newline"), "\n");
    }

    #[test]
    fn environment_is_strict_and_keeps_newlines() {
        let env = environment(Determinism::default());
        let ctx = map([("x".into(), Value::from(true))]);
        assert_eq!(env.render_str("{{ x }}\n", &ctx).unwrap(), "True\n");
        assert!(env.render_str("{% if missing %}{% endif %}", &ctx).is_err());
        let name = "a.json";
        assert_eq!(env.render_named_str(name, "{{ '\"q\"' }}", &ctx).unwrap(), "\"q\"");
    }

    #[test]
    fn substituted_names_are_what_the_engine_renders() {
        let env = environment(Determinism::default());
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
            assert_eq!(substitute_strings(name, &ctx), Some(env.render_str(name, &ctx).unwrap()), "{name}");
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

    #[test]
    fn crlf_files_keep_crlf_and_values_are_not_normalised() {
        let env = environment(Determinism::default());
        let ctx = map([("v".into(), Value::from("a\nb"))]);
        let out = render_file(&env, "f", "x={{ v }}\r\ny\r\n", &ctx, None, &Syntax::default()).unwrap();
        assert_eq!(out, b"x=a\r\nb\r\ny\r\n");
    }
}

#[cfg(test)]
mod fnmatch_tests {
    use super::fnmatch_regex;

    fn matches(pattern: &str, path: &str) -> bool {
        regex::Regex::new(&fnmatch_regex(pattern)).unwrap().is_match(path)
    }

    #[test]
    fn fnmatch_semantics() {
        assert!(matches("*.txt", "a/b.txt"), "* crosses /");
        assert!(matches("{{cookiecutter.x}}-rendered/README.md", "{{cookiecutter.x}}-rendered/README.md"));
        assert!(matches("file?.[!b]x", "file1.ax"));
        assert!(!matches("file?.[!b]x", "file1.bx"));
        assert!(matches("[]]", "]"));
        assert!(!matches("*.txt", "a.txt.bak"));
    }
}
