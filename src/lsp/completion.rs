//! Completion: the analysis decides what fits at the cursor; this turns it into protocol items.

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionOptions,
    CompletionParams, CompletionResponse, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, TextEdit,
};

use crate::analysis::completion::{self, Completion, CompletionKind, Insert};
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
    let completions = completion::complete(&snapshot.workspace, &snapshot.analysis, file, offset);
    let items = completions
        .into_iter()
        .enumerate()
        .map(|(rank, completion)| item(snapshot, file, rank, completion))
        .collect();
    Some(CompletionResponse::Array(items))
}

fn item(
    snapshot: &Snapshot,
    file: crate::analysis::FileId,
    rank: usize,
    completion: Completion,
) -> CompletionItem {
    let (new_text, format) = match completion.insert {
        Insert::Text(text) => (text, InsertTextFormat::PLAIN_TEXT),
        Insert::Snippet(snippet) => (snippet, InsertTextFormat::SNIPPET),
    };
    CompletionItem {
        label: completion.label.clone(),
        label_details: completion
            .detail
            .as_ref()
            .map(|detail| CompletionItemLabelDetails {
                detail: None,
                description: Some(detail.clone()),
            }),
        kind: Some(item_kind(&completion.kind)),
        detail: completion.detail,
        documentation: completion.documentation.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        // The analysis orders candidates as they should appear.
        sort_text: Some(format!("{rank:04}")),
        filter_text: Some(completion.label),
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
