//! Differential test: stamp against real cookiecutter 2.7.1 on the project's own fixture templates.
//!
//! Every directory under `tests/fixtures/cookiecutter/` is a cookiecutter template (a
//! `cookiecutter.json` beside one templated top-level directory, optional `hooks/` and
//! `templates/`). Each case is rendered twice into the same output path:
//!
//! 1. by the reference, `cookiecutter --no-input --accept-hooks yes --config-file CFG -o OUT CASE
//!    KEY=VALUE...`, found on PATH (`bash scripts/test` installs cookiecutter 2.7.1 from
//!    `tests/requirements.txt` into `.tools/venv` and puts it first on PATH);
//! 2. by stamp, `stamp new -t CASE -o OUT --no-input --accept-hooks yes --config-file CFG KEY=VALUE...`.
//!
//! The two trees under OUT must be identical: the same relative paths (empty directories
//! included), the same kinds, the same bytes and the same executable bits; and both runs must
//! succeed or both fail. Every differing case is reported in one failure message.
//!
//! Per-case files (read by this test, never by the tools):
//! - `answers.txt`: `KEY=VALUE` lines (blank lines and `#` comments skipped) given to both tools
//!   as extra context, in file order.
//! - `default_context.json`: the `default_context` of the configuration both tools read.
//! - `expect`: the first non-comment line is one of
//!   - `fail [CODE|* [TEXT...]]`: cookiecutter fails, so stamp must fail too (with exit CODE if
//!     given, `*` for any, and TEXT in its output if given) and leave the output directory
//!     exactly as it was.
//!     cookiecutter's own leftovers are not compared: on some errors it leaves a partial tree.
//!   - `stamp-exit CODE [TEXT...]`: a deliberate difference. cookiecutter succeeds; stamp must exit
//!     with CODE (naming TEXT in its output if given) and leave the output directory as it was.
//!
//! Environment:
//! - `STAMP_COMPAT_ONLY=SUBSTRING` runs only the cases whose name contains SUBSTRING (refused
//!   when `CI` is set).
//!
//! A test of its own runs cookiecutter in place of stamp, to prove the harness and the fixtures are
//! deterministic: every case must pass (expectations about stamp are not checked, both trees are
//! always compared).
//!
//! Both tools get TZ=UTC, LANG=LC_ALL=C.UTF-8, PYTHONDONTWRITEBYTECODE=1 and no
//! `SOURCE_DATE_EPOCH` (cookiecutter ignores it, so stamp must use the real clock here too);
//! `{% now %}` in the fixtures is year or day granular and a case is re-run once if the UTC date
//! changed while it ran.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const REFERENCE_VERSION: &str = "2.7.1";
const TOOL_TIMEOUT: Duration = Duration::from_mins(3);
const SENTINEL: &str = "pre-existing.txt";
const SENTINEL_TEXT: &str = "this file was in the output directory before the run\n";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cookiecutter")
}

/// What a case expects, read from its `expect` file.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Success,
    BothFail { code: Option<i32>, text: Option<String> },
    StampExit { code: i32, text: Option<String> },
}

struct Case {
    name: String,
    dir: PathBuf,
    answers: Vec<String>,
    expect: Expect,
}

fn read_cases() -> Vec<Case> {
    let root = fixtures_dir();
    let only = std::env::var("STAMP_COMPAT_ONLY").ok();
    // A narrowed run must never pass for the whole suite in CI.
    assert!(
        only.is_none() || std::env::var_os("CI").is_none(),
        "STAMP_COMPAT_ONLY is refused when CI is set: CI runs every case"
    );
    let mut cases = Vec::new();
    let entries = fs::read_dir(&root).unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()));
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().expect("UTF-8 case name");
        if name.starts_with('.') || !entry.file_type().unwrap().is_dir() {
            continue;
        }
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let dir = entry.path();
        assert!(dir.join("cookiecutter.json").is_file(), "fixture case {name} has no cookiecutter.json");
        let answers = match fs::read_to_string(dir.join("answers.txt")) {
            Ok(text) => text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(|l| {
                    assert!(l.contains('='), "{name}/answers.txt: not KEY=VALUE: {l:?}");
                    l.to_string()
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let expect = match fs::read_to_string(dir.join("expect")) {
            Ok(text) => parse_expect(&name, &text),
            Err(_) => Expect::Success,
        };
        cases.push(Case { name, dir, answers, expect });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!cases.is_empty(), "no fixture cases under {} (STAMP_COMPAT_ONLY={only:?})", root.display());
    cases
}

fn parse_expect(name: &str, text: &str) -> Expect {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_else(|| panic!("{name}/expect has no expectation line"));
    let mut words = line.split_whitespace();
    let kind = words.next().unwrap();
    let code = words.next().and_then(|c| {
        (c != "*").then(|| c.parse::<i32>().unwrap_or_else(|_| panic!("{name}/expect: bad code {c:?}")))
    });
    let rest: Vec<&str> = words.collect();
    let text = (!rest.is_empty()).then(|| rest.join(" "));
    match kind {
        "fail" => Expect::BothFail { code, text },
        "stamp-exit" => Expect::StampExit {
            code: code.unwrap_or_else(|| panic!("{name}/expect: stamp-exit needs a numeric exit code")),
            text,
        },
        other => panic!("{name}/expect: unknown expectation {other:?} (use `fail` or `stamp-exit`)"),
    }
}

// ------------------------------------------------------------------------------------ running

/// One tool run: exit code (None if killed) and combined output for messages.
struct RunResult {
    code: Option<i32>,
    log: String,
}

impl RunResult {
    fn succeeded(&self) -> bool {
        self.code == Some(0)
    }

    fn describe(&self) -> String {
        let status = match self.code {
            Some(c) => format!("exit {c}"),
            None => format!("killed (timeout {}s or signal)", TOOL_TIMEOUT.as_secs()),
        };
        let tail: Vec<&str> = self.log.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = tail[tail.len().saturating_sub(3)..].join("\n      | ");
        if tail.is_empty() { status } else { format!("{status}\n      | {tail}") }
    }
}

fn run(program: &Path, args: &[String], cwd: &Path) -> RunResult {
    let mut std_command = std::process::Command::new(program);
    std_command
        .args(args)
        .current_dir(cwd)
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("COOKIECUTTER_CONFIG");
    let mut command = assert_cmd::Command::from_std(std_command);
    command.timeout(TOOL_TIMEOUT).write_stdin(Vec::new());
    let output: Output = command.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let mut log = String::from_utf8_lossy(&output.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&output.stderr));
    RunResult { code: output.status.code(), log }
}

fn stderr_of(result: &RunResult) -> &str {
    &result.log
}

/// The reference tool, checked once: present on PATH and the pinned version.
fn cookiecutter_program() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).map(|d| d.join("cookiecutter")).find(|p| p.is_file());
    let Some(program) = found else {
        panic!(
            "cookiecutter is not on PATH, so stamp cannot be compared with it.\n\
             Run the suite with `bash scripts/test` (it installs cookiecutter {REFERENCE_VERSION} from \
             tests/requirements.txt into .tools/venv and puts .tools/venv/bin first on PATH), or put a \
             virtualenv with `pip install cookiecutter=={REFERENCE_VERSION} jinja2-time==0.2.0` first on PATH."
        );
    };
    let scratch = tempfile::tempdir().unwrap();
    let version = run(&program, &["--version".to_string()], scratch.path());
    assert!(
        version.succeeded() && version.log.contains(&format!("Cookiecutter {REFERENCE_VERSION} ")),
        "{} is not cookiecutter {REFERENCE_VERSION}: {}",
        program.display(),
        version.describe()
    );
    program
}

fn utc_day() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() / 86_400
}

/// Creates `out` holding only the sentinel file.
fn fresh_output_dir(out: &Path) {
    fs::create_dir_all(out).unwrap();
    fs::write(out.join(SENTINEL), SENTINEL_TEXT).unwrap();
}

/// Runs one case: reference into OUT, moved to `ref`; candidate into the same OUT, moved to `cand`.
/// Returns None when the case passes, or the report of what differs.
#[allow(clippy::too_many_lines)] // one case's whole protocol, read top to bottom
fn run_case(case: &Case, reference: &Path, selftest: bool) -> Option<String> {
    let scratch = tempfile::Builder::new().prefix("stamp-compat-").tempdir().unwrap();
    let work = scratch.path();
    let cwd = work.join("cwd");
    fs::create_dir_all(&cwd).unwrap();
    let config = work.join("cookiecutter-config.json");
    // A case's `default_context.json` is the user's configured defaults, for both tools.
    let defaults = fs::read_to_string(case.dir.join("default_context.json")).unwrap_or_else(|_| "{}".into());
    let config_text = format!(
        "{{\"default_context\": {}, \"abbreviations\": {{}}, \"replay_dir\": \"{}\", \"cookiecutters_dir\": \"{}\"}}\n",
        defaults.trim(),
        work.join("replay").display(),
        work.join("cookiecutters").display()
    );
    fs::write(&config, config_text).unwrap();
    let out = work.join("out");
    let template = case.dir.to_string_lossy().into_owned();
    let out_arg = out.to_string_lossy().into_owned();

    let mut reference_args: Vec<String> = vec![
        "--no-input".into(),
        "--accept-hooks".into(),
        "yes".into(),
        "--config-file".into(),
        config.to_string_lossy().into_owned(),
        "-o".into(),
        out_arg.clone(),
        template.clone(),
    ];
    reference_args.extend(case.answers.iter().cloned());
    let mut stamp_args: Vec<String> = vec![
        "new".into(),
        "-t".into(),
        template.clone(),
        "-o".into(),
        out_arg.clone(),
        "--no-input".into(),
        "--accept-hooks".into(),
        "yes".into(),
        // The same user configuration: its replay directory keeps both tools out of $HOME.
        "--config-file".into(),
        config.to_string_lossy().into_owned(),
    ];
    stamp_args.extend(case.answers.iter().cloned());
    let stamp = PathBuf::from(env!("CARGO_BIN_EXE_stamp"));
    let (candidate, candidate_args, candidate_name) = if selftest {
        (reference.to_path_buf(), reference_args.clone(), "cookiecutter (selftest)")
    } else {
        (stamp, stamp_args, "stamp")
    };

    let (ref_run, cand_run) = loop {
        for sub in ["out", "ref", "cand"] {
            let _ = fs::remove_dir_all(work.join(sub));
        }
        let day = utc_day();
        fresh_output_dir(&out);
        let ref_run = run(reference, &reference_args, &cwd);
        fs::rename(&out, work.join("ref")).unwrap();
        fresh_output_dir(&out);
        let cand_run = run(&candidate, &candidate_args, &cwd);
        fs::rename(&out, work.join("cand")).unwrap();
        if utc_day() == day {
            break (ref_run, cand_run);
        }
    };
    let ref_tree = snapshot(&work.join("ref"));
    let cand_tree = snapshot(&work.join("cand"));
    let mut untouched = BTreeMap::new();
    untouched
        .insert(PathBuf::from(SENTINEL), Node::File { exec: 0, bytes: SENTINEL_TEXT.as_bytes().to_vec() });

    let mut report = String::new();
    let expect = if selftest { relax_for_selftest(&case.expect) } else { case.expect.clone() };
    match &expect {
        Expect::Success => {
            if !ref_run.succeeded() {
                let _ = writeln!(report, "  fixture problem: cookiecutter failed: {}", ref_run.describe());
            } else if !cand_run.succeeded() {
                let _ = writeln!(
                    report,
                    "  cookiecutter succeeded, {candidate_name} failed: {}",
                    cand_run.describe()
                );
            }
            compare_trees(&ref_tree, &cand_tree, "cookiecutter", candidate_name, &mut report);
        }
        Expect::BothFail { code, text } => {
            if ref_run.succeeded() {
                let _ =
                    writeln!(report, "  fixture problem: cookiecutter succeeded but `expect` says it fails");
            }
            if cand_run.succeeded() {
                let _ = writeln!(report, "  cookiecutter failed, {candidate_name} succeeded");
            } else {
                check_code_and_text(&cand_run, *code, text.as_deref(), candidate_name, &mut report);
            }
            if selftest {
                compare_trees(&ref_tree, &cand_tree, "cookiecutter", candidate_name, &mut report);
            } else {
                compare_trees(
                    &untouched,
                    &cand_tree,
                    "output dir before the run",
                    candidate_name,
                    &mut report,
                );
            }
        }
        Expect::StampExit { code, text } => {
            if !ref_run.succeeded() {
                let _ = writeln!(report, "  fixture problem: cookiecutter failed: {}", ref_run.describe());
            }
            check_code_and_text(&cand_run, Some(*code), text.as_deref(), candidate_name, &mut report);
            compare_trees(&untouched, &cand_tree, "output dir before the run", candidate_name, &mut report);
        }
    }
    if report.is_empty() {
        return None;
    }
    let mut header = format!("== {} ({})", case.name, case.dir.display());
    if !case.answers.is_empty() {
        let _ = write!(header, " with {}", case.answers.join(" "));
    }
    Some(format!("{header}\n{report}"))
}

/// In the selftest the "candidate" is cookiecutter: expectations about stamp become plain
/// comparisons with cookiecutter.
fn relax_for_selftest(expect: &Expect) -> Expect {
    match expect {
        Expect::Success | Expect::StampExit { .. } => Expect::Success,
        Expect::BothFail { .. } => Expect::BothFail { code: None, text: None },
    }
}

fn check_code_and_text(
    run: &RunResult,
    code: Option<i32>,
    text: Option<&str>,
    who: &str,
    report: &mut String,
) {
    if let Some(code) = code
        && run.code != Some(code)
    {
        let _ = writeln!(report, "  {who} should exit {code}, got {}", run.describe());
    }
    if let Some(text) = text
        && !stderr_of(run).contains(text)
    {
        let _ = writeln!(report, "  {who}'s messages should name {text:?}: {}", run.describe());
    }
}

// ------------------------------------------------------------------------------------ trees

#[derive(Debug, PartialEq)]
enum Node {
    Dir,
    File { exec: u32, bytes: Vec<u8> },
    Symlink(PathBuf),
    Other,
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node> {
    let mut tree = BTreeMap::new();
    if !root.exists() {
        return tree;
    }
    for entry in walkdir::WalkDir::new(root).min_depth(1).follow_links(false) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
        let meta = entry.path().symlink_metadata().unwrap();
        let node = if meta.file_type().is_symlink() {
            Node::Symlink(fs::read_link(entry.path()).unwrap())
        } else if meta.is_dir() {
            Node::Dir
        } else if meta.is_file() {
            Node::File { exec: meta.permissions().mode() & 0o111, bytes: fs::read(entry.path()).unwrap() }
        } else {
            Node::Other
        };
        tree.insert(rel, node);
    }
    tree
}

fn kind(node: &Node) -> &'static str {
    match node {
        Node::Dir => "directory",
        Node::File { .. } => "file",
        Node::Symlink(_) => "symlink",
        Node::Other => "special file",
    }
}

/// Appends the first difference in detail and a count of the others.
fn compare_trees(
    a: &BTreeMap<PathBuf, Node>,
    b: &BTreeMap<PathBuf, Node>,
    a_name: &str,
    b_name: &str,
    report: &mut String,
) {
    let mut paths: Vec<&PathBuf> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut diffs: Vec<(String, String)> = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        match (a.get(path), b.get(path)) {
            (Some(x), None) => diffs.push((shown, format!("{} only in the {a_name} tree", kind(x)))),
            (None, Some(y)) => diffs.push((shown, format!("{} only in the {b_name} tree", kind(y)))),
            (Some(x), Some(y)) if x == y => {}
            (Some(Node::File { exec: ea, bytes: ba }), Some(Node::File { exec: eb, bytes: bb })) => {
                let mut why = String::new();
                if ea != eb {
                    let _ = write!(why, "executable bits {ea:03o} ({a_name}) vs {eb:03o} ({b_name})");
                }
                if ba != bb {
                    if !why.is_empty() {
                        why.push_str("; ");
                    }
                    why.push_str(&content_diff(ba, bb, a_name, b_name));
                }
                diffs.push((shown, why));
            }
            (Some(x), Some(y)) => diffs
                .push((shown, format!("{} ({a_name}) vs {} ({b_name}): {x:?} vs {y:?}", kind(x), kind(y)))),
            (None, None) => unreachable!(),
        }
    }
    if let Some((path, why)) = diffs.first() {
        let _ = writeln!(report, "  first differing path: {path}\n    {}", why.replace('\n', "\n    "));
        if diffs.len() > 1 {
            let others: Vec<&str> = diffs[1..].iter().take(8).map(|(p, _)| p.as_str()).collect();
            let more =
                if diffs.len() > 9 { format!(", ... ({} in all)", diffs.len()) } else { String::new() };
            let _ = writeln!(report, "  also differing: {}{more}", others.join(", "));
        }
    }
}

/// A short description of how two file contents differ: the first differing line of each, with
/// control characters (including CR) made visible.
fn content_diff(a: &[u8], b: &[u8], a_name: &str, b_name: &str) -> String {
    let offset = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let mut text = format!("bytes differ at offset {offset} (sizes {} vs {})", a.len(), b.len());
    let line_no = a[..offset].split(|&c| c == b'\n').count();
    let start = a[..offset].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
    let line = |data: &[u8]| -> String {
        let rest = data.get(start..).unwrap_or(&[]);
        let end = rest.iter().position(|&c| c == b'\n').map_or(rest.len(), |p| p + 1);
        let shown: String = String::from_utf8_lossy(&rest[..end.min(240)]).escape_debug().collect();
        if end > 240 { format!("{shown}...") } else { shown }
    };
    let _ =
        write!(text, "\nline {line_no}:\n- {a_name:>14}: \"{}\"\n+ {b_name:>14}: \"{}\"", line(a), line(b));
    text
}

// ------------------------------------------------------------------------------------ the test

fn run_all(selftest: bool) {
    let reference = cookiecutter_program();
    let cases = read_cases();
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(4, std::num::NonZero::get).clamp(1, 8);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(case) = cases.get(i) else { break };
                    if let Some(report) = run_case(case, &reference, selftest) {
                        failures.lock().unwrap().push((case.name.clone(), report));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    if !failures.is_empty() {
        let against = if selftest { "cookiecutter run twice" } else { "stamp" };
        let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
        let details: Vec<&str> = failures.iter().map(|(_, r)| r.as_str()).collect();
        panic!(
            "{} of {} cookiecutter fixture cases differ between cookiecutter {REFERENCE_VERSION} and {against}: {}\n\n{}",
            failures.len(),
            cases.len(),
            names.join(", "),
            details.join("\n")
        );
    }
}

#[test]
fn stamp_matches_cookiecutter_on_every_fixture() {
    run_all(false);
}

/// The harness and the fixtures are deterministic: cookiecutter run twice
/// gives the same tree on every case (else a difference from stamp could be
/// noise).
#[test]
fn cookiecutter_agrees_with_itself_on_every_fixture() {
    run_all(true);
}

/// Copies the template directory `from` to `to`.
fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// cookiecutter's replay files and stamp's are the same bytes, and each
/// tool answers from the other's replay with the same project.
#[test]
fn replay_files_are_interchangeable_with_cookiecutters() {
    let reference = cookiecutter_program();
    let stamp = PathBuf::from(env!("CARGO_BIN_EXE_stamp"));
    for (case, context) in
        [("dict-vars", "team=Zoë ∑"), ("private-vars", "version=2.0"), ("choice-override", "")]
    {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        copy_dir(&fixtures_dir().join(case), &dir.join("tpl"));
        let args = |home: &str, rest: &[&str]| -> Vec<String> {
            let mut args =
                vec!["--config-file".to_owned(), dir.join(home).join("config.yaml").display().to_string()];
            args.extend(rest.iter().map(|a| (*a).to_owned()));
            args
        };
        let mut written = Vec::new();
        for (tool, home) in [(&reference, "cc"), (&stamp, "st")] {
            fs::create_dir_all(dir.join(home)).unwrap();
            let replay_dir = dir.join(home).join("replay");
            fs::write(dir.join(home).join("config.yaml"), format!("replay_dir: {}\n", replay_dir.display()))
                .unwrap();
            let mut rest = vec!["tpl", "--no-input", "-o", "out"];
            rest.extend(context.split_whitespace().next().filter(|_| !context.is_empty()).map(|_| context));
            let result = run(tool, &args(home, &rest), dir);
            assert!(result.succeeded(), "{case}: {} failed: {}", tool.display(), result.describe());
            fs::rename(dir.join("out"), dir.join(format!("out-{home}"))).unwrap();
            written.push(fs::read(replay_dir.join("tpl.json")).unwrap());
        }
        assert!(
            written[0] == written[1],
            "{case}: replay files differ:\n{}",
            content_diff(&written[0], &written[1], "cookiecutter", "stamp")
        );
        // Each tool answers from the replay the other wrote.
        let from_stamp = dir.join("st/replay/tpl.json").display().to_string();
        let from_cookiecutter = dir.join("cc/replay/tpl.json").display().to_string();
        let result =
            run(&reference, &args("cc", &["tpl", "--replay-file", &from_stamp, "-o", "cc-replayed"]), dir);
        assert!(result.succeeded(), "{case}: cookiecutter --replay-file: {}", result.describe());
        let result =
            run(&stamp, &args("st", &["tpl", "--replay-file", &from_cookiecutter, "-o", "st-replayed"]), dir);
        assert!(result.succeeded(), "{case}: stamp --replay-file: {}", result.describe());
        let mut report = String::new();
        compare_trees(
            &snapshot(&dir.join("cc-replayed")),
            &snapshot(&dir.join("st-replayed")),
            "cookiecutter",
            "stamp",
            &mut report,
        );
        assert!(report.is_empty(), "{case}: {report}");
    }
}

/// Runs git in `dir` with an identity; its trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A project made by `cruft create` and one made by `stamp --record` are the
/// same bytes, `.cruft.json` included; stamp updates cruft's project, and
/// cruft then finds it up to date.
#[test]
fn cruft_projects_and_stamp_projects_are_interchangeable() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cruft = std::env::split_paths(&path).map(|d| d.join("cruft")).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("cruft is not on PATH: run the suite with `bash scripts/test` (installs tests/requirements.txt)")
    });
    let stamp = PathBuf::from(env!("CARGO_BIN_EXE_stamp"));
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let tpl = dir.join("tpl");
    fs::create_dir_all(tpl.join("{{cookiecutter.name}}")).unwrap();
    fs::write(tpl.join("cookiecutter.json"), r#"{"name": "app", "team": "Zoë", "_private": "p"}"#).unwrap();
    fs::write(tpl.join("{{cookiecutter.name}}/README.md"), "one\ntwo\nthree\n{{ cookiecutter.team }}\n")
        .unwrap();
    git(&tpl, &["init", "--quiet"]);
    git(&tpl, &["add", "-A"]);
    git(&tpl, &["commit", "--quiet", "-m", "v1"]);
    let source = tpl.display().to_string();
    let home = dir.join("home").display().to_string();
    let env_run = |program: &Path, args: &[&str], cwd: &Path| {
        let output = std::process::Command::new(program)
            .args(args)
            .current_dir(cwd)
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{} {args:?}: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    env_run(
        &cruft,
        &["create", &source, "--checkout", "main", "--no-input", "--output-dir", "by-cruft"],
        dir,
    );
    env_run(&stamp, &[&source, "--checkout", "main", "--record", "--no-input", "-o", "by-stamp"], dir);
    let mut report = String::new();
    compare_trees(
        &snapshot(&dir.join("by-cruft")),
        &snapshot(&dir.join("by-stamp")),
        "cruft",
        "stamp",
        &mut report,
    );
    assert!(report.is_empty(), "cruft create and stamp --record differ:\n{report}");

    // The template moves on; stamp updates the project cruft made, and cruft agrees it is current.
    let project = dir.join("by-cruft/app");
    git(&project, &["init", "--quiet"]);
    fs::write(project.join("README.md"), "ONE (mine)\ntwo\nthree\nZoë\n").unwrap();
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "--quiet", "-m", "mine"]);
    fs::write(tpl.join("{{cookiecutter.name}}/README.md"), "one\ntwo\nthree\n{{ cookiecutter.team }} (v2)\n")
        .unwrap();
    git(&tpl, &["commit", "--quiet", "-am", "v2"]);
    env_run(&stamp, &["update"], &project);
    assert_eq!(fs::read_to_string(project.join("README.md")).unwrap(), "ONE (mine)\ntwo\nthree\nZoë (v2)\n");
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "--quiet", "-m", "updated"]);
    env_run(&cruft, &["check"], &project);
}

// ------------------------------------------------------------------------------------ self-checks
// The comparison itself, checked without any external tool (these always run).

fn file(exec: u32, bytes: &[u8]) -> Node {
    Node::File { exec, bytes: bytes.to_vec() }
}

#[test]
fn identical_trees_report_nothing() {
    let tree = |(): ()| {
        BTreeMap::from([
            (PathBuf::from("p"), Node::Dir),
            (PathBuf::from("p/empty"), Node::Dir),
            (PathBuf::from("p/run.sh"), file(0o111, b"#!/bin/sh\n")),
        ])
    };
    let mut report = String::new();
    compare_trees(&tree(()), &tree(()), "a", "b", &mut report);
    assert_eq!(report, "");
}

#[test]
fn every_kind_of_difference_is_reported() {
    let a = BTreeMap::from([
        (PathBuf::from("p"), Node::Dir),
        (PathBuf::from("p/empty"), Node::Dir),
        (PathBuf::from("p/mode"), file(0o111, b"x")),
        (PathBuf::from("p/text"), file(0, b"one\r\ntwo\r\n")),
    ]);
    let b = BTreeMap::from([
        (PathBuf::from("p"), Node::Dir),
        (PathBuf::from("p/extra"), file(0, b"")),
        (PathBuf::from("p/mode"), file(0, b"x")),
        (PathBuf::from("p/text"), file(0, b"one\r\ntwo\n")),
    ]);
    let mut report = String::new();
    compare_trees(&a, &b, "cookiecutter", "stamp", &mut report);
    assert!(report.contains("first differing path: p/empty"), "{report}");
    assert!(report.contains("directory only in the cookiecutter tree"), "{report}");
    assert!(report.contains("also differing: p/extra, p/mode, p/text"), "{report}");

    let mut report = String::new();
    compare_trees(
        &BTreeMap::from([(PathBuf::from("m"), file(0o111, b"x"))]),
        &BTreeMap::from([(PathBuf::from("m"), file(0o100, b"x"))]),
        "a",
        "b",
        &mut report,
    );
    assert!(report.contains("executable bits 111 (a) vs 100 (b)"), "{report}");
}

#[test]
fn content_diff_shows_the_first_differing_line_with_visible_line_endings() {
    let diff = content_diff(b"same\none\r\ntwo\n", b"same\none\ntwo\n", "cookiecutter", "stamp");
    assert!(diff.starts_with("bytes differ at offset 8 (sizes 14 vs 13)"), "{diff}");
    assert!(diff.contains("line 2:"), "{diff}");
    assert!(diff.contains(r#"cookiecutter: "one\r\n""#), "{diff}");
    assert!(diff.contains(r#"stamp: "one\n""#), "{diff}");
}

#[test]
fn expect_files_parse() {
    assert_eq!(parse_expect("c", "# why\nfail\n"), Expect::BothFail { code: None, text: None });
    assert_eq!(
        parse_expect("c", "fail * pre_gen_project\n"),
        Expect::BothFail { code: None, text: Some("pre_gen_project".into()) }
    );
    assert_eq!(
        parse_expect("c", "stamp-exit 3 a.B\n"),
        Expect::StampExit { code: 3, text: Some("a.B".into()) }
    );
}
