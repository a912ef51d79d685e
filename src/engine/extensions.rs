//! A cookiecutter template's own Jinja2 extensions (`_extensions` naming a
//! module in the template), run in Python: one `python3` process per
//! engine, started in the template's directory (`extensions.py`), which
//! loads them into a Jinja2 environment and says what they add. Each
//! filter, test and callable global they add becomes one here that calls
//! across; values keep their Python types both ways (tuples, `OrderedDict`,
//! `None`, floats), so what a filter returns prints as Python prints it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Environment, ErrorKind, State};
use serde_json::{Value as Json, json};

use super::python::{OrderedDict, Tuple, float_repr, is_tuple};
use crate::error::{Error, Result};

const BRIDGE: &str = include_str!("extensions.py");

/// The running bridge, shared by every render of the engine (calls are serialised).
pub(crate) struct Extensions {
    bridge: Mutex<Bridge>,
    /// The names that take the render context (`pass_context`): only their
    /// calls carry it, since encoding the answers costs on every call.
    contextual: std::collections::HashSet<String>,
}

struct Bridge {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Bridge {
    fn exchange(&mut self, message: &Json) -> std::result::Result<Json, String> {
        let lost = |e: std::io::Error| format!("the Python running the extensions stopped: {e}");
        writeln!(self.input, "{message}").and_then(|()| self.input.flush()).map_err(lost)?;
        let mut line = String::new();
        if self.output.read_line(&mut line).map_err(lost)? == 0 {
            return Err("the Python running the extensions stopped (its error is above)".into());
        }
        let reply: Json =
            serde_json::from_str(&line).map_err(|e| format!("the extensions' bridge said {e}"))?;
        match reply.get("error").and_then(Json::as_str) {
            Some(error) => Err(error.to_owned()),
            None => Ok(reply),
        }
    }
}

impl Drop for Extensions {
    fn drop(&mut self) {
        let bridge = self.bridge.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = bridge.child.kill();
        let _ = bridge.child.wait();
    }
}

/// Starts Python in `template_dir`, loads `names` and registers what they
/// add to `env`.
pub(super) fn load(env: &mut Environment<'static>, template_dir: &Path, names: &[String]) -> Result<()> {
    let failed = |message: String| Error::TemplateLayout {
        path: template_dir.join("cookiecutter.json"),
        message: format!("the extensions {}: {message}", names.join(", ")),
    };
    let mut child = Command::new("python3")
        .args(["-c", BRIDGE])
        .current_dir(template_dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failed(format!("they are Python, and python3 cannot be run: {e}")))?;
    let (input, output) = (child.stdin.take(), child.stdout.take());
    let mut bridge =
        Bridge { child, input: input.expect("piped"), output: BufReader::new(output.expect("piped")) };
    let offered = bridge.exchange(&json!({ "load": names })).map_err(failed)?;
    let names_in = |key: &str| -> Vec<String> {
        offered[key].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(str::to_owned)).collect()
    };
    let contextual = names_in("contextual").into_iter().collect();
    let extensions = Arc::new(Extensions { bridge: Mutex::new(bridge), contextual });
    for name in names_in("filters") {
        let ext = Arc::clone(&extensions);
        let filter_name = name.clone();
        env.add_filter(name, move |state: &State, args: Rest<Value>, kwargs: Kwargs| {
            ext.call(state, "filters", &filter_name, &args, &kwargs)
        });
    }
    for name in names_in("tests") {
        let ext = Arc::clone(&extensions);
        let test_name = name.clone();
        env.add_test(name, move |state: &State, args: Rest<Value>, kwargs: Kwargs| {
            ext.call(state, "tests", &test_name, &args, &kwargs).map(|v| v.is_true())
        });
    }
    for name in names_in("callables") {
        let ext = Arc::clone(&extensions);
        let global = name.clone();
        env.add_function(name, move |state: &State, args: Rest<Value>, kwargs: Kwargs| {
            ext.call(state, "globals", &global, &args, &kwargs)
        });
    }
    if let Some(values) = offered["values"].as_object() {
        for (name, value) in values {
            env.add_global(name.clone(), decode(value));
        }
    }
    Ok(())
}

impl Extensions {
    /// Calls the extension's `kind` (filters, tests, globals) `name` with `args`.
    fn call(
        &self,
        state: &State,
        kind: &str,
        name: &str,
        args: &[Value],
        kwargs: &Kwargs,
    ) -> std::result::Result<Value, minijinja::Error> {
        let mut named = serde_json::Map::new();
        for key in kwargs.args() {
            named.insert(key.to_owned(), encode(&kwargs.get::<Value>(key)?));
        }
        // Filters that take the context see the project's values.
        let context = if self.contextual.contains(name) {
            state.lookup("cookiecutter").map(|c| json!({ "__dict__": [["cookiecutter", encode(&c)]] }))
        } else {
            None
        };
        let message = json!({
            "kind": kind,
            "name": name,
            "args": args.iter().map(encode).collect::<Vec<_>>(),
            "kwargs": named,
            "context": context.unwrap_or(Json::Null),
        });
        let mut bridge = self.bridge.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let reply = bridge.exchange(&message).map_err(|error| {
            minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("the extension's {name} failed: {error}"),
            )
        })?;
        Ok(decode(&reply["ok"]))
    }
}

/// A value as the bridge reads it.
fn encode(value: &Value) -> Json {
    let pairs = |value: &Value| -> Vec<Json> {
        value
            .try_iter()
            .into_iter()
            .flatten()
            .map(|k| json!([encode(&k), encode(&value.get_item(&k).unwrap_or_default())]))
            .collect()
    };
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Json::Null,
        ValueKind::Bool => Json::Bool(value.is_true()),
        ValueKind::Number if value.is_integer() => {
            i64::try_from(value.clone()).map_or_else(|_| Json::String(value.to_string()), Json::from)
        }
        ValueKind::Number => {
            let x = f64::try_from(value.clone()).unwrap_or(f64::NAN);
            if x.is_finite() { Json::from(x) } else { json!({ "__float__": float_repr(x) }) }
        }
        ValueKind::String => Json::String(value.as_str().unwrap_or_default().to_owned()),
        ValueKind::Seq => {
            let items: Vec<Json> = value.try_iter().into_iter().flatten().map(|v| encode(&v)).collect();
            if is_tuple(value) { json!({ "__tuple__": items }) } else { Json::Array(items) }
        }
        ValueKind::Map if value.downcast_object_ref::<OrderedDict>().is_some() => {
            json!({ "__ordered__": pairs(value) })
        }
        ValueKind::Map => json!({ "__dict__": pairs(value) }),
        _ => Json::String(value.to_string()),
    }
}

/// A value the bridge sent.
fn decode(json: &Json) -> Value {
    let pairs = |items: &Json| -> Vec<(Value, Value)> {
        items
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|pair| Some((decode(pair.get(0)?), decode(pair.get(1)?))))
            .collect()
    };
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => {
            n.as_i64().map_or_else(|| Value::from(n.as_f64().unwrap_or(f64::NAN)), Value::from)
        }
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(decode).collect::<Vec<_>>()),
        Json::Object(object) => {
            if let Some(items) = object.get("__tuple__") {
                Value::from_object(Tuple(items.as_array().into_iter().flatten().map(decode).collect()))
            } else if let Some(x) = object.get("__float__") {
                Value::from(x.as_str().and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN))
            } else if let Some(items) = object.get("__ordered__") {
                Value::from_object(OrderedDict::new(pairs(items).into_iter().collect::<IndexMap<_, _>>()))
            } else {
                pairs(object.get("__dict__").unwrap_or(&Json::Null)).into_iter().collect()
            }
        }
    }
}
