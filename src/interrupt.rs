//! Ctrl-C handling. The handler waits for every critical section in flight
//! (files being written into the staging directory, possibly from several
//! threads, or the final move into place) to end, removes the staging
//! directory, restores the terminal and exits 130, so an interrupted run
//! leaves the destination as it was and nothing behind.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, RwLock, RwLockReadGuard};

static STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);
/// Writers hold it shared; the handler takes it exclusively, so it waits for
/// writes in flight and no new one starts.
static GATE: RwLock<()> = RwLock::new(());
static INSTALL: Once = Once::new();

/// Installs the Ctrl-C handler (once per process). Library users who handle
/// signals themselves need not call it.
pub fn install() {
    INSTALL.call_once(|| {
        // Failing to install only loses the cleanup; the run itself is unaffected.
        let _ = ctrlc::set_handler(|| {
            let _gate = GATE.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(path) = staging().as_ref() {
                // A hook still running may add files while this removes
                // them, which fails the removal of their directory: retry.
                for _ in 0..5 {
                    match std::fs::remove_dir_all(path) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => continue,
                        _ => break,
                    }
                }
            }
            let _ = console::Term::stderr().show_cursor();
            eprintln!("\nerror: interrupted; nothing was written");
            std::process::exit(130);
        });
    });
}

/// Keeps the handler waiting while held: hold it around each write and the
/// commit. Several threads may hold it at once; never take it twice on one
/// thread.
pub fn critical() -> RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Tells the handler which staging directory to remove (`None` once done).
pub fn set_staging(path: Option<&Path>) {
    *staging() = path.map(Path::to_owned);
}

fn staging() -> MutexGuard<'static, Option<PathBuf>> {
    STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
