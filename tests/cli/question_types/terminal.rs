//! The question types at a pseudo-terminal: a bound and a validator refuse
//! a reply and ask again, a text takes several lines, and json is asked
//! again on a parse error, with where it failed.

use crate::support::Scratch;
use crate::terminal::{Terminal, exit_code, spawn};

const MANIFEST: &str = r#"[template]
name = "types"
version = "1"
[[variables]]
name = "name"
prompt = "Name?"
default = "demo"
[[variables]]
name = "ratio"
prompt = "Ratio?"
type = "float"
default = 1.5
max = 10
[[variables]]
name = "top"
prompt = "Top?"
type = "integer"
default = 5
[[variables]]
name = "low"
prompt = "Low?"
type = "integer"
default = 1
validator = "{% if cookiecutter.low > cookiecutter.top %}low must not exceed top{% endif %}"
[[variables]]
name = "notes"
prompt = "Notes?"
type = "text"
[[variables]]
name = "cfg"
prompt = "Config?"
type = "json"
default = '{"a": 1}'
"#;

const OUT: &str = "ratio={{ cookiecutter.ratio }}\nlow={{ cookiecutter.low }}\n\
                   notes={{ cookiecutter.notes }}\ncfg={{ cookiecutter.cfg }}\n";

#[test]
fn refused_replies_are_asked_again_and_texts_take_several_lines() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", MANIFEST);
    scratch.write("tpl/{{cookiecutter.name}}/out.txt", OUT);
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    p.exp_string("Name?").unwrap();
    p.send_line("").unwrap();
    // A bound refuses and names itself; the question is asked again.
    p.exp_string("Ratio?").unwrap();
    p.send_line("12").unwrap();
    p.exp_string("12 is more than the maximum, 10").unwrap();
    p.exp_string("Ratio?").unwrap();
    p.send_line("2.5").unwrap();
    p.exp_string("Top?").unwrap();
    p.send_line("").unwrap();
    // The validator sees the earlier answer and this one.
    p.exp_string("Low?").unwrap();
    p.send_line("9").unwrap();
    p.exp_string("low must not exceed top").unwrap();
    p.exp_string("Low?").unwrap();
    p.send_line("3").unwrap();
    // A text ends with a line of just `.`; blank lines are kept.
    p.exp_string("Notes?").unwrap();
    p.exp_string("a line of just . ends").unwrap();
    for line in ["first", "", "third", "."] {
        p.send_line(line).unwrap();
    }
    // JSON that does not parse is refused with where, and asked again.
    p.exp_string("Config?").unwrap();
    p.send_line("{\"a\": }").unwrap();
    p.send_line(".").unwrap();
    p.exp_string("line 1 column 7").unwrap();
    p.exp_string("Config?").unwrap();
    for line in ["{\"a\":", "  [2, 3]}", "."] {
        p.send_line(line).unwrap();
    }
    p.exp_string("Generated demo from types 1").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        std::fs::read_to_string(scratch.path("demo/out.txt")).unwrap(),
        "ratio=2.5\nlow=3\nnotes=first\n\nthird\ncfg={'a': [2, 3]}\n"
    );
}

#[test]
fn enter_keeps_the_defaults_of_several_lines() {
    let scratch = Scratch::new();
    scratch.write(
        "tpl/stamp.toml",
        MANIFEST.replace("type = \"text\"\n", "type = \"text\"\ndefault = \"x\\ny\"\n"),
    );
    scratch.write("tpl/{{cookiecutter.name}}/out.txt", OUT);
    let mut p = spawn(&scratch, &["-t", "tpl"]);
    for prompt in ["Name?", "Ratio?", "Top?", "Low?"] {
        p.exp_string(prompt).unwrap();
        p.send_line("").unwrap();
    }
    p.exp_string("Notes?").unwrap();
    p.exp_string("(1 more line))").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Config?").unwrap();
    p.exp_string("({\"a\":1})").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        std::fs::read_to_string(scratch.path("demo/out.txt")).unwrap(),
        "ratio=1.5\nlow=1\nnotes=x\ny\ncfg={'a': 1}\n"
    );
}

/// The lines typed and the refusals leave the screen once answered: one
/// answered line per question, a text's first line with how many follow.
#[test]
fn the_answered_lines_replace_what_was_typed() {
    let scratch = Scratch::new();
    scratch.write("tpl/stamp.toml", MANIFEST);
    scratch.write("tpl/{{cookiecutter.name}}/out.txt", OUT);
    let mut t = Terminal::spawn(&scratch, &["-t", "tpl"], &[]);
    for prompt in ["Name?", "Ratio?", "Top?"] {
        t.wait_for(prompt);
        t.send("\r");
    }
    // Twice refused by the validator: the latest reason replaces the refused answer's line, and
    // the answer replaces the reason.
    t.wait_for("Low?");
    t.send("9\r");
    t.wait_for("low must not exceed top");
    t.wait_for("Low?");
    t.send("8\r");
    t.wait_for("low must not exceed top");
    t.wait_for("Low?");
    let screen = t.screen();
    assert!(screen.contains("✔ Top? · 5\n✘ low must not exceed top\n? [4/6] Low?"), "{screen}");
    t.send("\r");
    t.wait_for("Notes?");
    t.send("a line long enough to wrap at sixty columns, which it does twice over here\r\rlast\r.\r");
    t.wait_for("Config?");
    t.send("[1,\r.\r");
    t.wait_for("column 3");
    t.wait_for("Config?");
    t.send("[1]\r.\r");
    assert_eq!(t.finish(), 0);
    let screen = t.screen();
    assert!(
        screen.contains(
            "✔ Top? · 5\n✔ Low? · 1\n✔ Notes? · a line long enough to wrap at sixty columns,\nwhich it does twice over here … (2 more lines)\n✔ Config? · [1]\nGenerated demo"
        ),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(scratch.path("demo/out.txt")).unwrap(),
        "ratio=1.5\nlow=1\nnotes=a line long enough to wrap at sixty columns, which it does twice over here\n\nlast\ncfg=[1]\n"
    );
}
