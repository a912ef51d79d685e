//! What an interrupt must find: each run registers its staging directory
//! for as long as it exists, so runs in one process never share a slot, and
//! holds a shared gate around every write. [`abandon_runs`], called from a
//! signal handler, waits for every critical section in flight (files being
//! written into a staging directory, possibly from several threads, or a
//! move into place) to end and removes every registered staging directory,
//! so an interrupted run leaves its destination as it was and nothing behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard};

/// The runs in progress, by registration.
static STAGINGS: Mutex<Vec<Registered>> = Mutex::new(Vec::new());

/// A run in progress: its staging directory, and whether it already
/// committed (its destination then holds the whole project).
struct Registered {
    id: u64,
    staging: PathBuf,
    committed: bool,
}

/// What [`abandon_runs`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Abandoned {
    /// Runs stopped before their commit: their destinations are as they were.
    pub stopped: usize,
    /// Runs whose commit had completed: their destinations hold the whole project.
    pub completed: usize,
}
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
/// Writers hold it shared; the handler takes it exclusively, so it waits for
/// writes in flight and no new one starts.
static GATE: RwLock<()> = RwLock::new(());

/// For a signal handler that is about to end the process: waits for every
/// write in flight, removes the staging directory of every run in progress,
/// and keeps new writes from starting (for good: nothing is written after
/// this). Each run's destination is then as it was before the run, unless
/// the run had committed: it then holds the whole project.
pub fn abandon_runs() -> Abandoned {
    let gate = GATE.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let runs = stagings();
    for path in runs.iter().map(|run| &run.staging) {
        // A hook still running may add files while this removes them,
        // which fails the removal of their directory: retry.
        for _ in 0..5 {
            if !matches!(std::fs::remove_dir_all(path), Err(e) if e.kind() != std::io::ErrorKind::NotFound) {
                break;
            }
        }
    }
    std::mem::forget(gate);
    let completed = runs.iter().filter(|run| run.committed).count();
    Abandoned { stopped: runs.len() - completed, completed }
}

/// Keeps the handler waiting while held: hold it around each write and the
/// commit. Several threads may hold it at once; never take it twice on one
/// thread.
pub(crate) fn critical() -> RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A staging directory the handler removes, until this is dropped.
#[derive(Debug)]
pub(crate) struct Registration {
    id: u64,
}

/// Tells the handler to remove `path` on Ctrl-C, until the registration is dropped.
pub(crate) fn register(path: &Path) -> Registration {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    stagings().push(Registered { id, staging: path.to_owned(), committed: false });
    Registration { id }
}

impl Registration {
    /// Records that the run's commit completed; call it inside the commit's
    /// critical section.
    pub(crate) fn committed(&self) {
        for run in stagings().iter_mut().filter(|run| run.id == self.id) {
            run.committed = true;
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        stagings().retain(|run| run.id != self.id);
    }
}

fn stagings() -> MutexGuard<'static, Vec<Registered>> {
    STAGINGS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_registers_its_own_staging() {
        let (a, b) = (register(Path::new("/a")), register(Path::new("/b")));
        let registered = |path: &str| stagings().iter().any(|run| run.staging == Path::new(path));
        assert!(registered("/a") && registered("/b"));
        drop(a);
        assert!(!registered("/a") && registered("/b"), "dropping one run's leaves the other's");
        drop(b);
        assert!(!registered("/b"));
    }
}
