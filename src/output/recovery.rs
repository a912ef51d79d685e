//! Recovering what killed runs left beside a destination: a staging
//! directory whose owner is gone is removed, after finishing the `--force`
//! commit it may have been in the middle of.

use std::fs;
use std::path::Path;

use super::journal::{COMMIT_FILE, roll_forward};
use super::staging::STAGING_PREFIX;
use crate::error::{Error, Result};

/// Removes staging directories that runs killed without a chance to clean
/// up (their owner process is gone). One killed in the middle of a `--force`
/// commit is first rolled forward, so the project ends up complete.
pub(crate) fn clean_stale_staging(parent: &Path) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::journal::write_commit_record;
    use crate::output::staging::STAGING_PREFIX;
    use std::path::PathBuf;

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
}
