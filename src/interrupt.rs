//! What an interrupt must find. Each run registers what it holds for as long
//! as it holds it (its staging directory, temporary copies and hook scripts,
//! hook processes), so runs in one process never share a slot, and holds a
//! shared gate around every write. [`abandon_runs`], called from a signal
//! handler, waits for every critical section in flight (files being written
//! into a staging directory, possibly from several threads, or a move into
//! place) to end, stops every hook's process group and removes everything
//! registered, so an interrupted run leaves its destination as it was and
//! nothing behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard};

/// Set once [`abandon_runs`] starts: from then on, the handler ends the process.
static ABANDONING: AtomicBool = AtomicBool::new(false);
/// What the runs in progress hold, by registration.
static HELD: Mutex<Vec<Registered>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
/// Writers hold it shared; the handler takes it exclusively, so it waits for
/// writes in flight and no new one starts.
static GATE: RwLock<()> = RwLock::new(());

struct Registered {
    id: u64,
    held: Held,
}

/// One thing a run holds.
enum Held {
    /// A staging directory, and whether its run committed (its destination
    /// then holds the whole project).
    Staging { path: PathBuf, committed: bool },
    /// A temporary file or directory (a hook script, a template copy).
    Scratch(PathBuf),
    /// A hook running in a process group of its own, led by this process.
    Process(u32),
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

/// For a signal handler that is about to end the process: waits for every
/// write in flight, stops every hook still running (its whole process
/// group), removes the staging directory and temporary files of every run in
/// progress, and keeps new writes from starting (for good: nothing is written
/// after this). Each run's destination is then as it was before the run,
/// unless the run had committed: it then holds the whole project.
pub fn abandon_runs() -> Abandoned {
    ABANDONING.store(true, Ordering::SeqCst);
    let gate = GATE.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let held = registry();
    for registered in held.iter() {
        if let Held::Process(pid) = registered.held {
            stop_process_group(pid);
        }
    }
    for registered in held.iter() {
        let path = match &registered.held {
            Held::Staging { path, .. } | Held::Scratch(path) => path,
            Held::Process(_) => continue,
        };
        // A hook still running may add files while this removes them,
        // which fails the removal of their directory: retry.
        for _ in 0..5 {
            let removed =
                if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
            if !matches!(removed, Err(e) if e.kind() != std::io::ErrorKind::NotFound) {
                break;
            }
        }
    }
    std::mem::forget(gate);
    let (mut stopped, mut completed) = (0, 0);
    for registered in held.iter() {
        match registered.held {
            Held::Staging { committed: true, .. } => completed += 1,
            Held::Staging { committed: false, .. } => stopped += 1,
            _ => {}
        }
    }
    Abandoned { stopped, completed }
}

#[cfg(unix)]
fn stop_process_group(pid: u32) {
    use rustix::process::{Pid, Signal, kill_process_group};
    if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
        let _ = kill_process_group(pid, Signal::TERM);
    }
}

#[cfg(not(unix))]
fn stop_process_group(_: u32) {}

/// Whether an interrupt is being handled. A run that fails now may have
/// failed because the handler removed what it was reading: that error is
/// not the outcome, the interrupt is.
pub(crate) fn abandoning() -> bool {
    ABANDONING.load(Ordering::SeqCst)
}

/// Keeps the handler waiting while held: hold it around each write and the
/// commit. Several threads may hold it at once; never take it twice on one
/// thread.
pub(crate) fn critical() -> RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Something the handler removes or stops, until this is dropped.
#[derive(Debug)]
pub(crate) struct Registration {
    id: u64,
}

fn add(held: Held) -> Registration {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    registry().push(Registered { id, held });
    Registration { id }
}

/// Tells the handler to remove the staging directory `path`.
pub(crate) fn register(path: &Path) -> Registration {
    add(Held::Staging { path: path.to_owned(), committed: false })
}

/// Tells the handler to remove a temporary file or directory.
pub(crate) fn register_scratch(path: &Path) -> Registration {
    add(Held::Scratch(path.to_owned()))
}

/// Tells the handler to stop the process group that `pid` leads.
pub(crate) fn register_process(pid: u32) -> Registration {
    add(Held::Process(pid))
}

impl Registration {
    /// Records that the run's commit completed; call it inside the commit's
    /// critical section.
    pub(crate) fn committed(&self) {
        for registered in registry().iter_mut().filter(|r| r.id == self.id) {
            if let Held::Staging { committed, .. } = &mut registered.held {
                *committed = true;
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        registry().retain(|r| r.id != self.id);
    }
}

fn registry() -> MutexGuard<'static, Vec<Registered>> {
    HELD.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_registers_its_own_staging() {
        let (a, b) = (register(Path::new("/a")), register(Path::new("/b")));
        let registered = |wanted: &str| {
            registry()
                .iter()
                .any(|r| matches!(&r.held, Held::Staging { path, .. } if path == Path::new(wanted)))
        };
        assert!(registered("/a") && registered("/b"));
        drop(a);
        assert!(!registered("/a") && registered("/b"), "dropping one run's leaves the other's");
        drop(b);
        assert!(!registered("/b"));
    }
}
