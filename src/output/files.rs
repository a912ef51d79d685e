//! Writing single files and trees: files created fresh with their mode set
//! on the open file, and never through a link.

use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::render::PlannedFile;

/// Refuses to write `relative` below `destination` if the destination or any
/// directory on the way is a symbolic link: stamp never writes through links.
pub(super) fn refuse_links(destination: &Path, relative: &Path) -> Result<()> {
    let mut current = destination.to_owned();
    let mut components: Vec<_> = relative.components().collect();
    components.pop();
    for component in std::iter::once(None).chain(components.into_iter().map(Some)) {
        if let Some(component) = component {
            current.push(component);
        }
        if fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::io(
                "write below",
                &current,
                std::io::Error::other("it is a symbolic link, and stamp does not write through links"),
            ));
        }
    }
    Ok(())
}

/// Copies a directory tree (files, directories and executable bits).
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(|e| Error::io("read", e.path().unwrap_or(from).to_owned(), e.into()))?;
        let target = to.join(entry.path().strip_prefix(from).expect("below the source"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?;
        } else {
            fs::copy(entry.path(), &target).map_err(|e| Error::io("copy to", &target, e))?;
        }
    }
    Ok(())
}

/// Creates `path`'s parent directories.
pub(super) fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e)),
        None => Ok(()),
    }
}

/// Creates the directories of `relative` below `root`, which must exist: a
/// tree whose root vanished (a staging directory removed under a run) is an
/// error, never silently made again.
pub(super) fn create_dirs_below(root: &Path, relative: &Path) -> Result<()> {
    let mut current = root.to_owned();
    for component in relative.components() {
        current.push(component);
        match fs::create_dir(&current) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(Error::io("create directory", &current, e));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes a file below `root` (a staging tree stamp owns): created fresh
/// (never through a planted link), its directories made below `root` if
/// needed, with its mode set on the open file. A file already there (a
/// `pre_gen_project` hook made it) is replaced, as cookiecutter does.
pub(super) fn write_below(root: &Path, relative: &str, file: &PlannedFile) -> Result<()> {
    let target = root.join(relative);
    match create_file(&target, file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_dirs_below(root, Path::new(relative).parent().unwrap_or(Path::new("")))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(&target).map_err(|e| Error::io("replace", &target, e))?;
        }
        result => return result.map_err(|e| Error::io("write", &target, e)),
    }
    create_file(&target, file).map_err(|e| Error::io("write", &target, e))
}

/// Writes one file (bytes and mode), creating its parents and replacing any
/// file already there; for trees stamp owns outright (snapshots, check runs).
pub(crate) fn replace_file(target: &Path, file: &PlannedFile) -> Result<()> {
    create_parent(target)?;
    if fs::symlink_metadata(target).is_ok() {
        fs::remove_file(target).map_err(|e| Error::io("replace", target, e))?;
    }
    create_file(target, file).map_err(|e| Error::io("write", target, e))
}

/// Creates `target` (which must not exist) and writes the bytes. An
/// executable is created with execute permission wherever the user's umask
/// allows it, as `chmod +x` would add it.
fn create_file(target: &Path, file: &PlannedFile) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(match (file.executable, file.private) {
            (true, true) => 0o700,
            (true, false) => 0o777,
            (false, true) => 0o600,
            (false, false) => 0o666,
        });
    }
    options.open(target)?.write_all(&file.contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_on_the_way_are_refused() {
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("project");
        fs::create_dir_all(&destination).unwrap();
        std::os::unix::fs::symlink(parent.path(), destination.join("escape")).unwrap();
        assert!(refuse_links(&destination, Path::new("escape/file.txt")).is_err());
        assert!(
            refuse_links(&destination, Path::new("escape")).is_ok(),
            "the link itself is replaced, not followed"
        );
        assert!(refuse_links(&destination, Path::new("docs/file.txt")).is_ok());
    }
}
