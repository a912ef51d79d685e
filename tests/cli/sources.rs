//! Template sources: git repositories (local, `file://`, `git://` served on
//! loopback), refs, subdirectories, abbreviations, the cache, offline runs
//! and what a project records of its source.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Scratch, Test, git};

const MANIFEST: &str =
    "[template]\nname = \"gitted\"\nversion = \"1\"\n[[variables]]\nname = \"n\"\ndefault = \"app\"\n";

/// A repository `repo/` holding a template in `tpl/`: commit v1 (tagged
/// `v1`), v2 on `main`, v3 on the branch `dev`, and v4 uncommitted.
fn repository(scratch: &Scratch) -> String {
    let repo = scratch.path("repo");
    let version = |v: &str| scratch.write("repo/tpl/{{cookiecutter.n}}/README.md", format!("{v}\n"));
    scratch.write("repo/tpl/stamp.toml", MANIFEST);
    version("v1");
    git(scratch.dir.path(), &["init", "--quiet", "repo"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "v1"]);
    git(&repo, &["tag", "v1"]);
    version("v2");
    git(&repo, &["commit", "--quiet", "-am", "v2"]);
    let main = git(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["checkout", "--quiet", "-b", "dev"]);
    version("v3");
    git(&repo, &["commit", "--quiet", "-am", "v3"]);
    git(&repo, &["checkout", "--quiet", "main"]);
    version("v4");
    main
}

/// A stamp run with the cache and the user configuration inside the scratch directory.
fn isolated(scratch: &Scratch) -> Test<&Scratch> {
    Test::in_scratch(scratch)
        .env("XDG_CACHE_HOME", scratch.path("cache").to_str().unwrap())
        .env("XDG_CONFIG_HOME", scratch.path("config").to_str().unwrap())
}

#[test]
fn git_repositories_at_a_ref_and_in_a_directory() {
    let scratch = Scratch::new();
    let main = repository(&scratch);
    let url = format!("file://{}", scratch.path("repo").display());
    isolated(&scratch)
        .args(&[&url, "--directory", "tpl", "--no-input", "-o", "head"])
        .leaves_file("head/app/README.md", "v2\n")
        .run();
    let record = fs::read_to_string(scratch.path("head/app/.stamp-answers.toml")).unwrap();
    for line in
        [format!("_src = {url:?}"), format!("_commit = \"{main}\""), "_directory = \"tpl\"".to_owned()]
    {
        assert!(record.contains(&line), "{line} missing from\n{record}");
    }
    for (reference, expected) in [("v1", "v1\n"), ("dev", "v3\n"), (main.as_str(), "v2\n")] {
        isolated(&scratch)
            .args(&["-t", &url, "--checkout", reference, "--directory", "tpl", "--no-input", "-o", reference])
            .leaves_file(&format!("{reference}/app/README.md"), expected)
            .run();
    }
    // A local repository: its work tree as it is, or with --checkout its committed tree.
    isolated(&scratch)
        .args(&["repo", "--directory", "tpl", "--no-input", "-o", "worktree"])
        .leaves_file("worktree/app/README.md", "v4\n")
        .run();
    isolated(&scratch)
        .args(&["repo", "--checkout", "v1", "--directory", "tpl", "--no-input", "-o", "local-v1"])
        .leaves_file("local-v1/app/README.md", "v1\n")
        .run();
    isolated(&scratch)
        .args(&[&url, "--checkout", "nope", "--directory", "tpl", "--no-input", "-o", "nope"])
        .status(2)
        .stderr(&format!("error: {url} has no branch, tag or commit `nope`\n"))
        .leaves_no("nope")
        .run();
    isolated(&scratch)
        .args(&[&url, "--directory", "../escape", "--no-input"])
        .status(2)
        .stderr("error: --directory ../escape must be a plain path inside the repository\n")
        .run();
}

/// `git daemon` serving `srv/` on a free loopback port, stopped when dropped.
struct Daemon(Child);

impl Daemon {
    fn start(scratch: &Scratch) -> (Daemon, u16) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let srv = scratch.path("srv");
        // git-daemon itself, not `git daemon`, which would leave it running when killed.
        let exec_path = git(scratch.dir.path(), &["--exec-path"]);
        let child = Command::new(Path::new(&exec_path).join("git-daemon"))
            .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", srv.display()))
            .arg(&srv)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "git daemon did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        (Daemon(child), port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn abbreviations_a_served_repository_and_offline_runs_from_the_cache() {
    let scratch = Scratch::new();
    repository(&scratch);
    fs::create_dir_all(scratch.path("srv/org")).unwrap();
    git(scratch.dir.path(), &["clone", "--quiet", "--bare", "repo", "srv/org/tpl.git"]);
    let (daemon, port) = Daemon::start(&scratch);
    scratch.write(
        "config/stamp/config.toml",
        format!(
            "[abbreviations]\ngh = \"git://127.0.0.1:{port}/{{0}}.git\"\nhere = \"{}/{{0}}\"\n",
            scratch.dir.path().display()
        ),
    );
    // An abbreviation may stand for a local directory as well.
    isolated(&scratch)
        .args(&["here:repo", "--directory", "tpl", "--no-input", "-o", "local"])
        .leaves_file("local/app/README.md", "v4\n")
        .run();
    isolated(&scratch)
        .args(&["gh:org/tpl", "--directory", "tpl", "--no-input", "-o", "online"])
        .leaves_file("online/app/README.md", "v2\n")
        .run();
    let record = fs::read_to_string(scratch.path("online/app/.stamp-answers.toml")).unwrap();
    assert!(record.contains(&format!("_src = \"git://127.0.0.1:{port}/org/tpl.git\"")), "{record}");
    drop(daemon);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "the daemon is still serving");
    // The remote is gone: what was fetched before is still there.
    isolated(&scratch)
        .args(&["gh:org/tpl", "--checkout", "v1", "--directory", "tpl", "--no-input", "-o", "offline"])
        .leaves_file("offline/app/README.md", "v1\n")
        .run();
    isolated(&scratch)
        .args(&["gh:org/never-fetched", "--no-input", "-o", "never"])
        .status(5)
        .stderr_starts_with(&format!(
            "error: cannot clone git://127.0.0.1:{port}/org/never-fetched.git\ncaused by: "
        ))
        .leaves_no("never")
        .run();
}

#[test]
fn credentials_in_urls_are_never_shown() {
    let scratch = Scratch::new();
    isolated(&scratch)
        .args(&["https://me:hunter2@127.0.0.1:9/org/tpl.git", "--no-input"])
        .status(5)
        .stderr_starts_with("error: cannot clone https://***@127.0.0.1:9/org/tpl.git\n")
        .stderr_lacks("hunter2")
        .run();
}

#[test]
fn unreadable_sources_and_answers_for_another_template_are_usage_errors() {
    let scratch = Scratch::new();
    isolated(&scratch)
        .args(&["no-such-template", "--no-input"])
        .status(2)
        .stderr_starts_with("error: no template at `no-such-template`: name a template directory, a git")
        .run();
    scratch.write("tpl/stamp.toml", MANIFEST);
    scratch.write("tpl/{{cookiecutter.n}}/a.txt", "a\n");
    scratch.write("answers.toml", "_template = \"other\"\nn = \"x\"\n");
    isolated(&scratch)
        .args(&["tpl", "-a", "answers.toml", "--no-input"])
        .status(2)
        .stderr(
            "error: invalid value for `_template` in answers.toml:1: the answers are for the template \
             `other`, not `gitted`; name the template they are for\n",
        )
        .run();
}

#[test]
fn nested_templates_are_chosen_and_the_choice_recorded() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/cookiecutter.json",
        r#"{"templates": {"web": {"path": "./web", "title": "Web"}, "cli": {"path": "cli", "title": "CLI"}}}"#,
    );
    scratch.write("tpl/web/cookiecutter.json", r#"{"name": "web-app"}"#);
    scratch.write("tpl/web/{{cookiecutter.name}}/README.md", "web\n");
    scratch.write("tpl/cli/cookiecutter.json", r#"{"name": "cli-app"}"#);
    scratch.write("tpl/cli/{{cookiecutter.name}}/README.md", "cli\n");
    // Nobody to ask: the first, as cookiecutter takes it; --directory names another.
    isolated(&scratch)
        .args(&["tpl", "--no-input", "-o", "first"])
        .leaves_file("first/web-app/README.md", "web\n")
        .run();
    isolated(&scratch)
        .args(&["tpl", "--directory", "cli", "--no-input", "-o", "named"])
        .leaves_file("named/cli-app/README.md", "cli\n")
        .run();
    // Commands that cannot ask say how to choose.
    isolated(&scratch)
        .args(&["vars", "-t", "tpl"])
        .status(2)
        .stderr_contains("name one with --directory")
        .run();
    // From git, the record names the chosen template, so an update needs no choice.
    git(&scratch.path("tpl"), &["init", "--quiet"]);
    git(&scratch.path("tpl"), &["add", "-A"]);
    git(&scratch.path("tpl"), &["commit", "--quiet", "-m", "v1"]);
    let url = format!("file://{}", scratch.path("tpl").display());
    isolated(&scratch).args(&[&url, "--record", "--no-input"]).run();
    let record = fs::read_to_string(scratch.path("web-app/.cruft.json")).unwrap();
    assert!(record.contains("\"directory\": \"web\""), "{record}");
    scratch.write("tpl/web/{{cookiecutter.name}}/README.md", "web v2\n");
    git(&scratch.path("tpl"), &["commit", "--quiet", "-am", "v2"]);
    isolated(&scratch)
        .in_dir("web-app")
        .args(&["update", "--allow-dirty"])
        .leaves_file("web-app/README.md", "web v2\n")
        .run();
    // A path that climbs out of the template is refused.
    scratch.write("tpl/cookiecutter.json", r#"{"templates": {"x": {"path": "../elsewhere"}}}"#);
    isolated(&scratch)
        .args(&["tpl", "--no-input", "-o", "out"])
        .status(3)
        .stderr_contains("must stay inside the template")
        .leaves_no("out")
        .run();
}
