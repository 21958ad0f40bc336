//! The formatter: one canonical layout, decided by the content and never by how the text was
//! laid out before, so formatting twice changes nothing.
//!
//! - an item with at most one field, no comment inside and a line of at most 100 columns is
//!   written on one line: `person dev_a "Ana Diaz" { team: payments }`; any other item's block
//!   has one field per line, indented by two spaces, and its `}` on a line of its own;
//! - single spaces between tokens: `key: a, b + 1w`, `@name`;
//! - a list longer than the line wraps, the rest indented by four spaces;
//! - items with a block of several lines are separated by one blank line; elsewhere a blank line
//!   the author left is kept, and runs of blank lines become one;
//! - every comment is kept where it was: at the end of the line it ended, or on its own line;
//! - a trailing comment set apart by more than one space keeps its column when the code before
//!   it leaves room, so a column of comments stays aligned; when the code grows past it, the
//!   comments of the lines around that shared the column move with it (one space otherwise);
//! - every comment is kept byte for byte, trailing spaces included;
//! - the file's line ending (the most used of `\n`, `\r\n` and `\r` outside strings, the first on
//!   a tie) is used throughout and the file ends with one; a byte order mark is kept.
//!
//! A file with syntax errors is not formatted: the model of a broken file may not hold every
//! character, and losing text is worse than leaving it untidy.

use super::{Item, PlanFile, Span, ValueKind};

// `format` returns `None` exactly when `first_syntax_error` names one: the two read the same
// fields of the model.

const WIDTH: usize = 100;
const BLOCK_INDENT: usize = 2;
const CONTINUATION_INDENT: usize = 4;

/// The formatted text, or `None` when the file has syntax errors.
pub fn format(text: &str, file: &PlanFile) -> Option<String> {
    if !file.errors.is_empty() || !file.stray_fields.is_empty() {
        return None;
    }
    let comments = &file.comments;
    let mut items: Vec<&Item> = file.items.iter().collect();
    items.sort_by_key(|item| item.span.start);

    let mut printer = Printer {
        text,
        comments,
        next_comment: 0,
        out: String::new(),
        newline: line_ending(text, file),
        pending: None,
        after_comment: false,
        prev_end: 0,
        trailing: Vec::new(),
        line_source: None,
    };
    // Whether the element printed last was an item, and if so whether it took several lines.
    let mut previous_item: Option<bool> = None;
    for item in items {
        if printer.comments_before(item.span.start, 0, true) {
            previous_item = None;
        }
        let single = single_line(text, comments, item);
        let separate =
            previous_item.is_some_and(|previous_single| !(previous_single && single.is_some()));
        let blank = separate || has_blank_line(&text[printer.prev_end..item.span.start]);
        printer.line(0, blank);
        if let Some(line) = &single {
            printer.line_source = Some(item.span.start);
            printer.push(line);
            printer.prev_end = item.span.end;
            // The one-line form has no comment inside, so none is skipped here.
        } else {
            printer.item(item);
        }
        previous_item = Some(single.is_some());
    }
    printer.comments_before(usize::MAX, 0, true);
    align_trailing_comments(&mut printer.out, &printer.trailing);
    if !printer.out.is_empty() {
        printer.out.push_str(printer.newline);
    }
    // A byte order mark is the file's business, not the layout's: it stays.
    if text.starts_with(BOM) {
        printer.out.insert(0, BOM);
    }
    Some(printer.out)
}

const BOM: char = '\u{feff}';

/// The file's line ending: the most used of `\n`, `\r\n` and a lone `\r`, the first one on a tie
/// (`\n` in a file of one line). Line breaks inside strings are the string's content, not the
/// file's style, so they do not count: counting them could flip the style once formatting has
/// joined or split the lines around them, and formatting twice would then change the file.
fn line_ending(text: &str, file: &PlanFile) -> &'static str {
    let mut strings: Vec<Span> = file.string_spans().collect();
    strings.sort_by_key(|s| s.start);
    // (count, first position) for `\n`, `\r\n` and `\r`.
    let mut seen = [(0usize, usize::MAX); 3];
    let mut count = |style: usize, at: usize| {
        seen[style].0 += 1;
        seen[style].1 = seen[style].1.min(at);
    };
    let mut position = 0;
    for string in strings.iter().chain([&Span::new(text.len(), text.len())]) {
        let end = string.start.max(position);
        let bytes = &text.as_bytes()[position..end];
        for (i, &byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' if i > 0 && bytes[i - 1] == b'\r' => {}
                b'\n' => count(0, position + i),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => count(1, position + i),
                b'\r' => count(2, position + i),
                _ => {}
            }
        }
        position = string.end.max(position);
    }
    let best = (0..3)
        .max_by_key(|&style| (seen[style].0, std::cmp::Reverse(seen[style].1)))
        .filter(|&style| seen[style].0 > 0)
        .unwrap_or(0);
    ["\n", "\r\n", "\r"][best]
}

/// Why `file` is not formatted: its first syntax error (in text order), or `None` when it can be.
pub fn first_syntax_error(file: &PlanFile) -> Option<(Span, String)> {
    if let Some(error) = file
        .errors
        .iter()
        .min_by_key(|e| (e.span.start, e.span.end))
    {
        return Some((error.span, error.message.clone()));
    }
    file.stray_fields.first().map(|field| {
        let message = format!("`{}:` is outside any item", field.key.text);
        (field.span, message)
    })
}

/// Parses and formats `text`; `None` when it has syntax errors.
pub fn format_text(text: &str) -> Option<String> {
    format(text, &super::parse(text))
}

/// A line break the printer will write before the next text.
#[derive(Clone, Copy)]
struct Break {
    indent: usize,
    blank: bool,
}

struct Printer<'a> {
    text: &'a str,
    /// Every comment, in order; each is printed exactly once.
    comments: &'a [Span],
    next_comment: usize,
    out: String,
    newline: &'static str,
    pending: Option<Break>,
    /// The current line ends with a comment, so nothing more may go on it.
    after_comment: bool,
    /// The end, in the source, of what was printed last.
    prev_end: usize,
    /// Every comment printed at the end of a line, in order.
    trailing: Vec<Trailing>,
    /// Where, in the source, the code of the current output line starts.
    line_source: Option<usize>,
}

/// A comment printed at the end of a line of code.
struct Trailing {
    /// Where the comment starts in the output, after the one space before it.
    at: usize,
    /// The column it had in the source, when more than one space set it apart there: the author
    /// placed it, so it keeps that column.
    column: Option<usize>,
}

impl Printer<'_> {
    /// Asks for a line break before the next text, with a blank line when `blank`.
    fn line(&mut self, indent: usize, blank: bool) {
        let blank = blank || self.pending.is_some_and(|b| b.blank);
        self.pending = Some(Break { indent, blank });
    }

    fn push(&mut self, text: &str) {
        if let Some(pending) = self.pending.take() {
            if !self.out.is_empty() {
                self.out.push_str(self.newline);
                if pending.blank {
                    self.out.push_str(self.newline);
                }
            }
            self.out.extend(std::iter::repeat_n(' ', pending.indent));
            self.after_comment = false;
        }
        self.out.push_str(text);
    }

    fn column(&self) -> usize {
        let line_start = self.out.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        self.out[line_start..].chars().count()
    }

    /// Prints the comments that start before `position`: at the end of the current line when
    /// the source had it there, else on a line of its own. Returns whether it printed any.
    fn comments_before(&mut self, position: usize, indent: usize, allow_blank: bool) -> bool {
        let mut printed = false;
        while let Some(&comment) = self
            .comments
            .get(self.next_comment)
            .filter(|c| c.start < position)
        {
            self.next_comment += 1;
            let between = &self.text[self.prev_end.min(comment.start)..comment.start];
            // Byte for byte, trailing spaces included: a comment is the author's text.
            let body = &self.text[comment.start..comment.end];
            if self.pending.is_none() && !self.out.is_empty() && !has_line_break(between) {
                self.push(" ");
                let gap = between.len() - between.trim_end_matches([' ', '\t']).len();
                // The column counts only on a line laid out as in the source: its code starts
                // the source line the comment ends, not an item reflowed around it.
                let same_line = self.line_source.is_some_and(|start| {
                    let line_start = self.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                    self.text[line_start..start].trim().is_empty()
                        && self
                            .text
                            .get(start..comment.start)
                            .is_some_and(|between| !has_line_break(between))
                });
                self.trailing.push(Trailing {
                    at: self.out.len(),
                    column: (gap > 1 && same_line).then(|| column_of(self.text, comment.start)),
                });
                self.push(body);
            } else {
                self.line(indent, allow_blank && has_blank_line(between));
                self.push(body);
            }
            self.after_comment = true;
            self.prev_end = comment.end;
            printed = true;
        }
        printed
    }

    /// Prints one token written at `span`: comments before it first; on the same line after
    /// `separator` unless a comment ended the line, then on the next line at `indent`.
    fn token(&mut self, span: Span, text: &str, separator: &str, indent: usize) {
        self.comments_before(span.start, indent, false);
        if self.after_comment && self.pending.is_none() {
            self.line(indent, false);
        }
        if self.pending.is_some() || self.out.is_empty() {
            self.line_source = Some(span.start);
        }
        if self.pending.is_none() {
            self.push(separator);
        }
        self.push(text);
        self.prev_end = self.prev_end.max(span.end);
    }

    fn source(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    fn item(&mut self, item: &Item) {
        self.token(item.kind_span, item.kind.keyword(), "", CONTINUATION_INDENT);
        if let Some(id) = &item.id {
            self.token(id.span, &id.text, " ", CONTINUATION_INDENT);
        }
        if let Some(title) = &item.title {
            let title_text = self.source(title.span).to_string();
            self.token(title.span, &title_text, " ", CONTINUATION_INDENT);
        }
        let Some(body) = &item.body else {
            return;
        };
        self.token(body.open, "{", " ", CONTINUATION_INDENT);
        let mut first = true;
        for field in &item.fields {
            self.comments_before(field.span.start, BLOCK_INDENT, !first);
            let blank = !first && has_blank_line(&self.text[self.prev_end..field.span.start]);
            self.line(BLOCK_INDENT, blank);
            self.field(field);
            first = false;
        }
        let close = body
            .close
            .expect("a file without syntax errors closes every block");
        self.comments_before(close.start, BLOCK_INDENT, !first);
        self.line(0, false);
        self.token(close, "}", "", 0);
    }

    fn field(&mut self, field: &super::Field) {
        self.token(
            field.key.span,
            &format!("{}:", field.key.text),
            "",
            CONTINUATION_INDENT,
        );
        let last = field.values.len().saturating_sub(1);
        for (index, value) in field.values.iter().enumerate() {
            let (head_span, head, lag) = match &value.kind {
                ValueKind::Person(name) => (value.span, format!("@{}", name.text), None),
                ValueKind::Reference(reference) => (
                    reference.name.span,
                    reference.name.text.clone(),
                    reference.lag.as_ref(),
                ),
                _ => (value.span, self.source(value.span).to_string(), None),
            };
            let lag_text = lag.map(|lag| format!("+ {}", self.source(lag.span)));
            let comma = if index < last { "," } else { "" };
            // Wrap a list that would run past the width, keeping a value and its lag together.
            let width = head.chars().count()
                + lag_text.as_ref().map_or(0, |l| l.chars().count() + 1)
                + comma.len();
            let has_comment = self
                .comments
                .get(self.next_comment)
                .is_some_and(|c| c.start < head_span.start);
            if index > 0 && !has_comment && self.column() + 1 + width > WIDTH {
                self.line(CONTINUATION_INDENT, false);
            }
            self.token(head_span, &head, " ", CONTINUATION_INDENT);
            if let (Some(lag), Some(lag_text)) = (lag, lag_text) {
                self.token(lag.span, &lag_text, " ", CONTINUATION_INDENT);
            }
            if !comma.is_empty() {
                self.push(comma);
            }
        }
    }
}

/// The item on one line, when it has at most one field, no comment inside, and fits.
fn single_line(text: &str, comments: &[Span], item: &Item) -> Option<String> {
    item.body.as_ref()?;
    let comment_inside = comments
        .iter()
        .any(|c| item.span.start <= c.start && c.start < item.span.end);
    if item.fields.len() > 1 || comment_inside {
        return None;
    }
    let mut line = item.kind.keyword().to_string();
    if let Some(id) = &item.id {
        line.push(' ');
        line.push_str(&id.text);
    }
    if let Some(title) = &item.title {
        line.push(' ');
        line.push_str(&text[title.span.start..title.span.end]);
    }
    match item.fields.first() {
        None => line.push_str(" {}"),
        Some(field) => {
            line.push_str(" { ");
            line.push_str(&field.key.text);
            line.push(':');
            for (index, value) in field.values.iter().enumerate() {
                line.push_str(if index == 0 { " " } else { ", " });
                match &value.kind {
                    ValueKind::Person(name) => {
                        line.push('@');
                        line.push_str(&name.text);
                    }
                    ValueKind::Reference(reference) => {
                        line.push_str(&reference.name.text);
                        if let Some(lag) = &reference.lag {
                            line.push_str(" + ");
                            line.push_str(&text[lag.span.start..lag.span.end]);
                        }
                    }
                    _ => line.push_str(&text[value.span.start..value.span.end]),
                }
            }
            line.push_str(" }");
        }
    }
    let fits = !line.contains('\n') && !line.contains('\r') && line.chars().count() <= WIDTH;
    fits.then_some(line)
}

/// The column (in characters, from 0) of byte `offset` on its line.
fn column_of(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

/// Moves each trailing comment that had a column of its own in the source to that column, when
/// the code before it leaves room. The comments of adjacent lines that shared a column form a
/// run and all take the farthest column any of them needs, so that they stay aligned when one
/// line's code grew past the column.
fn align_trailing_comments(out: &mut String, trailing: &[Trailing]) {
    // (line, column now, wanted column) of each comment that has one.
    let mut placed: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut line = 0;
    let mut scanned = 0;
    for comment in trailing {
        let Some(wanted) = comment.column else {
            continue;
        };
        let before = &out[scanned..comment.at];
        line += before.matches(['\n', '\r']).count() - before.matches("\r\n").count();
        scanned = comment.at;
        placed.push((comment.at, line, column_of(out, comment.at), wanted));
    }
    let mut targets = vec![0; placed.len()];
    let mut start = 0;
    while start < placed.len() {
        let (_, first_line, _, wanted) = placed[start];
        let mut end = start + 1;
        while end < placed.len()
            && placed[end].1 == first_line + (end - start)
            && placed[end].3 == wanted
        {
            end += 1;
        }
        let target = placed[start..end]
            .iter()
            .map(|&(_, _, now, wanted)| now.max(wanted))
            .max()
            .unwrap_or(wanted);
        targets[start..end].fill(target);
        start = end;
    }
    // From the end, so that the offsets before each insertion still hold.
    for (&(at, _, now, _), &target) in placed.iter().zip(&targets).rev() {
        if target > now {
            out.insert_str(at, &" ".repeat(target - now));
        }
    }
}

fn has_line_break(text: &str) -> bool {
    text.contains(['\n', '\r'])
}

/// Whether `text` (white space between two tokens) holds an empty line.
fn has_blank_line(text: &str) -> bool {
    let breaks =
        text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    breaks >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn fmt(text: &str) -> String {
        format_text(text).expect("no syntax errors")
    }

    #[test]
    fn the_spec_example_keeps_its_layout_but_for_spacing() {
        // (The trailing comment set apart by three spaces keeps its column.)
        let source = include_str!("../../tests/fixtures/spec_example.plan");
        let formatted = fmt(source);
        assert_eq!(fmt(&formatted), formatted);
        assert!(formatted.contains("person dev_b \"Bo Chen\" { team: payments }\n"));
        assert!(formatted.contains(
            "  depends_on: vault_upgrade + 1w, identity.sso   # a lag, then a reference to a missing item\n"
        ));
    }

    #[test]
    fn one_canonical_layout() {
        let source = "# header\n\n\n\nteam   payments \"Payments\"{lead:@maria members : @a,@b\n\n\n channel:\"#pay\"}\nperson a \"A\"{team:payments}\nperson b \"B\"{\n  team: payments\n}\ninitiative x{depends_on:a+1w,b}";
        let expected = "# header\n\nteam payments \"Payments\" {\n  lead: @maria\n  members: @a, @b\n\n  channel: \"#pay\"\n}\n\nperson a \"A\" { team: payments }\nperson b \"B\" { team: payments }\ninitiative x { depends_on: a + 1w, b }\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn a_column_of_trailing_comments_stays_aligned() {
        // Set apart by more than one space: each keeps its column, however the code moved.
        let source = "initiative a {\n  owner:@a         # who\n  duration:   3w   # how long\n}\n\n\
                      milestone m {\n  date: 2027-01-04  # lone, far out\n  requires: a # one space\n}\n";
        let expected = "initiative a {\n  owner: @a        # who\n  duration: 3w     # how long\n}\n\n\
                        milestone m {\n  date: 2027-01-04  # lone, far out\n  requires: a # one space\n}\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
        // When one line's code grows past the column, the lines that shared it move with it.
        let source = "initiative a {\n  owner: @a       # one\n  depends_on:b,c  # two\n  duration: 1w    # three\n}\n";
        let expected = "initiative a {\n  owner: @a        # one\n  depends_on: b, c # two\n  duration: 1w     # three\n}\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn comments_stay_where_they_were() {
        let source = "team t { # trailing the brace\n  # own line\n  lead: @a # after lead\n  members: @a, # after a comma\n   @b\n  # before the close\n} # after the close\n# last\n";
        let expected = "team t { # trailing the brace\n  # own line\n  lead: @a # after lead\n  members: @a, # after a comma\n    @b\n  # before the close\n} # after the close\n# last\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn odd_comment_places_are_kept() {
        let source = "initiative # c1\n x # c2\n \"T\" { depends_on: a # c3\n + 1w }";
        let formatted = fmt(source);
        assert_eq!(fmt(&formatted), formatted);
        for comment in ["# c1", "# c2", "# c3"] {
            assert!(formatted.contains(comment), "{formatted}");
        }
        assert!(parse(&formatted).errors.is_empty());
    }

    #[test]
    fn long_lists_wrap() {
        let names: Vec<String> = (0..30).map(|i| format!("dependency_{i}")).collect();
        let source = format!(
            "initiative x {{\n  owner: @a\n  depends_on: {}\n}}\n",
            names.join(", ")
        );
        let formatted = fmt(&source);
        assert!(
            formatted.lines().all(|line| line.chars().count() <= WIDTH),
            "{formatted}"
        );
        assert!(formatted.contains(",\n    dependency_"));
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn crlf_files_stay_crlf_and_multiline_strings_are_untouched() {
        let source =
            "team t {\r\n  description: \"\"\"line one\r\n   line two\"\"\"\r\n  lead: @a\r\n}\r\n";
        let formatted = fmt(source);
        assert_eq!(formatted, source);
    }

    #[test]
    fn mixed_line_endings_take_the_dominant_style() {
        // Two `\r\n` against one `\n`: the file is a CRLF file with one stray line ending.
        let source = "person a \"A\" {}\ninitiative x \"X\" { owner: @a\r\n duration: 1w }\r\n";
        let expected =
            "person a \"A\" {}\r\n\r\ninitiative x \"X\" {\r\n  owner: @a\r\n  duration: 1w\r\n}\r\n";
        assert_eq!(fmt(source), expected);
        assert_eq!(fmt(expected), expected);
        // On a tie the first line ending wins; a lone `\r` is a style too.
        assert_eq!(
            fmt("person a {}\r\nperson b {}\n"),
            "person a {}\r\nperson b {}\r\n"
        );
        assert_eq!(
            fmt("person a {}\nperson b {}\r\n"),
            "person a {}\nperson b {}\n"
        );
        assert_eq!(
            fmt("person a {}\rperson b {}\r"),
            "person a {}\rperson b {}\r"
        );
    }

    #[test]
    fn line_breaks_inside_strings_do_not_choose_the_style() {
        // The string's three `\r\n` are its content; the file's own line endings are `\n`.
        let source = "team t {\n  description: \"\"\"a\r\nb\r\nc\r\nd\"\"\"\n}\n";
        assert_eq!(fmt(source), source);
    }

    #[test]
    fn comments_are_kept_byte_for_byte() {
        let source = "# c  \nperson a {} # x \t\r\n#\t\n";
        assert_eq!(fmt(source), "# c  \nperson a {} # x \t\n#\t\n");
    }

    #[test]
    fn a_byte_order_mark_is_kept() {
        assert_eq!(fmt("\u{feff}person a  {}\n"), "\u{feff}person a {}\n");
        assert_eq!(fmt("\u{feff}# c\n"), "\u{feff}# c\n");
        assert_eq!(fmt("\u{feff}"), "\u{feff}");
        assert_eq!(fmt("person a {}\n"), "person a {}\n");
    }

    #[test]
    fn a_file_with_syntax_errors_is_not_formatted() {
        assert_eq!(format_text("team t { lead: }"), None);
        assert_eq!(format_text("team t { lead @a }"), None);
        assert_eq!(format_text("initiative { }"), None);
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n  \n"), "");
        assert_eq!(
            fmt("# only\n\n\n# comments   \n"),
            "# only\n\n# comments   \n"
        );
    }

    mod properties {
        use super::*;
        use crate::syntax::PlanFile;
        use proptest::prelude::*;

        fn value() -> impl Strategy<Value = Vec<&'static str>> {
            prop_oneof![
                Just(vec!["\"Text with \\\"escapes\\\" and # no comment\""]),
                Just(vec!["2027-01-04"]),
                Just(vec!["3w"]),
                Just(vec!["40%"]),
                Just(vec!["12"]),
                Just(vec!["@ana"]),
                Just(vec!["vault"]),
                Just(vec!["identity.sso"]),
                Just(vec!["vault", "+", "2d"]),
                Just(vec!["\"\"\"two\n   lines\"\"\""]),
            ]
        }

        fn field() -> impl Strategy<Value = Vec<&'static str>> {
            let key = prop_oneof![
                Just("owner"),
                Just("depends_on"),
                Just("team"),
                Just("x-key")
            ];
            (key, prop::collection::vec(value(), 1..4)).prop_map(|(key, values)| {
                let mut tokens = vec![key, ":"];
                for (i, value) in values.into_iter().enumerate() {
                    if i > 0 {
                        tokens.push(",");
                    }
                    tokens.extend(value);
                }
                tokens
            })
        }

        fn item() -> impl Strategy<Value = Vec<&'static str>> {
            let kind = prop_oneof![
                Just("initiative"),
                Just("team"),
                Just("person"),
                Just("risk")
            ];
            let id = prop_oneof![Just("a"), Just("b_2"), Just("c.d-e")];
            let title = prop_oneof![Just(None), Just(Some("\"Title\"")), Just(Some("\"😀 字\""))];
            let body = prop_oneof![
                Just(None),
                prop::collection::vec(field(), 0..4).prop_map(Some)
            ];
            (kind, id, title, body).prop_map(|(kind, id, title, body)| {
                let mut tokens = vec![kind, id];
                tokens.extend(title);
                if let Some(fields) = body {
                    tokens.push("{");
                    tokens.extend(fields.into_iter().flatten());
                    tokens.push("}");
                }
                tokens
            })
        }

        fn separator() -> impl Strategy<Value = &'static str> {
            prop_oneof![
                6 => Just(" "),
                2 => Just("\n  "),
                1 => Just("\n\n\n"),
                1 => Just(" # trailing \t\n"),
                1 => Just("\n# own line\n\n"),
                1 => Just("\t\r\n"),
            ]
        }

        fn file() -> impl Strategy<Value = String> {
            prop::collection::vec(item(), 0..5)
                .prop_flat_map(|items| {
                    let tokens: Vec<&'static str> = items.into_iter().flatten().collect();
                    let count = tokens.len();
                    (Just(tokens), prop::collection::vec(separator(), count + 1))
                })
                .prop_map(|(tokens, separators)| {
                    let mut text = separators[0].to_string();
                    for (token, separator) in tokens.iter().zip(&separators[1..]) {
                        text.push_str(token);
                        text.push_str(separator);
                    }
                    text
                })
        }

        /// The comments' text, in order, found by scanning the text rather than through the
        /// model: in a file without syntax errors, a `#` outside a string starts a comment.
        fn comment_texts(text: &str) -> Vec<String> {
            let file = parse(text);
            let strings: Vec<Span> = file.string_spans().collect();
            let mut comments = Vec::new();
            let mut position = 0;
            while let Some(found) = text[position..].find('#') {
                let at = position + found;
                if let Some(string) = strings.iter().find(|s| s.start <= at && at < s.end) {
                    position = string.end;
                    continue;
                }
                let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
                comments.push(text[at..end].to_string());
                position = end;
            }
            comments
        }

        /// The comments the lowering recorded, which the formatter prints.
        fn model_comment_texts(text: &str) -> Vec<String> {
            parse(text)
                .comments
                .iter()
                .map(|c| text[c.start..c.end].to_string())
                .collect()
        }

        /// What the file says, without where it says it.
        fn meaning(text: &str, file: &PlanFile) -> Vec<String> {
            let mut items: Vec<_> = file.items.iter().collect();
            items.sort_by_key(|i| i.span.start);
            items
                .iter()
                .map(|item| {
                    let mut line = format!(
                        "{} {:?} {:?} {}",
                        item.kind,
                        item.id.as_ref().map(|id| &id.text),
                        item.title.as_ref().map(|t| &t.text),
                        item.body.is_some()
                    );
                    for field in &item.fields {
                        line.push_str(&format!(" | {}:", field.key.text));
                        for value in &field.values {
                            match &value.kind {
                                ValueKind::Reference(r) => line.push_str(&format!(
                                    " {}{:?}",
                                    r.name.text,
                                    r.lag.as_ref().map(|l| &text[l.span.start..l.span.end])
                                )),
                                ValueKind::String(s) => line.push_str(&format!(" {:?}", s.text)),
                                ValueKind::Person(name) => {
                                    line.push_str(&format!(" @{}", name.text))
                                }
                                ValueKind::Date(date) => line.push_str(&format!(" {date}")),
                                ValueKind::Duration(d) => line.push_str(&format!(" {d}")),
                                ValueKind::Integer(n) => line.push_str(&format!(" {n:?}")),
                                ValueKind::Percent(n) => line.push_str(&format!(" {n:?}%")),
                            }
                        }
                    }
                    line
                })
                .collect()
        }

        proptest! {
            #[test]
            fn formatting_is_idempotent_and_keeps_meaning_and_comments(text in file()) {
                let parsed = parse(&text);
                prop_assume!(parsed.errors.is_empty());
                let formatted = format(&text, &parsed).expect("no syntax errors");
                let reparsed = parse(&formatted);
                prop_assert!(reparsed.errors.is_empty(), "{formatted}\n{:?}", reparsed.errors);
                prop_assert_eq!(meaning(&text, &parsed), meaning(&formatted, &reparsed));
                prop_assert_eq!(model_comment_texts(&text), comment_texts(&text));
                prop_assert_eq!(comment_texts(&text), comment_texts(&formatted));
                prop_assert_eq!(format(&formatted, &reparsed), Some(formatted.clone()));
            }
        }
    }
}
