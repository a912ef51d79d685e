//! Answers from files and flags: formats, precedence, validation, and never
//! waiting for a prompt without a terminal.

use crate::support::{Scratch, basic_template};

#[test]
fn answers_files_in_every_format_and_flags_override_them() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("a.toml", "name = \"From Toml\"\nlicense = \"Apache-2.0\"\n");
    scratch.write("a.json", "{\"name\": \"From Json\"}");
    scratch.write("a.yaml", "name: From Yaml\n");
    for (file, dir) in [("a.toml", "from-toml"), ("a.json", "from-json"), ("a.yaml", "from-yaml")] {
        let run = scratch.run(&["-t", "tpl", "-a", file]);
        assert_eq!(run.code, 0, "{file}: {run:?}");
        assert!(scratch.path(dir).is_dir(), "{file}");
    }
    let run = scratch.run(&["-t", "tpl", "-a", "a.toml", "-d", "name=Flag", "slug=chosen", "--dry-run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.starts_with("Dry run: chosen would get"), "{}", run.stderr);
}

#[test]
fn values_are_data_not_templates() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let run = scratch.run(&["-t", "tpl", "name={{ 7*7 }} {% include '/etc/passwd' %}", "slug=x"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(scratch.path("x/README.md")).unwrap(),
        "# {{ 7*7 }} {% include '/etc/passwd' %}\nLicense: MIT\n"
    );
}

#[test]
fn missing_answers_exit_at_once_with_stdin_closed_or_piped() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let expected = "error: no value for `name`, `slug` (no terminal to ask); set them in an answers file (-a) or as KEY=VALUE\n";
    let closed = scratch.run(&["-t", "tpl"]);
    assert_eq!((closed.code, closed.stderr.as_str()), (2, expected));
    let piped = scratch.run_with_stdin(&["-t", "tpl"], Some("Demo\n"));
    assert_eq!((piped.code, piped.stderr.as_str()), (2, expected));
    assert_eq!(piped.stdout, "");
    assert_eq!(scratch.top_level(), ["tpl"]);
}

#[test]
fn unknown_keys_are_errors_naming_the_known_ones() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("a.toml", "name = \"X\"\n\ncolour = \"red\"\n");
    let run = scratch.run(&["-t", "tpl", "-a", "a.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown question `colour` in a.toml:3; the template asks: name, slug, license\n"
    );
    let run = scratch.run(&["-t", "tpl", "name=X", "colour=red"]);
    assert_eq!(
        run.stderr,
        "error: unknown question `colour` in the command line; the template asks: name, slug, license\n"
    );
}

#[test]
fn invalid_values_name_key_origin_and_reason() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("a.json", "{\"name\": \"X\", \"license\": \"GPL\"}");
    let run = scratch.run(&["-t", "tpl", "-a", "a.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid value for `license` in a.json: \"GPL\" is not one of: MIT, Apache-2.0\n"
    );
    let run = scratch.run(&["-t", "tpl", "name=X", "slug=Not A Slug"]);
    assert_eq!(
        run.stderr,
        "error: invalid value for `slug` in the command line: \"Not A Slug\": use lower-case letters, digits and dashes\n"
    );
    let run = scratch.run(&["-t", "tpl", "name=!!!"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid value for `slug` in the template's default: \"\": use lower-case letters, digits and dashes\n"
    );
}

#[test]
fn malformed_answers_files_name_the_line() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("bad.toml", "name = \"X\"\nslug = \n");
    let run = scratch.run(&["-t", "tpl", "-a", "bad.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot read answers file bad.toml: line 2: "), "{}", run.stderr);
    scratch.write("bad.json", "{\"name\": }");
    let run = scratch.run(&["-t", "tpl", "-a", "bad.json"]);
    assert!(run.stderr.starts_with("error: cannot read answers file bad.json: line 1: "), "{}", run.stderr);
    let run = scratch.run(&["-t", "tpl", "-a", "missing.toml"]);
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.starts_with("error: cannot read answers file missing.toml\ncaused by: "),
        "{}",
        run.stderr
    );
    let run = scratch.run(&["-t", "tpl", "-a", "a.txt"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (2, "error: answers file a.txt must end in .toml, .json, .yaml or .yml\n")
    );
}
