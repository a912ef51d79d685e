//! A pseudo-terminal to drive stamp's prompts through, and enough of a
//! screen to see what they draw.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::support::{Scratch, binary};

/// stamp in a pseudo-terminal in `scratch`, which is also its home (no
/// configuration of the user's).
pub(crate) fn spawn(scratch: &Scratch, args: &[&str]) -> PtySession {
    let mut command = Command::new(binary());
    command.current_dir(scratch.dir.path()).args(args).env("TERM", "xterm").env("NO_COLOR", "1");
    command.env("HOME", scratch.dir.path());
    spawn_command(command, Some(15_000)).expect("spawn stamp in a pty")
}

/// stamp at a terminal of 60 columns (console reads the size from the
/// pty, which `stty` sets), with the screen it draws kept: everything read
/// is also fed to a [`Screen`].
pub(crate) struct Terminal {
    session: PtySession,
    output: Vec<u8>,
}

impl Terminal {
    const COLUMNS: usize = 60;

    pub(crate) fn spawn(scratch: &Scratch, args: &[&str], env: &[(&str, &str)]) -> Terminal {
        let mut command = Command::new("sh");
        command
            .current_dir(scratch.dir.path())
            .args(["-c", "stty cols 60 rows 40 && exec \"$0\" \"$@\"", binary()])
            .args(args)
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("HOME", scratch.dir.path());
        for (name, value) in env {
            command.env(name, value);
        }
        Terminal {
            session: spawn_command(command, Some(15_000)).expect("spawn stamp in a pty"),
            output: Vec::new(),
        }
    }

    /// Reads until `text` (ASCII) is shown.
    #[track_caller]
    pub(crate) fn wait_for(&mut self, text: &str) {
        let before = self
            .session
            .exp_string(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}\n{}", self.screen()));
        // rexpect hands bytes over as one char each.
        self.output.extend(before.chars().map(|c| u8::try_from(c).expect("a byte")));
        self.output.extend(text.bytes());
    }

    pub(crate) fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
        self.session.flush().unwrap();
    }

    /// Waits for stamp to end; its exit code.
    pub(crate) fn finish(&mut self) -> i32 {
        let rest = self.session.exp_eof().unwrap();
        self.output.extend(rest.chars().map(|c| u8::try_from(c).expect("a byte")));
        exit_code(&mut self.session)
    }

    /// The screen as drawn so far: one line per row, without trailing blanks.
    pub(crate) fn screen(&self) -> String {
        let mut screen = Screen::new(Self::COLUMNS);
        screen.feed(&String::from_utf8_lossy(&self.output));
        screen.text()
    }
}

/// Enough of a terminal for what console and dialoguer write: text that
/// wraps at the last column, carriage return and newline, cursor moves
/// (`ESC[nA` … `ESC[nD`), and clearing a line or the rest of the screen.
struct Screen {
    columns: usize,
    rows: Vec<Vec<char>>,
    row: usize,
    column: usize,
    /// The last column was written: the next character starts a new row.
    pending_wrap: bool,
}

impl Screen {
    fn new(columns: usize) -> Screen {
        Screen { columns, rows: vec![Vec::new()], row: 0, column: 0, pending_wrap: false }
    }

    fn feed(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => (self.column, self.pending_wrap) = (0, false),
                '\n' => self.move_to(self.row + 1, self.column),
                '\u{8}' => self.move_to(self.row, self.column.saturating_sub(1)),
                '\u{1b}' if chars.peek() == Some(&'[') => {
                    chars.next();
                    let mut parameters = String::new();
                    let command = loop {
                        match chars.next() {
                            Some(p) if p.is_ascii_digit() || p == ';' || p == '?' => parameters.push(p),
                            Some(command) => break command,
                            None => return,
                        }
                    };
                    let n: usize = parameters.trim_start_matches('?').parse().unwrap_or(0);
                    self.control(command, n);
                }
                '\u{1b}' => {
                    chars.next();
                }
                c if c.is_control() => {}
                c => self.put(c),
            }
        }
    }

    fn control(&mut self, command: char, n: usize) {
        let (row, column) = (self.row, self.column);
        match command {
            'A' => self.move_to(row.saturating_sub(n.max(1)), column),
            'B' => self.move_to(row + n.max(1), column),
            'C' => self.move_to(row, (column + n.max(1)).min(self.columns - 1)),
            'D' => self.move_to(row, column.saturating_sub(n.max(1))),
            'K' => {
                let line = &mut self.rows[row];
                match n {
                    0 => line.truncate(column),
                    1 => line.iter_mut().take(column + 1).for_each(|c| *c = ' '),
                    _ => line.clear(),
                }
            }
            'J' => {
                self.rows[row].truncate(column);
                self.rows.truncate(row + 1);
            }
            _ => {}
        }
    }

    fn move_to(&mut self, row: usize, column: usize) {
        while self.rows.len() <= row {
            self.rows.push(Vec::new());
        }
        (self.row, self.column, self.pending_wrap) = (row, column, false);
    }

    fn put(&mut self, c: char) {
        if self.pending_wrap {
            self.move_to(self.row + 1, 0);
        }
        let line = &mut self.rows[self.row];
        while line.len() <= self.column {
            line.push(' ');
        }
        line[self.column] = c;
        if self.column + 1 == self.columns {
            self.pending_wrap = true;
        } else {
            self.column += 1;
        }
    }

    fn text(&self) -> String {
        let lines: Vec<String> =
            self.rows.iter().map(|r| r.iter().collect::<String>().trim_end().to_owned()).collect();
        lines.join("\n").trim_end().to_owned()
    }
}

pub(crate) fn exit_code(session: &mut PtySession) -> i32 {
    match session.process_mut().wait().expect("stamp exits") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("stamp did not exit normally: {other:?}"),
    }
}
