//! Writing a [`Plan`] to disk, the only stage that touches the destination.
//! Files are written into a staging directory beside the destination and
//! moved into place only when all of them are written; on any failure the
//! destination is left exactly as it was and the staging directory removed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::interrupt;
use crate::render::{Event, Phase, Plan, PlannedFile, Reporter};
use crate::source::is_executable;

/// Prefix of staging directories, so they are recognisable as stamp's own.
pub const STAGING_PREFIX: &str = ".stamp-staging-";

/// What to do when the project directory already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    /// Fail with exit 4 (the default).
    Refuse,
    /// `--force`: replace the template's files, delete nothing.
    Overwrite,
    /// `--force --skip-existing`: add missing files, keep existing ones.
    Keep,
}

/// What happens to one file of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Overwrite,
    Identical,
    Skip,
}

impl Action {
    /// The word printed in the plan.
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Identical => "identical",
            Action::Skip => "skip",
        }
    }
}

/// The action for every file of `plan` written to `destination`.
pub fn preview(plan: &Plan, destination: &Path, on_existing: OnExisting) -> Result<Vec<(Action, String)>> {
    let exists = destination.exists();
    if exists && on_existing == OnExisting::Refuse {
        return Err(Error::DestinationExists { path: destination.to_owned() });
    }
    let mut actions = Vec::new();
    for entry in &plan.entries {
        let Some(file) = &entry.file else { continue };
        let action = if exists {
            action_for(&destination.join(&entry.path), file, on_existing)?
        } else {
            Action::Create
        };
        actions.push((action, entry.path.clone()));
    }
    Ok(actions)
}

fn action_for(target: &Path, file: &PlannedFile, on_existing: OnExisting) -> Result<Action> {
    let metadata = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Action::Create),
        Err(e) => return Err(Error::io("inspect", target, e)),
    };
    if !metadata.is_file() {
        let kind = if metadata.is_dir() { "a directory" } else { "not a regular file" };
        return Err(Error::io("replace", target, std::io::Error::other(format!("it is {kind}"))));
    }
    if on_existing == OnExisting::Keep {
        return Ok(Action::Skip);
    }
    let same = fs::read(target).map_err(|e| Error::io("read", target, e))? == file.contents
        && is_executable(&metadata) == file.executable;
    Ok(if same { Action::Identical } else { Action::Overwrite })
}

/// Writes `plan` to `destination` and returns what was done to each file.
pub fn write(
    plan: &Plan,
    destination: &Path,
    on_existing: OnExisting,
    report: Reporter,
) -> Result<Vec<(Action, String)>> {
    let actions = preview(plan, destination, on_existing)?;
    let parent = match destination.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io("create directory", &parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a staging directory in", &parent, e))?;
    interrupt::set_staging(Some(staging.path()));
    let result = if destination.exists() {
        write_into_existing(plan, destination, &actions, staging.path(), report)
    } else {
        write_fresh(plan, destination, staging.path(), report)
    };
    interrupt::set_staging(None);
    drop(staging);
    result.map(|()| actions)
}

/// A new project: build the whole tree in staging, then one rename.
fn write_fresh(plan: &Plan, destination: &Path, staging: &Path, report: Reporter) -> Result<()> {
    let root = staging.join("project");
    fs::create_dir(&root).map_err(|e| Error::io("create directory", &root, e))?;
    report(Event::Started { phase: Phase::Writing, total: plan.entries.len() });
    for entry in &plan.entries {
        report(Event::Step { path: &entry.path });
        let _critical = interrupt::critical();
        let target = root.join(&entry.path);
        match &entry.file {
            None => fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?,
            Some(file) => write_file(&target, file)?,
        }
    }
    report(Event::Finished);
    let _critical = interrupt::critical();
    fs::rename(&root, destination).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty => {
            Error::DestinationExists { path: destination.to_owned() }
        }
        _ => Error::io("move the project into place at", destination, e),
    })
}

/// `--force`: stage the files to write, then swap them in one by one,
/// keeping the originals aside so that any failure can put them back.
fn write_into_existing(
    plan: &Plan,
    destination: &Path,
    actions: &[(Action, String)],
    staging: &Path,
    report: Reporter,
) -> Result<()> {
    let new_root = staging.join("new");
    let backup_root = staging.join("old");
    let to_write: Vec<&(Action, String)> =
        actions.iter().filter(|(a, _)| matches!(a, Action::Create | Action::Overwrite)).collect();
    report(Event::Started { phase: Phase::Writing, total: to_write.len() });
    for (_, path) in &to_write {
        report(Event::Step { path });
        let _critical = interrupt::critical();
        let file =
            plan.entries.iter().find(|e| &e.path == path).and_then(|e| e.file.as_ref()).expect("planned");
        write_file(&new_root.join(path), file)?;
    }
    report(Event::Finished);

    let _critical = interrupt::critical();
    let mut journal = Journal::default();
    let result = (|| {
        for entry in plan.entries.iter().filter(|e| e.file.is_none()) {
            journal.create_dirs(&destination.join(&entry.path))?;
        }
        for (action, path) in &to_write {
            let target = destination.join(path);
            if let Some(parent) = target.parent() {
                journal.create_dirs(parent)?;
            }
            if *action == Action::Overwrite {
                let backup = backup_root.join(path);
                create_parent(&backup)?;
                fs::rename(&target, &backup).map_err(|e| Error::io("move aside", &target, e))?;
                journal.moved_aside.push((target.clone(), backup));
            }
            fs::rename(new_root.join(path), &target).map_err(|e| Error::io("write", &target, e))?;
            journal.placed.push(target);
        }
        Ok(())
    })();
    if result.is_err() {
        journal.roll_back();
    }
    result
}

/// What the commit of a `--force` run changed, to undo it on failure.
#[derive(Default)]
struct Journal {
    created_dirs: Vec<PathBuf>,
    placed: Vec<PathBuf>,
    moved_aside: Vec<(PathBuf, PathBuf)>,
}

impl Journal {
    fn create_dirs(&mut self, dir: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut current = Some(dir);
        while let Some(d) = current {
            if d.exists() {
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

    /// Best effort: every step that fails here leaves its file in staging,
    /// never half in place.
    fn roll_back(self) {
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

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e)),
        None => Ok(()),
    }
}

fn write_file(target: &Path, file: &PlannedFile) -> Result<()> {
    create_parent(target)?;
    fs::write(target, &file.contents).map_err(|e| Error::io("write", target, e))?;
    if file.executable {
        make_executable(target)?;
    }
    Ok(())
}

/// Replaces one file in place (bytes and mode), creating its parents; for
/// trees stamp owns outright, such as snapshots.
pub fn replace_file(target: &Path, file: &PlannedFile) -> Result<()> {
    if target.exists() {
        fs::remove_file(target).map_err(|e| Error::io("replace", target, e))?;
    }
    write_file(target, file)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = fs::metadata(path).map_err(|e| Error::io("inspect", path, e))?.permissions();
    let mode = permissions.mode();
    // Execute wherever read is allowed, as `chmod +x` under the user's umask would.
    permissions.set_mode(mode | ((mode & 0o444) >> 2));
    fs::set_permissions(path, permissions).map_err(|e| Error::io("set permissions of", path, e))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}
