//! Hostile templates, hostile values and faults: nothing is written outside
//! the destination, nothing half-written, nothing leaked.

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Scratch, Test, basic_template, binary, tree};

const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

/// The names directly inside a directory that look like stamp's staging.
fn staging_left(dir: &std::path::Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|l| {
            l.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".stamp-staging-"))
                .collect()
        })
        .unwrap_or_default()
}

/// A template of `files` files of about 8 KB each, in directories of 20.
fn big_template(scratch: &Scratch, files: usize) {
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"big\"\n"));
    let body = "line {{ cookiecutter.n }} with some padding text to make the file larger\n".repeat(110);
    for i in 0..files {
        scratch.write(&format!("tpl/{{{{cookiecutter.n}}}}/d{:03}/f{i:05}.txt", i / 20), &body);
    }
}

/// A small deterministic generator, so a failure can be replayed from its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn links_out_of_the_template_are_refused_and_links_inside_followed() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n"));
    scratch.write("tpl/{{cookiecutter.n}}/real.txt", "inside {{ cookiecutter.n }}\n");
    std::os::unix::fs::symlink("real.txt", scratch.path("tpl/{{cookiecutter.n}}/alias.txt")).unwrap();
    Test::in_scratch(&scratch).args(&["-t", "tpl"]).leaves_file("app/alias.txt", "inside app\n").run();

    let secret = scratch.write("outside/secret.txt", "do not copy\n");
    std::os::unix::fs::symlink(&secret, scratch.path("tpl/{{cookiecutter.n}}/leak.txt")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "second"])
        .status(3)
        .stderr(
            "error: bad template tpl: {{cookiecutter.n}}/leak.txt is a symbolic link to somewhere outside the template\n",
        )
        .leaves_no("second")
        .run();
}

/// The rule holds for the roots of the walk too (a cookiecutter template's
/// `templates/`, which `include` reads), and broken links are called so.
#[test]
fn a_linked_include_directory_cannot_reach_outside_the_template() {
    let scratch = Scratch::new();
    scratch.write("tpl/cookiecutter.json", "{\"name\": \"app\"}");
    scratch.write("tpl/{{cookiecutter.name}}/a.txt", "{% include 'credentials' %}\n");
    scratch.write("outside/credentials", "aws_secret_access_key = hunter2\n");
    std::os::unix::fs::symlink(scratch.path("outside"), scratch.path("tpl/templates")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "out"])
        .status(3)
        .stderr("error: bad template tpl: templates is a symbolic link to somewhere outside the template\n")
        .leaves_no("out")
        .run();
    fs::remove_file(scratch.path("tpl/templates")).unwrap();
    std::os::unix::fs::symlink("nowhere", scratch.path("tpl/{{cookiecutter.name}}/dangling")).unwrap();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "out"])
        .status(3)
        .stderr("error: bad template tpl: {{cookiecutter.name}}/dangling is a symbolic link to nothing\n")
        .run();
}

#[test]
fn names_that_would_leave_the_destination_are_refused() {
    // A NUL cannot travel in an argument: it comes from an answers file.
    for (value, shown) in [("..", "\"..\""), ("/etc/cron.d", "\"/etc/cron.d\""), ("a\\u0000b", "\"a\\0b\"")] {
        Test::new()
            .template(&[
                (
                    "stamp.toml",
                    &format!(
                        "{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n[[variables]]\nname = \"f\"\ndefault = \"x\"\n"
                    ),
                ),
                ("{{cookiecutter.n}}/{{cookiecutter.f}}", "data\n"),
            ])
            .file("answers.toml", format!("f = \"{value}\"\n"))
            .args(&["-a", "answers.toml"])
            .status(3)
            .stderr(&format!(
                "error: bad template {{{{cookiecutter.n}}}}/{{{{cookiecutter.f}}}}: the name renders to {shown}, which is not a single file name\n"
            ))
            .leaves_top_level(&["answers.toml", "tpl"])
            .run();
    }
}

#[test]
fn force_never_writes_through_a_link_in_the_destination() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n"));
    scratch.write("tpl/{{cookiecutter.n}}/sub/file.txt", "generated\n");
    scratch.write("elsewhere/keep.txt", "precious\n");
    fs::create_dir_all(scratch.path("app")).unwrap();
    std::os::unix::fs::symlink(scratch.path("elsewhere"), scratch.path("app/sub")).unwrap();
    let before = scratch.tree("elsewhere");
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--force"])
        .status(5)
        .stderr_starts_with("error: cannot write below app/sub\ncaused by: it is a symbolic link")
        .leaves_tree("elsewhere", &before)
        .leaves_no("app/.stamp-answers.toml")
        .run();
    assert!(staging_left(scratch.dir.path()).is_empty());
}

#[test]
fn secrets_reach_only_the_files_that_use_them() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n[[variables]]\nname = \"token\"\ntype = \"secret\"\nvalidation = {{ regex = \"[a-z]+\" }}\n"),
    );
    scratch.write("tpl/{{cookiecutter.n}}/config.env", "TOKEN={{ cookiecutter.token }}\n");
    scratch.write("secret.toml", "token = \"hunterhunter\"\n");
    for args in [
        &["-t", "tpl", "-a", "secret.toml", "-v"][..],
        &["-t", "tpl", "-a", "secret.toml", "-o", "dry", "--dry-run"],
    ] {
        Test::in_scratch(&scratch).args(args).stdout_lacks("hunter").stderr_lacks("hunter").run();
    }
    assert_eq!(fs::read_to_string(scratch.path("app/config.env")).unwrap(), "TOKEN=hunterhunter\n");
    assert!(!fs::read_to_string(scratch.path("app/.stamp-answers.toml")).unwrap().contains("hunter"));
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "-o", "bad", "token=Hunter2Secret"])
        .status(2)
        .stderr_lacks("Hunter2Secret")
        .stderr(
            "error: invalid value for `token` in the command line: the value does not match ^(?:[a-z]+)$\n",
        )
        .run();
}

#[test]
fn killed_runs_leave_nothing_or_everything() {
    let scratch = Scratch::new();
    big_template(&scratch, 800);
    let started = Instant::now();
    let reference = scratch.run(&["-t", "tpl", "-o", "reference"]);
    assert_eq!(reference.code, 0, "{reference:?}");
    let full = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let expected = tree(&scratch.path("reference/big"));

    // The low 64 bits of the time in nanoseconds: any of them seeds the generator.
    #[allow(clippy::cast_possible_truncation)]
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut random = Lcg(seed);
    // A project whose every file is "old": a `--force` run must leave it all
    // old or all new, whenever it is interrupted.
    let outdated = tree(&scratch.path("reference/big"))
        .lines()
        .map(|line| match line.split_once(" = ") {
            Some((path, _)) => format!("{path} = \"old\\n\"\n"),
            None => format!("{line}\n"),
        })
        .collect::<String>();
    let mut interrupted = 0;
    // Runs after the first are often faster (warm caches): a round that finished before its
    // signal narrows the window the next delay is drawn from, so rounds keep landing mid-run.
    let mut window = full + 20;
    for round in 0..16 {
        let out = scratch.path(&format!("run{round}"));
        let (signal, number) = [("INT", 2), ("KILL", 9), ("TERM", 15), ("HUP", 1)][round % 4];
        // Every other pair of rounds writes with --force into an existing project.
        let force = round % 8 >= 4;
        let project = out.join("big");
        let mut args = vec!["-t".to_owned(), "tpl".to_owned(), "-o".to_owned(), out.display().to_string()];
        if force {
            assert_eq!(scratch.run(&["-t", "tpl", "-o", out.to_str().unwrap()]).code, 0);
            for entry in walkdir::WalkDir::new(&project).into_iter().map(Result::unwrap) {
                if entry.file_type().is_file() {
                    fs::write(entry.path(), "old\n").unwrap();
                }
            }
            assert_eq!(tree(&project), outdated);
            args.push("--force".to_owned());
        }
        let mut child = Command::new(binary())
            .args(&args)
            .current_dir(scratch.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(random.below(window)));
        let killed =
            Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
        let status = child.wait().unwrap();
        let context = format!("seed {seed}, round {round}, SIG{signal}, force {force}");
        // `kill` fails only when the run had already finished (and succeeded).
        assert!(killed.success() || status.code() == Some(0), "{context}: kill failed, run {status:?}");
        if status.code() == Some(0) {
            window = (window * 2 / 3).max(2);
        } else {
            interrupted += 1;
        }
        // Handled: 128 + the signal, or 0 when the project was complete; before
        // the handler is installed (or for SIGKILL) the signal ends the process.
        assert!(
            matches!(status.code(), Some(0) | None) || status.code() == Some(128 + number),
            "{context}: {status:?}"
        );
        // A handled signal waits for the commit: all old or all new. SIGKILL
        // may stop a --force commit half-way, which the next run finishes.
        if project.exists() && !(force && signal == "KILL") {
            let now = tree(&project);
            assert!(now == expected || (force && now == outdated), "{context}: a partial project was left");
        }
        if signal != "KILL" {
            assert!(staging_left(&out).is_empty(), "{context}: staging left after SIG{signal}");
        }
        // Whatever was left, the next run finishes the job and cleans up.
        let mut again_args: Vec<&str> = vec!["-t", "tpl", "-o", out.to_str().unwrap()];
        if force {
            again_args.push("--force");
        }
        let again = scratch.run(&again_args);
        assert!(matches!(again.code, 0 | 4), "{context}: {again:?}");
        assert_eq!(tree(&project), expected, "{context}");
        assert!(staging_left(&out).is_empty(), "{context}: stale staging was not cleaned");
    }
    // The delays are drawn across a whole run's length: most rounds must really be cut short,
    // or this test checked finished runs only.
    assert!(interrupted >= 4, "seed {seed}: only {interrupted} of 16 rounds were interrupted");
}

#[test]
fn a_full_disk_leaves_nothing_behind() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n"));
    scratch.write("tpl/{{cookiecutter.n}}/small.txt", "ok\n");
    scratch.write("tpl/{{cookiecutter.n}}/huge.txt", "x".repeat(1 << 20));
    // A file-size limit makes writes fail with EFBIG, as a full disk would with ENOSPC.
    let output = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"", binary(), "-t", "tpl"])
        .current_dir(scratch.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    // The message names the file as the user knows it, not its staging path.
    assert!(stderr.starts_with("error: cannot write app/huge.txt\n"), "{stderr}");
    assert_eq!(scratch.top_level(), ["tpl"], "nothing written, no staging left");
}

#[test]
fn a_read_only_destination_is_an_io_error_and_untouched() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n"));
    scratch.write("tpl/{{cookiecutter.n}}/a.txt", "a\n");
    fs::create_dir(scratch.path("ro")).unwrap();
    // A read-only tmpfs in a private mount namespace (root permissions cannot bypass it).
    let script = "mount -t tmpfs -o size=1m,ro tmpfs ro && exec \"$0\" \"$@\"";
    let output = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, binary(), "-t", "tpl", "-o", "ro"])
        .current_dir(scratch.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("unshare (util-linux) runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr
            .starts_with("error: cannot create a staging directory in ro\ncaused by: Read-only file system"),
        "{stderr}"
    );
}

#[test]
fn a_destination_that_appears_mid_run_is_left_as_it_appeared() {
    Test::new()
        .template(&[
            ("cookiecutter.json", "{\"name\": \"app\"}"),
            ("{{cookiecutter.name}}/a.txt", "a\n"),
            // The hook plays another process creating the destination while stamp works.
            (
                "hooks/pre_gen_project.sh",
                "#!/bin/sh\nmkdir -p '{{ cookiecutter._output_dir }}/{{ cookiecutter.name }}'\necho theirs > '{{ cookiecutter._output_dir }}/{{ cookiecutter.name }}/theirs.txt'\n",
            ),
        ])
        .args(&["-o", "out", "--accept-hooks", "yes"])
        .status(4)
        .stderr("error: out/app already exists; pass --force to replace the template's files in it\n")
        .leaves_tree("out", "app/\napp/theirs.txt = \"theirs\\n\"\n")
        .run();
}

#[test]
fn every_error_is_one_line_with_its_exit_code() {
    let scratch = Scratch::new();
    basic_template(&scratch);
    scratch.write("tpl/snapshots/one.toml", "name = \"X\"\n");
    scratch.write("bad-manifest/stamp.toml", "[template]\nname = 1\n");
    scratch.write("bad-json/cookiecutter.json", "{\"a\": ");
    scratch.write("bad-ext/cookiecutter.json", "{\"a\": \"x\", \"_extensions\": [\"mine.Ext\"]}");
    scratch.write("bad-ext/{{cookiecutter.a}}/f", "");
    scratch.write("bad-syntax/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n"));
    scratch.write("bad-syntax/{{cookiecutter.n}}/f", "{% for %}\n");
    scratch.write("hook-fails/cookiecutter.json", "{\"a\": \"x\"}");
    scratch.write("hook-fails/{{cookiecutter.a}}/f", "");
    scratch.write("hook-fails/hooks/post_gen_project.sh", "#!/bin/sh\nexit 3\n");
    scratch.write("answers.yaml", "name: [unclosed\n");
    scratch.write("answers.json", "[1, 2]");
    scratch.write("latin1.toml", b"name = \"caf\xe9\"\n");
    fs::create_dir_all(scratch.path("exists/demo")).unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["--bogus"], 2),
        (&["-t", "tpl", "--skip-existing"], 2),
        (&["-t", "tpl", "noequals"], 2),
        (&["-t", "tpl", "name=X", "nope=1"], 2),
        (&["-t", "tpl", "name=X", "license=GPL"], 2),
        (&["-t", "tpl"], 2),
        (&["-t", "tpl", "-a", "answers.yaml"], 2),
        (&["-t", "tpl", "-a", "answers.json"], 2),
        (&["-t", "tpl", "-a", "latin1.toml"], 2),
        (&["-t", "tpl", "-a", "answers.ini"], 2),
        (&["check", "-t", "tpl", "nosuchcase"], 2),
        (&["-t", "bad-manifest"], 3),
        (&["-t", "bad-json"], 3),
        (&["-t", "bad-ext"], 3),
        (&["-t", "bad-syntax"], 3),
        (&["-t", "hook-fails", "--accept-hooks", "yes"], 3),
        (&["-t", "missing-dir"], 2),
        (&["-t", "tpl", "-o", "exists", "name=Demo"], 4),
        (&["-t", "tpl", "-a", "no-such-file.toml"], 2),
        (&["check", "-t", "tpl", "--snapshots", "no-such-dir"], 2),
    ];
    for (args, code) in cases {
        let (_, run) = Test::in_scratch(&scratch)
            .args(args)
            .status(*code)
            .stderr_starts_with("error: ")
            .stderr_lacks("panicked")
            .stderr_lacks("RUST_BACKTRACE")
            .run();
        if !args.contains(&"--bogus") && !args.contains(&"--skip-existing") {
            // clap's own usage errors add a usage block; everything else is one line plus causes.
            assert!(
                run.stderr.lines().skip(1).all(|l| l.starts_with("caused by: ")),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
    assert!(!scratch.path("x").exists(), "no failed run wrote its project");
}

/// A template cannot make anything that passes for stamp's staging
/// directories, which the next run beside it would recover.
#[test]
fn generated_names_may_not_pass_for_staging_directories() {
    Test::new()
        .template(&[
            (
                "stamp.toml",
                &format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \".stamp-staging-4194304999-x\"\n"),
            ),
            ("{{cookiecutter.n}}/.stamp", ""),
        ])
        .args(&["--no-input", "-o", "out"])
        .status(3)
        .stderr(
            "error: bad template {{cookiecutter.n}}: the name renders to \".stamp-staging-4194304999-x\", \
             a name stamp keeps for its staging directories\n",
        )
        .leaves_no("out")
        .run();
}

/// A run whose staging directory is removed under it (here by its own hook)
/// fails and leaves nothing: it never makes the directory again.
#[test]
fn a_run_whose_staging_vanishes_fails_and_writes_nothing() {
    Test::new()
        .template(&[
            ("cookiecutter.json", "{\"name\": \"app\"}"),
            ("{{cookiecutter.name}}/a/b.txt", "b\n"),
            ("hooks/pre_gen_project.sh", "#!/bin/sh\nrm -rf \"$(cd ../.. && pwd)\"\n"),
        ])
        .args(&["-o", "out", "--accept-hooks", "yes"])
        .status(5)
        .stderr(
            "error: cannot create directory out/app/a\ncaused by: No such file or directory (os error 2)\n",
        )
        .leaves_no("out")
        .run();
}

/// Two `--force` runs into one project at once: the second waits for the
/// first, so the project ends up entirely as one of them wrote it.
#[test]
fn concurrent_force_runs_into_one_project_never_mix_their_trees() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"big\"\n[[variables]]\nname = \"v\"\ndefault = \"x\"\n"),
    );
    let body = "written by {{ cookiecutter.v }}, with padding to make the file larger\n".repeat(60);
    for i in 0..300 {
        scratch.write(&format!("tpl/{{{{cookiecutter.n}}}}/d{:02}/f{i:04}.txt", i / 20), &body);
    }
    assert_eq!(scratch.run(&["-t", "tpl", "-o", "out"]).code, 0);
    for round in 0..6 {
        let runs: Vec<_> = ["A", "B"]
            .into_iter()
            .map(|v| {
                Command::new(binary())
                    .args(["-t", "tpl", "-o", "out", "--force", &format!("v={v}")])
                    .current_dir(scratch.dir.path())
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut run in runs {
            assert!(run.wait().unwrap().success(), "round {round}: a run failed");
        }
        let mut writers: Vec<String> = walkdir::WalkDir::new(scratch.path("out/big"))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .map(|e| fs::read_to_string(e.path()).unwrap().lines().next().unwrap().to_owned())
            .collect();
        writers.sort();
        writers.dedup();
        assert_eq!(writers.len(), 1, "round {round}: the project mixes {writers:?}");
        assert!(staging_left(&scratch.path("out")).is_empty(), "round {round}");
    }
}

/// Templates that would hang, exhaust memory or crash stamp end in one
/// `error:` line, exit 3, with nothing written.
#[test]
fn unbounded_templates_end_in_a_clean_error() {
    for source in [
        "{% now 'utc' + 'days=1e300' %}",
        "{{ {'a': 1} | jsonify(1000000000000) }}",
        "{{ {'a': 1} | tojson(indent=1000000000000) }}",
        "{{ 'a\nb' | indent(1000000000000) }}",
        "{{ random_ascii_string(100000000000) }}",
        "{{ range(100000000000) | list | length }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for i in range(100000) %}{{ 'x' * 1000000 }}{% endfor %}",
    ] {
        let (_, run) = Test::new()
            .template(&[
                ("stamp.toml", &format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n")),
                ("{{cookiecutter.n}}/f.txt", source),
            ])
            .args(&["--no-input", "-o", "out"])
            .status(3)
            .stderr_starts_with("error: template error in {{cookiecutter.n}}/f.txt:")
            .leaves_no("out")
            .run();
        assert_eq!(run.stderr.lines().count(), 1, "{source}: {}", run.stderr);
    }
}

/// The limits are documented defaults that the environment can change.
#[test]
fn the_limits_can_be_set_from_the_environment() {
    let template = [
        ("stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n")),
        ("{{cookiecutter.n}}/f.txt", "{% for i in range(100) %}{{ i }}{% endfor %}\n".to_owned()),
    ];
    let template: Vec<(&str, &str)> = template.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let (scratch, _) = Test::new()
        .template(&template)
        .args(&["--no-input", "-o", "out"])
        .env("STAMP_MAX_FUEL", "100")
        .status(3)
        .stderr(
            "error: template error in {{cookiecutter.n}}/f.txt:1:29: \
             the template does more work than stamp allows (see the limits in the README)\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "out"])
        .env("STAMP_MAX_FILE_BYTES", "10")
        .status(3)
        .stderr(
            "error: bad template tpl/{{cookiecutter.n}}/f.txt: it is 45 bytes, \
             more than the 10 a template file may hold\n",
        )
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "out"])
        .env("STAMP_MAX_PROJECT_BYTES", "100")
        .status(3)
        .stderr("error: bad template app: the project would hold more than 100 bytes\n")
        .leaves_no("out/app")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "out"])
        .env("STAMP_MAX_FUEL", "lots")
        .status(2)
        .stderr("error: STAMP_MAX_FUEL must be a whole number, not \"lots\"\n")
        .run();
    Test::in_scratch(&scratch)
        .args(&["-t", "tpl", "--no-input", "-o", "out"])
        .env("STAMP_MAX_FUEL", "100000")
        .run();
}

/// SIGTERM while a hook runs: the hook's whole process group is stopped,
/// and the hook script and the template copy are removed with the staging.
#[test]
fn a_signal_stops_running_hooks_and_removes_their_files() {
    let scratch = Scratch::new();
    scratch.write("tpl/cookiecutter.json", "{\"name\": \"app\"}");
    scratch.write("tpl/{{cookiecutter.name}}/a.txt", "a\n");
    scratch.write(
        "tpl/hooks/pre_prompt.sh",
        "#!/bin/sh\n(sleep 30; touch \"$AFTER\") &\necho $! > \"$PIDFILE\"\nwait\n",
    );
    fs::create_dir(scratch.path("tmp")).unwrap();
    let child = Command::new(binary())
        .args(["-t", "tpl", "-o", "out", "--accept-hooks", "yes"])
        .current_dir(scratch.dir.path())
        .env("TMPDIR", scratch.path("tmp"))
        .env("PIDFILE", scratch.path("pid"))
        .env("AFTER", scratch.path("after"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fs::read_to_string(scratch.path("pid")).map_or(true, |p| !p.ends_with('\n')) {
        assert!(started.elapsed() < Duration::from_secs(20), "the hook never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let grandchild = fs::read_to_string(scratch.path("pid")).unwrap().trim().to_owned();
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(143), "{}", String::from_utf8_lossy(&output.stderr));
    let alive = || Command::new("kill").args(["-0", &grandchild]).status().unwrap().success();
    let stopped = Instant::now();
    while alive() {
        assert!(stopped.elapsed() < Duration::from_secs(5), "the hook's own child outlived stamp");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(fs::read_dir(scratch.path("tmp")).unwrap().next().is_none(), "hook script or template copy left");
    assert!(!scratch.path("out").exists());
}

/// A directory of the project swapped for a link to elsewhere while a
/// `--force` run commits: whatever the timing, nothing is written through it.
#[test]
fn a_link_swapped_in_during_a_force_commit_is_never_written_through() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let scratch = Scratch::new();
    big_template(&scratch, 300);
    assert_eq!(scratch.run(&["-t", "tpl", "-o", "out"]).code, 0);
    let outside = scratch.path("outside");
    fs::create_dir(&outside).unwrap();
    for round in 0..6 {
        for entry in walkdir::WalkDir::new(scratch.path("out/big")).into_iter().map(Result::unwrap) {
            if entry.file_type().is_file() {
                fs::write(entry.path(), "old\n").unwrap();
            }
        }
        let stop = AtomicBool::new(false);
        let (dir, aside) = (scratch.path("out/big/d07"), scratch.path("out/big/d07.aside"));
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    if fs::rename(&dir, &aside).is_ok() {
                        let _ = std::os::unix::fs::symlink(&outside, &dir);
                        std::thread::sleep(Duration::from_micros(200));
                        let _ = fs::remove_file(&dir);
                        let _ = fs::rename(&aside, &dir);
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
            });
            let run = scratch.run(&["-t", "tpl", "-o", "out", "--force"]);
            stop.store(true, Ordering::Relaxed);
            assert!(matches!(run.code, 0 | 5), "round {round}: {run:?}");
        });
        assert!(fs::read_dir(&outside).unwrap().next().is_none(), "round {round}: written through the link");
    }
}

/// Values nested 100 000 deep end in an error, never a stack overflow:
/// in answers files of every format, in `cookiecutter.json`, in a template.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let template = [
        ("stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n")),
        ("{{cookiecutter.n}}/f.txt", format!("{{{{ {deep} }}}}")),
    ];
    let template: Vec<(&str, &str)> = template.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let (scratch, _) = Test::new()
        .template(&template)
        .args(&["--no-input", "-o", "out"])
        .status(3)
        .stderr_starts_with("error: template error in {{cookiecutter.n}}/f.txt:1:")
        .run();
    for (name, text) in [
        ("deep.json", format!("{{\"n\": {deep}}}")),
        ("deep.yaml", format!("n: {deep}\n")),
        ("deep.toml", format!("n = {deep}\n")),
    ] {
        Test::in_scratch(&scratch)
            .file(name, &text)
            .args(&["-t", "tpl", "--no-input", "-o", "out", "-a", name])
            .status(2)
            .stderr_starts_with(&format!("error: cannot read answers file {name}: "))
            .run();
    }
    Test::in_scratch(&scratch)
        .file("cc/cookiecutter.json", format!("{{\"n\": \"a\", \"x\": {deep}}}"))
        .file("cc/{{cookiecutter.n}}/f", "x")
        .args(&["-t", "cc", "--no-input", "-o", "out"])
        .status(3)
        .stderr_starts_with("error: cc/cookiecutter.json: line 1 column ")
        .run();
}

#[test]
fn a_force_commit_that_fails_half_way_puts_every_original_back() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"app\"\n"));
    scratch.write("tpl/{{cookiecutter.n}}/a.txt", "template a\n");
    scratch.write("tpl/{{cookiecutter.n}}/sub/b.txt", "template b\n");
    scratch.write("out/app/a.txt", "mine a\n");
    fs::create_dir_all(scratch.path("out/app/sub")).unwrap();
    // `sub` is another file system (a tmpfs in a private mount namespace): a.txt is replaced
    // first, then moving b.txt across devices fails, and the commit must roll a.txt back.
    let script = "mount -t tmpfs -o size=1m tmpfs out/app/sub && printf 'mine b\\n' > out/app/sub/b.txt \
                  && \"$0\" \"$@\"; printf 'exit=%s\\n' \"$?\"; cat out/app/sub/b.txt";
    let output = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, binary(), "-t", "tpl", "-o", "out", "--force", "--no-input"])
        .current_dir(scratch.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("unshare (util-linux) runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stdout, "exit=5\nmine b\n", "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(
        fs::read_to_string(scratch.path("out/app/a.txt")).unwrap(),
        "mine a\n",
        "a.txt was not put back"
    );
    let mut left: Vec<String> = fs::read_dir(scratch.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["app"], "no staging directory is left behind");
}
