//! What each fuzz target does with one input. Shared, through `#[path]`, by the
//! fuzz targets in `fuzz_targets/` and by `tests/fuzz_regressions.rs`, so a
//! reproducer replays through exactly the code the fuzzer ran. Every function
//! accepts any bytes; an `Err` from stamp is a fine outcome, a panic is a bug.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use stamp::{Determinism, Given, Limits, NoPrompter, SourceTree, TemplateSource};

/// `manifest_toml`: a `stamp.toml` (inputs that are not UTF-8 are skipped:
/// stamp reads the file with `read_to_string`, which refuses them).
pub(crate) fn manifest_toml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = stamp::machinery::parse_stamp_manifest(Path::new("stamp.toml"), text);
    }
}

/// `cookiecutter_json`: the bytes as `cookiecutter.json` in a per-process
/// directory, loaded as a definition; a loaded one is also turned into
/// questions, as `stamp vars` and the known-key checks do.
pub(crate) fn cookiecutter_json(data: &[u8]) {
    let dir = scratch().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    std::fs::write(dir.join("cookiecutter.json"), data).expect("write cookiecutter.json");
    let _ = stamp::machinery::load_cookiecutter(&dir);
}

/// `answers`: the first byte picks the format (`.toml`, `.json`, `.yaml`,
/// `.yml`), the rest is the answers file. Answers that load are then used to
/// render the fixed template of [`render`], so typed values (lists, tables,
/// numbers, nulls) reach the questions' parsers too.
pub(crate) fn answers(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else { return };
    let extension = ["toml", "json", "yaml", "yml"][usize::from(first) % 4];
    let dir = scratch().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = dir.join(format!("answers.{extension}"));
    std::fs::write(&path, body).expect("write answers file");
    let mut given = Given::default();
    if given.load_file(&path).is_ok() {
        render_given(&given);
    }
}

/// `render`: `KEY=VALUE` pairs, one per line (or, when the input holds an
/// ASCII record separator 0x1E, separated by that, so values can hold
/// newlines), given through `Given::set_pair` and rendered with the fixed
/// template below, without a terminal.
pub(crate) fn render(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let separator = if text.contains('\x1e') { '\x1e' } else { '\n' };
    let mut given = Given::default();
    for pair in text.split(separator).filter(|p| !p.is_empty()) {
        if given.set_pair(pair).is_err() {
            return;
        }
    }
    render_given(&given);
}

/// `template`: the bytes as a template source (what a template's files,
/// names, defaults and conditions are), rendered in stamp's environment (its
/// filters, helpers and Python string methods) with the fixed template's
/// default answers as context, in the fixed template's environment (so
/// `include` finds its files). Untrusted templates run through this.
pub(crate) fn template(data: &[u8]) {
    static RENDERED: OnceLock<stamp::Rendered> = OnceLock::new();
    let Ok(source) = std::str::from_utf8(data) else { return };
    let rendered = RENDERED.get_or_init(|| {
        let frozen = Determinism { epoch: Some(0), seed: Some(0) };
        stamp::render_project(
            fixed_template(),
            &Given::default(),
            &mut NoPrompter,
            &|_| {},
            frozen,
            fuzz_limits(),
            Path::new("."),
        )
        .unwrap_or_else(|e| panic!("the fuzz template does not render: {e}"))
    });
    let _ = rendered.render_str("fuzz", source);
}

fn render_given(given: &Given) {
    let _ = stamp::render_project(
        fixed_template(),
        given,
        &mut NoPrompter,
        &|_| {},
        Determinism::default(),
        fuzz_limits(),
        Path::new("."),
    );
}

/// The engine's limits, with fuel enough for any real template but little
/// enough that a runaway loop ends in a clean error well inside the
/// fuzzer's timeout.
fn fuzz_limits() -> Limits {
    let mut limits = Limits::default();
    limits.fuel = 2_000_000;
    limits
}

/// A scratch directory, one per process, for the inputs that must be files.
fn scratch() -> &'static Mutex<PathBuf> {
    static DIR: OnceLock<Mutex<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| Mutex::new(process_dir("stamp-fuzz-")))
}

/// `$TMPDIR/<prefix><pid>`, made afresh. Statics are never dropped, so a
/// process cannot remove its own directory: each sweeps away those of
/// processes that are gone, and no run leaves more than its own behind.
fn process_dir(prefix: &str) -> PathBuf {
    let tmp = std::env::temp_dir();
    for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(prefix).and_then(|rest| rest.parse::<u32>().ok())
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = tmp.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the fuzz scratch directory");
    dir
}

/// The template `render` and `answers` render with: every kind of question,
/// a templated default, a condition, a validation, templated file and
/// directory names (one that can render empty) and the usual filters.
pub(crate) const STAMP_TOML: &str = r#"[template]
name = "fuzz"
version = "1.0.0"
copy_without_render = ["raw/**"]
next_steps = "cd {{ cookiecutter.slug }}"

[[variables]]
name = "name"
default = "Fuzz Project"

[[variables]]
name = "slug"
default = "{{ cookiecutter.name | slugify }}"
validation = { regex = "[a-z0-9][a-z0-9._-]*", message = "lower-case letters, digits, '.', '_' and '-'" }

[[variables]]
name = "module"
default = "{{ cookiecutter.slug | replace('-', '_') }}"

[[variables]]
name = "license"
type = "choice"
choices = ["MIT", "Apache-2.0", "none"]

[[variables]]
name = "docker"
type = "bool"
default = true

[[variables]]
name = "services"
type = "multichoice"
choices = ["postgres", "redis", "sentry"]
default = ["postgres"]

[[variables]]
name = "port"
type = "integer"
default = 8000
when = "{{ cookiecutter.docker }}"

[[variables]]
name = "token"
type = "secret"
default = "dev-token"
"#;

const FILES: &[(&str, &str)] = &[
    (
        "{{cookiecutter.slug}}/README.md",
        "# {{ cookiecutter.name }}\n\n{{ cookiecutter.name | upper }} / {{ cookiecutter.name.title() }}\n\
         License: {{ cookiecutter.license }}\nServices: {{ cookiecutter.services | join(', ') }}\n\
         {% for s in cookiecutter.services %}- {{ s | center(12) }}\n{% endfor %}\
         {{ cookiecutter.services }} {{ cookiecutter.docker }}\n",
    ),
    (
        "{{cookiecutter.slug}}/{{cookiecutter.module}}.py",
        "NAME = {{ cookiecutter.name | jsonify }}\nSLUG = {{ cookiecutter.slug | tojson }}\n\
         SERVICES = {{ cookiecutter.services | jsonify }}\nSHORT = {{ cookiecutter.name | truncate(10) | jsonify }}\n",
    ),
    (
        "{{cookiecutter.slug}}/{% if cookiecutter.docker %}Dockerfile{% endif %}",
        "FROM python:3.12\nEXPOSE {{ cookiecutter.port }}\nENV TOKEN={{ cookiecutter.token }}\n",
    ),
    (
        "{{cookiecutter.slug}}/{% if cookiecutter.license != 'none' %}LICENSE{% endif %}",
        "{{ cookiecutter.license }} license for {{ cookiecutter.name | replace('\\n', ' ') }}\n",
    ),
    (
        "{{cookiecutter.slug}}/config/{{ cookiecutter.services | first | default('none') }}.yaml",
        "name: {{ cookiecutter.name | jsonify }}\nservices:\n{% for s in cookiecutter.services %}  - {{ s }}\n{% endfor %}\
         port: {{ cookiecutter.port | default(0) }}\ntoken: {{ cookiecutter.token | jsonify }}\n",
    ),
    ("{{cookiecutter.slug}}/raw/notes.txt", "{{ cookiecutter.name }} {% stays %} as written\n"),
];

/// The fixed template, written to a per-process directory and loaded once.
pub(crate) fn fixed_template() -> &'static Arc<SourceTree> {
    static TEMPLATE: OnceLock<Arc<SourceTree>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = process_dir("stamp-fuzz-template-");
        std::fs::write(dir.join("stamp.toml"), STAMP_TOML).expect("write stamp.toml");
        for (path, contents) in FILES {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create template dir");
            std::fs::write(path, contents).expect("write template file");
        }
        let tree = SourceTree::load(&TemplateSource::Directory(dir))
            .unwrap_or_else(|e| panic!("the fuzz template does not load: {e}"));
        Arc::new(tree)
    })
}
