//! `stamp new`: writing projects, existing destinations, dry runs.

use std::fs;

use crate::support::{Scratch, Test, basic_template, is_executable};

const BASIC_ANSWERS: &str = "_template = \"basic\"\n_template_version = \"1.2.3\"\nname = \"Demo App\"\nslug = \"demo-app\"\nlicense = \"MIT\"\n";

fn answers_file(body: &str) -> String {
    format!(
        "# Answers stamp used to generate this project. Regenerate it where it is with\n#   stamp new --answers .stamp-answers.toml --no-input --force\n# (from elsewhere, give this file's path) from the template `_src` names (none: the built-in one).\n{body}"
    )
}

#[test]
fn builtin_template_with_no_terminal_uses_defaults() {
    let (scratch, _) = Test::new()
        .args(&["--no-input", "-o", "out"])
        .stdout("")
        .stderr_starts_with("Generated out/my-service from k8s-secrets-service ")
        .stderr_contains("Next steps:\n  cd out/my-service\n")
        .leaves_top_level(&["out"]) // no staging directory is left behind
        .run();
    let doc = fs::read_to_string(scratch.path("out/my-service/docs/secrets-management.md")).unwrap();
    assert!(doc.starts_with(
        "# Secrets Management\n\nThis guide covers secure secrets management patterns for My Service"
    ));
    assert!(doc.contains("kubectl create secret generic my-service-secrets"));
    assert!(!doc.contains("SENTRY_DSN"));
}

#[test]
fn writes_the_tree_and_records_answers() {
    let test = Test::new().basic_template();
    // The record names the template's directory, absolute, and its content's
    // digest, which must stay the same across stamp versions for the same bytes.
    let source = format!(
        "_src = {:?}\n_digest = \"sha256:1e34d4c8bfd9e8d44ee873db848e5ddf672b3ffa9bf2f4e2e2c240fa9489b44e\"\n",
        test.path("tpl").display().to_string()
    );
    let recorded = BASIC_ANSWERS.replace("name = ", &format!("{source}name = "));
    test.args(&["name=Demo App"])
        .stdout("")
        .stderr("Generated demo-app from basic 1.2.3: 2 files (2 created).\n\nNext steps:\n  cd demo-app\n")
        .leaves_tree(
            "demo-app",
            &format!(
                ".stamp-answers.toml = {:?}\nREADME.md = \"# Demo App\\nLicense: MIT\\n\"\n",
                answers_file(&recorded)
            ),
        )
        .run();
}

#[test]
fn the_answers_file_regenerates_the_same_project() {
    let (scratch, _) = Test::new()
        .basic_template()
        .args(&["-o", "first", "name=Ünïcode \"App\"", "license=Apache-2.0"])
        .run();
    let first = scratch.tree("first");
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "second", "--no-input", "-a", "first/unicode-app/.stamp-answers.toml"])
        .leaves_tree("second", &first)
        .run();
}

#[test]
fn an_existing_destination_is_left_untouched() {
    Test::new()
        .basic_template()
        .file("demo/README.md", "mine\n")
        .args(&["name=Demo"])
        .status(4)
        .stderr("error: demo already exists; pass --force to replace the template's files in it\n")
        .leaves_tree("demo", "README.md = \"mine\\n\"\n")
        .leaves_top_level(&["demo", "tpl"])
        .run();
}

#[test]
fn force_replaces_template_files_and_deletes_nothing() {
    Test::new()
        .basic_template()
        .file("demo/README.md", "mine\n")
        .file("demo/notes.txt", "keep me\n")
        .args(&["name=Demo", "--force"])
        .stderr_starts_with("Generated demo from basic 1.2.3: 2 files (1 created, 1 overwritten).\n")
        .leaves_file("demo/README.md", "# Demo\nLicense: MIT\n")
        .leaves_file("demo/notes.txt", "keep me\n")
        .leaves_top_level(&["demo", "tpl"])
        .run();
}

#[test]
fn force_with_skip_existing_keeps_existing_files() {
    let (scratch, _) = Test::new()
        .basic_template()
        .file("demo/README.md", "mine\n")
        .args(&["name=Demo", "--force", "--skip-existing"])
        .leaves_file("demo/README.md", "mine\n")
        .run();
    assert!(scratch.path("demo/.stamp-answers.toml").is_file());
    // cookiecutter's spellings of both flags.
    for flags in [&["-f", "-s"][..], &["--overwrite-if-exists", "--skip-if-file-exists"]] {
        Test::in_scratch(&scratch)
            .args(&["-t", "tpl", "name=Demo"])
            .args(flags)
            .stderr_contains("2 skipped")
            .leaves_file("demo/README.md", "mine\n")
            .run();
    }
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=Demo", "-f"])
        .leaves_file("demo/README.md", "# Demo\nLicense: MIT\n")
        .run();
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let (scratch, _) = Test::new()
        .basic_template()
        .args(&["name=Demo", "--dry-run"])
        .stdout("create    .stamp-answers.toml\ncreate    README.md\n")
        .stderr("Dry run: demo would get 2 files (2 created); nothing was written.\n")
        .leaves_top_level(&["tpl"])
        .run();

    Test::in_scratch(&scratch).args(&["-t", "tpl", "name=Demo"]).run();
    Test::in_scratch(&scratch)
        .file("demo/README.md", "changed\n")
        .args(&["-t", "tpl", "name=Demo", "--dry-run", "--force"])
        .stdout("identical .stamp-answers.toml\noverwrite README.md\n")
        .leaves_file("demo/README.md", "changed\n")
        .run();
    // --diff shows what each overwrite would change.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=Demo", "--dry-run", "--force", "--diff"])
        .stdout(
            "identical .stamp-answers.toml\noverwrite README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n\
             -changed\n+# Demo\n+License: MIT\n",
        )
        .leaves_file("demo/README.md", "changed\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=Demo", "--diff"])
        .status(2)
        .stderr_contains("--dry-run")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=Demo", "--dry-run", "--force", "--skip-existing"])
        .stdout("skip      .stamp-answers.toml\nskip      README.md\n")
        .run();
}

#[test]
fn names_render_and_empty_names_are_skipped() {
    let (scratch, _) = Test::new()
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"slug\"\ndefault = \"app\"\n[[variables]]\nname = \"docs\"\ntype = \"bool\"\n",
            ),
            ("{{cookiecutter.slug}}/src/{{cookiecutter.slug}}.py", "x = 1\n"),
            ("{{cookiecutter.slug}}/{% if cookiecutter.docs %}docs{% endif %}/index.md", "docs\n"),
            ("{{cookiecutter.slug}}/{% if cookiecutter.docs %}NOTES.md{% endif %}", "notes\n"),
        ])
        .run();
    let tree = scratch.tree("app");
    assert!(tree.contains("src/\nsrc/app.py = \"x = 1\\n\"\n"), "{tree}");
    assert!(!tree.contains("docs/") && !tree.contains("NOTES.md ="), "{tree}");
    Test::in_scratch(&scratch).args(&["-t", "tpl", "-o", "with", "docs=yes"]).run();
    let tree = scratch.tree("with/app");
    assert!(
        tree.contains("docs/index.md = \"docs\\n\"\n") && tree.contains("NOTES.md = \"notes\\n\"\n"),
        "{tree}"
    );
}

#[test]
fn line_endings_modes_binaries_and_verbatim_files_are_kept() {
    let (scratch, _) = Test::new()
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"t\"\nversion = \"1\"\ncopy_without_render = [\"**/*.tmpl\"]\n[[variables]]\nname = \"slug\"\ndefault = \"app\"\n",
            ),
            ("{{cookiecutter.slug}}/crlf.txt", "a {{ cookiecutter.slug }}\r\nb\r\n"),
            ("{{cookiecutter.slug}}/no-newline.txt", "{{ cookiecutter.slug }}"),
            ("{{cookiecutter.slug}}/raw.tmpl", "{{ not rendered }}\n"),
            ("{{cookiecutter.slug}}/run.sh", "#!/bin/sh\necho {{ cookiecutter.slug }}\n"),
        ])
        .file("tpl/{{cookiecutter.slug}}/logo.bin", b"\x89PNG\0{{ cookiecutter.slug }}\xff")
        .mode("tpl/{{cookiecutter.slug}}/run.sh", 0o755)
        .leaves_file("app/crlf.txt", b"a app\r\nb\r\n")
        .leaves_file("app/no-newline.txt", b"app")
        .leaves_file("app/raw.tmpl", b"{{ not rendered }}\n")
        .leaves_file("app/logo.bin", b"\x89PNG\0{{ cookiecutter.slug }}\xff")
        .run();
    assert!(is_executable(&scratch.path("app/run.sh")));
    assert!(!is_executable(&scratch.path("app/crlf.txt")));
}

#[test]
fn seed_renders_like_jinja2() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    let scratch = Scratch::new();
    for sentry in ["yes", "no"] {
        let out = format!("out-{sentry}");
        // Stamp renders the seed template to the bytes Jinja2 does.
        Test::in_scratch(&scratch)
            .args(&["-t", &format!("{fixtures}/template"), "-o", &out, &format!("include_sentry={sentry}")])
            .leaves_file(
                &format!("{out}/acme-payments/secrets-management.md"),
                fs::read(format!("{fixtures}/expected/sentry-{sentry}.md")).unwrap(),
            )
            .run();
    }
}

#[test]
fn hooks_need_consent_and_are_skipped_with_a_warning_without_a_terminal() {
    let (scratch, _) = Test::new()
        .template(&[
            ("cookiecutter.json", "{\"name\": \"app\"}"),
            ("{{cookiecutter.name}}/a.txt", "a\n"),
            ("hooks/post_gen_project.sh", "#!/bin/sh\necho ran > hook.txt\n"),
            ("hooks/pre_gen_project.py", "print('pre')\n"),
        ])
        .args(&["-o", "skipped"])
        .stderr_starts_with(
            "warning: skipped the template's hooks (post_gen_project.sh, pre_gen_project.py): no terminal to ask; pass --accept-hooks yes to run them\n",
        )
        .leaves_no("skipped/app/hook.txt")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "declined", "--accept-hooks", "no"])
        .stderr_lacks("warning")
        .stderr_lacks("pre\n")
        .leaves_no("declined/app/hook.txt")
        .run();
    // `ask` with nobody to ask skips them too, and says so.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "unasked", "--accept-hooks", "ask"])
        .stderr_starts_with("warning: skipped the template's hooks (post_gen_project.sh, pre_gen_project.py)")
        .leaves_no("unasked/app/hook.txt")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "accepted", "--accept-hooks", "yes"])
        .stdout("") // hook output goes to stderr, never stdout
        .stderr_starts_with("pre\n")
        .leaves_file("accepted/app/hook.txt", "ran\n")
        .run();
}

/// A newline in a generated file name cannot forge a line of the plan on stdout.
#[test]
fn dry_run_plans_quote_names_holding_control_characters() {
    Test::new()
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"f\"\ndefault = \"a\"\n",
            ),
            ("{{cookiecutter.f}}/x{{ '\\n' }}create    evil.txt", "x\n"),
        ])
        .args(&["--no-input", "--dry-run"])
        .stdout("create    .stamp-answers.toml\ncreate    \"x\\ncreate    evil.txt\"\n")
        .run();
}

/// Anything at the destination's path counts as existing, a link to nothing
/// included; with `--force`, a link there is never written through.
#[test]
fn a_dangling_link_at_the_destination_is_an_existing_destination() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    std::os::unix::fs::symlink("nowhere", scratch.path("demo")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "name=Demo"])
        .status(4)
        .stderr("error: demo already exists; pass --force to replace the template's files in it\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "name=Demo", "--force"])
        .status(5)
        .stderr("error: cannot write below demo\ncaused by: it is a symbolic link, and stamp does not write through links\n")
        .leaves_no("nowhere")
        .run();
}

/// The command a project's record gives regenerates it in place, from
/// inside it, with the template it came from: never a copy nested in it.
#[test]
fn the_records_command_regenerates_the_project_in_place() {
    let (scratch, _) = Test::new().basic_template().args(&["name=Demo"]).run();
    fs::write(scratch.path("demo/README.md"), "edited\n").unwrap();
    Test::in_scratch(&scratch)
        .in_dir("demo")
        .args(&["new", "--answers", ".stamp-answers.toml", "--no-input", "--force", "-o", ".."])
        .leaves_file("demo/README.md", "# Demo\nLicense: MIT\n")
        .leaves_no("demo/demo")
        .run();
}

/// `-v` names every file with what was done to it.
#[test]
fn verbose_runs_list_every_file() {
    let (scratch, _) = Test::new()
        .basic_template()
        .args(&["name=Demo", "-v"])
        .stderr_starts_with("  create    .stamp-answers.toml\n  create    README.md\nGenerated demo ")
        .run();
    Test::in_scratch(&scratch)
        .file("demo/README.md", "changed\n")
        .args(&["-t", "tpl", "name=Demo", "-v", "--force"])
        .stderr_starts_with("  identical .stamp-answers.toml\n  overwrite README.md\nGenerated demo ")
        .run();
}

#[test]
fn a_number_choice_given_as_text_picks_the_option_as_the_template_sees_it() {
    // cookiecutter refuses `py=3.9` for the options [3.7, 3.9] (the text is not the number); the
    // user means the option that prints as 3.9, which the template sees as the text "3.9".
    Test::new()
        .file("tpl/cookiecutter.json", r#"{"name": "app", "py": [3.7, 3.9]}"#)
        .file("tpl/{{cookiecutter.name}}/a.txt", "{{ cookiecutter.py.replace('.', '') }}\n")
        .args(&["tpl", "--no-input", "py=3.9"])
        .leaves_file("app/a.txt", "39\n")
        .run();
}

#[test]
fn answers_change_in_place_in_hooks_only() {
    // In a hook, as cookiecutter-django trims its answers (fixture `hooks-update-context`); in a
    // file it would race with the files rendering beside it.
    Test::new()
        .file("tpl/cookiecutter.json", r#"{"name": "app"}"#)
        .file("tpl/{{cookiecutter.name}}/a.txt", "{{ cookiecutter.update({'name': 'x'}) }}\n")
        .args(&["tpl", "--no-input"])
        .status(3)
        .stderr_contains(
            "changes the answers in place, which stamp allows in hooks but not while the files render",
        )
        .leaves_no("app")
        .run();
}
