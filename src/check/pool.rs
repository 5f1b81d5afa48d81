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
/// order where `first` is empty. `stop(done)` sees each outcome as soon as it is done, in
/// whatever order they finish; once it returns `true`, no item is started any more (those
/// running finish). `each(i, done)` is called for every item in the items' order, on the
/// calling thread; the items never started come back as [`Done::NotRun`].
pub(crate) fn run<I, T>(
    items: &[I],
    first: &[usize],
    jobs: usize,
    work: impl Fn(&I) -> T + Sync,
    stop_after: impl FnMut(&T) -> bool + Send,
    mut each: impl FnMut(usize, Done<T>),
) where
    I: Sync,
    T: Send,
{
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Asked by the worker that finished, before it takes another item: a stop is never late.
    let stop_after = std::sync::Mutex::new(stop_after);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (next, stop, work, stop_after) = (&next, &stop, &work, &stop_after);
            scope.spawn(move || loop {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= items.len() {
                    return;
                }
                let i = first.get(n).copied().unwrap_or(n);
                let outcome = work(&items[i]);
                if (crate::sync::lock(stop_after))(&outcome) {
                    stop.store(true, Ordering::SeqCst);
                }
                if tx.send((i, outcome)).is_err() {
                    return;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcomes_come_back_in_order_whatever_finishes_first() {
        let items: Vec<u64> = vec![50, 10, 30, 0, 20];
        let mut seen = Vec::new();
        run(
            &items,
            &[],
            3,
            |ms| {
                std::thread::sleep(Duration::from_millis(*ms));
                *ms
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
    fn a_stop_leaves_the_rest_not_run() {
        let items: Vec<usize> = (0..20).collect();
        let mut ran = 0;
        let mut not_run = 0;
        let slow = |i: &usize| {
            std::thread::sleep(Duration::from_millis(20));
            *i
        };
        run(
            &items,
            &[],
            2,
            slow,
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
