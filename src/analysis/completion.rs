//! What to complete at an offset: the context comes from the text around the cursor and the
//! syntax model, the candidates from the schema table and the workspace index.
//!
//! Pure: no protocol types. The server turns a [`Completion`] into the protocol's item.

use crate::analysis::schema::{self, FieldSpec, ValueType, LEVELS};
use crate::analysis::{Analysis, FileId, ItemInfo, Workspace};
use crate::syntax::{Item, Kind, PlanFile, Span, ValueKind};

/// One candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// A short line next to the label: a person's display name, a key's value type.
    pub detail: Option<String>,
    /// Markdown shown beside the list.
    pub documentation: Option<String>,
    /// The text the completion replaces: the word under the cursor.
    pub span: Span,
    pub insert: Insert,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A reference to an item of this kind.
    Item(Kind),
    Key,
    EnumWord,
    /// A kind keyword at the start of an item.
    KindWord,
    /// A whole new item of this kind.
    ItemSnippet(Kind),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Insert {
    Text(String),
    /// A snippet with `$1`-style tab stops.
    Snippet(String),
}

/// Where the cursor is, as far as completion cares.
#[derive(Clone, Copy, Debug)]
enum Context<'a> {
    /// Between items: kind words and new-item snippets.
    TopLevel,
    /// Where a key goes in `item`'s block.
    Key { item: &'a Item },
    /// Where a value of `key` goes in `item`'s block.
    Value { item: &'a Item, key: &'a str },
    /// Right after `@`.
    Person,
    /// Nothing sensible: inside a comment or a string, on an ID, after `+`.
    Nothing,
}

pub fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// The most IDs one completion offers; past that the list is marked incomplete, and the editor
/// asks again as the user types, so that a workspace of 100,000 items answers in a moment.
pub const MAX_ITEM_COMPLETIONS: usize = 200;

/// What to offer at a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<Completion>,
    /// Whether some IDs were left out ([`MAX_ITEM_COMPLETIONS`]): typing more narrows the list.
    pub incomplete: bool,
}

/// The completions at `offset` in `file`.
pub fn complete(
    workspace: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Vec<Completion> {
    completions(workspace, analysis, file, offset).items
}

/// The completions at `offset` in `file`, and whether the list is complete.
pub fn completions(
    workspace: &Workspace,
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Completions {
    let source = workspace.file(file);
    let text: &str = &source.text;
    let syntax: &PlanFile = &source.syntax;
    let offset = floor_boundary(text, offset.min(text.len()));
    let word = word_span(text, offset);
    let completer = Completer {
        analysis,
        word,
        typed: text[word.start..offset].trim_start_matches('@'),
        incomplete: std::cell::Cell::new(false),
    };
    let items = match context(text, syntax, offset, word) {
        Context::TopLevel => completer.top_level(),
        Context::Key { item } => completer.keys(item, word),
        Context::Value { item, key } => completer.values(item, key),
        Context::Person => completer.items_of(&[Kind::Person], None, &[], false),
        Context::Nothing => Vec::new(),
    };
    Completions {
        items,
        incomplete: completer.incomplete.get(),
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The identifier around the cursor: what a completion replaces.
fn word_span(text: &str, offset: usize) -> Span {
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_identifier_char(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_identifier_char(c))
        .map_or(text.len(), |(i, _)| offset + i);
    Span::new(start, end)
}

fn context<'a>(text: &str, syntax: &'a PlanFile, offset: usize, word: Span) -> Context<'a> {
    let inside = |span: &Span| span.start < offset && offset < span.end;
    if syntax
        .comments
        .iter()
        .any(|c| c.start < offset && offset <= c.end)
    {
        return Context::Nothing;
    }
    let strings = syntax.string_spans();
    if strings.clone().any(|span| inside(&span)) {
        return Context::Nothing;
    }
    if text[..word.start].ends_with('@') {
        return Context::Person;
    }
    let before = previous_token_end(text, syntax, word.start);
    let previous = text[..before].chars().next_back();

    // The item the cursor is in: the last one to start before it.
    let Some(item) = syntax
        .items
        .iter()
        .filter(|item| item.kind_span.start < word.start)
        .max_by_key(|item| item.kind_span.start)
    else {
        return Context::TopLevel;
    };
    if item.kind_span.end == before {
        return Context::Nothing; // typing the ID of a new item
    }
    let in_block = item.body.as_ref().is_some_and(|body| {
        body.open.end <= word.start && body.close.is_none_or(|close| offset <= close.start)
    });
    if !in_block {
        return Context::TopLevel;
    }
    match previous {
        Some(':') => match key_before_colon(text, before - 1) {
            Some(key) => item
                .fields
                .iter()
                .find(|f| f.key.text == key && f.colon.end <= before)
                .map_or(Context::Nothing, |field| Context::Value {
                    item,
                    key: &field.key.text,
                }),
            None => Context::Nothing,
        },
        Some(',') => item
            .fields
            .iter()
            .filter(|f| f.key.span.start < before)
            .max_by_key(|f| f.key.span.start)
            .map_or(Context::Nothing, |field| Context::Value {
                item,
                key: &field.key.text,
            }),
        Some('+') => Context::Nothing,
        _ => Context::Key { item },
    }
}

/// The end of the last token before `offset`, skipping white space and comments.
fn previous_token_end(text: &str, syntax: &PlanFile, offset: usize) -> usize {
    let mut position = offset;
    loop {
        position = text[..position].trim_end().len();
        match syntax
            .comments
            .iter()
            .find(|c| c.start < position && position <= c.end)
        {
            Some(comment) => position = comment.start,
            None => return position,
        }
    }
}

fn key_before_colon(text: &str, colon: usize) -> Option<&str> {
    let end = text[..colon].trim_end().len();
    let start = word_span(text, end).start;
    (start < end).then(|| &text[start..end])
}

struct Completer<'a> {
    analysis: &'a Analysis,
    word: Span,
    /// What is typed of the word before the cursor, without an `@`.
    typed: &'a str,
    /// Set when IDs were left out.
    incomplete: std::cell::Cell<bool>,
}

impl Completer<'_> {
    fn top_level(&self) -> Vec<Completion> {
        let mut completions = Vec::new();
        for spec in schema::KINDS {
            completions.push(Completion {
                label: spec.kind.keyword().to_string(),
                kind: CompletionKind::ItemSnippet(spec.kind),
                detail: Some(format!("new {}", spec.kind)),
                documentation: Some(spec.description.to_string()),
                span: self.word,
                insert: Insert::Snippet(item_snippet(spec.kind)),
            });
        }
        completions
    }

    fn keys(&self, item: &Item, word: Span) -> Vec<Completion> {
        let spec = schema::kind_spec(item.kind);
        spec.fields
            .iter()
            .filter(|field| {
                !item
                    .fields
                    .iter()
                    .any(|given| given.key.text == field.key && given.key.span != word)
            })
            .map(|field| Completion {
                label: field.key.to_string(),
                kind: CompletionKind::Key,
                detail: Some(field.value.describe()),
                documentation: Some(key_documentation(item.kind, field)),
                span: self.word,
                insert: Insert::Text(format!("{}: ", field.key)),
            })
            .collect()
    }

    fn values(&self, item: &Item, key: &str) -> Vec<Completion> {
        let Some(field) = schema::field_spec(item.kind, key) else {
            return Vec::new();
        };
        let listed: Vec<&str> = item
            .field(key)
            .into_iter()
            .flat_map(|f| &f.values)
            .filter_map(|v| match &v.kind {
                ValueKind::Reference(r) if r.name.span != self.word => Some(r.name.text.as_str()),
                ValueKind::Person(name) if name.span != self.word => Some(name.text.as_str()),
                _ => None,
            })
            .collect();
        let own_id = item.id.as_ref().map(|id| id.text.as_str());
        match field.value {
            ValueType::Person => self.items_of(&[Kind::Person], own_id, &listed, true),
            ValueType::Team => self.items_of(&[Kind::Team], own_id, &listed, false),
            ValueType::Initiative => self.items_of(&[Kind::Initiative], own_id, &listed, false),
            ValueType::Work { .. } => {
                self.items_of(&[Kind::Initiative, Kind::Milestone], own_id, &listed, false)
            }
            ValueType::Enum(words) => self.words(words, field),
            ValueType::Level => self.words(LEVELS, field),
            ValueType::Date | ValueType::Duration | ValueType::Percent | ValueType::Text => {
                Vec::new()
            }
        }
    }

    /// Items of `kinds`, except the item itself and those already listed; people are inserted
    /// with their `@` unless it is already typed.
    fn items_of(
        &self,
        kinds: &[Kind],
        exclude: Option<&str>,
        listed: &[&str],
        add_at: bool,
    ) -> Vec<Completion> {
        // The IDs that start with what is typed come first, then those that contain it, then
        // the rest, each group in workspace order; past MAX_ITEM_COMPLETIONS the list is cut.
        let typed = self.typed.as_bytes();
        let starts = |name: &[u8]| {
            name.len() >= typed.len() && name[..typed.len()].eq_ignore_ascii_case(typed)
        };
        let contains = |name: &[u8]| {
            typed.is_empty()
                || name
                    .windows(typed.len())
                    .any(|w| w.eq_ignore_ascii_case(typed))
        };
        let mut seen = std::collections::HashSet::new();
        let mut groups: [Vec<&ItemInfo>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut offered = 0;
        for (_, info) in self.analysis.items() {
            if !kinds.contains(&info.kind)
                || Some(info.name.as_str()) == exclude
                || listed.contains(&info.name.as_str())
            {
                continue;
            }
            let name = info.name.as_bytes();
            let group = if starts(name) {
                0
            } else if contains(name) {
                1
            } else {
                2
            };
            if groups[..=group].iter().map(Vec::len).sum::<usize>() >= MAX_ITEM_COMPLETIONS {
                // This one would be cut anyway; only whether anything was cut matters.
                offered += 1;
                continue;
            }
            if seen.insert(info.name.as_str()) {
                groups[group].push(info);
                offered += 1;
            }
        }
        let mut candidates: Vec<&ItemInfo> = groups.into_iter().flatten().collect();
        if offered > MAX_ITEM_COMPLETIONS {
            candidates.truncate(MAX_ITEM_COMPLETIONS);
            self.incomplete.set(true);
        }
        candidates
            .into_iter()
            .map(|info| Completion {
                label: info.name.clone(),
                kind: CompletionKind::Item(info.kind),
                detail: Some(item_detail(info)),
                documentation: None,
                span: self.word,
                insert: Insert::Text(if add_at {
                    format!("@{}", info.name)
                } else {
                    info.name.clone()
                }),
            })
            .collect()
    }

    fn words(&self, words: &[&str], field: &FieldSpec) -> Vec<Completion> {
        words
            .iter()
            .map(|word| Completion {
                label: word.to_string(),
                kind: CompletionKind::EnumWord,
                detail: Some(field.key.to_string()),
                documentation: Some(field.description.to_string()),
                span: self.word,
                insert: Insert::Text(word.to_string()),
            })
            .collect()
    }
}

/// `Maria Lopez` for a person, `team · Payments Platform` for the rest.
fn item_detail(info: &ItemInfo) -> String {
    match (&info.title, info.kind) {
        (Some(title), Kind::Person) => title.clone(),
        (Some(title), kind) => format!("{kind} · {title}"),
        (None, kind) => kind.to_string(),
    }
}

fn key_documentation(kind: Kind, field: &FieldSpec) -> String {
    let mut doc = format!(
        "**{}** ({kind}): {}\n\nTakes {}",
        field.key,
        field.description,
        field.value.describe()
    );
    if field.list {
        doc.push_str(", several separated by commas");
    }
    doc.push('.');
    if field.required {
        doc.push_str(" Required.");
    }
    doc
}

/// A new item with tab stops for its ID, title, and the fields it needs: the required ones and
/// an owner where the kind has one.
fn item_snippet(kind: Kind) -> String {
    let spec = schema::kind_spec(kind);
    let mut snippet = format!("{} ${{1:id}} \"${{2:Title}}\" {{\n", kind.keyword());
    let needed = spec
        .fields
        .iter()
        .filter(|f| f.required || f.key == "owner");
    for (stop, field) in (3..).zip(needed) {
        let placeholder = match field.value {
            ValueType::Person => format!("@${{{stop}:owner}}"),
            ValueType::Date => format!("${{{stop}:YYYY-MM-DD}}"),
            _ => format!("${{{stop}}}"),
        };
        snippet.push_str(&format!("  {}: {placeholder}\n", field.key));
    }
    snippet.push_str("  $0\n}");
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};

    /// Completes at the `|` in `text`, with `others` as more files of the workspace.
    fn complete_at(text: &str, others: &[&str]) -> Vec<Completion> {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        let mut files = vec![("a.plan".to_string(), text)];
        for (i, other) in others.iter().enumerate() {
            files.push((format!("b{i}.plan"), other.to_string()));
        }
        let workspace = Workspace::from_texts(files);
        let options = Options {
            today: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        let file = workspace.find("a.plan").unwrap();
        complete(&workspace, &analysis, file, offset)
    }

    fn labels(completions: &[Completion]) -> Vec<&str> {
        completions.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn a_large_workspace_offers_a_bounded_list_led_by_what_is_typed() {
        let mut others = String::new();
        for i in 0..500 {
            others.push_str(&format!("initiative work_{i} {{}}\n"));
        }
        others.push_str("initiative zeta_7 {}\n");
        let text = "initiative a { depends_on: zeta_ }\n";
        let workspace = Workspace::from_texts([("a.plan", text), ("b.plan", others.as_str())]);
        let options = Options {
            today: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        let file = workspace.find("a.plan").unwrap();
        let offset = text.find("zeta_").unwrap() + "zeta_".len();
        let found = completions(&workspace, &analysis, file, offset);
        assert!(found.incomplete);
        assert_eq!(found.items.len(), MAX_ITEM_COMPLETIONS);
        assert_eq!(found.items[0].label, "zeta_7");
        // A small workspace gets every ID, and the list is complete.
        let small = completions(&workspace, &analysis, file, text.find("{").unwrap() + 1);
        assert!(!small.incomplete);
    }

    const PEOPLE: &str = "person maria \"Maria Lopez\"\nperson ana \"Ana Diaz\"\nteam payments \"Payments\"\ninitiative vault {}\nmilestone beta { date: 2027-03-01 }\n";

    #[test]
    fn people_after_at_with_their_display_names() {
        let completions = complete_at("initiative x {\n  owner: @ma|\n}", &[PEOPLE]);
        assert_eq!(labels(&completions), vec!["maria", "ana"]);
        assert_eq!(completions[0].detail.as_deref(), Some("Maria Lopez"));
        assert_eq!(completions[0].insert, Insert::Text("maria".into()));
        assert_eq!(completions[0].span, Span::new(25, 27));
    }

    #[test]
    fn a_person_field_without_at_inserts_it() {
        let completions = complete_at("team t {\n  members: @ana, |\n}", &[PEOPLE]);
        assert_eq!(labels(&completions), vec!["maria"]);
        assert_eq!(completions[0].insert, Insert::Text("@maria".into()));
    }

    #[test]
    fn references_are_filtered_to_the_kinds_the_field_accepts() {
        let completions = complete_at("initiative x {\n  depends_on: |\n}", &[PEOPLE]);
        assert_eq!(labels(&completions), vec!["vault", "beta"]);
        let completions = complete_at("person p {\n  team: pay|\n}", &[PEOPLE]);
        assert_eq!(labels(&completions), vec!["payments"]);
        assert_eq!(completions[0].detail.as_deref(), Some("team · Payments"));
    }

    #[test]
    fn an_item_never_depends_on_itself_or_twice_on_the_same() {
        let completions = complete_at(
            "initiative vault {}\ninitiative x {\n  depends_on: vault, |\n}\ninitiative y {}",
            &[],
        );
        assert_eq!(labels(&completions), vec!["y"]);
    }

    #[test]
    fn keys_of_the_kind_not_yet_given_with_descriptions() {
        let completions = complete_at("milestone m {\n  date: 2027-01-01\n  |\n}", &[]);
        assert_eq!(
            labels(&completions),
            vec!["owner", "requires", "status", "description"]
        );
        assert_eq!(completions[0].insert, Insert::Text("owner: ".into()));
        assert!(completions[0]
            .documentation
            .as_deref()
            .unwrap()
            .contains("accountable"));
        let completions = complete_at("risk r { likelihood: high  imp| }", &[]);
        assert!(labels(&completions).contains(&"impact"));
        assert!(!labels(&completions).contains(&"likelihood"));
    }

    #[test]
    fn enum_words_after_the_key() {
        let completions = complete_at("initiative x {\n  status: |\n}", &[]);
        assert_eq!(
            labels(&completions),
            vec!["planned", "in_progress", "blocked", "done", "cancelled"]
        );
        let completions = complete_at("risk r { impact:|}", &[]);
        assert_eq!(labels(&completions), LEVELS.to_vec());
    }

    #[test]
    fn snippets_for_new_items_between_items() {
        let completions = complete_at("team t {}\n\nini|", &[]);
        assert_eq!(labels(&completions).len(), 6);
        let initiative = completions
            .iter()
            .find(|c| c.label == "initiative")
            .unwrap();
        assert_eq!(
            initiative.insert,
            Insert::Snippet(
                "initiative ${1:id} \"${2:Title}\" {\n  owner: @${3:owner}\n  $0\n}".into()
            )
        );
        let milestone = completions.iter().find(|c| c.label == "milestone").unwrap();
        assert!(
            matches!(&milestone.insert, Insert::Snippet(s) if s.contains("date: ${3:YYYY-MM-DD}"))
        );
    }

    #[test]
    fn nothing_in_comments_strings_ids_or_lags() {
        assert!(complete_at("team t { # lea|\n}", &[]).is_empty());
        assert!(complete_at("team t { channel: \"#pay|\" }", &[]).is_empty());
        assert!(complete_at("initiative |", &[]).is_empty());
        assert!(complete_at("initiative x { depends_on: a + |}", &[]).is_empty());
    }

    #[test]
    fn a_comment_between_the_key_and_the_cursor_is_skipped() {
        let completions = complete_at("initiative x {\n  health: # pick one\n    |\n}", &[]);
        assert_eq!(labels(&completions), vec!["green", "amber", "red"]);
    }
}
