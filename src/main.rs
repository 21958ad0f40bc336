use clap::Parser;

/// With `--features mimalloc`, for comparison: measured against the system allocator, mimalloc
/// made a check slower (freed pages purged and faulted in again) and the server larger after
/// typing (docs/performance.md), so the system allocator is the default.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    planls::cli::main(planls::cli::Cli::parse())
}
