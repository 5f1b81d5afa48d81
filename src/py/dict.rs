//! `Dict`: a Python `dict` shared between threads, with CPython's rules made explicit.
//!
//! Under the GIL every single dict operation (`d[k] = v`, `d.pop(k)`, `len(d)`) is atomic,
//! so the notes say it is safe to use one dict from many threads. Iteration is not one
//! operation but many: between two steps of `for s in d.values()` another thread may add or
//! pop an entry, and CPython then raises `RuntimeError: dictionary changed size during
//! iteration` in the iterating thread. Stages 2-5 hold their clients in a `Dict`, so that
//! error happens in netlab where it happens in Python. A Rust `HashMap` cannot even be
//! shared this way: the compiler refuses (see `netlab demo race`).

use super::{Exception, Result};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::panic::Location;
use std::sync::{Mutex, MutexGuard};

/// An insertion-ordered dict whose single operations are atomic and whose iterators fail,
/// as CPython's do, when the dict changes size while they are in use.
pub(crate) struct Dict<K, V> {
    /// One lock per dict stands in for the GIL: it makes each operation atomic, and is
    /// released between the steps of an iteration, as the GIL is.
    table: Mutex<Table<K, V>>,
}

/// CPython's layout: entries in insertion order, with holes where entries were popped, and
/// an index from key to slot. An iterator is just a position in `entries`.
struct Table<K, V> {
    /// Entries in insertion order; `None` marks a popped entry (CPython's "dummy").
    entries: Vec<Option<(K, V)>>,
    /// Where each live key sits in `entries`.
    index: HashMap<K, usize>,
}

impl<K: Eq + Hash + Clone, V: Clone> Dict<K, V> {
    /// `{}`
    pub(crate) fn new() -> Dict<K, V> {
        Dict {
            table: Mutex::new(Table {
                entries: Vec::new(),
                index: HashMap::new(),
            }),
        }
    }

    fn table(&self) -> MutexGuard<'_, Table<K, V>> {
        // A panic elsewhere must not make the dict unusable for the threads still running.
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `d[key] = value`: replaces in place (same size) or appends (size + 1).
    pub(crate) fn insert(&self, key: K, value: V) {
        let mut t = self.table();
        if let Some(&slot) = t.index.get(&key) {
            t.entries[slot] = Some((key, value));
            return;
        }
        // Like CPython, compact the holes away only when the table grows: the size
        // changes at the same moment, so every live iterator fails anyway.
        if t.entries.len() >= 8 && t.entries.len() >= 2 * t.index.len() {
            t.compact();
        }
        let slot = t.entries.len();
        t.entries.push(Some((key.clone(), value)));
        t.index.insert(key, slot);
    }

    /// `d.pop(key)`: removes and returns the value, or raises `KeyError`.
    #[track_caller]
    pub(crate) fn pop(&self, key: &K) -> Result<V>
    where
        K: fmt::Debug,
    {
        let mut t = self.table();
        match t.index.remove(key) {
            Some(slot) => Ok(t.entries[slot].take().expect("indexed slot is live").1),
            None => Err(Exception::new("KeyError", format!("{key:?}"))),
        }
    }

    /// Each key with the socket its value holds, in insertion order: what the live view
    /// shows of the clients dict. One atomic read (under the dict's stand-in for the GIL),
    /// like `logging.info(cs.clients)`: it never fails an iteration in progress.
    pub(crate) fn sockets(&self) -> Vec<(K, super::Socket)>
    where
        V: super::socket::HoldsSocket,
    {
        self.table()
            .entries
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.socket().clone()))
            .collect()
    }

    /// `len(d)`
    pub(crate) fn len(&self) -> usize {
        self.table().index.len()
    }

    /// `d.values()`: each step yields `Ok(value)`, or `Err(RuntimeError)` if the dict
    /// changed size since the iteration began. Use it as the notes do:
    /// `for s in clients.values() { s?.send(msg)?; }`.
    #[track_caller]
    pub(crate) fn values(&self) -> Iter<'_, K, V, V> {
        self.iter(|_, v| v.clone())
    }

    /// `d.items()`: like [`Dict::values`], yielding `(key, value)` pairs.
    #[track_caller]
    pub(crate) fn items(&self) -> Iter<'_, K, V, (K, V)> {
        self.iter(|k, v| (k.clone(), v.clone()))
    }

    #[track_caller]
    fn iter<T>(&self, project: fn(&K, &V) -> T) -> Iter<'_, K, V, T> {
        Iter {
            dict: self,
            position: 0,
            size_at_start: self.len(),
            project,
            at: Location::caller(),
            failed: false,
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for Dict<K, V> {
    fn default() -> Self {
        Dict::new()
    }
}

impl<K: Eq + Hash + Clone, V> Table<K, V> {
    /// Drops the holes left by `pop`, as CPython does when it resizes a dict.
    fn compact(&mut self) {
        self.entries.retain(Option::is_some);
        for (slot, entry) in self.entries.iter().enumerate() {
            let (k, _) = entry.as_ref().expect("retained entries are live");
            self.index.insert(k.clone(), slot);
        }
    }
}

/// A dict view being iterated: a position in the entries plus the size the dict had when
/// the iteration started (CPython's `di_used`).
pub(crate) struct Iter<'a, K, V, T> {
    dict: &'a Dict<K, V>,
    position: usize,
    size_at_start: usize,
    project: fn(&K, &V) -> T,
    /// The `for` line that started the iteration: where the RuntimeError is reported.
    at: &'static Location<'static>,
    /// After raising, the iterator is exhausted, as a Python iterator would be.
    failed: bool,
}

impl<K: Eq + Hash + Clone, V: Clone, T> Iterator for Iter<'_, K, V, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.failed {
            return None;
        }
        let t = self.dict.table();
        // CPython checks the size on every step; the check is what raises.
        if t.index.len() != self.size_at_start {
            self.failed = true;
            let mut e = Exception::runtime_error("dictionary changed size during iteration");
            e.at = Some(self.at);
            return Some(Err(e));
        }
        while self.position < t.entries.len() {
            let slot = self.position;
            self.position += 1;
            if let Some((k, v)) = &t.entries[slot] {
                return Some(Ok((self.project)(k, v)));
            }
        }
        None
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Dict<K, V> {
    /// `{key: value, ...}` in insertion order, as `logging.info(cs.clients)` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.table.lock().unwrap_or_else(|p| p.into_inner());
        f.write_str("{")?;
        for (i, (k, v)) in t.entries.iter().flatten().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k:?}: {v:?}")?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_updates_in_place() {
        let d = Dict::new();
        d.insert("b", 1);
        d.insert("a", 2);
        d.insert("b", 3);
        let values: Vec<i32> = d.values().map(|v| v.unwrap()).collect();
        assert_eq!(values, [3, 2]);
        assert_eq!(format!("{d:?}"), r#"{"b": 3, "a": 2}"#);
    }

    #[test]
    fn pop_missing_key_raises_key_error() {
        let d: Dict<i32, i32> = Dict::new();
        let e = d.pop(&7).unwrap_err();
        assert_eq!(e.to_string(), "KeyError: 7");
    }

    #[test]
    fn growing_while_iterating_raises_runtime_error() {
        let d = Dict::new();
        d.insert(1, 1);
        d.insert(2, 2);
        let mut it = d.values();
        assert_eq!(it.next().unwrap().unwrap(), 1);
        d.insert(3, 3);
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(
            e.to_string(),
            "RuntimeError: dictionary changed size during iteration"
        );
        assert!(it.next().is_none(), "a failed iterator is exhausted");
    }

    #[test]
    fn shrinking_while_iterating_raises_runtime_error() {
        let d = Dict::new();
        d.insert(1, 1);
        d.insert(2, 2);
        let mut it = d.values();
        it.next();
        d.pop(&2).unwrap();
        assert!(it.next().unwrap().is_err());
    }

    #[test]
    fn updating_a_value_while_iterating_is_fine() {
        // The race script's `d[k] = random...` inside the loop: same size, no error.
        let d = Dict::new();
        for k in 0..20 {
            d.insert(k, 0);
        }
        let mut seen = 0;
        for item in d.items() {
            let (k, _) = item.unwrap();
            d.insert(k, 1);
            seen += 1;
        }
        assert_eq!(seen, 20);
    }

    #[test]
    fn pop_then_insert_keeps_order_after_compaction() {
        let d = Dict::new();
        for k in 0..10 {
            d.insert(k, k);
        }
        for k in 0..8 {
            d.pop(&k).unwrap();
        }
        d.insert(100, 100);
        assert_eq!(format!("{d:?}"), "{8: 8, 9: 9, 100: 100}");
        assert_eq!(d.len(), 3);
    }
}
