//! `[[tasks]]`: a stamp template's commands, run in the project once it is
//! written (after `new` and after `update`), only with consent, listed by
//! `--dry-run` and `stamp vars`, run by `check` only with `--exec`.

use std::fs;

use crate::support::{Scratch, Test, git};

/// A template whose tasks leave traces in the project: a shell script (that
/// says which operation it ran for), a program with its arguments, and a
/// task that belongs to updates only.
const MANIFEST: &str = r#"[template]
name = "t"
version = "1"

[[variables]]
name = "name"
default = "demo"

[[variables]]
name = "token"
type = "secret"
default = "s3cret"

[[tasks]]
name = "Note the operation"
run = """
echo "$STAMP_OPERATION {{ cookiecutter.name }}" >> ops.txt
echo "said by the task"
test -f README.md
"""

[[tasks]]
run = ["touch", "{{ cookiecutter.name }}.flag"]

[[tasks]]
name = "On update only"
run = "echo updated > updated.txt"
when = "{{ stamp_operation == 'update' }}"
"#;

fn files() -> Vec<(&'static str, &'static str)> {
    vec![("stamp.toml", MANIFEST), ("{{cookiecutter.name}}/README.md", "# {{ cookiecutter.name }}\n")]
}

#[test]
fn tasks_run_in_the_written_project_with_consent_and_in_order() {
    let (_, run) = Test::new()
        .template(&files())
        .args(&["--no-input", "--accept-tasks", "yes", "name=shop"])
        .stderr_contains("Running task 1/2: Note the operation\nsaid by the task\n")
        // stdout is stamp's, for what a script may parse.
        .stdout("")
        .stderr_contains("Running task 2/2: touch {{ cookiecutter.name }}.flag\n")
        .leaves_file("shop/ops.txt", "create shop\n")
        .leaves_file("shop/shop.flag", "")
        .leaves_no("shop/updated.txt")
        .run();
    // The secret answer stays out of what is shown of the tasks.
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
}

#[test]
fn without_consent_tasks_are_skipped_with_a_warning_unless_refused() {
    Test::new()
        .template(&files())
        .args(&["--no-input"])
        .stderr_contains(
            "warning: skipped the template's tasks (Note the operation, touch {{ cookiecutter.name }}.flag): \
             no terminal to ask; pass --accept-tasks yes to run them",
        )
        .leaves_file("demo/README.md", "# demo\n")
        .leaves_no("demo/ops.txt")
        .run();
    Test::new()
        .template(&files())
        .args(&["--no-input", "--accept-hooks", "no"])
        .stderr_lacks("skipped")
        .leaves_no("demo/ops.txt")
        .run();
}

#[test]
fn a_failing_task_is_exit_3_the_project_stays_and_later_tasks_do_not_run() {
    let manifest = MANIFEST.replace("test -f README.md", "test -f MISSING.md");
    Test::new()
        .template(&[("stamp.toml", &manifest), ("{{cookiecutter.name}}/README.md", "x\n")])
        .args(&["--no-input", "--accept-tasks", "yes"])
        .status(3)
        .stderr_contains(
            "error: task `Note the operation` failed: it exited with status 1; the project is written, and the \
             tasks after it did not run",
        )
        .leaves_file("demo/README.md", "x\n")
        .leaves_file("demo/ops.txt", "create demo\n")
        .leaves_no("demo/demo.flag")
        .run();
}

#[test]
fn a_task_that_cannot_render_stops_the_run_before_anything_is_written() {
    let manifest = MANIFEST.replace("\"touch\", \"{{ cookiecutter.name }}.flag\"", "\"{{ 1 / 0 }}\"");
    Test::new()
        .template(&[("stamp.toml", &manifest), ("{{cookiecutter.name}}/README.md", "x\n")])
        .args(&["--no-input", "--accept-tasks", "yes"])
        .status(3)
        .stderr_contains("tasks[1].run")
        .leaves_no("demo")
        .run();
}

#[test]
fn a_dry_run_lists_the_tasks_that_would_run_and_runs_none() {
    Test::new()
        .template(&files())
        .args(&["--no-input", "--dry-run"])
        .stdout(
            "create    .stamp-answers.toml\ncreate    README.md\ntask      Note the operation\n\
             task      touch {{ cookiecutter.name }}.flag\n",
        )
        .stderr_lacks("skipped")
        .leaves_no("demo")
        .run();
}

#[test]
fn vars_lists_the_tasks() {
    let with_template = || {
        files().into_iter().fold(Test::new(), |test, (path, text)| test.file(&format!("tpl/{path}"), text))
    };
    with_template()
        .args(&["vars", "-t", "tpl"])
        .stdout_contains(
            "\nTasks, run in the project once it is written (with consent: --accept-tasks):\n\n\
             Note the operation\n  run: echo \"$STAMP_OPERATION {{ cookiecutter.name }}\" >> ops.txt\n\
             echo \"said by the task\"\ntest -f README.md\n\ntouch {{ cookiecutter.name }}.flag\n\nOn update only\n  run: echo updated > \
             updated.txt\n  when: {{ stamp_operation == 'update' }}\n",
        )
        .run();
    let (_, run) = with_template().args(&["vars", "-t", "tpl", "--json"]).run();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["tasks"][1],
        serde_json::json!({ "name": null, "run": ["touch", "{{ cookiecutter.name }}.flag"], "when": null })
    );
    assert_eq!(json["tasks"][2]["when"], "{{ stamp_operation == 'update' }}");
}

#[test]
fn task_problems_are_reported_together_with_their_lines() {
    let manifest = "[template]\nname = \"t\"\nversion = \"1\"\n\
                    [[variables]]\nname = \"name\"\n\
                    [[tasks]]\nrun = 3\n\
                    [[tasks]]\nname = \"x\"\n\
                    [[tasks]]\nrun = \"echo {{ cookiecutter.nme }}\"\nwen = \"yes\"\n\
                    [[tasks]]\nrun = []\n";
    Test::new()
        .template(&[("stamp.toml", manifest), ("{{cookiecutter.name}}/a", "")])
        .args(&["--no-input"])
        .status(3)
        .stderr_contains(
            "tpl/stamp.toml:7: a task: `run`: expected a shell script (a string) or a program and its arguments \
             (a list of strings)",
        )
        .stderr_contains("tpl/stamp.toml:8: task `x`: `run` is missing")
        .stderr_contains("tpl/stamp.toml:12: a task: unknown field `wen`; did you mean `when`?")
        .stderr_contains("tpl/stamp.toml:14: task ``: `run` names no command")
        .run();
}

#[test]
fn check_runs_tasks_only_with_exec() {
    let manifest = MANIFEST.replace("test -f README.md", "test -f README.md && exit 7");
    let scratch = Scratch::new();
    for (path, contents) in [("stamp.toml", manifest.as_str()), ("{{cookiecutter.name}}/README.md", "x\n")] {
        scratch.write(&format!("tpl/{path}"), contents);
    }
    // Without --exec nothing of the template's runs, so the failing task does not matter.
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--all-combinations"])
        .stdout_contains("1 combinations: 1 passed, 0 failed")
        .run();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--all-combinations", "--exec", "test -f demo.flag"])
        .status(1)
        .stdout_contains("task `Note the operation` failed: it exited with status 7")
        .run();
    scratch.write("tpl/stamp.toml", MANIFEST);
    // The tasks ran before the command: the flag the second one touches is there.
    Test::in_scratch(&scratch)
        .args(&[
            "check",
            "-t",
            "tpl",
            "--all-combinations",
            "--exec",
            "test -f demo.flag && grep -q create ops.txt",
        ])
        .stdout_contains("1 combinations: 1 passed, 0 failed")
        .run();
}

#[test]
fn update_runs_the_new_versions_tasks_as_an_update_once_it_changed_something() {
    let scratch = Scratch::new();
    let tpl = scratch.path("tpl");
    for (path, contents) in files() {
        scratch.write(&format!("tpl/{path}"), contents);
    }
    git(&tpl, &["init", "--quiet"]);
    git(&tpl, &["add", "-A"]);
    git(&tpl, &["commit", "--quiet", "-m", "v1"]);
    let url = format!("file://{}", tpl.display());
    let cache = scratch.path("cache");
    // The secret is never recorded: an update is given it again.
    let stamp = || {
        Test::in_scratch(&scratch)
            .env("XDG_CACHE_HOME", cache.to_str().unwrap())
            .env("STAMP_ANSWER_token", "x")
    };
    stamp()
        .args(&[&url, "--no-input", "--accept-tasks", "yes"])
        .leaves_file("demo/ops.txt", "create demo\n")
        .run();
    let project = scratch.path("demo");
    git(&project, &["init", "--quiet"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "--quiet", "-m", "generated"]);
    // Nothing new: nothing runs.
    stamp().in_dir("demo").args(&["update", "--accept-tasks", "yes"]).stderr_lacks("Running task").run();
    scratch.write("tpl/{{cookiecutter.name}}/README.md", "# {{ cookiecutter.name }}, v2\n");
    git(&tpl, &["commit", "--quiet", "-am", "v2"]);
    stamp()
        .in_dir("demo")
        .args(&["update", "--dry-run"])
        .stdout("updated   .stamp-answers.toml\nupdated   README.md\ntask      Note the operation\ntask      touch {{ cookiecutter.name }}.flag\ntask      On update only\n")
        .run();
    stamp()
        .in_dir("demo")
        .args(&["update", "--accept-tasks", "yes"])
        .stderr_contains("Running task 3/3: On update only")
        .leaves_file("demo/ops.txt", "create demo\nupdate demo\n")
        .leaves_file("demo/updated.txt", "updated\n")
        .run();
    assert_eq!(fs::read_to_string(project.join("README.md")).unwrap(), "# demo, v2\n");
}

/// SIGINT while a task runs: the task's process group is stopped, the
/// project (already written) stays, and stamp says its tasks did not all run.
#[test]
fn an_interrupt_stops_a_running_task_and_keeps_the_written_project() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let scratch = Scratch::new();
    let manifest = "[template]\nname = \"t\"\nversion = \"1\"\n[[variables]]\nname = \"name\"\ndefault = \"demo\"\n\
                    [[tasks]]\nname = \"Wait\"\nrun = \"(sleep 30; touch after) & echo $! > pid; wait\"\n\
                    [[tasks]]\nrun = \"touch second\"\n";
    scratch.write("tpl/stamp.toml", manifest);
    scratch.write("tpl/{{cookiecutter.name}}/a.txt", "a\n");
    let child = Command::new(crate::support::binary())
        .args(["-t", "tpl", "--no-input", "--accept-tasks", "yes"])
        .current_dir(scratch.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid_file = scratch.path("demo/pid");
    let started = Instant::now();
    while fs::read_to_string(&pid_file).map_or(true, |p| !p.ends_with('\n')) {
        assert!(started.elapsed() < Duration::from_secs(20), "the task never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let grandchild = fs::read_to_string(&pid_file).unwrap().trim().to_owned();
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(
            "interrupted while the template's tasks ran: the project is written, its tasks did not all run"
        ),
        "{stderr}"
    );
    let alive = || Command::new("kill").args(["-0", &grandchild]).status().unwrap().success();
    let stopped = Instant::now();
    while alive() {
        assert!(stopped.elapsed() < Duration::from_secs(5), "the task's own child outlived stamp");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fs::read_to_string(scratch.path("demo/a.txt")).unwrap(), "a\n");
    assert!(!scratch.path("demo/second").exists() && !scratch.path("demo/after").exists());
}

/// At a terminal, consent is asked once, naming the tasks, before any question.
#[test]
fn at_a_terminal_consent_is_asked_naming_the_tasks() {
    let scratch = Scratch::new();
    for (path, contents) in files() {
        scratch.write(&format!("tpl/{path}"), contents);
    }
    let mut session = crate::terminal::spawn(&scratch, &["-t", "tpl"]);
    session.exp_string("Run the template's tasks (Note the operation, touch").unwrap();
    // A yes/no question takes the key itself, no Enter.
    session.exp_string("(y/n)").unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    session.exp_string("[1/2] name").unwrap();
    session.send_line("").unwrap();
    session.exp_string("[2/2] token").unwrap();
    session.send_line("pw").unwrap();
    session.exp_string("Running task 2/2").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(fs::read_to_string(scratch.path("demo/ops.txt")).unwrap(), "create demo\n");
}

/// A stamp template's `hooks/` are not its format's: said, never run.
#[test]
fn a_stamp_templates_hooks_are_not_run_and_that_is_said() {
    let mut with_hook = files();
    with_hook.push(("hooks/post_gen_project.sh", "#!/bin/sh\ntouch hooked\n"));
    let warning = "warning: the template's hooks/ (post_gen_project.sh) are not run: a stamp template lists its \
                   commands as [[tasks]] in stamp.toml";
    let (scratch, _) = Test::new()
        .template(&with_hook)
        .args(&["--no-input", "--accept-hooks", "yes"])
        .stderr_contains(warning)
        .leaves_no("demo/hooked")
        .run();
    Test::in_scratch(&scratch)
        .args(&["check", "-t", "tpl", "--all-combinations"])
        .stderr_contains(warning)
        .run();
}
