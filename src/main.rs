use clap::Parser;

/// mimalloc keeps freed pages for reuse across threads: the server's snapshots are built on one
/// thread and dropped on another, and the system allocator grew without bound under edits.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    planls::cli::main(planls::cli::Cli::parse())
}
