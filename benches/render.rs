//! In-process benchmarks of the render stage on the built-in template:
//! `cargo bench` (divan). Only rendering in memory is timed; nothing is written.

use std::path::Path;
use std::sync::Arc;

use stamp::{Determinism, Given, Limits, NoPrompter, Plan, SourceTree, TemplateSource};

fn main() {
    divan::main();
}

/// Reading the embedded template into a `SourceTree`.
#[divan::bench]
fn load_builtin() -> SourceTree {
    SourceTree::load(&TemplateSource::Builtin).expect("the built-in template loads")
}

/// Answers (all defaults) and every file rendered into a plan.
#[divan::bench]
fn render_builtin(bencher: divan::Bencher) {
    let tree = Arc::new(SourceTree::load(&TemplateSource::Builtin).expect("the built-in template loads"));
    let given = Given::default();
    bencher.bench(|| {
        stamp::render_project(
            &tree,
            &given,
            &mut NoPrompter,
            &|_| {},
            Determinism::default(),
            Limits::default(),
            Path::new("."),
        )
        .expect("the built-in template renders")
        .plan
    });
}

/// Loading and rendering, as one run of `stamp --no-input` does before writing.
#[divan::bench]
fn load_and_render_builtin() -> Plan {
    let tree = Arc::new(SourceTree::load(&TemplateSource::Builtin).expect("the built-in template loads"));
    stamp::render_project(
        &tree,
        &Given::default(),
        &mut NoPrompter,
        &|_| {},
        Determinism::default(),
        Limits::default(),
        Path::new("."),
    )
    .expect("the built-in template renders")
    .plan
}
