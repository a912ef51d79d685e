//! Python's mutable containers, as Jinja2 templates use them:
//! `{% set _ = items.append(x) %}`, `{% do extras.extend(more) %}`,
//! `{% do d.update({...}) %}`, with the change visible to every later
//! expression of the render. minijinja's list and dict literals are
//! immutable and it has no hook for them, so in a template that calls a
//! mutating method, each literal is rewritten, token by token with
//! minijinja's own lexer, into a call that builds a shared, mutable
//! [`List`] or [`Dict`]. Templates that mutate nothing are left as written.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard};

use indexmap::IndexMap;
use minijinja::machinery::{Token, tokenize};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, Value};
use minijinja::{Environment, Error, ErrorKind, State};

use super::python::MUTATORS;

/// The globals the rewritten literals call.
const LIST: &str = "__stamp_list";
const DICT: &str = "__stamp_dict";

/// Registers the constructors the rewritten literals call.
pub(super) fn add_constructors(env: &mut Environment) {
    env.add_function(LIST, |items: Value| -> Result<Value, Error> {
        Ok(Value::from_object(List(Mutex::new(items.try_iter()?.collect()))))
    });
    env.add_function(DICT, |pairs: Value| -> Result<Value, Error> {
        let mut map = IndexMap::new();
        for key in pairs.try_iter()? {
            let value = pairs.get_item(&key)?;
            map.insert(key, value);
        }
        Ok(Value::from_object(Dict(Mutex::new(map))))
    });
}

/// `source` with every list and dict literal built as a mutable container,
/// when it calls a mutating method; otherwise (or when it does not lex: the
/// compiler then reports the error) unchanged.
pub(super) fn rewrite_literals<'s>(source: &'s str, syntax: &SyntaxConfig) -> Cow<'s, str> {
    if !calls_a_mutator(source) {
        return Cow::Borrowed(source);
    }
    // Where each rewritten literal starts and ends, in source order.
    let mut edits: Vec<(usize, &str)> = Vec::new();
    // Every open bracket, brace and parenthesis: whether it opened a rewritten literal.
    let mut open: Vec<bool> = Vec::new();
    let mut after_operand = false;
    for token in tokenize(source, false, syntax.clone()) {
        let Ok((token, span)) = token else { return Cow::Borrowed(source) };
        let (start, end) = (span.start_offset as usize, span.end_offset as usize);
        match token {
            Token::BracketOpen | Token::BraceOpen => {
                // After an operand, `[` subscripts it; anywhere else it starts a literal.
                let literal = !after_operand;
                if literal {
                    edits.push((
                        start,
                        if matches!(token, Token::BracketOpen) { "__stamp_list(" } else { "__stamp_dict(" },
                    ));
                }
                open.push(literal);
            }
            Token::ParenOpen => open.push(false),
            // Every closing token pops; the one closing a rewritten literal also closes its call.
            Token::BracketClose | Token::BraceClose | Token::ParenClose if open.pop() == Some(true) => {
                edits.push((end, ")"));
            }
            _ => {}
        }
        after_operand = match token {
            Token::Ident(word) => {
                !matches!(word, "in" | "not" | "and" | "or" | "if" | "else" | "elif" | "do")
            }
            Token::Str(_)
            | Token::String(_)
            | Token::Int(_)
            | Token::Int128(_)
            | Token::Float(_)
            | Token::ParenClose
            | Token::BracketClose
            | Token::BraceClose => true,
            _ => false,
        };
    }
    if edits.is_empty() {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + edits.len() * 14);
    let mut from = 0;
    for (at, text) in edits {
        out.push_str(&source[from..at]);
        out.push_str(text);
        from = at;
    }
    out.push_str(&source[from..]);
    Cow::Owned(out)
}

/// Whether `source` calls a method that changes a container (`.append(`,
/// ...): one pass over its dots, not one search per method, since large
/// files reach here too.
fn calls_a_mutator(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memchr_iter(b'.', bytes).any(|at| MUTATORS.iter().any(|m| bytes[at..].starts_with(m.as_bytes())))
}

/// A Python list.
#[derive(Debug)]
pub(super) struct List(Mutex<Vec<Value>>);

/// A Python dict (insertion-ordered, as Python's are).
#[derive(Debug)]
pub(super) struct Dict(Mutex<IndexMap<Value, Value>>);

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// Python's index normalisation: negative counts from the end.
fn index(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if i < 0 { i + len } else { i };
    usize::try_from(i).ok().filter(|i| i64::try_from(*i).is_ok_and(|i| i < len))
}

/// A method these containers do not have; the environment's fallback
/// (Python's read-only methods) gets its turn.
fn unknown(method: &str) -> Error {
    Error::new(ErrorKind::UnknownMethod, format!("no method named {method}"))
}

fn none() -> Value {
    Value::from(())
}

impl Object for List {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        locked(&self.0).get(key.as_usize()?).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(locked(&self.0).clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(locked(&self.0).len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !locked(&self.0).is_empty()
    }

    fn call_method(self: &Arc<Self>, _: &mut State, method: &str, args: &[Value]) -> Result<Value, Error> {
        // Read arguments before locking: `items.extend(items)` must not wait on itself.
        let items: Vec<Value> = match (method, args) {
            ("extend", [other]) => other.try_iter()?.collect(),
            _ => Vec::new(),
        };
        let mut list = locked(&self.0);
        let position = |i: &Value| -> Result<i64, Error> {
            i64::try_from(i.clone()).map_err(|_| invalid("list indices must be integers"))
        };
        Ok(match (method, args) {
            ("append", [item]) => {
                list.push(item.clone());
                none()
            }
            ("extend", [_]) => {
                list.extend(items);
                none()
            }
            ("insert", [at, item]) => {
                // Python clamps the position instead of failing.
                let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
                let at = position(at)?;
                let at = if at < 0 { (at + len).max(0) } else { at.min(len) };
                list.insert(usize::try_from(at).unwrap_or_default(), item.clone());
                none()
            }
            ("pop", []) => list.pop().ok_or_else(|| invalid("pop from empty list"))?,
            ("pop", [at]) => {
                let at = index(position(at)?, list.len()).ok_or_else(|| invalid("pop index out of range"))?;
                list.remove(at)
            }
            ("remove", [item]) => {
                let at = list
                    .iter()
                    .position(|v| v == item)
                    .ok_or_else(|| invalid("list.remove(x): x not in list"))?;
                list.remove(at);
                none()
            }
            ("clear", []) => {
                list.clear();
                none()
            }
            ("reverse", []) => {
                list.reverse();
                none()
            }
            ("sort", []) => {
                list.sort();
                none()
            }
            ("index", [item]) => {
                let at =
                    list.iter().position(|v| v == item).ok_or_else(|| invalid("value is not in list"))?;
                Value::from(at)
            }
            ("count", [item]) => Value::from(list.iter().filter(|v| *v == item).count()),
            ("copy", []) => Value::from_object(List(Mutex::new(list.clone()))),
            _ => return Err(unknown(method)),
        })
    }
}

impl Object for Dict {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        locked(&self.0).get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(locked(&self.0).keys().cloned().collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(locked(&self.0).len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !locked(&self.0).is_empty()
    }

    fn call_method(self: &Arc<Self>, _: &mut State, method: &str, args: &[Value]) -> Result<Value, Error> {
        // Read arguments before locking: `d.update(d)` must not wait on itself.
        let (args, kwargs): (&[Value], Option<Kwargs>) = match args.split_last() {
            Some((last, rest)) if last.is_kwargs() => (rest, Kwargs::try_from(last.clone()).ok()),
            _ => (args, None),
        };
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        if method == "update" {
            if let [other] = args {
                for key in other.try_iter()? {
                    let value = other.get_item(&key)?;
                    pairs.push((key, value));
                }
            }
            if let Some(kwargs) = &kwargs {
                for key in kwargs.args() {
                    pairs.push((Value::from(key), kwargs.get::<Value>(key)?));
                }
            }
        }
        let mut dict = locked(&self.0);
        Ok(match (method, args) {
            ("update", [] | [_]) => {
                dict.extend(pairs);
                none()
            }
            ("setdefault", [key]) => dict.entry(key.clone()).or_insert_with(none).clone(),
            ("setdefault", [key, default]) => {
                dict.entry(key.clone()).or_insert_with(|| default.clone()).clone()
            }
            ("pop", [key]) => dict
                .shift_remove(key)
                .ok_or_else(|| invalid(format!("KeyError: {}", super::python::repr(key))))?,
            ("pop", [key, default]) => dict.shift_remove(key).unwrap_or_else(|| default.clone()),
            ("clear", []) => {
                dict.clear();
                none()
            }
            ("copy", []) => Value::from_object(Dict(Mutex::new(dict.clone()))),
            // The rest (`get`, `items`, ...) as for every mapping, in `python::unknown_method`.
            _ => return Err(unknown(method)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(source: &str) -> String {
        rewrite_literals(source, &SyntaxConfig::default()).into_owned()
    }

    #[test]
    fn only_templates_that_mutate_are_rewritten() {
        assert_eq!(rewrite("{% set x = [1, 2] %}{{ x[0] }}"), "{% set x = [1, 2] %}{{ x[0] }}");
    }

    #[test]
    fn literals_are_rewritten_and_subscripts_left_alone() {
        assert_eq!(
            rewrite("{% set x = [1, [2]] %}{% do x.append({'a': y[0]}) %}{% for i in [] %}{% endfor %}"),
            "{% set x = __stamp_list([1, __stamp_list([2])]) %}{% do x.append(__stamp_dict({'a': y[0]})) %}\
             {% for i in __stamp_list([]) %}{% endfor %}"
        );
        assert_eq!(rewrite("{{ d['k'].append(1) or (a)[0] }}"), "{{ d['k'].append(1) or (a)[0] }}");
        // Brackets in text and strings are not code.
        assert_eq!(rewrite("[x] {{ '[' ~ x.pop() }}"), "[x] {{ '[' ~ x.pop() }}");
    }
}
