//! `min` and `max` of an integer or float question, checked when the
//! manifest is read: each a number of the question's kind, the first not
//! above the second.

use toml::Spanned;

use super::shape::{Problems, RawVariable};
use crate::model::Kind;

/// The bounds `raw` gives, each problem reported at its line.
pub(super) fn check(raw: &RawVariable, label: &str, problems: &mut Problems) -> (Option<f64>, Option<f64>) {
    let min = raw.min.as_ref().and_then(|value| bound(raw.kind, "min", value, label, problems));
    let max = raw.max.as_ref().and_then(|value| bound(raw.kind, "max", value, label, problems));
    if let (Some(low), Some(high), Some(at)) = (min, max, &raw.max)
        && low > high
    {
        problems.add(
            at.span(),
            format!(
                "{label}: `min` ({}) is more than `max` ({}): no answer could be given",
                crate::model::number_text(low),
                crate::model::number_text(high)
            ),
        );
        return (None, None);
    }
    (min, max)
}

fn bound(
    kind: Kind,
    field: &str,
    value: &Spanned<toml::Value>,
    label: &str,
    problems: &mut Problems,
) -> Option<f64> {
    #[allow(clippy::cast_precision_loss, reason = "bounds beyond 2^53 are not told apart")]
    let number = match (kind, value.get_ref()) {
        (Kind::Integer | Kind::Float, toml::Value::Integer(i)) => *i as f64,
        (Kind::Float, toml::Value::Float(x)) if x.is_finite() => *x,
        (Kind::Integer, _) => {
            problems.add(
                value.span(),
                format!("{label}: `{field}` of an integer question must be a whole number"),
            );
            return None;
        }
        (Kind::Float, _) => {
            problems.add(value.span(), format!("{label}: `{field}` must be a finite number"));
            return None;
        }
        (other, _) => {
            problems.add(
                value.span(),
                format!(
                    "{label}: `{field}` only applies to integer and float questions, not {}",
                    other.name()
                ),
            );
            return None;
        }
    };
    Some(number)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::error::Error;
    use crate::model::{Answer, DefaultValue, Kind, Manifest};

    const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

    fn parse(variables: &str) -> crate::error::Result<Manifest> {
        super::super::manifest::parse(Path::new("stamp.toml"), &format!("{HEAD}{variables}"))
    }

    fn problems(variables: &str) -> Vec<String> {
        let Err(Error::Manifest { problems }) = parse(variables) else { panic!("expected problems") };
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn reads_the_new_kinds_and_their_fields() {
        let manifest = parse(
            "[[variables]]\nname = \"ratio\"\ntype = \"float\"\ndefault = 2\nmin = 0\nmax = 2.5\n\
             [[variables]]\nname = \"port\"\ntype = \"integer\"\ndefault = 8080\nmin = 1\nmax = 65535\n\
             validator = \"{% if cookiecutter.port == 22 %}not ssh{% endif %}\"\n\
             [[variables]]\nname = \"dir\"\ntype = \"path\"\ndefault = \"./src//app/\"\n\
             [[variables]]\nname = \"notes\"\ntype = \"text\"\n\
             [[variables]]\nname = \"cfg\"\ntype = \"json\"\ndefault = { a = [1, 2] }\n\
             [[variables]]\nname = \"more\"\ntype = \"yaml\"\ndefault = \"{{ cookiecutter.cfg }}\"\n",
        )
        .unwrap();
        let kinds: Vec<Kind> = manifest.questions.iter().map(|q| q.kind).collect();
        assert_eq!(kinds, [Kind::Float, Kind::Integer, Kind::Path, Kind::Text, Kind::Json, Kind::Yaml]);
        assert_eq!((manifest.questions[0].min, manifest.questions[0].max), (Some(0.0), Some(2.5)));
        assert!(
            matches!(manifest.questions[0].default, Some(DefaultValue::Literal(Answer::Float(x))) if x.to_bits() == 2.0f64.to_bits())
        );
        assert!(manifest.questions[1].validator.is_some());
        assert!(
            matches!(&manifest.questions[2].default, Some(DefaultValue::Literal(Answer::String(p))) if p == "src/app")
        );
        assert!(matches!(manifest.questions[4].default, Some(DefaultValue::Literal(Answer::Structured(_)))));
    }

    #[test]
    fn bad_bounds_are_problems_at_their_lines() {
        let found = problems(
            "[[variables]]\nname = \"a\"\nmin = 1\n\
             [[variables]]\nname = \"b\"\ntype = \"integer\"\nmin = 5\nmax = 1\n\
             [[variables]]\nname = \"c\"\ntype = \"integer\"\nmax = 1.5\n\
             [[variables]]\nname = \"d\"\ntype = \"float\"\nmax = 10\ndefault = 11\n\
             [[variables]]\nname = \"e\"\ntype = \"float\"\nmin = \"x\"\n",
        );
        assert_eq!(
            found,
            [
                "stamp.toml:6: variable `a`: `min` only applies to integer and float questions, not string",
                "stamp.toml:11: variable `b`: `min` (5) is more than `max` (1): no answer could be given",
                "stamp.toml:15: variable `c`: `max` of an integer question must be a whole number",
                "stamp.toml:20: variable `d`: invalid default: 11 is more than the maximum, 10",
                "stamp.toml:24: variable `e`: `min` must be a finite number",
            ]
        );
    }

    #[test]
    fn a_validator_may_use_earlier_questions_and_itself_only() {
        let found = problems(
            "[[variables]]\nname = \"a\"\nvalidator = \"{% if cookiecutter.a == cookiecutter.b %}x{% endif %}\"\n\
             [[variables]]\nname = \"b\"\ncomputed = \"b\"\nvalidator = \"{{ cookiecutter.a }}\"\n\
             [[variables]]\nname = \"c\"\ntype = \"bool\"\nvalidation = { regex = \"x\" }\n",
        );
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("stamp.toml:6:") && found[0].contains("uses `b`"), "{found:#?}");
        assert!(found[1].contains("`validator` does not apply"), "{found:#?}");
        assert!(found[2].contains("only applies to string, secret, path and text"), "{found:#?}");
    }
}
