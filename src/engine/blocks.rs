//! `self` as a value, for `{% if self.title is defined %}`: minijinja calls
//! blocks itself (`self.title()`), but has no `self` variable to test. A
//! block counts as defined when a template the engine has read defines it
//! (the template being rendered and every template it extends are read
//! before it runs), so a name only another file of the project defines
//! also counts: the one way this differs from Jinja2.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use minijinja::machinery::{Token, tokenize};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Object, ObjectRepr, Value};

/// The block names of every template read so far.
#[derive(Debug, Default)]
pub(super) struct Blocks(Mutex<HashSet<String>>);

impl Blocks {
    /// Notes the blocks `source` defines.
    pub(super) fn learn(&self, source: &str, syntax: &SyntaxConfig) {
        if !source.contains("block") {
            return;
        }
        let tokens: Vec<Token> =
            tokenize(source, false, syntax.clone()).map_while(Result::ok).map(|(t, _)| t).collect();
        let mut names = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for window in tokens.windows(3) {
            if let [Token::BlockStart, Token::Ident("block"), Token::Ident(name)] = window {
                names.insert((*name).to_owned());
            }
        }
    }
}

impl Object for Blocks {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let names = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        names.contains(key.as_str()?).then(|| Value::from(format!("<BlockReference '{key}'>")))
    }
}
