//! Turning a raw value (from a file, a flag, a reply or a rendered default)
//! into a typed answer, per kind, with the reason when it is refused.

use serde_json::Value as Json;

use super::{Answer, Kind, Question, RawValue};

type Parsed<T> = std::result::Result<T, String>;

impl Question {
    /// Turns a value from a file, a flag, a reply or a rendered default into
    /// an answer of this question's type, or says why it is not acceptable.
    /// Secret values are never quoted in the reason.
    pub fn parse(&self, raw: &RawValue) -> Parsed<Answer> {
        let answer = match self.kind {
            Kind::String | Kind::Secret | Kind::Text => Answer::String(raw.as_text()?),
            Kind::Path => Answer::String(normalise_path(&raw.as_text()?)?),
            Kind::Bool => Answer::Bool(match raw {
                RawValue::Bool(b) => *b,
                RawValue::Integer(0) => false,
                RawValue::Integer(1) => true,
                RawValue::Text(t) => {
                    parse_bool(t).ok_or_else(|| format!("expected yes or no, found {}", quoted(t)))?
                }
                other => return Err(format!("expected yes or no, found {}", other.describe())),
            }),
            Kind::Integer => {
                let number = match raw {
                    RawValue::Integer(i) => *i,
                    RawValue::Text(t) => t
                        .trim()
                        .parse()
                        .map_err(|_| format!("expected a whole number, found {}", quoted(t)))?,
                    other => return Err(format!("expected a whole number, found {}", other.describe())),
                };
                #[allow(clippy::cast_precision_loss, reason = "bounds are compared, not stored")]
                self.check_bounds(number as f64)?;
                Answer::Integer(number)
            }
            Kind::Float => {
                let number = parse_float(raw)?;
                self.check_bounds(number)?;
                Answer::Float(number)
            }
            Kind::Json | Kind::Yaml => Answer::Structured(structured(self.kind, raw)?),
            Kind::Choice => {
                // `include_sentry: yes` in YAML is a boolean: a yes/no choice takes it as meant.
                let text = match raw {
                    RawValue::Bool(b)
                        if self.choices.iter().any(|c| c == "yes")
                            && self.choices.iter().any(|c| c == "no") =>
                    {
                        (if *b { "yes" } else { "no" }).to_owned()
                    }
                    other => other.as_text()?,
                };
                self.check_choice(&text)?;
                Answer::String(text)
            }
            Kind::Multichoice => {
                let items = match raw {
                    RawValue::List(items) => {
                        items.iter().map(RawValue::as_text).collect::<Parsed<Vec<_>>>()?
                    }
                    RawValue::Text(t) if t.trim().is_empty() => Vec::new(),
                    RawValue::Text(t) => t.split(',').map(|s| s.trim().to_owned()).collect(),
                    other => return Err(format!("expected a list, found {}", other.describe())),
                };
                for item in &items {
                    self.check_choice(item)?;
                }
                Answer::List(items)
            }
        };
        if let (Some(validation), Answer::String(text)) = (&self.validation, &answer)
            && !validation.matches(text)
        {
            let shown = if self.is_confidential() { "the value".to_owned() } else { quoted(text) };
            return Err(match &validation.message {
                Some(message) => format!("{shown}: {message}"),
                None => format!("{shown} does not match {}", validation.pattern),
            });
        }
        Ok(answer)
    }

    fn check_choice(&self, text: &str) -> Parsed<()> {
        if self.choices.iter().any(|c| c == text) {
            Ok(())
        } else {
            Err(format!("{} is not one of: {}", quoted(text), self.choices.join(", ")))
        }
    }

    /// Refuses a number outside `min`..=`max`, naming the bound.
    fn check_bounds(&self, number: f64) -> Parsed<()> {
        if let Some(min) = self.min.filter(|min| number < *min) {
            return Err(format!("{} is less than the minimum, {}", number_text(number), number_text(min)));
        }
        if let Some(max) = self.max.filter(|max| number > *max) {
            return Err(format!("{} is more than the maximum, {}", number_text(number), number_text(max)));
        }
        Ok(())
    }
}

/// A bound or a number in a message: whole numbers without a fraction.
pub(crate) fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation, reason = "whole and within i64")]
        let whole = number as i64;
        whole.to_string()
    } else {
        crate::engine::float_repr(number)
    }
}

/// A finite number, written as users write them (`1.5`, `2`, `1e3`).
fn parse_float(raw: &RawValue) -> Parsed<f64> {
    let number = match raw {
        #[allow(clippy::cast_precision_loss, reason = "a float question takes a float")]
        RawValue::Integer(i) => *i as f64,
        RawValue::Float(x) => *x,
        RawValue::Text(t) => {
            t.trim().parse().map_err(|_| format!("expected a number, found {}", quoted(t)))?
        }
        other => return Err(format!("expected a number, found {}", other.describe())),
    };
    if number.is_finite() {
        Ok(number)
    } else {
        Err(format!("expected a finite number, found {}", raw.describe()))
    }
}

/// A path with `//`, `.` parts and a trailing `/` removed. `..` is kept as
/// written: stamp cannot know what the path is relative to, and `a/..`
/// is not `.` where `a` is a symbolic link.
fn normalise_path(text: &str) -> Parsed<String> {
    if text.trim().is_empty() {
        return Err("expected a path, found nothing".into());
    }
    if text.contains('\0') {
        return Err("a path cannot hold a NUL character".into());
    }
    let parts: Vec<&str> = text.split('/').filter(|part| !part.is_empty() && *part != ".").collect();
    let joined = parts.join("/");
    Ok(if text.starts_with('/') {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    })
}

/// A structured value: text is parsed as JSON or YAML (a reply, a
/// `KEY=VALUE`, a rendered default); a native value of an answers file (a
/// table, a list, a number) is the value itself.
fn structured(kind: Kind, raw: &RawValue) -> Parsed<Json> {
    match raw {
        RawValue::Text(text) if text.trim().is_empty() => Err(format!(
            "expected a {} value, found nothing",
            if kind == Kind::Json { "JSON" } else { "YAML" }
        )),
        RawValue::Text(text) if kind == Kind::Json => {
            serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))
        }
        RawValue::Text(text) => serde_saphyr::from_str(text).map_err(|err| {
            // The parser's message comes with a source excerpt; its first line says where.
            let text = err.to_string();
            format!(
                "not valid YAML: {}",
                text.lines().next().unwrap_or_default().trim_start_matches("error: ")
            )
        }),
        other => native(other),
    }
}

/// A value of an answers file as JSON; text inside it is text.
fn native(raw: &RawValue) -> Parsed<Json> {
    Ok(match raw {
        RawValue::Null => Json::Null,
        RawValue::Bool(b) => Json::Bool(*b),
        RawValue::Integer(i) => Json::from(*i),
        RawValue::Float(x) => serde_json::Number::from_f64(*x)
            .map(Json::Number)
            .ok_or_else(|| format!("expected a finite number, found {x}"))?,
        RawValue::Text(text) => Json::String(text.clone()),
        RawValue::List(items) => Json::Array(items.iter().map(native).collect::<Parsed<_>>()?),
        RawValue::Table(table) => {
            Json::Object(table.iter().map(|(k, v)| Ok((k.clone(), native(v)?))).collect::<Parsed<_>>()?)
        }
    })
}

/// Parses the yes/no words cookiecutter accepts for booleans.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

fn quoted(text: &str) -> String {
    const LIMIT: usize = 60;
    if text.chars().count() > LIMIT {
        let head: String = text.chars().take(LIMIT).collect();
        format!("{head:?}…")
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: Kind) -> Question {
        Question::new("q", "Q".into(), kind, Vec::new())
    }

    fn text(t: &str) -> RawValue {
        RawValue::Text(t.into())
    }

    #[test]
    fn parses_bool_words() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn floats_take_what_users_write_and_refuse_the_rest() {
        let q = question(Kind::Float);
        assert_eq!(q.parse(&text("1.5")), Ok(Answer::Float(1.5)));
        assert_eq!(q.parse(&text(" 2 ")), Ok(Answer::Float(2.0)));
        assert_eq!(q.parse(&text("1e3")), Ok(Answer::Float(1000.0)));
        assert_eq!(q.parse(&RawValue::Integer(3)), Ok(Answer::Float(3.0)));
        for bad in ["nan", "inf", "-infinity", "1e400", "abc", ""] {
            assert!(q.parse(&text(bad)).is_err(), "{bad}");
        }
        assert!(q.parse(&RawValue::Bool(true)).is_err());
        assert_eq!(Answer::Float(2.0).to_string(), "2.0");
        assert_eq!(Answer::Float(1e20).to_string(), "1e+20");
    }

    #[test]
    fn bounds_name_the_bound() {
        let mut q = question(Kind::Integer);
        (q.min, q.max) = (Some(1.0), Some(65535.0));
        assert_eq!(q.parse(&text("1")), Ok(Answer::Integer(1)));
        assert_eq!(q.parse(&text("65535")), Ok(Answer::Integer(65535)));
        assert_eq!(q.parse(&text("0")).unwrap_err(), "0 is less than the minimum, 1");
        assert_eq!(q.parse(&text("65536")).unwrap_err(), "65536 is more than the maximum, 65535");
        let mut q = question(Kind::Float);
        q.max = Some(0.5);
        assert_eq!(q.parse(&text("0.5")), Ok(Answer::Float(0.5)));
        assert_eq!(q.parse(&text("0.75")).unwrap_err(), "0.75 is more than the maximum, 0.5");
    }

    #[test]
    fn paths_are_normalised() {
        let q = question(Kind::Path);
        for (given, path) in [
            ("a//b/./c/", "a/b/c"),
            ("./a", "a"),
            ("/", "/"),
            ("//srv//data/", "/srv/data"),
            ("./", "."),
            ("../shared/./x", "../shared/x"),
        ] {
            assert_eq!(q.parse(&text(given)), Ok(Answer::String(path.into())), "{given}");
        }
        assert!(q.parse(&text("")).is_err());
        assert!(q.parse(&text("  ")).is_err());
        assert!(q.parse(&text("a\0b")).unwrap_err().contains("NUL"));
    }

    #[test]
    fn structured_values_from_text_and_native_values() {
        let q = question(Kind::Json);
        assert_eq!(
            q.parse(&text("{\"a\": [1, 2]}")),
            Ok(Answer::Structured(serde_json::json!({"a": [1, 2]})))
        );
        let err = q.parse(&text("{\"a\": }")).unwrap_err();
        assert!(err.contains("line 1 column 7"), "{err}");
        assert_eq!(q.parse(&text("\"abc\"")), Ok(Answer::Structured("abc".into())));
        assert!(q.parse(&text("abc")).is_err());
        let list = RawValue::List(vec![text("x"), RawValue::Integer(1)]);
        assert_eq!(q.parse(&list), Ok(Answer::Structured(serde_json::json!(["x", 1]))));
        let y = question(Kind::Yaml);
        assert_eq!(
            y.parse(&text("a:\n  - 1\n  - b\n")),
            Ok(Answer::Structured(serde_json::json!({"a": [1, "b"]})))
        );
        assert_eq!(y.parse(&text("abc")), Ok(Answer::Structured("abc".into())));
        let err = y.parse(&text("a: [1,\n")).unwrap_err();
        assert!(err.contains("line"), "{err}");
    }
}
