//! Listing a template directory on disk: every entry checked (no link out
//! of the template, no special file), files read only when rendered.

use std::borrow::Cow;
use std::path::Path;

use super::{FileData, SourceEntry, SourceFile, layout_error};
use crate::error::{Error, Result};

/// Lists every entry below `dir/sub` (none if it does not exist), sorted by path.
pub(super) fn list_entries(dir: &Path, sub: &str) -> Result<Vec<SourceEntry>> {
    if !dir.join(sub).is_dir() {
        return Ok(Vec::new());
    }
    let root = dir.canonicalize().ok();
    // The walk follows its own root: that too must stay inside the template.
    check_link(dir, root.as_deref(), &dir.join(sub), sub)?;
    let mut entries = walkdir::WalkDir::new(dir.join(sub))
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| list_entry(dir, root.as_deref(), entry))
        .collect::<Result<Vec<_>>>()?;
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

/// One entry of the walk, checked: no link out of the template, no special file.
fn list_entry(
    dir: &Path,
    root: Option<&Path>,
    entry: walkdir::Result<walkdir::DirEntry>,
) -> Result<SourceEntry> {
    let entry = entry.map_err(|e| {
        let path = e.path().unwrap_or(dir).to_owned();
        Error::io("read template file", path, e.into())
    })?;
    let relative = entry.path().strip_prefix(dir).expect("walk stays below the template");
    let Some(path) = relative.to_str().map(|p| p.replace(std::path::MAIN_SEPARATOR, "/")) else {
        return Err(layout_error(dir, format!("{} is not valid UTF-8", relative.display())));
    };
    let kind = entry.file_type();
    let (is_dir, is_file) = if kind.is_symlink() {
        check_link(dir, root, entry.path(), &path)?;
        let metadata =
            std::fs::metadata(entry.path()).map_err(|e| Error::io("read template file", entry.path(), e))?;
        (metadata.is_dir(), metadata.is_file())
    } else {
        (kind.is_dir(), kind.is_file())
    };
    if is_dir {
        Ok(SourceEntry { path, file: None })
    } else if is_file {
        Ok(SourceEntry { path, file: Some(SourceFile::OnDisk(entry.into_path())) })
    } else {
        Err(layout_error(dir, format!("{path} is a special file, which templates may not hold")))
    }
}

/// A link is followed, as cookiecutter follows it, but only to a place
/// inside the template (`root`, canonical); `shown` names it in errors.
fn check_link(dir: &Path, root: Option<&Path>, link: &Path, shown: &str) -> Result<()> {
    if !std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(());
    }
    let problem = match (link.canonicalize(), root) {
        (Ok(target), Some(root)) if target.starts_with(root) => return Ok(()),
        (Ok(_), _) => "a symbolic link to somewhere outside the template",
        (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => "a symbolic link to nothing",
        (Err(_), _) => "a symbolic link that cannot be followed (a loop?)",
    };
    Err(layout_error(dir, format!("{shown} is {problem}")))
}

/// A file's bytes and mode with four system calls: `open`, one `fstat` for
/// both the mode and the size, one `read` of exactly that size (a template
/// is not expected to change while it is read), `close`.
pub(super) fn read_file(path: &Path, max_bytes: u64) -> Result<FileData> {
    read_at_most(path, max_bytes).map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => Error::TemplateLayout {
            path: path.to_owned(),
            message: format!("{e}, more than the {max_bytes} a template file may hold"),
        },
        _ => Error::io("read template file", path, e),
    })
}

/// [`read_file`] as I/O: a file over `max_bytes` is not read at all
/// (`FileTooLarge`, saying its size).
fn read_at_most(path: &Path, max_bytes: u64) -> std::io::Result<FileData> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.len() > max_bytes {
        let size = format!("it is {} bytes", metadata.len());
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, size));
    }
    let mut contents = vec![0; usize::try_from(metadata.len()).unwrap_or(usize::MAX)];
    file.read_exact(&mut contents)?;
    Ok(FileData { contents: Cow::Owned(contents), executable: crate::file_mode::is_executable(&metadata) })
}
