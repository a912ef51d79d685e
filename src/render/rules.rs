//! The template's rules on rendered, project-relative paths: `exclude`
//! (never written) and `skip_if_exists` (written when the project is
//! created, then the user's).

use std::collections::HashSet;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::{Error, Result};
use crate::model::TemplateInfo;

/// Compiles a `[template]` glob list (each glob was checked, with its line,
/// when the manifest was read).
fn compile(field: &str, patterns: &[String]) -> Result<GlobSet> {
    let invalid = |err: globset::Error| Error::TemplateLayout {
        path: "stamp.toml".into(),
        message: format!("{field}: {err}"),
    };
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(Glob::new(pattern).map_err(invalid)?);
    }
    builder.build().map_err(invalid)
}

/// Whether `path` or a directory it is in matches `set`.
fn matches_or_inside(set: &GlobSet, path: &str) -> bool {
    !set.is_empty()
        && path.match_indices('/').map(|(i, _)| &path[..i]).chain([path]).any(|prefix| set.is_match(prefix))
}

/// `exclude`: what is never written.
pub(crate) struct Excluded(GlobSet);

impl Excluded {
    pub(crate) fn new(info: &TemplateInfo) -> Result<Excluded> {
        compile("exclude", &info.exclude).map(Excluded)
    }

    /// Whether nothing is excluded.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the entry at `path`, or a directory it is in, is excluded.
    pub(crate) fn contains(&self, path: &str) -> bool {
        matches_or_inside(&self.0, path)
    }

    /// The entries of a layout (path, and whether a directory) that are not
    /// written: the excluded ones, and the directories that held excluded
    /// entries and nothing else (a directory the template leaves empty stays).
    pub(crate) fn dropped<'p>(&self, entries: &[(&'p str, bool)]) -> HashSet<&'p str> {
        let mut dropped: HashSet<&str> =
            entries.iter().map(|(path, _)| *path).filter(|path| self.contains(path)).collect();
        if dropped.is_empty() {
            return dropped;
        }
        let parents = |path: &'p str| path.match_indices('/').map(move |(i, _)| &path[..i]);
        let emptied: HashSet<&str> = dropped.iter().flat_map(|path| parents(path)).collect();
        let kept: HashSet<&str> = entries
            .iter()
            .filter(|(path, is_dir)| !dropped.contains(path) && (!*is_dir || !emptied.contains(path)))
            .flat_map(|(path, _)| parents(path))
            .collect();
        dropped.extend(emptied.into_iter().filter(|dir| !kept.contains(dir)));
        dropped
    }
}

/// `skip_if_exists`: the files the user owns once they exist.
#[derive(Clone, Debug)]
pub(crate) struct Owned(GlobSet);

impl Owned {
    /// The files `info` (and `more`, another version of the same template) hands over to the user.
    pub(crate) fn new(info: &TemplateInfo, more: Option<&TemplateInfo>) -> Result<Owned> {
        let mut patterns = info.skip_if_exists.clone();
        patterns.extend(more.iter().flat_map(|more| more.skip_if_exists.iter().cloned()));
        compile("skip_if_exists", &patterns).map(Owned)
    }

    /// Whether the file at `path` (or a directory it is in) is the user's once it exists.
    pub(crate) fn contains(&self, path: &str) -> bool {
        matches_or_inside(&self.0, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_match_covers_what_is_inside() {
        let info = TemplateInfo { exclude: vec!["docs".into(), "*.tmp".into()], ..TemplateInfo::default() };
        let excluded = Excluded::new(&info).unwrap();
        for path in ["docs", "docs/a.md", "docs/x/y", "a.tmp", "src/b.tmp"] {
            assert!(excluded.contains(path), "{path}");
        }
        for path in ["doc", "src/docs.md", "README.md"] {
            assert!(!excluded.contains(path), "{path}");
        }
        assert!(!Excluded::new(&TemplateInfo::default()).unwrap().contains("a"));
    }

    #[test]
    fn directories_left_empty_by_exclusion_go_too() {
        let info = TemplateInfo { exclude: vec!["*.bak".into()], ..TemplateInfo::default() };
        let excluded = Excluded::new(&info).unwrap();
        let entries = [
            ("a", true),
            ("a/b", true),
            ("a/b/x.bak", false),
            ("c", true),
            ("c/d", true),
            ("c/d/y.bak", false),
            ("c/z.txt", false),
            ("empty", true),
        ];
        let mut dropped: Vec<&str> = excluded.dropped(&entries).into_iter().collect();
        dropped.sort_unstable();
        assert_eq!(dropped, ["a", "a/b", "a/b/x.bak", "c/d", "c/d/y.bak"]);
    }
}
