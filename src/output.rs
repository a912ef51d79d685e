//! Writing a [`Plan`] to disk, the only stage that touches the destination.
//! Files are written into a staging directory beside the destination and
//! moved into place only when all of them are written; on any failure the
//! destination is left exactly as it was and the staging directory removed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::hooks::Stage;
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

/// Runs a template's hooks of one stage in a directory (the staged project).
pub type StageRunner<'a> = &'a dyn Fn(Stage, &Path) -> Result<()>;

/// Writes `plan` to `destination` and returns what was done to each file.
/// `run_stage` runs cookiecutter hooks in the staged project: `pre_gen_project`
/// before the files are written, `post_gen_project` after.
pub fn write(
    plan: &Plan,
    destination: &Path,
    on_existing: OnExisting,
    report: Reporter,
    run_stage: StageRunner,
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
        write_into_existing(plan, destination, &actions, staging.path(), report, run_stage)
    } else {
        write_fresh(plan, destination, staging.path(), report, run_stage)
    };
    interrupt::set_staging(None);
    drop(staging);
    result.map(|()| actions)
}

/// A new project: build the whole tree in staging, then one rename.
fn write_fresh(
    plan: &Plan,
    destination: &Path,
    staging: &Path,
    report: Reporter,
    run_stage: StageRunner,
) -> Result<()> {
    let root = staged_root(staging, plan)?;
    run_stage(Stage::PreGenProject, &root)?;
    report(Event::Started { phase: Phase::Writing, total: plan.entries.len() });
    for entry in &plan.entries {
        report(Event::Step { path: &entry.path });
        let _critical = interrupt::critical();
        let target = root.join(&entry.path);
        match &entry.file {
            None => fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?,
            Some(file) => replace_file(&target, file)?,
        }
    }
    report(Event::Finished);
    run_stage(Stage::PostGenProject, &root)?;
    let _critical = interrupt::critical();
    fs::rename(&root, destination).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty => {
            Error::DestinationExists { path: destination.to_owned() }
        }
        _ => Error::io("move the project into place at", destination, e),
    })
}

/// `--force`: stage the files to write (and run the hooks there), then swap
/// them in one by one, keeping the originals aside so that any failure can
/// put them back.
fn write_into_existing(
    plan: &Plan,
    destination: &Path,
    actions: &[(Action, String)],
    staging: &Path,
    report: Reporter,
    run_stage: StageRunner,
) -> Result<()> {
    let new_root = staged_root(staging, plan)?;
    let backup_root = staging.join("old");
    run_stage(Stage::PreGenProject, &new_root)?;
    let to_write: Vec<&String> = actions
        .iter()
        .filter(|(a, _)| matches!(a, Action::Create | Action::Overwrite))
        .map(|(_, p)| p)
        .collect();
    report(Event::Started { phase: Phase::Writing, total: to_write.len() });
    for entry in &plan.entries {
        let target = new_root.join(&entry.path);
        match &entry.file {
            None => fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?,
            Some(file) if to_write.contains(&&entry.path) => {
                report(Event::Step { path: &entry.path });
                let _critical = interrupt::critical();
                replace_file(&target, file)?;
            }
            Some(_) => {}
        }
    }
    report(Event::Finished);
    run_stage(Stage::PostGenProject, &new_root)?;

    // Whatever the staged tree now holds (hooks may have added files) goes in.
    let mut staged_dirs = Vec::new();
    let mut staged_files = Vec::new();
    for entry in walkdir::WalkDir::new(&new_root).min_depth(1).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::io("read", e.path().unwrap_or(&new_root).to_owned(), e.into()))?;
        let relative = entry.path().strip_prefix(&new_root).expect("below the staged root").to_owned();
        if entry.file_type().is_dir() { staged_dirs.push(relative) } else { staged_files.push(relative) }
    }

    let _critical = interrupt::critical();
    let mut journal = Journal::default();
    let result = (|| {
        for dir in &staged_dirs {
            journal.create_dirs(&destination.join(dir))?;
        }
        for relative in &staged_files {
            let target = destination.join(relative);
            if let Some(parent) = target.parent() {
                journal.create_dirs(parent)?;
            }
            if fs::symlink_metadata(&target).is_ok() {
                let backup = backup_root.join(relative);
                create_parent(&backup)?;
                fs::rename(&target, &backup).map_err(|e| Error::io("move aside", &target, e))?;
                journal.moved_aside.push((target.clone(), backup));
            }
            fs::rename(new_root.join(relative), &target).map_err(|e| Error::io("write", &target, e))?;
            journal.placed.push(target);
        }
        Ok(())
    })();
    if result.is_err() {
        journal.roll_back();
    }
    result
}

/// The staged project directory: `staging/new/<project name>`, so that hooks
/// see the project's own name as their working directory's.
fn staged_root(staging: &Path, plan: &Plan) -> Result<PathBuf> {
    let root = staging.join("new").join(&plan.root);
    fs::create_dir_all(&root).map_err(|e| Error::io("create directory", &root, e))?;
    Ok(root)
}

/// Copies a directory tree (files, directories and executable bits).
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
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

/// Writes one file (bytes and mode), creating its parents and replacing any
/// file already there; for trees stamp owns outright (staging, snapshots).
pub fn replace_file(target: &Path, file: &PlannedFile) -> Result<()> {
    create_parent(target)?;
    if fs::symlink_metadata(target).is_ok() {
        fs::remove_file(target).map_err(|e| Error::io("replace", target, e))?;
    }
    fs::write(target, &file.contents).map_err(|e| Error::io("write", target, e))?;
    if file.executable {
        make_executable(target)?;
    }
    Ok(())
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
