//! `stamp check`: snapshot cases, every kind of difference, `--update`, and
//! the built-in template's own snapshots.

use std::fs;

use crate::support::Scratch;

const MANIFEST: &str = r#"
[template]
name = "snap"
version = "1"

[[variables]]
name = "slug"
default = "app"
validation = { regex = "[a-z]+" }

[[variables]]
name = "flavour"
type = "choice"
choices = ["plain", "fancy"]
"#;

/// A template in `tpl/` with snapshot cases `one` and `two`, blessed.
fn blessed() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", MANIFEST);
    scratch.write("tpl/{{cookiecutter.slug}}/text.txt", "a\nb {{ cookiecutter.flavour }}\n");
    scratch.write("tpl/{{cookiecutter.slug}}/logo.bin", b"\0\x01\x02{{ x }}");
    let script = scratch.write("tpl/{{cookiecutter.slug}}/run.sh", "#!/bin/sh\n");
    set_mode(&script, 0o755);
    scratch.write("tpl/snapshots/one.toml", "");
    scratch.write("tpl/snapshots/two.toml", "flavour = \"fancy\"\n");
    let run = scratch.run(&["check", "-t", "tpl", "--update"]);
    assert_eq!(run.code, 0, "{run:?}");
    scratch
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_clean_pass_and_the_update_round_trip() {
    let scratch = blessed();
    assert_eq!(
        fs::read_to_string(scratch.path("tpl/snapshots/two/text.txt")).unwrap(),
        "a\nb fancy\n",
        "--update wrote the rendered tree"
    );
    let run = scratch.run(&["check", "-t", "tpl"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "ok       one\nok       two\n2 cases: 2 passed, 0 failed\n");
    assert_eq!(run.stderr, "");
    let run = scratch.run(&["check", "-t", "tpl", "two"]);
    assert_eq!(run.stdout, "ok       two\n1 cases: 1 passed, 0 failed\n");
}

#[test]
fn every_kind_of_difference_is_reported_for_every_case() {
    let scratch = blessed();
    let one = |p: &str| scratch.path(&format!("tpl/snapshots/one/{p}"));
    fs::write(one("text.txt"), "a\r\nb plain").unwrap(); // CRLF and no final newline
    fs::write(scratch.path("tpl/snapshots/two/text.txt"), "a  \nb fancy\n").unwrap(); // trailing spaces
    fs::write(one("logo.bin"), b"\0\x01\x03").unwrap();
    set_mode(&one("run.sh"), 0o644);
    fs::remove_file(scratch.path("tpl/snapshots/two/run.sh")).unwrap();
    fs::write(scratch.path("tpl/snapshots/two/stale.txt"), "old\n").unwrap();

    let run = scratch.run(&["check", "-t", "tpl"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "FAILED   one: 3 differences\n\
         binary file logo.bin differs: snapshot 3 bytes, rendered 10 bytes, first difference at byte 2\n\
         mode of run.sh: rendered executable, snapshot not\n\
         --- snapshot/text.txt\n+++ rendered/text.txt\n@@ -1,2 +1,2 @@\n-a␍\n-b plain\n\\ No newline at end of file\n+a\n+b plain\n\
         FAILED   two: 3 differences\n\
         extra file run.sh: rendered, not in the snapshot\n\
         missing file stale.txt: in the snapshot, no longer rendered\n\
         --- snapshot/text.txt\n+++ rendered/text.txt\n@@ -1,2 +1,2 @@\n-a··\n+a\n b fancy\n\
         2 cases: 0 passed, 2 failed\n"
    );
    assert_eq!(run.stderr, "");

    let run = scratch.run(&["check", "-t", "tpl", "--update"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "updated  one: 3 changes\n  changed  logo.bin\n  mode     run.sh\n  changed  text.txt\n\
         updated  two: 3 changes\n  added    run.sh\n  removed  stale.txt\n  changed  text.txt\n\
         2 cases: 0 passed, 0 failed, 2 updated\n"
    );
    assert_eq!(scratch.run(&["check", "-t", "tpl"]).code, 0);
    assert!(!scratch.path("tpl/snapshots/two/stale.txt").exists());
}

#[test]
fn invalid_answers_and_template_errors_are_named_and_other_cases_still_run() {
    let scratch = blessed();
    scratch.write("tpl/snapshots/bad.toml", "slug = \"Not Valid\"\n");
    let run = scratch.run(&["check", "-t", "tpl"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stdout,
        "FAILED   bad: cannot render\nok       one\nok       two\n3 cases: 2 passed, 1 failed\n"
    );
    assert_eq!(
        run.stderr,
        "error: case `bad`: invalid value for `slug` in tpl/snapshots/bad.toml:1: \"Not Valid\" does not match ^(?:[a-z]+)$\n"
    );
    fs::remove_file(scratch.path("tpl/snapshots/bad.toml")).unwrap();

    scratch.write("tpl/{{cookiecutter.slug}}/text.txt", "{{ cookiecutter.nope }}\n");
    let run = scratch.run(&["check", "-t", "tpl", "one"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: case `one`: template error in {{cookiecutter.slug}}/text.txt:1:4: undefined value: `cookiecutter.nope` is undefined\n"
    );
    let run = scratch.run(&["check", "-t", "tpl", "--update"]);
    assert_eq!(run.code, 3, "--update never blesses a case that fails to render");
    assert_eq!(fs::read_to_string(scratch.path("tpl/snapshots/one/text.txt")).unwrap(), "a\nb plain\n");
}

#[test]
fn unknown_cases_and_missing_snapshots_are_usage_errors() {
    let scratch = blessed();
    let run = scratch.run(&["check", "-t", "tpl", "three"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (2, "error: no case `three` in tpl/snapshots (cases: one, two)\n")
    );
    let run = scratch.run(&["check", "-t", "tpl", "--snapshots", "nowhere"]);
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.starts_with("error: cannot read snapshots directory nowhere\ncaused by: "),
        "{}",
        run.stderr
    );
}

#[test]
fn all_combinations_render_and_exec_reports_failures_by_combination() {
    let scratch = blessed();
    let run = scratch.run(&["check", "-t", "tpl", "--all-combinations", "--exec", "grep -q plain text.txt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "ok       flavour=plain\nFAILED   flavour=fancy\n    `grep -q plain text.txt` failed (exit 1)\n2 combinations: 1 passed, 1 failed\n"
    );
    let run = scratch.run(&["check", "-t", "tpl", "--all-combinations"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "ok       flavour=plain\nok       flavour=fancy\n2 combinations: 2 passed, 0 failed\n")
    );
}
#[test]
fn the_builtin_template_matches_its_snapshots() {
    let run = std::process::Command::new(crate::support::binary())
        .arg("check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the built-in template no longer renders its snapshots; review the diff and re-bless with \
         `cargo run -- check --update`:\n{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn a_secret_scanner_finds_nothing_in_the_builtin_snapshots() {
    let output = std::process::Command::new("ripsecrets")
        .arg("snapshots")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("ripsecrets is installed by `bash scripts/test` (cargo install ripsecrets)");
    assert!(
        output.status.success(),
        "ripsecrets found something that looks like a credential:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn time_and_randomness_are_frozen_so_snapshots_hold() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"n\"\ndefault = \"app\"\n",
    );
    scratch.write(
        "tpl/{{cookiecutter.n}}/volatile.txt",
        "{% now 'utc', '%Y-%m-%dT%H:%M:%S' %} {{ uuid4() }} {{ random_ascii_string(16) }}\n",
    );
    scratch.write("tpl/snapshots/one.toml", "");
    assert_eq!(scratch.run(&["check", "-t", "tpl", "--update"]).code, 0);
    let stored = fs::read_to_string(scratch.path("tpl/snapshots/one/volatile.txt")).unwrap();
    assert!(stored.starts_with("1970-01-01T00:00:00 "), "{stored}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = scratch.run(&["check", "-t", "tpl"]);
    assert_eq!(run.code, 0, "{run:?}");

    // SOURCE_DATE_EPOCH moves the frozen clock (and seeds the random helpers) for `new`.
    let dated = |out: &str| {
        let output = std::process::Command::new(crate::support::binary())
            .args(["-t", "tpl", "-o", out])
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .current_dir(scratch.dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(output.status.success());
        fs::read_to_string(scratch.path(&format!("{out}/app/volatile.txt"))).unwrap()
    };
    let first = dated("dated");
    assert!(first.starts_with("2023-11-14T22:13:20 "), "{first}");
    assert_eq!(dated("dated-again"), first, "same seed, same bytes");
}
