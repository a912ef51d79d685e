//! A staging directory beside the destination: the project is built there
//! (and hooks run there), then committed in one step. Its owner holds a lock
//! on it for as long as it exists, so that no other run takes it for a dead
//! run's; it is registered with the interrupt handler, and removed when
//! dropped.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::beneath::Beneath;
use super::files::{create_dirs_below, refuse_links, write_below};
use super::journal::{Journal, Record};
use crate::changeset::Action;
use crate::error::{Error, Result};
use crate::events::{Event, Phase, Reporter};
use crate::interrupt::{self, Registration};
use crate::render::{Plan, PlannedFile};
use crate::reserved::STAGING_PREFIX;

/// The file that marks a staging directory as stamp's, made once its owner
/// holds the directory's lock.
pub(super) const MARKER_FILE: &str = ".stamp";

/// A project being staged beside its destination.
pub(crate) struct Staging {
    // Field order matters: the directory is removed before the handler forgets it.
    dir: Option<tempfile::TempDir>,
    registration: Option<Registration>,
    /// The directory, locked for as long as it exists.
    _lock: File,
    /// `dir/new/<project name>`, so that hooks see the project's own name
    /// as their working directory's.
    root: PathBuf,
    /// Where the project goes: errors name its paths, not staging's.
    destination: PathBuf,
    /// The directories made for the staging directory to live in, innermost
    /// first: removed again unless the project was committed into them.
    made_parents: Vec<PathBuf>,
    committed: bool,
}

impl Staging {
    /// Creates a staging directory in `parent` (created if missing) for a
    /// project named `name`. Its name holds this process's id, so that it is
    /// never without an owner.
    pub(crate) fn begin(parent: &Path, destination: &Path) -> Result<Staging> {
        let name = destination.file_name().expect("a project directory has a name");
        let made_parents: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|dir| fs::symlink_metadata(dir).is_err())
            .map(Path::to_owned)
            .collect();
        fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        // Creating and registering are one critical section: a Ctrl-C in
        // between must find the directory registered.
        let _critical = interrupt::critical();
        let (dir, lock) = loop {
            let dir = tempfile::Builder::new()
                .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
                .tempdir_in(parent)
                .map_err(|e| Error::io("create a staging directory in", parent, e))?;
            let lock = File::open(dir.path()).map_err(|e| Error::io("open", dir.path(), e))?;
            lock.lock().map_err(|e| Error::io("lock", dir.path(), e))?;
            // Until it is locked, the empty directory looks like one a killed
            // run left, and another run may have removed it: then start over.
            if is_same_directory(&lock, dir.path()) {
                break (dir, lock);
            }
        };
        let marker = dir.path().join(MARKER_FILE);
        File::create_new(&marker).map_err(|e| Error::io("create", &marker, e))?;
        let registration = interrupt::register(dir.path());
        let root = dir.path().join("new").join(name);
        create_dirs_below(dir.path(), Path::new("new").join(name).as_path())?;
        Ok(Staging {
            dir: Some(dir),
            registration: Some(registration),
            _lock: lock,
            root,
            destination: destination.to_owned(),
            made_parents,
            committed: false,
        })
    }

    /// The staged project directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Writes a file of a new project (any thread may call it). A file a
    /// `pre_gen_project` hook already made there is replaced, as cookiecutter does.
    pub(crate) fn write_file(&self, path: &str, file: &PlannedFile) -> Result<()> {
        let _critical = interrupt::critical();
        write_below(&self.root, path, file).map_err(|e| self.at_destination(e))
    }

    /// An error about a staged path, told about the path it stands for.
    fn at_destination(&self, err: Error) -> Error {
        match err {
            Error::Io { action, path, source } => match path.strip_prefix(&self.root) {
                Ok(relative) => Error::Io { action, path: self.destination.join(relative), source },
                Err(_) => Error::Io { action, path, source },
            },
            other => other,
        }
    }

    /// Creates a directory of the project (and its parents).
    pub(crate) fn create_dir(&self, path: &str) -> Result<()> {
        let _critical = interrupt::critical();
        create_dirs_below(&self.root, Path::new(path)).map_err(|e| self.at_destination(e))
    }

    /// Stages what `changes` writes of `plan`, and every directory of the plan.
    pub(crate) fn stage_changes(
        &self,
        plan: &Plan,
        changes: &[(Action, String)],
        report: Reporter,
    ) -> Result<()> {
        let to_write: std::collections::HashSet<&str> =
            changes.iter().filter(|(a, _)| a.writes()).map(|(_, p)| p.as_str()).collect();
        report(Event::Started { phase: Phase::Writing, total: to_write.len() });
        for entry in &plan.entries {
            match &entry.file {
                None => self.create_dir(&entry.path)?,
                Some(file) if to_write.contains(entry.path.as_str()) => {
                    report(Event::Step { path: &entry.path });
                    self.write_file(&entry.path, file)?;
                }
                Some(_) => {}
            }
        }
        report(Event::Finished);
        Ok(())
    }

    /// Moves a new project into place with one rename; a destination that
    /// appeared meanwhile is left as it is.
    pub(crate) fn commit_new(mut self, destination: &Path) -> Result<()> {
        let _critical = interrupt::critical();
        fs::rename(&self.root, destination).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty => {
                Error::DestinationExists { path: destination.to_owned() }
            }
            _ => Error::io("move the project into place at", destination, e),
        })?;
        self.mark_committed();
        Ok(())
    }

    fn mark_committed(&mut self) {
        self.committed = true;
        if let Some(registration) = &self.registration {
            registration.committed();
        }
    }

    /// Swaps whatever the staged tree holds (hooks may have added files)
    /// into an existing destination one file at a time, and removes the
    /// files `deletions` names, keeping every original aside so that any
    /// failure puts them all back. A record written first lets the next run
    /// finish a commit this process is killed in.
    pub(crate) fn commit_into(mut self, destination: &Path, deletions: &[String]) -> Result<()> {
        let (staged_dirs, staged_files) = self.staged_entries()?;
        let deletions: Vec<PathBuf> = deletions.iter().map(PathBuf::from).collect();
        for relative in staged_dirs.iter().chain(&staged_files).chain(&deletions) {
            refuse_links(destination, relative)?;
        }
        let dir = self.dir.as_ref().expect("a staging directory exists until it is dropped").path();
        // Every move below goes through directory handles opened without
        // following links, so a link swapped in now cannot redirect it.
        let target_root = Beneath::open(destination)?;
        let staged_root = Beneath::open(&self.root)?;
        let backups = dir.join("old");
        fs::create_dir(&backups).map_err(|e| Error::io("create directory", &backups, e))?;
        let backups = Beneath::open(&backups)?;
        let _critical = interrupt::critical();
        Record::write(dir, destination, &self.root, &staged_files)?;
        let mut journal = Journal::default();
        let mut backup_dirs = Vec::new();
        let result = (|| {
            for relative in &staged_dirs {
                target_root.subdir(relative, Some(&mut journal.made))?;
            }
            for relative in &deletions {
                if fs::symlink_metadata(destination.join(relative)).is_ok() {
                    let target = target_root.entry(relative, None)?;
                    journal.move_aside(target, backups.entry(relative, Some(&mut backup_dirs))?)?;
                }
            }
            for relative in &staged_files {
                let target = target_root.entry(relative, Some(&mut journal.made))?;
                if target.exists() {
                    journal.move_aside(target.clone(), backups.entry(relative, Some(&mut backup_dirs))?)?;
                }
                journal.place(&staged_root.entry(relative, None)?, target)?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                self.mark_committed();
                remove_emptied_dirs(&target_root, &deletions);
            }
            Err(_) => journal.roll_back(),
        }
        result
    }

    /// The staged tree's directories and files, relative to its root, in order.
    fn staged_entries(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let (mut dirs, mut files) = (Vec::new(), Vec::new());
        for entry in walkdir::WalkDir::new(&self.root).min_depth(1).sort_by_file_name() {
            let entry =
                entry.map_err(|e| Error::io("read", e.path().unwrap_or(&self.root).to_owned(), e.into()))?;
            let relative = entry.path().strip_prefix(&self.root).expect("below the staged root").to_owned();
            if entry.file_type().is_dir() { dirs.push(relative) } else { files.push(relative) }
        }
        Ok((dirs, files))
    }
}

/// Removes the directories that deleting `deletions` left empty, deepest
/// first (a file the template moved leaves no empty directory behind). Best
/// effort: a directory that still holds anything stays.
fn remove_emptied_dirs(root: &Beneath, deletions: &[PathBuf]) {
    let mut dirs: Vec<&Path> = deletions.iter().flat_map(|d| d.ancestors().skip(1)).collect();
    dirs.retain(|d| !d.as_os_str().is_empty());
    dirs.sort_by(|a, b| b.components().count().cmp(&a.components().count()).then(a.cmp(b)));
    dirs.dedup();
    for dir in dirs {
        if let Ok(entry) = root.entry(dir, None) {
            let _ = entry.remove(true);
        }
    }
}

/// Whether `path` still names the directory `handle` has open.
#[cfg(unix)]
fn is_same_directory(handle: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (handle.metadata(), fs::symlink_metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_directory(_: &File, path: &Path) -> bool {
    path.is_dir()
}

/// Holds an exclusive lock on an existing destination directory for as long
/// as it lives, so that two runs never write into one project at once: the
/// second waits for the first to finish, then sees what it wrote.
pub(crate) struct DestinationLock {
    _held: File,
}

impl DestinationLock {
    /// Waits for and takes the lock of `destination`, a directory (never a
    /// link: stamp does not write through links).
    pub(crate) fn take(destination: &Path) -> Result<DestinationLock> {
        if fs::symlink_metadata(destination).is_ok_and(|m| m.file_type().is_symlink()) {
            let why = std::io::Error::other("it is a symbolic link, and stamp does not write through links");
            return Err(Error::io("write below", destination, why));
        }
        let handle = File::open(destination).map_err(|e| Error::io("open", destination, e))?;
        handle.lock().map_err(|e| Error::io("lock", destination, e))?;
        Ok(DestinationLock { _held: handle })
    }
}

impl Drop for Staging {
    /// Removing and unregistering are one critical section: a Ctrl-C during
    /// the removal waits for it.
    fn drop(&mut self) {
        let _critical = interrupt::critical();
        drop(self.dir.take());
        drop(self.registration.take());
        if !self.committed {
            // Only empty ones go: another process may have put something there.
            for dir in &self.made_parents {
                let _ = fs::remove_dir(dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> PlannedFile {
        PlannedFile { contents: text.as_bytes().to_vec(), executable: false, private: false }
    }

    /// A destination holding `keep`, `gone` and `x` (a file), and a staging
    /// beside it for the project `project`.
    fn setup() -> (tempfile::TempDir, PathBuf, Staging) {
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("project");
        fs::create_dir_all(&destination).unwrap();
        for name in ["keep", "gone", "x"] {
            fs::write(destination.join(name), format!("old {name}\n")).unwrap();
        }
        let staging = Staging::begin(parent.path(), &parent.path().join("project")).unwrap();
        (parent, destination, staging)
    }

    #[test]
    fn a_commit_writes_staged_files_and_deletes_what_it_is_told() {
        let (parent, destination, staging) = setup();
        staging.write_file("keep", &file("new keep\n")).unwrap();
        staging.write_file("sub/new", &file("new\n")).unwrap();
        staging.commit_into(&destination, &["gone".to_owned()]).unwrap();
        assert_eq!(fs::read_to_string(destination.join("keep")).unwrap(), "new keep\n");
        assert_eq!(fs::read_to_string(destination.join("sub/new")).unwrap(), "new\n");
        assert!(!destination.join("gone").exists());
        assert_eq!(fs::read_to_string(destination.join("x")).unwrap(), "old x\n");
        let names: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["project"], "the staging directory is gone");
    }

    #[test]
    fn a_commit_that_fails_half_way_puts_every_original_back() {
        let (_parent, destination, staging) = setup();
        staging.write_file("keep", &file("new keep\n")).unwrap();
        // `x` is a file in the destination: its `y` cannot be placed.
        staging.write_file("x/y", &file("y\n")).unwrap();
        assert!(staging.commit_into(&destination, &["gone".to_owned()]).is_err());
        for name in ["keep", "gone", "x"] {
            assert_eq!(
                fs::read_to_string(destination.join(name)).unwrap(),
                format!("old {name}\n"),
                "{name}"
            );
        }
    }
}
