//! Formatting: the canonical layout from the formatter, sent as the smallest single edit.
//! A file with syntax errors is left alone, and the answer is an error whose message names the
//! first syntax error, so the user learns why nothing happened.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentFormattingParams, TextEdit};

use crate::lsp::server::request_failed;
use crate::lsp::state::Snapshot;
use crate::syntax::{format, Span};

pub fn formatting(
    snapshot: &Snapshot,
    params: &DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(file) = snapshot.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let text = snapshot.text(file);
    let Some(formatted) = format::format(text, snapshot.syntax(file)) else {
        return Err(request_failed(refusal(snapshot, file)));
    };
    let Some((span, replacement)) = difference(text, &formatted) else {
        return Ok(Some(Vec::new()));
    };
    Ok(Some(vec![TextEdit {
        range: snapshot.range(file, span),
        new_text: replacement.to_string(),
    }]))
}

/// Why a file is not formatted, naming its first syntax error and where it is.
fn refusal(snapshot: &Snapshot, file: crate::analysis::FileId) -> String {
    match format::first_syntax_error(snapshot.syntax(file)) {
        Some((span, message)) => {
            let at = snapshot.position(file, span.start);
            format!(
                "not formatted: the file has syntax errors; the first, on line {} column {}: \
                 {message}",
                at.line + 1,
                at.character + 1
            )
        }
        None => "not formatted: the file has syntax errors".to_string(),
    }
}

/// The part of `old` that differs from `new` and what replaces it; `None` when they are equal.
/// Keeping the common start and end out of the edit keeps the cursor and the undo history sane.
/// Public for the property tests of formatting.
pub fn difference<'n>(old: &str, new: &'n str) -> Option<(Span, &'n str)> {
    if old == new {
        return None;
    }
    let mut prefix = common_prefix(old, new);
    // Neither end of the edit may fall between a `\r` and a `\n`, in the old text or the new:
    // no LSP position is there, so a client would clamp it and never converge.
    let splits = |text: &str, at: usize| text[..at].ends_with('\r') && text[at..].starts_with('\n');
    if splits(old, prefix) || splits(new, prefix) {
        prefix -= 1;
    }
    let mut suffix = common_suffix(&old[prefix..], &new[prefix..]);
    if suffix > 0 && (splits(old, old.len() - suffix) || splits(new, new.len() - suffix)) {
        suffix -= 1;
    }
    Some((
        Span::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    ))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut length = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y {
            break;
        }
        length += x.len_utf8();
    }
    length
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_covers_only_what_changed() {
        let old = "team t {lead:@a}\n";
        let new = "team t { lead: @a }\n";
        let (span, text) = difference(old, new).unwrap();
        let mut applied = old.to_string();
        applied.replace_range(span.start..span.end, text);
        assert_eq!(applied, new);
        assert_eq!(span, Span::new(8, 15));
        assert_eq!(difference(new, new), None);
    }

    #[test]
    fn the_edit_never_splits_a_crlf() {
        // An LSP position cannot fall between `\r` and `\n`: a client clamps it to the line's
        // end, keeps the `\r\n`, and would get the same edit forever.
        for (old, new) in [
            ("a\r\nb", "a\nb"),
            ("a\r\nb", "a\rc"),
            ("a\nb", "a\r\nb"),
            (
                "x { owner: @a\r\n duration: 1w }\r\n",
                "x {\n  owner: @a\n  duration: 1w\n}\n",
            ),
        ] {
            let (span, text) = difference(old, new).unwrap();
            let mut applied = old.to_string();
            applied.replace_range(span.start..span.end, text);
            assert_eq!(applied, new);
            for at in [span.start, span.end] {
                let split =
                    |s: &str, at: usize| s[..at].ends_with('\r') && s[at..].starts_with('\n');
                assert!(!split(old, at), "{old:?} split at {at}");
            }
            assert!(!text.starts_with('\n') || !old[..span.start].ends_with('\r'));
            assert!(!text.ends_with('\r') || !old[span.end..].starts_with('\n'));
        }
    }

    #[test]
    fn the_edit_never_splits_a_character() {
        let old = "a é b";
        let new = "a è b";
        let (span, text) = difference(old, new).unwrap();
        assert_eq!((&old[span.start..span.end], text), ("é", "è"));
    }
}
