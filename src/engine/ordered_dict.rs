//! The mappings cookiecutter loads from `cookiecutter.json`, which Python
//! holds as `OrderedDict`s: they print as `OrderedDict([('k', 'v')])`
//! (Python 3.11, as cookiecutter runs here), and the `cookiecutter` mapping
//! itself changes in place where cookiecutter's does. Real templates
//! rely on that in a hook (`{{ cookiecutter.update({...}) }}` in
//! `pre_gen_project`, to trim values before the files render). Outside
//! hooks it is frozen ([`freeze_answers`]): files render in parallel, where a
//! change would leak between them in an order-dependent way, and is an
//! error that says so.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use indexmap::IndexMap;
use minijinja::value::{Enumerator, Object, ObjectExt, ObjectRepr, Value, ValueKind};
use minijinja::{Error, ErrorKind, State};

/// See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct OrderedDict {
    entries: RwLock<IndexMap<Value, Value>>,
    frozen: AtomicBool,
}

impl OrderedDict {
    pub(crate) fn new(entries: IndexMap<Value, Value>) -> OrderedDict {
        OrderedDict { entries: RwLock::new(entries), frozen: AtomicBool::new(false) }
    }

    /// Its entries, in order.
    pub(crate) fn entries(&self) -> RwLockReadGuard<'_, IndexMap<Value, Value>> {
        self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Freezes (or thaws, for a hook) every `OrderedDict` in a render context.
pub(crate) fn freeze_answers(value: &Value, frozen: bool) {
    if let Some(dict) = value.downcast_object_ref::<OrderedDict>() {
        dict.frozen.store(frozen, Ordering::SeqCst);
        for nested in dict.entries().values() {
            freeze_answers(nested, frozen);
        }
    } else if matches!(value.kind(), ValueKind::Map | ValueKind::Seq) {
        for item in value.try_iter().into_iter().flatten() {
            let nested =
                if value.kind() == ValueKind::Map { value.get_item(&item).unwrap_or_default() } else { item };
            freeze_answers(&nested, frozen);
        }
    }
}

impl Object for OrderedDict {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.entries().get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.mapped_enumerator(|this| {
            Box::new(this.entries().keys().cloned().collect::<Vec<_>>().into_iter())
        })
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.entries().len())
    }

    fn call_method(self: &Arc<Self>, _: &mut State, method: &str, args: &[Value]) -> Result<Value, Error> {
        if !matches!(method, "update" | "setdefault" | "pop") {
            // Read-only methods (`get`, `items`, ...) as for every mapping.
            return Err(Error::new(ErrorKind::UnknownMethod, format!("no method named {method}")));
        }
        if self.frozen.load(Ordering::SeqCst) {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "`{method}` changes the answers in place, which stamp allows in hooks but not while \
                     the files render (they render in parallel)"
                ),
            ));
        }
        // Read the arguments before locking: `d.update(d)` must not wait on itself.
        let mut pairs = Vec::new();
        if let ("update", [other]) = (method, args) {
            for key in other.try_iter()? {
                let value = other.get_item(&key)?;
                pairs.push((key, value));
            }
        }
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(match (method, args) {
            ("update", [_]) => {
                entries.extend(pairs);
                Value::from(())
            }
            ("setdefault", [key, default]) => {
                entries.entry(key.clone()).or_insert_with(|| default.clone()).clone()
            }
            ("pop", [key]) => entries
                .shift_remove(key)
                .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("KeyError: {key}")))?,
            ("pop", [key, default]) => entries.shift_remove(key).unwrap_or_else(|| default.clone()),
            _ => return Err(Error::new(ErrorKind::InvalidOperation, format!("{method}: wrong arguments"))),
        })
    }
}
