use clap::Parser;

fn main() -> std::process::ExitCode {
    planls::cli::main(planls::cli::Cli::parse())
}
