//! Completion: the analysis decides what fits at the cursor; this turns it into protocol items.

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionList,
    CompletionOptions, CompletionParams, CompletionResponse, CompletionTextEdit, Documentation,
    InsertTextFormat, TextEdit,
};

use crate::analysis::completion::{self, Completion, CompletionKind, Insert};
use crate::lsp::markup;
use crate::lsp::state::Snapshot;
use crate::syntax::Kind;

pub fn options() -> CompletionOptions {
    CompletionOptions {
        trigger_characters: Some(vec!["@".to_string(), ":".to_string(), ",".to_string()]),
        ..CompletionOptions::default()
    }
}

pub fn completion(snapshot: &Snapshot, params: &CompletionParams) -> Option<CompletionResponse> {
    let (file, offset) = snapshot.at(&params.text_document_position)?;
    let completions =
        completion::completions(&snapshot.workspace, &snapshot.analysis, file, offset);
    let items = completions
        .items
        .into_iter()
        .enumerate()
        .map(|(rank, completion)| item(snapshot, file, rank, completion))
        .collect();
    // A plain array when nothing was left out; a list marked incomplete otherwise, so that the
    // editor asks again as the user types.
    Some(if completions.incomplete {
        CompletionResponse::List(CompletionList {
            is_incomplete: true,
            items,
        })
    } else {
        CompletionResponse::Array(items)
    })
}

fn item(
    snapshot: &Snapshot,
    file: crate::analysis::FileId,
    rank: usize,
    completion: Completion,
) -> CompletionItem {
    let features = snapshot.features;
    let (new_text, format) = match completion.insert {
        Insert::Text(text) => (text, InsertTextFormat::PLAIN_TEXT),
        Insert::Snippet(snippet) if features.completion_snippets => {
            (snippet, InsertTextFormat::SNIPPET)
        }
        Insert::Snippet(snippet) => (snippet_to_text(&snippet), InsertTextFormat::PLAIN_TEXT),
    };
    CompletionItem {
        label: completion.label.clone(),
        label_details: completion
            .detail
            .as_ref()
            .filter(|_| features.completion_label_details)
            .map(|detail| CompletionItemLabelDetails {
                detail: None,
                description: Some(detail.clone()),
            }),
        kind: Some(item_kind(&completion.kind)),
        detail: completion.detail,
        documentation: completion.documentation.map(|markdown| {
            Documentation::MarkupContent(markup::content(markdown, features.completion_markdown))
        }),
        // The analysis orders candidates as they should appear.
        sort_text: Some(format!("{rank:04}")),
        // No filter_text: it would be the label, which is what clients filter on without one, and
        // Neovim 0.7's omnifunc only takes the start of the text edit as the start of the word when
        // no item has one: with it, `@dev_` is the word and `dev_a` is dropped as not matching.
        insert_text_format: Some(format),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: snapshot.range(file, completion.span),
            new_text,
        })),
        ..CompletionItem::default()
    }
}

fn item_kind(kind: &CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Item(Kind::Person) => CompletionItemKind::VARIABLE,
        CompletionKind::Item(Kind::Team) => CompletionItemKind::STRUCT,
        CompletionKind::Item(Kind::Milestone) => CompletionItemKind::EVENT,
        CompletionKind::Item(_) => CompletionItemKind::REFERENCE,
        CompletionKind::Key => CompletionItemKind::PROPERTY,
        CompletionKind::EnumWord => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::KindWord => CompletionItemKind::KEYWORD,
        CompletionKind::ItemSnippet(_) => CompletionItemKind::SNIPPET,
    }
}

/// A snippet as the text it stands for, for clients that cannot expand snippets: placeholders
/// keep their default text, tab stops vanish.
fn snippet_to_text(snippet: &str) -> String {
    let mut text = String::new();
    let mut chars = snippet.chars().peekable();
    let mut depth = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.extend(chars.next()),
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.next_if(|c| c.is_ascii_digit()).is_some() {}
                chars.next_if_eq(&':');
                depth += 1;
            }
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.next_if(|c| c.is_ascii_digit()).is_some() {}
            }
            '}' if depth > 0 => depth -= 1,
            c => text.push(c),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_their_default_text() {
        assert_eq!(
            snippet_to_text("initiative ${1:id} \"${2:Title}\" {\n  owner: @${3:owner}\n  $0\n}"),
            "initiative id \"Title\" {\n  owner: @owner\n  \n}"
        );
        assert_eq!(snippet_to_text("a \\$1 ${2} b"), "a $1  b");
    }
}
