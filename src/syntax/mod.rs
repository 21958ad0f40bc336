//! Text to tree-sitter tree to the typed model of items, fields and values.

pub mod format;
mod line_index;
mod lower;
pub mod model;

pub use line_index::LineIndex;
pub use model::*;

use tree_sitter::{Parser, Tree};
use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_plan() -> *const ();
}

/// The tree-sitter language of `.plan` files, compiled from `grammar/src/parser.c` by `build.rs`.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_plan) };

pub fn language() -> tree_sitter::Language {
    LANGUAGE.into()
}

/// Parses `text` into a tree, reusing `old` (already edited with `Tree::edit`) when given.
pub fn parse_tree(text: &str, old: Option<&Tree>) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("the generated parser's ABI matches the tree-sitter runtime");
    parser
        .parse(text, old)
        .expect("parsing has no timeout or cancellation flag set, so it always returns a tree")
}

/// Parses and lowers `text` into the typed model, with its syntax errors.
pub fn parse(text: &str) -> PlanFile {
    lower_tree(&parse_tree(text, None), text)
}

/// Lowers a tree of `text` into the typed model.
pub fn lower_tree(tree: &Tree, text: &str) -> PlanFile {
    lower::lower(tree, text)
}
