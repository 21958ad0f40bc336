//! The status report through `workspace/executeCommand`: the command `planls.report` answers
//! with the report of the server's latest analysis as a string, so an editor's view of it
//! follows every edit, unsaved buffers included. Its one optional argument is an object
//! `{ "format": "html" | "md" | "json", "uri": "..." }` (default `html`; the report is of the
//! plan of the document `uri`, else of the workspace's first plan).

use serde_json::Value;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::Uri;

use crate::lsp::server::request_failed;
use crate::lsp::state::{Snapshot, World};
use crate::report::{self, Format};

/// The command's name, in the server's `executeCommandProvider`.
pub const REPORT: &str = "planls.report";

/// The report in the asked format, as a JSON string.
/// The plan the report is about: that of the document named by the argument's `uri` (the
/// editor sends the one in view), else the first plan of the workspace.
pub fn plan_of<'w>(world: &'w World, arguments: &[Value]) -> &'w Snapshot {
    let uri = arguments
        .first()
        .and_then(|a| a.get("uri"))
        .and_then(Value::as_str)
        .and_then(|uri| uri.parse::<Uri>().ok());
    match uri.as_ref().and_then(|uri| world.project(uri)) {
        Some(snapshot) => snapshot,
        None => world.snapshots().next().map_or(world.empty(), |s| s),
    }
}

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
