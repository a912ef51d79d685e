//! Authoring stamp templates: computed values, `exclude`, partials in
//! `templates/` and `skip_if_exists`.

use crate::support::Test;

const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

/// A question, two computed values (one used by a later question's
/// default) and a file that shows them all.
fn computed_template() -> String {
    format!(
        "{HEAD}
[[variables]]
name = \"name\"
default = \"Demo\"

[[variables]]
name = \"upper\"
help = \"The name in capitals.\"
computed = \"{{{{ cookiecutter.name | upper }}}}\"

[[variables]]
name = \"is_demo\"
type = \"bool\"
computed = \"{{{{ cookiecutter.name == 'Demo' }}}}\"

[[variables]]
name = \"title\"
default = \"{{{{ cookiecutter.upper }}}}!\"
"
    )
}

const SHOW: &str = "{{ cookiecutter.upper }} {{ cookiecutter.is_demo }} {{ cookiecutter.title }}\n";

#[test]
fn computed_values_are_rendered_never_asked_and_never_recorded() {
    let (scratch, _) = Test::new()
        .template(&[("stamp.toml", &computed_template()), ("{{ 'out' }}/show.txt", SHOW)])
        .args(&["-o", "gen", "--no-input", "name=Shop"])
        .leaves_file("gen/out/show.txt", "SHOP False SHOP!\n")
        .run();
    let record = std::fs::read_to_string(scratch.path("gen/out/.stamp-answers.toml")).unwrap();
    assert!(record.contains("name = \"Shop\"\ntitle = \"SHOP!\"\n"), "{record}");
    assert!(!record.contains("upper") && !record.contains("is_demo"), "{record}");
    // At a terminal, only the questions are asked ([n/2]), never the computed values.
    let mut session = crate::terminal::spawn(&scratch, &["-t", "tpl", "-o", "asked"]);
    session.exp_string("[1/2] name").unwrap();
    session.send_line("Demo").unwrap();
    let (before, _) = session.exp_regex(r"\[2/2\] title").unwrap();
    assert!(!before.contains("upper") && !before.contains("is_demo"), "{before}");
    session.send_line("").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(std::fs::read_to_string(scratch.path("asked/out/show.txt")).unwrap(), "DEMO True DEMO!\n");
}

#[test]
fn a_computed_value_cannot_be_given() {
    let (scratch, _) = Test::new()
        .template(&[("stamp.toml", &computed_template()), ("{{ 'out' }}/show.txt", SHOW)])
        .args(&["--no-input", "upper=X"])
        .status(2)
        .stderr(
            "error: invalid value for `upper` in the command line: `upper` is computed by the template from \
             other answers and cannot be given\n",
        )
        .leaves_no("out")
        .run();
    Test::in_scratch(&scratch)
        .file("a.toml", "name = \"Shop\"\nis_demo = true\n")
        .args(&["-t", "tpl", "--no-input", "-a", "a.toml"])
        .status(2)
        .stderr(
            "error: invalid value for `is_demo` in a.toml:2: `is_demo` is computed by the template from \
             other answers and cannot be given\n",
        )
        .leaves_no("out")
        .run();
}

#[test]
fn vars_shows_computed_values_as_computed() {
    let (scratch, _) = Test::new()
        .args(&["vars"])
        .template(&[("stamp.toml", &computed_template()), ("{{ 'out' }}/show.txt", SHOW)])
        .stdout(
            "t 1\n\nname (string)  name\n  default: Demo\n\n\
             upper (string, computed)\n  The name in capitals.\n  computed: {{ cookiecutter.name | upper }}\n  \
             not asked or recorded, and cannot be given: derived from the answers before it\n\n\
             is_demo (bool, computed)\n  computed: {{ cookiecutter.name == 'Demo' }}\n  \
             not asked or recorded, and cannot be given: derived from the answers before it\n\n\
             title (string)  title\n  default: {{ cookiecutter.upper }}!\n",
        )
        .run();
    let (_, run) = Test::in_scratch(&scratch).args(&["vars", "-t", "tpl", "--json"]).run();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["variables"][1]["computed"], "{{ cookiecutter.name | upper }}");
    assert_eq!(json["variables"][1]["default"], serde_json::Value::Null);
    assert_eq!(json["variables"][0]["computed"], serde_json::Value::Null);
    let (_, run) = Test::in_scratch(&scratch).args(&["vars", "-t", "tpl", "--schema"]).run();
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    assert!(properties.contains_key("title") && !properties.contains_key("upper"), "{schema}");
}

#[test]
fn computed_fields_are_checked_with_the_rest_of_the_manifest() {
    let manifest = format!(
        "{HEAD}
[[variables]]
name = \"name\"

[[variables]]
name = \"a\"
prompt = \"A?\"
computed = \"{{{{ cookiecutter.nme }}}}\"

[[variables]]
name = \"b\"
type = \"secret\"
computd = \"x\"

[[variables]]
name = \"c\"
computed = \"{{{{ cookiecutter.later }}}}\"
when = \"{{{{ true }}}}\"

[[variables]]
name = \"later\"
"
    );
    Test::new()
        .template(&[("stamp.toml", &manifest), ("{{ 'out' }}/x.txt", "x\n")])
        .args(&["--no-input"])
        .status(3)
        .stderr(
            "error: tpl/stamp.toml:11: variable `a`: a computed value is never asked, so `prompt` does not apply \
             to it\n\
             error: tpl/stamp.toml:11: variable `a`: `computed` uses `nme`, which is not a question declared \
             before it; did you mean `name`?\n\
             error: tpl/stamp.toml:16: variable `b`: unknown field `computd`; did you mean `computed`?\n\
             error: tpl/stamp.toml:20: variable `c`: a computed value is never asked, so `when` does not apply \
             to it\n\
             error: tpl/stamp.toml:20: variable `c`: `computed` uses `later`, which is not a question declared \
             before it\n",
        )
        .run();
}

#[test]
fn a_computed_value_its_type_refuses_is_the_templates_error() {
    let manifest = format!(
        "{HEAD}[[variables]]\nname = \"port\"\ntype = \"integer\"\ncomputed = \"{{{{ 'eighty' }}}}\"\n"
    );
    Test::new()
        .template(&[("stamp.toml", &manifest), ("{{ 'out' }}/x.txt", "{{ cookiecutter.port }}\n")])
        .args(&["--no-input"])
        .status(3)
        .stderr(
            "error: bad template stamp.toml: the computed value `port` renders to a value it refuses: expected a \
             whole number, found \"eighty\"\n",
        )
        .leaves_no("out")
        .run();
}

#[test]
fn all_combinations_leave_computed_values_to_the_template() {
    Test::new()
        .args(&["check", "--all-combinations"])
        .template(&[
            (
                "stamp.toml",
                &format!(
                    "{HEAD}[[variables]]\nname = \"flavour\"\ntype = \"choice\"\nchoices = [\"plain\", \
                     \"fancy\"]\n[[variables]]\nname = \"fancy\"\ntype = \"bool\"\ncomputed = \"{{{{ \
                     cookiecutter.flavour == 'fancy' }}}}\"\n"
                ),
            ),
            ("{{ 'out' }}/x.txt", "{{ cookiecutter.fancy }}\n"),
        ])
        .stdout("ok       flavour=plain\nok       flavour=fancy\n2 combinations: 2 passed, 0 failed\n")
        .run();
}

/// A template with partials in `templates/`, `exclude` and `skip_if_exists`.
fn layout_template(test: Test) -> Test {
    let manifest = "[template]\nname = \"t\"\nversion = \"1\"\n\
                    exclude = [\"notes\", \"*.bak\", \"demo.txt\"]\n\
                    skip_if_exists = [\"local.toml\", \"settings\"]\n\
                    [[variables]]\nname = \"name\"\ndefault = \"demo\"\n";
    test.template(&[
        ("stamp.toml", manifest),
        ("templates/header.md", "# {{ cookiecutter.name }}\n"),
        ("templates/macros.j2", "{% macro greet(who) %}Hello, {{ who }}!{% endmacro %}"),
        ("templates/base.html", "<body>{% block body %}{% endblock %}</body>\n"),
        (
            "{{cookiecutter.name}}/README.md",
            "{% include 'header.md' %}{% from 'macros.j2' import greet %}{{ greet(cookiecutter.name) }}\n",
        ),
        ("{{cookiecutter.name}}/page.html", "{% extends 'base.html' %}{% block body %}hi{% endblock %}"),
        ("{{cookiecutter.name}}/notes/todo.txt", "later\n"),
        ("{{cookiecutter.name}}/src/old.bak", "old\n"),
        ("{{cookiecutter.name}}/{{ cookiecutter.name }}.txt", "excluded once rendered\n"),
        ("{{cookiecutter.name}}/local.toml", "setting = \"{{ cookiecutter.name }}\"\n"),
        ("{{cookiecutter.name}}/settings/a.toml", "a = 1\n"),
    ])
}

#[test]
fn partials_and_excluded_paths_are_never_written() {
    let test = layout_template(Test::new());
    // A directory the template leaves empty is made; `src/`, which held only an excluded file, is not.
    std::fs::create_dir_all(test.path("tpl/{{cookiecutter.name}}/empty")).unwrap();
    let (scratch, _) = test
        .args(&["--no-input"])
        .stderr_starts_with("Generated demo from t 1: 5 files (5 created).\n")
        .run();
    let tree = scratch.tree("demo");
    let files: Vec<&str> = tree.lines().map(|line| line.split(" = ").next().unwrap()).collect();
    assert_eq!(
        files,
        [
            ".stamp-answers.toml",
            "README.md",
            "empty/",
            "local.toml",
            "page.html",
            "settings/",
            "settings/a.toml",
        ],
        "{tree}"
    );
    assert_eq!(std::fs::read_to_string(scratch.path("demo/README.md")).unwrap(), "# demo\nHello, demo!\n");
    assert_eq!(std::fs::read_to_string(scratch.path("demo/page.html")).unwrap(), "<body>hi</body>\n");
    // Another name: `demo.txt` is excluded by its rendered name only.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "name=other", "--dry-run"])
        .stdout_contains("create    other.txt\n")
        .stdout_lacks("todo.txt")
        .stdout_lacks("old.bak")
        .run();
}

#[test]
fn manifest_globs_are_checked_with_their_lines() {
    Test::new()
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"t\"\nversion = \"1\"\nexclude = [\"a[\"]\nskip_if_exist = [\"b\"]\n",
            ),
            ("{{ 'out' }}/x.txt", "x\n"),
        ])
        .args(&["--no-input"])
        .status(3)
        .stderr(
            "error: tpl/stamp.toml:5: [template]: unknown field `skip_if_exist`; did you mean `skip_if_exists`?\n",
        )
        .run();
    Test::new()
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"t\"\nversion = \"1\"\nexclude = [\"a[\"]\nskip_if_exists = [\"b[\"]\n",
            ),
            ("{{ 'out' }}/x.txt", "x\n"),
        ])
        .args(&["--no-input"])
        .status(3)
        .stderr_contains("error: tpl/stamp.toml:4: exclude: ")
        .stderr_contains("error: tpl/stamp.toml:5: skip_if_exists: ")
        .run();
}

#[test]
fn force_never_overwrites_what_skip_if_exists_hands_over() {
    let (scratch, _) = layout_template(Test::new()).args(&["--no-input"]).run();
    scratch.write("demo/local.toml", "setting = \"mine\"\n");
    scratch.write("demo/settings/a.toml", "a = 2\n");
    scratch.write("demo/README.md", "changed\n");
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "--force", "--dry-run"])
        .stdout(
            "identical .stamp-answers.toml\noverwrite README.md\nskip      local.toml\nidentical page.html\n\
             skip      settings/a.toml\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "--force"])
        .leaves_file("demo/local.toml", "setting = \"mine\"\n")
        .leaves_file("demo/settings/a.toml", "a = 2\n")
        .leaves_file("demo/README.md", "# demo\nHello, demo!\n")
        .run();
    // One the user removed is written again: it is skipped only where it exists.
    std::fs::remove_file(scratch.path("demo/local.toml")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "--force"])
        .leaves_file("demo/local.toml", "setting = \"demo\"\n")
        .run();
}

#[test]
fn update_never_touches_what_skip_if_exists_hands_over() {
    use crate::support::{Scratch, git};
    let scratch = Scratch::new();
    let manifest = "[template]\nname = \"svc\"\nversion = \"1\"\nskip_if_exists = [\"local.toml\", \"gone.toml\", \
                    \"new.toml\"]\n[[variables]]\nname = \"name\"\ndefault = \"app\"\n";
    let write = |path: &str, contents: &str| {
        scratch.write(&format!("tpl/{{{{cookiecutter.name}}}}/{path}"), contents)
    };
    let commit = |dir: &str, message: &str| {
        git(&scratch.path(dir), &["add", "-A"]);
        git(&scratch.path(dir), &["commit", "--quiet", "-m", message]);
    };
    scratch.write("tpl/stamp.toml", manifest);
    write("README.md", "v1\n");
    write("local.toml", "v1\n");
    write("gone.toml", "v1\n");
    git(&scratch.path("tpl"), &["init", "--quiet"]);
    commit("tpl", "v1");
    git(&scratch.path("tpl"), &["tag", "v1"]);
    let url = format!("file://{}", scratch.path("tpl").display());
    let cache = scratch.path("cache");
    let stamp = || Test::in_scratch(&scratch).env("XDG_CACHE_HOME", cache.to_str().unwrap());
    stamp().args(&[&url, "--checkout", "v1", "--no-input"]).run();
    git(&scratch.path("app"), &["init", "--quiet"]);
    scratch.write("app/local.toml", "mine\n");
    std::fs::remove_file(scratch.path("app/gone.toml")).unwrap();
    commit("app", "work");
    // v2 changes every file and adds one the user will own.
    scratch.write("tpl/stamp.toml", manifest.replace("\"1\"", "\"2\""));
    write("README.md", "v2\n");
    write("local.toml", "v2\n");
    write("gone.toml", "v2\n");
    write("new.toml", "v2\n");
    commit("tpl", "v2");
    stamp()
        .in_dir("app")
        .args(&["update"])
        .stdout("updated   .stamp-answers.toml\nupdated   README.md\nadded     new.toml\n")
        .leaves_file("app/README.md", "v2\n")
        .leaves_file("app/local.toml", "mine\n")
        .leaves_file("app/new.toml", "v2\n")
        .leaves_no("app/gone.toml")
        .run();
}

#[test]
fn a_value_computed_from_a_secret_is_kept_as_secret() {
    use std::os::unix::fs::PermissionsExt;
    let manifest = format!(
        "{HEAD}[[variables]]\nname = \"token\"\ntype = \"secret\"\n[[variables]]\nname = \"header\"\n\
         computed = \"Bearer {{{{ cookiecutter.token }}}}\"\n[[variables]]\nname = \"secret_type\"\n\
         type = \"secret\"\ncomputed = \"x\"\n"
    );
    Test::new()
        .template(&[("stamp.toml", &manifest), ("{{ 'out' }}/auth.txt", "{{ cookiecutter.header }}\n")])
        .args(&["--no-input"])
        .status(3)
        .stderr(
            "error: tpl/stamp.toml:13: variable `secret_type`: a computed value cannot be a secret (one made \
             from a secret is kept secret)\n",
        )
        .run();
    let manifest = manifest.split("[[variables]]\nname = \"secret_type\"").next().unwrap().to_owned();
    let (scratch, _) = Test::new()
        .template(&[("stamp.toml", &manifest), ("{{ 'out' }}/auth.txt", "{{ cookiecutter.header }}\n")])
        .args(&["--no-input"])
        .env("STAMP_ANSWER_token", "s3cret")
        .leaves_file("out/auth.txt", "Bearer s3cret\n")
        .run();
    let record = std::fs::read_to_string(scratch.path("out/.stamp-answers.toml")).unwrap();
    assert!(!record.contains("s3cret") && !record.contains("header"), "{record}");
    let mode = std::fs::metadata(scratch.path("out/auth.txt")).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "a file holding a secret is private: {mode:o}");
}

/// `[n/total]` counts the questions that will be asked if every reply from
/// here on is the default, so a reply that turns questions on raises the total.
#[test]
fn progress_counts_what_the_answers_so_far_will_ask() {
    let manifest = format!(
        "{HEAD}
[[variables]]
name = \"name\"
default = \"Demo\"

[[variables]]
name = \"extras\"
type = \"bool\"
default = false

[[variables]]
name = \"port\"
default = \"8000\"
when = \"{{{{ cookiecutter.extras }}}}\"

[[variables]]
name = \"host\"
default = \"localhost\"
when = \"{{{{ cookiecutter.extras }}}}\"
"
    );
    let scratch = crate::support::Scratch::new();
    scratch.write("tpl/stamp.toml", manifest);
    scratch.write("tpl/{{cookiecutter.name}}/a.txt", "{{ cookiecutter.host | default('') }}\n");
    let mut session = crate::terminal::spawn(&scratch, &["-t", "tpl", "-o", "out"]);
    session.exp_string("[1/2] name").unwrap();
    session.send_line("").unwrap();
    session.exp_string("[2/2] extras").unwrap();
    // A yes/no question takes the key itself, no Enter.
    session.exp_string("(y/n)").unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    session.exp_string("[3/4] port").unwrap();
    session.send_line("").unwrap();
    session.exp_string("[4/4] host").unwrap();
    session.send_line("db").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(std::fs::read_to_string(scratch.path("out/Demo/a.txt")).unwrap(), "db\n");
}
