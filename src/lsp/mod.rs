//! The language server: translates between the protocol and the analysis.
//!
//! `server` holds the handlers and the state; each feature is one module that turns a snapshot
//! of the analysed workspace into the protocol's answer.

pub mod client_features;
pub mod diagnostics;
pub mod document;
pub mod files;
pub mod guard;
pub mod markup;
pub mod memory;
pub mod position;
pub mod server;
pub mod settings;
pub mod state;
pub mod transport;

pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod definition;
pub mod document_highlight;
pub mod document_symbol;
pub mod folding_range;
pub mod formatting;
pub mod hover;
pub mod inlay_hint;
pub mod references;
pub mod rename;
pub mod report;
pub mod selection_range;
pub mod semantic_tokens;
pub mod workspace_symbol;

use std::process::ExitCode;

use tower_lsp_server::{ClientSocket, LspService};

pub use server::{Backend, ServerConfig};

/// The service and its client socket, for `serve` and for in-process tests.
pub fn service(config: ServerConfig) -> (LspService<Backend>, ClientSocket) {
    LspService::new(move |client| Backend::new(client, config))
}

/// Serves the protocol over stdin and stdout until the client exits. Logs go to stderr only:
/// stdout carries nothing but protocol messages.
pub fn run_stdio() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PLANLS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let (service, socket) = service(ServerConfig::default());
        transport::serve(
            tokio::io::stdin(),
            tokio::io::stdout(),
            service,
            socket,
            transport::TransportConfig::default(),
        )
        .await
    });
    // Handlers still waiting on the client, and the thread blocked reading stdin, are not waited
    // for: the protocol asks the server to exit at once.
    runtime.shutdown_background();
    ExitCode::from(outcome.exit_code())
}
