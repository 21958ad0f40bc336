//! The checks of what a plan says against the schema and the workspace: IDs, references, keys,
//! values and required fields. Each finding is on the exact span of the name, key or value at
//! fault, in the user's words, with a quick fix when the fix is obvious.

use std::collections::HashMap;

use crate::analysis::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::analysis::facts::{closest, Facts, Problem, ValueIssue};
use crate::analysis::index::{Index, ItemId, ItemInfo};
use crate::analysis::schema::{self, ValueType};
use crate::analysis::workspace::{FileId, Workspace};
use crate::analysis::FileSet;
use crate::syntax::{Item, Kind, Span};

/// The person named in an `owner:` that a fix adds when nobody better is known; it names nobody,
/// so the unresolved reference that follows asks the user to complete it.
pub const OWNER_PLACEHOLDER: &str = "owner";

/// Every validation finding in the files of `only`, appended to `diagnostics`.
pub fn check(
    workspace: &Workspace,
    index: &Index,
    facts: &Facts,
    only: &FileSet,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let checker = Checker {
        workspace,
        index,
        facts,
        program_owner: index.program().and_then(|p| facts.of(p).item("owner")),
        has_teams: index.iter().any(|(_, info)| info.kind == Kind::Team),
    };
    for file in only.files() {
        for issue in &facts.file(file).issues {
            diagnostics.push(checker.value_issue(issue));
        }
        for id in index.items_in(file) {
            let info = index.item(id);
            checker.duplicate_definition(id, info, diagnostics);
            checker.second_program(id, info, diagnostics);
            let item = checker.syntax(info);
            checker.fields(info, item, diagnostics);
            checker.required_fields(id, info, item, diagnostics);
            checker.owner(id, info, item, diagnostics);
            checker.accountability(id, info, item, diagnostics);
        }
    }
}

struct Checker<'a> {
    workspace: &'a Workspace,
    index: &'a Index,
    facts: &'a Facts,
    /// The owner of the workspace's program, who owns what nobody else does.
    program_owner: Option<ItemId>,
    /// Whether the workspace defines a team: only then must every initiative name one.
    has_teams: bool,
}

impl Checker<'_> {
    fn syntax(&self, info: &ItemInfo) -> &Item {
        &self.workspace.file(info.file).syntax.items[info.index_in_file]
    }

    fn text(&self, file: FileId) -> &str {
        &self.workspace.file(file).text
    }

    /// A later definition of an ID, with the first one as related.
    fn duplicate_definition(&self, id: ItemId, info: &ItemInfo, diagnostics: &mut Vec<Diagnostic>) {
        {
            let first = match self.index.lookup(&info.name) {
                Some(first) if first != id => first,
                _ => return,
            };
            let first = self.index.item(first);
            let message = format!(
                "`{}` is already defined as {}; every ID must be unique across the workspace",
                info.name,
                first.kind.with_article(),
            );
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateDefinition,
                    info.file,
                    info.name_span,
                    message,
                )
                .with_related(
                    first.file,
                    first.name_span,
                    format!("`{}` is first defined here", first.name),
                ),
            );
        }
    }

    /// A workspace plans one program: every program after the first is reported as a
    /// duplicate definition of the program, unless its ID already is a duplicate.
    fn second_program(&self, n: ItemId, info: &ItemInfo, diagnostics: &mut Vec<Diagnostic>) {
        let Some(first) = self.index.program() else {
            return;
        };
        let first = self.index.item(first);
        if info.kind != Kind::Program || self.index.program() == Some(n) {
            return;
        }
        {
            if self.index.lookup(&info.name) != Some(n) {
                return; // its ID is already reported as defined twice
            }
            let message = format!(
                "a workspace holds one program, and `{}` already is it; \
                 make `{}` an initiative or give it its own workspace",
                first.name, info.name,
            );
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateDefinition,
                    info.file,
                    info.name_span,
                    message,
                )
                .with_related(
                    first.file,
                    first.name_span,
                    format!("the program of this workspace, `{}`", first.name),
                ),
            );
        }
    }

    fn value_issue(&self, issue: &ValueIssue) -> Diagnostic {
        match &issue.problem {
            Problem::Invalid {
                message,
                replacement,
            } => {
                let mut diagnostic =
                    Diagnostic::new(Code::InvalidValue, issue.file, issue.span, message.clone());
                if let Some(replacement) = replacement {
                    diagnostic = diagnostic.with_fix(replace(issue.file, issue.span, replacement));
                }
                diagnostic
            }
            Problem::Unresolved { name, suggestion } => {
                self.unresolved(issue, name, suggestion.as_deref())
            }
            Problem::WrongKind {
                name,
                found,
                expected,
            } => {
                let found = self.index.item(*found);
                let message = format!(
                    "`{name}` is {}, but `{}` takes {}",
                    found.kind.with_article(),
                    issue.key,
                    kinds_in_words(expected),
                );
                Diagnostic::new(Code::WrongKind, issue.file, issue.span, message).with_related(
                    found.file,
                    found.name_span,
                    format!("`{name}` is defined here as {}", found.kind.with_article()),
                )
            }
        }
    }

    fn unresolved(&self, issue: &ValueIssue, name: &str, suggestion: Option<&str>) -> Diagnostic {
        let info = self.index.item(issue.item);
        let value_type = schema::field_spec(info.kind, &issue.key).map(|spec| spec.value);
        // Work never depends on itself: suggesting its own ID would only trade one error for another.
        let is_work = matches!(
            value_type,
            Some(ValueType::Work { .. } | ValueType::Initiative)
        );
        let suggestion = suggestion.filter(|s| !(is_work && info.name == *s));
        let takes_person = value_type == Some(ValueType::Person);
        let written_with_at =
            issue.span.start > 0 && self.text(issue.file).as_bytes()[issue.span.start - 1] == b'@';
        let shown = |n: &str| {
            if takes_person {
                format!("`@{n}`")
            } else {
                format!("`{n}`")
            }
        };
        let nothing = if takes_person { "nobody" } else { "nothing" };
        let mut message = format!("{} names {nothing} in the workspace", shown(name));
        let mut diagnostic_fixes = Vec::new();
        if let Some(suggestion) = suggestion {
            message.push_str(&format!("; did you mean {}?", shown(suggestion)));
            // A person field written without `@` gets it back with the corrected name.
            let new_text = if takes_person && !written_with_at {
                format!("@{suggestion}")
            } else {
                suggestion.to_string()
            };
            diagnostic_fixes.push(replace(issue.file, issue.span, &new_text));
        }
        if let Some(kind) = value_type.and_then(|t| t.reference_kinds().first().copied()) {
            diagnostic_fixes.push(self.create_stub(issue.file, kind, name));
        }
        let mut diagnostic =
            Diagnostic::new(Code::UnresolvedReference, issue.file, issue.span, message);
        diagnostic.fixes = diagnostic_fixes;
        diagnostic.data.suggestion = suggestion.map(str::to_string);
        diagnostic
    }

    /// A fix that appends a minimal item of `kind` named `name` to the end of `file`.
    fn create_stub(&self, file: FileId, kind: Kind, name: &str) -> Fix {
        // An initiative stub gets its owner, so that it asks for nothing more than its schedule.
        let body = if kind == Kind::Initiative {
            let (owner, _) = self.default_owner(None);
            format!(" {{\n  owner: @{owner}\n}}")
        } else {
            String::new()
        };
        let stub = format!("{kind} {name} \"{name}\"{body}");
        Fix {
            title: format!("Create {kind} `{name}` at the end of this file"),
            edits: vec![append(self.text(file), file, &stub)],
        }
    }

    /// Unknown keys and keys given twice.
    fn fields(&self, info: &ItemInfo, item: &Item, diagnostics: &mut Vec<Diagnostic>) {
        let mut first_key: HashMap<&str, Span> = HashMap::new();
        for field in &item.fields {
            let key = field.key.text.as_str();
            if key.is_empty() || field.broken {
                continue; // a key recovery had to invent, or a broken field: its syntax error says so
            }
            if schema::field_spec(info.kind, key).is_none() {
                diagnostics.push(self.unknown_field(info, key, field.key.span));
                continue;
            }
            let Some(&first) = first_key.get(key) else {
                first_key.insert(key, field.key.span);
                continue;
            };
            let message = format!(
                "`{key}` is already given in {} `{}`; the first one counts",
                info.kind, info.name
            );
            let removal = removal_span(self.text(info.file), field.span);
            diagnostics.push(
                Diagnostic::new(Code::DuplicateField, info.file, field.key.span, message)
                    .with_related(info.file, first, format!("`{key}` is first given here"))
                    .with_fix(Fix {
                        title: format!("Remove this `{key}:`"),
                        edits: vec![Edit {
                            file: info.file,
                            span: removal,
                            new_text: String::new(),
                        }],
                    }),
            );
        }
    }

    fn unknown_field(&self, info: &ItemInfo, key: &str, span: Span) -> Diagnostic {
        let spec = schema::kind_spec(info.kind);
        let keys = spec.fields.iter().map(|f| f.key);
        let article = info.kind.with_article();
        match suggested_key(info.kind, key) {
            Some(suggestion) => Diagnostic::new(
                Code::UnknownField,
                info.file,
                span,
                format!("{article} has no field `{key}`; did you mean `{suggestion}`?"),
            )
            .with_fix(replace(info.file, span, &suggestion)),
            None => {
                let keys: Vec<String> = keys.map(|k| format!("`{k}`")).collect();
                Diagnostic::new(
                    Code::UnknownField,
                    info.file,
                    span,
                    format!(
                        "{article} has no field `{key}`; it takes {}",
                        keys.join(", ")
                    ),
                )
            }
        }
    }

    /// Required fields (a milestone's `date`), on the item's ID.
    fn required_fields(
        &self,
        id: ItemId,
        info: &ItemInfo,
        item: &Item,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let facts = self.facts.of(id);
        for spec in schema::kind_spec(info.kind).fields {
            if spec.required && !facts.has(spec.key) && !misspelled(info.kind, item, spec.key) {
                let message = format!(
                    "{kind} `{}` has no `{}`; every {kind} needs one: {}",
                    info.name,
                    spec.key,
                    lowercase_first(spec.description.trim_end_matches('.')),
                    kind = info.kind,
                );
                diagnostics.push(Diagnostic::new(
                    Code::MissingField,
                    info.file,
                    info.name_span,
                    message,
                ));
            }
        }
    }

    /// An initiative or risk without an `owner` field.
    fn owner(&self, id: ItemId, info: &ItemInfo, item: &Item, diagnostics: &mut Vec<Diagnostic>) {
        if !matches!(info.kind, Kind::Initiative | Kind::Risk)
            || self.facts.of(id).has("owner")
            || misspelled(info.kind, item, "owner")
        {
            return;
        }
        let message = match info.kind {
            Kind::Initiative => format!(
                "initiative `{}` has no owner; name the one person accountable for it",
                info.name
            ),
            _ => format!(
                "risk `{}` has no owner; name the person who watches it",
                info.name
            ),
        };
        let (owner, why) = self.default_owner(Some(id));
        let fix = Fix {
            title: format!("Add `owner: @{owner}`{why}"),
            edits: vec![add_field(
                self.text(info.file),
                info.file,
                item,
                &format!("owner: @{owner}"),
            )],
        };
        diagnostics.push(
            Diagnostic::new(Code::MissingOwner, info.file, info.name_span, message).with_fix(fix),
        );
    }

    /// What a program manager chases: a team without a lead, work without a team (once the
    /// workspace has teams), a milestone without an owner, a live risk that cannot be scored.
    fn accountability(
        &self,
        id: ItemId,
        info: &ItemInfo,
        item: &Item,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let f = self.facts.of(id);
        let text = self.text(info.file);
        let add = |field: String| Fix {
            title: format!("Add `{field}`"),
            edits: vec![add_field(text, info.file, item, &field)],
        };
        let name = &info.name;
        match info.kind {
            Kind::Team if !f.has("lead") && !misspelled(info.kind, item, "lead") => {
                let message =
                    format!("team `{name}` has no lead; name the person who answers for its work");
                let mut d = Diagnostic::new(Code::MissingLead, info.file, info.name_span, message);
                if let Some((member, _, _)) = f.items("members").next() {
                    let member = &self.index.item(member).name;
                    d = d.with_fix(Fix {
                        title: format!("Add `lead: @{member}`, the first member"),
                        ..add(format!("lead: @{member}"))
                    });
                }
                diagnostics.push(d);
            }
            Kind::Initiative
                if self.has_teams && !f.has("team") && !misspelled(info.kind, item, "team") =>
            {
                let message =
                    format!("initiative `{name}` has no team; name the team that does the work");
                let mut d = Diagnostic::new(Code::MissingTeam, info.file, info.name_span, message);
                let owner = f.item("owner");
                if let Some((owner, team)) =
                    owner.and_then(|o| Some((o, self.facts.of(o).item("team")?)))
                {
                    let team = &self.index.item(team).name;
                    d = d.with_fix(Fix {
                        title: format!(
                            "Add `team: {team}`, the team of `@{}`",
                            self.index.item(owner).name
                        ),
                        ..add(format!("team: {team}"))
                    });
                }
                diagnostics.push(d);
            }
            Kind::Milestone if !f.has("owner") && !misspelled(info.kind, item, "owner") => {
                let message = format!(
                    "milestone `{name}` has no owner; name the person accountable for the date"
                );
                let (owner, why) = self.default_owner(Some(id));
                diagnostics.push(
                    Diagnostic::new(Code::UnownedMilestone, info.file, info.name_span, message)
                        .with_fix(Fix {
                            title: format!("Add `owner: @{owner}`{why}"),
                            ..add(format!("owner: @{owner}"))
                        }),
                );
            }
            Kind::Risk if matches!(f.word("status").unwrap_or("open"), "open" | "mitigating") => {
                let missing: Vec<&str> = ["likelihood", "impact"]
                    .into_iter()
                    .filter(|key| !f.has(key) && !misspelled(info.kind, item, key))
                    .collect();
                if missing.is_empty() {
                    return;
                }
                let message = format!(
                    "risk `{name}` has no {}, so it has no score; give {}",
                    missing.join(" and no "),
                    missing
                        .iter()
                        .map(|key| format!("`{key}:` `very_low` to `very_high`, or 1 to 5"))
                        .collect::<Vec<_>>()
                        .join(", and ")
                );
                diagnostics.push(Diagnostic::new(
                    Code::UnscoredRisk,
                    info.file,
                    info.name_span,
                    message,
                ));
            }
            _ => {}
        }
    }

    /// Who should own an item, for a fix: the lead of its team, else the program owner, else a
    /// placeholder the user must complete. Returns the person's ID and why, for the fix title.
    fn default_owner(&self, item: Option<ItemId>) -> (String, String) {
        let team = item.and_then(|i| self.facts.of(i).item("team"));
        if let Some(team) = team {
            if let Some(lead) = self.facts.of(team).item("lead") {
                return (
                    self.index.item(lead).name.clone(),
                    format!(", the lead of team `{}`", self.index.item(team).name),
                );
            }
        }
        if let Some(owner) = self.program_owner {
            return (
                self.index.item(owner).name.clone(),
                ", the program owner".to_string(),
            );
        }
        (
            OWNER_PLACEHOLDER.to_string(),
            " (then name the owner)".to_string(),
        )
    }
}

/// The key of `kind` that an unknown `key` most likely means: the closest by edit distance, else
/// the one key of `kind` that does what `key` does in another kind (`depends_on` in a milestone
/// means `requires`; `lead` in an initiative means `owner`).
fn suggested_key(kind: Kind, key: &str) -> Option<String> {
    let fields = schema::kind_spec(kind).fields;
    if let Some(close) = closest(key, fields.iter().map(|f| f.key)) {
        return Some(close);
    }
    let elsewhere = schema::KINDS
        .iter()
        .filter(|k| k.kind != kind)
        .filter_map(|k| k.fields.iter().find(|f| f.key == key))
        .collect::<Vec<_>>();
    let mut same_role = fields.iter().filter(|f| {
        elsewhere
            .iter()
            .any(|other| other.value == f.value && other.list == f.list)
    });
    match (same_role.next(), same_role.next()) {
        (Some(only), None) => Some(only.key.to_string()),
        _ => None,
    }
}

/// Whether `item` has an unknown key that stands for `key`, so that the unknown-field finding
/// (and its fix) already covers a missing `key`.
fn misspelled(kind: Kind, item: &Item, key: &str) -> bool {
    item.fields.iter().any(|f| {
        schema::field_spec(kind, &f.key.text).is_none()
            && suggested_key(kind, &f.key.text).as_deref() == Some(key)
    })
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn replace(file: FileId, span: Span, new_text: &str) -> Fix {
    Fix {
        title: format!("Replace with `{new_text}`"),
        edits: vec![Edit {
            file,
            span,
            new_text: new_text.to_string(),
        }],
    }
}

/// "a person", "an initiative or a milestone".
fn kinds_in_words(kinds: &[Kind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|k| k.with_article()).collect();
    match words.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_string(),
    }
}

/// An edit that appends `item` to the end of `text`, separated from what is there by a blank line.
fn append(text: &str, file: FileId, item: &str) -> Edit {
    let separator = if text.is_empty() {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Edit {
        file,
        span: Span::new(text.len(), text.len()),
        new_text: format!("{separator}{item}\n"),
    }
}

/// The indentation of the line that holds `offset`.
fn indentation(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[line_start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// An edit that adds `field` as the first field of `item`, in the item's own layout: on its own
/// line in a block written over several lines, inline in a one-line block, in a new block otherwise.
fn add_field(text: &str, file: FileId, item: &Item, field: &str) -> Edit {
    let item_indent = indentation(text, item.span.start);
    let insert = |at: usize, new_text: String| Edit {
        file,
        span: Span::new(at, at),
        new_text,
    };
    let Some(block) = &item.body else {
        return insert(
            item.span.end,
            format!(" {{\n{item_indent}  {field}\n{item_indent}}}"),
        );
    };
    let after_open = block.open.end;
    match (item.fields.first(), block.close) {
        (Some(first), _) if !text[after_open..first.span.start].contains('\n') => {
            insert(after_open, format!(" {field}"))
        }
        // On its own line before the first field, so a comment after `{` stays where it is.
        (Some(first), _) => insert(
            first.span.start,
            format!("{field}\n{}", indentation(text, first.span.start)),
        ),
        (None, Some(close)) if !text[after_open..close.start].contains('\n') => Edit {
            file,
            span: Span::new(after_open, close.start),
            new_text: format!(" {field} "),
        },
        (None, Some(close)) => {
            let line_start = text[..close.start].rfind('\n').map_or(0, |i| i + 1);
            insert(line_start, format!("{item_indent}  {field}\n"))
        }
        (None, _) => insert(after_open, format!("\n{item_indent}  {field}")),
    }
}

/// The span to delete to remove `span` cleanly: with the white space before it, and with its
/// whole line when nothing else is on that line.
pub(crate) fn removal_span(text: &str, span: Span) -> Span {
    let before = text[..span.start].trim_end_matches([' ', '\t']);
    let start = before.len();
    let after = &text[span.end..];
    let rest_of_line = after.trim_start_matches([' ', '\t']);
    let alone_on_line = (start == 0 || before.ends_with('\n'))
        && (rest_of_line.is_empty() || rest_of_line.starts_with('\n'));
    if alone_on_line {
        let end = span.end + (after.len() - rest_of_line.len());
        let end = if rest_of_line.starts_with('\n') {
            end + 1
        } else {
            end
        };
        Span::new(start, end)
    } else {
        Span::new(start, span.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &Edit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        out
    }

    fn first_item(text: &str) -> Item {
        crate::syntax::parse(text).items.remove(0)
    }

    #[test]
    fn an_added_field_follows_the_layout_of_the_block() {
        let cases = [
            (
                "initiative a {\n  team: t\n}\n",
                "initiative a {\n  owner: @x\n  team: t\n}\n",
            ),
            (
                "initiative a {\n    team: t\n}\n",
                "initiative a {\n    owner: @x\n    team: t\n}\n",
            ),
            (
                "initiative a { team: t }\n",
                "initiative a { owner: @x team: t }\n",
            ),
            ("initiative a {}\n", "initiative a { owner: @x }\n"),
            ("initiative a { }\n", "initiative a { owner: @x }\n"),
            ("initiative a {\n}\n", "initiative a {\n  owner: @x\n}\n"),
            (
                "initiative a \"A\"\n",
                "initiative a \"A\" {\n  owner: @x\n}\n",
            ),
            ("initiative a", "initiative a {\n  owner: @x\n}"),
            (
                "initiative a {\n  team: t\n",
                "initiative a {\n  owner: @x\n  team: t\n",
            ),
            (
                "initiative a { # why\n  team: t\n}\n",
                "initiative a { # why\n  owner: @x\n  team: t\n}\n",
            ),
            (
                "initiative a { # why\n}\n",
                "initiative a { # why\n  owner: @x\n}\n",
            ),
            (
                "  initiative a {\n  }\n",
                "  initiative a {\n    owner: @x\n  }\n",
            ),
        ];
        for (text, expected) in cases {
            let item = first_item(text);
            let edit = add_field(text, FileId(0), &item, "owner: @x");
            assert_eq!(apply(text, &edit), expected, "adding to {text:?}");
        }
    }

    #[test]
    fn a_removed_field_takes_its_line_or_its_leading_space() {
        let text = "a {\n  owner: @x\n  owner: @y\n}\n";
        let start = text.rfind("owner").unwrap();
        let span = Span::new(start, start + "owner: @y".len());
        let edit = Edit {
            file: FileId(0),
            span: removal_span(text, span),
            new_text: String::new(),
        };
        assert_eq!(apply(text, &edit), "a {\n  owner: @x\n}\n");

        let text = "a { owner: @x owner: @y }";
        let start = text.rfind("owner").unwrap();
        let span = Span::new(start, start + "owner: @y".len());
        let edit = Edit {
            file: FileId(0),
            span: removal_span(text, span),
            new_text: String::new(),
        };
        assert_eq!(apply(text, &edit), "a { owner: @x }");
    }

    #[test]
    fn appended_items_are_separated_by_a_blank_line() {
        let edit = append("a\n", FileId(0), "person p \"p\"");
        assert_eq!(apply("a\n", &edit), "a\n\nperson p \"p\"\n");
        let edit = append("a", FileId(0), "person p \"p\"");
        assert_eq!(apply("a", &edit), "a\n\nperson p \"p\"\n");
        let edit = append("", FileId(0), "person p \"p\"");
        assert_eq!(apply("", &edit), "person p \"p\"\n");
    }

    #[test]
    fn a_key_that_recovery_invented_is_not_an_unknown_field() {
        let text = "initiative a { owner: @x depends_on: b,\n  status: done }\n";
        let workspace = crate::analysis::Workspace::from_texts([("a.plan", text)]);
        let options = crate::analysis::Options {
            today: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = crate::analysis::analyze(&workspace, &options);
        assert!(analysis
            .diagnostics()
            .iter()
            .any(|d| d.code == Code::SyntaxError));
        assert!(!analysis
            .diagnostics()
            .iter()
            .any(|d| d.code == Code::UnknownField));
    }

    #[test]
    fn kinds_read_as_words() {
        assert_eq!(kinds_in_words(&[Kind::Person]), "a person");
        assert_eq!(
            kinds_in_words(&[Kind::Initiative, Kind::Milestone]),
            "an initiative or a milestone"
        );
    }
}
