//! Scenarios side by side: each with its own program on its own port, at most `jobs` at a
//! time, their outcomes handed back in the plan's order as soon as each and those before
//! it are done, so the report reads the same however the runs interleave.
//!
//! A run stops handing out scenarios when told to (`--fail-fast`, or the report seeing
//! that every scenario fails the same first way): those not started are returned as not
//! run.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// What became of one item.
pub(crate) enum Done<T> {
    /// It ran, and this came of it.
    Ran(T),
    /// It was not started: the run stopped before it.
    NotRun,
}

/// Runs `work` on each of `items`, `jobs` at a time, starting them in the order of
/// `first` (indices: the longest first, so that no long one starts last), or in their own
/// order where `first` is empty. `prepare` makes what `work` needs (a program started and
/// listening): with `ahead`, each worker prepares its next item while `work` runs on the
/// current one, so that no item waits for its preparation. `stop(done)` sees each outcome
/// as soon as it is done, in whatever order they finish; once it returns `true`, no item is
/// started any more (those running finish; one prepared ahead is dropped). `each(i, done)`
/// is called for every item in the items' order, on the calling thread; the items never
/// started come back as [`Done::NotRun`].
pub(crate) struct Pool<'a, I> {
    pub(crate) items: &'a [I],
    pub(crate) first: &'a [usize],
    pub(crate) jobs: usize,
    pub(crate) ahead: bool,
}

impl<I: Sync> Pool<'_, I> {
    pub(crate) fn run<P, T>(
        &self,
        prepare: impl Fn(&I) -> P + Sync,
        work: impl Fn(&I, P) -> T + Sync,
        stop_after: impl FnMut(&T) -> bool + Send,
        mut each: impl FnMut(usize, Done<T>),
    ) where
        P: Send,
        T: Send,
    {
        let Pool {
            items,
            first,
            jobs,
            ahead,
        } = *self;
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        // Asked by the worker that finished, before it takes another item: a stop is never
        // late.
        let stop_after = std::sync::Mutex::new(stop_after);
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        // The next item to start, unless the run has stopped or none is left.
        let take = || {
            if stop.load(Ordering::SeqCst) {
                return None;
            }
            let n = next.fetch_add(1, Ordering::SeqCst);
            (n < items.len()).then(|| first.get(n).copied().unwrap_or(n))
        };
        std::thread::scope(|scope| {
            for _ in 0..jobs.clamp(1, items.len().max(1)) {
                let tx = tx.clone();
                let (take, prepare, work, stop, stop_after) =
                    (&take, &prepare, &work, &stop, &stop_after);
                scope.spawn(move || {
                    let mut pending = None;
                    loop {
                        let (i, prepared) = match pending.take() {
                            Some((i, handle)) => (i, join(handle)),
                            None => match take() {
                                Some(i) => (i, prepare(&items[i])),
                                None => return,
                            },
                        };
                        if ahead {
                            pending = take().map(|j| (j, scope.spawn(move || prepare(&items[j]))));
                        }
                        let outcome = work(&items[i], prepared);
                        if (crate::sync::lock(stop_after))(&outcome) {
                            stop.store(true, Ordering::SeqCst);
                        }
                        if tx.send((i, outcome)).is_err() || stop.load(Ordering::SeqCst) {
                            // What was prepared for an item that will not run is dropped
                            // (a program, stopped).
                            if let Some((_, handle)) = pending.take() {
                                drop(join(handle));
                            }
                            return;
                        }
                    }
                });
            }
            drop(tx);
            // Outcomes that came before those ahead of them in the plan wait here.
            let mut waiting: Vec<Option<T>> = (0..items.len()).map(|_| None).collect();
            let mut shown = 0;
            for (i, outcome) in rx {
                waiting[i] = Some(outcome);
                while let Some(outcome) = waiting.get_mut(shown).and_then(Option::take) {
                    each(shown, Done::Ran(outcome));
                    shown += 1;
                }
            }
            // What the run stopped before: started ones in order, then those never started.
            for (i, slot) in waiting.iter_mut().enumerate().skip(shown) {
                let done = slot.take().map_or(Done::NotRun, Done::Ran);
                each(i, done);
            }
        });
    }
}

/// What a preparation made, or its panic passed on.
fn join<P>(handle: std::thread::ScopedJoinHandle<'_, P>) -> P {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcomes_come_back_in_order_whatever_finishes_first() {
        let items: Vec<u64> = vec![50, 10, 30, 0, 20];
        let mut seen = Vec::new();
        let pool = Pool {
            items: &items,
            first: &[],
            jobs: 3,
            ahead: true,
        };
        pool.run(
            |ms| *ms,
            |_, ms| {
                std::thread::sleep(Duration::from_millis(ms));
                ms
            },
            |_| false,
            |i, done| {
                if let Done::Ran(ms) = done {
                    seen.push((i, ms));
                }
            },
        );
        assert_eq!(seen, vec![(0, 50), (1, 10), (2, 30), (3, 0), (4, 20)]);
    }

    #[test]
    fn the_next_item_is_prepared_while_one_runs() {
        let items: Vec<usize> = (0..4).collect();
        let prepared = std::sync::Mutex::new(Vec::new());
        let pool = Pool {
            items: &items,
            first: &[],
            jobs: 1,
            ahead: true,
        };
        let mut overlapped = Vec::new();
        pool.run(
            |i| crate::sync::lock(&prepared).push(*i),
            |i, ()| {
                // The next item's preparation comes while this one runs (bounded wait).
                let deadline = std::time::Instant::now() + Duration::from_secs(10);
                while *i + 1 < 4
                    && !crate::sync::lock(&prepared).contains(&(*i + 1))
                    && std::time::Instant::now() < deadline
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                crate::sync::lock(&prepared).contains(&(*i + 1)) || *i + 1 == 4
            },
            |_| false,
            |_, done| {
                if let Done::Ran(ahead) = done {
                    overlapped.push(ahead);
                }
            },
        );
        assert_eq!(overlapped, [true; 4]);
    }

    #[test]
    fn without_ahead_nothing_is_prepared_before_its_turn() {
        let items: Vec<usize> = (0..4).collect();
        let prepared = std::sync::Mutex::new(Vec::new());
        let pool = Pool {
            items: &items,
            first: &[],
            jobs: 1,
            ahead: false,
        };
        let mut early = 0;
        pool.run(
            |i| crate::sync::lock(&prepared).push(*i),
            |i, ()| crate::sync::lock(&prepared).iter().any(|p| p > i),
            |_| false,
            |_, done| {
                if let Done::Ran(true) = done {
                    early += 1;
                }
            },
        );
        assert_eq!(early, 0);
    }

    #[test]
    fn what_was_prepared_for_an_item_that_never_runs_is_dropped() {
        struct Counted<'a>(&'a AtomicUsize);
        impl Drop for Counted<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let items: Vec<usize> = (0..20).collect();
        let made = AtomicUsize::new(0);
        let dropped = AtomicUsize::new(0);
        let pool = Pool {
            items: &items,
            first: &[],
            jobs: 2,
            ahead: true,
        };
        pool.run(
            |_| {
                made.fetch_add(1, Ordering::SeqCst);
                Counted(&dropped)
            },
            |i, counted| {
                drop(counted);
                *i
            },
            |i| *i >= 3,
            |_, _| {},
        );
        let made = made.load(Ordering::SeqCst);
        assert!(made < 20, "the run went on after the stop: {made} prepared");
        assert_eq!(dropped.load(Ordering::SeqCst), made);
    }

    #[test]
    fn a_stop_leaves_the_rest_not_run() {
        let items: Vec<usize> = (0..20).collect();
        let mut ran = 0;
        let mut not_run = 0;
        let slow = |i: &usize| {
            std::thread::sleep(Duration::from_millis(20));
            *i
        };
        let pool = Pool {
            items: &items,
            first: &[],
            jobs: 2,
            ahead: true,
        };
        pool.run(
            |i| *i,
            |_, i| slow(&i),
            |i| *i >= 3,
            |_, done| match done {
                Done::Ran(_) => ran += 1,
                Done::NotRun => not_run += 1,
            },
        );
        assert_eq!(ran + not_run, 20);
        assert!(not_run >= 14, "{ran} ran, {not_run} not run");
    }
}
