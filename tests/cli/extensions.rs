//! A cookiecutter template's own Jinja2 extensions (Python modules in the
//! template): run only with consent, in one Python process, with clear
//! errors when they cannot be. Their output is compared with cookiecutter's
//! in `tests/cookiecutter_compat.rs` (fixture `extensions-local`).

use crate::support::{Scratch, Test};

fn template(scratch: &Scratch, module: &str) {
    scratch.write("tpl/cookiecutter.json", r#"{"name": "app", "_extensions": ["ext.Shout"]}"#);
    scratch.write("tpl/ext.py", module);
    scratch.write("tpl/{{cookiecutter.name}}/a.txt", "{{ cookiecutter.name | shout }}\n");
}

const SHOUT: &str = "from jinja2.ext import Extension\n\nclass Shout(Extension):\n    def __init__(self, environment):\n        super().__init__(environment)\n        environment.filters['shout'] = lambda v: v.upper()\n";

#[test]
fn extensions_run_only_with_consent() {
    let scratch = Scratch::new();
    template(&scratch, SHOUT);
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "-o", "refused"])
        .status(2)
        .stderr("error: the template's extensions (ext.Shout) are its own Python code: pass --accept-extensions yes (or --accept-hooks yes) to run them\n")
        .leaves_no("refused")
        .run();
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-extensions", "no", "-o", "refused"])
        .status(2)
        .leaves_no("refused")
        .run();
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-extensions", "yes", "-o", "ext"])
        .leaves_file("ext/app/a.txt", "APP\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-hooks", "yes", "-o", "hooks"])
        .leaves_file("hooks/app/a.txt", "APP\n")
        .run();
    // Python writes no bytecode into the template.
    assert!(!scratch.path("tpl/__pycache__").exists());
}

#[test]
fn extensions_that_fail_say_so() {
    let scratch = Scratch::new();
    // A new tag cannot be parsed by stamp's engine.
    template(&scratch, &format!("{SHOUT}    tags = {{'shout'}}\n"));
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-extensions", "yes", "-o", "out"])
        .status(3)
        .stderr_contains("the extensions define new tags (shout), which stamp cannot parse")
        .leaves_no("out")
        .run();
    // An import error names the extension and the Python error.
    template(&scratch, "import no_such_dependency\n");
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-extensions", "yes", "-o", "out"])
        .status(3)
        .stderr_contains("cannot load the extension `ext.Shout`: ModuleNotFoundError")
        .leaves_no("out")
        .run();
    // A filter that raises is a render error naming it.
    template(&scratch, &SHOUT.replace("v.upper()", "1 / 0"));
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-extensions", "yes", "-o", "out"])
        .status(3)
        .stderr_contains("the extension's shout failed: ZeroDivisionError: division by zero")
        .leaves_no("out")
        .run();
    // Without Python at all.
    template(&scratch, SHOUT);
    Test::in_scratch(&scratch)
        .args(&["tpl", "--no-input", "--accept-extensions", "yes", "-o", "out"])
        .env("PATH", "/nonexistent")
        .status(3)
        .stderr_contains("they are Python, and python3 cannot be run")
        .leaves_no("out")
        .run();
}
