//! Recovering what killed runs left beside a destination. A staging
//! directory is only touched when stamp can prove it made it and its owner is
//! gone: a real directory (not a link) owned by this user, whose lock its
//! owner held for its whole life can be taken now, and which holds stamp's
//! marker file (or nothing at all: an owner killed right after creating it).
//! One killed in the middle of a `--force` commit into the destination being
//! written is rolled forward first, if every path of its record stays inside
//! that destination. Anything else is left alone, whatever its name.

use std::fs::{self, File};
use std::path::Path;

use super::journal::{Record, Recorded, roll_forward};
use super::staging::MARKER_FILE;
use crate::error::{Error, Result};
use crate::reserved::STAGING_PREFIX;

/// Finishes or removes the staging directories in `parent` that killed runs
/// left, for a run that writes `destination`.
pub(crate) fn clean_stale_staging(parent: &Path, destination: &Path) -> Result<()> {
    let Ok(listing) = fs::read_dir(parent) else { return Ok(()) };
    let destination = std::path::absolute(destination).map_err(|e| Error::io("resolve", destination, e))?;
    for entry in listing.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
            continue;
        }
        let staging = entry.path();
        let Some(_claim) = claim(&staging) else { continue };
        if !staging.join(MARKER_FILE).is_file() {
            // Only ever empty if stamp made it: a directory with anything in it stays.
            let _ = fs::remove_dir(&staging);
            continue;
        }
        match Record::read(&staging)? {
            Recorded::Nothing => {}
            Recorded::Commit(record) if record.destination == destination => roll_forward(&staging, &record)?,
            Recorded::Commit(_) | Recorded::Untrusted => continue,
        }
        fs::remove_dir_all(&staging)
            .map_err(|e| Error::io("remove the stale staging directory", &staging, e))?;
    }
    Ok(())
}

/// Takes the lock of a staging directory that is a real directory owned by
/// this user and whose owner is gone; `None` if it is not, or is alive.
fn claim(staging: &Path) -> Option<File> {
    let metadata = fs::symlink_metadata(staging).ok()?;
    if !metadata.is_dir() || !owned_by_this_user(&metadata) {
        return None;
    }
    let handle = File::open(staging).ok()?;
    handle.try_lock().ok()?;
    Some(handle)
}

#[cfg(unix)]
fn owned_by_this_user(metadata: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.uid() == rustix::process::geteuid().as_raw()
}

#[cfg(not(unix))]
fn owned_by_this_user(_: &fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::staging::Staging;
    use std::path::PathBuf;

    /// A staging directory as a killed run leaves it (its lock released):
    /// marker, staged files, and a record of a commit into `destination`.
    fn killed_staging(parent: &Path, name: &str, destination: &Path, files: &[&str]) -> PathBuf {
        let staging = parent.join(format!("{STAGING_PREFIX}{name}"));
        let new_root = staging.join("new/project");
        fs::create_dir_all(&new_root).unwrap();
        fs::write(staging.join(MARKER_FILE), "").unwrap();
        for file in files {
            let path = new_root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, format!("new {file}\n")).unwrap();
        }
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        Record::write(&staging, destination, &new_root, &files).unwrap();
        staging
    }

    #[test]
    fn a_killed_force_commit_is_rolled_forward_and_cleaned() {
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("project");
        fs::create_dir_all(destination.join("docs")).unwrap();
        fs::write(destination.join("docs/a.md"), "old a\n").unwrap();
        fs::write(destination.join("keep.txt"), "mine\n").unwrap();
        let staging =
            killed_staging(parent.path(), "4194304999-killed", &destination, &["b.md", "docs/a.md"]);

        clean_stale_staging(parent.path(), &destination).unwrap();

        assert_eq!(fs::read_to_string(destination.join("docs/a.md")).unwrap(), "new docs/a.md\n");
        assert_eq!(fs::read_to_string(destination.join("b.md")).unwrap(), "new b.md\n");
        assert_eq!(fs::read_to_string(destination.join("keep.txt")).unwrap(), "mine\n");
        assert!(!staging.exists());
    }

    #[test]
    fn a_live_runs_staging_is_left_alone() {
        let parent = tempfile::tempdir().unwrap();
        let live = Staging::begin(parent.path(), &parent.path().join("project")).unwrap();
        clean_stale_staging(parent.path(), &parent.path().join("project")).unwrap();
        assert!(live.root().is_dir());
    }

    #[test]
    fn what_stamp_cannot_prove_is_its_own_is_never_touched() {
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("project");
        fs::create_dir_all(&destination).unwrap();
        // A user's own directory that happens to carry the prefix.
        let backup = parent.path().join(format!("{STAGING_PREFIX}backup"));
        fs::create_dir_all(&backup).unwrap();
        fs::write(backup.join("notes.txt"), "mine\n").unwrap();
        // A forged record that would write outside the destination.
        let outside = parent.path().join("victim.txt");
        fs::write(&outside, "victim\n").unwrap();
        let forged = killed_staging(parent.path(), "4194304999-forged", &destination, &["../victim.txt"]);
        // A record for another destination is that destination's business.
        let elsewhere = parent.path().join("other");
        let foreign = killed_staging(parent.path(), "4194304998-other", &elsewhere, &["a"]);

        clean_stale_staging(parent.path(), &destination).unwrap();

        assert_eq!(fs::read_to_string(backup.join("notes.txt")).unwrap(), "mine\n");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "victim\n");
        assert!(forged.exists() && foreign.exists(), "records that cannot be trusted are left as they are");
        assert!(!elsewhere.exists());
    }
}
