//! The workspace-wide index: every item definition and every reference, by name.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analysis::schema;
use crate::analysis::suggest::Suggester;
use crate::analysis::workspace::{FileId, Workspace};
use crate::syntax::{Kind, Span, ValueKind};

/// An item definition's position in the workspace: items are numbered file by file, in order.
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

/// One file's part of the index: its item definitions and reference sites, in text order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileIndex {
    /// The ID of the file's first item; its items follow in order.
    pub first: usize,
    pub items: Vec<ItemInfo>,
    pub references: Vec<ReferenceSite>,
    /// By name: the positions in `references` of the sites that use it.
    references_by_name: HashMap<String, Vec<usize>>,
}

impl FileIndex {
    /// Indexes `file`, whose first item gets the ID `first`.
    pub fn build(workspace: &Workspace, file: FileId, first: usize) -> FileIndex {
        let mut index = FileIndex {
            first,
            ..FileIndex::default()
        };
        let syntax = &workspace.file(file).syntax;
        for (index_in_file, item) in syntax.items.iter().enumerate() {
            let from = item.id.as_ref().map(|id| {
                let item_id = ItemId(first + index.items.len());
                index.items.push(ItemInfo {
                    file,
                    index_in_file,
                    kind: item.kind,
                    name: id.text.clone(),
                    name_span: id.span,
                    span: item.span,
                    title: item.title.as_ref().map(|t| t.text.clone()),
                });
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
                    index
                        .references_by_name
                        .entry(name.text.clone())
                        .or_default()
                        .push(index.references.len());
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
        index
    }

    /// Whether `other` defines the same items, by kind and ID, in the same order: then item IDs,
    /// resolution and everything keyed by item stay valid across the two.
    pub fn same_definitions(&self, other: &FileIndex) -> bool {
        self.first == other.first
            && self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.kind == b.kind && a.name == b.name)
    }
}

/// What resolution reads, which only changes when definitions do: IDs by name, the
/// suggestions, and where each item's record lives.
#[derive(Debug, Default)]
struct Definitions {
    by_name: HashMap<String, Vec<ItemId>>,
    /// By item: its file and its position among the file's items.
    located: Arc<Vec<(u32, u32)>>,
    /// The workspace's program: the first one defined.
    program: Option<ItemId>,
    suggester: Suggester,
}

/// The workspace-wide index, kept by file so that an edit replaces one file's part and shares
/// the rest with the index before it.
#[derive(Clone, Debug, Default)]
pub struct Index {
    files: Vec<Arc<FileIndex>>,
    definitions: Arc<Definitions>,
}

impl Index {
    pub fn build(workspace: &Workspace) -> Index {
        // Each file's first item ID, from how many of its items have an ID; then the files are
        // indexed side by side.
        let mut first = 0;
        let firsts: Vec<(FileId, usize)> = workspace
            .file_ids()
            .map(|file| {
                let at = first;
                first += workspace
                    .file(file)
                    .syntax
                    .items
                    .iter()
                    .filter(|i| i.id.is_some())
                    .count();
                (file, at)
            })
            .collect();
        let files = workspace.map_files(&firsts, |&(file, first)| {
            Arc::new(FileIndex::build(workspace, file, first))
        });
        Index::from_files(files)
    }

    /// The index of these files, each already indexed.
    pub fn from_files(files: Vec<Arc<FileIndex>>) -> Index {
        let mut definitions = Definitions::default();
        let mut located = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for (n, item) in file.items.iter().enumerate() {
                definitions
                    .by_name
                    .entry(item.name.clone())
                    .or_default()
                    .push(ItemId(file.first + n));
                located.push((f as u32, n as u32));
                if item.kind == Kind::Program && definitions.program.is_none() {
                    definitions.program = Some(ItemId(file.first + n));
                }
            }
        }
        definitions.located = Arc::new(located);
        Index {
            files,
            definitions: Arc::new(definitions),
        }
    }

    /// This index with the parts of some files replaced by parts that define the same items
    /// ([`FileIndex::same_definitions`]): resolution is shared, not rebuilt.
    pub fn with_files(
        &self,
        replaced: impl IntoIterator<Item = (FileId, Arc<FileIndex>)>,
    ) -> Index {
        let mut files = self.files.clone();
        for (file, index) in replaced {
            debug_assert!(files[file.0].same_definitions(&index));
            files[file.0] = index;
        }
        Index {
            files,
            definitions: self.definitions.clone(),
        }
    }

    /// How many items the workspace defines: item IDs run from 0 to this.
    pub fn len(&self) -> usize {
        self.definitions.located.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every item definition with its ID, in workspace order.
    pub fn iter(&self) -> impl Iterator<Item = (ItemId, &ItemInfo)> + '_ {
        self.files.iter().flat_map(|file| {
            file.items
                .iter()
                .enumerate()
                .map(move |(n, info)| (ItemId(file.first + n), info))
        })
    }

    /// By item: its file and its position among the file's items; shared while definitions stay.
    pub fn located(&self) -> &Arc<Vec<(u32, u32)>> {
        &self.definitions.located
    }

    /// The workspace's program: the first one defined.
    pub fn program(&self) -> Option<ItemId> {
        self.definitions.program
    }

    /// One file's part of the index.
    pub fn file(&self, file: FileId) -> &Arc<FileIndex> {
        &self.files[file.0]
    }

    /// The IDs of the items `file` defines.
    pub fn items_in(&self, file: FileId) -> impl Iterator<Item = ItemId> {
        self.item_range(file).map(ItemId)
    }

    /// The IDs of the items `file` defines, as numbers: a file's items are numbered in a row.
    pub fn item_range(&self, file: FileId) -> std::ops::Range<usize> {
        let part = &self.files[file.0];
        part.first..part.first + part.items.len()
    }

    /// Every reference site, in workspace order.
    pub fn references(&self) -> impl Iterator<Item = &ReferenceSite> + '_ {
        self.files.iter().flat_map(|file| file.references.iter())
    }

    /// The item whose ID spans `offset` in `file`.
    pub fn item_at(&self, file: FileId, offset: usize) -> Option<ItemId> {
        let part = self.files.get(file.0)?;
        // Items are in text order, so their IDs are too.
        let first = part.items.partition_point(|i| i.name_span.end < offset);
        part.items[first..]
            .iter()
            .take_while(|i| i.name_span.start <= offset)
            .position(|i| i.name_span.touches(offset))
            .map(|n| ItemId(part.first + first + n))
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
        self.files
            .get(file.0)
            .map_or(&[], |part| part.references.as_slice())
    }

    /// Every reference site that uses `name`, in workspace order.
    pub fn references_to<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a ReferenceSite> + 'a {
        self.files.iter().flat_map(move |file| {
            file.references_by_name
                .get(name)
                .into_iter()
                .flatten()
                .map(|&n| &file.references[n])
        })
    }

    /// Every definition of `name`, first definition first.
    pub fn definitions(&self, name: &str) -> &[ItemId] {
        self.definitions
            .by_name
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// The item a name resolves to: its first definition.
    pub fn lookup(&self, name: &str) -> Option<ItemId> {
        self.definitions(name).first().copied()
    }

    pub fn item(&self, id: ItemId) -> &ItemInfo {
        let (file, n) = self.definitions.located[id.0];
        &self.files[file as usize].items[n as usize]
    }

    /// The closest ID of the `expected` kinds to an unresolved `name`, when it is a likely typo.
    pub fn suggestion(&self, name: &str, expected: &[Kind]) -> Option<String> {
        self.definitions.suggester.closest(self, name, expected)
    }

    /// All names defined in the workspace, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.definitions.by_name.keys().map(String::as_str)
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
            .references()
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
