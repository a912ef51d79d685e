//! `stamp vars` and `stamp completions`.

use crate::support::{Scratch, basic_template};

#[test]
fn vars_lists_questions_as_text() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let run = scratch.run(&["vars", "-t", "tpl"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "basic 1.2.3\n\nname (string)  Project name\n  Shown in the README.\n\n\
         slug (string)  Slug\n  default: {{ cookiecutter.name | slugify }}\n  must match: ^(?:[a-z][a-z0-9-]*)$\n\n\
         license (choice)  license\n  choices: MIT, Apache-2.0\n"
    );
}

#[test]
fn vars_json_and_schema_are_json() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let run = scratch.run(&["vars", "-t", "tpl", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["variables"][1]["default"]["template"], "{{ cookiecutter.name | slugify }}");
    let run = scratch.run(&["vars", "-t", "tpl", "--schema"]);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["license"]["enum"], serde_json::json!(["MIT", "Apache-2.0"]));
    assert_eq!(schema["properties"]["slug"]["pattern"], "^(?:[a-z][a-z0-9-]*)$");
}

#[test]
fn vars_of_the_builtin_template() {
    let run = Scratch::new().run(&["vars"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("k8s-secrets-service "));
    for name in ["project_name", "project_slug", "postgres_db", "include_sentry"] {
        assert!(run.stdout.contains(&format!("\n{name} (")), "{name}");
    }
}

#[test]
fn completions_for_a_shell() {
    let run = Scratch::new().run(&["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("_stamp()"));
    assert!(run.stdout.contains("--no-input"));
}
