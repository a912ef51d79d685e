//! Jinja2's filters over sequences and mappings whose minijinja versions
//! differ from it: `default`, `sort`, `dictsort`, `unique`, `min`, `max`,
//! `join`, `slice`, `batch`, `items` and the `select` family, with Jinja2's
//! signatures, Python's ordering, `(key, value)` pairs as tuples, and
//! undefined values refused as `StrictUndefined` refuses them.

// minijinja hands filters their arguments by value.
#![allow(clippy::needless_pass_by_value)]

use std::cmp::Ordering;
use std::collections::HashSet;

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind, State};

use super::args::{self, bind, invalid};
use crate::engine::python::Tuple;

/// Registers the filters of this module.
pub(super) fn add(env: &mut minijinja::Environment) {
    env.add_filter("default", default);
    env.add_filter("d", default);
    env.add_filter("sort", sort);
    env.add_filter("dictsort", dictsort);
    env.add_filter("unique", unique);
    env.add_filter("min", |state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs| {
        extreme(state, "min", value, &rest, &kwargs, Ordering::Less)
    });
    env.add_filter("max", |state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs| {
        extreme(state, "max", value, &rest, &kwargs, Ordering::Greater)
    });
    env.add_filter("join", join);
    env.add_filter("slice", slice);
    env.add_filter("batch", batch);
    env.add_filter("items", items);
    env.add_filter("select", |state: &mut State, value: Value, rest: Rest<Value>| {
        select_or_reject(state, "select", &value, &rest, false, false)
    });
    env.add_filter("reject", |state: &mut State, value: Value, rest: Rest<Value>| {
        select_or_reject(state, "reject", &value, &rest, false, true)
    });
    env.add_filter("selectattr", |state: &mut State, value: Value, rest: Rest<Value>| {
        select_or_reject(state, "selectattr", &value, &rest, true, false)
    });
    env.add_filter("rejectattr", |state: &mut State, value: Value, rest: Rest<Value>| {
        select_or_reject(state, "rejectattr", &value, &rest, true, true)
    });
}

/// `select`/`reject([test, *args])` and `selectattr`/`rejectattr(attribute,
/// [test, *args])`: the items whose value (or attribute) passes the test
/// (is true without one), or fails it. As with Jinja2's `StrictUndefined`,
/// an undefined value fails the render unless the test only asks what it is.
fn select_or_reject(
    state: &mut State,
    filter: &str,
    value: &Value,
    rest: &[Value],
    by_attribute: bool,
    invert: bool,
) -> Result<Value, Error> {
    let (path, rest) = if by_attribute {
        let attribute = rest.first().ok_or_else(|| {
            Error::new(ErrorKind::MissingArgument, format!("{filter}() needs an attribute"))
        })?;
        (args::attribute_parts(Some(attribute)), &rest[1..])
    } else {
        (Vec::new(), rest)
    };
    let name = rest.first().map(|name| args::text(filter, name)).transpose()?;
    let asks_what_it_is = name.is_some_and(|name| {
        matches!(
            name,
            "defined"
                | "undefined"
                | "none"
                | "sameas"
                | "boolean"
                | "true"
                | "false"
                | "string"
                | "number"
                | "integer"
                | "float"
                | "mapping"
                | "sequence"
                | "callable"
        )
    });
    let mut out = Vec::new();
    for item in items_of(state, filter, value)? {
        let tested = args::get_path(&item, &path);
        if tested.is_undefined() && !asks_what_it_is {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                format!("{filter}: a tested value is undefined"),
            ));
        }
        let passed = match name {
            Some(name) => {
                let call: Vec<Value> = std::iter::once(tested).chain(rest[1..].iter().cloned()).collect();
                state.perform_test(name, &call)?
            }
            None => tested.is_true(),
        };
        if passed != invert {
            out.push(item);
        }
    }
    Ok(Value::from(out))
}

/// The items of an iterable value, as Python iterates it (a string by
/// characters, a mapping by keys). Each item costs the render a unit of fuel.
fn items_of(state: &State, filter: &str, value: &Value) -> Result<Vec<Value>, Error> {
    let items: Vec<Value> = match args::defined(value)?.kind() {
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::String => {
            value.try_iter()?.collect()
        }
        kind => return Err(invalid(format!("{filter}: {kind} is not iterable"))),
    };
    state.consume_fuel(u64::try_from(items.len()).unwrap_or(u64::MAX))?;
    Ok(items)
}

/// `default(default_value='', boolean=False)`: the default for an
/// undefined value, or (with `boolean`) for a false one.
fn default(value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [default_value, boolean] = bind("default", ["default_value", "boolean"], &rest, &kwargs)?;
    if value.is_undefined() || (args::truthy(boolean.as_ref(), false) && !value.is_true()) {
        Ok(default_value.unwrap_or_else(|| Value::from("")))
    } else {
        Ok(value)
    }
}

/// `sort(reverse=False, case_sensitive=False, attribute=None)`: Python's
/// stable `sorted`, by a comma-separated list of attribute paths when given.
fn sort(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [reverse, case_sensitive, attribute] =
        bind("sort", ["reverse", "case_sensitive", "attribute"], &rest, &kwargs)?;
    let case_sensitive = args::truthy(case_sensitive.as_ref(), false);
    let paths: Vec<Vec<Value>> = match attribute.as_ref().and_then(Value::as_str) {
        Some(list) => list.split(',').map(|path| args::attribute_parts(Some(&Value::from(path)))).collect(),
        None => vec![args::attribute_parts(attribute.as_ref())],
    };
    let mut items = items_of(state, "sort", &value)?;
    let keys = items
        .iter()
        .map(|item| {
            Value::from(
                paths
                    .iter()
                    .map(|path| args::fold_case(args::get_path(item, path), case_sensitive))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    charge_sort(state, items.len())?;
    args::sort_by_key(&mut items, keys, args::truthy(reverse.as_ref(), false))?;
    Ok(Value::from(items))
}

/// Charges a sort of `n` items: a unit of fuel per comparison.
fn charge_sort(state: &State, n: usize) -> Result<(), Error> {
    let comparisons =
        u64::try_from(n).unwrap_or(u64::MAX).saturating_mul(u64::from(usize::BITS - n.leading_zeros()));
    state.consume_fuel(comparisons)
}

/// `dictsort(case_sensitive=False, by='key', reverse=False)`: a mapping's
/// `(key, value)` tuples, sorted by key or by value.
fn dictsort(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [case_sensitive, by, reverse] =
        bind("dictsort", ["case_sensitive", "by", "reverse"], &rest, &kwargs)?;
    let position = match args::string("dictsort", "by", by.as_ref())?.as_deref() {
        None | Some("key") => 0,
        Some("value") => 1,
        Some(_) => return Err(invalid("dictsort: you can only sort by either \"key\" or \"value\"")),
    };
    let case_sensitive = args::truthy(case_sensitive.as_ref(), false);
    let pairs = pairs("dictsort", &value)?;
    charge_sort(state, pairs.len())?;
    let keys = pairs.iter().map(|pair| args::fold_case(pair[position].clone(), case_sensitive)).collect();
    let mut items: Vec<Value> =
        pairs.into_iter().map(|pair| Value::from_object(Tuple(pair.to_vec()))).collect();
    args::sort_by_key(&mut items, keys, args::truthy(reverse.as_ref(), false))?;
    Ok(Value::from(items))
}

/// A mapping's entries, in its order.
fn pairs(filter: &str, value: &Value) -> Result<Vec<[Value; 2]>, Error> {
    if args::defined(value)?.kind() != ValueKind::Map {
        return Err(invalid(format!("{filter}: can only get item pairs from a mapping")));
    }
    value
        .try_iter()?
        .map(|key| {
            let item = value.get_item(&key)?;
            Ok([key, item])
        })
        .collect()
}

/// `items`: a mapping's `(key, value)` tuples; nothing for an undefined value.
fn items(value: Value) -> Result<Value, Error> {
    if value.is_undefined() {
        return Ok(Value::from(Vec::<Value>::new()));
    }
    let pairs = pairs("items", &value)?;
    Ok(Value::from(
        pairs.into_iter().map(|pair| Value::from_object(Tuple(pair.to_vec()))).collect::<Vec<_>>(),
    ))
}

/// `unique(case_sensitive=False, attribute=None)`: the items whose key
/// (the attribute, case folded) was not seen before, in order.
fn unique(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [case_sensitive, attribute] = bind("unique", ["case_sensitive", "attribute"], &rest, &kwargs)?;
    let case_sensitive = args::truthy(case_sensitive.as_ref(), false);
    let path = args::attribute_parts(attribute.as_ref());
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in items_of(state, "unique", &value)? {
        let key = args::fold_case(args::get_path(&item, &path), case_sensitive);
        if key.is_undefined() {
            return Err(Error::new(ErrorKind::UndefinedError, "unique: an item lacks the attribute"));
        }
        if seen.insert(key) {
            out.push(item);
        }
    }
    Ok(Value::from(out))
}

/// `min`/`max(case_sensitive=False, attribute=None)`: the first item with
/// the smallest (largest) key; undefined for no items.
fn extreme(
    state: &State,
    filter: &str,
    value: Value,
    rest: &[Value],
    kwargs: &Kwargs,
    wanted: Ordering,
) -> Result<Value, Error> {
    let [case_sensitive, attribute] = bind(filter, ["case_sensitive", "attribute"], rest, kwargs)?;
    let case_sensitive = args::truthy(case_sensitive.as_ref(), false);
    let path = args::attribute_parts(attribute.as_ref());
    let mut best: Option<(Value, Value)> = None;
    for item in items_of(state, filter, &value)? {
        let key = args::fold_case(args::get_path(&item, &path), case_sensitive);
        best = match best {
            Some((best_key, best_item)) if args::py_cmp(&key, &best_key)? != wanted => {
                Some((best_key, best_item))
            }
            _ => Some((key, item)),
        };
    }
    Ok(best.map_or(Value::UNDEFINED, |(_, item)| item))
}

/// `slice(slices, fill_with=None)`: the items in `slices` lists of nearly
/// equal length, the longer ones first; the shorter ones end with
/// `fill_with` when given.
fn slice(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [slices, fill_with] = bind("slice", ["slices", "fill_with"], &rest, &kwargs)?;
    let slices = args::int("slice", "slices", slices.as_ref())?
        .ok_or_else(|| Error::new(ErrorKind::MissingArgument, "slice() needs `slices`"))?;
    let items = items_of(state, "slice", &value)?;
    if slices == 0 {
        return Err(invalid("slice: integer division or modulo by zero"));
    }
    let Ok(slices) = usize::try_from(slices) else { return Ok(Value::from(Vec::<Value>::new())) };
    super::super::python::check_width("slice", slices)?;
    let (per_slice, with_extra) = (items.len() / slices, items.len() % slices);
    let mut out = Vec::with_capacity(slices);
    let mut offset = 0;
    for number in 0..slices {
        let start = offset + number * per_slice;
        if number < with_extra {
            offset += 1;
        }
        let end = offset + (number + 1) * per_slice;
        let mut part = items[start..end].to_vec();
        if let Some(fill) = fill_with.as_ref().filter(|f| !f.is_none() && number >= with_extra) {
            part.push(fill.clone());
        }
        out.push(Value::from(part));
    }
    Ok(Value::from(out))
}

/// `join(d='', attribute=None)`: Python's `str(d).join(map(str, items))`,
/// of an attribute of each item when given (failing on an undefined one).
fn join(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let [separator, attribute] = bind("join", ["d", "attribute"], &rest, &kwargs)?;
    let separator = match separator {
        Some(d) => args::py_str(&d)?,
        None => String::new(),
    };
    let path = args::attribute_parts(attribute.as_ref());
    let parts: Vec<String> = items_of(state, "join", &value)?
        .iter()
        .map(|item| args::py_str(&args::get_path(item, &path)))
        .collect::<Result<_, _>>()?;
    Ok(parts.join(&separator))
}

/// `batch(linecount, fill_with=None)`: the items in lists of `linecount`,
/// the last one filled up with `fill_with` when given.
fn batch(state: &State, value: Value, rest: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let [linecount, fill_with] = bind("batch", ["linecount", "fill_with"], &rest, &kwargs)?;
    let linecount =
        linecount.ok_or_else(|| Error::new(ErrorKind::MissingArgument, "batch() needs `linecount`"))?;
    // Python compares the batch's length with `linecount`: a value that is
    // no number never equals it, and everything lands in one batch.
    let full = |len: usize| {
        matches!(linecount.kind(), ValueKind::Number | ValueKind::Bool)
            && u32::try_from(len).is_ok_and(|len| f64::from(len).total_cmp(&args::as_f64(&linecount)).is_eq())
    };
    let mut batches = Vec::new();
    let mut batch: Vec<Value> = Vec::new();
    for item in items_of(state, "batch", &value)? {
        if full(batch.len()) {
            batches.push(Value::from(std::mem::take(&mut batch)));
        }
        batch.push(item);
    }
    if !batch.is_empty() {
        if let Some(fill) = fill_with.filter(|f| !f.is_none()) {
            let linecount = args::int("batch", "linecount", Some(&linecount))?.unwrap_or(0);
            let missing = usize::try_from(linecount).unwrap_or(0).saturating_sub(batch.len());
            super::super::python::check_width("batch", missing)?;
            batch.extend(std::iter::repeat_n(fill, missing));
        }
        batches.push(Value::from(batch));
    }
    Ok(Value::from(batches))
}
