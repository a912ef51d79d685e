//! `stamp update` and `stamp diff` on projects made from template
//! repositories with v1 → v2 → v3 histories built here: each scenario
//! asserts the exact files and the exit code.

use std::fs;

use crate::support::{Scratch, Test, git};

const MANIFEST_V1: &str =
    "[template]\nname = \"svc\"\nversion = \"1\"\n[[variables]]\nname = \"name\"\ndefault = \"app\"\n";

/// A template repository `tpl/` at v1 (tagged), with `files` under the project directory.
fn template(scratch: &Scratch, files: &[(&str, &str)]) {
    scratch.write("tpl/stamp.toml", MANIFEST_V1);
    for (path, contents) in files {
        scratch.write(&format!("tpl/{{{{cookiecutter.name}}}}/{path}"), contents);
    }
    git(&scratch.path("tpl"), &["init", "--quiet"]);
    commit(scratch, "v1");
}

/// Commits the template's work tree as `version` and tags it.
fn commit(scratch: &Scratch, version: &str) {
    let tpl = scratch.path("tpl");
    git(&tpl, &["add", "-A"]);
    git(&tpl, &["commit", "--quiet", "--allow-empty", "-m", version]);
    git(&tpl, &["tag", version]);
}

/// Writes a template file (under the project directory) for the next version.
fn template_file(scratch: &Scratch, path: &str, contents: &str) {
    scratch.write(&format!("tpl/{{{{cookiecutter.name}}}}/{path}"), contents);
}

/// A stamp run with the cache inside the scratch directory.
fn stamp(scratch: &Scratch) -> Test<&Scratch> {
    Test::in_scratch(scratch).env("XDG_CACHE_HOME", scratch.path("cache").to_str().unwrap())
}

/// Generates `app/` from the template at v1 and commits it in a repository of its own.
fn generate(scratch: &Scratch) {
    let url = format!("file://{}", scratch.path("tpl").display());
    stamp(scratch).args(&[&url, "--checkout", "v1", "--no-input"]).run();
    git(&scratch.path("app"), &["init", "--quiet"]);
    commit_project(scratch);
}

fn commit_project(scratch: &Scratch) {
    git(&scratch.path("app"), &["add", "-A"]);
    git(&scratch.path("app"), &["commit", "--quiet", "--allow-empty", "-m", "work"]);
}

const TEXT: &str = "one\ntwo\nthree\nfour\nfive\n";

#[test]
fn edits_apart_merge_and_deletions_hold_on_both_sides() {
    let scratch = Scratch::new();
    template(
        &scratch,
        &[("README.md", TEXT), ("old.txt", "old\n"), ("mine.txt", "mine\n"), ("same.txt", "same\n")],
    );
    generate(&scratch);
    // The user edits the first line and deletes a file; the template edits the last line,
    // removes a file, changes the one the user deleted and adds one.
    scratch.write("app/README.md", TEXT.replace("one", "ONE (mine)"));
    fs::remove_file(scratch.path("app/mine.txt")).unwrap();
    commit_project(&scratch);
    template_file(&scratch, "README.md", &TEXT.replace("five", "five (v2)"));
    fs::remove_file(scratch.path("tpl/{{cookiecutter.name}}/old.txt")).unwrap();
    template_file(&scratch, "mine.txt", "mine, v2\n");
    template_file(&scratch, "new.txt", "new\n");
    scratch.write("tpl/stamp.toml", MANIFEST_V1.replace("\"1\"", "\"2\""));
    commit(&scratch, "v2");
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--dry-run"])
        .stdout(
            "updated   .stamp-answers.toml\nmerged    README.md\nkept      mine.txt  (you deleted it; the template \
             changed it, and it stays deleted)\nadded     new.txt\ndeleted   old.txt\n",
        )
        .leaves_file("app/old.txt", "old\n")
        .leaves_no("app/new.txt")
        .run();
    let short = |tag: &str| git(&scratch.path("tpl"), &["rev-parse", "--short=7", tag]);
    stamp(&scratch)
        .in_dir("app")
        .args(&["update"])
        .stderr_contains(&format!(
            "Updated app from svc 1 ({}) to svc 2 ({}): 1 updated, 1 merged, 1 added, 1 deleted, 1 kept.\n",
            short("v1"),
            short("v2")
        ))
        .leaves_file("app/README.md", "ONE (mine)\ntwo\nthree\nfour\nfive (v2)\n")
        .leaves_file("app/new.txt", "new\n")
        .leaves_file("app/same.txt", "same\n")
        .leaves_no("app/old.txt")
        .leaves_no("app/mine.txt")
        .run();
    let record = fs::read_to_string(scratch.path("app/.stamp-answers.toml")).unwrap();
    let v2 = git(&scratch.path("tpl"), &["rev-parse", "v2"]);
    assert!(
        record.contains(&format!("_commit = \"{v2}\"")) && record.contains("_template_version = \"2\""),
        "{record}"
    );
    // Run again: nothing to do.
    commit_project(&scratch);
    stamp(&scratch).in_dir("app").args(&["update"]).stdout("").stderr_contains("already up to date").run();
    stamp(&scratch).args(&["diff", "app", "--latest", "--exit-code"]).stdout("").run();
}

#[test]
fn overlapping_edits_are_conflicts_with_markers_or_rej_files_and_exit_1() {
    let scratch = Scratch::new();
    template(&scratch, &[("README.md", TEXT), ("logo.bin", "\0v1")]);
    generate(&scratch);
    scratch.write("app/README.md", TEXT.replace("three", "three (mine)"));
    scratch.write("app/logo.bin", "\0mine");
    commit_project(&scratch);
    template_file(&scratch, "README.md", &TEXT.replace("three", "three (v2)"));
    template_file(&scratch, "logo.bin", "\0v2");
    commit(&scratch, "v2");
    // A drift check sees the project is behind.
    stamp(&scratch)
        .args(&["diff", "app", "--latest", "--exit-code"])
        .status(1)
        .stdout_contains("+three (v2)")
        .run();
    // .rej: the user's file untouched, the template's change beside it.
    let (scratch, _) = stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--conflict", "rej", "--dry-run"])
        .status(1)
        .stdout_contains("conflict  README.md\n")
        .run();
    let (scratch, _) = stamp(scratch)
        .in_dir("app")
        .args(&["update", "--conflict", "rej"])
        .status(1)
        .stderr_contains("conflicts:")
        .leaves_file("app/README.md", TEXT.replace("three", "three (mine)"))
        .leaves_file("app/logo.bin", "\0mine")
        .leaves_file("app/logo.bin.theirs", "\0v2")
        .run();
    let rej = fs::read_to_string(scratch.path("app/README.md.rej")).unwrap();
    assert!(rej.contains("-three\n+three (v2)\n"), "{rej}");
    // Back to before, then markers: the form git and IDE merge tools read.
    git(&scratch.path("app"), &["checkout", "--quiet", "."]);
    git(&scratch.path("app"), &["clean", "--quiet", "-fd"]);
    stamp(scratch)
        .in_dir("app")
        .args(&["update"])
        .status(1)
        .stdout_contains("conflict  README.md\n")
        .leaves_file(
            "app/README.md",
            "one\ntwo\n<<<<<<< ours\nthree (mine)\n||||||| original\nthree\n=======\nthree (v2)\n>>>>>>> theirs\nfour\nfive\n",
        )
        .run();
}

#[test]
fn answers_change_on_update_and_new_questions_take_their_defaults() {
    let scratch = Scratch::new();
    template(&scratch, &[("README.md", "# {{ cookiecutter.name }}\n")]);
    generate(&scratch);
    scratch.write(
        "tpl/stamp.toml",
        format!("{MANIFEST_V1}[[variables]]\nname = \"port\"\ntype = \"integer\"\ndefault = 8080\n"),
    );
    template_file(&scratch, "port.txt", "{{ cookiecutter.port }}\n");
    commit(&scratch, "v2");
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--no-input"])
        .stderr_contains("New questions, answered with their defaults or your replies: port\n")
        .leaves_file("app/port.txt", "8080\n")
        .run();
    commit_project(&scratch);
    // A changed answer re-renders what depends on it; a question the template dropped is dropped.
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "port=9090"])
        .stdout("updated   .stamp-answers.toml\nupdated   port.txt\n")
        .leaves_file("app/port.txt", "9090\n")
        .run();
}

#[test]
fn refusals_leave_the_project_as_it_was() {
    let scratch = Scratch::new();
    template(&scratch, &[("README.md", TEXT)]);
    generate(&scratch);
    template_file(&scratch, "README.md", "v2\n");
    commit(&scratch, "v2");
    scratch.write("app/README.md", "uncommitted\n");
    stamp(&scratch)
        .in_dir("app")
        .args(&["update"])
        .status(2)
        .stderr_contains("has uncommitted changes; commit or stash them first (or pass --allow-dirty)\n")
        .leaves_file("app/README.md", "uncommitted\n")
        .run();
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--allow-dirty"])
        .status(1)
        .stdout("updated   .stamp-answers.toml\nconflict  README.md\n")
        .run();
    // Not a stamp project.
    scratch.write("plain/a.txt", "a\n");
    stamp(&scratch)
        .args(&["update", "plain"])
        .status(2)
        .stderr_contains(
            "has neither .stamp-answers.toml nor .cruft.json: stamp can update only a project whose record",
        )
        .run();
}

#[test]
fn a_directory_template_updates_only_from_the_content_it_recorded() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", MANIFEST_V1);
    template_file(&scratch, "README.md", TEXT);
    stamp(&scratch).args(&["-t", "tpl", "--no-input"]).run();
    // Unchanged: the record's digest matches, so answers can change.
    stamp(&scratch).args(&["update", "app", "name=app", "--dry-run"]).stdout("").run();
    template_file(&scratch, "README.md", "changed\n");
    stamp(&scratch)
        .args(&["update", "app"])
        .status(2)
        .stderr_contains("changed since the project was made")
        .stderr_contains("keep the template in git to update from it")
        .leaves_file("app/README.md", TEXT)
        .run();
}

#[test]
fn diff_shows_the_users_own_changes() {
    let scratch = Scratch::new();
    template(&scratch, &[("README.md", TEXT)]);
    generate(&scratch);
    stamp(&scratch).args(&["diff", "app", "--exit-code"]).stdout("").run();
    scratch.write("app/README.md", TEXT.replace("two", "2"));
    stamp(&scratch)
        .args(&["diff", "app", "--exit-code"])
        .status(1)
        .stdout("--- a/README.md\n+++ b/README.md\n@@ -1,5 +1,5 @@\n one\n-two\n+2\n three\n four\n five\n")
        .run();
}

#[test]
fn secrets_are_asked_again_never_defaulted() {
    let scratch = Scratch::new();
    template(&scratch, &[("env", "TOKEN={{ cookiecutter.token }}\n"), ("README.md", TEXT)]);
    scratch.write(
        "tpl/stamp.toml",
        format!("{MANIFEST_V1}[[variables]]\nname = \"token\"\ntype = \"secret\"\ndefault = \"changeme\"\n"),
    );
    commit(&scratch, "v1b");
    let url = format!("file://{}", scratch.path("tpl").display());
    stamp(&scratch).args(&[&url, "--no-input"]).env("STAMP_ANSWER_token", "s3cret").run();
    template_file(&scratch, "README.md", "v2\n");
    commit(&scratch, "v2");
    // Without the secret: a missing answer, not its default.
    stamp(&scratch)
        .args(&["update", "app", "--no-input"])
        .status(2)
        .stderr_contains("token")
        .leaves_file("app/env", "TOKEN=s3cret\n")
        .leaves_file("app/README.md", TEXT)
        .run();
    stamp(&scratch)
        .args(&["update", "app", "--no-input"])
        .env("STAMP_ANSWER_token", "s3cret")
        .stdout("updated   .stamp-answers.toml\nupdated   README.md\n")
        .leaves_file("app/env", "TOKEN=s3cret\n")
        .leaves_file("app/README.md", "v2\n")
        .run();
}

#[test]
fn a_builtin_template_project_updates_from_the_version_this_stamp_carries() {
    let scratch = Scratch::new();
    stamp(&scratch).args(&["--no-input"]).run();
    // An answer changed on update re-shapes the project.
    stamp(&scratch)
        .args(&["update", "my-service", "include_sentry=yes", "--dry-run"])
        .stdout_contains("updated   .stamp-answers.toml\n")
        .stdout_contains("updated   README.md\n")
        .stderr_contains("Would update ")
        .run();
    stamp(&scratch).args(&["update", "my-service"]).stdout("").stderr_contains("already up to date").run();
    // Derived values are not frozen: renaming carries the namespace and image along.
    stamp(&scratch).args(&["update", "my-service", "project_slug=renamed"]).run();
    let kustomization = fs::read_to_string(scratch.path("my-service/k8s/base/kustomization.yaml")).unwrap();
    assert!(kustomization.contains("namespace: renamed\n"), "{kustomization}");
    let record = scratch.path("my-service/.stamp-answers.toml");
    let text = fs::read_to_string(&record).unwrap();
    let old = text.lines().find(|l| l.starts_with("_template_version")).unwrap().to_owned();
    fs::write(&record, text.replace(&old, "_template_version = \"0.0.1\"")).unwrap();
    stamp(&scratch)
        .args(&["update", "my-service"])
        .status(2)
        .stderr_contains(
            "this stamp does not carry version 0.0.1 of the built-in template k8s-secrets-service",
        )
        .run();
}

#[test]
fn a_renamed_path_carries_the_users_version_along() {
    let scratch = Scratch::new();
    template(&scratch, &[("src/{{ cookiecutter.module }}/main.py", "print('hi')\n"), ("README.md", TEXT)]);
    scratch.write(
        "tpl/stamp.toml",
        format!("{MANIFEST_V1}[[variables]]\nname = \"module\"\ndefault = \"core\"\n"),
    );
    commit(&scratch, "v1b");
    let url = format!("file://{}", scratch.path("tpl").display());
    stamp(&scratch).args(&[&url, "--no-input"]).run();
    git(&scratch.path("app"), &["init", "--quiet"]);
    scratch.write("app/src/core/main.py", "print('hi, edited')\n");
    commit_project(&scratch);
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "module=engine"])
        .stdout("updated   .stamp-answers.toml\nmoved     src/engine/main.py  (from src/core/main.py)\n")
        .leaves_file("app/src/engine/main.py", "print('hi, edited')\n")
        .leaves_no("app/src/core")
        .run();
}

#[test]
fn a_cookiecutter_project_recorded_by_cruft_is_updated_through_its_record() {
    let scratch = Scratch::new();
    scratch.write("tpl/cookiecutter.json", r#"{"name": "app", "team": "core"}"#);
    scratch.write("tpl/{{cookiecutter.name}}/README.md", TEXT);
    scratch.write("tpl/{{cookiecutter.name}}/team.txt", "{{ cookiecutter.team }}\n");
    git(&scratch.path("tpl"), &["init", "--quiet"]);
    commit(&scratch, "v1");
    let url = format!("file://{}", scratch.path("tpl").display());
    stamp(&scratch).args(&[&url, "--record", "--no-input"]).run();
    git(&scratch.path("app"), &["init", "--quiet"]);
    scratch.write("app/README.md", TEXT.replace("one", "ONE (mine)"));
    commit_project(&scratch);
    scratch.write("tpl/{{cookiecutter.name}}/README.md", TEXT.replace("five", "five (v2)"));
    commit(&scratch, "v2");
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "team=platform"])
        .stdout("updated   .cruft.json\nmerged    README.md\nupdated   team.txt\n")
        .leaves_file("app/README.md", "ONE (mine)\ntwo\nthree\nfour\nfive (v2)\n")
        .leaves_file("app/team.txt", "platform\n")
        .run();
    let state = fs::read_to_string(scratch.path("app/.cruft.json")).unwrap();
    let v2 = git(&scratch.path("tpl"), &["rev-parse", "v2"]);
    assert!(
        state.contains(&format!("\"commit\": \"{v2}\"")) && state.contains("\"team\": \"platform\""),
        "{state}"
    );
}

#[test]
fn a_project_made_by_an_earlier_builtin_release_is_updated_to_this_one() {
    // Made by the released 0.2.0 (which the binary carries) as the stamp of that release made it.
    let scratch = Scratch::new();
    let release = concat!(env!("CARGO_MANIFEST_DIR"), "/template/releases/k8s-secrets-service-0.2.0.zip");
    let mut archive = zip::ZipArchive::new(fs::File::open(release).unwrap()).unwrap();
    archive.extract(scratch.path("old")).unwrap();
    stamp(&scratch)
        .args(&["-t", "old/k8s-secrets-service-0.2.0", "--no-input", "secrets_backend=vault"])
        .run();
    let record = scratch.path("my-service/.stamp-answers.toml");
    let kept: Vec<String> = fs::read_to_string(&record)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("_src") && !l.starts_with("_digest"))
        .map(str::to_owned)
        .collect();
    let text = kept.join("\n") + "\n";
    fs::write(&record, text).unwrap();
    let readme = scratch.path("my-service/README.md");
    let original = fs::read_to_string(&readme).unwrap();
    let (title, rest) = original.split_once('\n').unwrap();
    fs::write(&readme, format!("{title}\n\nOur own notes.\n{rest}")).unwrap();
    let patch = "my-service/k8s/components/vault-agent/deployment-patch.yaml";
    assert!(!fs::read_to_string(scratch.path(patch)).unwrap().contains("agent-run-as-user"));
    stamp(&scratch)
        .args(&["update", "my-service"])
        .stderr_contains("from k8s-secrets-service 0.2.0 to k8s-secrets-service ")
        .stdout_contains("updated   k8s/components/vault-agent/deployment-patch.yaml\n")
        .stdout_contains("merged    README.md\n")
        .stderr_contains(
            "New questions, answered with their defaults or your replies: customize_deployment\n",
        )
        .run();
    // The release's fix arrived; the user's notes stayed.
    assert!(fs::read_to_string(scratch.path(patch)).unwrap().contains("agent-run-as-user: \"10001\""));
    let readme = fs::read_to_string(&readme).unwrap();
    assert!(readme.contains("\nOur own notes.\n") && readme.contains("stamp update"), "{readme}");
}

#[test]
fn hooks_run_after_an_update_only_with_consent_and_know_the_operation() {
    let scratch = Scratch::new();
    scratch.write("tpl/cookiecutter.json", r#"{"name": "app", "docs": "no"}"#);
    scratch.write("tpl/{{cookiecutter.name}}/README.md", TEXT);
    scratch.write("tpl/{{cookiecutter.name}}/docs.md", "docs\n");
    // The classic clean-up hook, plus a log of what it ran for.
    scratch.write(
        "tpl/hooks/post_gen_project.sh",
        "#!/bin/sh\necho \"$STAMP_OPERATION {{ stamp_operation }}\" >> ops.log\n\
         {% if cookiecutter.docs == 'no' %}rm -f docs.md{% endif %}\nexit \"${FAIL:-0}\"\n",
    );
    git(&scratch.path("tpl"), &["init", "--quiet"]);
    commit(&scratch, "v1");
    let url = format!("file://{}", scratch.path("tpl").display());
    stamp(&scratch)
        .args(&[&url, "--record", "--no-input", "--accept-hooks", "yes"])
        .leaves_no("app/docs.md")
        .run();
    git(&scratch.path("app"), &["init", "--quiet"]);
    commit_project(&scratch);
    scratch.write("tpl/{{cookiecutter.name}}/README.md", TEXT.replace("five", "five (v2)"));
    scratch.write("tpl/{{cookiecutter.name}}/docs.md", "docs (v2)\n");
    commit(&scratch, "v2");

    // Never while deciding: neither a dry run nor a diff runs them.
    stamp(&scratch).in_dir("app").args(&["update", "--dry-run", "--accept-hooks", "yes"]).run();
    stamp(&scratch).in_dir("app").args(&["diff", "--latest"]).run();
    assert_eq!(fs::read_to_string(scratch.path("app/ops.log")).unwrap(), "create create\n");
    // No terminal to ask: skipped, and said so.
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--allow-dirty"])
        .stderr_starts_with("warning: skipped the template's hooks (post_gen_project.sh): no terminal to ask")
        .leaves_file("app/ops.log", "create create\n")
        .run();
    let undo = || {
        git(&scratch.path("app"), &["checkout", "--quiet", "."]);
        git(&scratch.path("app"), &["clean", "--quiet", "-fd"]);
    };
    undo();
    // A hook that fails says the update itself is committed, with the hooks' exit code.
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--accept-hooks", "yes"])
        .env("FAIL", "1")
        .status(3)
        .stderr_contains("post_gen_project.sh")
        .stderr_contains("the update itself is committed")
        .leaves_file("app/README.md", TEXT.replace("five", "five (v2)"))
        .leaves_file("app/ops.log", "create create\nupdate update\n")
        .run();
    undo();
    // With consent they run in the project after the commit, and clean up as on create.
    stamp(&scratch)
        .in_dir("app")
        .args(&["update", "--accept-hooks", "yes"])
        .stderr_lacks("warning")
        .leaves_file("app/README.md", TEXT.replace("five", "five (v2)"))
        .leaves_file("app/ops.log", "create create\nupdate update\n")
        .leaves_no("app/docs.md")
        .run();
}

#[test]
fn an_answer_the_new_version_computes_is_derived_again() {
    let scratch = Scratch::new();
    template(&scratch, &[("ns.txt", "{{ cookiecutter.namespace }}\n")]);
    scratch.write(
        "tpl/stamp.toml",
        format!("{MANIFEST_V1}[[variables]]\nname = \"namespace\"\ndefault = \"app-ns\"\n"),
    );
    commit(&scratch, "v1b");
    let url = format!("file://{}", scratch.path("tpl").display());
    stamp(&scratch).args(&[&url, "--no-input"]).run();
    git(&scratch.path("app"), &["init", "--quiet"]);
    commit_project(&scratch);
    // v2 derives it: the recorded answer is not carried over as if it were given.
    scratch.write(
        "tpl/stamp.toml",
        format!("{MANIFEST_V1}[[variables]]\nname = \"namespace\"\ncomputed = \"{{{{ cookiecutter.name }}}}-prod\"\n"),
    );
    commit(&scratch, "v2");
    stamp(&scratch).in_dir("app").args(&["update"]).leaves_file("app/ns.txt", "app-prod\n").run();
    let record = fs::read_to_string(scratch.path("app/.stamp-answers.toml")).unwrap();
    assert!(!record.contains("namespace"), "{record}");
}

#[test]
fn settings_given_to_the_0_3_0_release_survive_the_update_that_asks_for_them() {
    // 0.3.0 never asked for its deployment settings; given ones were recorded. This release asks for
    // them behind customize_deployment, and an update keeps what was given.
    let scratch = Scratch::new();
    let release = concat!(env!("CARGO_MANIFEST_DIR"), "/template/releases/k8s-secrets-service-0.3.0.zip");
    let mut archive = zip::ZipArchive::new(fs::File::open(release).unwrap()).unwrap();
    archive.extract(scratch.path("old")).unwrap();
    stamp(&scratch)
        .args(&[
            "-t",
            "old/k8s-secrets-service-0.3.0",
            "--no-input",
            "secrets_backend=vault",
            "vault_database_credentials=dynamic",
            "postgres_host=db.internal",
            "namespace=payments",
        ])
        .run();
    let record = scratch.path("my-service/.stamp-answers.toml");
    let text = fs::read_to_string(&record).unwrap();
    let kept: Vec<&str> =
        text.lines().filter(|l| !l.starts_with("_src") && !l.starts_with("_digest")).collect();
    fs::write(&record, kept.join("\n") + "\n").unwrap();
    stamp(&scratch)
        .args(&["update", "my-service"])
        .stderr_contains("from k8s-secrets-service 0.3.0 to k8s-secrets-service ")
        .run();
    let record = fs::read_to_string(&record).unwrap();
    for line in [
        "customize_deployment = false\n",
        "namespace = \"payments\"\n",
        "vault_database_credentials = \"dynamic\"\n",
        "postgres_host = \"db.internal\"\n",
    ] {
        assert!(record.contains(line), "{line:?} in\n{record}");
    }
    let kustomization = fs::read_to_string(scratch.path("my-service/k8s/base/kustomization.yaml")).unwrap();
    assert!(kustomization.contains("namespace: payments"), "{kustomization}");
}
