//! Reliability: one key per file however it is spelled, what the server may read and edit, and
//! formatting that converges.

use serde_json::{json, Value};

use crate::client::*;

/// Applies LSP edits to `text` as a careful client does: lines end at `\r\n`, `\n` or `\r`, and a
/// character past a line's end (which includes a position between `\r` and `\n`) is clamped to
/// the end of the line's text. Positions are UTF-16 code units; `text` is ASCII.
fn apply_clamped(text: &str, edits: &[Value]) -> String {
    let mut lines = Vec::new(); // (start, end of the text before the line break)
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines.push((start, i));
                i += 2;
                start = i;
            }
            b'\r' | b'\n' => {
                lines.push((start, i));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push((start, text.len()));
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        match lines.get(line) {
            Some(&(start, end)) => (start + character).min(end),
            None => text.len(),
        }
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, new_text);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_mixed_line_endings_converges_in_one_step() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/mixed.plan";
    let mut text =
        "person a \"A\" {}\ninitiative x \"X\" { owner: @a\r\n duration: 1w }\r\n".to_string();
    client.open(uri, &text).await;
    let options = json!({"tabSize": 2, "insertSpaces": true});
    let mut rounds = 0;
    loop {
        let edits = client
            .request(
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri}, "options": options}),
            )
            .await
            .unwrap();
        let edits = edits.as_array().unwrap();
        if edits.is_empty() {
            break;
        }
        rounds += 1;
        assert!(
            rounds <= 1,
            "formatting again still edits: {edits:?} on {text:?}"
        );
        text = apply_clamped(&text, edits);
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": uri, "version": rounds + 1},
                    "contentChanges": [{"text": text}]
                }),
            )
            .await;
    }
    // The file's dominant line ending, `\r\n`, throughout.
    assert_eq!(
        text,
        "person a \"A\" {}\r\n\r\ninitiative x \"X\" {\r\n  owner: @a\r\n  duration: 1w\r\n}\r\n"
    );
}
