//! Diagnostics: the one place where every code of the language is defined.

use std::fmt;

use crate::analysis::workspace::FileId;
use crate::syntax::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(word: &str) -> Option<Severity> {
        match word {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as users see and configure it: `unresolved-reference`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// When the diagnostic is reported, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            pub fn parse(name: &str) -> Option<Code> {
                match name {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    SyntaxError => "syntax-error", Error, "the text does not parse; says what was expected";
    DuplicateDefinition => "duplicate-definition", Error, "an ID is defined twice in the workspace, or a second program is defined (reported on each later definition, the first is related)";
    UnresolvedReference => "unresolved-reference", Error, "a reference names nothing; suggests the closest ID (\"did you mean\")";
    WrongKind => "wrong-kind", Error, "a reference names an item of the wrong kind (a team in `depends_on`)";
    DependencyCycle => "dependency-cycle", Error, "depends_on/requires form a cycle; the message spells out the whole cycle, a -> b -> c -> a";
    SelfDependency => "self-dependency", Error, "an item depends on itself";
    UnknownField => "unknown-field", Warning, "a key the kind does not take; suggests the closest key";
    DuplicateField => "duplicate-field", Error, "a key given twice in one item (reported on the repeat, the first is related)";
    InvalidValue => "invalid-value", Error, "a value of the wrong type, a date that does not exist, an unknown enum word, progress over 100%, a duration or lag over 100 years";
    MissingField => "missing-field", Error, "a required field is absent (a milestone's date)";
    InconsistentDates => "inconsistent-dates", Error, "end before start, or start, end and duration disagree";
    MissingOwner => "missing-owner", Warning, "an initiative or risk without an `owner` field (an owner that names nobody is an unresolved-reference only)";
    ScheduleConflict => "schedule-conflict", Warning, "a given start is earlier than a dependency's forecast end allows";
    MilestoneAtRisk => "milestone-at-risk", Warning, "the forecast of what a milestone requires ends after its date; names the critical path and the slip in days";
    ProgramEndAtRisk => "program-end-at-risk", Warning, "forecast work ends after the program's end";
    DependsOnCancelled => "depends-on-cancelled", Warning, "a dependency on a cancelled item";
    DoneBeforeDependency => "done-before-dependency", Warning, "an item is done while something it depends on is not";
    Overdue => "overdue", Warning, "an item's end or date is before today and it is not done or cancelled";
    HealthMismatch => "health-mismatch", Warning, "health is green while the forecast is late, an upstream item is blocked or a part is amber or red";
    UnmitigatedRisk => "unmitigated-risk", Warning, "an open risk of score 8 or more without mitigation";
    BlockedUpstream => "blocked-upstream", Hint, "an item transitively depends on a blocked item (once per item, naming the nearest blocked item)";
    MissingLead => "missing-lead", Warning, "a team without a `lead`";
    MissingTeam => "missing-team", Warning, "an initiative without a `team`";
    UnownedMilestone => "unowned-milestone", Warning, "a milestone without an `owner`";
    UnscoredRisk => "unscored-risk", Warning, "a live risk without a `likelihood` or an `impact`, so it has no score";
    ReviewOverdue => "review-overdue", Warning, "a live risk whose `review` date is before today";
    NotStarted => "not-started", Warning, "`planned` work whose `start` is before today";
    ContainerDates => "container-dates", Warning, "an initiative with parts gives its own `start`, `end` or `duration`, which are ignored: its dates come from its parts";
    OwnerOverloaded => "owner-overloaded", Warning, "a person owns three or more open initiatives forecast to run at the same time; says how many and when";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Another place that explains a diagnostic: the first definition, the rest of a cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A text replacement in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub new_text: String,
}

/// A quick fix: a title for the editor and the edits that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: FileId,
    pub span: Span,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
    /// The numbers and IDs the message states in words, for tools.
    pub data: Data,
}

/// The facts a message states, so tools need not parse words: `check --format json` writes them
/// as its `data` object (README.md, "JSON output"). Each is set only by the codes that say it;
/// dates are `YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Data {
    /// milestone-at-risk: days past the milestone's date; program-end-at-risk: days past the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip_days: Option<i64>,
    /// health-mismatch: days late for the committed date that sets the item's latest finish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_days: Option<i64>,
    /// schedule-conflict: how many days later than its own date the item can start (or end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_days: Option<i64>,
    /// milestone-at-risk: the milestone's forecast; program-end-at-risk: the last forecast end;
    /// schedule-conflict: the earliest start (or end) the dependencies allow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<String>,
    /// milestone-at-risk: the IDs of its critical path, first to last, ending with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical_path: Option<Vec<String>>,
    /// dependency-cycle: the IDs of the cycle, as the message spells it, the first repeated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Vec<String>>,
    /// The items named: program-end-at-risk, the work that ends last; schedule-conflict, the
    /// dependency that allows the latest start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
    /// unresolved-reference: the ID it probably meant; inconsistent-dates: the duration start
    /// and end make (`17d`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// unmitigated-risk: likelihood x impact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            file,
            span,
            severity: code.default_severity(),
            code,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
            data: Data::default(),
        }
    }

    /// Sets the facts the message states.
    pub fn with_data(mut self, data: Data) -> Self {
        self.data = data;
        self
    }

    pub fn with_related(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    /// Whether a related place or a fix's edit lies in one of `files`: then an edit there can
    /// move what this diagnostic points at.
    pub fn points_into(&self, files: &crate::analysis::FileSet) -> bool {
        self.related.iter().any(|r| files.contains(r.file))
            || self
                .fixes
                .iter()
                .flat_map(|f| &f.edits)
                .any(|e| files.contains(e.file))
    }
}
