//! `stamp update` interrupted by a signal at any moment leaves the project
//! exactly as it was or exactly updated, never between, and leaves no
//! staging behind.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Scratch, binary, git};

/// The project's files (not `.git`), each with its contents, in path order.
fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(root).unwrap().display().to_string();
            (path, fs::read(e.path()).unwrap())
        })
        .collect();
    found.sort();
    found
}

fn staging_left(dir: &Path) -> bool {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(".stamp-staging-"))
}

#[test]
fn an_interrupted_update_leaves_the_project_as_it_was_or_updated() {
    let scratch = Scratch::new();
    let tpl = scratch.path("tpl");
    scratch.write(
        "tpl/stamp.toml",
        "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"n\"\ndefault = \"app\"\n",
    );
    let body = "line {{ cookiecutter.n }} with some padding text to make the file larger\n".repeat(60);
    let path = |i: usize| format!("tpl/{{{{cookiecutter.n}}}}/d{:02}/f{i:04}.txt", i / 20);
    for i in 0..600 {
        scratch.write(&path(i), &body);
    }
    git(&tpl, &["init", "--quiet"]);
    git(&tpl, &["add", "-A"]);
    git(&tpl, &["commit", "--quiet", "-m", "v1"]);
    git(&tpl, &["tag", "v1"]);
    let url = format!("file://{}", tpl.display());
    let cache = scratch.path("cache");
    let stamp = |dir: &Path, args: &[&str]| {
        Command::new(binary())
            .args(args)
            .current_dir(dir)
            .env("XDG_CACHE_HOME", &cache)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    assert!(
        stamp(scratch.dir.path(), &[&url, "--checkout", "v1", "--no-input", "-o", "made"]).status.success()
    );
    let made = scratch.path("made/app");
    git(&made, &["init", "--quiet"]);
    // The user's own line at the end of every tenth file; v2 changes the first line of every file.
    for i in (0..600).step_by(10) {
        let file = made.join(format!("d{:02}/f{i:04}.txt", i / 20));
        let mut text = fs::read_to_string(&file).unwrap();
        text.push_str("mine\n");
        fs::write(file, text).unwrap();
    }
    git(&made, &["add", "-A"]);
    git(&made, &["commit", "--quiet", "-m", "work"]);
    for i in 0..600 {
        scratch.write(&path(i), format!("v2\n{body}"));
    }
    git(&tpl, &["commit", "--quiet", "-am", "v2"]);
    let before = files(&made);

    let copy = |name: &str| {
        let dir = scratch.path(name);
        fs::create_dir_all(&dir).unwrap();
        let status = Command::new("cp").arg("-a").arg(&made).arg(&dir).status().unwrap();
        assert!(status.success());
        dir.join("app")
    };
    let reference = copy("reference");
    let started = Instant::now();
    let out = stamp(&reference, &["update"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let full = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let after = files(&reference);
    assert_ne!(before, after);

    #[allow(clippy::cast_possible_truncation)]
    let mut state =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let seed = state;
    let mut below = |n: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n.max(1)
    };
    let (mut interrupted, mut window) = (0, full + 20);
    for round in 0..12 {
        let (signal, number) = [("INT", 2), ("TERM", 15), ("HUP", 1)][round % 3];
        let project = copy(&format!("run{round}"));
        let mut child = Command::new(binary())
            .arg("update")
            .current_dir(&project)
            .env("XDG_CACHE_HOME", &cache)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(below(window)));
        let killed =
            Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
        let status = child.wait().unwrap();
        let context = format!("seed {seed}, round {round}, SIG{signal}: {status:?}");
        assert!(killed.success() || status.code() == Some(0), "{context}: kill failed");
        if status.code() == Some(0) {
            window = (window * 2 / 3).max(2);
        } else {
            interrupted += 1;
            assert!(status.code().is_none() || status.code() == Some(128 + number), "{context}");
        }
        let now = files(&project);
        assert!(now == before || now == after, "{context}: the project was left half-updated");
        assert!(!staging_left(project.parent().unwrap()), "{context}: staging left behind");
        // Whatever was left, the next run finishes (or finds nothing to do).
        let again = stamp(&project, &["update", "--allow-dirty"]);
        assert!(again.status.success(), "{context}: {}", String::from_utf8_lossy(&again.stderr));
        assert_eq!(files(&project), after, "{context}");
    }
    assert!(interrupted >= 4, "seed {seed}: only {interrupted} of 12 rounds were interrupted");
}
