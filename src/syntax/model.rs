//! The typed model of one plan file: items, fields and values, each with its byte span.
//!
//! Later layers use this model only; they never look at tree-sitter node kinds.

use std::fmt;

/// A half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// Whether `offset` lies inside the span; the end counts, so a cursor just after a name is on it.
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// The six kinds of item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Program,
    Team,
    Person,
    Initiative,
    Milestone,
    Risk,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Program,
        Kind::Team,
        Kind::Person,
        Kind::Initiative,
        Kind::Milestone,
        Kind::Risk,
    ];

    /// The keyword as written in a file.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Program => "program",
            Kind::Team => "team",
            Kind::Person => "person",
            Kind::Initiative => "initiative",
            Kind::Milestone => "milestone",
            Kind::Risk => "risk",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.keyword() == word)
    }

    /// The kind with an article, for messages: "an initiative", "a team".
    pub fn with_article(self) -> &'static str {
        match self {
            Kind::Program => "a program",
            Kind::Team => "a team",
            Kind::Person => "a person",
            Kind::Initiative => "an initiative",
            Kind::Milestone => "a milestone",
            Kind::Risk => "a risk",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A name as written, with its span (for a person reference, the span leaves out the `@`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// One parsed `.plan` file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanFile {
    pub items: Vec<Item>,
    /// Fields written outside any item; they are syntax errors, kept so nothing is lost.
    pub stray_fields: Vec<Field>,
    pub comments: Vec<Span>,
    pub errors: Vec<SyntaxError>,
}

impl PlanFile {
    /// The spans of every string (titles and string values), in file order: a `#` inside one is
    /// text, not a comment.
    pub fn string_spans(&self) -> impl Iterator<Item = Span> + Clone + '_ {
        self.items.iter().flat_map(|item| {
            item.title.iter().map(|t| t.span).chain(
                item.fields
                    .iter()
                    .flat_map(|f| &f.values)
                    .filter(|v| matches!(v.kind, ValueKind::String(_)))
                    .map(|v| v.span),
            )
        })
    }
}

/// `KIND ID [TITLE] [{ FIELD* }]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: Kind,
    pub kind_span: Span,
    /// `None` when the ID is missing (a syntax error).
    pub id: Option<Name>,
    pub title: Option<StringValue>,
    pub fields: Vec<Field>,
    /// The `{ ... }` block, when there is one; its end is the `}` or, when unclosed, the last field.
    pub body: Option<Block>,
    /// The whole item, from the kind word to the end of its block.
    pub span: Span,
}

impl Item {
    /// The span that names the item: its ID, else its kind word.
    pub fn name_span(&self) -> Span {
        self.id.as_ref().map_or(self.kind_span, |id| id.span)
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.text == key)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub open: Span,
    /// `None` when the block was left unclosed.
    pub close: Option<Span>,
    pub span: Span,
}

/// `KEY ":" VALUE ("," VALUE)*`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub key: Name,
    pub colon: Span,
    /// Empty when the value is missing (a syntax error).
    pub values: Vec<Value>,
    pub span: Span,
    /// The field has a syntax error (no `:`, no value, a broken value): that error is the one
    /// report about it, so the analysis counts the key as given but checks nothing else.
    pub broken: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    String(StringValue),
    /// As written; whether the day exists is the analysis's question.
    Date(DateValue),
    Duration(Duration),
    /// `None` when the digits overflow.
    Integer(Option<i64>),
    Percent(Option<i64>),
    /// `@name`: the name's span leaves out the `@`.
    Person(Name),
    /// An identifier, with an optional lag (`x + 1w`).
    Reference(Reference),
}

impl ValueKind {
    /// What the value is, in the user's words: "a date", "a person (@name)".
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::String(_) => "a string",
            ValueKind::Date(_) => "a date",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Integer(_) => "a number",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Person(_) => "a person reference",
            ValueKind::Reference(_) => "a reference",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StringValue {
    /// The text with escapes decoded.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateValue {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    Days,
    Weeks,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
}

impl Duration {
    /// Calendar days; a week is 7 days. Saturates rather than overflowing.
    pub fn days(self) -> i64 {
        match self.unit {
            DurationUnit::Days => i64::from(self.amount),
            DurationUnit::Weeks => i64::from(self.amount) * 7,
        }
    }

    /// Working days, as a working-days program counts them: a week is 5.
    pub fn working_days(self) -> i64 {
        match self.unit {
            DurationUnit::Days => i64::from(self.amount),
            DurationUnit::Weeks => i64::from(self.amount) * 5,
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            DurationUnit::Days => 'd',
            DurationUnit::Weeks => 'w',
        };
        write!(f, "{}{}", self.amount, unit)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub name: Name,
    pub lag: Option<Lag>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lag {
    pub duration: Duration,
    pub span: Span,
}

/// A syntax error with the exact span and a message in the user's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}
