//! `stamp vars` and `stamp completions`.

use crate::support::Test;

#[test]
fn vars_lists_questions_as_text() {
    Test::new()
        .args(&["vars"])
        .basic_template()
        .stdout(
            "basic 1.2.3\n\nname (string)  Project name\n  Shown in the README.\n\n\
             slug (string)  Slug\n  default: {{ cookiecutter.name | slugify }}\n  rule: use lower-case letters, digits and dashes\n\n\
             license (choice)  license\n  choices: MIT, Apache-2.0\n",
        )
        .run();
}

#[test]
fn vars_json_and_schema_are_json() {
    let (scratch, run) = Test::new().args(&["vars"]).basic_template().args(&["--json"]).run();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["variables"][1]["default"]["template"], "{{ cookiecutter.name | slugify }}");
    // A choice with no default takes its first option, and says so.
    assert_eq!(json["variables"][2]["default"], "MIT");
    let (_, run) = Test::in_scratch(&scratch).args(&["vars", "-t", "tpl", "--schema"]).run();
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["license"]["enum"], serde_json::json!(["MIT", "Apache-2.0"]));
    assert_eq!(schema["properties"]["slug"]["pattern"], "^(?:[a-z][a-z0-9-]*)$");
    // `name` has no default: without it `--no-input` fails, so a file must give it.
    assert_eq!(schema["required"], serde_json::json!(["name"]));
}

#[test]
fn vars_of_the_builtin_template() {
    let (_, run) = Test::new()
        .args(&["vars"])
        .stdout_starts_with("k8s-secrets-service ")
        // Human rules and computed values, not compiled patterns and `{{ false }}`.
        .stdout_contains("namespace (string)  Kubernetes namespace\n")
        .stdout_contains("  rule: must be a Kubernetes DNS label\n")
        .stdout_contains("aws_partition (choice, computed)\n")
        .stdout_contains("  asked when: {{ cookiecutter.customize_deployment }}\n")
        .stdout_lacks("^(?:")
        .stdout_lacks("asked when: {{ false }}")
        .run();
    for name in ["project_name", "project_slug", "postgres_db", "include_sentry"] {
        assert!(run.stdout.contains(&format!("\n{name} (")), "{name}");
    }
}

#[test]
fn completions_for_a_shell() {
    Test::new()
        .args(&["completions", "bash"])
        .stdout_contains("_stamp()")
        .stdout_contains("--no-input")
        .run();
}

/// A template with a question of each kind, for the schema test.
const KINDS: &str = r#"
[template]
name = "kinds"
version = "1"
[[variables]]
name = "dir"
default = "out"
[[variables]]
name = "text"
default = "abc"
validation = { regex = "[a-z0-9]+" }
[[variables]]
name = "port"
type = "integer"
default = 80
[[variables]]
name = "flag"
type = "bool"
[[variables]]
name = "pick"
type = "choice"
choices = ["1", "two", "yes", "no"]
[[variables]]
name = "many"
type = "multichoice"
choices = ["a", "b c"]
"#;

/// Values for the questions of [`KINDS`], accepted by stamp or not.
const SCHEMA_CASES: &[(&str, &str)] = &[
    ("text", r#""abc""#),
    ("text", "123"),
    ("text", r#""Abc""#),
    ("text", "true"),
    ("text", "1.5"),
    ("text", "null"),
    ("text", "[]"),
    ("port", "8001"),
    ("port", r#""8001""#),
    ("port", r#"" 8001 ""#),
    ("port", r#""+5""#),
    ("port", r#""-5""#),
    ("port", r#""80x""#),
    ("port", r#""0x1F""#),
    ("port", "1.5"),
    ("port", "true"),
    ("port", "null"),
    ("flag", "true"),
    ("flag", "0"),
    ("flag", "1"),
    ("flag", "2"),
    ("flag", r#""yes""#),
    ("flag", r#""No""#),
    ("flag", r#"" OFF ""#),
    ("flag", r#""maybe""#),
    ("flag", "null"),
    ("pick", r#""1""#),
    ("pick", "1"),
    ("pick", r#""two""#),
    ("pick", "true"),
    ("pick", r#""three""#),
    ("pick", "2"),
    ("pick", r#"" two""#),
    ("many", r#"["a"]"#),
    ("many", r#"["a", "b c"]"#),
    ("many", "[]"),
    ("many", r#""a, b c""#),
    ("many", r#""""#),
    ("many", r#""a,""#),
    ("many", r#"["x"]"#),
    ("many", r#""x""#),
    ("many", "[true]"),
    ("many", "true"),
];

/// What `stamp vars --schema` accepts is what stamp accepts: each value
/// below, given in a JSON answers file, is checked by stamp (`--no-input
/// --dry-run`) and by Python's jsonschema against the emitted schema, and
/// both must agree (`"port": "8001"` for an integer question is accepted by
/// both, as `port=8001` on the command line is).
#[test]
fn the_schema_accepts_what_stamp_accepts() {
    schema_agrees_with_stamp(KINDS, "{{cookiecutter.dir}}/f", SCHEMA_CASES);
}

/// Checks each `(key, value)` of `cases`, given in a JSON answers file to
/// the template `manifest` (with one project file, `file`), with stamp and
/// with Python's jsonschema against the schema stamp emits: they must agree.
pub(crate) fn schema_agrees_with_stamp(manifest: &str, file: &str, cases: &[(&str, &str)]) {
    let (scratch, run) =
        Test::new().args(&["vars", "--schema"]).template(&[("stamp.toml", manifest), (file, "x")]).run();
    scratch.write("schema.json", &run.stdout);
    let documents: Vec<String> = cases.iter().map(|(key, value)| format!("{{\"{key}\": {value}}}")).collect();
    scratch.write("documents.json", format!("[{}]", documents.join(",")));
    let script = "import json, jsonschema\n\
                  schema = json.load(open('schema.json'))\n\
                  for d in json.load(open('documents.json')):\n    \
                  print('ok' if jsonschema.Draft202012Validator(schema).is_valid(d) else 'refused')\n";
    let output = std::process::Command::new("python3")
        .current_dir(scratch.dir.path())
        .args(["-c", script])
        .output()
        .expect("python3 with jsonschema runs (run `bash scripts/test` once)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let verdicts = String::from_utf8(output.stdout).unwrap();
    let verdicts: Vec<&str> = verdicts.lines().collect();
    assert_eq!(verdicts.len(), cases.len());
    for (((key, value), document), schema_says) in cases.iter().zip(&documents).zip(verdicts) {
        scratch.write("a.json", document);
        let args = ["-t", "tpl", "--no-input", "--dry-run", "-q", "-a", "a.json"];
        let run = scratch.run(&args);
        let stamp_says = match run.code {
            0 => "ok",
            2 => "refused",
            _ => panic!("stamp {args:?} with {document}: {run:?}"),
        };
        assert_eq!(
            stamp_says, schema_says,
            "{key} = {value}: stamp {stamp_says}, the schema {schema_says}\n{}",
            run.stderr
        );
    }
}
