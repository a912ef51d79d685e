//! Shared helpers: the fluent [`Test`] that most tests are one sentence of,
//! and below it a scratch directory, a command runner and a tree printer.

use std::borrow::Borrow;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

/// The path of the binary under test.
pub(crate) fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_stamp")
}

/// One run of stamp, stated as a sentence: what the scratch directory holds,
/// the arguments, what must come out and what the run must leave behind.
/// Unstated expectations are not checked, except the exit status, which is 0
/// unless [`Test::status`] says otherwise. [`Test::run`] asserts and returns
/// the scratch directory and the run for further checks.
///
/// [`Test::new`] owns a fresh scratch directory; [`Test::in_scratch`] runs
/// again in one that an earlier run left.
#[must_use]
pub(crate) struct Test<S: Borrow<Scratch> = Scratch> {
    scratch: S,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    status: i32,
    stdout: Vec<Expect>,
    stderr: Vec<Expect>,
    files: Vec<(String, Vec<u8>)>,
    trees: Vec<(String, String)>,
    absent: Vec<String>,
    top_level: Option<Vec<String>>,
    /// Where stamp runs, below the scratch directory (the scratch directory itself when `None`).
    cwd: Option<String>,
}

/// One expectation of a whole output stream.
enum Expect {
    Exactly(String),
    StartsWith(String),
    Contains(String),
    Lacks(String),
}

impl Expect {
    #[track_caller]
    fn check(&self, stream: &str, actual: &str, args: &[&str]) {
        match self {
            Expect::Exactly(text) => assert_eq!(actual, text, "{stream} of stamp {args:?}"),
            Expect::StartsWith(text) => assert!(
                actual.starts_with(text.as_str()),
                "{stream} of stamp {args:?} does not start with {text:?}:\n{actual}"
            ),
            Expect::Contains(text) => assert!(
                actual.contains(text.as_str()),
                "{stream} of stamp {args:?} lacks {text:?}:\n{actual}"
            ),
            Expect::Lacks(text) => assert!(
                !actual.contains(text.as_str()),
                "{stream} of stamp {args:?} contains {text:?}:\n{actual}"
            ),
        }
    }
}

impl Test<Scratch> {
    pub(crate) fn new() -> Self {
        Test::in_scratch(Scratch::new())
    }
}

impl<S: Borrow<Scratch>> Test<S> {
    /// A run in `scratch`: a fresh one for [`Test::new`], or `&scratch` to run
    /// again where an earlier run left its files.
    pub(crate) fn in_scratch(scratch: S) -> Self {
        Test {
            scratch,
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            status: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: Vec::new(),
            trees: Vec::new(),
            absent: Vec::new(),
            top_level: None,
            cwd: None,
        }
    }

    /// Runs stamp in `dir`, below the scratch directory.
    pub(crate) fn in_dir(mut self, dir: &str) -> Self {
        self.cwd = Some(dir.to_owned());
        self
    }

    /// A path below the scratch directory.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.scratch.borrow().path(relative)
    }

    /// Writes a file (parents created) below the scratch directory.
    pub(crate) fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.scratch.borrow().write(path, contents);
        self
    }

    /// Sets the permission bits of a file already written, e.g. `0o755`.
    pub(crate) fn mode(self, path: &str, mode: u32) -> Self {
        set_mode(&self.scratch.borrow().path(path), mode);
        self
    }

    /// Writes a template into `tpl/` (paths relative to it) and passes `-t tpl`.
    pub(crate) fn template(self, files: &[(&str, &str)]) -> Self {
        for (path, contents) in files {
            self.scratch.borrow().write(&format!("tpl/{path}"), contents);
        }
        self.args(&["-t", "tpl"])
    }

    /// The basic stamp template of [`basic_template`], with `-t tpl`.
    pub(crate) fn basic_template(self) -> Self {
        basic_template(self.scratch.borrow());
        self.args(&["-t", "tpl"])
    }

    pub(crate) fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Gives stamp this stdin, as a pipe (closed when not given).
    pub(crate) fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    pub(crate) fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    /// Stdout must be exactly `text`.
    pub(crate) fn stdout(mut self, text: &str) -> Self {
        self.stdout.push(Expect::Exactly(text.to_owned()));
        self
    }

    pub(crate) fn stdout_starts_with(mut self, text: &str) -> Self {
        self.stdout.push(Expect::StartsWith(text.to_owned()));
        self
    }

    pub(crate) fn stdout_contains(mut self, text: &str) -> Self {
        self.stdout.push(Expect::Contains(text.to_owned()));
        self
    }

    pub(crate) fn stdout_lacks(mut self, text: &str) -> Self {
        self.stdout.push(Expect::Lacks(text.to_owned()));
        self
    }

    /// Stderr must be exactly `text`.
    pub(crate) fn stderr(mut self, text: &str) -> Self {
        self.stderr.push(Expect::Exactly(text.to_owned()));
        self
    }

    pub(crate) fn stderr_starts_with(mut self, text: &str) -> Self {
        self.stderr.push(Expect::StartsWith(text.to_owned()));
        self
    }

    pub(crate) fn stderr_contains(mut self, text: &str) -> Self {
        self.stderr.push(Expect::Contains(text.to_owned()));
        self
    }

    pub(crate) fn stderr_lacks(mut self, text: &str) -> Self {
        self.stderr.push(Expect::Lacks(text.to_owned()));
        self
    }

    /// After the run, the file at `path` holds exactly `contents`.
    pub(crate) fn leaves_file(mut self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.files.push((path.to_owned(), contents.as_ref().to_owned()));
        self
    }

    /// After the run, the [`tree`] below `dir` is exactly `picture`.
    pub(crate) fn leaves_tree(mut self, dir: &str, picture: &str) -> Self {
        self.trees.push((dir.to_owned(), picture.to_owned()));
        self
    }

    /// After the run, nothing exists at `path`.
    pub(crate) fn leaves_no(mut self, path: &str) -> Self {
        self.absent.push(path.to_owned());
        self
    }

    /// After the run, the scratch directory holds exactly these names (sorted),
    /// so nothing else was written and no staging was left.
    pub(crate) fn leaves_top_level(mut self, names: &[&str]) -> Self {
        self.top_level = Some(names.iter().map(|n| (*n).to_owned()).collect());
        self
    }

    /// Runs stamp and asserts every stated expectation.
    #[track_caller]
    pub(crate) fn run(self) -> (S, Run) {
        let scratch = self.scratch.borrow();
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let dir = self.cwd.as_deref().map_or_else(|| scratch.dir.path().to_owned(), |cwd| scratch.path(cwd));
        let run = run_in(&dir, &args, self.stdin.as_deref(), &self.env);
        assert_eq!(run.code, self.status, "exit status of stamp {args:?}\n{run:?}");
        for expect in &self.stdout {
            expect.check("stdout", &run.stdout, &args);
        }
        for expect in &self.stderr {
            expect.check("stderr", &run.stderr, &args);
        }
        for (path, contents) in &self.files {
            let actual = fs::read(scratch.path(path))
                .unwrap_or_else(|e| panic!("{path} after stamp {args:?}: {e}\n{run:?}"));
            match (std::str::from_utf8(&actual), std::str::from_utf8(contents)) {
                (Ok(actual), Ok(contents)) => assert_eq!(actual, contents, "{path} after stamp {args:?}"),
                _ => assert_eq!(&actual, contents, "{path} after stamp {args:?}"),
            }
        }
        for (dir, picture) in &self.trees {
            assert_eq!(&scratch.tree(dir), picture, "tree of {dir} after stamp {args:?}");
        }
        for path in &self.absent {
            assert!(!scratch.path(path).exists(), "{path} exists after stamp {args:?}");
        }
        if let Some(names) = &self.top_level {
            assert_eq!(&scratch.top_level(), names, "top level after stamp {args:?}");
        }
        (self.scratch, run)
    }
}

/// Sets the permission bits of `path`.
pub(crate) fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A scratch directory holding an optional template and an output directory.
pub(crate) struct Scratch {
    pub dir: TempDir,
}

/// What one run of stamp produced.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file (creating parents) below the scratch directory.
    pub(crate) fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        path
    }

    /// Runs stamp in the scratch directory with stdin closed.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, None, &[])
    }

    /// Runs stamp with `stdin` (closed for `None`) and extra environment variables.
    pub(crate) fn run_with(&self, args: &[&str], stdin: Option<&str>, env: &[(String, String)]) -> Run {
        run_in(self.dir.path(), args, stdin, env)
    }

    /// Every path below `relative` with its kind, mode and contents, sorted.
    pub(crate) fn tree(&self, relative: &str) -> String {
        tree(&self.path(relative))
    }

    /// The names directly inside the scratch directory, to spot leftovers.
    pub(crate) fn top_level(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

/// Runs stamp in `dir` with `stdin` (closed for `None`) and extra environment variables.
pub(crate) fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(String, String)]) -> Run {
    let mut std_command = std::process::Command::new(binary());
    std_command.current_dir(dir).args(args).env("NO_COLOR", "1");
    // Nothing of the user's own configuration, cache or replay files: a
    // home of the tests' own, unless a test sets these itself.
    std_command.env("HOME", Path::new(env!("CARGO_TARGET_TMPDIR")).join("home"));
    for name in ["XDG_CONFIG_HOME", "XDG_CACHE_HOME", "COOKIECUTTER_CONFIG"] {
        std_command.env_remove(name);
    }
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

/// A textual picture of a tree: `path` for directories, `path [x] = contents` for files.
pub(crate) fn tree(root: &Path) -> String {
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

pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

/// A small stamp.toml template with a project name and a slug.
pub(crate) const BASIC_MANIFEST: &str = r#"
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
pub(crate) fn basic_template(scratch: &Scratch) {
    scratch.write("tpl/stamp.toml", BASIC_MANIFEST);
    scratch.write(
        "tpl/{{cookiecutter.slug}}/README.md",
        "# {{ cookiecutter.name }}\nLicense: {{ cookiecutter.license }}\n",
    );
}

/// Runs git in `dir` with an identity and `main` as the first branch; its trimmed stdout.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
