//! Whether questions are asked at the terminal, for every command that asks
//! them (`new`, `update`), and the note when text piped in will not answer them.

use std::io::IsTerminal;

use console::style;

/// Whether to ask at the terminal: both stdin and stderr are one, and
/// neither `--no-input` nor answers read from stdin (`-a -`, which use it
/// up) rule it out. When there is no terminal to ask on, says so once
/// unless `quiet`, if text waits on stdin that a user may take for replies.
pub(super) fn asks_at_terminal(no_input: bool, answers_on_stdin: bool, quiet: bool) -> bool {
    if no_input || answers_on_stdin {
        return false;
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive && !quiet {
        note_no_terminal();
    }
    interactive
}

/// Says, once, that text piped to stamp is not read as replies: without a
/// terminal nothing is asked, and a question takes the value given for it
/// or its default. Nothing is said when stdin is closed, `/dev/null` or an
/// empty pipe (a script that feeds nothing), or holds the answers (`-a -`).
fn note_no_terminal() {
    if stdin_holds_text() {
        eprintln!(
            "{} no terminal to ask on (stdin is not one): the text on stdin is not read as replies, and each \
             question takes its given value or its default; pass --no-input to say this is meant",
            style("note:").cyan().bold().for_stderr()
        );
    }
}

/// Whether text is waiting on stdin (a pipe, socket or file with bytes
/// to read), found without reading any of it: a hook may read it.
fn stdin_holds_text() -> bool {
    #[cfg(unix)]
    {
        rustix::io::ioctl_fionread(std::io::stdin()).is_ok_and(|waiting| waiting > 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}
