//! `stamp check`: snapshot cases, every kind of difference, `--update`, and
//! the built-in template's own snapshots.

use std::fs;

use crate::support::{Scratch, Test, set_mode};

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
    let (scratch, _) = Test::new()
        .args(&["check"])
        .template(&[
            ("stamp.toml", MANIFEST),
            ("{{cookiecutter.slug}}/text.txt", "a\nb {{ cookiecutter.flavour }}\n"),
            ("{{cookiecutter.slug}}/run.sh", "#!/bin/sh\n"),
            ("snapshots/one.toml", ""),
            ("snapshots/two.toml", "flavour = \"fancy\"\n"),
        ])
        .file("tpl/{{cookiecutter.slug}}/logo.bin", b"\0\x01\x02{{ x }}")
        .mode("tpl/{{cookiecutter.slug}}/run.sh", 0o755)
        .args(&["--update"])
        .run();
    scratch
}

#[test]
fn a_clean_pass_and_the_update_round_trip() {
    let scratch = blessed();
    assert_eq!(
        fs::read_to_string(scratch.path("tpl/snapshots/two/text.txt")).unwrap(),
        "a\nb fancy\n",
        "--update wrote the rendered tree"
    );
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl"])
        .stdout("ok       one\nok       two\n2 cases: 2 passed, 0 failed\n")
        .stderr("")
        .run();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "two"])
        .stdout("ok       two\n1 case: 1 passed, 0 failed\n")
        .run();
}

#[test]
fn every_kind_of_difference_is_reported_for_every_case() {
    let scratch = blessed();
    scratch.write("tpl/snapshots/one/text.txt", "a\r\nb plain"); // CRLF and no final newline
    scratch.write("tpl/snapshots/two/text.txt", "a  \nb fancy\n"); // trailing spaces
    scratch.write("tpl/snapshots/one/logo.bin", b"\0\x01\x03");
    set_mode(&scratch.path("tpl/snapshots/one/run.sh"), 0o644);
    fs::remove_file(scratch.path("tpl/snapshots/two/run.sh")).unwrap();
    scratch.write("tpl/snapshots/two/stale.txt", "old\n");

    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl"])
        .status(1)
        .stdout(
            "FAILED   one: 3 differences\n\
             binary file logo.bin differs: snapshot 3 bytes, rendered 10 bytes, first difference at byte 2\n\
             mode of run.sh: rendered executable, snapshot not\n\
             --- snapshot/text.txt\n+++ rendered/text.txt\n@@ -1,2 +1,2 @@\n-a␍\n-b plain\n\\ No newline at end of file\n+a\n+b plain\n\
             FAILED   two: 3 differences\n\
             extra file run.sh: rendered, not in the snapshot\n\
             missing file stale.txt: in the snapshot, no longer rendered\n\
             --- snapshot/text.txt\n+++ rendered/text.txt\n@@ -1,2 +1,2 @@\n-a··\n+a\n b fancy\n\
             2 cases: 0 passed, 2 failed\n",
        )
        .stderr("")
        .run();

    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--update"])
        .stdout(
            "updated  one: 3 changes\n  changed  logo.bin\n  mode     run.sh\n  changed  text.txt\n\
             updated  two: 3 changes\n  added    run.sh\n  removed  stale.txt\n  changed  text.txt\n\
             2 cases: 0 passed, 0 failed, 2 updated\n",
        )
        .run();
    Test::in_scratch(&scratch).args(&["check", "-t", "tpl"]).leaves_no("tpl/snapshots/two/stale.txt").run();
}

#[test]
fn invalid_answers_and_template_errors_are_named_and_other_cases_still_run() {
    let scratch = blessed();
    Test::in_scratch(&scratch)
        .file("tpl/snapshots/bad.toml", "slug = \"Not Valid\"\n")
        .args(&["check", "-t", "tpl"])
        .status(2)
        .stdout("FAILED   bad: cannot render\nok       one\nok       two\n3 cases: 2 passed, 1 failed\n")
        .stderr(
            "error: case `bad`: invalid value for `slug` in tpl/snapshots/bad.toml:1: \"Not Valid\" does not match ^(?:[a-z]+)$\n",
        )
        .run();
    fs::remove_file(scratch.path("tpl/snapshots/bad.toml")).unwrap();

    Test::in_scratch(&scratch)
        .file("tpl/{{cookiecutter.slug}}/text.txt", "{{ cookiecutter.nope }}\n")
        .args(&["check", "-t", "tpl", "one"])
        .status(3)
        .stderr(
            "error: case `one`: template error in {{cookiecutter.slug}}/text.txt:1:4: undefined value: `cookiecutter.nope` is undefined\n",
        )
        .run();
    // --update never blesses a case that fails to render.
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--update"])
        .status(3)
        .leaves_file("tpl/snapshots/one/text.txt", "a\nb plain\n")
        .run();
}

#[test]
fn unknown_cases_and_missing_snapshots_are_usage_errors() {
    let scratch = blessed();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "three"])
        .status(2)
        .stderr("error: no case `three` in tpl/snapshots (cases: one, two)\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--snapshots", "nowhere"])
        .status(2)
        .stderr_starts_with(
            "error: no snapshots directory nowhere: create it with a <case>.toml answers file",
        )
        .run();
    // A new case: not a list of "extra files", but what to do.
    fs::write(
        scratch.path("tpl/snapshots/three.toml"),
        fs::read(scratch.path("tpl/snapshots/one.toml")).unwrap(),
    )
    .unwrap();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "three"])
        .status(2)
        .stdout("FAILED   three: cannot render\n1 case: 0 passed, 1 failed\n")
        .stderr_contains("case `three` has no snapshot yet")
        .stderr_contains("run `stamp check --update three`")
        .run();
}

#[test]
fn all_combinations_render_and_exec_reports_failures_by_combination() {
    let scratch = blessed();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--all-combinations", "--exec", "grep -q plain text.txt"])
        .status(1)
        .stdout(
            "ok       flavour=plain\nFAILED   flavour=fancy\n    `grep -q plain text.txt` failed (exit 1)\n2 combinations: 1 passed, 1 failed\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--all-combinations"])
        .stdout("ok       flavour=plain\nok       flavour=fancy\n2 combinations: 2 passed, 0 failed\n")
        .run();
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
    let (scratch, _) = Test::new()
        .args(&["check"])
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"n\"\ndefault = \"app\"\n",
            ),
            (
                "{{cookiecutter.n}}/volatile.txt",
                "{% now 'utc', '%Y-%m-%dT%H:%M:%S' %} {{ uuid4() }} {{ random_ascii_string(16) }}\n",
            ),
            ("snapshots/one.toml", ""),
        ])
        .args(&["--update"])
        .run();
    let stored = fs::read_to_string(scratch.path("tpl/snapshots/one/volatile.txt")).unwrap();
    assert!(stored.starts_with("1970-01-01T00:00:00 "), "{stored}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    Test::in_scratch(&scratch).args(&["check", "-t", "tpl"]).run();

    // SOURCE_DATE_EPOCH moves the frozen clock (and seeds the random helpers) for `new`.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "dated"])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .run();
    let first = fs::read_to_string(scratch.path("dated/app/volatile.txt")).unwrap();
    assert!(first.starts_with("2023-11-14T22:13:20 "), "{first}");
    // Same seed, same bytes.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "dated-again"])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .leaves_file("dated-again/app/volatile.txt", &first)
        .run();
}

/// Snapshots hold plain files: a linked case directory is not written
/// through by `--update`, and a linked file is not shown in a diff.
#[test]
fn snapshot_links_are_refused() {
    let scratch = blessed();
    let secret = scratch.write("outside/credentials", "hunter2\n");
    fs::rename(scratch.path("tpl/snapshots/two"), scratch.path("outside/two")).unwrap();
    std::os::unix::fs::symlink(scratch.path("outside/two"), scratch.path("tpl/snapshots/two")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--update", "two"])
        .status(5)
        .stderr(
            "error: case `two`: cannot read snapshot tpl/snapshots/two\n\
             caused by: it is a symbolic link; snapshots hold plain files\n",
        )
        .leaves_file("outside/two/text.txt", "a\nb fancy\n")
        .run();
    fs::remove_file(scratch.path("tpl/snapshots/two")).unwrap();
    fs::rename(scratch.path("outside/two"), scratch.path("tpl/snapshots/two")).unwrap();
    fs::remove_file(scratch.path("tpl/snapshots/two/text.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, scratch.path("tpl/snapshots/two/text.txt")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "two"])
        .status(5)
        .stdout_lacks("hunter2")
        .stderr_lacks("hunter2")
        .run();
}

#[test]
fn all_combinations_skip_questions_not_asked_and_enumerate_multichoice_subsets() {
    let manifest = "[template]\nname = \"c\"\nversion = \"1\"\n\
        [[variables]]\nname = \"backend\"\ntype = \"choice\"\nchoices = [\"vault\", \"eso\"]\n\
        [[variables]]\nname = \"tls\"\ntype = \"bool\"\ndefault = true\nwhen = \"{{ cookiecutter.backend == 'vault' }}\"\n\
        [[variables]]\nname = \"features\"\ntype = \"multichoice\"\nchoices = [\"a\", \"b\"]\n";
    let (scratch, run) = Test::new()
        .file("tpl/stamp.toml", manifest)
        .file("tpl/{{cookiecutter.backend}}/f.txt", "{{ cookiecutter.features|join('+') }}\n")
        .args(&["check", "-t", "tpl", "--all-combinations"])
        .stdout_contains("12 combinations: 12 passed, 0 failed\n")
        .stdout_contains("ok       backend=vault tls=no features=a,b\n")
        .stdout_contains("ok       backend=eso features=\n")
        .run();
    // `tls` is not asked for eso: those combinations do not multiply by it.
    assert!(!run.stdout.contains("backend=eso tls"), "{run:?}");
    // A space too large to render is refused with what to do.
    let many: Vec<String> = (0..13).map(|i| format!("\"o{i}\"")).collect();
    Test::in_scratch(&scratch)
        .file("tpl/stamp.toml", manifest.replace("[\"a\", \"b\"]", &format!("[{}]", many.join(", "))))
        .args(&["check", "-t", "tpl", "--all-combinations"])
        .status(2)
        .stderr_contains("give it with KEY=VALUE")
        .run();
}

#[test]
fn the_worked_example_of_the_authors_guide_matches_its_snapshots() {
    // docs/writing-templates.md walks through docs/example; it must stay true.
    let root = env!("CARGO_MANIFEST_DIR");
    let example = format!("{root}/docs/example");
    Test::new().args(&["check", "-t", &example]).stdout_contains("2 cases: 2 passed, 0 failed\n").run();
    // Its task (byte-compiling the package) runs before the command.
    let parses = "python3 -c \"import tomllib; tomllib.load(open('pyproject.toml', 'rb'))\" && test -d \
                  src/billing_service/__pycache__";
    Test::new()
        .args(&["check", "-t", &example, "--all-combinations", "--exec", parses])
        .stdout_contains("16 combinations: 16 passed, 0 failed\n")
        .run();
}
