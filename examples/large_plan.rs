//! Writes the generated plan that `tests/large_plan.rs` checks, for timing the binary:
//!
//!     cargo run --release --example large_plan -- target/large.plan 5
//!
//! The second argument is the size in megabytes (default 5).

#[path = "../tests/support/large_plan.rs"]
mod support;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: large_plan OUTPUT.plan [MEGABYTES]");
        return ExitCode::from(2);
    };
    let megabytes: usize = match args.next().map(|a| a.parse()) {
        None => 5,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("large_plan: MEGABYTES must be a whole number");
            return ExitCode::from(2);
        }
    };
    let text = support::large_plan(megabytes * 1024 * 1024);
    if let Err(error) = std::fs::write(&path, &text) {
        eprintln!("large_plan: cannot write {path}: {error}");
        return ExitCode::from(2);
    }
    println!("wrote {path}: {} bytes", text.len());
    ExitCode::SUCCESS
}
