//! Laying a project out: [`layout`] names every entry of a template with the
//! answers, following its dialect's rules, and leaves each file to be
//! rendered into memory ([`Layout::render`]) or handed to a writer as soon as
//! it is rendered ([`Layout::render_each`]). Nothing here touches the destination.

mod file;
mod names;
mod plan;
mod rules;

use std::sync::atomic::{AtomicU64, Ordering};

use minijinja::Value;

pub use plan::{Plan, PlannedEntry, PlannedFile};
pub(crate) use rules::Owned;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::events::{Event, Phase, Reporter};
use crate::par::parallel_map;
use crate::source::{SourceEntry, SourceFile, SourceTree};
use file::{as_text, render_file};
use names::{PathNames, render_component};
use rules::Excluded;

/// A project laid out: every entry named, in path order, and each file's
/// contents ready or still to render. [`Layout::render`] renders it into a
/// [`Plan`] in memory; [`Layout::render_each`] hands each file over as soon as
/// it is rendered, so that a project written to disk is never held whole.
pub(crate) struct Layout<'a> {
    /// The project directory's rendered name.
    pub root: String,
    entries: Vec<LaidOut<'a>>,
    /// Why naming stopped early: reported once the files named before it
    /// are rendered, unless one of them fails first.
    naming_error: Option<Error>,
    /// Bytes of the files rendered so far, held to the project limit.
    bytes: AtomicU64,
    engine: &'a Engine,
    context: &'a Value,
    new_lines: Option<String>,
    /// Secret values: a file holding one is private.
    secrets: &'a [String],
    /// The files that are the user's once they exist (`skip_if_exists`).
    owned: Owned,
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
/// Files holding one of `secrets` are made private.
pub(crate) fn layout<'a>(
    tree: &'a SourceTree,
    engine: &'a Engine,
    context: &'a Value,
    secrets: &'a [String],
) -> Result<Layout<'a>> {
    let dialect = tree.dialect();
    let new_lines = dialect.new_lines(context);
    let root = render_component(engine, &tree.top, &tree.top, context, engine.syntax().is_plain())?;
    if root.is_empty() {
        return Err(Error::TemplateLayout {
            path: tree.top.clone().into(),
            message: "the project directory's name renders empty".into(),
        });
    }
    let mut names = PathNames::new(&tree.top, dialect.empty_dir_is_error(), engine.syntax());
    let mut entries = Vec::with_capacity(tree.entries.len());
    let mut naming_error = None;
    for entry in &tree.entries {
        match plan_entry(entry, tree, engine, context, &mut names) {
            Ok(Some((path, file))) => entries.push(LaidOut { path, file }),
            Ok(None) => {}
            Err(err) => {
                naming_error = Some(err);
                break;
            }
        }
    }
    // `exclude` applies to rendered paths: an excluded directory goes with everything in it,
    // and a directory that held only excluded entries goes too.
    let excluded = Excluded::new(&tree.manifest().info)?;
    if !excluded.is_empty() {
        let paths: Vec<(&str, bool)> = entries.iter().map(|e| (e.path.as_str(), e.file.is_none())).collect();
        let dropped: std::collections::HashSet<String> =
            excluded.dropped(&paths).into_iter().map(str::to_owned).collect();
        entries.retain(|e| !dropped.contains(&e.path));
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    // A file whose name renders to an existing directory's is skipped, as
    // cookiecutter skips it (it takes such a name for an empty one).
    let dirs: std::collections::HashSet<String> =
        entries.iter().filter(|e| e.file.is_none()).map(|e| e.path.clone()).collect();
    entries.retain(|e| e.file.is_none() || !dirs.contains(&e.path));
    let owned = Owned::new(&tree.manifest().info, None)?;
    Ok(Layout {
        root,
        entries,
        naming_error,
        bytes: AtomicU64::new(0),
        engine,
        context,
        new_lines,
        secrets,
        owned,
    })
}

impl Layout<'_> {
    /// Adds a file stamp makes itself, keeping path order.
    pub(crate) fn add_file(&mut self, path: &str, contents: Vec<u8>) {
        let entry = LaidOut { path: path.to_owned(), file: Some(Contents::Made(contents)) };
        match self.entries.binary_search_by(|e| e.path.as_str().cmp(path)) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// The files that are the user's once they exist (`skip_if_exists`).
    pub(crate) fn owned(&self) -> Owned {
        self.owned.clone()
    }

    /// The directories, each after its parent.
    pub(crate) fn dirs(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(|e| e.file.is_none()).map(|e| e.path.as_str())
    }

    /// The files' paths, in order.
    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(|e| e.file.is_some()).map(|e| e.path.as_str())
    }

    /// Renders every file into a [`Plan`].
    pub(crate) fn render(self, report: Reporter) -> Result<Plan> {
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
    pub(crate) fn render_each(
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
        let limits = self.engine.limits();
        let mut file = match contents {
            Contents::Made(bytes) => {
                PlannedFile { contents: bytes.clone(), executable: false, private: false }
            }
            Contents::Verbatim(file) => {
                let read = file.read(limits.file_bytes)?;
                PlannedFile {
                    contents: read.contents.into_owned(),
                    executable: read.executable,
                    private: false,
                }
            }
            Contents::Render { source_path, file } => {
                let read = file.read(limits.file_bytes)?;
                let contents = match as_text(source_path, &read.contents) {
                    Some(text) => {
                        render_file(self.engine, source_path, text, self.context, self.new_lines.as_deref())?
                    }
                    None => read.contents.into_owned(),
                };
                PlannedFile { contents, executable: read.executable, private: false }
            }
        };
        file.private =
            self.secrets.iter().any(|s| memchr::memmem::find(&file.contents, s.as_bytes()).is_some());
        let size = u64::try_from(file.contents.len()).unwrap_or(u64::MAX);
        let total = self.bytes.fetch_add(size, Ordering::Relaxed).saturating_add(size);
        if total > limits.project_bytes {
            return Err(Error::TemplateLayout {
                path: self.root.clone().into(),
                message: format!("the project would hold more than {} bytes", limits.project_bytes),
            });
        }
        Ok(file)
    }
}

/// Names one entry: `None` when it is skipped (a name renders empty), else its
/// project-relative path and, for a file, what to do with its contents.
#[allow(clippy::type_complexity)]
fn plan_entry<'a>(
    entry: &'a SourceEntry,
    tree: &SourceTree,
    engine: &Engine,
    context: &Value,
    names: &mut PathNames,
) -> Result<Option<(String, Option<Contents<'a>>)>> {
    let below_top = &entry.path[tree.top.len() + 1..];
    let copied = names.verbatim_path(below_top);
    let copied_whole = copied.is_some();
    let path = match copied {
        Some(path) => path,
        None => match names.render(engine, &entry.path, context, entry.file.is_none())? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let contents = match &entry.file {
        // A directory matching copy_without_render is copied whole, names and all.
        None if !copied_whole && tree.dialect().is_verbatim(below_top) => {
            names.copy_verbatim(below_top, &path);
            None
        }
        None => None,
        Some(file) => Some(if copied_whole || tree.dialect().is_verbatim(below_top) {
            Contents::Verbatim(file)
        } else {
            Contents::Render { source_path: &entry.path, file }
        }),
    };
    Ok(Some((path, contents)))
}
