//! Shared helpers: the fluent [`Test`] that most tests are one sentence of,
//! and below it a scratch directory, a command runner and a tree printer.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

/// The path of the binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_stamp")
}

/// One run of stamp, stated as a sentence: what the scratch directory holds,
/// the arguments, and what must come out. Unstated expectations are not
/// checked, except the exit status, which is 0 unless [`Test::status`] says
/// otherwise. [`Test::run`] asserts and returns the scratch directory and the
/// run for checks of the tree.
#[must_use]
pub struct Test {
    scratch: Scratch,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    status: i32,
    stdout: Option<String>,
    stderr: Option<String>,
    stderr_contains: Vec<String>,
}

#[allow(dead_code)] // TEMP: removed once the CLI tests are converted
impl Test {
    pub fn new() -> Self {
        Test {
            scratch: Scratch::new(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            status: 0,
            stdout: None,
            stderr: None,
            stderr_contains: Vec::new(),
        }
    }

    /// Writes a file (parents created) below the scratch directory.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.scratch.write(path, contents);
        self
    }

    /// Writes a template into `tpl/` (paths relative to it) and passes `-t tpl`.
    pub fn template(self, files: &[(&str, &str)]) -> Self {
        for (path, contents) in files {
            self.scratch.write(&format!("tpl/{path}"), contents);
        }
        self.args(&["-t", "tpl"])
    }

    /// The basic stamp template of [`basic_template`], with `-t tpl`.
    pub fn basic_template(self) -> Self {
        basic_template(&self.scratch);
        self.args(&["-t", "tpl"])
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Gives stamp this stdin, as a pipe (closed when not given).
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    pub fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    pub fn stdout(mut self, text: &str) -> Self {
        self.stdout = Some(text.to_owned());
        self
    }

    pub fn stderr(mut self, text: &str) -> Self {
        self.stderr = Some(text.to_owned());
        self
    }

    pub fn stderr_contains(mut self, text: &str) -> Self {
        self.stderr_contains.push(text.to_owned());
        self
    }

    /// Runs stamp and asserts every stated expectation.
    #[track_caller]
    pub fn run(self) -> (Scratch, Run) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let run = self.scratch.run_with(&args, self.stdin.as_deref(), &self.env);
        assert_eq!(run.code, self.status, "exit status of stamp {args:?}\n{run:?}");
        if let Some(stdout) = &self.stdout {
            assert_eq!(&run.stdout, stdout, "stdout of stamp {args:?}");
        }
        if let Some(stderr) = &self.stderr {
            assert_eq!(&run.stderr, stderr, "stderr of stamp {args:?}");
        }
        for part in &self.stderr_contains {
            assert!(
                run.stderr.contains(part.as_str()),
                "stderr of stamp {args:?} lacks {part:?}:\n{}",
                run.stderr
            );
        }
        (self.scratch, run)
    }
}

/// A scratch directory holding an optional template and an output directory.
pub struct Scratch {
    pub dir: TempDir,
}

/// What one run of stamp produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file (creating parents) below the scratch directory.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        path
    }

    /// Runs stamp in the scratch directory with stdin closed.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    /// Runs stamp with `stdin` as a pipe holding these bytes (or closed for `None`).
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_with(args, stdin, &[])
    }

    /// Runs stamp with `stdin` (closed for `None`) and extra environment variables.
    pub fn run_with(&self, args: &[&str], stdin: Option<&str>, env: &[(String, String)]) -> Run {
        let mut std_command = std::process::Command::new(binary());
        std_command.current_dir(self.dir.path()).args(args).env("NO_COLOR", "1");
        std_command.envs(env.iter().map(|(k, v)| (k, v)));
        if stdin.is_none() {
            std_command.stdin(std::process::Stdio::null());
        }
        let mut command = assert_cmd::Command::from_std(std_command);
        command.timeout(Duration::from_secs(30));
        if let Some(input) = stdin {
            command.write_stdin(input);
        }
        let output = command.output().expect("stamp runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Every path below `relative` with its kind, mode and contents, sorted.
    pub fn tree(&self, relative: &str) -> String {
        tree(&self.path(relative))
    }

    /// The names directly inside the scratch directory, to spot leftovers.
    pub fn top_level(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

/// A textual picture of a tree: `path` for directories, `path [x] = contents` for files.
pub fn tree(root: &Path) -> String {
    let mut out = String::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if entry.file_type().is_dir() {
            out.push_str(&format!("{relative}/\n"));
        } else {
            let bytes = fs::read(entry.path()).unwrap();
            let mark = if is_executable(entry.path()) { " [x]" } else { "" };
            out.push_str(&format!("{relative}{mark} = {:?}\n", String::from_utf8_lossy(&bytes)));
        }
    }
    out
}

pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

/// A small stamp.toml template with a project name and a slug.
pub const BASIC_MANIFEST: &str = r#"
[template]
name = "basic"
version = "1.2.3"
next_steps = "cd {{ cookiecutter.slug }}"

[[variables]]
name = "name"
prompt = "Project name"
help = "Shown in the README."

[[variables]]
name = "slug"
prompt = "Slug"
default = "{{ cookiecutter.name | slugify }}"
validation = { regex = "[a-z][a-z0-9-]*", message = "use lower-case letters, digits and dashes" }

[[variables]]
name = "license"
type = "choice"
choices = ["MIT", "Apache-2.0"]
"#;

/// Writes the basic template into `tpl/` of the scratch directory.
pub fn basic_template(scratch: &Scratch) {
    scratch.write("tpl/stamp.toml", BASIC_MANIFEST);
    scratch.write(
        "tpl/{{cookiecutter.slug}}/README.md",
        "# {{ cookiecutter.name }}\nLicense: {{ cookiecutter.license }}\n",
    );
}
