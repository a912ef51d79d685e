//! Running the template's own programs (hooks, tasks): each in a process
//! group of its own that an interrupt stops whole, with nothing on stdin and
//! its output on stderr (stdout is stamp's machine-readable output).

use std::process::{Command, Stdio};

use crate::interrupt;

/// Runs `command` to its end. `Ok(Err(how))` says how a program that ran
/// failed ("exited with status 2"); `Err` is a program that could not start.
pub(crate) fn run(command: &mut Command) -> std::io::Result<Result<(), String>> {
    command.stdin(Stdio::null()).stdout(std::io::stderr());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    // Spawned and registered in one critical section: an interrupt between
    // the two would miss the program.
    let (_process, mut child) = {
        let _critical = interrupt::critical();
        let child = command.spawn()?;
        (interrupt::register_process(child.id()), child)
    };
    let status = child.wait()?;
    // A program an interrupt stopped must not be reported as a failure: the
    // handler holds the gate by then, so this waits for it to end the process.
    drop(interrupt::critical());
    Ok(if status.success() {
        Ok(())
    } else {
        Err(status.code().map_or("was killed by a signal".to_owned(), |c| format!("exited with status {c}")))
    })
}
