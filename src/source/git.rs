//! Git sources, through the system's `git`, as cookiecutter and copier use
//! it: the user's SSH agent, credential helpers and proxies work as they do
//! for git itself, and stamp builds no git of its own. A repository is
//! mirrored once into the user's cache and fetched again on later runs; a
//! fetch that fails falls back to the cache, so a source used before works
//! offline. The commit asked for is then checked out into a temporary
//! directory. No hook of any repository runs, and submodules are not fetched.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::fetch::{Fetch, cache_name, mask_credentials, repo_name};
use crate::error::{Error, Result};
use crate::interrupt::{self, Registration};

/// A commit checked out into a temporary directory, removed when dropped.
pub(super) struct Checkout {
    pub(super) scratch: tempfile::TempDir,
    pub(super) registration: Registration,
    /// The checked-out tree.
    pub(super) tree: PathBuf,
    /// The full commit id.
    pub(super) commit: String,
}

/// Mirrors (or refreshes) `url` in the cache and checks out `reference`
/// (a branch, tag or commit; the remote's default branch when `None`).
pub(super) fn checkout(url: &str, reference: Option<&str>, fetch: &Fetch) -> Result<Checkout> {
    let shown = mask_credentials(url);
    let cache = fetch.cache_dir()?.join("git").join(cache_name(url));
    let wanted = format!("{}^{{commit}}", reference.unwrap_or("HEAD"));
    if !cache.is_dir() {
        clone_mirror(url, &shown, &cache)?;
    } else if fetch.refresh
        || !(reference.is_some_and(is_full_commit_id)
            && git(Some(&cache), &["rev-parse", "--verify", "--quiet", &wanted]).is_ok())
    {
        // A commit id already cached cannot have moved; anything else may
        // have. Offline, or with the remote gone, the cache serves what it
        // holds, unless the run asked for a fresh fetch.
        let fetched =
            git(Some(&cache), &["fetch", "--quiet", "--prune", "--no-recurse-submodules", "origin"]);
        if let (Err(message), true) = (fetched, fetch.refresh) {
            return Err(Error::io("fetch", shown, std::io::Error::other(message)));
        }
    }
    let commit = git(Some(&cache), &["rev-parse", "--verify", "--quiet", &wanted]).map_err(|_| {
        Error::InvalidInput(format!("{shown} has no branch, tag or commit `{}`", reference.unwrap_or("HEAD")))
    })?;
    let scratch = tempfile::Builder::new()
        .prefix("stamp-git-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary directory in", std::env::temp_dir(), e))?;
    let registration = interrupt::register_scratch(scratch.path());
    // Named as cookiecutter names its clone, which templates may see (`_repo_dir`, the template's name).
    let tree = scratch.path().join(repo_name(url));
    std::fs::create_dir(&tree).map_err(|e| Error::io("create directory", &tree, e))?;
    let mut command = git_command(Some(&cache));
    command
        .env("GIT_INDEX_FILE", scratch.path().join("index"))
        .arg("--work-tree")
        .arg(&tree)
        .args(["checkout", "--quiet", &commit, "--", "."]);
    run(command).map_err(|message| {
        Error::io("check out", format!("{shown} at {commit}"), std::io::Error::other(message))
    })?;
    Ok(Checkout { scratch, registration, tree, commit })
}

/// Clones `url` as a mirror into `cache`, through a temporary name so that a
/// clone cut short never passes for a cached one.
fn clone_mirror(url: &str, shown: &str, cache: &Path) -> Result<()> {
    let parent = cache.parent().expect("the cache has a parent");
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
    let partial = tempfile::Builder::new()
        .prefix(".partial-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a directory in", parent, e))?;
    let target = partial.path().join("mirror");
    let mut command = git_command(None);
    command.args(["clone", "--mirror", "--quiet", "--no-recurse-submodules", "--", url]).arg(&target);
    run(command).map_err(|message| Error::io("clone", shown, std::io::Error::other(message)))?;
    match std::fs::rename(&target, cache) {
        // Another run cached it meanwhile: theirs serves as well.
        Err(_) if cache.is_dir() => Ok(()),
        result => result.map_err(|e| Error::io("cache the clone at", cache, e)),
    }
}

/// Whether `reference` is a whole commit id (40 or 64 hex digits), which
/// names the same commit forever.
fn is_full_commit_id(reference: &str) -> bool {
    matches!(reference.len(), 40 | 64) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `git` with every hook disabled and no prompt for credentials it cannot
/// show (stdin closed), in `git_dir` when given.
fn git_command(git_dir: Option<&Path>) -> Command {
    let mut command = Command::new("git");
    command.args(["-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false"]);
    if let Some(dir) = git_dir {
        command.arg("--git-dir").arg(dir);
    }
    command.stdin(Stdio::null()).env("GIT_TERMINAL_PROMPT", "0");
    command
}

/// Runs `git ARGS` and returns its output's first line.
fn git(git_dir: Option<&Path>, args: &[&str]) -> std::result::Result<String, String> {
    let mut command = git_command(git_dir);
    command.args(args);
    run(command)
}

/// Runs a git command; its trimmed stdout, or the last line of its stderr.
fn run(mut command: Command) -> std::result::Result<String, String> {
    let output = command.output().map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("git failed").to_owned())
    }
}
