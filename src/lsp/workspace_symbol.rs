//! Workspace symbols: every item in every file, matched fuzzily on its ID or its title.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use tower_lsp_server::ls_types::{
    OneOf, WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use crate::lsp::document_symbol::symbol_kind;
use crate::lsp::state::{Snapshot, World};

/// Enough for any picker; the best matches come first.
const LIMIT: usize = 256;

/// The items of every plan.
pub fn workspace_symbol(
    world: &World,
    params: &WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let matcher = SkimMatcherV2::default();
    let query = params.query.trim();
    let mut matches: Vec<(i64, &Snapshot, &crate::analysis::ItemInfo)> = world
        .snapshots()
        .flat_map(|snapshot| {
            snapshot
                .analysis
                .items()
                .map(move |(_, item)| (snapshot.as_ref(), item))
        })
        .filter_map(|(snapshot, item)| {
            if query.is_empty() {
                return Some((0, snapshot, item));
            }
            let by_name = matcher.fuzzy_match(&item.name, query);
            let by_title = item
                .title
                .as_deref()
                .and_then(|title| matcher.fuzzy_match(title, query));
            by_name.max(by_title).map(|score| (score, snapshot, item))
        })
        .collect();
    matches.sort_by(|(a_score, a_plan, a), (b_score, b_plan, b)| {
        b_score
            .cmp(a_score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a_plan.uri(a.file).as_str().cmp(b_plan.uri(b.file).as_str()))
            .then_with(|| a.span.start.cmp(&b.span.start))
    });
    matches.truncate(LIMIT);
    Some(WorkspaceSymbolResponse::Nested(
        matches
            .into_iter()
            .map(|(_, snapshot, item)| WorkspaceSymbol {
                name: item.name.clone(),
                kind: symbol_kind(item.kind),
                tags: None,
                container_name: Some(match &item.title {
                    Some(title) => format!("{} · {title}", item.kind),
                    None => item.kind.to_string(),
                }),
                location: OneOf::Left(snapshot.location(item.file, item.name_span)),
                data: None,
            })
            .collect(),
    ))
}
