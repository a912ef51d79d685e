//! What writing a project would change: one [`Action`] per file, computed
//! from the rendered project and what the destination holds, before anything
//! is written. The output module commits changesets; nothing here writes.

use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::file_mode::{is_executable, is_private};
use crate::render::{Plan, PlannedFile};

/// A unified diff of one file from `old` to `new` (`None`: absent), with
/// git's `a/` and `b/` headers.
pub(crate) fn unified(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> String {
    let text =
        |side: Option<&[u8]>| side.map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default();
    let (from, to) = (
        if old.is_some() { format!("a/{path}") } else { "/dev/null".to_owned() },
        if new.is_some() { format!("b/{path}") } else { "/dev/null".to_owned() },
    );
    let (before, after) = (text(old), text(new));
    similar::TextDiff::from_lines(&before, &after).unified_diff().header(&from, &to).to_string()
}

/// For each file `actions` overwrites, what it would change, as a unified diff.
pub(crate) fn overwrite_diffs(
    plan: &Plan,
    destination: &Path,
    actions: &[(Action, String)],
) -> Result<Vec<String>> {
    let mut diffs = Vec::new();
    for (_, path) in actions.iter().filter(|(a, _)| *a == Action::Overwrite) {
        let Some(file) = plan.entries.iter().find(|e| e.path == *path).and_then(|e| e.file.as_ref()) else {
            continue;
        };
        let target = destination.join(path);
        let old = fs::read(&target).map_err(|e| Error::io("read", &target, e))?;
        if old != file.contents {
            diffs.push(unified(path, Some(&old), Some(&file.contents)));
        }
    }
    Ok(diffs)
}

/// Into an existing project (`--force`): a file the user owns (`owned`,
/// the template's `skip_if_exists`) that is there is skipped rather than overwritten.
pub(crate) fn keep_owned(
    mut changes: Vec<(Action, String)>,
    owned: impl Fn(&str) -> bool,
) -> Vec<(Action, String)> {
    for (action, path) in &mut changes {
        if *action == Action::Overwrite && owned(path) {
            *action = Action::Skip;
        }
    }
    changes
}

/// What to do when the project directory already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnExisting {
    /// Fail with exit 4 (the default).
    Refuse,
    /// `--force`: replace the template's files, delete nothing.
    Overwrite,
    /// `--force --skip-existing`: add missing files, keep existing ones.
    Keep,
}

/// What happens to one file of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// The file is new.
    Create,
    /// The file exists and gets new contents or a new mode.
    Overwrite,
    /// The file is removed from the project.
    Delete,
    /// The file gets contents that still need the user's decision.
    Conflict,
    /// The file exists exactly as it would be written.
    Identical,
    /// The file exists and is kept as it is.
    Skip,
}

impl Action {
    /// The word printed in the plan.
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Delete => "delete",
            Action::Conflict => "conflict",
            Action::Identical => "identical",
            Action::Skip => "skip",
        }
    }

    /// Whether committing it writes the file.
    pub(crate) fn writes(self) -> bool {
        matches!(self, Action::Create | Action::Overwrite | Action::Conflict)
    }
}

/// The action for every file of `plan` written to `destination`, in path order.
pub(crate) fn compute(
    plan: &Plan,
    destination: &Path,
    on_existing: OnExisting,
) -> Result<Vec<(Action, String)>> {
    // Anything at the path counts, a link to nothing included.
    let exists = fs::symlink_metadata(destination).is_ok();
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
        && is_executable(&metadata) == file.executable
        && (!file.private || is_private(&metadata));
    Ok(if same { Action::Identical } else { Action::Overwrite })
}
