//! Lowering a tree-sitter tree into the typed model, and syntax errors into messages a person can act on.
//!
//! This is the only module that knows the grammar's node kinds.

use tree_sitter::{Node, Tree};

use super::model::*;

pub(super) fn lower(tree: &Tree, text: &str) -> PlanFile {
    let mut lowerer = Lowerer {
        text,
        file: PlanFile::default(),
    };
    lowerer.top_level(tree.root_node());
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
        for child in node.children(&mut cursor) {
            match child.kind() {
                "item" => {
                    if let Some(item) = self.item(child) {
                        self.file.items.push(item);
                    }
                }
                "field" => {
                    let field = self.field(child);
                    self.error(
                        field.key.span,
                        format!(
                            "`{}:` is outside any item; fields go inside an item's `{{ }}` block",
                            field.key.text
                        ),
                    );
                    self.file.stray_fields.push(field);
                }
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => {
                    self.unexpected(child, None);
                    self.top_level(child);
                }
                _ if child.is_missing() => self.missing(child, None),
                _ => {}
            }
        }
    }

    fn item(&mut self, node: Node) -> Option<Item> {
        let kind_node = node
            .child_by_field_name("kind")
            .expect("an item starts with its kind");
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
                _ if child.is_missing() => self.missing(child, Some(&item)),
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
        for child in node.children(&mut cursor) {
            match child.kind() {
                "field" => fields.push(self.field(child)),
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => {
                    self.unexpected(child, Some(item));
                    self.block_fields(child, item, fields);
                }
                "item" => {
                    // An item that error recovery put inside a block is still an item.
                    if let Some(nested) = self.item(child) {
                        self.file.items.push(nested);
                    }
                }
                _ if child.is_missing() => self.missing(child, Some(item)),
                _ => {}
            }
        }
    }

    fn field(&mut self, node: Node) -> Field {
        let key_node = node
            .child_by_field_name("key")
            .expect("a field starts with its key");
        let key = self.name(key_node);
        let colon = (0..node.child_count())
            .filter_map(|i| node.child(i))
            .find(|c| c.kind() == ":")
            .map(span)
            .unwrap_or(Span::new(key.span.end, key.span.end));
        let mut values = Vec::new();
        let mut cursor = node.walk();
        for value in node.children_by_field_name("value", &mut cursor) {
            if let Some(value) = self.value(value) {
                values.push(value);
            }
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "comment" => self.file.comments.push(span(child)),
                "ERROR" => self.unexpected(child, None),
                _ if child.is_missing() => self.missing(child, None),
                _ => {}
            }
        }
        if values.is_empty() && !node.has_error() {
            self.error(
                key.span.cover(colon),
                format!("missing value after `{}:`", key.text),
            );
        }
        Field {
            key,
            colon,
            values,
            span: span(node),
        }
    }

    fn value(&mut self, node: Node) -> Option<Value> {
        let text = self.text(node);
        let kind = match node.kind() {
            "string" | "multiline_string" => ValueKind::String(self.string(node)),
            "date" => ValueKind::Date(parse_date(text)),
            "duration" => ValueKind::Duration(self.duration(node)),
            "integer" => ValueKind::Integer(text.parse().ok()),
            "percent" => ValueKind::Percent(text.trim_end_matches('%').parse().ok()),
            "person_reference" => {
                let name = node.child_by_field_name("name")?;
                ValueKind::Person(self.name(name))
            }
            "reference" => {
                let name = self.name(node.child_by_field_name("name")?);
                let lag = node.child_by_field_name("lag").map(|lag| Lag {
                    duration: self.duration(lag),
                    span: span(lag),
                });
                ValueKind::Reference(Reference { name, lag })
            }
            _ => return None,
        };
        Some(Value {
            kind,
            span: span(node),
        })
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
                "unterminated" => {
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

    /// One message for an ERROR node, in the user's words.
    fn unexpected(&mut self, node: Node, item: Option<&Item>) {
        // Only the tokens before the first item or field that recovery kept are the break.
        let mut end = node.start_byte();
        let mut first_token = None;
        let mut second_token = None;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if matches!(child.kind(), "item" | "field") {
                break;
            }
            if child.kind() == "comment" {
                self.file.comments.push(span(child));
                continue;
            }
            end = child.end_byte();
            if first_token.is_none() {
                first_token = Some(child);
            } else if second_token.is_none() {
                second_token = Some(child);
            }
        }
        let Some(first) = first_token else { return };
        let broken = Span::new(node.start_byte(), end);
        let first_text = self.text(first);
        let message = if first.kind() == "}" || first_text == "}" {
            "unexpected `}`: there is no open block to close".to_string()
        } else if is_word(first_text)
            && second_token.is_some_and(|n| !matches!(self.text(n), ":" | "{"))
        {
            if item.is_some() {
                format!(
                    "expected `:` after `{first_text}`; a field is written `{first_text}: value`"
                )
            } else {
                format!(
                    "unexpected `{}`: expected an item such as `initiative my_id {{ ... }}`",
                    first_line(self.text.get(broken.start..broken.end).unwrap_or(""))
                )
            }
        } else if is_word(first_text) && item.is_some() {
            format!("expected `:` after `{first_text}`; a field is written `{first_text}: value`")
        } else if item.is_some() {
            format!(
                "unexpected `{}` in {}: expected a field such as `owner: @name`",
                first_line(self.text(first)),
                describe_item(item.expect("checked"))
            )
        } else {
            format!(
                "unexpected `{}`: expected an item (program, team, person, initiative, milestone, risk) or a field",
                first_line(self.text(first))
            )
        };
        self.error(broken, message);
    }

    fn missing(&mut self, node: Node, item: Option<&Item>) {
        let what = node.kind();
        let message = match (what, item) {
            ("}", Some(item)) => format!("expected `}}` to close {}", describe_item(item)),
            _ => format!("expected `{what}` here"),
        };
        self.error(span(node), message);
    }
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
