//! The `--force` commit's safety nets: a journal of what it changed, to undo
//! it on failure, and a record of what it is about to move, so that a run
//! killed half-way is finished by the next one.

use std::fs;
use std::path::{Path, PathBuf};

use super::beneath::{Beneath, Entry};
use crate::error::{Error, Result};

/// A staging directory's record of a `--force` commit in progress.
const COMMIT_FILE: &str = ".commit";

/// What a `--force` commit is about to move: from `staging/new/<name>` into
/// `destination`, these files.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Record {
    /// Absolute.
    pub(super) destination: PathBuf,
    /// The staged project directory's name.
    name: PathBuf,
    /// Relative to both the staged project and the destination.
    files: Vec<PathBuf>,
}

/// What a staging directory's record says.
pub(super) enum Recorded {
    /// No commit was under way.
    Nothing,
    /// A commit was under way.
    Commit(Record),
    /// A record stamp would not have written: a relative destination, or a
    /// path that leaves the staged project or the destination.
    Untrusted,
}

impl Record {
    /// Writes the record: the destination, the staged project's name and every
    /// staged file, NUL-separated (file names may hold newlines).
    pub(super) fn write(
        staging: &Path,
        destination: &Path,
        new_root: &Path,
        files: &[PathBuf],
    ) -> Result<()> {
        let destination =
            std::path::absolute(destination).map_err(|e| Error::io("resolve", destination, e))?;
        let name = Path::new(new_root.file_name().expect("the staged project has a name"));
        let mut record: Vec<u8> = Vec::new();
        for part in [destination.as_path(), name].into_iter().chain(files.iter().map(PathBuf::as_path)) {
            record.extend_from_slice(part.as_os_str().as_encoded_bytes());
            record.push(0);
        }
        let path = staging.join(COMMIT_FILE);
        fs::write(&path, record).map_err(|e| Error::io("write", &path, e))
    }

    /// Reads and checks a staging directory's record.
    pub(super) fn read(staging: &Path) -> Result<Recorded> {
        let path = staging.join(COMMIT_FILE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Recorded::Nothing),
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        let mut parts = bytes.split(|&b| b == 0).filter(|p| !p.is_empty()).map(path_from_bytes);
        let (Some(destination), Some(name)) = (parts.next(), parts.next()) else {
            return Ok(Recorded::Untrusted);
        };
        let files: Vec<PathBuf> = parts.collect();
        let trusted = destination.is_absolute() && is_plain_relative(&name) && name.components().count() == 1;
        if !trusted || !files.iter().all(|f| is_plain_relative(f)) {
            return Ok(Recorded::Untrusted);
        }
        Ok(Recorded::Commit(Record { destination, name, files }))
    }
}

/// Whether `path` is relative and made of plain names only (no `..`, no root).
fn is_plain_relative(path: &Path) -> bool {
    path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Finishes a `--force` commit that was killed: every staged file still in
/// staging is moved into place (replacing what is there), never through a link.
pub(super) fn roll_forward(staging: &Path, record: &Record) -> Result<()> {
    let staged = Beneath::open(&staging.join("new").join(&record.name))?;
    let destination = Beneath::open(&record.destination)?;
    let mut made = Vec::new();
    for relative in &record.files {
        let Ok(from) = staged.entry(relative, None) else { continue };
        if !from.exists() {
            continue;
        }
        let to = destination.entry(relative, Some(&mut made))?;
        from.rename_to(&to).map_err(|e| Error::io("finish writing", to.shown(), e))?;
    }
    Ok(())
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// What the commit of a `--force` run changed, to undo it on failure.
#[derive(Default)]
pub(super) struct Journal {
    /// Directories made in the destination, outermost first.
    pub(super) made: Vec<Entry>,
    placed: Vec<Entry>,
    /// Originals and where they were moved.
    moved_aside: Vec<(Entry, Entry)>,
}

impl Journal {
    /// Moves `target` aside to `backup`, to be put back on roll back.
    pub(super) fn move_aside(&mut self, target: Entry, backup: Entry) -> Result<()> {
        target.rename_to(&backup).map_err(|e| Error::io("move aside", target.shown(), e))?;
        self.moved_aside.push((target, backup));
        Ok(())
    }

    /// Moves a staged file into place at `target` (nothing may be there).
    pub(super) fn place(&mut self, staged: &Entry, target: Entry) -> Result<()> {
        staged.rename_to(&target).map_err(|e| Error::io("write", target.shown(), e))?;
        self.placed.push(target);
        Ok(())
    }

    /// Best effort: every step that fails here leaves its file in staging,
    /// never half in place.
    pub(super) fn roll_back(self) {
        for placed in self.placed.iter().rev() {
            let _ = placed.remove(false);
        }
        for (original, backup) in self.moved_aside.iter().rev() {
            let _ = backup.rename_to(original);
        }
        for dir in self.made.iter().rev() {
            let _ = dir.remove(true);
        }
    }
}
