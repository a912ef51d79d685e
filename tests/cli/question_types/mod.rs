//! The question types beyond text, yes/no and choices: float, path, text,
//! json and yaml, number bounds and cross-answer validators, from answers
//! files, `KEY=VALUE`, `stamp vars` and `check --all-combinations`.

mod terminal;

use crate::support::{Scratch, Test};

/// A template with one question of each new type.
pub(crate) const TYPES: &str = r#"[template]
name = "types"
version = "1"
[[variables]]
name = "name"
default = "demo"
[[variables]]
name = "ratio"
type = "float"
default = 1.5
min = 0
max = 10
[[variables]]
name = "port"
type = "integer"
default = 8080
min = 1
max = 65535
[[variables]]
name = "low"
type = "integer"
default = 1
validator = "{% if cookiecutter.low > cookiecutter.port %}low must not exceed port ({{ cookiecutter.port }}){% endif %}"
[[variables]]
name = "dir"
type = "path"
default = "src/app"
[[variables]]
name = "notes"
type = "text"
default = "one\ntwo"
[[variables]]
name = "cfg"
type = "json"
default = '{"a": 1}'
[[variables]]
name = "more"
type = "yaml"
default = "[]"
"#;

/// What the template writes: each answer as templates see it.
pub(crate) const OUT: &str = "ratio={{ cookiecutter.ratio }}
port={{ cookiecutter.port }}
low={{ cookiecutter.low }}
dir={{ cookiecutter.dir }}
notes={{ cookiecutter.notes }}
cfg.a={{ cookiecutter.cfg.a if cookiecutter.cfg is mapping else '-' }}
cfg={{ cookiecutter.cfg }}
more={{ cookiecutter.more }}
";

/// A run of `command` (nothing for `stamp new`) on the [`TYPES`] template.
fn types(command: &[&str]) -> Test<Scratch> {
    Test::new().args(command).template(&[("stamp.toml", TYPES), ("{{cookiecutter.name}}/out.txt", OUT)])
}

fn out(ratio: &str, port: &str, dir: &str, notes: &str, cfg_a: &str, cfg: &str, more: &str) -> String {
    format!(
        "ratio={ratio}\nport={port}\nlow=1\ndir={dir}\nnotes={notes}\ncfg.a={cfg_a}\ncfg={cfg}\nmore={more}\n"
    )
}

#[test]
fn defaults_render_as_python_prints_them() {
    types(&[])
        .args(&["--no-input"])
        .leaves_file("demo/out.txt", out("1.5", "8080", "src/app", "one\ntwo", "1", "{'a': 1}", "[]"))
        .run();
}

/// Each answers file is read, rendered, recorded, and the record read
/// back gives the same project.
#[test]
fn answers_files_in_every_format_and_the_record_reads_back_the_same() {
    let cases = [
        (
            "a.toml",
            "ratio = 2\nport = \"443\"\ndir = \"./out//x/\"\nnotes = \"l1\\n\\nl3\"\n\
             cfg = { a = 2, b = [1, \"x\"] }\nmore = { k = \"v\" }\n",
            out("2.0", "443", "out/x", "l1\n\nl3", "2", "{'a': 2, 'b': [1, 'x']}", "{'k': 'v'}"),
        ),
        (
            "a.yaml",
            "ratio: 0.25\nport: 22\ndir: /srv//data/\nnotes: |\n  a\n  b\ncfg: {a: 3}\nmore: \"[x, z]\"\n",
            out("0.25", "22", "/srv/data", "a\nb\n", "3", "{'a': 3}", "['x', 'z']"),
        ),
        (
            "a.json",
            r#"{"ratio": 3, "dir": "..//up", "cfg": "{\"a\": 4}", "more": {"n": null}}"#,
            out("3.0", "8080", "../up", "one\ntwo", "4", "{'a': 4}", "{'n': None}"),
        ),
    ];
    for (file, text, expected) in cases {
        let (scratch, _) = types(&[])
            .file(file, text)
            .args(&["--no-input", "-a", file])
            .leaves_file("demo/out.txt", &expected)
            .run();
        let record = std::fs::read_to_string(scratch.path("demo/.stamp-answers.toml")).unwrap();
        scratch.write("again.toml", &record);
        std::fs::remove_dir_all(scratch.path("demo")).unwrap();
        Test::in_scratch(&scratch)
            .args(&["-t", "tpl", "--no-input", "-a", "again.toml"])
            .leaves_file("demo/out.txt", &expected)
            .leaves_file("demo/.stamp-answers.toml", &record)
            .run();
    }
}

#[test]
fn the_record_keeps_native_values_where_toml_can() {
    let (scratch, _) =
        types(&[]).args(&["--no-input", "ratio=2", "cfg={\"a\": [1, 2]}", "more=x: null"]).run();
    let record = std::fs::read_to_string(scratch.path("demo/.stamp-answers.toml")).unwrap();
    assert!(record.contains("ratio = 2.0\n"), "{record}");
    assert!(record.contains("notes = \"\"\"\none\ntwo\"\"\"\n"), "{record}");
    // TOML has no null: a value holding one is recorded as its JSON text.
    assert!(record.contains("more = '{\"x\":null}'\n"), "{record}");
    assert!(record.ends_with("\n[cfg]\na = [1, 2]\n"), "{record}");
}

#[test]
fn key_value_arguments_are_parsed_as_their_type() {
    types(&[])
        .args(&["--no-input", "ratio=1e0", "dir=./", "cfg=[1, 2]", "more=a: [b]", "notes=x", "port= 9 "])
        .leaves_file("demo/out.txt", out("1.0", "9", ".", "x", "-", "[1, 2]", "{'a': ['b']}"))
        .run();
}

#[test]
fn refused_values_from_files_name_the_file_and_key() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "a.toml",
            "port = 70000\n",
            "invalid value for `port` in a.toml:1: 70000 is more than the maximum, 65535",
        ),
        ("a.yaml", "ratio: -1\n", "invalid value for `ratio` in a.yaml:1: -1 is less than the minimum, 0"),
        ("a.json", r#"{"ratio": "nan"}"#, "invalid value for `ratio` in a.json: expected a finite number"),
        ("a.toml", "low = 9000\n", "invalid value for `low` in a.toml:1: low must not exceed port (8080)"),
        (
            "a.toml",
            "cfg = '{\"a\": }'\n",
            "invalid value for `cfg` in a.toml:1: not valid JSON: expected value at line 1 column 7",
        ),
        ("a.toml", "dir = \"\"\n", "invalid value for `dir` in a.toml:1: expected a path, found nothing"),
        ("a.toml", "more = \"a: [\"\n", "invalid value for `more` in a.toml:1: not valid YAML"),
    ];
    for (file, text, message) in cases {
        types(&[])
            .file(file, text)
            .args(&["--no-input", "-a", file])
            .status(2)
            .stderr_contains(message)
            .leaves_no("demo")
            .run();
    }
    // A validator sees the answers before it, given or not.
    types(&[])
        .args(&["--no-input", "port=100", "low=200"])
        .status(2)
        .stderr_contains("invalid value for `low` in the command line: low must not exceed port (100)")
        .run();
    // The default is checked too when nobody can be asked again.
    let refused_default = TYPES.replace(
        "name = \"low\"\ntype = \"integer\"\ndefault = 1",
        "name = \"low\"\ntype = \"integer\"\ndefault = 99999",
    );
    Test::new()
        .template(&[("stamp.toml", &refused_default), ("{{cookiecutter.name}}/out.txt", OUT)])
        .args(&["--no-input"])
        .status(2)
        .stderr_contains("invalid value for `low` in the default: low must not exceed port (8080)")
        .run();
}

#[test]
fn vars_shows_types_bounds_and_validators() {
    let (scratch, _) = types(&["vars"])
        .stdout_contains("\nratio (float)  ratio\n  default: 1.5\n  from 0 to 10\n")
        .stdout_contains("\nlow (integer)  low\n  default: 1\n  validator: {% if cookiecutter.low")
        .stdout_contains("\nnotes (text)  notes\n  default: \"one\\ntwo\"\n")
        .stdout_contains("\ncfg (json)  cfg\n  default: {\"a\":1}\n")
        .run();
    let (_, run) = Test::in_scratch(&scratch).args(&["vars", "-t", "tpl", "--json"]).run();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ratio = &json["variables"][1];
    assert_eq!((&ratio["type"], &ratio["min"], &ratio["max"]), (&"float".into(), &0.0.into(), &10.0.into()));
    assert_eq!(json["variables"][2]["max"], 65535);
    assert!(json["variables"][3]["validator"].as_str().unwrap().contains("low must not exceed port"));
    assert_eq!(json["variables"][6]["default"], serde_json::json!({"a": 1}));
    assert_eq!(json["variables"][7]["type"], "yaml");
    let (_, run) = Test::in_scratch(&scratch).args(&["vars", "-t", "tpl", "--schema"]).run();
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let property = |name: &str| schema["properties"][name].clone();
    assert_eq!(property("ratio")["type"], "number");
    assert_eq!(
        (property("port")["minimum"].clone(), property("port")["maximum"].clone()),
        (1.into(), 65535.into())
    );
    assert_eq!(property("cfg").get("type"), None);
}

/// A template for the schema's agreement with stamp: numbers with and
/// without bounds, a path, a text and structured values.
const SCHEMA_TYPES: &str = r#"[template]
name = "schema"
version = "1"
[[variables]]
name = "f"
type = "float"
default = 1
[[variables]]
name = "b"
type = "float"
default = 0.5
min = 0
max = 1
[[variables]]
name = "i"
type = "integer"
default = 5
min = 1
max = 10
[[variables]]
name = "p"
type = "path"
default = "x"
[[variables]]
name = "t"
type = "text"
default = "x"
[[variables]]
name = "j"
type = "json"
default = "{}"
[[variables]]
name = "y"
type = "yaml"
default = "{}"
"#;

/// Values for [`SCHEMA_TYPES`] that stamp and the schema must judge alike.
/// Left out on purpose: a bounded number written as text (`"5"`), which
/// stamp takes and the schema, unable to bound text, refuses; and text for
/// a json or yaml question, which stamp parses and the schema cannot.
const SCHEMA_CASES: &[(&str, &str)] = &[
    ("f", "1.5"),
    ("f", "2"),
    ("f", r#""1e3""#),
    ("f", r#"" 2.5 ""#),
    ("f", r#"".5""#),
    ("f", r#""-1.""#),
    ("f", r#""abc""#),
    ("f", r#""nan""#),
    ("f", r#""inf""#),
    ("f", "true"),
    ("f", "null"),
    ("f", "[]"),
    ("b", "0"),
    ("b", "1"),
    ("b", "0.5"),
    ("b", "1.5"),
    ("b", "-0.1"),
    ("i", "1"),
    ("i", "10"),
    ("i", "0"),
    ("i", "11"),
    ("i", "5.5"),
    ("p", r#""a/b""#),
    ("p", r#""./a//b/""#),
    ("p", r#""""#),
    ("p", r#""  ""#),
    ("p", r#""a\u0000b""#),
    ("p", "5"),
    ("p", "true"),
    ("t", r#""a\nb""#),
    ("t", "3"),
    ("t", "true"),
    ("j", r#"{"a": [1, null]}"#),
    ("j", "[1]"),
    ("j", "3"),
    ("j", "null"),
    ("y", r#"{"a": 1}"#),
    ("y", "false"),
];

/// What `stamp vars --schema` accepts is what stamp accepts, as in
/// `vars::the_schema_accepts_what_stamp_accepts`, for the types here.
#[test]
fn the_schema_accepts_what_stamp_accepts_for_the_new_types() {
    crate::vars::schema_agrees_with_stamp(SCHEMA_TYPES, "{{cookiecutter.t}}/f", SCHEMA_CASES);
}

#[test]
fn bad_manifests_report_every_problem_with_its_line() {
    let manifest = "[template]\nname = \"t\"\nversion = \"1\"\n\
                    [[variables]]\nname = \"a\"\ntype = \"text\"\nmin = 1\n\
                    [[variables]]\nname = \"b\"\ntype = \"float\"\nmin = 2\nmax = 1.5\n\
                    [[variables]]\nname = \"c\"\ntype = \"integer\"\nmax = 3\ndefault = 4\n\
                    [[variables]]\nname = \"d\"\ntype = \"jsn\"\n\
                    [[variables]]\nname = \"e\"\nvalidator = \"{{ cookiecutter.later }}\"\n\
                    [[variables]]\nname = \"later\"\n";
    Test::new()
        .template(&[("stamp.toml", manifest), ("{{cookiecutter.a}}/f", "x")])
        .args(&["--no-input"])
        .status(3)
        .stderr(
            "error: tpl/stamp.toml:7: variable `a`: `min` only applies to integer and float questions, not text\n\
             error: tpl/stamp.toml:12: variable `b`: `min` (2) is more than `max` (1.5): no answer could be given\n\
             error: tpl/stamp.toml:17: variable `c`: invalid default: 4 is more than the maximum, 3\n\
             error: tpl/stamp.toml:20: variable `d`: `type`: unknown variant `jsn`, expected one of `string`, \
             `bool`, `choice`, `multichoice`, `integer`, `secret`, `float`, `path`, `text`, `json`, `yaml`; \
             did you mean `json`?\n\
             error: tpl/stamp.toml:23: variable `e`: `validator` uses `later`, which is not a question declared \
             before it\n",
        )
        .run();
}

/// `{% now %}` works in every template string of a manifest.
#[test]
fn now_works_in_defaults_conditions_computed_values_validators_and_next_steps() {
    let manifest = "[template]\nname = \"t\"\nversion = \"1\"\nnext_steps = \"made in {% now 'utc', '%Y' %}\"\n\
                    [[variables]]\nname = \"name\"\ndefault = \"demo-{% now 'utc', '%Y' %}\"\n\
                    [[variables]]\nname = \"year\"\ntype = \"integer\"\ncomputed = \"{% now 'utc', '%Y' %}\"\n\
                    [[variables]]\nname = \"old\"\ntype = \"bool\"\ndefault = true\nwhen = \"{% now 'utc', '%Y' %}\"\n\
                    [[variables]]\nname = \"until\"\ntype = \"integer\"\ndefault = 2000\n\
                    validator = \"{% if cookiecutter.until < cookiecutter.year %}not before {% now 'utc', '%Y' %}{% endif %}\"\n";
    let files = [
        ("stamp.toml", manifest),
        ("{{cookiecutter.name}}/f", "{{ cookiecutter.year }} {{ cookiecutter.old }}\n"),
    ];
    Test::new()
        .template(&files)
        .env("SOURCE_DATE_EPOCH", "31536000")
        .args(&["--no-input"])
        .leaves_file("demo-1971/f", "1971 True\n")
        .stderr_contains("Next steps:\n  made in 1971")
        .run();
    Test::new()
        .template(&files)
        .env("SOURCE_DATE_EPOCH", "31536000")
        .args(&["--no-input", "until=1960"])
        .status(2)
        .stderr_contains("invalid value for `until` in the command line: not before 1971")
        .run();
}

/// Floats, paths, texts and structured values are not enumerable: every
/// combination takes their default, as for strings and integers.
#[test]
fn all_combinations_use_the_default_of_the_new_types() {
    let manifest = format!("{TYPES}[[variables]]\nname = \"flag\"\ntype = \"bool\"\n");
    let out = format!("{OUT}flag={{{{ cookiecutter.flag }}}}\n");
    Test::new()
        .args(&["check"])
        .template(&[("stamp.toml", &manifest), ("{{cookiecutter.name}}/out.txt", &out)])
        .args(&["--all-combinations", "--exec", "grep -qx 'ratio=1.5' out.txt && grep -qx 'cfg.a=1' out.txt"])
        .stdout("ok       flag=yes\nok       flag=no\n2 combinations: 2 passed, 0 failed\n")
        .run();
}
