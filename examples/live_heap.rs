//! `planls` with an allocator that counts what it has handed out and not yet taken back: the live
//! heap, which the resident set (VmRSS) does not show apart from the pages mimalloc keeps for
//! reuse. The load test reads it to tell memory the server holds from memory the allocator keeps
//! (docs/performance.md, "Under load"):
//!
//! ```sh
//! cargo build --release --example live_heap
//! python3 tests/load/load.py --planls target/release/examples/live_heap
//! ```
//!
//! With `PLANLS_LIVE_HEAP_FILE` set, the live heap in bytes is written to that file every 50 ms
//! (to a sibling file first, then renamed, so a reader never sees half a number). Otherwise this is
//! `planls`, with mimalloc under the count as in the real binary.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use clap::Parser;

/// mimalloc, counting the bytes asked for.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to mimalloc unchanged; only the count is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        mimalloc::MiMalloc.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        mimalloc::MiMalloc.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        mimalloc::MiMalloc.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() -> std::process::ExitCode {
    if let Some(path) = std::env::var_os("PLANLS_LIVE_HEAP_FILE") {
        let path = std::path::PathBuf::from(path);
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        std::thread::spawn(move || loop {
            let live = LIVE.load(Ordering::Relaxed);
            if std::fs::write(&partial, live.to_string()).is_ok() {
                let _ = std::fs::rename(&partial, &path);
            }
            std::thread::sleep(Duration::from_millis(50));
        });
    }
    planls::cli::main(planls::cli::Cli::parse())
}
