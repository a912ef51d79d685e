//! The interactive prompts, driven through a real pseudo-terminal.

use std::process::Command;

use rexpect::ReadUntil;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::support::{Scratch, basic_template, binary};

fn spawn(scratch: &Scratch, args: &[&str]) -> PtySession {
    let mut command = Command::new(binary());
    command.current_dir(scratch.dir.path()).args(args).env("TERM", "xterm").env("NO_COLOR", "1");
    spawn_command(command, Some(15_000)).expect("spawn stamp in a pty")
}

fn exit_code(session: &mut PtySession) -> i32 {
    match session.process_mut().wait().expect("stamp exits") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("stamp did not exit normally: {other:?}"),
    }
}

#[test]
fn answers_are_typed_and_bad_replies_are_asked_again() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    p.exp_string("Shown in the README.").unwrap();
    p.exp_string("Project name").unwrap();
    p.send_line("Demo Shop").unwrap();
    p.exp_string("Slug").unwrap();
    p.exp_string("demo-shop").unwrap();
    p.send_line("Not Valid").unwrap();
    p.exp_string("use lower-case letters, digits and dashes").unwrap();
    p.send_line("shop").unwrap();
    p.exp_string("license").unwrap();
    p.send("\x1b[B").unwrap(); // arrow down to the second choice
    p.send_line("").unwrap();
    p.exp_string("Generated shop from basic 1.2.3").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        std::fs::read_to_string(scratch.path("shop/README.md")).unwrap(),
        "# Demo Shop\nLicense: Apache-2.0\n"
    );
}

#[test]
fn enter_accepts_every_default_of_the_builtin_template() {
    let scratch = Scratch::new();
    let mut p = spawn(&scratch, &[]);
    p.exp_string("Project name").unwrap();
    // Press Enter at every prompt (each ends in `›`, which rexpect reads
    // byte by byte as three Latin-1 characters) until the summary appears.
    let mut prompts = 0;
    loop {
        let (_, found) = p
            .exp_any(vec![
                ReadUntil::String("\u{e2}\u{80}\u{ba}".into()),
                ReadUntil::String("Generated ".into()),
            ])
            .unwrap();
        if found.starts_with("Generated") {
            break;
        }
        prompts += 1;
        assert!(prompts < 200, "stamp keeps prompting");
        p.send_line("").unwrap();
    }
    p.exp_string("my-service").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let answers = std::fs::read_to_string(scratch.path("my-service/.stamp-answers.toml")).unwrap();
    assert!(answers.contains("postgres_db = \"my_service\"\ninclude_sentry = \"no\"\n"), "{answers}");
}

#[test]
fn given_values_are_not_asked_again_and_no_input_never_asks() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    let mut p = spawn(&scratch, &["-t", "tpl", "name=Given"]);
    // The first question is the slug, made from the given name; the name itself is not asked.
    let before = p.exp_string("given").unwrap();
    assert!(!before.contains("Project name"), "the given name was asked again: {before:?}");
    p.send_line("").unwrap();
    p.exp_string("license").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(scratch.path("given/README.md").is_file());

    let mut p = spawn(&scratch, &["-t", "tpl", "-o", "quiet", "--no-input"]);
    p.exp_string("error: no value for `name`, `slug`").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 2);
}

#[test]
fn a_nested_template_is_chosen_at_the_terminal() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/cookiecutter.json",
        r#"{"templates": {"web": {"path": "web", "title": "Web", "description": "an API"}, "cli": {"path": "cli", "title": "CLI"}}}"#,
    );
    for (name, body) in [("web", "web\n"), ("cli", "cli\n")] {
        scratch.write(&format!("tpl/{name}/cookiecutter.json"), format!(r#"{{"name": "{name}-app"}}"#));
        scratch.write(&format!("tpl/{name}/{{{{cookiecutter.name}}}}/README.md"), body);
    }
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    p.exp_string("Select a template").unwrap();
    p.exp_string("Web (an API)").unwrap();
    p.send("\x1b[B").unwrap(); // arrow down to CLI
    p.send_line("").unwrap();
    p.exp_string("name").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(std::fs::read_to_string(scratch.path("cli-app/README.md")).unwrap(), "cli\n");
}
