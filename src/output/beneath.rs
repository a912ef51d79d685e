//! Operations beneath a directory handle. Every path below the directory is
//! walked one component at a time, each opened without following links, and
//! files are moved by name relative to the handles: no symbolic link, planted
//! before the commit or swapped in during it, can redirect a write or a move
//! out of the directory.

use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rustix::fs::{AtFlags, CWD, Mode, OFlags};

use crate::error::{Error, Result};

/// An open directory and the path it is known by in messages.
#[derive(Clone)]
pub(super) struct Beneath {
    handle: Arc<OwnedFd>,
    shown: PathBuf,
}

/// A name inside an open directory.
#[derive(Clone)]
pub(super) struct Entry {
    pub(super) dir: Beneath,
    pub(super) name: OsString,
}

fn open_dir(at: &impl std::os::fd::AsFd, name: &OsStr) -> std::io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(at, name, flags, Mode::empty())?)
}

impl Beneath {
    /// Opens `dir`, which must be a directory and not a link.
    pub(super) fn open(dir: &Path) -> Result<Beneath> {
        let handle = open_dir(&CWD, dir.as_os_str()).map_err(|e| Error::io("open", dir, not_a_link(e)))?;
        Ok(Beneath { handle: Arc::new(handle), shown: dir.to_owned() })
    }

    /// The path `relative` is known by.
    pub(super) fn shown(&self, relative: &Path) -> PathBuf {
        self.shown.join(relative)
    }

    /// The directory `relative` below this one; missing directories are
    /// made when `made` is given, and recorded there, outermost first.
    pub(super) fn subdir(&self, relative: &Path, mut made: Option<&mut Vec<Entry>>) -> Result<Beneath> {
        let mut current = self.clone();
        for component in relative.components() {
            let Component::Normal(name) = component else {
                return Err(Error::io(
                    "write below",
                    self.shown(relative),
                    std::io::Error::other("not a plain path"),
                ));
            };
            let shown = current.shown.join(name);
            let handle = match (open_dir(&*current.handle, name), made.as_deref_mut()) {
                (Ok(handle), _) => handle,
                (Err(e), Some(made)) if e.kind() == std::io::ErrorKind::NotFound => {
                    rustix::fs::mkdirat(&*current.handle, name, Mode::from_raw_mode(0o777))
                        .map_err(|e| Error::io("create directory", &shown, e.into()))?;
                    made.push(Entry { dir: current.clone(), name: name.to_owned() });
                    open_dir(&*current.handle, name).map_err(|e| Error::io("open", &shown, not_a_link(e)))?
                }
                (Err(e), _) => return Err(Error::io("write below", &shown, not_a_link(e))),
            };
            current = Beneath { handle: Arc::new(handle), shown };
        }
        Ok(current)
    }

    /// The directory holding the file `relative`, and its name there.
    pub(super) fn entry(&self, relative: &Path, made: Option<&mut Vec<Entry>>) -> Result<Entry> {
        let name = relative.file_name().ok_or_else(|| {
            Error::io("write", self.shown(relative), std::io::Error::other("not a file name"))
        })?;
        let parent = relative.parent().unwrap_or(Path::new(""));
        Ok(Entry { dir: self.subdir(parent, made)?, name: name.to_owned() })
    }
}

impl Entry {
    /// The path it is known by.
    pub(super) fn shown(&self) -> PathBuf {
        self.dir.shown.join(&self.name)
    }

    /// Whether anything (a link included) has this name.
    pub(super) fn exists(&self) -> bool {
        rustix::fs::statat(&*self.dir.handle, &self.name, AtFlags::SYMLINK_NOFOLLOW).is_ok()
    }

    /// Moves it to `to`, replacing what is there.
    pub(super) fn rename_to(&self, to: &Entry) -> std::io::Result<()> {
        Ok(rustix::fs::renameat(&*self.dir.handle, &self.name, &*to.dir.handle, &to.name)?)
    }

    /// Removes a file (or, with `dir`, an empty directory).
    pub(super) fn remove(&self, dir: bool) -> std::io::Result<()> {
        let flags = if dir { AtFlags::REMOVEDIR } else { AtFlags::empty() };
        Ok(rustix::fs::unlinkat(&*self.dir.handle, &self.name, flags)?)
    }
}

/// Says why opening failed when it met a link.
fn not_a_link(e: std::io::Error) -> std::io::Error {
    if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        std::io::Error::other("it is a symbolic link, and stamp does not write through links")
    } else {
        e
    }
}
