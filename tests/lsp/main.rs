//! In-process sessions with the language server: a client plays the editor over in-memory pipes.

mod client;

mod background;
mod documents;
mod features;
mod insights;
mod projects;
mod reliability;
mod report;
mod stdio;
