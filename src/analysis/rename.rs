//! Renaming an item across the workspace: which name is under the cursor, whether the new name
//! is allowed, and the edits.
//!
//! Pure: no protocol types. Refusals carry a message the editor shows as it is.

use std::fmt;

use crate::analysis::{Analysis, Edit, FileId, ItemId, SymbolRole};
use crate::syntax::{Kind, Span};

/// The name a rename would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameTarget {
    /// The name under the cursor (for `@ana`, without the `@`).
    pub span: Span,
    pub name: String,
    pub item: ItemId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// The cursor is not on an ID or a reference.
    NoSymbol,
    /// The cursor is on a reference that names nothing.
    Unresolved {
        name: String,
    },
    InvalidName {
        name: String,
    },
    /// The new name is a kind word, which would start a new item where it is written.
    KindWord {
        name: String,
    },
    /// Another item already has the new name.
    Taken {
        name: String,
        kind: Kind,
    },
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::NoSymbol => f.write_str("there is no item ID or reference here to rename"),
            RenameError::Unresolved { name } => {
                write!(f, "`{name}` names no item, so there is nothing to rename")
            }
            RenameError::InvalidName { name } if name.starts_with('@') => write!(
                f,
                "`{name}` is not a valid ID: an ID has no `@`, try `{}`",
                name.trim_start_matches('@')
            ),
            RenameError::InvalidName { name } => write!(
                f,
                "`{name}` is not a valid ID: an ID starts with a letter or `_` and goes on with letters, digits, `_`, `.` or `-`"
            ),
            RenameError::KindWord { name } => write!(
                f,
                "`{name}` is a kind word and cannot be an ID: `{name}` followed by a name starts a new item"
            ),
            RenameError::Taken { name, kind } => {
                write!(f, "`{name}` is already the ID of {} in this workspace", kind.with_article())
            }
        }
    }
}

impl std::error::Error for RenameError {}

/// Whether `name` is an identifier: `[A-Za-z_][A-Za-z0-9_.-]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The name under `offset` that a rename would change.
pub fn prepare(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Result<RenameTarget, RenameError> {
    let symbol = analysis
        .symbol_at(file, offset)
        .ok_or(RenameError::NoSymbol)?;
    let item = match (symbol.role, symbol.item) {
        (_, Some(item)) => item,
        (SymbolRole::Reference, None) => {
            return Err(RenameError::Unresolved { name: symbol.name });
        }
        (SymbolRole::Definition, None) => return Err(RenameError::NoSymbol),
    };
    Ok(RenameTarget {
        span: symbol.span,
        name: symbol.name,
        item,
    })
}

/// The edits that rename the item under `offset` to `new_name`, in every file.
///
/// Renaming the first definition of an ID renames it and every reference; renaming a later
/// duplicate definition renames only that one, since references resolve to the first.
pub fn rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let target = prepare(analysis, file, offset)?;
    check_new_name(analysis, &target.name, new_name)?;
    let info = analysis.item(target.item);
    let edit = |file: FileId, span: Span| Edit {
        file,
        span,
        new_text: new_name.to_string(),
    };
    if new_name == target.name {
        return Ok(Vec::new());
    }
    if analysis.lookup(&target.name) != Some(target.item) {
        return Ok(vec![edit(info.file, info.name_span)]);
    }
    let mut edits: Vec<Edit> = analysis
        .references(target.item, true)
        .into_iter()
        .map(|location| edit(location.file, location.span))
        .collect();
    edits.sort_by_key(|e| (e.file, e.span.start));
    edits.dedup();
    Ok(edits)
}

fn check_new_name(analysis: &Analysis, old: &str, new_name: &str) -> Result<(), RenameError> {
    if !is_identifier(new_name) {
        return Err(RenameError::InvalidName {
            name: new_name.to_string(),
        });
    }
    if Kind::from_keyword(new_name).is_some() {
        return Err(RenameError::KindWord {
            name: new_name.to_string(),
        });
    }
    if new_name != old {
        if let Some(existing) = analysis.lookup(new_name) {
            return Err(RenameError::Taken {
                name: new_name.to_string(),
                kind: analysis.item(existing).kind,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options, Workspace};

    fn setup(files: &[(&str, &str)]) -> (Workspace, Analysis) {
        let workspace =
            Workspace::from_texts(files.iter().map(|(p, t)| (p.to_string(), t.to_string())));
        let options = Options {
            today: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        (workspace, analysis)
    }

    const A: &str = "person ana \"Ana\"\ninitiative vault { owner: @ana }\n";
    const B: &str = "initiative tok {\n  owner: @ana\n  depends_on: vault + 1w\n}\n";

    #[test]
    fn renames_the_definition_and_every_reference_across_files() {
        let (ws, analysis) = setup(&[("a.plan", A), ("b.plan", B)]);
        let b = ws.find("b.plan").unwrap();
        let offset = B.find("vault").unwrap() + 2;
        let edits = rename(&analysis, b, offset, "vault2").unwrap();
        let places: Vec<_> = edits
            .iter()
            .map(|e| {
                (
                    ws.file(e.file).path.as_str(),
                    &ws.file(e.file).text[e.span.start..e.span.end],
                )
            })
            .collect();
        assert_eq!(places, vec![("a.plan", "vault"), ("b.plan", "vault")]);

        let a = ws.find("a.plan").unwrap();
        let edits = rename(&analysis, a, A.find("@ana").unwrap() + 1, "ana_diaz").unwrap();
        assert_eq!(edits.len(), 3);
        assert!(edits
            .iter()
            .all(|e| e.span.len() == 3 && e.new_text == "ana_diaz"));
    }

    #[test]
    fn refuses_invalid_taken_and_kind_word_names() {
        let (ws, analysis) = setup(&[("a.plan", A), ("b.plan", B)]);
        let a = ws.find("a.plan").unwrap();
        let at = A.find("vault").unwrap();
        let error = rename(&analysis, a, at, "tok").unwrap_err();
        assert_eq!(
            error,
            RenameError::Taken {
                name: "tok".into(),
                kind: Kind::Initiative
            }
        );
        assert_eq!(
            error.to_string(),
            "`tok` is already the ID of an initiative in this workspace"
        );
        assert!(matches!(
            rename(&analysis, a, at, "9lives"),
            Err(RenameError::InvalidName { .. })
        ));
        assert!(matches!(
            rename(&analysis, a, at, "a b"),
            Err(RenameError::InvalidName { .. })
        ));
        assert!(rename(&analysis, a, at, "@x")
            .unwrap_err()
            .to_string()
            .contains("try `x`"));
        assert!(matches!(
            rename(&analysis, a, at, "team"),
            Err(RenameError::KindWord { .. })
        ));
        assert_eq!(rename(&analysis, a, at, "vault"), Ok(vec![]));
    }

    #[test]
    fn refuses_where_there_is_nothing_to_rename() {
        let text = "initiative x { depends_on: missing }\n";
        let (ws, analysis) = setup(&[("a.plan", text)]);
        let a = ws.find("a.plan").unwrap();
        assert_eq!(
            prepare(&analysis, a, text.find("missing").unwrap()),
            Err(RenameError::Unresolved {
                name: "missing".into()
            })
        );
        assert_eq!(prepare(&analysis, a, 0), Err(RenameError::NoSymbol));
    }

    #[test]
    fn a_later_duplicate_is_renamed_alone() {
        let text = "team t\nteam t\nperson p { team: t }\n";
        let (ws, analysis) = setup(&[("a.plan", text)]);
        let a = ws.find("a.plan").unwrap();
        let edits = rename(&analysis, a, 12, "t2").unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].span, Span::new(12, 13));
    }

    #[test]
    fn identifiers_follow_the_lexical_rule() {
        for good in ["a", "_x", "identity.sso", "pci-audit", "A9"] {
            assert!(is_identifier(good), "{good}");
        }
        for bad in ["", "9a", "-a", "a b", "é", "@a", "a+b"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }
}
