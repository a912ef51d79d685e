//! The interactive prompts, driven through a real pseudo-terminal.

use std::process::Command;

use rexpect::ReadUntil;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::support::{Scratch, basic_template, binary};

fn spawn(scratch: &Scratch, args: &[&str]) -> PtySession {
    let mut command = Command::new(binary());
    command.current_dir(scratch.dir.path()).args(args).env("TERM", "xterm").env("NO_COLOR", "1");
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

fn exit_code(session: &mut PtySession) -> i32 {
    match session.process_mut().wait().expect("stamp exits") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("stamp did not exit normally: {other:?}"),
    }
}

#[test]
fn answers_are_typed_and_bad_replies_are_asked_again() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    p.exp_string("Shown in the README.").unwrap();
    p.exp_string("Project name").unwrap();
    p.send_line("Demo Shop").unwrap();
    p.exp_string("Slug").unwrap();
    p.exp_string("demo-shop").unwrap();
    p.send_line("Not Valid").unwrap();
    p.exp_string("use lower-case letters, digits and dashes").unwrap();
    p.send_line("shop").unwrap();
    p.exp_string("license").unwrap();
    p.send("\x1b[B").unwrap(); // arrow down to the second choice
    p.send_line("").unwrap();
    p.exp_string("Generated shop from basic 1.2.3").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        std::fs::read_to_string(scratch.path("shop/README.md")).unwrap(),
        "# Demo Shop\nLicense: Apache-2.0\n"
    );
}

#[test]
fn enter_accepts_every_default_of_the_builtin_template() {
    let scratch = Scratch::new();
    let mut p = spawn(&scratch, &[]);
    p.exp_string("Project name").unwrap();
    // Press Enter at every prompt (each ends in `›`, which rexpect reads
    // byte by byte as three Latin-1 characters) until the summary appears.
    let mut prompts = 0;
    loop {
        let (_, found) = p
            .exp_any(vec![
                ReadUntil::String("\u{e2}\u{80}\u{ba}".into()),
                ReadUntil::String("Generated ".into()),
            ])
            .unwrap();
        if found.starts_with("Generated") {
            break;
        }
        prompts += 1;
        assert!(prompts < 200, "stamp keeps prompting");
        p.send_line("").unwrap();
    }
    p.exp_string("my-service").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let answers = std::fs::read_to_string(scratch.path("my-service/.stamp-answers.toml")).unwrap();
    assert!(answers.contains("postgres_db = \"my_service\"\ninclude_sentry = \"no\"\n"), "{answers}");
}

#[test]
fn given_values_are_not_asked_again_and_no_input_never_asks() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let mut p = spawn(&scratch, &["-t", "tpl", "name=Given"]);
    // The first question is the slug, made from the given name; the name itself is not asked.
    let before = p.exp_string("given").unwrap();
    assert!(!before.contains("Project name"), "the given name was asked again: {before:?}");
    p.send_line("").unwrap();
    p.exp_string("license").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(scratch.path("given/README.md").is_file());

    let mut p = spawn(&scratch, &["-t", "tpl", "-o", "quiet", "--no-input"]);
    p.exp_string("error: no value for `name`, `slug`").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 2);
}

#[test]
fn a_nested_template_is_chosen_at_the_terminal() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/cookiecutter.json",
        r#"{"templates": {"web": {"path": "web", "title": "Web", "description": "an API"}, "cli": {"path": "cli", "title": "CLI"}}}"#,
    );
    for (name, body) in [("web", "web\n"), ("cli", "cli\n")] {
        scratch.write(&format!("tpl/{name}/cookiecutter.json"), format!(r#"{{"name": "{name}-app"}}"#));
        scratch.write(&format!("tpl/{name}/{{{{cookiecutter.name}}}}/README.md"), body);
    }
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    p.exp_string("Select a template").unwrap();
    p.exp_string("Web (an API)").unwrap();
    p.send("\x1b[B").unwrap(); // arrow down to CLI
    p.send_line("").unwrap();
    p.exp_string("name").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(std::fs::read_to_string(scratch.path("cli-app/README.md")).unwrap(), "cli\n");
}

/// A reason longer than a line is shown whole, under the prompt, while the
/// question is asked again, and the next reason goes below it (dialoguer
/// cleared one line of each, leaving their first lines); once answered, the
/// answered line replaces them. Help breaks between words. The question
/// shows where it stands (`[2/3]`); the answered line does not.
#[test]
fn refusals_stay_whole_until_the_answer_and_help_breaks_between_words() {
    let scratch = Scratch::new();
    let help =
        "The name people see in the README, the dashboard titles and every generated document heading.";
    let rule =
        "use lower-case letters, digits and dashes only, starting with a letter, as Kubernetes names are";
    scratch.write(
        "tpl/stamp.toml",
        format!(
            "[template]\nname = \"t\"\nversion = \"1\"\n\
             [[variables]]\nname = \"name\"\nprompt = \"Project name\"\nhelp = \"{help}\"\n\
             [[variables]]\nname = \"slug\"\nprompt = \"Slug\"\n\
             validation = {{ regex = \"[a-z][a-z0-9-]*\", message = \"{rule}\" }}\n\
             [[variables]]\nname = \"port\"\ntype = \"integer\"\ndefault = 8000\n"
        ),
    );
    scratch.write("tpl/{{cookiecutter.slug}}/f", "{{ cookiecutter.name }} {{ cookiecutter.port }}");
    let mut t = Terminal::spawn(&scratch, &["-t", "tpl"], &[]);
    t.wait_for("[1/3] Project name");
    // Enter with no default is refused with the reason.
    t.send("\r");
    t.wait_for("no default");
    t.wait_for("Project name");
    t.send("Demo Shop\r");
    t.wait_for("[2/3] Slug");
    t.send("Not Valid\r");
    t.wait_for("Slug");
    t.send("Still Not\r");
    t.wait_for("Slug");
    let screen = t.screen();
    for word in help.split(' ') {
        assert!(screen.split_whitespace().any(|w| w == word), "{word:?} is broken:\n{screen}");
    }
    assert!(screen.contains("✔ Project name · Demo Shop\n"), "{screen}");
    assert!(!screen.contains("[1/3]"), "the answered line shows the place:\n{screen}");
    // Both refusals, every line of each, below the answered line, then the question again.
    let refusals = screen.split("✔ Project name · Demo Shop\n").nth(1).unwrap();
    assert_eq!(
        refusals,
        "✘ \"Not Valid\": use lower-case letters, digits and dashes\n  only, starting with a letter, as Kubernetes names are\n\
         ✘ \"Still Not\": use lower-case letters, digits and dashes\n  only, starting with a letter, as Kubernetes names are\n\
         ? [2/3] Slug",
        "{screen}"
    );
    t.send("shop\r");
    t.wait_for("[3/3] port");
    t.send("80x\r");
    t.wait_for("port");
    t.send("\r");
    assert_eq!(t.finish(), 0);
    let screen = t.screen();
    assert!(screen.contains("✔ Project name · Demo Shop\n✔ Slug · shop\n✔ port · 8000\n"), "{screen}");
    assert!(!screen.contains('✘'), "{screen}");
    assert_eq!(std::fs::read_to_string(scratch.path("shop/f")).unwrap(), "Demo Shop 8000");
}

/// A secret with no default needs an answer at a terminal as it does with
/// --no-input; a refused secret gets the reason and no tick; the accepted
/// one is shown as stars.
#[test]
fn a_secret_is_refused_without_a_tick_and_needs_an_answer_as_without_a_terminal() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        "[template]\nname = \"t\"\nversion = \"1\"\n\
         [[variables]]\nname = \"dir\"\ndefault = \"out\"\n\
         [[variables]]\nname = \"token\"\nprompt = \"API token\"\ntype = \"secret\"\n\
         validation = { regex = \"[0-9]+\", message = \"digits only\" }\n",
    );
    scratch.write("tpl/{{cookiecutter.dir}}/f", "{{ cookiecutter.token }}");
    let mut t = Terminal::spawn(&scratch, &["-t", "tpl"], &[]);
    t.wait_for("[1/2] dir");
    t.send("\r");
    t.wait_for("[2/2] API token (hidden)");
    t.send("\r");
    t.wait_for("API token");
    t.send("abc\r");
    t.wait_for("API token");
    let screen = t.screen();
    assert!(
        screen.ends_with(
            "✔ dir · out\n✘ an answer is needed: this question has no default\n✘ the value: digits only\n? [2/2] API token"
        ),
        "{screen}"
    );
    assert!(!screen.contains("✔ API token"), "{screen}");
    t.send("123\r");
    assert_eq!(t.finish(), 0);
    assert!(t.screen().contains("✔ dir · out\n✔ API token · ********\n"), "{}", t.screen());
    assert_eq!(std::fs::read_to_string(scratch.path("out/f")).unwrap(), "123");

    let mut p = spawn(&scratch, &["-t", "tpl", "--no-input", "-o", "none"]);
    p.exp_string("error: no value for `token`").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 2);
}

/// A yes/no choice is a `(y/n)` confirm; a choice and a multichoice say
/// which keys to use, and the answered line does not; without colour the
/// multichoice's cursor is a mark of its own.
#[test]
fn yes_no_is_a_confirm_and_lists_say_which_keys_to_use() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        "[template]\nname = \"t\"\nversion = \"1\"\n\
         [[variables]]\nname = \"sentry\"\nprompt = \"Include Sentry?\"\ntype = \"choice\"\nchoices = [\"no\", \"yes\"]\n\
         [[variables]]\nname = \"db\"\nprompt = \"Database\"\ntype = \"choice\"\nchoices = [\"postgres\", \"mysql\"]\n\
         [[variables]]\nname = \"extras\"\nprompt = \"Extras\"\ntype = \"multichoice\"\nchoices = [\"redis\", \"celery\"]\n",
    );
    scratch.write(
        "tpl/{{cookiecutter.db}}/f",
        "{{ cookiecutter.sentry }} {{ cookiecutter.extras | join(',') }}",
    );
    let mut t = Terminal::spawn(&scratch, &["-t", "tpl"], &[]);
    t.wait_for("(y/n)");
    assert!(t.screen().ends_with("? [1/3] Include Sentry? (y/n)"), "{}", t.screen());
    t.send("y");
    t.wait_for("to move, enter to choose)");
    assert!(t.screen().contains("? [2/3] Database (↑/↓ to move, enter to choose)"), "{}", t.screen());
    t.send("\x1b[B\r");
    t.wait_for("confirm)");
    t.wait_for("celery");
    // The keys, broken between words; the cursor on the first item, marked without colour.
    assert!(
        t.screen().ends_with(
            "? [3/3] Extras (↑/↓ to move, space to select, enter to\nconfirm) ›\n❯ ⬚ redis\n  ⬚ celery"
        ),
        "{}",
        t.screen()
    );
    t.send("\x1b[B");
    t.wait_for("celery");
    assert!(t.screen().ends_with("  ⬚ redis\n❯ ⬚ celery"), "{}", t.screen());
    t.send(" \r");
    assert_eq!(t.finish(), 0);
    let screen = t.screen();
    assert!(
        screen.starts_with("✔ Include Sentry? · yes\n✔ Database · mysql\n✔ Extras · celery\n"),
        "{screen}"
    );
    assert!(!screen.contains("to move"), "{screen}");
    assert_eq!(std::fs::read_to_string(scratch.path("mysql/f")).unwrap(), "yes celery");
}

/// A default made from earlier answers that its own rule refuses is not
/// dropped in silence: the terminal says why before asking, and without
/// one the error says which KEY=VALUE to give.
#[test]
fn a_refused_derived_default_says_why() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    // The slug made from this name starts with a digit, which the slug's rule refuses.
    let mut t = Terminal::spawn(&scratch, &["-t", "tpl", "name=1 Shop"], &[]);
    t.wait_for("type a value");
    t.wait_for("Slug");
    assert!(
        t.screen().ends_with(
            "! the template's default is refused (\"1-shop\": use\n  lower-case letters, digits and dashes); type a value\n? [1/2] Slug"
        ),
        "{}",
        t.screen()
    );
    t.send("shop\r");
    t.wait_for("license");
    t.send("\r");
    assert_eq!(t.finish(), 0);

    let mut p = spawn(&scratch, &["-t", "tpl", "--no-input", "name=1 Shop", "-o", "none"]);
    p.exp_string("error: invalid value for `slug` in the template's default: ").unwrap();
    p.exp_string("; give a value as slug=VALUE or in an answers file").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 2);
}

#[test]
fn an_existing_project_is_reported_as_soon_as_the_answers_name_it() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("shop/keep.txt", "mine\n");
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    p.exp_string("Project name").unwrap();
    p.send_line("Shop").unwrap();
    p.exp_string("Slug").unwrap();
    p.send_line("shop").unwrap();
    // Stopped before the license question, with nothing written.
    let (before, _) = p.exp_regex("error: shop already exists[^\n]*").unwrap();
    assert!(!before.contains("license"), "asked on after the name was known:\n{before}");
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 4);
    assert_eq!(std::fs::read_to_string(scratch.path("shop/keep.txt")).unwrap(), "mine\n");
}
