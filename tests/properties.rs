//! Property tests: whatever text a user gives the built-in template's free
//! questions, it is either refused as bad input or carried into the output
//! verbatim, and every rendered YAML, JSON, TOML and HCL file still parses.

use std::sync::{Arc, LazyLock};

use proptest::prelude::*;
use stamp::{
    Determinism, Error, Given, Limits, NoPrompter, Plan, SourceTree, TemplateSource, render_project,
};

static TREE: LazyLock<Arc<SourceTree>> =
    LazyLock::new(|| Arc::new(SourceTree::load(&TemplateSource::Builtin).expect("built-in template loads")));

/// Renders the built-in template with these answers (given as from a file).
fn render(answers: &[(&str, &str)]) -> Result<Plan, Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.json");
    let object: serde_json::Map<String, serde_json::Value> =
        answers.iter().map(|(k, v)| ((*k).to_owned(), (*v).into())).collect();
    std::fs::write(&path, serde_json::to_string(&object).unwrap()).unwrap();
    let mut given = Given::default();
    given.load_file(&path)?;
    let output_dir = std::path::Path::new(".");
    render_project(
        &TREE,
        &given,
        &mut NoPrompter,
        &|_| {},
        Determinism::default(),
        Limits::default(),
        output_dir,
    )
    .map(|r| r.plan)
}

/// Parses every machine-readable file of a plan; returns the `ConfigMap`'s `APP_NAME`.
fn check_formats(plan: &Plan) -> Result<Option<String>, String> {
    let mut app_name = None;
    for entry in &plan.entries {
        let Some(file) = &entry.file else { continue };
        let text = std::str::from_utf8(&file.contents).map_err(|e| format!("{}: {e}", entry.path))?;
        let path = &entry.path;
        // The built-in template names its files in lower case.
        let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
        if matches!(extension, "yaml" | "yml") {
            let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(text)
                .map_err(|e| format!("{path}: {}", e.to_string().lines().next().unwrap_or("")))?;
            for doc in docs {
                if doc["kind"] == "ConfigMap" {
                    app_name = doc["data"]["APP_NAME"].as_str().map(str::to_owned);
                }
            }
        } else if extension == "json" {
            serde_json::from_str::<serde_json::Value>(text).map_err(|e| format!("{path}: {e}"))?;
        } else if extension == "toml" {
            toml::from_str::<toml::Table>(text).map_err(|e| format!("{path}: {e}"))?;
        } else if extension == "hcl" {
            hcl::from_str::<hcl::Body>(text).map_err(|e| format!("{path}: {e}"))?;
        }
    }
    Ok(app_name)
}

/// Free text with the pieces that break naive templating: quotes, YAML
/// syntax, newlines, control characters, unicode and Jinja syntax.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "(?s).{0,12}",
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just(": ".to_owned()),
        Just(" #".to_owned()),
        Just("\n---\n".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("\0".to_owned()),
        Just("\\".to_owned()),
        Just("{{ 7*7 }}".to_owned()),
        Just("{% include '/etc/passwd' %}".to_owned()),
        Just("${HOME}".to_owned()),
        Just("&anchor *alias !tag".to_owned()),
        Just("日本語 🚀 é\u{2028}\u{feff}".to_owned()),
    ];
    proptest::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn project_names_are_data(
        name in hostile_text(),
        backend in prop_oneof![Just("external-secrets"), Just("vault"), Just("sealed-secrets")],
        sentry in prop_oneof![Just("yes"), Just("no")],
    ) {
        let answers = [("project_name", name.as_str()), ("project_slug", "app"), ("secrets_backend", backend), ("include_sentry", sentry)];
        match render(&answers) {
            Ok(plan) => {
                let app_name = check_formats(&plan).map_err(TestCaseError::fail)?;
                prop_assert_eq!(app_name.as_deref(), Some(name.as_str()), "APP_NAME carries the name unchanged");
                let recorded = plan.entries.iter().find(|e| e.path == ".stamp-answers.toml").and_then(|e| e.file.as_ref()).unwrap();
                let table: toml::Table = toml::from_str(std::str::from_utf8(&recorded.contents).unwrap()).unwrap();
                prop_assert_eq!(table["project_name"].as_str(), Some(name.as_str()));
            }
            Err(err) => prop_assert!(matches!(err, Error::InvalidAnswer { .. }), "only validation may refuse it: {err}"),
        }
    }

    #[test]
    fn validated_questions_refuse_or_stay_well_formed(
        question in prop_oneof![
            Just("project_slug"), Just("postgres_db"), Just("namespace"), Just("image"), Just("image_tag"),
            Just("aws_region"), Just("aws_account_id"), Just("vault_addr"), Just("vault_kv_mount"), Just("app_port"),
        ],
        value in hostile_text(),
        backend in prop_oneof![Just("external-secrets"), Just("vault"), Just("sealed-secrets")],
    ) {
        let answers = [(question, value.as_str()), ("secrets_backend", backend)];
        match render(&answers) {
            Ok(plan) => { check_formats(&plan).map_err(TestCaseError::fail)?; }
            Err(err) => prop_assert!(matches!(err, Error::InvalidAnswer { .. }), "{question}={value:?}: {err}"),
        }
    }
}

#[test]
fn a_hundred_kilobytes_of_text_is_carried_whole() {
    let name = "x\"y: z\n".repeat(100 * 1024 / 7);
    let plan = render(&[("project_name", &name), ("project_slug", "app")]).unwrap();
    assert_eq!(check_formats(&plan).unwrap().as_deref(), Some(name.as_str()));
}
