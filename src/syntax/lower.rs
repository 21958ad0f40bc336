//! Lowering a tree-sitter tree into the typed model, and syntax errors into messages a person can act on.
//!
//! This is the only module that knows the grammar's node kinds.

use tree_sitter::{Node, Tree};

use super::model::*;
use super::LineIndex;

pub(super) fn lower(tree: &Tree, text: &str) -> PlanFile {
    let mut lowerer = Lowerer {
        text,
        file: PlanFile::default(),
        lines: None,
        last_unexpected_line: None,
        bad_value: false,
    };
    lowerer.top_level(tree.root_node());
    lowerer.file.comments.sort();
    lowerer.file.comments.dedup();
    lowerer
        .file
        .errors
        .sort_by_key(|e| (e.span.start, e.span.end));
    lowerer.file.errors.dedup();
    lowerer.file
}

struct Lowerer<'t> {
    text: &'t str,
    file: PlanFile,
    /// Built on the first error only: clean files never pay for it.
    lines: Option<LineIndex>,
    last_unexpected_line: Option<usize>,
    /// A value of the field being lowered was reported as malformed: the field is broken.
    bad_value: bool,
}

fn span(node: Node) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

impl<'t> Lowerer<'t> {
    fn text(&self, node: Node) -> &'t str {
        &self.text[node.start_byte()..node.end_byte()]
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.file.errors.push(SyntaxError {
            span,
            message: message.into(),
        });
    }

    /// The children of the file, or of an ERROR node at the top level: items found inside an
    /// error are kept, so that a break never hides the items after it.
    fn top_level(&mut self, node: Node) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        for (i, &child) in children.iter().enumerate() {
            let next = children.get(i + 1).copied();
            match child.kind() {
                "item" => {
                    if let Some(item) = self.item(child) {
                        self.file.items.push(item);
                    }
                }
                "field" => self.stray_field(child, next),
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => {
                    // Text right after an unclosed block was most likely meant for that block.
                    let open_item = self
                        .file
                        .items
                        .last()
                        .filter(|i| i.body.as_ref().is_some_and(|b| b.close.is_none()))
                        .filter(|i| i.span.end <= child.start_byte())
                        .cloned();
                    self.unexpected(child, open_item.as_ref());
                    self.top_level(child);
                }
                _ if child.is_missing() => self.missing(child, None, None),
                _ => {}
            }
        }
    }

    /// A field outside any item: one message for it, and the rest of its line follows from it.
    fn stray_field(&mut self, node: Node, next: Option<Node>) {
        let key_node = node
            .child_by_field_name("key")
            .expect("a field starts with its key");
        let key = self.text(key_node);
        let message = if !node.has_error() {
            format!("`{key}:` is outside any item; fields go inside an item's `{{ }}` block")
        } else if let Some(kind) = misspelled_kind(key) {
            // `initiativ b { ... }`: a typo in the kind word, not a field at all.
            format!("`{key}` is not a kind of item; did you mean `{kind}`?")
        } else {
            format!(
                "unexpected `{key}`: an item starts with one of program, team, person, initiative, milestone, risk"
            )
        };
        self.error(span(key_node), message);
        self.last_unexpected_line = Some(self.line_of(node.start_byte()));
        let field = self.field(node, next);
        self.file.stray_fields.push(field);
    }

    /// `owner @ana` inside a block: a field whose `:` is missing. It is kept as a broken field, so
    /// that the item still counts as having an owner and the syntax error is the one report.
    fn colonless_field(&self, node: Node, tokens: &[Node]) -> Option<Field> {
        let first = *tokens.first()?;
        let word = self.text(first);
        if !is_word(word) || tokens.get(1).is_some_and(|n| self.text(*n) == ":") {
            return None;
        }
        let key = self.name(first);
        Some(Field {
            colon: Span::new(key.span.end, key.span.end),
            key,
            values: Vec::new(),
            span: span(node),
            broken: true,
        })
    }

    /// `team: payments` outside any block parses as an item `team` with a stray `:`; it is a field.
    fn stray_field_in_item(&mut self, node: Node, kind_node: Node) -> Option<Field> {
        let colon = kind_node
            .next_sibling()
            .filter(|n| n.is_error() && self.text(*n).trim() == ":")?;
        let key = self.name(kind_node);
        let values = node
            .child_by_field_name("name")
            .map(|n| {
                let name = self.name(n);
                Value {
                    span: name.span,
                    kind: ValueKind::Reference(Reference { name, lag: None }),
                }
            })
            .into_iter()
            .collect();
        Some(Field {
            key,
            colon: span(colon),
            values,
            span: span(node),
            broken: true,
        })
    }

    fn item(&mut self, node: Node) -> Option<Item> {
        let kind_node = node
            .child_by_field_name("kind")
            .expect("an item starts with its kind");
        if let Some(field) = self.stray_field_in_item(node, kind_node) {
            self.error(
                field.key.span,
                format!(
                    "`{}:` is outside any item; fields go inside an item's `{{ }}` block",
                    field.key.text
                ),
            );
            self.file.stray_fields.push(field);
            return None;
        }
        let Some(kind) = Kind::from_keyword(self.text(kind_node)) else {
            // Recovery may invent a missing kind word before a stray title or block: the error
            // is on the first line of what is there.
            let raw = self.text(node);
            let text = first_line(raw.trim_start());
            let start = node.start_byte() + (raw.len() - raw.trim_start().len());
            self.error(
                Span::new(start, start + text.len()),
                format!(
                    "unexpected `{text}`: expected an item such as `initiative my_id {{ ... }}`"
                ),
            );
            return None;
        };
        let kind_span = span(kind_node);
        let id = node.child_by_field_name("name").map(|n| self.name(n));
        let title = node.child_by_field_name("title").map(|n| self.string(n));
        if id.is_none() {
            let hint = match &title {
                Some(t) => format!(
                    "an ID before the title, like `{} my_id \"{}\"`",
                    kind, t.text
                ),
                None => format!("like `{kind} my_id`"),
            };
            self.error(kind_span, format!("`{kind}` needs an ID: {hint}"));
        }
        let mut item = Item {
            kind,
            kind_span,
            id,
            title,
            fields: Vec::new(),
            body: None,
            span: span(node),
        };
        if let Some(block) = node.child_by_field_name("body") {
            item.body = Some(self.block(block, &item));
            let mut fields = Vec::new();
            self.block_fields(block, &item, &mut fields);
            item.fields = fields;
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => {
                    self.unexpected(child, Some(&item));
                    self.top_level(child);
                }
                _ if child.is_missing() => self.missing(child, Some(&item), None),
                _ => {}
            }
        }
        Some(item)
    }

    fn block(&mut self, node: Node, item: &Item) -> Block {
        let open = node.child(0).map(span).unwrap_or_else(|| span(node));
        let close = (0..node.child_count())
            .rev()
            .filter_map(|i| node.child(i))
            .find(|c| c.kind() == "}" && !c.is_missing())
            .map(span);
        if close.is_none() {
            self.error(
                open,
                format!("expected `}}` to close {}", describe_item(item)),
            );
        }
        Block {
            open,
            close,
            span: span(node),
        }
    }

    fn block_fields(&mut self, node: Node, item: &Item, fields: &mut Vec<Field>) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        for (i, &child) in children.iter().enumerate() {
            match child.kind() {
                "field" => fields.push(self.field(child, children.get(i + 1).copied())),
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => {
                    let tokens = self.unexpected(child, Some(item));
                    if let Some(field) = self.colonless_field(child, &tokens) {
                        fields.push(field);
                    }
                    self.block_fields(child, item, fields);
                }
                "item" => {
                    // An item that error recovery put inside a block is still an item.
                    if let Some(nested) = self.item(child) {
                        self.file.items.push(nested);
                    }
                }
                _ if child.is_missing() => self.missing(child, Some(item), None),
                _ => {}
            }
        }
    }

    /// `next` is the node after the field: tree-sitter's `next_sibling` walks from the parent,
    /// which would make a file of many fields quadratic.
    fn field(&mut self, node: Node, next: Option<Node>) -> Field {
        let key_node = node
            .child_by_field_name("key")
            .expect("a field starts with its key");
        let key = self.name(key_node);
        if key_node.is_missing() {
            self.error(span(node), "expected a key before `:`, like `owner: @name`");
        }
        let colon = (0..node.child_count())
            .filter_map(|i| node.child(i))
            .find(|c| c.kind() == ":")
            .map(span)
            .unwrap_or(Span::new(key.span.end, key.span.end));
        let mut values = Vec::new();
        self.bad_value = false;
        let mut cursor = node.walk();
        let value_nodes: Vec<Node> = node.children_by_field_name("value", &mut cursor).collect();
        for (i, &value) in value_nodes.iter().enumerate() {
            if let Some(previous) = i.checked_sub(1).map(|p| value_nodes[p]) {
                self.missing_comma(node, previous, value);
            }
            if let Some(value) = self.value(value) {
                values.push(value);
            }
        }
        let bad_value = std::mem::take(&mut self.bad_value);
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => {
                    self.unexpected(child, None);
                }
                _ if child.is_missing() => self.missing(child, None, Some(&key)),
                _ => {}
            }
        }
        let last_token = (0..node.child_count())
            .rev()
            .filter_map(|i| node.child(i))
            .find(|c| c.kind() != "comment");
        if let Some(comma) = last_token.filter(|c| c.kind() == ",") {
            self.error(
                span(comma),
                "expected another value after `,`; remove the trailing comma",
            );
        }
        // When an error follows right after `key:`, that error is the message.
        let error_follows = next.is_some_and(|n| n.is_error());
        if values.is_empty() && !node.has_error() && !error_follows && !bad_value {
            self.error(
                key.span.cover(colon),
                format!("missing value after `{}:`", key.text),
            );
        }
        Field {
            broken: node.has_error()
                || error_follows
                || values.is_empty()
                || key_node.is_missing()
                || bad_value,
            key,
            colon,
            values,
            span: span(node),
        }
    }

    fn value(&mut self, node: Node) -> Option<Value> {
        if node.is_missing() {
            return None;
        }
        let text = self.text(node);
        let kind = match node.kind() {
            "string" | "multiline_string" => ValueKind::String(self.string(node)),
            "date" => ValueKind::Date(parse_date(text)),
            "duration" => ValueKind::Duration(self.duration(node)),
            "integer" => ValueKind::Integer(text.parse().ok()),
            "malformed" => {
                self.malformed(node);
                return None;
            }
            "percent" => ValueKind::Percent(text.trim_end_matches('%').parse().ok()),
            "person_reference" => {
                let name = node
                    .child_by_field_name("name")
                    .filter(|n| !n.is_missing())?;
                ValueKind::Person(self.name(name))
            }
            "reference" => {
                // `a # why` then `+ 1w` on the next line: a comment can sit inside a reference.
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    if child.kind() == "comment" {
                        self.file.comments.push(span(child));
                    }
                }
                let name = self.name(
                    node.child_by_field_name("name")
                        .filter(|n| !n.is_missing())?,
                );
                if let Some(minus) = node
                    .child_by_field_name("sign")
                    .filter(|sign| sign.kind() == "-")
                {
                    self.bad_value = true;
                    self.error(
                        span(minus),
                        format!(
                            "a lag is written with `+`, like `{} + 1w`: it is the time to wait \
                             after `{}` ends, never negative",
                            self.text(node.child_by_field_name("name")?),
                            self.text(node.child_by_field_name("name")?)
                        ),
                    );
                }
                let lag = match node.child_by_field_name("lag") {
                    Some(lag) if lag.kind() == "malformed" => {
                        self.malformed(lag);
                        None
                    }
                    Some(lag) if !lag.is_missing() => Some(Lag {
                        duration: self.duration(lag),
                        span: span(lag),
                    }),
                    _ => None,
                };
                ValueKind::Reference(Reference { name, lag })
            }
            _ => return None,
        };
        Some(Value {
            kind,
            span: span(node),
        })
    }

    /// A value that starts with a digit but is no date, duration, percentage or number: what is
    /// wrong with it, in the user's words.
    fn malformed(&mut self, node: Node) {
        self.bad_value = true;
        let message = malformed_message(self.text(node));
        self.error(span(node), message);
    }

    /// `@maria @bo`: two values with no `,` between them. Pointed at the second, which is where
    /// the comma is missing.
    fn missing_comma(&mut self, field: Node, previous: Node, value: Node) {
        let mut cursor = field.walk();
        let comma_between = field.children(&mut cursor).any(|child| {
            child.kind() == ","
                && child.start_byte() >= previous.end_byte()
                && child.end_byte() <= value.start_byte()
        });
        if !comma_between {
            let (before, after) = (self.text(previous), self.text(value));
            self.error(
                span(value),
                format!(
                    "missing `,` before `{after}`: the values of a list are separated by commas, \
                     like `{before}, {after}`"
                ),
            );
        }
    }

    fn name(&self, node: Node) -> Name {
        Name {
            text: self.text(node).to_string(),
            span: span(node),
        }
    }

    fn duration(&mut self, node: Node) -> Duration {
        let text = self.text(node);
        let (digits, unit) = text.split_at(text.len() - 1);
        let unit = if unit == "w" {
            DurationUnit::Weeks
        } else {
            DurationUnit::Days
        };
        let amount = digits.parse().unwrap_or_else(|_| {
            self.error(span(node), format!("the duration `{text}` is too long"));
            u32::MAX
        });
        Duration { amount, unit }
    }

    fn string(&mut self, node: Node) -> StringValue {
        let raw = self.text(node);
        if node.kind() == "multiline_string" {
            return StringValue {
                text: raw[3..raw.len() - 3].to_string(),
                span: span(node),
            };
        }
        let mut text = String::new();
        let mut end = node.end_byte();
        let mut cursor = node.walk();
        for part in node.children(&mut cursor) {
            match part.kind() {
                "string_content" => text.push_str(self.text(part)),
                "escape_sequence" => match unescape(self.text(part)) {
                    Some(c) => text.push(c),
                    None => {
                        let escape = self.text(part);
                        self.error(
                            span(part),
                            format!(
                                "unknown escape `{escape}` in a string; use `\\\"`, `\\\\`, `\\n` or `\\t`"
                            ),
                        );
                        text.push_str(escape);
                    }
                },
                // A line break ends an unterminated string; so does the end of the file or a
                // lone `\r`, where tree-sitter puts a missing `"` instead.
                "unterminated" => {
                    end = part.start_byte();
                    self.error(
                        Span::new(node.start_byte(), end),
                        "unterminated string: add a closing `\"` before the end of the line",
                    );
                }
                _ if part.is_missing() => {
                    end = part.start_byte();
                    self.error(
                        Span::new(node.start_byte(), end),
                        "unterminated string: add a closing `\"` before the end of the line",
                    );
                }
                _ => {}
            }
        }
        StringValue {
            text,
            span: Span::new(node.start_byte(), end),
        }
    }

    /// One message for an ERROR node, in the user's words. `item` is the item whose block the
    /// error is in (or the unclosed item just before it).
    /// Returns the tokens that broke, for a caller that reads them too.
    fn unexpected<'n>(&mut self, node: Node<'n>, item: Option<&Item>) -> Vec<Node<'n>> {
        // Only the tokens before the first item or field that recovery kept are the break.
        let mut tokens = Vec::new();
        self.leading_tokens(node, &mut tokens);
        let (Some(first), Some(last)) = (tokens.first().copied(), tokens.last().copied()) else {
            return tokens;
        };
        let mut broken = Span::new(first.start_byte(), last.end_byte());
        // An unclosed `"""` lexes as an empty string `""` and a stray `"`.
        let unclosed_triple = self.text[broken.start..].starts_with("\"\"\"")
            || (self.text[broken.start..].starts_with('"')
                && self.text[..broken.start].ends_with("\"\""));
        if unclosed_triple {
            let start = if self.text[broken.start..].starts_with("\"\"\"") {
                broken.start
            } else {
                broken.start - 2
            };
            let end = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i);
            broken = Span::new(start, end);
        }
        let line = self.line_of(broken.start);
        if self.last_unexpected_line == Some(line) {
            return tokens; // one break, one message: the rest of the line follows from the first
        }
        self.last_unexpected_line = Some(line);
        let text = |n: Node| &self.text[n.start_byte()..n.end_byte()];
        let first_text = text(first);
        let second_text = tokens.get(1).map(|&n| text(n));
        let where_ = item.map(|i| format!(" in {}", describe_item(i)));
        let message = if unclosed_triple {
            "unterminated `\"\"\"` string: close it with `\"\"\"`".to_string()
        } else if first_text == "}" {
            "unexpected `}`: there is no open block to close".to_string()
        } else if first_text == "," {
            "expected another value after `,`; remove the trailing comma".to_string()
        } else if first_text == "+" {
            "expected a lag after `+`, like `+ 1w` or `+ 3d`".to_string()
        } else if first_text == "@" {
            "expected a person's ID right after `@`, like `@ana`".to_string()
        } else if first_text.starts_with('-')
            && self.text[..broken.start].ends_with(|c: char| c.is_ascii_digit())
        {
            "dates are written YYYY-MM-DD, like `2027-01-04`".to_string()
        } else if is_word(first_text) && second_text == Some(":") && item.is_none() {
            format!("`{first_text}:` is outside any item; fields go inside an item's `{{ }}` block")
        } else if let Some(kind) =
            misspelled_kind(first_text).filter(|_| item.is_none() || second_text != Some(":"))
        {
            format!("`{first_text}` is not a kind of item; did you mean `{kind}`?")
        } else if is_word(first_text) && item.is_some() {
            format!("expected `:` after `{first_text}`; a field is written `{first_text}: value`")
        } else if is_word(first_text) {
            format!(
                "unexpected `{first_text}`: an item starts with one of program, team, person, initiative, milestone, risk"
            )
        } else {
            let snippet = first_line(&self.text[broken.start..broken.end]);
            match where_ {
                Some(where_) => format!(
                    "unexpected `{snippet}`{where_}: expected a field (`key: value`) or `}}`"
                ),
                None => format!(
                    "unexpected `{snippet}`: expected an item such as `initiative my_id {{ ... }}`"
                ),
            }
        };
        self.error(broken, message);
        tokens
    }

    /// The leaf tokens of an ERROR node up to the first item or field that recovery kept.
    fn leading_tokens<'n>(&mut self, node: Node<'n>, tokens: &mut Vec<Node<'n>>) -> bool {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "item" | "field" => return false,
                "comment" => self.file.comments.push(span(child)),
                _ if child.child_count() > 0 && (child.is_error() || child.kind() == "ERROR") => {
                    if !self.leading_tokens(child, tokens) {
                        return false;
                    }
                }
                _ if child.child_count() > 0 => {
                    // A partial node inside an error: its leaves are the text that broke.
                    let mut inner = child.walk();
                    let leaves: Vec<_> = child.children(&mut inner).collect();
                    for leaf in leaves {
                        if leaf.child_count() == 0 {
                            tokens.push(leaf);
                        }
                    }
                }
                _ => tokens.push(child),
            }
        }
        true
    }

    fn line_of(&mut self, offset: usize) -> usize {
        let text = self.text;
        self.lines
            .get_or_insert_with(|| LineIndex::new(text))
            .line(offset)
    }

    fn missing(&mut self, node: Node, item: Option<&Item>, key: Option<&Name>) {
        let what = node.kind();
        if what != "}" {
            let line = self.line_of(node.start_byte());
            if self.last_unexpected_line == Some(line) {
                return;
            }
            self.last_unexpected_line = Some(line);
        }
        let message = match (what, item, key) {
            ("}", Some(item), _) => format!("expected `}}` to close {}", describe_item(item)),
            (":", _, Some(key)) => format!(
                "expected `:` after `{}`; a field is written `{}: value`",
                key.text, key.text
            ),
            ("identifier", _, _) => "expected a name here".to_string(),
            _ => format!("expected `{what}` here"),
        };
        // A missing `:` is the key's problem: point at the key.
        let at = match (what, key) {
            (":", Some(key)) => key.span,
            _ => span(node),
        };
        self.error(at, message);
    }
}

/// The kind word a misspelled word most likely meant.
/// What is wrong with a token that starts with a digit but is no value: a date not written
/// YYYY-MM-DD, a duration that is not whole days or weeks, or something else.
fn malformed_message(text: &str) -> String {
    const DURATIONS: &str = "durations are whole days or weeks, like `10d` or `2w`";
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let numeric = |part: &&str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(numeric) {
        // Year first: the day and month are unambiguous, so the fix can be spelled out.
        return match (parts[0].len(), parts[1].len(), parts[2].len()) {
            (4, 1..=2, 1..=2) => format!(
                "`{text}` is not a date: a date is written YYYY-MM-DD, so `{}-{:0>2}-{:0>2}`",
                parts[0], parts[1], parts[2]
            ),
            (1..=2, 1..=2, 4) => format!(
                "`{text}` is not a date: a date is written YYYY-MM-DD, year first, like \
                 `2027-01-04`"
            ),
            _ => format!("`{text}` is not a date: a date is written YYYY-MM-DD, like `2027-01-04`"),
        };
    }
    if text.contains(['/', '-']) {
        return format!("`{text}` is not a date: a date is written YYYY-MM-DD, like `2027-01-04`");
    }
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    match (number.parse::<f64>(), unit) {
        (Ok(amount), "w") => format!(
            "`{text}` is not a duration: {DURATIONS}; {number} weeks is about `{}d`",
            (amount * 7.0).round()
        ),
        (Ok(amount), "d") => format!(
            "`{text}` is not a duration: {DURATIONS}; round it to `{}d`",
            amount.round().max(1.0)
        ),
        (Ok(_), unit) if !unit.is_empty() && unit.chars().all(|c| c.is_ascii_alphabetic()) => {
            format!("`{text}` is not a duration: {DURATIONS}; `{unit}` is not a unit")
        }
        _ => format!(
            "`{text}` is not a value: expected a date (`2027-01-04`), a duration (`10d`, `2w`), \
             a percentage (`40%`) or a number"
        ),
    }
}

fn misspelled_kind(word: &str) -> Option<Kind> {
    Kind::ALL
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(word, k.keyword()), k))
        .filter(|(distance, k)| {
            *distance > 0 && *distance <= 2 && k.keyword().len() > *distance + 2
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

fn describe_item(item: &Item) -> String {
    match &item.id {
        Some(id) => format!("{} `{}`", item.kind, id.text),
        None => format!("this {}", item.kind),
    }
}

fn is_word(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("");
    match line.char_indices().nth(40) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

fn unescape(escape: &str) -> Option<char> {
    match escape {
        "\\\"" => Some('"'),
        "\\\\" => Some('\\'),
        "\\n" => Some('\n'),
        "\\t" => Some('\t'),
        _ => None,
    }
}

fn parse_date(text: &str) -> DateValue {
    let mut parts = text.splitn(3, '-').map(|p| p.parse::<u32>().unwrap_or(0));
    let year = parts.next().unwrap_or(0) as i32;
    let month = parts.next().unwrap_or(0);
    let day = parts.next().unwrap_or(0);
    DateValue { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    /// The keys of the fields of the file's items, as the model holds them.
    fn keys(text: &str) -> Vec<Vec<(String, bool, usize)>> {
        parse(text)
            .items
            .iter()
            .map(|item| {
                item.fields
                    .iter()
                    .map(|f| (f.key.text.clone(), f.broken, f.values.len()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_natural_mistake_stays_inside_its_item() {
        let field = |key: &str, broken, values| (key.to_string(), broken, values);
        for (mistake, values) in [
            ("duration: 1.5w", 0),
            ("duration: 2m", 0),
            ("start: 2027/01/04", 0),
            ("depends_on: a - 1w", 1),
        ] {
            let text = format!("initiative x {{\n  {mistake}\n  owner: @ana\n  team: t\n}}\n");
            let key = mistake.split(':').next().unwrap();
            assert_eq!(
                keys(&text),
                vec![vec![
                    field(key, true, values),
                    field("owner", false, 1),
                    field("team", false, 1),
                ]],
                "{mistake}"
            );
            assert_eq!(parse(&text).errors.len(), 1, "{mistake}");
        }
        // A missing comma loses no value and breaks nothing.
        assert_eq!(
            keys("team t { members: @maria @bo  lead: @maria }\n"),
            vec![vec![field("members", false, 2), field("lead", false, 1)]]
        );
    }

    #[test]
    fn malformed_values_are_named_in_the_users_words() {
        for (text, message) in [
            ("1.5w", "1.5 weeks is about `11d`"),
            ("2m", "durations are whole days or weeks"),
            ("2027/1/4", "so `2027-01-04`"),
            ("4.1.2027", "year first"),
            ("2027-01-04T10", "a date is written YYYY-MM-DD"),
            ("12abc3", "is not a value"),
        ] {
            let got = malformed_message(text);
            assert!(got.contains(message), "{text}: {got}");
        }
    }
}
