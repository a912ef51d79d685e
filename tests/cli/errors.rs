//! Bad templates and bad flags: one `error:` line naming the place, the
//! right exit code, and nothing written.

use crate::support::Scratch;

const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

#[test]
fn manifest_problems_are_all_reported_with_lines() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        format!(
            "{HEAD}[[variables]]\nname = \"a\"\nvalidation = {{ regex = \"[\" }}\n[[variables]]\nname = \"b\"\ntype = \"choice\"\nchoices = [\"x\"]\ndefault = \"y\"\n[[variables]]\nname = \"c\"\nwhen = \"{{{{ cookiecutter.nope }}}}\"\n"
        ),
    );
    scratch.write("tpl/{{cookiecutter.a}}/f", "");
    let run = scratch.run(&["-t", "tpl", "--no-input"]);
    assert_eq!(run.code, 3);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(
        lines[0].starts_with("error: tpl/stamp.toml:6: variable `a`: invalid validation regex"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "error: tpl/stamp.toml:11: variable `b`: invalid default: \"y\" is not one of: x");
    assert_eq!(
        lines[2],
        "error: tpl/stamp.toml:14: variable `c`: `when` uses `nope`, which is not a question declared before it"
    );
}

#[test]
fn template_errors_name_file_line_and_column_and_write_nothing() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"slug\"\ndefault = \"app\"\n"));
    scratch.write("tpl/{{cookiecutter.slug}}/a.txt", "fine\n");
    scratch.write("tpl/{{cookiecutter.slug}}/b.txt", "line one\nvalue: {{ cookiecutter.missing }}\n");
    let run = scratch.run(&["-t", "tpl"]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        "error: template error in {{cookiecutter.slug}}/b.txt:2:11: undefined value: `cookiecutter.missing` is undefined\n"
    );
    scratch.write("tpl/{{cookiecutter.slug}}/b.txt", "{% if %}\n");
    let run = scratch.run(&["-t", "tpl"]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.starts_with("error: template error in {{cookiecutter.slug}}/b.txt:1:"),
        "{}",
        run.stderr
    );
    assert_eq!(scratch.top_level(), ["tpl"]);
}

#[test]
fn layout_errors_and_names_that_escape_are_refused() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", format!("{HEAD}[[variables]]\nname = \"n\"\ndefault = \"a/b\"\n"));
    let run = scratch.run(&["-t", "tpl"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.starts_with("error: bad template tpl: no top-level directory"), "{}", run.stderr);
    scratch.write("tpl/{{cookiecutter.n}}/f.txt", "x");
    let run = scratch.run(&["-t", "tpl"]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        "error: bad template {{cookiecutter.n}}: the name renders to \"a/b\", which is not a single file name\n"
    );
    let run = scratch.run(&["-t", "nowhere"]);
    assert_eq!((run.code, run.stderr.as_str()), (3, "error: bad template nowhere: no such directory\n"));
    assert_eq!(scratch.top_level(), ["tpl"]);
}

#[test]
fn bad_flags_exit_2() {
    let scratch = Scratch::new();
    let run = scratch.run(&["--skip-existing"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: the following required arguments were not provided:"),
        "{}",
        run.stderr
    );
    let run = scratch.run(&["=value"]);
    assert_eq!((run.code, run.stderr.as_str()), (2, "error: expected KEY=VALUE, found \"=value\"\n"));
    let run = scratch.run(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("--no-input"));
}
