use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A language server and command-line checker for program plans.
#[derive(Parser)]
#[command(name = "planls", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over stdin and stdout.
    Serve,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve => planls::lsp::run_stdio(),
    }
}
