//! Progress on a terminal: when a run takes longer than a second (a very
//! large tree), a line on stderr says how many files have been read. Never
//! shown when stderr is not a terminal, so logs and pipes stay clean.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Files read so far in this process.
pub(crate) static FILES_READ: AtomicUsize = AtomicUsize::new(0);

/// The progress line's thread; stop it with [`Progress::finish`].
pub(crate) struct Progress {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Progress {
    /// Starts the progress line when stderr is a terminal.
    pub(crate) fn start() -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() >= Duration::from_secs(1) {
                    let n = FILES_READ.load(Ordering::Relaxed);
                    let _ = write!(std::io::stderr(), "\rwslint: checking… {n} files read");
                    shown = true;
                }
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        Some(Progress { stop, thread })
    }

    /// Stops and clears the progress line.
    pub(crate) fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}
