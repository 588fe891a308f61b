//! Rendering a long list of reports side by side while keeping their
//! order and bounding memory: the list is taken a window at a time, the
//! window's chunks are rendered in parallel, then written in order.

use rayon::prelude::*;
use std::io::Write;

/// Chunks rendered at a time: enough to keep the cores busy, few enough
/// that the rendered text of one window is all the extra memory needed.
const WINDOW: usize = 16;

/// Renders `items` chunk by chunk with `render(index of the chunk's first
/// item, chunk, buffer)` and writes the chunks to `out` in order.
pub(crate) fn write_in_order<T: Sync>(
    items: &[T],
    chunk_len: usize,
    render: impl Fn(usize, &[T], &mut Vec<u8>) + Sync,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let chunk_len = chunk_len.max(1);
    for (w, window) in items.chunks(chunk_len * WINDOW).enumerate() {
        let first = w * chunk_len * WINDOW;
        let rendered: Vec<Vec<u8>> = window
            .par_chunks(chunk_len)
            .enumerate()
            .map(|(i, chunk)| {
                let mut text = Vec::new();
                render(first + i * chunk_len, chunk, &mut text);
                text
            })
            .collect();
        for text in rendered {
            out.write_all(&text)?;
        }
    }
    Ok(())
}
