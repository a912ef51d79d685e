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
    let (_, run) = Test::in_scratch(&scratch).args(&["vars", "-t", "tpl", "--schema"]).run();
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["license"]["enum"], serde_json::json!(["MIT", "Apache-2.0"]));
    assert_eq!(schema["properties"]["slug"]["pattern"], "^(?:[a-z][a-z0-9-]*)$");
}

#[test]
fn vars_of_the_builtin_template() {
    let (_, run) = Test::new()
        .args(&["vars"])
        .stdout_starts_with("k8s-secrets-service ")
        // Human rules and computed values, not compiled patterns and `{{ false }}`.
        .stdout_contains("namespace (string)  Kubernetes namespace\n")
        .stdout_contains("  rule: must be a Kubernetes DNS label\n")
        .stdout_contains("  not asked: computed from other answers (set it with KEY=VALUE)\n")
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
