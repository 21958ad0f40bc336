//! What each item's fields mean: every value checked against the schema's type for its key,
//! references resolved. The validation reports the [`ValueIssue`]s; the graph, schedule and risk
//! read the [`Facts`], which hold only the values that made sense.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::analysis::index::{Index, ItemId};
use crate::analysis::schema::{self, ValueType, LEVELS};
use crate::analysis::workspace::{FileId, Workspace};
use crate::syntax::{Duration, Kind, Span, Value, ValueKind};

/// A value that made sense for its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    Date(NaiveDate),
    /// A duration in calendar days (a week is 7) and in working days (a week is 5).
    Days(i64, i64),
    Percent(i64),
    Text(String),
    /// An enum word, as spelled in the schema.
    Word(&'static str),
    /// A likelihood or impact, 1 to 5.
    Level(u8),
    /// A resolved reference of an accepted kind, with its lag in calendar days (0 without one)
    /// and in working days (a week is 5), which a working-days program counts.
    Item {
        id: ItemId,
        lag_days: i64,
        lag_working_days: i64,
    },
}

/// Why a value did not make sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `invalid-value`; `replacement` is the obvious fix, when there is one.
    Invalid {
        message: String,
        replacement: Option<String>,
    },
    /// `unresolved-reference`; `suggestion` is the closest ID of an accepted kind.
    Unresolved {
        name: String,
        suggestion: Option<String>,
    },
    /// `wrong-kind`: the name resolves, but to an item the field does not accept.
    WrongKind {
        name: String,
        found: ItemId,
        expected: &'static [Kind],
    },
}

/// A problem with one value, at its exact span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueIssue {
    /// The item the value is written in.
    pub item: ItemId,
    pub file: FileId,
    pub span: Span,
    pub key: String,
    pub problem: Problem,
}

/// One field's values that made sense, each with its span.
pub type TypedValues = Vec<(Typed, Span)>;

/// The facts of one item: for each known key, its first occurrence's values that made sense.
#[derive(Clone, Debug, Default)]
pub struct ItemFacts {
    /// In text order; an item has a handful of fields, so a list beats a hash map for every
    /// pass that reads them.
    fields: Vec<(&'static str, Span, TypedValues)>,
}

/// A small map from the schema's keys, in insertion order.
trait Fields {
    fn field(&self, key: &str) -> Option<(&Span, &TypedValues)>;
    fn contains_key(&self, key: &str) -> bool {
        self.field(key).is_some()
    }
}

impl Fields for Vec<(&'static str, Span, TypedValues)> {
    fn field(&self, key: &str) -> Option<(&Span, &TypedValues)> {
        self.iter()
            .find(|(k, _, _)| std::ptr::eq(*k, key) || *k == key)
            .map(|(_, span, values)| (span, values))
    }
}

impl ItemFacts {
    pub fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// The span of the field's key.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.fields.field(key).map(|(span, _)| *span)
    }

    pub fn values(&self, key: &str) -> &[(Typed, Span)] {
        self.fields
            .field(key)
            .map_or(&[], |(_, values)| values.as_slice())
    }

    fn first(&self, key: &str) -> Option<&(Typed, Span)> {
        self.values(key).first()
    }

    pub fn date(&self, key: &str) -> Option<(NaiveDate, Span)> {
        match self.first(key)? {
            (Typed::Date(d), span) => Some((*d, *span)),
            _ => None,
        }
    }

    pub fn days(&self, key: &str) -> Option<(i64, Span)> {
        match self.first(key)? {
            (Typed::Days(d, _), span) => Some((*d, *span)),
            _ => None,
        }
    }

    /// A duration counted in working days: `1w` is 5.
    pub fn working_days(&self, key: &str) -> Option<(i64, Span)> {
        match self.first(key)? {
            (Typed::Days(_, d), span) => Some((*d, *span)),
            _ => None,
        }
    }

    pub fn percent(&self, key: &str) -> Option<i64> {
        match self.first(key)? {
            (Typed::Percent(p), _) => Some(*p),
            _ => None,
        }
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.first(key)? {
            (Typed::Text(t), _) => Some(t),
            _ => None,
        }
    }

    pub fn word(&self, key: &str) -> Option<&'static str> {
        match self.first(key)? {
            (Typed::Word(w), _) => Some(w),
            _ => None,
        }
    }

    pub fn level(&self, key: &str) -> Option<u8> {
        match self.first(key)? {
            (Typed::Level(l), _) => Some(*l),
            _ => None,
        }
    }

    /// The first resolved reference of a single-valued field (`owner`, `team`, `lead`).
    pub fn item(&self, key: &str) -> Option<ItemId> {
        self.items(key).next().map(|(id, _, _)| id)
    }

    /// Every resolved reference of a field, with its lag in days and the reference's span.
    pub fn items<'a>(&'a self, key: &str) -> impl Iterator<Item = (ItemId, i64, Span)> + 'a {
        self.values(key)
            .iter()
            .filter_map(|(typed, span)| match typed {
                Typed::Item { id, lag_days, .. } => Some((*id, *lag_days, *span)),
                _ => None,
            })
    }

    /// Every resolved reference of a field with its lag in working days (a week is 5).
    pub fn working_lags<'a>(&'a self, key: &str) -> impl Iterator<Item = i64> + 'a {
        self.values(key)
            .iter()
            .filter_map(|(typed, _)| match typed {
                Typed::Item {
                    lag_working_days, ..
                } => Some(*lag_working_days),
                _ => None,
            })
    }
}

/// One file's facts: those of its items, in order, and the problems with their values.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    items: Vec<ItemFacts>,
    pub issues: Vec<ValueIssue>,
}

impl FileFacts {
    /// Interprets every known field of every item of `file` with an ID.
    pub fn build(workspace: &Workspace, index: &Index, file: FileId) -> FileFacts {
        let mut out = FileFacts::default();
        for i in index.items_in(file) {
            let info = index.item(i);
            let item = &workspace.file(info.file).syntax.items[info.index_in_file];
            let mut item_facts = ItemFacts::default();
            for field in &item.fields {
                let Some(spec) = schema::field_spec(item.kind, &field.key.text) else {
                    continue;
                };
                if item_facts.fields.contains_key(spec.key) {
                    continue; // a duplicate field: the first one counts
                }
                if field.broken {
                    // Its syntax error is the report; the key counts as given.
                    item_facts
                        .fields
                        .push((spec.key, field.key.span, Vec::new()));
                    continue;
                }
                let mut typed = Vec::new();
                for (n, value) in field.values.iter().enumerate() {
                    if n > 0 && !spec.list {
                        out.issues.push(ValueIssue {
                            item: i,
                            file: info.file,
                            span: value.span,
                            key: spec.key.to_string(),
                            problem: Problem::Invalid {
                                message: format!(
                                    "`{}` takes one value; remove this one or put it in its own item",
                                    spec.key
                                ),
                                replacement: None,
                            },
                        });
                        continue;
                    }
                    match interpret(spec.key, value, spec.value, index) {
                        Ok(t) => typed.push((t, value_span(value))),
                        Err((span, problem)) => out.issues.push(ValueIssue {
                            item: i,
                            file: info.file,
                            span,
                            key: spec.key.to_string(),
                            problem,
                        }),
                    }
                }
                item_facts.fields.push((spec.key, field.key.span, typed));
            }
            out.items.push(item_facts);
        }
        out
    }

    /// Whether the two files' items mean the same to the graph, the forecast and risk: the same
    /// keys with the same values, wherever they are written (text is left out: no computation
    /// across items reads it). With `keys`, only those keys are compared.
    pub fn same_meaning(&self, other: &FileFacts, keys: Option<&[&str]>) -> bool {
        self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.same_meaning(b, keys))
    }
}

impl ItemFacts {
    fn same_meaning(&self, other: &ItemFacts, keys: Option<&[&str]>) -> bool {
        let same_values = |a: &TypedValues, b: &TypedValues| {
            a.len() == b.len()
                && a.iter().zip(b).all(|((x, _), (y, _))| match (x, y) {
                    (Typed::Text(_), Typed::Text(_)) => true,
                    _ => x == y,
                })
        };
        if let Some(keys) = keys {
            return keys.iter().all(|key| {
                match (self.fields.field(key), other.fields.field(key)) {
                    (None, None) => true,
                    (Some((_, ours)), Some((_, theirs))) => same_values(ours, theirs),
                    _ => false,
                }
            });
        }
        self.fields.len() == other.fields.len()
            && self.fields.iter().all(|(key, _, values)| {
                other
                    .fields
                    .field(key)
                    .is_some_and(|(_, theirs)| same_values(values, theirs))
            })
    }
}

/// The facts of every item, by [`ItemId`], kept by file like the [`Index`].
#[derive(Clone, Debug, Default)]
pub struct Facts {
    files: Vec<Arc<FileFacts>>,
    located: Arc<Vec<(u32, u32)>>,
}

impl Facts {
    /// Interprets every known field of every item with an ID.
    pub fn build(workspace: &Workspace, index: &Index) -> Facts {
        let ids: Vec<FileId> = workspace.file_ids().collect();
        let files = workspace.map_files(&ids, |&file| {
            Arc::new(FileFacts::build(workspace, index, file))
        });
        Facts {
            files,
            located: index.located().clone(),
        }
    }

    /// These facts with some files' facts replaced, for an index with the same definitions.
    pub fn with_files(
        &self,
        replaced: impl IntoIterator<Item = (FileId, Arc<FileFacts>)>,
    ) -> Facts {
        let mut files = self.files.clone();
        for (file, facts) in replaced {
            files[file.0] = facts;
        }
        Facts {
            files,
            located: self.located.clone(),
        }
    }

    pub fn file(&self, file: FileId) -> &Arc<FileFacts> {
        &self.files[file.0]
    }

    /// Every value issue, file by file.
    pub fn issues(&self) -> impl Iterator<Item = &ValueIssue> + '_ {
        self.files.iter().flat_map(|f| f.issues.iter())
    }

    pub fn of(&self, item: ItemId) -> &ItemFacts {
        let (file, n) = self.located[item.0];
        &self.files[file as usize].items[n as usize]
    }
}

/// The span a typed value is known by: for a reference, its name (without the `@` or lag).
fn value_span(value: &Value) -> Span {
    match &value.kind {
        ValueKind::Person(name) => name.span,
        ValueKind::Reference(r) => r.name.span,
        _ => value.span,
    }
}

/// The longest duration or lag that is scheduled: 100 years of 365.25 days. Anything longer is a
/// typo (`99999999d`), and would push the forecast past the calendar's end without a word.
pub const MAX_DAYS: i64 = 36_525;

/// The message for a duration or lag over [`MAX_DAYS`]; `what` is the key in backquotes or
/// `a lag`.
fn too_long(what: &str, duration: Duration) -> String {
    let what = if what.starts_with("a ") {
        what.to_string()
    } else {
        format!("`{what}`")
    };
    format!("`{duration}` is too long to schedule: {what} is at most 100 years (`{MAX_DAYS}d`)")
}

fn invalid(span: Span, message: String) -> Result<Typed, (Span, Problem)> {
    Err((
        span,
        Problem::Invalid {
            message,
            replacement: None,
        },
    ))
}

/// Checks one value against its field's type.
pub fn interpret(
    key: &str,
    value: &Value,
    ty: ValueType,
    index: &Index,
) -> Result<Typed, (Span, Problem)> {
    let wrong_type = || {
        invalid(
            value.span,
            format!(
                "`{key}` takes {}, not {}",
                ty.describe(),
                value.kind.describe()
            ),
        )
    };
    match (ty, &value.kind) {
        (ValueType::Date, ValueKind::Date(d)) => {
            match NaiveDate::from_ymd_opt(d.year, d.month, d.day) {
                Some(date) => Ok(Typed::Date(date)),
                None => invalid(value.span, date_problem(d.year, d.month, d.day)),
            }
        }
        (ValueType::Duration, ValueKind::Duration(d)) if d.days() == 0 => invalid(
            value.span,
            format!("`{key}` is at least `1d`; a date that takes no time is a milestone"),
        ),
        (ValueType::Duration, ValueKind::Duration(d)) if d.days() > MAX_DAYS => {
            invalid(value.span, too_long(key, *d))
        }
        (ValueType::Duration, ValueKind::Duration(d)) => {
            Ok(Typed::Days(d.days(), d.working_days()))
        }
        (ValueType::Percent, ValueKind::Percent(p)) => match p {
            Some(p @ 0..=100) => Ok(Typed::Percent(*p)),
            _ => invalid(value.span, format!("`{key}` goes from 0% to 100%")),
        },
        // `progress: 40` means 40%: the fix is obvious.
        (ValueType::Percent, ValueKind::Integer(Some(n @ 0..=100))) => Err((
            value.span,
            Problem::Invalid {
                message: format!("`{key}` is a percentage: write `{n}%`"),
                replacement: Some(format!("{n}%")),
            },
        )),
        (ValueType::Text, ValueKind::String(s)) => Ok(Typed::Text(s.text.clone())),
        (ValueType::Enum(words), ValueKind::Reference(r)) if r.lag.is_none() => {
            match words.iter().find(|w| **w == r.name.text) {
                Some(word) => Ok(Typed::Word(word)),
                None => Err((value.span, unknown_word(key, &r.name.text, words))),
            }
        }
        (ValueType::Level, ValueKind::Reference(r)) if r.lag.is_none() => {
            match schema::level_score(&r.name.text) {
                Some(score) => Ok(Typed::Level(score)),
                None => Err((value.span, unknown_word(key, &r.name.text, LEVELS))),
            }
        }
        (ValueType::Level, ValueKind::Integer(n)) => match n {
            Some(n @ 1..=5) => Ok(Typed::Level(*n as u8)),
            _ => invalid(
                value.span,
                format!("`{key}` goes from 1 to 5 (or `very_low` to `very_high`)"),
            ),
        },
        (
            ValueType::Person | ValueType::Team | ValueType::Initiative | ValueType::Work { .. },
            ValueKind::Person(name),
        ) => resolve(key, ty, &name.text, name.span, true, (0, 0), index),
        (
            ValueType::Person | ValueType::Team | ValueType::Initiative | ValueType::Work { .. },
            ValueKind::Reference(r),
        ) => {
            let lag = match (&r.lag, ty) {
                (Some(lag), ValueType::Work { lag: true }) if lag.duration.days() > MAX_DAYS => {
                    return invalid(lag.span, too_long("a lag", lag.duration));
                }
                (Some(lag), ValueType::Work { lag: true }) => {
                    (lag.duration.days(), lag.duration.working_days())
                }
                (Some(lag), _) => {
                    return invalid(
                        lag.span,
                        format!(
                            "`{key}` takes no lag; a lag belongs in `depends_on` or `requires`"
                        ),
                    )
                }
                (None, _) => (0, 0),
            };
            resolve(key, ty, &r.name.text, r.name.span, false, lag, index)
        }
        _ => wrong_type(),
    }
}

/// Resolves a name used in a reference field and checks its kind and its `@`.
fn resolve(
    key: &str,
    ty: ValueType,
    name: &str,
    span: Span,
    written_as_person: bool,
    (lag_days, lag_working_days): (i64, i64),
    index: &Index,
) -> Result<Typed, (Span, Problem)> {
    let expected = ty.reference_kinds();
    let Some(id) = index.lookup(name) else {
        let suggestion = index.suggestion(name, expected);
        return Err((
            span,
            Problem::Unresolved {
                name: name.to_string(),
                suggestion,
            },
        ));
    };
    let found = index.item(id).kind;
    if !expected.contains(&found) {
        return Err((
            span,
            Problem::WrongKind {
                name: name.to_string(),
                found: id,
                expected,
            },
        ));
    }
    let wants_person = ty == ValueType::Person;
    if wants_person != written_as_person {
        let (message, replacement) = if wants_person {
            (
                format!("write a person with `@`: `{key}: @{name}`"),
                format!("@{name}"),
            )
        } else {
            (
                format!("`@` marks a person; write `{key}: {name}`"),
                name.to_string(),
            )
        };
        // The span covers the `@` too, so that the fix replaces it.
        let span = if written_as_person {
            Span::new(span.start - 1, span.end)
        } else {
            span
        };
        return Err((
            span,
            Problem::Invalid {
                message,
                replacement: Some(replacement),
            },
        ));
    }
    Ok(Typed::Item {
        id,
        lag_days,
        lag_working_days,
    })
}

fn unknown_word(key: &str, word: &str, words: &'static [&'static str]) -> Problem {
    let suggestion = closest(word, words.iter().copied());
    let choices = ValueType::Enum(words).describe();
    let message = match &suggestion {
        Some(s) => format!(
            "`{word}` is not {}; did you mean `{s}`? ({choices})",
            a(key)
        ),
        None => format!("`{word}` is not {}; use {choices}", a(key)),
    };
    Problem::Invalid {
        message,
        replacement: suggestion,
    }
}

/// A word with its indefinite article: "a status", "an impact".
fn a(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

fn date_problem(year: i32, month: u32, day: u32) -> String {
    let written = format!("{year:04}-{month:02}-{day:02}");
    if !(1..=12).contains(&month) {
        return format!("{written} is not a date: there is no month {month}");
    }
    let days = days_in_month(year, month);
    let month_name = NaiveDate::from_ymd_opt(year, month, 1)
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_else(|| format!("month {month}"));
    if day == 0 || day > days {
        format!("{written} is not a date: {month_name} has {days} days")
    } else {
        format!("{written} is not a date")
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 31,
    }
}

/// The candidate closest to `word` by edit distance, when close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = |c: &str| (word.len().max(c.len()) / 3).max(1);
    candidates
        // The distance is at least the difference in length: skip the hopeless cheaply.
        .filter(|c| word.len().abs_diff(c.len()) <= limit(c))
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(distance, c)| *distance <= limit(c) && *distance > 0)
        .min()
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_ignores_strangers() {
        let names = ["tokenization", "vault_upgrade", "beta"];
        assert_eq!(
            closest("tokenisation", names.into_iter()),
            Some("tokenization".into())
        );
        assert_eq!(
            closest("vault_upgrad", names.into_iter()),
            Some("vault_upgrade".into())
        );
        assert_eq!(closest("identity.sso", names.into_iter()), None);
    }

    #[test]
    fn a_date_that_does_not_exist_says_why() {
        assert_eq!(
            date_problem(2027, 2, 30),
            "2027-02-30 is not a date: February 2027 has 28 days"
        );
        assert_eq!(
            date_problem(2028, 2, 30),
            "2028-02-30 is not a date: February 2028 has 29 days"
        );
        assert_eq!(
            date_problem(2027, 13, 1),
            "2027-13-01 is not a date: there is no month 13"
        );
    }
}
