//! The built-in template, rendered by the real binary for every `include_sentry` x
//! `secrets_backend` combination and for a set of hostile answers, checked offline by
//! `tests/check_rendered.py`: kustomize builds, strict JSON schemas (tests/schemas), one key
//! set everywhere, IAM and Vault policies, shellcheck, Markdown links, unrendered Jinja,
//! the project's own `scripts/validate.py`, the migration credentials kept from the web pods
//! in every backend, and (for the vault renders) the Vault scripts and Agent templates against a
//! real `OpenBao` dev server on loopback, and the database engine's setup against a throw-away
//! `PostgreSQL` (Debian's `postgresql`) with the users it creates; and a generated project's own
//! `make tools && make validate`, outside this repository, with only what `PyPI` gives.
//!
//! Tools come from `bash scripts/test` (tests/requirements.txt into .tools/venv) plus
//! kubectl and the `PostgreSQL` server (`.ci/run` installs it); a missing tool fails the test.

use std::path::Path;
use std::process::Command;

const BACKENDS: [&str; 3] = ["external-secrets", "vault", "sealed-secrets"];

fn tool_check() {
    for (tool, args) in
        [("kubectl", &["version", "--client"][..]), ("shellcheck", &["--version"]), ("bao", &["version"])]
    {
        let ok = Command::new(tool).args(args).output().is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "{tool} is not on PATH: run the tests with `bash scripts/test` (it installs tests/requirements.txt)"
        );
    }
    let postgres = std::fs::read_dir("/usr/lib/postgresql")
        .is_ok_and(|versions| versions.flatten().any(|v| v.path().join("bin/initdb").is_file()));
    assert!(postgres, "no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql (`.ci/run` does)");
}

/// Renders the built-in template with these answers and runs the checker on the result.
fn render_and_check(answers: &[(&str, &str)], with_vault: bool) {
    tool_check();
    let scratch = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["--no-input".into(), "-q".into(), "-o".into(), "out".into()];
    args.extend(answers.iter().map(|(k, v)| format!("{k}={v}")));
    let output = Command::new(env!("CARGO_BIN_EXE_stamp"))
        .current_dir(scratch.path())
        .args(&args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("stamp runs");
    assert!(output.status.success(), "stamp failed: {}", String::from_utf8_lossy(&output.stderr));
    let slug = answers.iter().find(|(k, _)| *k == "project_slug").map_or("my-service", |(_, v)| v);
    let project = scratch.path().join("out").join(slug);

    // The answers the project records (derived values are derived again by the checker).
    let recorded: toml::Table =
        toml::from_str(&std::fs::read_to_string(project.join(".stamp-answers.toml")).unwrap())
            .expect(".stamp-answers.toml parses");
    // Text as text, a number question's answer as the number it reads as.
    let as_text = |value: &toml::Value| match value {
        toml::Value::Integer(n) => Some(n.to_string()),
        other => other.as_str().map(str::to_owned),
    };
    for (key, value) in answers {
        assert_eq!(as_text(&recorded[*key]).as_deref(), Some(*value), "{key} is recorded unchanged");
    }
    let json: serde_json::Map<String, serde_json::Value> = recorded
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| {
            let value = match v {
                toml::Value::Boolean(yes) => serde_json::Value::Bool(*yes),
                other => serde_json::Value::String(as_text(other).expect("text, number or yes/no answers")),
            };
            (k.clone(), value)
        })
        .collect();
    let answers_file = scratch.path().join("answers.json");
    std::fs::write(&answers_file, serde_json::to_string(&json).unwrap()).unwrap();

    let checker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check_rendered.py");
    let mut command = Command::new("python3");
    command.arg(&checker).arg(&project).arg(&answers_file);
    if with_vault {
        command.arg("--vault");
    }
    let result = command.output().expect("python3 runs (install it, then run `bash scripts/test`)");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "checks failed for {answers:?}:\n{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// A port nothing listens on now, for the throw-away `PostgreSQL` the dynamic-credentials renders
/// name as `postgres_port` (the URLs the Vault Agent builds must reach it).
fn free_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.local_addr().unwrap().port().to_string()
}

fn combination(sentry: &str, backend: &str) {
    render_and_check(&[("include_sentry", sentry), ("secrets_backend", backend)], backend == "vault");
}

#[test]
fn sentry_no_external_secrets() {
    combination("no", BACKENDS[0]);
}

#[test]
fn sentry_no_vault() {
    combination("no", BACKENDS[1]);
}

#[test]
fn sentry_no_sealed_secrets() {
    combination("no", BACKENDS[2]);
}

#[test]
fn sentry_yes_external_secrets() {
    combination("yes", BACKENDS[0]);
}

#[test]
fn sentry_yes_vault() {
    combination("yes", BACKENDS[1]);
}

#[test]
fn sentry_yes_sealed_secrets() {
    combination("yes", BACKENDS[2]);
}

/// Vault's database engine end to end: the agents build both URLs from `database/creds/`, the
/// setup script runs against a real `PostgreSQL` and `OpenBao`, and the users it creates connect
/// with the rights their role gives (rows for the web pods, the schema for the migration).
#[test]
fn vault_dynamic_database_credentials() {
    let port = free_port();
    render_and_check(
        &[
            ("include_sentry", "no"),
            ("secrets_backend", "vault"),
            ("vault_database_credentials", "dynamic"),
            ("postgres_host", "localhost"),
            ("postgres_port", &port),
        ],
        true,
    );
}

/// Quotes, colons, `#`, newlines, tabs, unicode and Jinja syntax in the project name, and
/// non-default values for every other answer (dynamic database credentials included).
#[test]
fn hostile_values_survive_unchanged() {
    let name = "Ünïcødé \"Quoted\" 'App': #1 {{ 7*7 }} {% if x %}\n  second: line\t\\ — 日本 🚀 ---";
    let port = free_port();
    render_and_check(
        &[
            ("project_name", name),
            ("project_slug", "hostile-app-2"),
            ("postgres_db", "hostile_db"),
            ("include_sentry", "yes"),
            ("secrets_backend", "vault"),
            ("namespace", "team-payments"),
            ("aws_region", "eu-central-1"),
            ("aws_account_id", "210987654321"),
            ("eks_oidc_provider", "oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789"),
            ("vault_addr", "https://vault.internal.example:8443"),
            ("vault_kv_mount", "kv-apps"),
            ("vault_auth_mount", "k8s-prod"),
            ("vault_audience", "vault.example"),
            ("vault_database_credentials", "dynamic"),
            ("postgres_host", "localhost"),
            ("postgres_port", &port),
            ("sealed_secrets_controller_namespace", "sealed"),
            ("sealed_secrets_controller_name", "sealed-secrets"),
            ("image", "registry.example.com:5000/team/app"),
            ("image_tag", "2026.11-rc_1"),
            ("app_port", "8080"),
        ],
        true,
    );
}

/// Each backend's own files, and only those: a project holds its chosen backend's component and
/// setup files plus the shared ones, never another backend's (switching is `stamp update`).
#[test]
fn only_the_chosen_backends_files_are_rendered() {
    let own: [(&str, &[&str]); 3] = [
        ("external-secrets", &["k8s/components/external-secrets", "aws"]),
        ("vault", &["k8s/components/vault-agent", "vault"]),
        ("sealed-secrets", &["k8s/components/sealed-secrets", "scripts/seal-secrets.sh"]),
    ];
    let shared = [
        "k8s/base",
        "k8s/overlays/dev",
        "k8s/overlays/prod",
        "docs",
        "scripts/validate.py",
        "scripts/preflight.py",
    ];
    for (backend, _) in own {
        let scratch = tempfile::tempdir().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_stamp"))
            .current_dir(scratch.path())
            .args(["--no-input", "-q", "-o", "out", &format!("secrets_backend={backend}")])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("stamp runs");
        assert!(output.status.success(), "stamp failed: {}", String::from_utf8_lossy(&output.stderr));
        let project = scratch.path().join("out/my-service");
        for path in shared {
            assert!(project.join(path).exists(), "{backend}: the shared {path} is rendered");
        }
        for (other, paths) in own {
            for path in paths {
                assert_eq!(
                    project.join(path).exists(),
                    other == backend,
                    "{backend} project: {path} ({other} backend) must {}be rendered",
                    if other == backend { "" } else { "not " }
                );
            }
        }
    }
}

/// Every ARN names the region's partition: `GovCloud` and China, with their own OIDC issuers.
#[test]
fn arns_name_the_regions_partition() {
    render_and_check(&[("secrets_backend", "external-secrets"), ("aws_region", "us-gov-west-1")], false);
    render_and_check(&[("secrets_backend", "external-secrets"), ("aws_region", "cn-north-1")], false);
}

/// Values that would break YAML, shell, HCL or SQL are refused before anything is rendered.
#[test]
fn unsafe_values_are_rejected() {
    for (key, value) in [
        ("project_slug", "Bad Slug"),
        ("namespace", "a:b"),
        ("aws_region", "us-east-1\"}"),
        // The ISO partitions' endpoints and OIDC issuers differ: refused rather than half-supported.
        ("aws_region", "us-iso-east-1"),
        ("aws_region", "us-isob-east-1"),
        ("aws_account_id", "1234"),
        ("vault_addr", "https://vault.example.com/$(id)"),
        ("vault_kv_mount", "secret/../sys"),
        ("image_tag", "1.0 --privileged"),
        ("app_port", "80"),
        ("postgres_db", "db; drop"),
        // <name>_migrator must stay within PostgreSQL's 63-character identifiers.
        ("postgres_db", "a234567890123456789012345678901234567890123456789012345"),
        ("vault_database_credentials", "rotating"),
        ("postgres_host", "db.example.com:5432"),
        ("postgres_port", "0"),
    ] {
        let scratch = tempfile::tempdir().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_stamp"))
            .current_dir(scratch.path())
            .args(["--no-input", "-o", "out", &format!("{key}={value}")])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{key}={value:?} must be rejected");
        assert!(!scratch.path().join("out").exists(), "nothing is written for {key}={value:?}");
    }
}

/// A freshly generated project outside this repository validates itself with only what `PyPI` gives:
/// `make tools` makes `.venv` inside the project (PEP 668 systems refuse a bare `pip install`) and
/// `make validate` runs from it; none of this repository's `.tools` is on `PATH`, only the system's
/// `python3`, `make` and `kubectl`.
#[test]
fn make_tools_then_validate_in_a_fresh_project() {
    let scratch = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stamp"))
        .current_dir(scratch.path())
        .args(["--no-input", "-q", "-o", "out"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("stamp runs");
    assert!(output.status.success(), "stamp failed: {}", String::from_utf8_lossy(&output.stderr));
    let project = scratch.path().join("out/my-service");
    let path = std::env::var("PATH").unwrap_or_default();
    let system_path: Vec<&str> = path.split(':').filter(|dir| !dir.contains(".tools")).collect();
    let make = |target: &str| {
        let result = Command::new("make")
            .arg(target)
            .current_dir(&project)
            .env("PATH", system_path.join(":"))
            .env_remove("VIRTUAL_ENV")
            .env_remove("PYTHONPATH")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("make runs");
        let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "make {target} failed:\n{stdout}\n{stderr}");
        stdout
    };
    make("tools");
    assert!(project.join(".venv/bin/python").is_file(), "make tools creates .venv inside the project");
    let stdout = make("validate");
    assert!(stdout.lines().any(|l| l.ends_with(" passed, 0 failed")), "{stdout}");
    assert!(
        stdout.contains("ok    schema overlays/prod: Deployment/backend"),
        "the Kubernetes kinds are schema-checked from kubernetes-validate: {stdout}"
    );
    // The secret scan passes on the fresh project and catches a planted cloud key.
    make("secret-scan");
    std::fs::write(project.join("notes.txt"), "aws_access_key_id = AKIAZ7QH3KX9PLM2RT4W\n").unwrap();
    let leak = Command::new("make")
        .arg("secret-scan")
        .current_dir(&project)
        .env("PATH", system_path.join(":"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("make runs");
    assert!(!leak.status.success(), "make secret-scan must fail on a planted AWS key");
    assert!(String::from_utf8_lossy(&leak.stdout).contains("notes.txt"), "the scan names the file");
    std::fs::remove_file(project.join("notes.txt")).unwrap();
    // The virtual environment is git-ignored, and none of its files is checked as the project's.
    let ignored = Command::new("git").args(["init", "-q"]).current_dir(&project).status().unwrap().success()
        && Command::new("git")
            .args(["check-ignore", "-q", ".venv/bin/python"])
            .current_dir(&project)
            .status()
            .unwrap()
            .success();
    assert!(ignored, ".venv is git-ignored");
    let checked: Vec<&str> =
        stdout.lines().filter(|l| l.starts_with("ok ") || l.starts_with("FAIL ")).collect();
    assert!(
        checked.iter().all(|l| !l.contains(".venv")),
        "nothing in .venv is validated as part of the project: {stdout}"
    );
}
