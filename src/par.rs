//! Work on every core, with results in order and the first error in order.

use crate::error::Result;

/// Files per thread below which another thread is not worth starting.
const MIN_ITEMS_PER_THREAD: usize = 16;

/// Items a thread claims at a time.
const BLOCK: usize = 8;

/// Applies `f` to every item on up to one thread per core and returns the
/// results in order, or the error of the first item (in order) that failed.
/// Items after a failed one may be skipped. `progress` is called on the
/// calling thread, from time to time, with the number of items done.
pub(crate) fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    progress: &mut dyn FnMut(usize),
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(f(item)?);
            progress(i + 1);
        }
        return Ok(out);
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    // Items after this index need not run: an earlier one failed.
    let limit = AtomicUsize::new(usize::MAX);
    let work = |on_item: &mut dyn FnMut()| {
        let mut out = Vec::new();
        'claim: loop {
            let start = next.fetch_add(BLOCK, Ordering::Relaxed);
            if start >= items.len() {
                break;
            }
            let end = (start + BLOCK).min(items.len());
            for (i, item) in items[start..end].iter().enumerate().map(|(k, item)| (start + k, item)) {
                if i > limit.load(Ordering::Relaxed) {
                    break 'claim;
                }
                let result = f(item);
                if result.is_err() {
                    limit.fetch_min(i, Ordering::Relaxed);
                }
                out.push((i, result));
                done.fetch_add(1, Ordering::Relaxed);
                on_item();
            }
        }
        out
    };
    let mut slots: Vec<Option<Result<R>>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(|| work(&mut || {}))).collect();
        let mine = work(&mut || progress(done.load(Ordering::Relaxed)));
        for (i, result) in mine.into_iter().chain(helpers.into_iter().flat_map(|h| match h.join() {
            Ok(results) => results,
            Err(panic) => std::panic::resume_unwind(panic),
        })) {
            slots[i] = Some(result);
        }
    });
    progress(items.len());
    let mut out = Vec::with_capacity(items.len());
    for slot in slots {
        match slot {
            Some(result) => out.push(result?),
            // Skipped because an earlier item failed, which returned above.
            None => unreachable!("an item is only skipped after an earlier one failed"),
        }
    }
    Ok(out)
}
