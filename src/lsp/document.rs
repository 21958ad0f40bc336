//! One file's text as the server holds it: a rope for edits, the tree-sitter tree for incremental
//! reparsing, and the typed model the analysis reads.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;
use tree_sitter::{InputEdit, Point, Tree};

use crate::lsp::position::{self, Encoding};
use crate::syntax::{self, PlanFile, Span, SyntaxError};

pub struct Document {
    pub rope: Rope,
    /// The client's version for an open buffer; `None` for a file read from disk.
    pub version: Option<i32>,
    /// The text as one string, shared with the analysis.
    pub text: Arc<str>,
    pub syntax: Arc<PlanFile>,
    tree: Tree,
}

impl Document {
    pub fn new(text: &str, version: Option<i32>) -> Document {
        let tree = syntax::parse_tree(text, None);
        let syntax = Arc::new(lower(&tree, text));
        Document {
            rope: Rope::from_str(text),
            version,
            text: text.into(),
            syntax,
            tree,
        }
    }

    /// Applies the changes of one `didChange` in order, each against the text the previous one
    /// left, then reparses once, reusing the edited tree.
    pub fn apply_changes(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        encoding: Encoding,
    ) {
        let mut reuse_tree = true;
        for change in changes {
            match change.range {
                Some(range) => self.replace(range, &change.text, encoding),
                None => {
                    self.rope = Rope::from_str(&change.text);
                    reuse_tree = false;
                }
            }
        }
        let text = self.rope.to_string();
        self.tree = syntax::parse_tree(&text, reuse_tree.then_some(&self.tree));
        self.syntax = Arc::new(lower(&self.tree, &text));
        self.text = text.into();
        self.version = Some(version);
    }

    fn replace(
        &mut self,
        range: tower_lsp_server::ls_types::Range,
        text: &str,
        encoding: Encoding,
    ) {
        let start = position::offset_clamped(&self.rope, range.start, encoding);
        let old_end = position::offset_clamped(&self.rope, range.end, encoding).max(start);
        let start_position = self.point(start);
        let old_end_position = self.point(old_end);
        let start_char = self.rope.byte_to_char(start);
        self.rope
            .remove(start_char..self.rope.byte_to_char(old_end));
        self.rope.insert(start_char, text);
        let new_end = start + text.len();
        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: self.point(new_end),
        });
    }

    /// Tree-sitter's row and byte column of `byte`. The row follows the rope's line breaks, which
    /// differ from tree-sitter's only after a lone `\r`; nothing here reads rows back.
    fn point(&self, byte: usize) -> Point {
        let row = self.rope.byte_to_line(byte);
        Point::new(row, byte - self.rope.line_to_byte(row))
    }
}

/// Lowers the tree; should lowering panic on some broken text, the file gets one syntax error
/// saying so instead of taking the server down with it.
fn lower(tree: &Tree, text: &str) -> PlanFile {
    std::panic::catch_unwind(|| syntax::lower_tree(tree, text)).unwrap_or_else(|_| {
        tracing::error!("lowering the syntax tree panicked; the file is treated as unreadable");
        PlanFile {
            errors: vec![SyntaxError {
                span: Span::new(0, 0),
                message: "planls could not read this file: an internal error in the parser, please report it".to_string(),
            }],
            ..PlanFile::default()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tower_lsp_server::ls_types::Range;

    fn change(rope: &Rope, start: usize, end: usize, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                position::position(rope, start, Encoding::Utf16),
                position::position(rope, end, Encoding::Utf16),
            )),
            range_length: None,
            text: text.to_string(),
        }
    }

    const BASE: &str = "program p \"P\" {\n  owner: @maria\n}\n\ninitiative a \"A 😀\" {\n  owner: @maria\n  depends_on: b + 1w, c\n  duration: 3w\n}\n# note\nperson maria \"Maria\" { team: t }\n";

    #[test]
    fn several_changes_apply_in_order() {
        let mut doc = Document::new("ab", Some(1));
        let first = change(&doc.rope, 0, 0, "x");
        // The second change's range is against the text the first one left: "xab".
        let second = TextDocumentContentChangeEvent {
            range: Some(Range::new(
                tower_lsp_server::ls_types::Position::new(0, 3),
                tower_lsp_server::ls_types::Position::new(0, 3),
            )),
            range_length: None,
            text: "y".into(),
        };
        doc.apply_changes(&[first, second], 2, Encoding::Utf16);
        assert_eq!(&*doc.text, "xaby");
        assert_eq!(doc.version, Some(2));
    }

    #[test]
    fn a_full_change_replaces_the_text() {
        let mut doc = Document::new(BASE, Some(1));
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "team t".into(),
        };
        doc.apply_changes(&[full], 2, Encoding::Utf16);
        assert_eq!(&*doc.text, "team t");
        assert_eq!(*doc.syntax, syntax::parse("team t"));
    }

    #[test]
    fn a_panic_while_lowering_becomes_a_syntax_error() {
        // Tree-sitter recovers from `initia:` with a MISSING kind word, which the lowering did not expect.
        let doc = Document::new(
            "program p \"P\" {\n}\n\ninitia: a \"A\n { owner: @maria\n}\n",
            Some(1),
        );
        assert!(!doc.syntax.errors.is_empty());
    }

    fn edit_strategy() -> impl Strategy<Value = Vec<(usize, usize, &'static str)>> {
        let inserts = prop_oneof![
            Just(""),
            Just("x"),
            Just("{"),
            Just("}"),
            Just("\n"),
            Just(":"),
            Just("\""),
            Just("@"),
            Just(", "),
            Just("# c\n"),
            Just("initiative z {"),
            Just("字😀"),
            Just(" + 2d"),
        ];
        prop::collection::vec((0usize..200, 0usize..6, inserts), 1..25)
    }

    proptest! {
        #[test]
        fn incremental_reparsing_matches_a_fresh_parse(edits in edit_strategy()) {
            let mut doc = Document::new(BASE, Some(0));
            let mut expected = BASE.to_string();
            for (version, (at, len, text)) in edits.into_iter().enumerate() {
                let chars = expected.chars().count();
                let start_char = at % (chars + 1);
                let end_char = (start_char + len).min(chars);
                let start = expected.char_indices().nth(start_char).map_or(expected.len(), |(i, _)| i);
                let end = expected.char_indices().nth(end_char).map_or(expected.len(), |(i, _)| i);
                let event = change(&doc.rope, start, end, text);
                doc.apply_changes(&[event], version as i32 + 1, Encoding::Utf16);
                expected.replace_range(start..end, text);
                prop_assert_eq!(&*doc.text, expected.as_str());
                let fresh = Document::new(&expected, None);
                prop_assert_eq!(&*doc.syntax, &*fresh.syntax);
            }
        }
    }
}
