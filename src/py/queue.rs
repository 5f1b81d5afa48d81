//! `queue.Queue`: a first-in, first-out queue that threads hand items over with.
//!
//! `put()` never blocks (the queue has no size limit, as `queue.Queue()` by default);
//! `get()` blocks until an item is there. A thread blocked in `get()` shows as such in
//! netlab's reports, like one blocked in a socket call; shutting sockets down does not
//! wake it, so code that ends such a thread puts an item that tells it to stop (Python's
//! usual `None`).

use super::threading::{blocking, lock, wait_while};
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// `queue.Queue()`
pub(crate) struct Queue<T> {
    items: Mutex<VecDeque<T>>,
    ready: Condvar,
}

impl<T> Queue<T> {
    /// `queue.Queue()`
    pub(crate) fn new() -> Queue<T> {
        Queue {
            items: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }
    }

    /// `q.put(item)`
    pub(crate) fn put(&self, item: T) {
        lock(&self.items).push_back(item);
        self.ready.notify_one();
    }

    /// `q.get_nowait()`: the oldest item, if there is one now (Python raises `queue.Empty`
    /// where this gives None).
    pub(crate) fn get_nowait(&self) -> Option<T> {
        lock(&self.items).pop_front()
    }

    /// `q.get()`: the oldest item, once there is one.
    pub(crate) fn get(&self) -> T {
        blocking(
            || "q.get()".to_string(),
            || "the queue is empty: get() returns when another thread puts an item".to_string(),
            || loop {
                let mut items = wait_while(
                    &self.ready,
                    lock(&self.items),
                    Duration::from_secs(3600),
                    |q| q.is_empty(),
                );
                if let Some(item) = items.pop_front() {
                    return item;
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn get_waits_for_put_and_keeps_the_order() {
        let q = Arc::new(Queue::new());
        let producer = q.clone();
        let t = std::thread::spawn(move || {
            producer.put(1);
            producer.put(2);
        });
        assert_eq!(q.get(), 1);
        assert_eq!(q.get(), 2);
        t.join().unwrap();
    }
}
