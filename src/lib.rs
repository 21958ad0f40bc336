//! planls: the plan language's syntax, analysis, language server and command line.

pub mod analysis;
pub mod cli;
pub mod export;
pub mod generate;
pub mod lsp;
pub mod parallel;
pub mod project;
pub mod report;
pub mod syntax;
