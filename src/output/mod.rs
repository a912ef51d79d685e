//! Writing a [`Plan`] to disk, the only stage that touches the destination.
//! Files are written into a staging directory beside the destination and
//! moved into place only when all of them are written; on any failure the
//! destination is left exactly as it was and the staging directory removed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::events::{Event, Phase, Reporter};
use crate::file_mode::is_executable;
use crate::hooks::Stage;
use crate::interrupt;
use crate::render::{Layout, Plan, PlannedFile};

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

/// Writes the project laid out in `layout` to `destination` and returns what
/// was done to each file. `run_stage` runs cookiecutter hooks in the staged
/// project: `pre_gen_project` before the files are written, `post_gen_project`
/// after.
pub fn write(
    layout: Layout,
    destination: &Path,
    on_existing: OnExisting,
    report: Reporter,
    run_stage: StageRunner,
) -> Result<Vec<(Action, String)>> {
    let parent = match destination.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // First finish or remove what killed runs left here, so that even a
    // refused run leaves no debris behind.
    clean_stale_staging(&parent)?;
    if fs::symlink_metadata(destination).is_err() {
        let actions = layout.files().map(|path| (Action::Create, path.to_owned())).collect();
        in_staging(&parent, |staging| write_fresh(layout, destination, staging, report, run_stage))?;
        return Ok(actions);
    }
    if on_existing == OnExisting::Refuse && destination.exists() {
        return Err(Error::DestinationExists { path: destination.to_owned() });
    }
    // What to do with each file depends on what it would hold.
    let plan = layout.render(report)?;
    let actions = preview(&plan, destination, on_existing)?;
    in_staging(&parent, |staging| {
        write_into_existing(&plan, destination, &actions, staging, report, run_stage)
    })?;
    Ok(actions)
}

/// Runs `write` with a new staging directory in `parent`, which is removed
/// afterwards (and, should this process die, by the next run).
fn in_staging(parent: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
    // Creating and removing the directory are critical too: a Ctrl-C in
    // between must find it registered, and one during removal must wait.
    // Its name holds this process's id, so that it is never without an owner.
    let staging = {
        let _critical = interrupt::critical();
        let staging = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
            .tempdir_in(parent)
            .map_err(|e| Error::io("create a staging directory in", parent, e))?;
        interrupt::set_staging(Some(staging.path()));
        staging
    };
    let result = write(staging.path());
    let _critical = interrupt::critical();
    interrupt::set_staging(None);
    drop(staging);
    result
}

/// A new project: render each file straight into the staged tree, then
/// one rename.
fn write_fresh(
    layout: Layout,
    destination: &Path,
    staging: &Path,
    report: Reporter,
    run_stage: StageRunner,
) -> Result<()> {
    let root = staged_root(staging, &layout.root)?;
    run_stage(Stage::PreGenProject, &root)?;
    // The files as they are rendered, on every core, each creating its
    // directory if it is the first there (so that creating directories, which
    // the filesystem does one at a time, overlaps with rendering); then the
    // directories that hold no file.
    let dirs: Vec<String> = layout.dirs().map(str::to_owned).collect();
    layout.render_each(report, |path, file| {
        let _critical = interrupt::critical();
        write_new_file(&root.join(path), &file)
    })?;
    for dir in &dirs {
        let _critical = interrupt::critical();
        let target = root.join(dir);
        fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?;
    }
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
    let new_root = staged_root(staging, &plan.root)?;
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
            None => {
                let _critical = interrupt::critical();
                fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?
            }
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

    for relative in staged_dirs.iter().chain(&staged_files) {
        refuse_links(destination, relative)?;
    }
    let _critical = interrupt::critical();
    // Should the process be killed from here on, the next run finds this
    // record and finishes the commit (see `clean_stale_staging`).
    write_commit_record(staging, destination, &new_root, &staged_files)?;
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

/// A staging directory's record of a `--force` commit in progress.
const COMMIT_FILE: &str = ".commit";

/// Removes staging directories that runs killed without a chance to clean
/// up (their owner process is gone). One killed in the middle of a `--force`
/// commit is first rolled forward, so the project ends up complete.
fn clean_stale_staging(parent: &Path) -> Result<()> {
    let Ok(listing) = fs::read_dir(parent) else { return Ok(()) };
    for entry in listing.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(STAGING_PREFIX) || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let staging = entry.path();
        if !is_stale(&staging, &name.to_string_lossy()[STAGING_PREFIX.len()..]) {
            continue;
        }
        if staging.join(COMMIT_FILE).is_file() {
            roll_forward(&staging)?;
        }
        fs::remove_dir_all(&staging)
            .map_err(|e| Error::io("remove the stale staging directory", &staging, e))?;
    }
    Ok(())
}

/// Whether no live process owns a staging directory, whose name (after the
/// prefix) starts with its owner's process id. One named otherwise is given
/// a minute.
fn is_stale(staging: &Path, suffix: &str) -> bool {
    match suffix.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok()) {
        Some(pid) => !Path::new("/proc").join(pid.to_string()).exists(),
        None => fs::metadata(staging)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 60),
    }
}

/// The commit record: the destination, the staged root and every staged
/// file, NUL-separated (file names may hold newlines).
fn write_commit_record(staging: &Path, destination: &Path, new_root: &Path, files: &[PathBuf]) -> Result<()> {
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
fn roll_forward(staging: &Path) -> Result<()> {
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

/// Refuses to write `relative` below `destination` if the destination or any
/// directory on the way is a symbolic link: stamp never writes through links.
fn refuse_links(destination: &Path, relative: &Path) -> Result<()> {
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

/// The staged project directory: `staging/new/<project name>`, so that hooks
/// see the project's own name as their working directory's.
fn staged_root(staging: &Path, name: &str) -> Result<PathBuf> {
    let root = staging.join("new").join(name);
    let _critical = interrupt::critical();
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

/// Writes a file into the private staging tree: created fresh (never
/// through a planted link), with its mode set on the open file. A file a
/// `pre_gen_project` hook already made there is replaced, as cookiecutter does.
fn write_new_file(target: &Path, file: &PlannedFile) -> Result<()> {
    match create_file(target, file) {
        Err(e) if matches!(e.kind(), std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotFound) => {
            replace_file(target, file)
        }
        result => result.map_err(|e| Error::io("write", target, e)),
    }
}

/// Writes one file (bytes and mode), creating its parents and replacing any
/// file already there; for trees stamp owns outright (staging, snapshots).
pub fn replace_file(target: &Path, file: &PlannedFile) -> Result<()> {
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
    if file.executable {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o777);
    }
    options.open(target)?.write_all(&file.contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_force_commit_is_rolled_forward_and_cleaned() {
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("project");
        fs::create_dir_all(destination.join("docs")).unwrap();
        fs::write(destination.join("docs/a.md"), "old a\n").unwrap();
        fs::write(destination.join("keep.txt"), "mine\n").unwrap();
        // A staging directory as a run killed after moving `b.md` leaves it.
        let staging = parent.path().join(format!("{STAGING_PREFIX}4194304999-killed")); // no such process
        let new_root = staging.join("new/project");
        fs::create_dir_all(new_root.join("docs")).unwrap();
        fs::write(new_root.join("docs/a.md"), "new a\n").unwrap();
        fs::write(destination.join("b.md"), "new b\n").unwrap();
        let files = [PathBuf::from("b.md"), PathBuf::from("docs/a.md")];
        write_commit_record(&staging, &destination, &new_root, &files).unwrap();

        clean_stale_staging(parent.path()).unwrap();

        assert_eq!(fs::read_to_string(destination.join("docs/a.md")).unwrap(), "new a\n");
        assert_eq!(fs::read_to_string(destination.join("b.md")).unwrap(), "new b\n");
        assert_eq!(fs::read_to_string(destination.join("keep.txt")).unwrap(), "mine\n");
        assert!(!staging.exists());
    }

    #[test]
    fn a_live_runs_staging_is_left_alone() {
        let parent = tempfile::tempdir().unwrap();
        let staging = parent.path().join(format!("{STAGING_PREFIX}{}-live", std::process::id()));
        fs::create_dir_all(&staging).unwrap();
        clean_stale_staging(parent.path()).unwrap();
        assert!(staging.exists());
    }

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
