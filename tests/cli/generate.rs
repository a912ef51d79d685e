//! `stamp new`: writing projects, existing destinations, dry runs.

use std::fs;

use crate::support::{Scratch, basic_template, is_executable};

const BASIC_ANSWERS: &str = "_template = \"basic\"\n_template_version = \"1.2.3\"\nname = \"Demo App\"\nslug = \"demo-app\"\nlicense = \"MIT\"\n";

fn answers_file(body: &str) -> String {
    format!(
        "# Answers stamp used to generate this project. Regenerate it with:\n#   stamp new --answers .stamp-answers.toml --no-input\n{body}"
    )
}

#[test]
fn builtin_template_with_no_terminal_uses_defaults() {
    let scratch = Scratch::new();
    let run = scratch.run(&["--no-input", "-o", "out"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("Generated out/my-service from k8s-secrets-service "), "{}", run.stderr);
    assert!(run.stderr.contains("Next steps:\n  cd my-service\n"), "{}", run.stderr);
    let doc = fs::read_to_string(scratch.path("out/my-service/docs/secrets-management.md")).unwrap();
    assert!(doc.starts_with(
        "# Secrets Management\n\nThis guide covers secure secrets management patterns for My Service"
    ));
    assert!(doc.contains("kubectl create secret generic my-service-secrets"));
    assert!(!doc.contains("SENTRY_DSN"));
    assert_eq!(scratch.top_level(), ["out"], "no staging directory is left behind");
}

#[test]
fn writes_the_tree_and_records_answers() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let run = scratch.run(&["-t", "tpl", "name=Demo App"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "Generated demo-app from basic 1.2.3: 2 files (2 created).\n\nNext steps:\n  cd demo-app\n"
    );
    assert_eq!(
        scratch.tree("demo-app"),
        format!(
            ".stamp-answers.toml = {:?}\nREADME.md = \"# Demo App\\nLicense: MIT\\n\"\n",
            answers_file(BASIC_ANSWERS)
        )
    );
}

#[test]
fn the_answers_file_regenerates_the_same_project() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    assert_eq!(
        scratch.run(&["-t", "tpl", "-o", "first", "name=Ünïcode \"App\"", "license=Apache-2.0"]).code,
        0
    );
    let first = scratch.tree("first");
    let run = scratch.run(&[
        "-t",
        "tpl",
        "-o",
        "second",
        "--no-input",
        "-a",
        "first/unicode-app/.stamp-answers.toml",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(scratch.tree("second"), first);
}

#[test]
fn an_existing_destination_is_left_untouched() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("demo/README.md", "mine\n");
    let run = scratch.run(&["-t", "tpl", "name=Demo"]);
    assert_eq!(run.code, 4);
    assert_eq!(
        run.stderr,
        "error: demo already exists; pass --force to replace the template's files in it\n"
    );
    assert_eq!(scratch.tree("demo"), "README.md = \"mine\\n\"\n");
    assert_eq!(scratch.top_level(), ["demo", "tpl"]);
}

#[test]
fn force_replaces_template_files_and_deletes_nothing() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("demo/README.md", "mine\n");
    scratch.write("demo/notes.txt", "keep me\n");
    let run = scratch.run(&["-t", "tpl", "name=Demo", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "Generated demo from basic 1.2.3: 2 files (1 created, 1 overwritten)."
    );
    assert_eq!(fs::read_to_string(scratch.path("demo/README.md")).unwrap(), "# Demo\nLicense: MIT\n");
    assert_eq!(fs::read_to_string(scratch.path("demo/notes.txt")).unwrap(), "keep me\n");
    assert_eq!(scratch.top_level(), ["demo", "tpl"]);
}

#[test]
fn force_with_skip_existing_keeps_existing_files() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("demo/README.md", "mine\n");
    let run = scratch.run(&["-t", "tpl", "name=Demo", "--force", "--skip-existing"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fs::read_to_string(scratch.path("demo/README.md")).unwrap(), "mine\n");
    assert!(scratch.path("demo/.stamp-answers.toml").is_file());
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let run = scratch.run(&["-t", "tpl", "name=Demo", "--dry-run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "create    .stamp-answers.toml\ncreate    README.md\n");
    assert_eq!(run.stderr, "Dry run: demo would get 2 files (2 created); nothing was written.\n");
    assert_eq!(scratch.top_level(), ["tpl"]);

    assert_eq!(scratch.run(&["-t", "tpl", "name=Demo"]).code, 0);
    scratch.write("demo/README.md", "changed\n");
    let run = scratch.run(&["-t", "tpl", "name=Demo", "--dry-run", "--force"]);
    assert_eq!(run.stdout, "identical .stamp-answers.toml\noverwrite README.md\n");
    assert_eq!(fs::read_to_string(scratch.path("demo/README.md")).unwrap(), "changed\n");
    let run = scratch.run(&["-t", "tpl", "name=Demo", "--dry-run", "--force", "--skip-existing"]);
    assert_eq!(run.stdout, "skip      .stamp-answers.toml\nskip      README.md\n");
}

#[test]
fn names_render_and_empty_names_are_skipped() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"slug\"\ndefault = \"app\"\n[[variables]]\nname = \"docs\"\ntype = \"bool\"\n",
    );
    scratch.write("tpl/{{cookiecutter.slug}}/src/{{cookiecutter.slug}}.py", "x = 1\n");
    scratch.write("tpl/{{cookiecutter.slug}}/{% if cookiecutter.docs %}docs{% endif %}/index.md", "docs\n");
    scratch.write("tpl/{{cookiecutter.slug}}/{% if cookiecutter.docs %}NOTES.md{% endif %}", "notes\n");
    let run = scratch.run(&["-t", "tpl"]);
    assert_eq!(run.code, 0, "{run:?}");
    let tree = scratch.tree("app");
    assert!(tree.contains("src/\nsrc/app.py = \"x = 1\\n\"\n"), "{tree}");
    assert!(!tree.contains("docs/") && !tree.contains("NOTES.md ="), "{tree}");
    assert_eq!(scratch.run(&["-t", "tpl", "-o", "with", "docs=yes"]).code, 0);
    let tree = scratch.tree("with/app");
    assert!(
        tree.contains("docs/index.md = \"docs\\n\"\n") && tree.contains("NOTES.md = \"notes\\n\"\n"),
        "{tree}"
    );
}

#[test]
fn line_endings_modes_binaries_and_verbatim_files_are_kept() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        "[template]\nname = \"t\"\nversion = \"1\"\ncopy_without_render = [\"**/*.tmpl\"]\n[[variables]]\nname = \"slug\"\ndefault = \"app\"\n",
    );
    scratch.write("tpl/{{cookiecutter.slug}}/crlf.txt", "a {{ cookiecutter.slug }}\r\nb\r\n");
    scratch.write("tpl/{{cookiecutter.slug}}/no-newline.txt", "{{ cookiecutter.slug }}");
    scratch.write("tpl/{{cookiecutter.slug}}/raw.tmpl", "{{ not rendered }}\n");
    scratch.write("tpl/{{cookiecutter.slug}}/logo.bin", b"\x89PNG\0{{ cookiecutter.slug }}\xff");
    let script =
        scratch.write("tpl/{{cookiecutter.slug}}/run.sh", "#!/bin/sh\necho {{ cookiecutter.slug }}\n");
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = scratch.run(&["-t", "tpl"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fs::read(scratch.path("app/crlf.txt")).unwrap(), b"a app\r\nb\r\n");
    assert_eq!(fs::read(scratch.path("app/no-newline.txt")).unwrap(), b"app");
    assert_eq!(fs::read(scratch.path("app/raw.tmpl")).unwrap(), b"{{ not rendered }}\n");
    assert_eq!(fs::read(scratch.path("app/logo.bin")).unwrap(), b"\x89PNG\0{{ cookiecutter.slug }}\xff");
    assert!(is_executable(&scratch.path("app/run.sh")));
    assert!(!is_executable(&scratch.path("app/crlf.txt")));
}

#[test]
fn seed_renders_like_jinja2() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    let scratch = Scratch::new();
    for sentry in ["yes", "no"] {
        let out = format!("out-{sentry}");
        let run = scratch.run(&[
            "-t",
            &format!("{fixtures}/template"),
            "-o",
            &out,
            &format!("include_sentry={sentry}"),
        ]);
        assert_eq!(run.code, 0, "{run:?}");
        let rendered = fs::read(scratch.path(&format!("{out}/acme-payments/secrets-management.md"))).unwrap();
        let expected = fs::read(format!("{fixtures}/expected/sentry-{sentry}.md")).unwrap();
        assert!(rendered == expected, "include_sentry={sentry}: stamp and Jinja2 differ");
    }
}

#[test]
fn hooks_need_consent_and_are_skipped_with_a_warning_without_a_terminal() {
    let scratch = Scratch::new();
    scratch.write("tpl/cookiecutter.json", "{\"name\": \"app\"}");
    scratch.write("tpl/{{cookiecutter.name}}/a.txt", "a\n");
    scratch.write("tpl/hooks/post_gen_project.sh", "#!/bin/sh\necho ran > hook.txt\n");
    scratch.write("tpl/hooks/pre_gen_project.py", "print('pre')\n");
    let run = scratch.run(&["-t", "tpl", "-o", "skipped"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.starts_with(
            "warning: skipped the template's hooks (post_gen_project.sh, pre_gen_project.py): no terminal to ask; pass --accept-hooks yes to run them\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!scratch.path("skipped/app/hook.txt").exists());
    let run = scratch.run(&["-t", "tpl", "-o", "declined", "--accept-hooks", "no"]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let run = scratch.run(&["-t", "tpl", "-o", "accepted", "--accept-hooks", "yes"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "", "hook output goes to stderr, never stdout");
    assert!(run.stderr.starts_with("pre\n"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(scratch.path("accepted/app/hook.txt")).unwrap(), "ran\n");
}
