//! Work on a list shared by two threads that take chunks from its two
//! ends: this thread from the front, a helper from the back, until they
//! meet. Results come back in the list's order. A helper thread starts
//! later and allocates more slowly (its memory is fresh), so halving the
//! list up front left this thread waiting for it; taking chunks from both
//! ends keeps both busy to the end.

use std::sync::Mutex;

/// The indices `0..n` that neither thread has taken yet: this thread takes
/// from the front, the helper from the back.
pub struct Untaken {
    range: Mutex<(usize, usize)>,
    front_limit: usize,
}

impl Untaken {
    pub fn new(n: usize) -> Self {
        Self::with_front_limit(n, usize::MAX)
    }

    /// The front takes at most `front_limit` indices; the back takes the
    /// rest (tests use it to know which thread does what).
    pub fn with_front_limit(n: usize, front_limit: usize) -> Self {
        Untaken {
            range: Mutex::new((0, n)),
            front_limit,
        }
    }

    /// The first index not taken yet.
    pub fn front(&self) -> Option<usize> {
        let mut range = self.range.lock().unwrap_or_else(|e| e.into_inner());
        if range.0 >= range.1 || range.0 >= self.front_limit {
            return None;
        }
        range.0 += 1;
        Some(range.0 - 1)
    }

    /// The last index not taken yet.
    pub fn back(&self) -> Option<usize> {
        let mut range = self.range.lock().unwrap_or_else(|e| e.into_inner());
        if range.0 >= range.1 {
            return None;
        }
        range.1 -= 1;
        Some(range.1)
    }
}

/// `work(start, chunk)` for each chunk of `chunk_len` items (`start` is
/// the index of the chunk's first item), on two threads; the results of
/// all chunks, in order. Lists of one chunk stay on this thread.
pub fn map_chunks<'s, T: Sync, R: Send>(
    items: &'s [T],
    chunk_len: usize,
    work: impl Fn(usize, &'s [T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let chunk_len = chunk_len.max(1);
    let chunks = items.len().div_ceil(chunk_len);
    if chunks < 2 {
        return work(0, items);
    }
    let untaken = Untaken::new(chunks);
    let take = |from_back: bool| {
        let k = if from_back {
            untaken.back()
        } else {
            untaken.front()
        }?;
        let start = k * chunk_len;
        Some((start, &items[start..(start + chunk_len).min(items.len())]))
    };
    let work = &work;
    let (mut results, from_back) = std::thread::scope(|threads| {
        let helper = threads.spawn(|| {
            let mut done = Vec::new();
            while let Some((start, chunk)) = take(true) {
                done.push(work(start, chunk));
            }
            done
        });
        let mut results = Vec::new();
        while let Some((start, chunk)) = take(false) {
            results.extend(work(start, chunk));
        }
        let from_back = helper
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (results, from_back)
    });
    // The helper took the last chunk first.
    for done in from_back.into_iter().rev() {
        results.extend(done);
    }
    results
}

#[cfg(test)]
mod tests {
    use super::map_chunks;

    #[test]
    fn results_come_back_in_order_whatever_the_chunk_size() {
        let items: Vec<u32> = (0..1000).collect();
        for chunk_len in [1, 3, 7, 64, 999, 1000, 5000] {
            let doubled = map_chunks(&items, chunk_len, |start, chunk| {
                assert_eq!(
                    chunk[0] as usize, start,
                    "a chunk's start is its first index"
                );
                chunk.iter().map(|x| x * 2).collect()
            });
            assert_eq!(doubled, (0..1000).map(|x| x * 2).collect::<Vec<u32>>());
        }
        let none: Vec<u32> = map_chunks(&[] as &[u32], 8, |_, c| c.to_vec());
        assert!(none.is_empty());
    }

    #[test]
    fn the_two_ends_meet_and_take_each_index_once() {
        let untaken = super::Untaken::with_front_limit(5, 2);
        assert_eq!(untaken.front(), Some(0));
        assert_eq!(untaken.back(), Some(4));
        assert_eq!(untaken.front(), Some(1));
        assert_eq!(untaken.front(), None, "the front stops at its limit");
        assert_eq!(untaken.back(), Some(3));
        assert_eq!(untaken.back(), Some(2));
        assert_eq!(untaken.back(), None);
        assert_eq!(super::Untaken::new(0).front(), None);
    }

    #[test]
    fn a_chunk_may_give_any_number_of_results() {
        let items: Vec<u32> = (0..100).collect();
        let evens = map_chunks(&items, 9, |_, chunk| {
            chunk.iter().copied().filter(|x| x % 2 == 0).collect()
        });
        assert_eq!(evens, (0..100).step_by(2).collect::<Vec<u32>>());
    }
}
