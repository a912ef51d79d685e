//! `stamp check`: render named answer sets and compare them with stored
//! snapshot trees (`<snapshots>/<case>.toml` beside `<snapshots>/<case>/`),
//! or rewrite those trees on purpose with `--update`. Differences are shown
//! so that line endings, a missing final newline and trailing whitespace are
//! visible.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use similar::{ChangeTag, TextDiff};

use crate::engine::{Determinism, Limits};
use crate::error::{Error, Result};
use crate::file_mode::is_executable;
use crate::given::Given;
use crate::pipeline::render_project;
use crate::prompt::NoPrompter;
use crate::render::Plan;
use crate::source::SourceTree;

/// One file as stored or rendered: bytes and executable bit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState {
    contents: Vec<u8>,
    executable: bool,
}

type Tree = BTreeMap<String, FileState>;

/// One way a rendered case differs from its snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// A text file whose contents differ; `diff` is a unified diff.
    Content {
        /// The file, relative to the project directory.
        path: String,
        /// A unified diff, stored to rendered.
        diff: String,
    },
    /// A binary file whose contents differ.
    Binary {
        /// The file, relative to the project directory.
        path: String,
        /// The stored size in bytes.
        stored: usize,
        /// The rendered size in bytes.
        rendered: usize,
        /// The offset of the first byte that differs.
        first_difference: usize,
    },
    /// Same bytes, different executable bit.
    Mode {
        /// The file, relative to the project directory.
        path: String,
        /// Whether the rendered file is executable.
        rendered_executable: bool,
    },
    /// Rendered but not in the snapshot.
    Added {
        /// The file, relative to the project directory.
        path: String,
    },
    /// In the snapshot but no longer rendered.
    Removed {
        /// The file, relative to the project directory.
        path: String,
    },
}

/// What happened to one case.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaseOutcome {
    /// The rendered project is the snapshot.
    Matches,
    /// The rendered project differs from the snapshot.
    Differs(Vec<Difference>),
    /// `--update` rewrote the snapshot; these were the differences.
    Updated(Vec<Difference>),
    /// The case could not be rendered.
    Failed(Error),
}

/// A case's name and outcome.
#[derive(Debug)]
pub struct CaseReport {
    /// The case: `<case>.toml` beside `<case>/`.
    pub name: String,
    /// What became of it.
    pub outcome: CaseOutcome,
}

/// Checks (or with `update`, rewrites) the named cases, or every case when
/// `names` is empty. Errors about one case are reported in its outcome; only
/// problems that stop every case (the template, the snapshots directory) are
/// returned as `Err`.
pub fn check(
    tree: &Arc<SourceTree>,
    snapshots: &Path,
    names: &[String],
    update: bool,
    determinism: Determinism,
    limits: Limits,
) -> Result<Vec<CaseReport>> {
    let available = list_cases(snapshots)?;
    let selected: Vec<String> = if names.is_empty() {
        available.clone()
    } else {
        for name in names {
            if !available.contains(name) {
                return Err(Error::InvalidInput(format!(
                    "no case `{name}` in {} (cases: {})",
                    snapshots.display(),
                    if available.is_empty() { "none".to_owned() } else { available.join(", ") }
                )));
            }
        }
        names.to_vec()
    };
    if selected.is_empty() {
        return Err(Error::InvalidInput(format!(
            "no cases in {}: add <case>.toml answers files there",
            snapshots.display()
        )));
    }
    Ok(selected
        .into_iter()
        .map(|name| {
            let outcome = match check_case(tree, snapshots, &name, update, determinism, limits) {
                Ok(outcome) => outcome,
                Err(err) => CaseOutcome::Failed(err),
            };
            CaseReport { name, outcome }
        })
        .collect())
}

/// The case names: every `<case>.toml` in the snapshots directory, sorted.
fn list_cases(snapshots: &Path) -> Result<Vec<String>> {
    let listing = fs::read_dir(snapshots).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::InvalidInput(format!(
            "no snapshots directory {}: create it with a <case>.toml answers file per case (then \
             `stamp check --update` stores what each renders), or name another with --snapshots",
            snapshots.display()
        )),
        _ => Error::io("read snapshots directory", snapshots, e),
    })?;
    let mut names = Vec::new();
    for entry in listing {
        let path = entry.map_err(|e| Error::io("read snapshots directory", snapshots, e))?.path();
        if path.extension().is_some_and(|e| e == "toml")
            && path.is_file()
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn check_case(
    tree: &Arc<SourceTree>,
    snapshots: &Path,
    name: &str,
    update: bool,
    determinism: Determinism,
    limits: Limits,
) -> Result<CaseOutcome> {
    let mut given = Given::default();
    given.load_file(&snapshots.join(format!("{name}.toml")))?;
    let rendered =
        render_project(tree, &given, &mut NoPrompter, &|_| {}, determinism, limits, Path::new("."))?;
    let rendered = plan_tree(&rendered.plan);
    let dir = snapshots.join(name);
    if !update && fs::symlink_metadata(&dir).is_err() {
        return Err(Error::InvalidInput(format!(
            "case `{name}` has no snapshot yet ({} is missing): run `stamp check --update {name}` to store what it renders",
            dir.display()
        )));
    }
    let stored = read_tree(&dir)?;
    let differences = compare(&stored, &rendered);
    if differences.is_empty() {
        return Ok(CaseOutcome::Matches);
    }
    if update {
        write_tree(&dir, &stored, &rendered)?;
        return Ok(CaseOutcome::Updated(differences));
    }
    Ok(CaseOutcome::Differs(differences))
}

fn plan_tree(plan: &Plan) -> Tree {
    plan.entries
        .iter()
        .filter_map(|e| {
            let file = e.file.as_ref()?;
            Some((e.path.clone(), FileState { contents: file.contents.clone(), executable: file.executable }))
        })
        .collect()
}

/// The files below `dir` (none if it does not exist yet).
fn read_tree(dir: &Path) -> Result<Tree> {
    let mut tree = Tree::new();
    if fs::symlink_metadata(dir).is_err() {
        return Ok(tree);
    }
    // Snapshots hold plain files: a link would make `--update` write, and a
    // diff print, whatever it points to.
    let refuse = |path: &Path| {
        Error::io(
            "read snapshot",
            path,
            std::io::Error::other("it is a symbolic link; snapshots hold plain files"),
        )
    };
    for entry in walkdir::WalkDir::new(dir).follow_root_links(false) {
        let entry =
            entry.map_err(|e| Error::io("read snapshot", e.path().unwrap_or(dir).to_owned(), e.into()))?;
        if entry.path_is_symlink() {
            return Err(refuse(entry.path()));
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        let relative = path.strip_prefix(dir).expect("below the case directory");
        let key = relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
        let contents = fs::read(path).map_err(|e| Error::io("read snapshot", path, e))?;
        let metadata = fs::metadata(path).map_err(|e| Error::io("read snapshot", path, e))?;
        tree.insert(key, FileState { contents, executable: is_executable(&metadata) });
    }
    Ok(tree)
}

/// Every difference between a stored and a rendered tree, in path order.
fn compare(stored: &Tree, rendered: &Tree) -> Vec<Difference> {
    let mut paths: Vec<&String> = stored.keys().chain(rendered.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut differences = Vec::new();
    for path in paths {
        let path = path.clone();
        match (stored.get(&path), rendered.get(&path)) {
            (None, Some(_)) => differences.push(Difference::Added { path }),
            (Some(_), None) => differences.push(Difference::Removed { path }),
            (Some(old), Some(new)) => {
                if old.contents != new.contents {
                    differences.push(content_difference(path.clone(), &old.contents, &new.contents));
                }
                if old.executable != new.executable {
                    differences.push(Difference::Mode { path, rendered_executable: new.executable });
                }
            }
            (None, None) => unreachable!("path came from one of the trees"),
        }
    }
    differences
}

fn content_difference(path: String, old: &[u8], new: &[u8]) -> Difference {
    match (text_of(old), text_of(new)) {
        (Some(old_text), Some(new_text)) => {
            Difference::Content { diff: unified_diff(&path, old_text, new_text), path }
        }
        _ => Difference::Binary {
            stored: old.len(),
            rendered: new.len(),
            first_difference: old
                .iter()
                .zip(new)
                .position(|(a, b)| a != b)
                .unwrap_or(old.len().min(new.len())),
            path,
        },
    }
}

fn text_of(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) { None } else { std::str::from_utf8(bytes).ok() }
}

/// A unified diff of two texts in which invisible differences show:
/// a CRLF ending as `␍`, trailing spaces and tabs as `·` and `→`, and a
/// missing final newline as `\ No newline at end of file`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut out = format!("--- snapshot/{path}\n+++ rendered/{path}\n");
    for group in diff.grouped_ops(3) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let _ = writeln!(
            out,
            "@@ -{},{} +{},{} @@",
            old_range.start + 1,
            old_range.len(),
            new_range.start + 1,
            new_range.len()
        );
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let _ = writeln!(out, "{sign}{}", visible_line(change.value()));
                if !change.value().ends_with('\n') {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

fn visible_line(line: &str) -> String {
    let (body, crlf) = match line.strip_suffix("\r\n") {
        Some(body) => (body, true),
        None => (line.strip_suffix('\n').unwrap_or(line), false),
    };
    let trimmed = body.trim_end_matches([' ', '\t']);
    let mut shown = trimmed.replace('\r', "␍");
    for c in body[trimmed.len()..].chars() {
        shown.push(if c == '\t' { '→' } else { '·' });
    }
    if crlf {
        shown.push('␍');
    }
    shown
}

/// Makes `dir` hold exactly `rendered`, touching only what differs.
fn write_tree(dir: &Path, stored: &Tree, rendered: &Tree) -> Result<()> {
    for path in stored.keys().filter(|p| !rendered.contains_key(*p)) {
        let target = dir.join(path);
        fs::remove_file(&target).map_err(|e| Error::io("remove", &target, e))?;
        remove_empty_parents(dir, &target);
    }
    for (path, state) in rendered {
        if stored.get(path) == Some(state) {
            continue;
        }
        let target = dir.join(path);
        let file = crate::render::PlannedFile {
            contents: state.contents.clone(),
            executable: state.executable,
            private: false,
        };
        crate::output::replace_file(&target, &file)?;
    }
    Ok(())
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current: Option<PathBuf> = file.parent().map(Path::to_owned);
    while let Some(dir) = current {
        if dir == root || fs::remove_dir(&dir).is_err() {
            break;
        }
        current = dir.parent().map(Path::to_owned);
    }
}

impl Difference {
    /// The path the difference concerns.
    pub fn path(&self) -> &str {
        match self {
            Difference::Content { path, .. }
            | Difference::Binary { path, .. }
            | Difference::Mode { path, .. }
            | Difference::Added { path }
            | Difference::Removed { path } => path,
        }
    }

    /// One word for the kind of change, used in `--update` listings.
    pub fn kind(&self) -> &'static str {
        match self {
            Difference::Content { .. } | Difference::Binary { .. } => "changed",
            Difference::Mode { .. } => "mode",
            Difference::Added { .. } => "added",
            Difference::Removed { .. } => "removed",
        }
    }

    /// How the difference is shown to people.
    pub fn describe(&self) -> String {
        match self {
            Difference::Content { diff, .. } => diff.clone(),
            Difference::Binary { path, stored, rendered, first_difference } => format!(
                "binary file {path} differs: snapshot {stored} bytes, rendered {rendered} bytes, first difference at byte {first_difference}\n"
            ),
            Difference::Mode { path, rendered_executable: true } => {
                format!("mode of {path}: rendered executable, snapshot not\n")
            }
            Difference::Mode { path, rendered_executable: false } => {
                format!("mode of {path}: snapshot executable, rendered not\n")
            }
            Difference::Added { path } => format!("extra file {path}: rendered, not in the snapshot\n"),
            Difference::Removed { path } => {
                format!("missing file {path}: in the snapshot, no longer rendered\n")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_differences_are_visible() {
        let diff = unified_diff("f", "a\nb\n", "a\r\nb  \n");
        assert!(diff.contains("-a\n-b\n+a␍\n+b··\n"), "{diff}");
        let diff = unified_diff("f", "a\n", "a");
        assert!(diff.contains("-a\n+a\n\\ No newline at end of file\n"), "{diff}");
    }

    #[test]
    fn compare_reports_every_kind() {
        let file = |c: &[u8], x| FileState { contents: c.to_vec(), executable: x };
        let stored: Tree = [
            ("bin".into(), file(b"\0ab", false)),
            ("gone".into(), file(b"x", false)),
            ("mode".into(), file(b"m", false)),
        ]
        .into();
        let rendered: Tree = [
            ("bin".into(), file(b"\0ac", false)),
            ("mode".into(), file(b"m", true)),
            ("new".into(), file(b"n", false)),
        ]
        .into();
        let differences = compare(&stored, &rendered);
        assert_eq!(
            differences,
            [
                Difference::Binary { path: "bin".into(), stored: 3, rendered: 3, first_difference: 2 },
                Difference::Removed { path: "gone".into() },
                Difference::Mode { path: "mode".into(), rendered_executable: true },
                Difference::Added { path: "new".into() },
            ]
        );
    }
}
