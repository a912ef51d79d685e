//! The library as others embed it: only the public face of `stamp`.

use std::path::Path;

use stamp::{Error, NoPrompter, Request, SourceTree, TemplateSource, generate};

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn two_runs_at_once_in_one_process_each_write_their_own_project() {
    let out = tempfile::tempdir().unwrap();
    let runs: Vec<_> = ["one", "two"]
        .into_iter()
        .map(|name| {
            let mut request = Request::new(TemplateSource::Builtin);
            request.output_dir = out.path().join(name);
            std::thread::spawn(move || generate(&request, &mut NoPrompter, &|_| {}))
        })
        .collect();
    for run in runs {
        let outcome = run.join().unwrap().unwrap();
        assert!(outcome.destination.join("docs/secrets-management.md").is_file());
    }
    assert_eq!(file_names(out.path()), ["one", "two"]);
    for name in ["one", "two"] {
        assert_eq!(file_names(&out.path().join(name)), ["my-service"], "no staging directory left in {name}");
    }
}

#[test]
fn manifest_problems_carry_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stamp.toml"),
        "[template]\nname = \"t\"\nversion = \"1\"\n\n[[variables]]\nname = \"a b\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("{{cookiecutter.x}}")).unwrap();
    let Err(Error::Manifest { problems }) =
        SourceTree::load(&TemplateSource::Directory(dir.path().to_owned()))
    else {
        panic!("the manifest has a problem")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, dir.path().join("stamp.toml"));
    assert_eq!(problems[0].line, Some(6));
    assert!(problems[0].message.contains("letters, digits and underscores"), "{}", problems[0].message);
}
