//! The outline: each item with its title, and its fields under it.

use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, Uri,
};

use crate::analysis::FileId;
use crate::lsp::state::Snapshot;
use crate::syntax::{Field, Item, Kind};

/// The symbol kind each item kind shows as, in outlines, symbol search and completion.
pub fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Program => SymbolKind::NAMESPACE,
        Kind::Team => SymbolKind::STRUCT,
        Kind::Person => SymbolKind::OBJECT,
        Kind::Initiative => SymbolKind::FUNCTION,
        Kind::Milestone => SymbolKind::EVENT,
        Kind::Risk => SymbolKind::KEY,
    }
}

pub fn document_symbol(
    snapshot: &Snapshot,
    params: &DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let file = snapshot.file(&params.text_document.uri)?;
    let mut items: Vec<&Item> = snapshot.syntax(file).items.iter().collect();
    items.sort_by_key(|item| item.span.start);
    let nested: Vec<DocumentSymbol> = items
        .into_iter()
        .map(|item| item_symbol(snapshot, file, item))
        .collect();
    if snapshot.features.hierarchical_symbols {
        return Some(DocumentSymbolResponse::Nested(nested));
    }
    // A client without the outline's tree gets a flat list: items, then their fields.
    let uri = snapshot.uri(file);
    let mut flat = Vec::new();
    for item in nested {
        flat.push(information(uri, &item, None));
        for field in item.children.iter().flatten() {
            flat.push(information(uri, field, Some(item.name.clone())));
        }
    }
    Some(DocumentSymbolResponse::Flat(flat))
}

#[allow(deprecated)] // `deprecated` is a required field of the type, itself deprecated.
fn information(uri: &Uri, symbol: &DocumentSymbol, container: Option<String>) -> SymbolInformation {
    SymbolInformation {
        name: symbol.name.clone(),
        kind: symbol.kind,
        tags: None,
        deprecated: None,
        location: Location::new(uri.clone(), symbol.range),
        container_name: container,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the type, itself deprecated.
fn item_symbol(snapshot: &Snapshot, file: FileId, item: &Item) -> DocumentSymbol {
    let name = match &item.id {
        Some(id) => id.text.clone(),
        None => format!("{} (no ID)", item.kind),
    };
    let detail = match &item.title {
        Some(title) => format!("{} · {}", item.kind, title.text),
        None => item.kind.to_string(),
    };
    let children = item
        .fields
        .iter()
        .map(|field| field_symbol(snapshot, file, field))
        .collect();
    DocumentSymbol {
        name,
        detail: Some(detail),
        kind: symbol_kind(item.kind),
        tags: None,
        deprecated: None,
        range: snapshot.range(file, item.span),
        selection_range: snapshot.range(file, item.name_span()),
        children: Some(children),
    }
}

#[allow(deprecated)]
fn field_symbol(snapshot: &Snapshot, file: FileId, field: &Field) -> DocumentSymbol {
    let text = snapshot.text(file);
    let value = match (field.values.first(), field.values.last()) {
        (Some(first), Some(last)) => one_line(&text[first.span.start..last.span.end]),
        _ => String::new(),
    };
    DocumentSymbol {
        name: field.key.text.clone(),
        detail: (!value.is_empty()).then_some(value),
        kind: SymbolKind::FIELD,
        tags: None,
        deprecated: None,
        range: snapshot.range(file, field.span),
        selection_range: snapshot.range(file, field.key.span),
        children: None,
    }
}

/// The value as one short line: runs of white space become one space, long text is cut.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}
