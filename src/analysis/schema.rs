//! The one table of the language's kinds and fields. Validation, completion, hover and the
//! language reference are derived from it, so adding a field is a one-line change here.

use crate::syntax::Kind;

/// What a field's values must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// `@name`, naming a person.
    Person,
    /// A reference to a team.
    Team,
    /// A reference to an initiative (the `parent` of a work breakdown).
    Initiative,
    /// References to initiatives or milestones; `lag` says whether `x + 1w` is allowed.
    Work {
        lag: bool,
    },
    Date,
    Duration,
    Percent,
    Text,
    /// One of a fixed set of words.
    Enum(&'static [&'static str]),
    /// `very_low` to `very_high`, or 1 to 5.
    Level,
}

impl ValueType {
    /// The kinds a reference in this field may name; empty for values that are not references.
    pub fn reference_kinds(self) -> &'static [Kind] {
        match self {
            ValueType::Person => &[Kind::Person],
            ValueType::Team => &[Kind::Team],
            ValueType::Initiative => &[Kind::Initiative],
            ValueType::Work { .. } => &[Kind::Initiative, Kind::Milestone],
            _ => &[],
        }
    }

    /// What the field expects, in the user's words: "a date like 2027-01-04".
    pub fn describe(self) -> String {
        match self {
            ValueType::Person => "a person, written `@name`".into(),
            ValueType::Team => "a team ID".into(),
            ValueType::Initiative => "an initiative ID".into(),
            ValueType::Work { lag: true } => {
                "initiative or milestone IDs, each with an optional lag like `+ 1w`".into()
            }
            ValueType::Work { lag: false } => "initiative or milestone IDs".into(),
            ValueType::Date => "a date like `2027-01-04`".into(),
            ValueType::Duration => "a duration like `10d` or `6w`".into(),
            ValueType::Percent => "a percentage from `0%` to `100%`".into(),
            ValueType::Text => "a string in double quotes".into(),
            ValueType::Enum(words) => format!("one of {}", quoted_list(words)),
            ValueType::Level => format!("one of {}, or 1 to 5", quoted_list(LEVELS)),
        }
    }
}

fn quoted_list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One key a kind accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub value: ValueType,
    /// Whether a comma list of several values is allowed.
    pub list: bool,
    pub required: bool,
    pub description: &'static str,
}

/// One kind: what it is and the keys it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindSpec {
    pub kind: Kind,
    pub description: &'static str,
    pub fields: &'static [FieldSpec],
}

pub const INITIATIVE_STATUSES: &[&str] =
    &["planned", "in_progress", "blocked", "done", "cancelled"];
pub const MILESTONE_STATUSES: &[&str] = &["planned", "done", "cancelled"];
pub const RISK_STATUSES: &[&str] = &["open", "mitigating", "accepted", "closed"];
pub const HEALTHS: &[&str] = &["green", "amber", "red"];
/// What a program's durations and lags count (docs/schedule.md, "Working days").
pub const CALENDARS: &[&str] = &["calendar_days", "working_days"];
/// Likelihood and impact words; their score is their position, 1 to 5.
pub const LEVELS: &[&str] = &["very_low", "low", "medium", "high", "very_high"];

const fn field(key: &'static str, value: ValueType, description: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        value,
        list: false,
        required: false,
        description,
    }
}

const fn list(key: &'static str, value: ValueType, description: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        value,
        list: true,
        required: false,
        description,
    }
}

const fn required(key: &'static str, value: ValueType, description: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        value,
        list: false,
        required: true,
        description,
    }
}

use ValueType::*;

pub const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: Kind::Program,
        description: "The program: the initiative-spanning effort this workspace plans. At most one per workspace.",
        fields: &[
            field("owner", Person, "The person accountable for the program."),
            field("start", Date, "The default start for work with neither a start nor a dependency."),
            field("end", Date, "The target end date of the program."),
            field("calendar", Enum(CALENDARS), "What durations and lags count: `calendar_days` (the default) or `working_days`, Monday to Friday without the `holidays`."),
            list("holidays", Date, "Days off that working days skip, such as `2027-05-31`."),
            field("description", Text, "What the program is for."),
        ],
    },
    KindSpec {
        kind: Kind::Team,
        description: "A team that owns work. The title is its display name.",
        fields: &[
            field("lead", Person, "The person who leads the team."),
            list("members", Person, "The people on the team."),
            field("channel", Text, "Where to reach the team, such as a chat channel."),
            field("description", Text, "What the team does."),
        ],
    },
    KindSpec {
        kind: Kind::Person,
        description: "A person who owns or does work. The title is the person's display name.",
        fields: &[
            field("team", Team, "The team the person belongs to."),
            field("email", Text, "The person's email address."),
            field("role", Text, "The person's role, such as \"Technical program manager\"."),
        ],
    },
    KindSpec {
        kind: Kind::Initiative,
        description: "A piece of work with an owner, a schedule and dependencies.",
        fields: &[
            field("owner", Person, "The one accountable owner."),
            field("team", Team, "The team doing the work."),
            field("status", Enum(INITIATIVE_STATUSES), "Where the work stands; `planned` when not given."),
            field("health", Enum(HEALTHS), "The health the owner reports."),
            field("start", Date, "The first day of work."),
            field("end", Date, "The last day of work, inclusive."),
            field("duration", Duration, "How long the work takes, in days (`d`) or weeks (`w`): calendar days, or working days (a week is 5) when the program says `calendar: working_days`."),
            field("progress", Percent, "How much of the work is done, 0% to 100%."),
            list("depends_on", Work { lag: true }, "Work that must finish before this starts (finish-to-start), each with an optional lag."),
            field("description", Text, "What the work is."),
            field("link", Text, "A link to the work's ticket or document."),
            field("parent", Initiative, "The initiative this one is part of (a work breakdown): the parent's dates, progress and health roll up from its parts, and its `depends_on` hold for each part."),
        ],
    },
    KindSpec {
        kind: Kind::Milestone,
        description: "A committed date that work leads up to.",
        fields: &[
            required("date", Date, "The committed date."),
            field("owner", Person, "The person accountable for the date."),
            list("requires", Work { lag: true }, "Work that must finish by the date, each with an optional lag."),
            field("status", Enum(MILESTONE_STATUSES), "Whether the milestone is reached; `planned` when not given."),
            field("description", Text, "What the milestone marks."),
        ],
    },
    KindSpec {
        kind: Kind::Risk,
        description: "Something that may go wrong, scored likelihood x impact.",
        fields: &[
            field("owner", Person, "The person who owns the risk."),
            field("likelihood", Level, "How likely the risk is: `very_low` to `very_high`, or 1 to 5."),
            field("impact", Level, "How bad it would be: `very_low` to `very_high`, or 1 to 5."),
            list("affects", Work { lag: false }, "The initiatives and milestones the risk threatens."),
            field("status", Enum(RISK_STATUSES), "Where the risk stands; `open` when not given."),
            field("mitigation", Text, "What is being done about the risk."),
            field("description", Text, "What the risk is."),
            field("review", Date, "When the risk is next looked at."),
        ],
    },
];

/// The spec of a kind.
pub fn kind_spec(kind: Kind) -> &'static KindSpec {
    KINDS
        .iter()
        .find(|spec| spec.kind == kind)
        .expect("every kind has a row in the table")
}

/// The spec of `key` in `kind`, if the kind accepts it.
pub fn field_spec(kind: Kind, key: &str) -> Option<&'static FieldSpec> {
    kind_spec(kind).fields.iter().find(|f| f.key == key)
}

/// The score of a level word (`very_low` is 1, `very_high` is 5).
pub fn level_score(word: &str) -> Option<u8> {
    LEVELS.iter().position(|w| *w == word).map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_row_and_unique_keys() {
        for kind in Kind::ALL {
            let spec = kind_spec(kind);
            let mut keys: Vec<_> = spec.fields.iter().map(|f| f.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), spec.fields.len(), "{kind} repeats a key");
        }
        assert_eq!(KINDS.len(), Kind::ALL.len());
    }

    #[test]
    fn only_a_milestone_date_is_required() {
        let required: Vec<_> = KINDS
            .iter()
            .flat_map(|k| {
                k.fields
                    .iter()
                    .filter(|f| f.required)
                    .map(move |f| (k.kind, f.key))
            })
            .collect();
        assert_eq!(required, vec![(Kind::Milestone, "date")]);
    }

    #[test]
    fn levels_score_one_to_five() {
        assert_eq!(level_score("very_low"), Some(1));
        assert_eq!(level_score("very_high"), Some(5));
        assert_eq!(level_score("huge"), None);
    }
}
