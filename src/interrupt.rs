//! Ctrl-C handling. The handler waits for any critical section (a file being
//! written into the staging directory, the final move into place) to end,
//! removes the staging directory, restores the terminal and exits 130, so an
//! interrupted run leaves the destination as it was and nothing behind.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

static STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);
static INSTALL: Once = Once::new();

/// Installs the Ctrl-C handler (once per process). Library users who handle
/// signals themselves need not call it.
pub fn install() {
    INSTALL.call_once(|| {
        // Failing to install only loses the cleanup; the run itself is unaffected.
        let _ = ctrlc::set_handler(|| {
            let staging = lock();
            if let Some(path) = staging.as_ref() {
                let _ = std::fs::remove_dir_all(path);
            }
            let _ = console::Term::stderr().show_cursor();
            eprintln!("\nerror: interrupted; nothing was written");
            std::process::exit(130);
        });
    });
}

/// Blocks the handler while held: hold it around each write and the commit.
pub fn critical() -> MutexGuard<'static, Option<PathBuf>> {
    lock()
}

/// Tells the handler which staging directory to remove (`None` once done).
pub fn set_staging(path: Option<&Path>) {
    *lock() = path.map(Path::to_owned);
}

fn lock() -> MutexGuard<'static, Option<PathBuf>> {
    STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
