//! The user's configuration (stamp's and cookiecutter's), cookiecutter's
//! replay files and cruft's `.cruft.json`.

use std::fs;

use crate::support::{Scratch, Test, git};

/// A cookiecutter template with a string, a choice and a private variable.
fn cookiecutter_template(scratch: &Scratch) {
    scratch.write(
        "tpl/cookiecutter.json",
        r#"{"name": "app", "author": "Nobody", "lang": ["py", "rs"], "_private": "p"}"#,
    );
    scratch.write("tpl/{{cookiecutter.name}}/README", "{{cookiecutter.author}} {{cookiecutter.lang}}\n");
}

/// A stamp run with `HOME` inside the scratch directory.
fn at_home(scratch: &Scratch) -> Test<&Scratch> {
    Test::in_scratch(scratch).env("HOME", scratch.path("home").to_str().unwrap())
}

#[test]
fn default_context_comes_from_cookiecutters_file_or_stamps_or_none() {
    let scratch = Scratch::new();
    cookiecutter_template(&scratch);
    // Keys a template lacks and values it cannot take are passed over, as cookiecutter does.
    scratch.write("home/.cookiecutterrc", "default_context:\n  author: Ada\n  lang: rs\n  absent: 1\n");
    at_home(&scratch).args(&["tpl", "--no-input", "-o", "rc"]).leaves_file("rc/app/README", "Ada rs\n").run();
    // stamp's own file is layered over cookiecutter's.
    scratch.write("home/.config/stamp/config.toml", "[default_context]\nauthor = \"Grace\"\n");
    at_home(&scratch)
        .args(&["tpl", "--no-input", "-o", "both"])
        .leaves_file("both/app/README", "Grace rs\n")
        .run();
    // Given answers beat every default.
    at_home(&scratch)
        .args(&["tpl", "--no-input", "-o", "given", "author=Linus"])
        .leaves_file("given/app/README", "Linus rs\n")
        .run();
    scratch.write("other.yaml", "default_context:\n  author: Barbara\n");
    at_home(&scratch)
        .args(&["tpl", "--no-input", "-o", "file", "--config-file", "other.yaml"])
        .leaves_file("file/app/README", "Barbara py\n")
        .run();
    at_home(&scratch)
        .args(&["tpl", "--no-input", "-o", "env"])
        .env("COOKIECUTTER_CONFIG", scratch.path("other.yaml").to_str().unwrap())
        .leaves_file("env/app/README", "Grace py\n")
        .run();
    at_home(&scratch)
        .args(&["tpl", "--no-input", "-o", "none", "--default-config"])
        .leaves_file("none/app/README", "Nobody py\n")
        .run();
    at_home(&scratch)
        .args(&["tpl", "--no-input", "--config-file", "absent.yaml"])
        .status(2)
        .stderr("error: configuration file absent.yaml does not exist\n")
        .run();
    scratch.write("bad.toml", "colour = 1\n");
    at_home(&scratch)
        .args(&["tpl", "--no-input", "--config-file", "bad.toml"])
        .status(3)
        .stderr_contains("bad.toml:1: user configuration: unknown field `colour`")
        .run();
}

#[test]
fn replay_files_are_written_and_answer_again() {
    let scratch = Scratch::new();
    cookiecutter_template(&scratch);
    at_home(&scratch).args(&["tpl", "--no-input", "-o", "first", "lang=rs"]).run();
    let replay = fs::read_to_string(scratch.path("home/.cookiecutter_replay/tpl.json")).unwrap();
    let output_dir = scratch.path("first");
    let expected = format!(
        "{{\n  \"cookiecutter\": {{\n    \"name\": \"app\",\n    \"author\": \"Nobody\",\n    \"lang\": \"rs\",\n    \
         \"_private\": \"p\",\n    \"_template\": \"tpl\",\n    \"_output_dir\": \"{}\",\n    \"_repo_dir\": \"tpl\",\n    \
         \"_checkout\": null\n  }},\n  \"_cookiecutter\": {{\n    \"name\": \"app\",\n    \"author\": \"Nobody\",\n    \
         \"lang\": [\n      \"rs\",\n      \"py\"\n    ]\n  }}\n}}",
        output_dir.display()
    );
    assert_eq!(replay, expected);
    at_home(&scratch)
        .args(&["tpl", "--replay", "-o", "again"])
        .leaves_file("again/app/README", "Nobody rs\n")
        .run();
    scratch.write(
        "mine.json",
        r#"{"cookiecutter": {"name": "x", "author": "Replayed", "lang": "py", "_template": "t"}}"#,
    );
    at_home(&scratch)
        .args(&["tpl", "--replay-file", "mine.json", "-o", "file"])
        .leaves_file("file/x/README", "Replayed py\n")
        .run();
    // `-a` takes a replay file too.
    at_home(&scratch)
        .args(&["tpl", "-a", "mine.json", "-o", "answers"])
        .leaves_file("answers/x/README", "Replayed py\n")
        .run();
    // The replay directory may be configured.
    scratch.write("home/.config/stamp/config.toml", "replay_dir = \"~/replays\"\n");
    at_home(&scratch).args(&["tpl", "--no-input", "-o", "moved"]).run();
    assert!(scratch.path("home/replays/tpl.json").is_file());
    at_home(&scratch)
        .args(&["--replay", "--no-input"])
        .status(2)
        .stderr_starts_with("error: --replay needs a cookiecutter template")
        .run();
}

#[test]
fn record_writes_crufts_state_for_a_repository() {
    let scratch = Scratch::new();
    cookiecutter_template(&scratch);
    let git = |args: &[&str]| git(&scratch.path("tpl"), args);
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "v1"]);
    git(&["tag", "v1"]);
    let commit = git(&["rev-parse", "HEAD"]);
    let url = format!("file://{}", scratch.path("tpl").display());
    at_home(&scratch)
        .env("XDG_CACHE_HOME", scratch.path("cache").to_str().unwrap())
        .args(&[&url, "--checkout", "v1", "--record", "--no-input", "-o", "out", "author=Zoë"])
        .run();
    let state = fs::read_to_string(scratch.path("out/app/.cruft.json")).unwrap();
    let expected = format!(
        "{{\n  \"template\": \"{url}\",\n  \"commit\": \"{commit}\",\n  \"checkout\": \"v1\",\n  \"context\": {{\n    \
         \"cookiecutter\": {{\n      \"name\": \"app\",\n      \"author\": \"Zoë\",\n      \"lang\": \"py\",\n      \
         \"_private\": \"p\",\n      \"_template\": \"{url}\",\n      \"_commit\": \"{commit}\"\n    }}\n  }},\n  \
         \"directory\": null\n}}\n"
    );
    assert_eq!(state, expected);
    // cruft's record regenerates the project from the template and commit it names, wherever it is run.
    git(&["commit", "--quiet", "--allow-empty", "-m", "v2"]);
    scratch.write("tpl/{{cookiecutter.name}}/README", "changed after v1\n");
    at_home(&scratch)
        .env("XDG_CACHE_HOME", scratch.path("cache").to_str().unwrap())
        .args(&["-a", "out/app/.cruft.json", "--no-input", "--record", "-o", "again"])
        .leaves_file("again/app/README", "Zoë py\n")
        .leaves_file("again/app/.cruft.json", &state)
        .run();
    // Without --record, a cookiecutter project is exactly what cookiecutter writes: no extra file.
    at_home(&scratch)
        .env("XDG_CACHE_HOME", scratch.path("cache").to_str().unwrap())
        .args(&[&url, "--no-input", "-o", "plain"])
        .leaves_no("plain/app/.cruft.json")
        .run();
}
