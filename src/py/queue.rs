//! `queue.Queue`: a first-in, first-out queue that threads hand items over with.
//!
//! `put()` never blocks (the queue has no size limit, as `queue.Queue()` by default);
//! `get()` blocks until an item is there. A thread blocked in `get()` shows as such in
//! netlab's reports, like one blocked in a socket call; shutting sockets down does not
//! wake it, so code that ends such a thread puts an item that tells it to stop (Python's
//! usual `None`).

use super::interpreter::blocking;
use super::Call;
use crate::sync::{lock, wait_while};
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// `queue.Queue()`
pub(crate) struct Queue<T> {
    items: Mutex<Items<T>>,
    ready: Condvar,
}

/// The items, and how many threads wait in `get()` for one: `put()` wakes a thread only
/// when one waits, so a busy consumer costs its producers no system call.
struct Items<T> {
    queue: VecDeque<T>,
    waiting: usize,
}

impl<T> Queue<T> {
    /// `queue.Queue()`
    pub(crate) fn new() -> Queue<T> {
        Queue {
            items: Mutex::new(Items {
                queue: VecDeque::new(),
                waiting: 0,
            }),
            ready: Condvar::new(),
        }
    }

    /// `q.put(item)`
    pub(crate) fn put(&self, item: T) {
        let mut items = lock(&self.items);
        items.queue.push_back(item);
        if items.waiting > 0 {
            self.ready.notify_one();
        }
    }

    /// `q.get_nowait()`: the oldest item, if there is one now (Python raises `queue.Empty`
    /// where this gives None).
    pub(crate) fn get_nowait(&self) -> Option<T> {
        lock(&self.items).queue.pop_front()
    }

    /// `q.get()`: the oldest item, once there is one. A thread that finds the queue empty
    /// shows as blocked in `q.get()` until an item comes.
    pub(crate) fn get(&self) -> T {
        if let Some(item) = self.get_nowait() {
            return item;
        }
        blocking(
            || Call::Other("q.get()".to_string()),
            || crate::tr!("why-queue-get"),
            || {
                let mut items = lock(&self.items);
                items.waiting += 1;
                loop {
                    items = wait_while(&self.ready, items, Duration::from_secs(3600), |items| {
                        items.queue.is_empty()
                    });
                    if let Some(item) = items.queue.pop_front() {
                        items.waiting -= 1;
                        return item;
                    }
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
