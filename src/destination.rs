//! An existing destination, reported as soon as the answers name it rather
//! than after every question: a prompter that, after each answer, renders
//! the project directory's name with what is known so far and stops the run
//! when that directory exists and nothing said to write into it.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use minijinja::Value;

use crate::dialect::stamp::answer_value;
use crate::engine::{Engine, map};
use crate::error::{Error, Result};
use crate::given::Given;
use crate::model::{Answer, Question, RawValue};
use crate::prompt::Prompter;

/// Asks through `inner`, checking the destination after each answer.
pub(crate) struct DestinationWatch<'a> {
    inner: &'a mut dyn Prompter,
    engine: &'a Engine,
    /// The project directory's templated name.
    name: &'a str,
    output_dir: &'a Path,
    known: IndexMap<String, Value>,
}

impl<'a> DestinationWatch<'a> {
    /// Watches for `output_dir`/`name` (rendered) existing; the values in
    /// `given` count from the start.
    pub(crate) fn new(
        inner: &'a mut dyn Prompter,
        engine: &'a Engine,
        name: &'a str,
        output_dir: &'a Path,
        given: &Given,
    ) -> Self {
        let known = given
            .iter()
            .filter_map(|(key, value)| {
                let value = match &value.raw {
                    RawValue::Text(text) => Value::from(text.as_str()),
                    RawValue::Bool(b) => Value::from(*b),
                    RawValue::Integer(i) => Value::from(*i),
                    _ => return None,
                };
                Some((key.to_owned(), value))
            })
            .collect();
        DestinationWatch { inner, engine, name, output_dir, known }
    }

    /// The destination, once the answers so far name one that exists.
    fn existing(&self) -> Option<PathBuf> {
        let context = map([("cookiecutter".to_owned(), map(self.known.clone()))]);
        // Until every value the name uses is known, it does not render.
        let name = self.engine.render_str("the project directory's name", self.name, &context).ok()?;
        let name = name.trim();
        // Named as the run would name it at the end.
        let path =
            if self.output_dir == Path::new(".") { PathBuf::from(name) } else { self.output_dir.join(name) };
        (!name.is_empty() && std::fs::symlink_metadata(&path).is_ok()).then_some(path)
    }
}

impl Prompter for DestinationWatch<'_> {
    fn ask(&mut self, question: &Question, proposal: Option<&Answer>) -> Result<Option<Answer>> {
        let answer = self.inner.ask(question, proposal)?;
        if let Some(value) = answer.as_ref().or(proposal) {
            self.known.insert(question.name.clone(), answer_value(value));
            if let Some(path) = self.existing() {
                return Err(Error::DestinationExists { path });
            }
        }
        Ok(answer)
    }

    fn can_ask_again(&self) -> bool {
        self.inner.can_ask_again()
    }
}
