//! The workspace-wide index: every item definition and every reference, by name.

use std::collections::HashMap;

use crate::analysis::schema;
use crate::analysis::suggest::Suggester;
use crate::analysis::workspace::{FileId, Workspace};
use crate::syntax::{Kind, Span, ValueKind};

/// An item definition's position in [`Index::items`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub usize);

/// One item definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemInfo {
    pub file: FileId,
    /// The item's position in its file's `PlanFile::items`.
    pub index_in_file: usize,
    pub kind: Kind,
    pub name: String,
    pub name_span: Span,
    /// The whole item.
    pub span: Span,
    pub title: Option<String>,
}

/// One place a name is used: `@ana`, `depends_on: vault`, `team: payments`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceSite {
    pub file: FileId,
    /// The name's span (for `@ana`, without the `@`).
    pub span: Span,
    pub name: String,
    /// The item the reference is written in, when it has an ID.
    pub from: Option<ItemId>,
    pub from_kind: Kind,
    /// The key of the field it is written in.
    pub key: String,
    /// Whether it was written as `@name`.
    pub is_person: bool,
}

/// A place in the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Index {
    pub items: Vec<ItemInfo>,
    pub references: Vec<ReferenceSite>,
    by_name: HashMap<String, Vec<ItemId>>,
    /// By name: the positions in `references` of the sites that use it, in workspace order.
    references_by_name: HashMap<String, Vec<usize>>,
    /// By file: its items and its reference sites, which are contiguous and in text order.
    items_of_file: Vec<std::ops::Range<usize>>,
    references_of_file: Vec<std::ops::Range<usize>>,
    /// "Did you mean" over the IDs.
    pub suggester: Suggester,
}

impl Index {
    pub fn build(workspace: &Workspace) -> Index {
        let mut index = Index::default();
        for file in workspace.file_ids() {
            let first_item = index.items.len();
            let first_reference = index.references.len();
            index.build_file(workspace, file);
            index.items_of_file.push(first_item..index.items.len());
            index
                .references_of_file
                .push(first_reference..index.references.len());
        }
        for (n, site) in index.references.iter().enumerate() {
            index
                .references_by_name
                .entry(site.name.clone())
                .or_default()
                .push(n);
        }
        index
    }

    fn build_file(&mut self, workspace: &Workspace, file: FileId) {
        let index = self;
        let syntax = &workspace.file(file).syntax;
        for (index_in_file, item) in syntax.items.iter().enumerate() {
            let from = item.id.as_ref().map(|id| {
                let item_id = ItemId(index.items.len());
                index.items.push(ItemInfo {
                    file,
                    index_in_file,
                    kind: item.kind,
                    name: id.text.clone(),
                    name_span: id.span,
                    span: item.span,
                    title: item.title.as_ref().map(|t| t.text.clone()),
                });
                index
                    .by_name
                    .entry(id.text.clone())
                    .or_default()
                    .push(item_id);
                item_id
            });
            for field in &item.fields {
                // A bare word names an item only where the key takes references;
                // elsewhere it is an enum word (`status: blocked`).
                let takes_references = schema::field_spec(item.kind, &field.key.text)
                    .is_some_and(|spec| !spec.value.reference_kinds().is_empty());
                for value in &field.values {
                    let (name, is_person) = match &value.kind {
                        ValueKind::Person(name) => (name, true),
                        ValueKind::Reference(reference) if takes_references => {
                            (&reference.name, false)
                        }
                        _ => continue,
                    };
                    index.references.push(ReferenceSite {
                        file,
                        span: name.span,
                        name: name.text.clone(),
                        from,
                        from_kind: item.kind,
                        key: field.key.text.clone(),
                        is_person,
                    });
                }
            }
        }
    }

    /// The item whose ID spans `offset` in `file`.
    pub fn item_at(&self, file: FileId, offset: usize) -> Option<ItemId> {
        let range = self.items_of_file.get(file.0)?.clone();
        let items = &self.items[range.clone()];
        // Items are in text order, so their IDs are too.
        let first = items.partition_point(|i| i.name_span.end < offset);
        items[first..]
            .iter()
            .take_while(|i| i.name_span.start <= offset)
            .position(|i| i.name_span.touches(offset))
            .map(|n| ItemId(range.start + first + n))
    }

    /// The reference site that spans `offset` in `file`.
    pub fn reference_at(&self, file: FileId, offset: usize) -> Option<&ReferenceSite> {
        let sites = self.references_in(file);
        let first = sites.partition_point(|r| r.span.end < offset);
        sites[first..]
            .iter()
            .take_while(|r| r.span.start <= offset)
            .find(|r| r.span.touches(offset))
    }

    /// The reference sites written in `file`, in text order.
    pub fn references_in(&self, file: FileId) -> &[ReferenceSite] {
        self.references_of_file
            .get(file.0)
            .map_or(&[], |range| &self.references[range.clone()])
    }

    /// Every reference site that uses `name`, in workspace order.
    pub fn references_to<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a ReferenceSite> + 'a {
        self.references_by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&n| &self.references[n])
    }

    /// Every definition of `name`, first definition first.
    pub fn definitions(&self, name: &str) -> &[ItemId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The item a name resolves to: its first definition.
    pub fn lookup(&self, name: &str) -> Option<ItemId> {
        self.definitions(name).first().copied()
    }

    pub fn item(&self, id: ItemId) -> &ItemInfo {
        &self.items[id.0]
    }

    /// The closest ID of the `expected` kinds to an unresolved `name`, when it is a likely typo.
    pub fn suggestion(&self, name: &str, expected: &[Kind]) -> Option<String> {
        self.suggester.closest(&self.items, name, expected)
    }

    /// All names defined in the workspace, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_words_and_strings_are_not_reference_sites() {
        let workspace = Workspace::from_texts([(
            "a.plan",
            "initiative done \"D\" { owner: @ana status: done health: green depends_on: green + 1w }\n\
             initiative green \"G\" { status: blocked description: \"done\" }\n\
             risk high \"H\" { likelihood: high impact: very_high status: open affects: done }\n\
             milestone m \"M\" { date: 2027-01-01 status: planned requires: done }\n\
             person ana \"Ana\" { team: payments }\n",
        )]);
        let index = Index::build(&workspace);
        let sites: Vec<(&str, &str)> = index
            .references
            .iter()
            .map(|r| (r.key.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            sites,
            vec![
                ("owner", "ana"),
                ("depends_on", "green"),
                ("affects", "done"),
                ("requires", "done"),
                ("team", "payments"),
            ]
        );
    }
}
