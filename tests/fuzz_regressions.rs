//! Replays fuzz inputs through the code the fuzz targets run (`fuzz/harness.rs`,
//! shared with them): every reproducer under `tests/fixtures/fuzz/<target>/`
//! (each was a crash once) and every seed under `fuzz/seeds/<target>/`. Each
//! must come back as `Ok` or `Err`, never as a panic. See README, "Fuzzing".

#[path = "../fuzz/harness.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Feeds every file of the target's directories to `run`; fails naming each
/// input that panicked.
fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [root.join("tests/fixtures/fuzz").join(target), root.join("fuzz/seeds").join(target)];
    let mut inputs: Vec<PathBuf> = Vec::new();
    // Both directories must be there: a renamed or lost one would otherwise replay nothing.
    for dir in &dirs {
        let listing =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{target}: cannot read {}: {e}", dir.display()));
        for entry in listing {
            let path = entry.expect("read fuzz input directory").path();
            // Dot files describe the directory; they are not inputs.
            if path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                inputs.push(path);
            }
        }
    }
    inputs.sort();
    let seeds = inputs.iter().filter(|p| p.starts_with(&dirs[1])).count();
    assert!(seeds > 0, "{target}: no seeds in {}", dirs[1].display());
    let panicked: Vec<String> = inputs
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("read fuzz input");
            catch_unwind(AssertUnwindSafe(|| run(&data))).is_err()
        })
        .map(|path| path.strip_prefix(root).unwrap_or(path).display().to_string())
        .collect();
    assert!(panicked.is_empty(), "{target}: these inputs panic: {panicked:#?}");
}

#[test]
fn manifest_toml_inputs_do_not_panic() {
    replay("manifest_toml", harness::manifest_toml);
}

#[test]
fn cookiecutter_json_inputs_do_not_panic() {
    replay("cookiecutter_json", harness::cookiecutter_json);
}

#[test]
fn answers_inputs_do_not_panic() {
    replay("answers", harness::answers);
}

#[test]
fn render_inputs_do_not_panic() {
    replay("render", harness::render);
}

#[test]
fn template_inputs_do_not_panic() {
    replay("template", harness::template);
}

/// The fixed template the `render` and `answers` targets use must itself
/// render, or those targets would only ever exercise error paths.
#[test]
fn fuzz_template_renders_with_its_defaults() {
    let rendered = stamp::render_project(
        harness::fixed_template(),
        &stamp::Given::default(),
        &mut stamp::NoPrompter,
        &|_| {},
        stamp::Determinism::default(),
        stamp::Limits::default(),
        std::path::Path::new("."),
    )
    .unwrap_or_else(|e| panic!("the fuzz template does not render: {e}"));
    assert_eq!(rendered.plan.root, "fuzz-project");
    let files: Vec<&str> =
        rendered.plan.entries.iter().filter(|e| e.file.is_some()).map(|e| e.path.as_str()).collect();
    for expected in
        ["Dockerfile", "LICENSE", "README.md", "config/postgres.yaml", "fuzz_project.py", "raw/notes.txt"]
    {
        assert!(files.contains(&expected), "{expected} missing from {files:?}");
    }
}
