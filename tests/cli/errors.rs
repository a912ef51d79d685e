//! Bad templates and bad flags: one `error:` line naming the place, the
//! right exit code, and nothing written.

use std::fs;

use crate::support::Test;

const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

#[test]
fn manifest_problems_are_all_reported_with_lines() {
    let (_, run) = Test::new()
        .template(&[
            (
                "stamp.toml",
                &format!(
                    "{HEAD}[[variables]]\nname = \"a\"\nvalidation = {{ regex = \"[\" }}\n[[variables]]\nname = \"b\"\ntype = \"choice\"\nchoices = [\"x\"]\ndefault = \"y\"\n[[variables]]\nname = \"c\"\nwhen = \"{{{{ cookiecutter.nope }}}}\"\n"
                ),
            ),
            ("{{cookiecutter.a}}/f", ""),
        ])
        .args(&["--no-input"])
        .status(3)
        .stderr_starts_with("error: tpl/stamp.toml:6: variable `a`: invalid validation regex")
        .run();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert_eq!(lines[1], "error: tpl/stamp.toml:11: variable `b`: invalid default: \"y\" is not one of: x");
    assert_eq!(
        lines[2],
        "error: tpl/stamp.toml:14: variable `c`: `when` uses `nope`, which is not a question declared before it"
    );
}

/// Misspelt fields and values of the wrong type are reported together with
/// the semantic problems, each at its line, with the name that was meant.
#[test]
fn a_manifests_shape_problems_are_reported_together_with_did_you_mean() {
    let manifest = "[template]\nname = \"t\"\nversion = 1\ndescripton = \"x\"\n\n\
                    [[variables]]\nname = \"project_name\"\npromt = \"Name\"\n\n\
                    [[variables]]\nname = \"slug\"\ntype = \"chioce\"\nchoices = \"a\"\n\
                    when = \"{{ cookiecutter.projet_name }}\"\nvalidation = { regx = \"a\" }\n\n\
                    [[variables]]\nname = \"later\"\nhelp = 3\ndefault = \"{{ cookiecutter.slugg }}\"\n";
    Test::new()
        .template(&[("stamp.toml", manifest), ("{{cookiecutter.project_name}}/f", "")])
        .args(&["--no-input"])
        .status(3)
        .stderr(
            "error: tpl/stamp.toml:3: [template]: `version`: invalid type: integer `1`, expected a string\n\
             error: tpl/stamp.toml:4: [template]: unknown field `descripton`; did you mean `description`?\n\
             error: tpl/stamp.toml:8: variable `project_name`: unknown field `promt`; did you mean `prompt`?\n\
             error: tpl/stamp.toml:12: variable `slug`: `type`: unknown variant `chioce`, expected one of \
             `string`, `bool`, `choice`, `multichoice`, `integer`, `secret`, `float`, `path`, `text`, \
             `json`, `yaml`; did you mean `choice`?\n\
             error: tpl/stamp.toml:13: variable `slug`: `choices`: invalid type: string \"a\", expected a sequence\n\
             error: tpl/stamp.toml:14: variable `slug`: `when` uses `projet_name`, which is not a question \
             declared before it; did you mean `project_name`?\n\
             error: tpl/stamp.toml:15: variable `slug`: validation: unknown field `regx`; did you mean `regex`?\n\
             error: tpl/stamp.toml:19: variable `later`: `help`: invalid type: integer `3`, expected a string\n\
             error: tpl/stamp.toml:20: variable `later`: `default` uses `slugg`, which is not a question \
             declared before it; did you mean `slug`?\n",
        )
        .leaves_top_level(&["tpl"])
        .run();
    // A field no known one is close to lists the known ones.
    Test::new()
        .template(&[("stamp.toml", "[template]\nname = \"t\"\nversion = \"1\"\ncolour = \"red\"\n")])
        .status(3)
        .stderr(
            "error: tpl/stamp.toml:4: [template]: unknown field `colour` (known: name, version, description, \
             copy_without_render, exclude, skip_if_exists, next_steps)\n",
        )
        .run();
}

#[test]
fn template_errors_name_file_line_and_column_and_write_nothing() {
    let (scratch, _) = Test::new()
        .template(&[
            ("stamp.toml", &format!("{HEAD}[[variables]]\nname = \"slug\"\ndefault = \"app\"\n")),
            ("{{cookiecutter.slug}}/a.txt", "fine\n"),
            ("{{cookiecutter.slug}}/b.txt", "line one\nvalue: {{ cookiecutter.missing }}\n"),
        ])
        .status(3)
        .stderr(
            "error: template error in {{cookiecutter.slug}}/b.txt:2:11: undefined value: `cookiecutter.missing` is undefined\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .template(&[("{{cookiecutter.slug}}/b.txt", "{% if %}\n")])
        .status(3)
        .stderr_starts_with("error: template error in {{cookiecutter.slug}}/b.txt:1:")
        .leaves_top_level(&["tpl"])
        .run();
}

/// An answer misspelt in a file's text, a file name or a directory name
/// fails where it is written (exit 3, nothing written) and names the answer
/// most likely meant; a name close to none gets no guess. Both dialects:
/// cookiecutter renders with strict undefined as well.
#[test]
fn a_misspelt_answer_names_the_one_it_most_likely_meant() {
    let stamp = format!("{HEAD}[[variables]]\nname = \"project_name\"\ndefault = \"shop\"\n");
    let manifests = [("stamp.toml", stamp.as_str()), ("cookiecutter.json", r#"{"project_name": "shop"}"#)];
    for manifest in manifests {
        let fails = |path: &str, text: &str, error: &str| {
            Test::new()
                .template(&[manifest, (path, text)])
                .args(&["--no-input"])
                .status(3)
                .stderr(&format!("error: template error in {error}\n"))
                .leaves_top_level(&["tpl"])
                .run();
        };
        fails(
            "{{cookiecutter.project_name}}/README.md",
            "# Title\nby {{ cookiecutter.projet_name }}\n",
            "{{cookiecutter.project_name}}/README.md:2:7: undefined value: `cookiecutter.projet_name` is \
             undefined; did you mean `project_name`?",
        );
        fails(
            "{{cookiecutter.project_name}}/{{cookiecutter.project_nam}}.txt",
            "",
            "{{cookiecutter.project_name}}/{{cookiecutter.project_nam}}.txt:1:3: undefined value: \
             `cookiecutter.project_nam` is undefined; did you mean `project_name`?",
        );
        fails(
            "{{cookiecutter.projectname}}/f",
            "",
            "{{cookiecutter.projectname}}:1:3: undefined value: `cookiecutter.projectname` is undefined; did \
             you mean `project_name`?",
        );
        fails(
            "{{cookiecutter.project_name}}/f",
            "{{ project_name }}",
            "{{cookiecutter.project_name}}/f:1:4: undefined value: `project_name` is undefined; did you mean \
             `cookiecutter.project_name`?",
        );
        fails(
            "{{cookiecutter.project_name}}/f",
            "{{ cookiecutter.zebra }}",
            "{{cookiecutter.project_name}}/f:1:4: undefined value: `cookiecutter.zebra` is undefined",
        );
    }
}

#[test]
fn layout_errors_and_names_that_escape_are_refused() {
    let (scratch, _) = Test::new()
        .template(&[("stamp.toml", &format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"a/b\"\n"))])
        .status(3)
        .stderr_starts_with("error: bad template tpl: no top-level directory")
        .run();
    Test::in_scratch(&scratch)
        .template(&[("{{cookiecutter.n}}/f.txt", "x")])
        .status(3)
        .stderr(
            "error: bad template {{cookiecutter.n}}: the name renders to \"a/b\", which is not a single file name\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "nowhere"])
        .status(2)
        .stderr(
            "error: no template at `nowhere`: name a template directory, a git repository URL (https://, \
             ssh://, git://, git@host:path, git+https://, file://), a .zip file or https:// URL of one, or an abbreviation such as gh:owner/repo\n",
        )
        .leaves_top_level(&["tpl"])
        .run();
}

#[test]
fn bad_flags_exit_2() {
    // The argument is not echoed: it may be a secret whose `KEY=` went astray.
    Test::new()
        .args(&["db_password=", "s3cret"])
        .status(2)
        .stderr("error: expected KEY=VALUE, found an argument of 6 characters without a key\n")
        .run();
    Test::new()
        .args(&["=value"])
        .status(2)
        .stderr("error: expected KEY=VALUE, found an argument of 6 characters without a key\n")
        .run();
    Test::new().args(&["--help"]).stdout_contains("--no-input").run();
}

/// Every command's help ends with examples and the exit codes; `-t` names
/// every kind of template; `check --help` explains the snapshots' layout.
#[test]
fn help_pages_give_examples_exit_codes_and_the_check_layout() {
    for command in
        [&["--help"][..], &["new", "--help"], &["update", "--help"], &["diff", "--help"], &["vars", "--help"]]
    {
        Test::new()
            .args(command)
            .stdout_contains("Examples:\n  stamp")
            .stdout_contains("Exit codes: 0 success · 1 differences or conflicts")
            .stdout_contains("4 destination exists")
            .run();
    }
    for command in ["new", "check", "vars"] {
        Test::new().args(&[command, "--help"]).stdout_contains("cookiecutter.json").run();
    }
    Test::new()
        .args(&["check", "--help"])
        .stdout_contains("`<case>.toml`, the answers to render")
        .stdout_contains("`<case>/`, the files of the project it")
        .stdout_contains("snapshots/vault.toml")
        .stdout_contains("Exit codes: 0 every case matches")
        .stdout_lacks("A template directory (with stamp.toml)")
        .run();
    // The short help keeps them too.
    Test::new().args(&["-h"]).stdout_contains("Examples:").stdout_contains("Exit codes:").run();
}

/// Regression: equal or empty delimiters in `_jinja2_env_vars` panicked
/// (exit 101); they are a template problem naming the key, found when
/// `cookiecutter.json` is read.
#[test]
fn unusable_jinja_delimiters_are_named_when_the_template_is_read() {
    for (vars, problem) in [
        (
            r#"{"variable_start_string": "{%"}"#,
            r#"`block_start_string` and `variable_start_string` are both "{%"; they must differ"#,
        ),
        (r#"{"variable_end_string": ""}"#, "`variable_end_string` must not be empty"),
        (
            r#"{"comment_start_string": "<<", "line_comment_prefix": "<<"}"#,
            r#"`comment_start_string` and `line_comment_prefix` are both "<<"; they must differ"#,
        ),
    ] {
        Test::new()
            .template(&[
                ("cookiecutter.json", &format!(r#"{{"name": "x", "_jinja2_env_vars": {vars}}}"#)),
                ("{{cookiecutter.name}}/f.txt", "{{ cookiecutter.name }}"),
            ])
            .args(&["--no-input"])
            .status(3)
            .stderr(&format!("error: tpl/cookiecutter.json: `_jinja2_env_vars`: {problem}\n"))
            .leaves_top_level(&["tpl"])
            .run();
    }
}

/// Regression: `{% now %}` rendered in a `cookiecutter.json` default but was
/// "unknown statement now" in a `stamp.toml` default or condition.
#[test]
fn now_tags_work_in_stamp_defaults_and_conditions() {
    Test::new()
        .template(&[
            (
                "stamp.toml",
                &format!(
                    "{HEAD}[[variables]]\nname = \"year\"\ndefault = \"{{% now 'utc', '%Y' %}}\"\n\
                     [[variables]]\nname = \"note\"\ndefault = \"n\"\nwhen = \"{{% now 'utc', '%Y' %}} == 1970\"\n"
                ),
            ),
            ("{{cookiecutter.year}}/f.txt", "{{ cookiecutter.year }}\n"),
        ])
        .args(&["--no-input"])
        .env("SOURCE_DATE_EPOCH", "0")
        .leaves_file("1970/f.txt", "1970\n")
        .run();
}

#[test]
fn input_mistakes_are_exit_2_and_say_what_is_wrong() {
    // A misspelt question is named with the one that was meant.
    Test::new()
        .basic_template()
        .args(&["nmae=Demo", "--no-input"])
        .status(2)
        .stderr(
            "error: unknown question `nmae` in the command line; did you mean `name`? the template asks: \
             name, slug, license\n",
        )
        .run();
    // --skip-existing implies --force: keep what exists, add what is missing.
    let (scratch, _) = Test::new().basic_template().args(&["name=Demo"]).run();
    fs::write(scratch.path("demo/README.md"), "mine\n").unwrap();
    fs::remove_file(scratch.path("demo/.stamp-answers.toml")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=Demo", "--skip-existing"])
        .leaves_file("demo/README.md", "mine\n")
        .run();
    assert!(scratch.path("demo/.stamp-answers.toml").is_file());
    Test::new()
        .args(&["--no-input", "-a", "missing.toml"])
        .status(2)
        .stderr("error: answers file missing.toml does not exist\n")
        .run();
    Test::new()
        .file("afile", "")
        .args(&["--no-input", "-o", "afile"])
        .status(2)
        .stderr("error: the output directory afile is a file, not a directory\n")
        .run();
}
