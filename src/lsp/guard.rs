//! Keeping the server up: a panic in one request is logged and answered as an error.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tower_lsp_server::jsonrpc;

/// Runs `work`, turning a panic into an internal-error response that names the request.
///
/// Unwind safety: the work only reads a snapshot, which a panic cannot leave half-changed.
pub fn guard<T>(request: &str, work: impl FnOnce() -> T) -> jsonrpc::Result<T> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        tracing::error!("{request} panicked: {reason}");
        let mut error = jsonrpc::Error::internal_error();
        error.message = format!("planls failed on {request}: {reason}").into();
        error
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let error = guard("textDocument/hover", || -> u32 {
            panic!("index out of range")
        })
        .unwrap_err();
        assert_eq!(error.code, jsonrpc::ErrorCode::InternalError);
        assert!(error.message.contains("textDocument/hover"));
        assert!(error.message.contains("index out of range"));
        assert_eq!(guard("x", || 7).unwrap(), 7);
    }
}
