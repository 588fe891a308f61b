//! Rendering a long list of reports on two threads while keeping their
//! order and bounding memory: the list is cut into chunks, this thread
//! renders the even ones and a helper the odd ones, and the chunks are
//! written in order as they are ready. A chunk in flight is all the extra
//! memory it takes.

use std::io::Write;

/// Renders `items` chunk by chunk with `render(index of the chunk's first
/// item, chunk, buffer)` and writes the chunks to `out` in order.
pub fn write_in_order<T: Sync>(
    items: &[T],
    chunk_len: usize,
    render: impl Fn(usize, &[T], &mut Vec<u8>) + Sync,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let chunk_len = chunk_len.max(1);
    let chunks: Vec<(usize, &[T])> = items
        .chunks(chunk_len)
        .enumerate()
        .map(|(i, chunk)| (i * chunk_len, chunk))
        .collect();
    let render = &render;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let odd: Vec<_> = chunks.iter().skip(1).step_by(2).copied().collect();
        scope.spawn(move || {
            // Each buffer leaves with its chunk: the next starts with room
            // for one like the last, instead of growing (and copying) from
            // nothing.
            let mut room = 0;
            for (first, chunk) in odd {
                let mut rendered = Vec::with_capacity(room);
                render(first, chunk, &mut rendered);
                room = rendered.len() + rendered.len() / 4;
                // The receiver is gone when writing failed: stop.
                if send.send(rendered).is_err() {
                    break;
                }
            }
        });
        let mut mine = Vec::new();
        for (k, &(first, chunk)) in chunks.iter().enumerate() {
            if k % 2 == 0 {
                mine.clear();
                render(first, chunk, &mut mine);
                out.write_all(&mine)?;
            } else {
                let rendered = receive.recv().expect("the helper renders every odd chunk");
                out.write_all(&rendered)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_out_in_order() {
        let items: Vec<usize> = (0..1000).collect();
        for chunk_len in [1, 7, 64, 1000, 5000] {
            let mut out = Vec::new();
            write_in_order(
                &items,
                chunk_len,
                |first, chunk, into| {
                    for (i, n) in chunk.iter().enumerate() {
                        assert_eq!(first + i, *n);
                        into.extend_from_slice(format!("{n},").as_bytes());
                    }
                },
                &mut out,
            )
            .unwrap();
            let expected: String = items.iter().map(|n| format!("{n},")).collect();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "chunks of {chunk_len}"
            );
        }
    }

    #[test]
    fn a_failed_write_stops_both_threads() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let items: Vec<usize> = (0..10_000).collect();
        let result = write_in_order(&items, 10, |_, _, into| into.push(b'x'), &mut Broken);
        assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
    }
}
