//! Differential test of `stamp update` against `cruft update` (cruft 2.16.0) and
//! `copier update` (copier 9.19.1), both found on PATH (`bash scripts/test`
//! installs tests/requirements.txt into .tools/venv and puts it first).
//!
//! Every scenario builds a cookiecutter template `tpl/` and its copier twin
//! `ctpl/` (the same questions and defaults, files rendering to the same
//! bytes), tagged v1; each tool makes a project from v1 in a git repository of
//! its own, the same user change is committed in all three, both templates
//! move to v2 the same way, and each tool updates. The trees left (without
//! `.git` and the tools' records) and the exit codes are compared with what
//! the table says for each tool: what a peer does where it differs from stamp
//! is asserted too, with the reason stamp's behaviour is the one wanted.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{Run, Scratch, git, run_in, tree};

const COPIER_VERSION: &str = "copier 9.19.1";

/// One change to a project or to both templates; paths are below the project directory.
#[derive(Clone, Copy)]
enum Change {
    Write(&'static str, &'static str),
    Remove(&'static str),
    /// A new question with its default (templates only).
    Question(&'static str, &'static str),
}

/// What an update leaves: its exit code and the project's files, as (path, contents).
struct Outcome {
    code: i32,
    files: &'static [(&'static str, &'static str)],
}

/// What a peer does, measured against stamp.
enum Peer {
    Agrees,
    Differs(Outcome),
}

struct Scenario {
    name: &'static str,
    v1: &'static [(&'static str, &'static str)],
    user: &'static [Change],
    template: &'static [Change],
    /// Commit the update and run it again: the outcome is the second run's, which must change nothing.
    again: bool,
    stamp: Outcome,
    cruft: Peer,
    copier: Peer,
}

const TEXT: &str = "one\ntwo\nthree\nfour\nfive\n";
const TEXT_V2: &str = "one\ntwo\nthree\nfour\nfive (v2)\n";
const MERGED: &str = "ONE (mine)\ntwo\nthree\nfour\nfive (v2)\n";
const USER_EDITS_FIRST_LINE: &[Change] =
    &[Change::Write("README.md", "ONE (mine)\ntwo\nthree\nfour\nfive\n")];
const TEMPLATE_EDITS_LAST_LINE: &[Change] = &[Change::Write("README.md", TEXT_V2)];

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "the user and the template edit different parts of one file",
        v1: &[("README.md", TEXT)],
        user: USER_EDITS_FIRST_LINE,
        template: TEMPLATE_EDITS_LAST_LINE,
        again: false,
        stamp: Outcome { code: 0, files: &[("README.md", MERGED)] },
        cruft: Peer::Agrees,
        copier: Peer::Agrees,
    },
    Scenario {
        name: "the user and the template edit the same line",
        v1: &[("README.md", TEXT)],
        user: &[Change::Write("README.md", "one\ntwo\nthree (mine)\nfour\nfive\n")],
        template: &[Change::Write("README.md", "one\ntwo\nthree (v2)\nfour\nfive\n")],
        again: false,
        stamp: Outcome {
            code: 1,
            files: &[(
                "README.md",
                "one\ntwo\n<<<<<<< ours\nthree (mine)\n||||||| original\nthree\n=======\nthree (v2)\n>>>>>>> theirs\nfour\nfive\n",
            )],
        },
        // cruft exits 0 (printing "Good work! ... as clean as possible!") and its markers lack the
        // original; stamp exits 1 so that scripts and CI notice, and writes diff3 markers.
        cruft: Peer::Differs(Outcome {
            code: 0,
            files: &[(
                "README.md",
                "one\ntwo\n<<<<<<< ours\nthree (mine)\n=======\nthree (v2)\n>>>>>>> theirs\nfour\nfive\n",
            )],
        }),
        // copier also exits 0 with conflict markers that lack the original; stamp exits 1 and writes diff3 markers.
        copier: Peer::Differs(Outcome {
            code: 0,
            files: &[(
                "README.md",
                "one\ntwo\n<<<<<<< before updating\nthree (mine)\n=======\nthree (v2)\n>>>>>>> after updating\nfour\nfive\n",
            )],
        }),
    },
    Scenario {
        name: "the user deleted a file the template did not change",
        v1: &[("README.md", TEXT), ("notes.txt", "notes\n")],
        user: &[Change::Remove("notes.txt")],
        template: TEMPLATE_EDITS_LAST_LINE,
        again: false,
        stamp: Outcome { code: 0, files: &[("README.md", TEXT_V2)] },
        cruft: Peer::Agrees,
        copier: Peer::Agrees,
    },
    Scenario {
        name: "the user deleted a file the template changed",
        v1: &[("README.md", TEXT), ("notes.txt", "notes\n")],
        user: &[Change::Remove("notes.txt")],
        template: &[Change::Write("notes.txt", "notes (v2)\n")],
        again: false,
        stamp: Outcome { code: 0, files: &[("README.md", TEXT)] },
        cruft: Peer::Agrees,
        copier: Peer::Agrees,
    },
    Scenario {
        name: "the template removed a file the user did not change",
        v1: &[("README.md", TEXT), ("docs/old.txt", "old\n")],
        user: &[],
        template: &[Change::Remove("docs/old.txt")],
        again: false,
        // The directory it leaves empty goes too.
        stamp: Outcome { code: 0, files: &[("README.md", TEXT)] },
        cruft: Peer::Agrees,
        copier: Peer::Agrees,
    },
    Scenario {
        name: "the template removed a file the user changed",
        v1: &[("README.md", TEXT), ("old.txt", "old\n")],
        user: &[Change::Write("old.txt", "old (mine)\n")],
        template: &[Change::Remove("old.txt")],
        again: false,
        stamp: Outcome { code: 0, files: &[("README.md", TEXT), ("old.txt", "old (mine)\n")] },
        // cruft keeps it too, though only after its patch failed ("Failed to apply the update").
        cruft: Peer::Agrees,
        // copier deletes the user's edited file without a word, exit 0; stamp keeps it (`kept`): no work is lost.
        copier: Peer::Differs(Outcome { code: 0, files: &[("README.md", TEXT)] }),
    },
    Scenario {
        name: "the template asks a new question, whose default a new file uses",
        v1: &[("README.md", TEXT)],
        user: USER_EDITS_FIRST_LINE,
        template: &[Change::Question("port", "8080"), Change::Write("port.txt", "{{ cookiecutter.port }}\n")],
        again: false,
        stamp: Outcome {
            code: 0,
            files: &[("README.md", "ONE (mine)\ntwo\nthree\nfour\nfive\n"), ("port.txt", "8080\n")],
        },
        cruft: Peer::Agrees,
        copier: Peer::Agrees,
    },
    Scenario {
        name: "update runs a second time",
        v1: &[("README.md", TEXT)],
        user: USER_EDITS_FIRST_LINE,
        template: TEMPLATE_EDITS_LAST_LINE,
        again: true,
        stamp: Outcome { code: 0, files: &[("README.md", MERGED)] },
        cruft: Peer::Agrees,
        copier: Peer::Agrees,
    },
];

#[test]
fn stamp_cruft_and_copier_update_the_same_scenarios() {
    let tools = &Tools::find();
    let report: String = std::thread::scope(|scope| {
        let runs: Vec<_> = SCENARIOS.iter().map(|s| scope.spawn(move || check(tools, s))).collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    assert!(report.is_empty(), "update scenarios that went otherwise than the table says:\n{report}");
}

#[derive(Clone, Copy, Debug)]
enum Tool {
    Stamp,
    Cruft,
    Copier,
}

const TOOLS: [Tool; 3] = [Tool::Stamp, Tool::Cruft, Tool::Copier];

/// The peers' executables, found on PATH.
struct Tools {
    cruft: PathBuf,
    copier: PathBuf,
}

impl Tools {
    fn find() -> Self {
        let find = |name: &str| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).unwrap_or_else(|| {
                panic!("{name} is not on PATH: run the suite with `bash scripts/test` (installs tests/requirements.txt)")
            })
        };
        let tools = Tools { cruft: find("cruft"), copier: find("copier") };
        let version = command(&tools.copier, Path::new("."), &["--version"], Path::new("."));
        assert_eq!(version.stdout.trim(), COPIER_VERSION, "the copier on PATH");
        tools
    }
}

/// Runs one scenario; what differs from the table, or nothing.
fn check(tools: &Tools, scenario: &Scenario) -> String {
    let scratch = Scratch::new();
    let mut templates = Templates::new(&scratch, scenario.v1);
    let mut report = String::new();
    for tool in TOOLS {
        let project = generate(tools, &scratch, tool);
        apply(&project, scenario.user);
        commit(&project, "the user's change");
    }
    templates.apply(scenario.template);
    templates.commit("v2");
    for tool in TOOLS {
        let project = scratch.path(&format!("{tool:?}/app"));
        let mut run = update(tools, &scratch, tool, &project);
        if scenario.again {
            commit(&project, "updated");
            run = update(tools, &scratch, tool, &project);
            let status = git(&project, &["status", "--porcelain"]);
            if !status.is_empty() {
                writeln!(report, "{}: the second {tool:?} update changed:\n{status}", scenario.name).unwrap();
            }
        }
        let expected = match (tool, &scenario.cruft, &scenario.copier) {
            (Tool::Cruft, Peer::Differs(outcome), _) | (Tool::Copier, _, Peer::Differs(outcome)) => outcome,
            _ => &scenario.stamp,
        };
        let actual = project_tree(&project);
        let wanted = picture(expected.files);
        if run.code != expected.code || actual != wanted {
            writeln!(
                report,
                "{}: {tool:?} exited {} (the table says {}) and left\n{actual}the table says\n{wanted}{run:?}\n",
                scenario.name, run.code, expected.code
            )
            .unwrap();
        }
    }
    report
}

/// The cookiecutter template `tpl/` and its copier twin `ctpl/`, kept in step.
struct Templates<'a> {
    scratch: &'a Scratch,
    questions: Vec<(&'static str, &'static str)>,
}

impl<'a> Templates<'a> {
    /// Both templates with `files` under the project directory, committed and tagged v1.
    fn new(scratch: &'a Scratch, files: &[(&'static str, &'static str)]) -> Self {
        let mut templates = Templates { scratch, questions: vec![("name", "app")] };
        // copier writes its record only through a template file of its own.
        scratch.write("ctpl/project/{{ _copier_conf.answers_file }}", "{{ _copier_answers|to_nice_yaml }}");
        let writes: Vec<Change> =
            files.iter().map(|&(path, contents)| Change::Write(path, contents)).collect();
        templates.apply(&writes);
        for dir in ["tpl", "ctpl"] {
            git(&scratch.path(dir), &["init", "--quiet"]);
        }
        templates.commit("v1");
        templates
    }

    fn apply(&mut self, changes: &[Change]) {
        for change in changes {
            match *change {
                Change::Write(path, contents) => {
                    let [cookiecutter, copier] = Self::paths(path);
                    self.scratch.write(&cookiecutter, contents);
                    self.scratch.write(&copier, contents.replace("cookiecutter.", ""));
                }
                Change::Remove(path) => {
                    for twin in Self::paths(path) {
                        fs::remove_file(self.scratch.path(&twin)).unwrap();
                    }
                }
                Change::Question(name, default) => self.questions.push((name, default)),
            }
        }
        // Every copier file is a template (no `.jinja` suffix), rendered from `project/`.
        let mut yaml = String::from("_subdirectory: project\n_templates_suffix: \"\"\n");
        let mut json = Vec::new();
        for (name, default) in &self.questions {
            writeln!(yaml, "{name}:\n  type: str\n  default: {default:?}").unwrap();
            json.push(format!("{name:?}: {default:?}"));
        }
        self.scratch.write("ctpl/copier.yml", yaml);
        self.scratch.write("tpl/cookiecutter.json", format!("{{{}}}\n", json.join(", ")));
    }

    /// Where a project file's template is, in the cookiecutter template and in the copier twin.
    fn paths(path: &str) -> [String; 2] {
        [format!("tpl/{{{{cookiecutter.name}}}}/{path}"), format!("ctpl/project/{path}")]
    }

    /// Commits both templates and tags them `version`.
    fn commit(&self, version: &str) {
        for dir in ["tpl", "ctpl"] {
            let dir = self.scratch.path(dir);
            git(&dir, &["add", "-A"]);
            git(&dir, &["commit", "--quiet", "-m", version]);
            git(&dir, &["tag", version]);
        }
    }
}

/// Makes `TOOL/app` from v1 with `tool` and commits it in a repository of its own.
fn generate(tools: &Tools, scratch: &Scratch, tool: Tool) -> PathBuf {
    let (tpl, ctpl) = (scratch.path("tpl"), scratch.path("ctpl"));
    let (tpl, ctpl) = (tpl.to_str().unwrap(), ctpl.to_str().unwrap());
    let out = format!("{tool:?}");
    let run = match tool {
        Tool::Stamp => stamp(
            scratch,
            scratch.dir.path(),
            &[&format!("file://{tpl}"), "--checkout", "v1", "--record", "--no-input", "-o", &out],
        ),
        Tool::Cruft => command(
            &tools.cruft,
            scratch.dir.path(),
            &["create", tpl, "--checkout", "v1", "--no-input", "--output-dir", &out],
            &scratch.path("home"),
        ),
        Tool::Copier => command(
            &tools.copier,
            scratch.dir.path(),
            &["copy", "--defaults", "--vcs-ref", "v1", ctpl, &format!("{out}/app")],
            &scratch.path("home"),
        ),
    };
    assert_eq!(run.code, 0, "{tool:?} makes the project: {run:?}");
    let project = scratch.path(&format!("{out}/app"));
    git(&project, &["init", "--quiet"]);
    commit(&project, "made from v1");
    project
}

/// Updates `project` to v2 with `tool`, answering new questions with their defaults.
fn update(tools: &Tools, scratch: &Scratch, tool: Tool, project: &Path) -> Run {
    let home = scratch.path("home");
    match tool {
        Tool::Stamp => stamp(scratch, project, &["update", "--checkout", "v2", "--no-input"]),
        Tool::Cruft => {
            command(&tools.cruft, project, &["update", "--skip-apply-ask", "--checkout", "v2"], &home)
        }
        Tool::Copier => command(&tools.copier, project, &["update", "--defaults", "--vcs-ref", "v2"], &home),
    }
}

/// Runs stamp in `dir` with its cache in the scratch directory.
fn stamp(scratch: &Scratch, dir: &Path, args: &[&str]) -> Run {
    let cache = scratch.path("cache").to_str().unwrap().to_owned();
    run_in(dir, args, None, &[("XDG_CACHE_HOME".to_owned(), cache)])
}

/// Runs a peer in `dir` with stdin closed and `home` as its home (so no user configuration).
fn command(program: &Path, dir: &Path, args: &[&str], home: &Path) -> Run {
    let mut std_command = std::process::Command::new(program);
    std_command.current_dir(dir).args(args).env("HOME", home).env("NO_COLOR", "1");
    std_command
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("COOKIECUTTER_CONFIG")
        .stdin(std::process::Stdio::null());
    let output = assert_cmd::Command::from_std(std_command).timeout(Duration::from_mins(2)).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Applies the user's `changes` to a project.
fn apply(project: &Path, changes: &[Change]) {
    for change in changes {
        match *change {
            Change::Write(path, contents) => fs::write(project.join(path), contents).unwrap(),
            Change::Remove(path) => fs::remove_file(project.join(path)).unwrap(),
            Change::Question(..) => unreachable!("a user change is to files"),
        }
    }
}

fn commit(project: &Path, message: &str) {
    git(project, &["add", "-A"]);
    git(project, &["commit", "--quiet", "--allow-empty", "-m", message]);
}

/// The [`tree`] of a project without `.git` and the records of stamp, cruft and copier.
fn project_tree(project: &Path) -> String {
    let ignored = [".git/", ".cruft.json = ", ".copier-answers.yml = ", ".stamp-answers.toml = "];
    tree(project)
        .lines()
        .filter(|line| !ignored.iter().any(|i| line.starts_with(i)))
        .flat_map(|line| [line, "\n"])
        .collect()
}

/// The [`tree`] picture of top-level `files`.
fn picture(files: &[(&str, &str)]) -> String {
    let mut files = files.to_vec();
    files.sort_unstable();
    let mut picture = String::new();
    for (path, contents) in files {
        writeln!(picture, "{path} = {contents:?}").unwrap();
    }
    picture
}
