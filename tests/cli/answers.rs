//! Answers from files and flags: formats, precedence, validation, and never
//! waiting for a prompt without a terminal.

use std::fs;

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

/// The note of a run whose stdin holds text it will not read as replies.
const NOTE: &str = "note: no terminal to ask on (stdin is not one): the text on stdin is not read as replies, and \
                    each question takes its given value or its default; pass --no-input to say this is meant\n";

/// Runs stamp with `args` and stdin read from the file `stdin` (a file, so
/// that its text is there before stamp looks: a pipe may be later): exit
/// code, stdout, stderr.
fn with_stdin_from(
    scratch: &Scratch,
    stdin: &std::path::Path,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let output = std::process::Command::new(crate::support::binary())
        .current_dir(scratch.dir.path())
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", scratch.dir.path())
        .stdin(fs::File::open(stdin).unwrap())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn missing_answers_exit_at_once_with_stdin_closed_or_piped() {
    let expected = "error: no value for `name`, `slug` (no terminal to ask); set them in an answers file (-a) or as KEY=VALUE\n";
    let (scratch, _) = Test::new().basic_template().status(2).stderr(expected).run();
    // Replies on stdin are not taken for replies, and stamp says so once.
    let replies = scratch.write("replies.txt", "Demo\nshop\n");
    let run = |extra: &[&str]| {
        let (code, stdout, stderr) = with_stdin_from(&scratch, &replies, &[&["-t", "tpl"], extra].concat());
        assert_eq!((code, stdout.as_str()), (Some(2), ""), "{stderr}");
        stderr
    };
    assert_eq!(run(&[]), format!("{NOTE}{expected}"));
    assert_eq!(run(&["--no-input"]), expected);
    assert_eq!(run(&["-q"]), expected);
    // An empty pipe (a script feeding nothing) is not worth a note.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl"])
        .stdin("")
        .status(2)
        .stdout("")
        .stderr(expected)
        .leaves_top_level(&["replies.txt", "tpl"])
        .run();
}

/// `stamp update` asks too (questions new in the version, secrets), and
/// says the same once, unless `--no-input`.
#[test]
fn update_says_once_that_stdin_is_not_read_as_replies() {
    let scratch = Scratch::new();
    scratch
        .write("tpl/stamp.toml", "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"n\"\n");
    scratch.write("tpl/{{cookiecutter.n}}/f", "{{ cookiecutter.n }}\n");
    Test::in_scratch(&scratch).args(&["-t", "tpl", "n=app"]).run();
    let replies = scratch.write("replies.txt", "other\n");
    let summary = "Would update app from t 1 to t 1: already up to date.\n";
    for (extra, expected) in [(None, format!("{NOTE}{summary}")), (Some("--no-input"), summary.to_owned())] {
        let args = ["update", "app", "--dry-run"].into_iter().chain(extra).collect::<Vec<_>>();
        let (code, stdout, stderr) = with_stdin_from(&scratch, &replies, &args);
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (Some(0), "", expected.as_str()), "{args:?}");
    }
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
            "error: invalid value for `slug` in the template's default: \"\": use lower-case letters, digits and \
             dashes; give a value as slug=VALUE or in an answers file\n",
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
        .status(2)
        .stderr("error: answers file missing.toml does not exist\n")
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

/// A template with a secret, a value made from it, and files with and without it.
const SECRET_TEMPLATE: &[(&str, &str)] = &[
    (
        "stamp.toml",
        "[template]\nname = \"s\"\nversion = \"1\"\n\
         [[variables]]\nname = \"db_password\"\ntype = \"secret\"\n\
         [[variables]]\nname = \"database_url\"\ndefault = \"postgresql://app:{{ cookiecutter.db_password }}@db/app\"\n\
         [[variables]]\nname = \"dsn\"\ndefault = \"{{ cookiecutter.database_url }}?sslmode=require\"\n\
         validation = { regex = \"postgresql://.*\" }\n",
    ),
    ("{{cookiecutter.db_password|length}}/config.env", "DATABASE_URL={{ cookiecutter.dsn }}\n"),
    ("{{cookiecutter.db_password|length}}/README.md", "no secrets here\n"),
];

/// Secrets, and values made from them, stay out of the record, the files
/// that do not need them, and every message; they can be given without the
/// command line, and giving them there is warned about.
#[test]
fn secrets_and_values_made_from_them_are_kept_out_of_sight() {
    use std::os::unix::fs::PermissionsExt;
    let (scratch, _) = Test::new()
        .template(SECRET_TEMPLATE)
        .args(&["--no-input", "-o", "env"])
        .env("STAMP_ANSWER_db_password", "s3cretpw")
        .stderr_lacks("warning")
        .leaves_file("env/8/config.env", "DATABASE_URL=postgresql://app:s3cretpw@db/app?sslmode=require\n")
        .run();
    let record = fs::read_to_string(scratch.path("env/8/.stamp-answers.toml")).unwrap();
    assert!(
        !record.contains("s3cretpw") && !record.contains("database_url") && !record.contains("dsn"),
        "{record}"
    );
    let mode = |path: &str| fs::metadata(scratch.path(path)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("env/8/config.env"), 0o600, "a file holding a secret is its owner's only");
    assert_ne!(mode("env/8/README.md") & 0o044, 0, "other files keep the usual mode");

    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "stdin", "-a", "-", "--answers-format", "toml"])
        .stdin("db_password = \"s3cretpw\"\n")
        .stderr_lacks("warning")
        .leaves_file("stdin/8/config.env", "DATABASE_URL=postgresql://app:s3cretpw@db/app?sslmode=require\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "stdin", "-a", "-"])
        .status(2)
        .stderr("error: -a - reads answers from stdin: say their format with --answers-format\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "argv", "db_password=s3cretpw"])
        .stderr_starts_with(
            "warning: the secret `db_password` was given on the command line, where other users of this machine can read it",
        )
        .run();
    // A value made from a secret that fails its validation is not quoted.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "bad", "db_password=s3cretpw", "database_url=mysql://x"])
        .status(2)
        .stderr_lacks("mysql://x")
        .stderr_contains("the value does not match")
        .run();
    // Verbose template errors show the template, not the values it saw.
    Test::in_scratch(&scratch)
        .file(
            "tpl/{{cookiecutter.db_password|length}}/broken.txt",
            "{{ cookiecutter.db_password }}{{ cookiecutter.nope }}\n",
        )
        .args(&["-t", "tpl", "--no-input", "-o", "verbose", "-v"])
        .env("STAMP_ANSWER_db_password", "s3cretpw")
        .status(3)
        .stderr_contains("   1 | {{ cookiecutter.db_password }}{{ cookiecutter.nope }}")
        .stderr_lacks("s3cretpw")
        .run();
}

#[test]
fn a_projects_record_regenerates_it_where_it_is_never_inside_itself() {
    let (scratch, _) = Test::new().basic_template().args(&["name=Demo App"]).run();
    let tree = scratch.tree("demo-app");
    // From inside the project: the project itself, never demo-app/demo-app.
    Test::in_scratch(&scratch)
        .in_dir("demo-app")
        .args(&["-t", "../tpl", "-a", ".stamp-answers.toml", "--no-input"])
        .status(4)
        .stderr_starts_with("error: ../demo-app already exists; pass --force")
        .leaves_no("demo-app/demo-app")
        .run();
    Test::in_scratch(&scratch)
        .in_dir("demo-app")
        .args(&["-a", ".stamp-answers.toml", "--no-input", "--force"])
        .leaves_no("demo-app/demo-app")
        .leaves_tree("demo-app", &tree)
        .run();
    // From elsewhere, naming the record: the same project again.
    fs::write(scratch.path("demo-app/README.md"), "edited\n").unwrap();
    Test::in_scratch(&scratch)
        .args(&["-a", "demo-app/.stamp-answers.toml", "--no-input", "--force"])
        .leaves_tree("demo-app", &tree)
        .run();
}

#[test]
fn regenerating_from_a_record_asks_for_secrets_again() {
    let (scratch, _) = Test::new()
        .template(&[
            (
                "stamp.toml",
                "[template]\nname = \"s\"\nversion = \"1\"\n[[variables]]\nname = \"name\"\ndefault = \"out\"\n\
                 [[variables]]\nname = \"token\"\ntype = \"secret\"\ndefault = \"\"\n",
            ),
            ("{{cookiecutter.name}}/env", "TOKEN={{ cookiecutter.token }}\n"),
        ])
        .args(&["--no-input"])
        .env("STAMP_ANSWER_token", "s3cret")
        .run();
    // The record holds no secret, and its default is not taken in its place.
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-a", "out/.stamp-answers.toml", "--no-input", "--force"])
        .status(2)
        .stderr_contains("token")
        .leaves_file("out/env", "TOKEN=s3cret\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-a", "out/.stamp-answers.toml", "--no-input", "--force"])
        .env("STAMP_ANSWER_token", "s3cret")
        .leaves_file("out/env", "TOKEN=s3cret\n")
        .run();
}

#[test]
fn answers_are_never_silently_changed() {
    // A number with a fraction is refused, not turned into other text (1.10 would read as 1.1).
    for (file, text) in [
        ("a.yaml", "image_tag: 1.10\n"),
        ("a.toml", "image_tag = 1.10\n"),
        ("a.json", "{\"image_tag\": 1.10}"),
    ] {
        Test::new()
            .file(file, text)
            .args(&["--no-input", "-a", file])
            .status(2)
            .stderr_contains("image_tag")
            .stderr_contains("expected text, found the number 1.1: quote it")
            .leaves_no("my-service")
            .run();
    }
    Test::new().file("a.yaml", "image_tag: \"1.10\"\n").args(&["--no-input", "-a", "a.yaml", "-q"]).run();
    // YAML's yes is a boolean: a yes/no choice takes it as meant; a text question asks for quotes.
    let (scratch, _) =
        Test::new().file("a.yaml", "include_sentry: yes\n").args(&["--no-input", "-a", "a.yaml", "-q"]).run();
    let record = fs::read_to_string(scratch.path("my-service/.stamp-answers.toml")).unwrap();
    assert!(record.contains("include_sentry = \"yes\""), "{record}");
    Test::new()
        .file("a.yaml", "project_name: yes\n")
        .args(&["--no-input", "-a", "a.yaml"])
        .status(2)
        .stderr_contains("expected text, found true (a yes/no value): quote it")
        .run();
}

/// A number whose value does not keep how it was written (`012345678901`,
/// `0x1F`, `+8_001`) reaches a text question as written and a number
/// question as the number; where a format cannot read it at all (leading
/// zeros in TOML and JSON) the error says to quote it. YAML values are
/// named by their line, as TOML ones are.
#[test]
fn numbers_reach_text_questions_as_written() {
    let manifest = "[template]\nname = \"t\"\nversion = \"1\"\n\
                    [[variables]]\nname = \"dir\"\ndefault = \"out\"\n\
                    [[variables]]\nname = \"account\"\ndefault = \"000000000000\"\n\
                    validation = { regex = \"[0-9]{12}\", message = \"twelve digits\" }\n\
                    [[variables]]\nname = \"tag\"\ndefault = \"x\"\n\
                    [[variables]]\nname = \"port\"\ntype = \"integer\"\ndefault = 80\n";
    let files = [
        ("stamp.toml", manifest),
        (
            "{{cookiecutter.dir}}/v",
            "{{ cookiecutter.account }} {{ cookiecutter.tag }} {{ cookiecutter.port }}",
        ),
    ];
    let (scratch, _) = Test::new()
        .template(&files)
        .file("a.yaml", "account: 012345678901\ntag: 0x1F\nport: 0x1F\n")
        .args(&["--no-input", "-q", "-a", "a.yaml"])
        .leaves_file("out/v", "012345678901 0x1F 31")
        .run();
    Test::in_scratch(&scratch)
        .file("a.toml", "tag = +8_001\nport = +8_001 # comment\n")
        .args(&["-t", "tpl", "--no-input", "-q", "-a", "a.toml", "-o", "toml"])
        .leaves_file("toml/out/v", "000000000000 +8_001 8001")
        .run();
    // A number given as text is a number too, in every format (as `port=8001` is).
    Test::in_scratch(&scratch)
        .file("a.json", "{\"port\": \"8001\", \"tag\": 7}")
        .args(&["-t", "tpl", "--no-input", "-q", "-a", "a.json", "-o", "json"])
        .leaves_file("json/out/v", "000000000000 7 8001")
        .run();
    for (file, text, line) in [
        ("b.toml", "account = 012345678901\n", "line 1: unexpected leading zero"),
        ("b.json", "{\"account\": 012345678901}", "line 1: invalid number at line 1 column 14"),
    ] {
        Test::in_scratch(&scratch)
            .file(file, text)
            .args(&["-t", "tpl", "--no-input", "-a", file, "-o", "refused"])
            .status(2)
            .stderr_contains(&format!("error: cannot read answers file {file}: {line}"))
            .stderr_contains(
                "(a number with leading zeros, such as an account id, must be quoted: \"012345678901\")",
            )
            .leaves_no("refused")
            .run();
    }
    Test::in_scratch(&scratch)
        .file("c.yaml", "tag: x\naccount: 12345\n")
        .args(&["-t", "tpl", "--no-input", "-a", "c.yaml", "-o", "refused"])
        .status(2)
        .stderr("error: invalid value for `account` in c.yaml:2: \"12345\": twelve digits\n")
        .run();
}
