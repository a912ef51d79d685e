//! Answers from files and flags: formats, precedence, validation, and never
//! waiting for a prompt without a terminal.

use crate::support::{Scratch, Test, basic_template};

#[test]
fn answers_files_in_every_format_and_flags_override_them() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("a.toml", "name = \"From Toml\"\nlicense = \"Apache-2.0\"\n");
    scratch.write("a.json", "{\"name\": \"From Json\"}");
    scratch.write("a.yaml", "name: From Yaml\n");
    for (file, dir) in [("a.toml", "from-toml"), ("a.json", "from-json"), ("a.yaml", "from-yaml")] {
        Test::in_scratch(&scratch).args(&["-t", "tpl", "-a", file]).run();
        assert!(scratch.path(dir).is_dir(), "{file}");
    }
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-a", "a.toml", "-d", "name=Flag", "slug=chosen", "--dry-run"])
        .stderr_starts_with("Dry run: chosen would get")
        .run();
}

#[test]
fn values_are_data_not_templates() {
    Test::new()
        .basic_template()
        .args(&["name={{ 7*7 }} {% include '/etc/passwd' %}", "slug=x"])
        .leaves_file("x/README.md", "# {{ 7*7 }} {% include '/etc/passwd' %}\nLicense: MIT\n")
        .run();
}

#[test]
fn missing_answers_exit_at_once_with_stdin_closed_or_piped() {
    let expected = "error: no value for `name`, `slug` (no terminal to ask); set them in an answers file (-a) or as KEY=VALUE\n";
    let (scratch, _) = Test::new().basic_template().status(2).stderr(expected).run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl"])
        .stdin("Demo\n")
        .status(2)
        .stdout("")
        .stderr(expected)
        .leaves_top_level(&["tpl"])
        .run();
}

#[test]
fn unknown_keys_are_errors_naming_the_known_ones() {
    let (scratch, _) = Test::new()
        .basic_template()
        .file("a.toml", "name = \"X\"\n\ncolour = \"red\"\n")
        .args(&["-a", "a.toml"])
        .status(2)
        .stderr("error: unknown question `colour` in a.toml:3; the template asks: name, slug, license\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=X", "colour=red"])
        .status(2)
        .stderr(
            "error: unknown question `colour` in the command line; the template asks: name, slug, license\n",
        )
        .run();
}

#[test]
fn invalid_values_name_key_origin_and_reason() {
    let (scratch, _) = Test::new()
        .basic_template()
        .file("a.json", "{\"name\": \"X\", \"license\": \"GPL\"}")
        .args(&["-a", "a.json"])
        .status(2)
        .stderr("error: invalid value for `license` in a.json: \"GPL\" is not one of: MIT, Apache-2.0\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=X", "slug=Not A Slug"])
        .status(2)
        .stderr(
            "error: invalid value for `slug` in the command line: \"Not A Slug\": use lower-case letters, digits and dashes\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "name=!!!"])
        .status(2)
        .stderr(
            "error: invalid value for `slug` in the template's default: \"\": use lower-case letters, digits and dashes\n",
        )
        .run();
}

#[test]
fn malformed_answers_files_name_the_line() {
    let (scratch, _) = Test::new()
        .basic_template()
        .file("bad.toml", "name = \"X\"\nslug = \n")
        .args(&["-a", "bad.toml"])
        .status(2)
        .stderr_starts_with("error: cannot read answers file bad.toml: line 2: ")
        .run();
    Test::in_scratch(&scratch)
        .file("bad.json", "{\"name\": }")
        .args(&["-t", "tpl", "-a", "bad.json"])
        .status(2)
        .stderr_starts_with("error: cannot read answers file bad.json: line 1: ")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-a", "missing.toml"])
        .status(5)
        .stderr_starts_with("error: cannot read answers file missing.toml\ncaused by: ")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-a", "a.txt"])
        .status(2)
        .stderr("error: answers file a.txt must end in .toml, .json, .yaml or .yml\n")
        .run();
}

/// A key given twice is an error in every format (JSON parsers would keep
/// the last one silently), nested tables included; a byte-order mark is fine.
#[test]
fn duplicate_keys_are_refused_and_a_byte_order_mark_is_accepted() {
    let (scratch, _) = Test::new()
        .basic_template()
        .file("dup.json", "{\"name\": \"A\", \"name\": \"B\"}")
        .args(&["--no-input", "-a", "dup.json"])
        .status(2)
        .stderr("error: cannot read answers file dup.json: line 1: the key `name` is given twice at line 1 column 26\n")
        .run();
    Test::in_scratch(&scratch)
        .file("nested.json", "{\"name\": \"A\", \"x\": {\"k\": 1, \"k\": 2}}")
        .args(&["-t", "tpl", "--no-input", "-a", "nested.json"])
        .status(2)
        // serde's untagged values hide the reason; the file is refused all the same.
        .stderr_starts_with("error: cannot read answers file nested.json: line 1: ")
        .run();
    Test::in_scratch(&scratch)
        .file("bom.json", "\u{feff}{\"name\": \"Bom App\"}")
        .args(&["-t", "tpl", "--no-input", "-a", "bom.json"])
        .leaves_file("bom-app/README.md", "# Bom App\nLicense: MIT\n")
        .run();
}
