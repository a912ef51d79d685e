//! Jinja2's `pprint`: Python's `pprint.pformat(value)` (width 80, dict keys
//! sorted), one line when the repr fits, else lists, tuples and dicts one
//! item per line. Strings too long for their line are written whole (Python
//! splits them into implicitly concatenated pieces).

use minijinja::value::{Value, ValueKind};

use super::args;
use crate::engine::python::{self, OrderedDict, Tuple, is_tuple};

/// pprint's default width.
const WIDTH: usize = 80;

/// The `pprint` filter.
pub(super) fn pprint(value: Value) -> String {
    if value.is_undefined() {
        // The repr of Jinja2's StrictUndefined.
        return "Undefined".into();
    }
    let mut out = String::new();
    format(&value, 0, 0, &mut out);
    out
}

/// `PrettyPrinter._safe_repr`: `repr`, with a plain dict's keys sorted
/// (an `OrderedDict` prints as its own repr, in order).
fn safe_repr(value: &Value) -> String {
    if value.downcast_object_ref::<OrderedDict>().is_some() {
        return python::repr(value);
    }
    match value.kind() {
        ValueKind::Map => {
            let items: Vec<String> = sorted_items(value)
                .iter()
                .map(|(k, v)| format!("{}: {}", safe_repr(k), safe_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<String> =
                value.try_iter().map(|it| it.map(|v| safe_repr(&v)).collect()).unwrap_or_default();
            match (is_tuple(value), items.len()) {
                (true, 1) => format!("({},)", items[0]),
                (true, _) => format!("({})", items.join(", ")),
                (false, _) => format!("[{}]", items.join(", ")),
            }
        }
        _ => python::repr(value),
    }
}

/// A mapping's entries, sorted by key where Python can order the keys.
fn sorted_items(value: &Value) -> Vec<(Value, Value)> {
    let entries: Vec<(Value, Value)> = value
        .try_iter()
        .map(|keys| keys.map(|k| (k.clone(), value.get_item(&k).unwrap_or_default())).collect())
        .unwrap_or_default();
    let mut keys: Vec<Value> = entries.iter().map(|(k, _)| k.clone()).collect();
    let mut sorted = keys.clone();
    if args::sort_by_key(&mut sorted, keys.clone(), false).is_ok() {
        keys = sorted;
    }
    keys.into_iter().filter_map(|k| entries.iter().find(|(key, _)| *key == k).cloned()).collect()
}

/// `PrettyPrinter._format`: the repr when it fits in what is left of the
/// line, else the container laid out item by item.
fn format(value: &Value, indent: usize, allowance: usize, out: &mut String) {
    let repr = safe_repr(value);
    if repr.chars().count() + indent + allowance <= WIDTH {
        out.push_str(&repr);
        return;
    }
    if let Some(dict) = value.downcast_object_ref::<OrderedDict>() {
        let pairs: Vec<Value> = dict
            .entries()
            .iter()
            .map(|(k, v)| Value::from_object(Tuple(vec![k.clone(), v.clone()])))
            .collect();
        if pairs.is_empty() {
            out.push_str(&repr);
            return;
        }
        out.push_str("OrderedDict(");
        format(&Value::from(pairs), indent + "OrderedDict(".len(), allowance + 1, out);
        out.push(')');
        return;
    }
    match value.kind() {
        ValueKind::Map => {
            out.push('{');
            let items = sorted_items(value);
            let inner = indent + 1;
            for (i, (key, item)) in items.iter().enumerate() {
                let last = i + 1 == items.len();
                let key = safe_repr(key);
                out.push_str(&key);
                out.push_str(": ");
                format(item, inner + key.chars().count() + 2, if last { allowance + 1 } else { 1 }, out);
                if !last {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(inner));
                }
            }
            out.push('}');
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = value.try_iter().map(Iterator::collect).unwrap_or_default();
            let tuple = is_tuple(value);
            let (open, close) = match (tuple, items.len()) {
                (true, 1) => ("(", ",)"),
                (true, _) => ("(", ")"),
                _ => ("[", "]"),
            };
            out.push_str(open);
            let allowance = allowance + close.len();
            for (i, item) in items.iter().enumerate() {
                let last = i + 1 == items.len();
                if i > 0 {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(indent + 1));
                }
                format(item, indent + 1, if last { allowance } else { 1 }, out);
            }
            out.push_str(close);
        }
        _ => out.push_str(&repr),
    }
}
