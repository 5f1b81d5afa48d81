//! `repr()`: how Python prints a value inside a container, so that
//! `logging.info(cs.clients)` prints `{('127.0.0.1', 51234): <socket.socket fd=4, ...>}`
//! in netlab as it does in Python.

use super::{addr_repr, Dict, File, Socket};
use std::hash::Hash;
use std::net::SocketAddr;

/// A value with a Python `repr()`.
pub(crate) trait Repr {
    /// What Python's `repr(value)` prints.
    fn repr(&self) -> String;
}

impl Repr for SocketAddr {
    /// `('127.0.0.1', 51234)`: the address tuple the notes use as the dict key.
    fn repr(&self) -> String {
        addr_repr(self)
    }
}

impl Repr for Socket {
    fn repr(&self) -> String {
        self.to_string()
    }
}

impl Repr for File {
    fn repr(&self) -> String {
        format!("{self:?}")
    }
}

impl<A: Repr, B: Repr> Repr for (A, B) {
    /// `(a, b)`: stages 6-7 keep `(f, sock)` pairs.
    fn repr(&self) -> String {
        format!("({}, {})", self.0.repr(), self.1.repr())
    }
}

impl<A: Repr, B: Repr, C: Repr> Repr for (A, B, C) {
    /// `(a, b, c)`
    fn repr(&self) -> String {
        format!("({}, {}, {})", self.0.repr(), self.1.repr(), self.2.repr())
    }
}

impl<T: Repr> Repr for std::sync::Arc<T> {
    /// What it points to.
    fn repr(&self) -> String {
        (**self).repr()
    }
}

macro_rules! int_repr {
    ($($t:ty),*) => {$(
        impl Repr for $t {
            fn repr(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_repr!(i32, i64, u16, u32, u64, usize);

impl<K: Eq + Hash + Clone + Repr, V: Clone + Repr> Repr for Dict<K, V> {
    /// `{key: value, ...}` in insertion order.
    fn repr(&self) -> String {
        let items: Vec<String> = self
            .items()
            .filter_map(Result::ok)
            .map(|(k, v)| format!("{}: {}", k.repr(), v.repr()))
            .collect();
        format!("{{{}}}", items.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_of_addresses_reads_like_python() {
        let d = Dict::new();
        d.insert("127.0.0.1:51234".parse::<SocketAddr>().unwrap(), 4u64);
        d.insert("127.0.0.1:51236".parse::<SocketAddr>().unwrap(), 7u64);
        assert_eq!(
            d.repr(),
            "{('127.0.0.1', 51234): 4, ('127.0.0.1', 51236): 7}"
        );
    }
}
