//! The status report through `workspace/executeCommand`: the command `planls.report` answers
//! with the report of the server's latest analysis as a string, so an editor's view of it
//! follows every edit, unsaved buffers included. Its one optional argument is an object
//! `{ "format": "html" | "md" | "json" }` (default `html`).

use serde_json::Value;
use tower_lsp_server::jsonrpc;

use crate::lsp::server::request_failed;
use crate::lsp::state::Snapshot;
use crate::report::{self, Format};

/// The command's name, in the server's `executeCommandProvider`.
pub const REPORT: &str = "planls.report";

/// The report in the asked format, as a JSON string.
pub fn report(snapshot: &Snapshot, arguments: &[Value]) -> jsonrpc::Result<Value> {
    let format = match arguments.first().and_then(|a| a.get("format")) {
        None | Some(Value::Null) => Format::Html,
        Some(Value::String(word)) => Format::parse(word).ok_or_else(|| {
            request_failed(format!(
                "{REPORT}: unknown format `{word}`: use `html`, `md` or `json`"
            ))
        })?,
        Some(other) => {
            return Err(request_failed(format!(
                "{REPORT}: the format must be a string (`html`, `md` or `json`), not {other}"
            )))
        }
    };
    let built = report::build(&snapshot.analysis, snapshot.today);
    Ok(Value::String(report::render(&built, format)))
}
