//! The `--force` commit's safety nets: a journal of what it changed, to undo
//! it on failure, and a record of what it is about to move, so that a run
//! killed half-way is finished by the next one.

use std::fs;
use std::path::{Path, PathBuf};

use super::files::{create_parent, refuse_links};
use crate::error::{Error, Result};

/// A staging directory's record of a `--force` commit in progress.
pub(super) const COMMIT_FILE: &str = ".commit";

/// The commit record: the destination, the staged root and every staged
/// file, NUL-separated (file names may hold newlines).
pub(super) fn write_commit_record(
    staging: &Path,
    destination: &Path,
    new_root: &Path,
    files: &[PathBuf],
) -> Result<()> {
    let destination = std::path::absolute(destination).map_err(|e| Error::io("resolve", destination, e))?;
    let mut record: Vec<u8> = Vec::new();
    for part in [destination.as_path(), new_root].into_iter().chain(files.iter().map(PathBuf::as_path)) {
        record.extend_from_slice(part.as_os_str().as_encoded_bytes());
        record.push(0);
    }
    let path = staging.join(COMMIT_FILE);
    fs::write(&path, record).map_err(|e| Error::io("write", &path, e))
}

/// Finishes a `--force` commit that was killed: every staged file still in
/// staging is moved into place (replacing what is there).
pub(super) fn roll_forward(staging: &Path) -> Result<()> {
    let path = staging.join(COMMIT_FILE);
    let record = fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
    let mut parts = record.split(|&b| b == 0).filter(|p| !p.is_empty()).map(path_from_bytes);
    let (Some(destination), Some(new_root)) = (parts.next(), parts.next()) else { return Ok(()) };
    for relative in parts {
        let staged = new_root.join(&relative);
        if fs::symlink_metadata(&staged).is_err() {
            continue;
        }
        refuse_links(&destination, &relative)?;
        let target = destination.join(&relative);
        create_parent(&target)?;
        fs::rename(&staged, &target).map_err(|e| Error::io("finish writing", &target, e))?;
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
    created_dirs: Vec<PathBuf>,
    placed: Vec<PathBuf>,
    moved_aside: Vec<(PathBuf, PathBuf)>,
}

impl Journal {
    pub(super) fn create_dirs(&mut self, dir: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut current = Some(dir);
        while let Some(d) = current {
            if fs::symlink_metadata(d).is_ok() {
                break;
            }
            missing.push(d.to_owned());
            current = d.parent();
        }
        for d in missing.into_iter().rev() {
            fs::create_dir(&d).map_err(|e| Error::io("create directory", &d, e))?;
            self.created_dirs.push(d);
        }
        Ok(())
    }

    /// Moves `target` aside to `backup`, to be put back on roll back.
    pub(super) fn move_aside(&mut self, target: &Path, backup: PathBuf) -> Result<()> {
        create_parent(&backup)?;
        fs::rename(target, &backup).map_err(|e| Error::io("move aside", target, e))?;
        self.moved_aside.push((target.to_owned(), backup));
        Ok(())
    }

    /// Moves a staged file into place at `target` (nothing may be there).
    pub(super) fn place(&mut self, staged: &Path, target: PathBuf) -> Result<()> {
        fs::rename(staged, &target).map_err(|e| Error::io("write", &target, e))?;
        self.placed.push(target);
        Ok(())
    }

    /// Best effort: every step that fails here leaves its file in staging,
    /// never half in place.
    pub(super) fn roll_back(self) {
        for path in self.placed.iter().rev() {
            let _ = fs::remove_file(path);
        }
        for (original, backup) in self.moved_aside.iter().rev() {
            let _ = fs::rename(backup, original);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}
