//! Generated workspaces of any size, for benchmarks and tests: what `planls generate` writes.
//!
//! The shape is that of a real program: one program file, teams of people, and the work of each
//! team in files of its own, in streams of initiatives where each waits for the one before (some
//! with a lag), some also for work elsewhere (fan-in, often across files), with milestones
//! requiring the ends of streams and risks on the work. Statuses follow the calendar: work that
//! ends before [`today`] is done, work under way on it is in progress, later work is planned;
//! some is blocked and a little cancelled.
//!
//! The generator runs its own forward pass as it goes, so it only ever adds a dependency that
//! ends in time, and it dates each milestone and the program end after what they wait for.
//! With `unresolved_percent` at 0 the check reports no error and no warning, only the
//! `blocked-upstream` hints of the work that waits for blocked work. A share of references can
//! name a missing ID instead (a misspelling of the real one): exactly `unresolved_percent` of
//! them, rounded, each one `unresolved-reference` error.
//!
//! The output depends only on [`Params`]: the random numbers come from a seeded
//! `fastrand::Rng` of a pinned version, read only as `u32` and `u64`, so the files are the same
//! on every platform.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// How many initiatives, exactly; at least 1.
    pub initiatives: usize,
    /// How many files, exactly, the program file included; at least 1. With one file everything
    /// is in `program.plan`; files beyond the work there is hold only comments.
    pub files: usize,
    pub seed: u64,
    /// The share of references, in percent (0 to 100), that name a missing ID.
    pub unresolved_percent: f64,
}

impl Params {
    /// `initiatives` in the default number of files (one per 100 initiatives, plus the program
    /// file), seed 1, no unresolved reference.
    pub fn new(initiatives: usize) -> Params {
        Params {
            initiatives,
            files: default_files(initiatives),
            seed: 1,
            unresolved_percent: 0.0,
        }
    }
}

/// The default number of files for `initiatives`: the program file and one per 100 initiatives.
pub fn default_files(initiatives: usize) -> usize {
    1 + initiatives.div_ceil(100)
}

/// How much of each thing was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub bytes: usize,
    pub teams: usize,
    pub people: usize,
    pub initiatives: usize,
    pub milestones: usize,
    pub risks: usize,
    /// Every reference: `@person` values and references to items.
    pub references: usize,
    /// The references that name a missing ID.
    pub unresolved: usize,
}

/// The files, as `(relative path with / separators, text)` in path order, and what they hold.
#[derive(Clone, Debug)]
pub struct Generated {
    pub files: Vec<(String, String)>,
    pub summary: Summary,
}

/// The date the plans are written for: the `--today` that the project's examples and CI use.
/// Statuses are right for this day; a check with another `today` reports `overdue` work.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).expect("a real date")
}

/// The program's start, four months before [`today`].
pub fn program_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 7).expect("a real date")
}

/// The generated files only.
pub fn workspace(params: &Params) -> Vec<(String, String)> {
    generate(params).files
}

/// Generates the workspace `params` describe.
pub fn generate(params: &Params) -> Generated {
    let mut generator = Generator::new(params);
    generator.run();
    generator.finish()
}

// ---------------------------------------------------------------------------------------------
// Words

/// Areas of a company and their titles; a team is an area and a function.
const AREAS: &[(&str, &str)] = &[
    ("payments", "Payments"),
    ("checkout", "Checkout"),
    ("identity", "Identity"),
    ("search", "Search"),
    ("catalog", "Catalog"),
    ("billing", "Billing"),
    ("ledger", "Ledger"),
    ("fraud", "Fraud"),
    ("compliance", "Compliance"),
    ("notifications", "Notifications"),
    ("growth", "Growth"),
    ("data", "Data"),
    ("platform", "Platform"),
    ("mobile", "Mobile"),
    ("web", "Web"),
    ("support", "Support"),
    ("logistics", "Logistics"),
    ("pricing", "Pricing"),
    ("inventory", "Inventory"),
    ("messaging", "Messaging"),
    ("security", "Security"),
    ("observability", "Observability"),
    ("onboarding", "Onboarding"),
    ("partners", "Partners"),
];

const FUNCTIONS: &[(&str, &str)] = &[
    ("core", "Core"),
    ("api", "API"),
    ("apps", "Apps"),
    ("infra", "Infrastructure"),
    ("sre", "SRE"),
    ("ml", "Machine Learning"),
    ("ux", "Experience"),
    ("ops", "Operations"),
];

/// First names: `(id part, display name)`.
const FIRST_NAMES: &[(&str, &str)] = &[
    ("ana", "Ana"),
    ("bo", "Bo"),
    ("chidi", "Chidi"),
    ("dara", "Dara"),
    ("elif", "Elif"),
    ("fatima", "Fatima"),
    ("gus", "Gus"),
    ("hana", "Hana"),
    ("ivan", "Ivan"),
    ("jade", "Jade"),
    ("kofi", "Kofi"),
    ("lena", "Lena"),
    ("marco", "Marco"),
    ("nadia", "Nadia"),
    ("omar", "Omar"),
    ("priya", "Priya"),
    ("quinn", "Quinn"),
    ("rosa", "Rosa"),
    ("sven", "Sven"),
    ("tomas", "Tomás"),
    ("uma", "Uma"),
    ("vera", "Vera"),
    ("wei", "Wei"),
    ("xenia", "Xenia"),
    ("yusuf", "Yusuf"),
    ("zoe", "Zoë"),
    ("amara", "Amara"),
    ("bjorn", "Björn"),
    ("carmen", "Carmen"),
    ("dmitri", "Dmitri"),
    ("esther", "Esther"),
    ("felix", "Felix"),
    ("greta", "Greta"),
    ("hiro", "Hiro"),
    ("ines", "Inês"),
    ("jonas", "Jonas"),
];

const LAST_NAMES: &[(&str, &str)] = &[
    ("diaz", "Díaz"),
    ("chen", "Chen"),
    ("okafor", "Okafor"),
    ("lopez", "Lopez"),
    ("yilmaz", "Yılmaz"),
    ("khan", "Khan"),
    ("muller", "Müller"),
    ("sato", "Sato"),
    ("petrov", "Petrov"),
    ("mensah", "Mensah"),
    ("rossi", "Rossi"),
    ("novak", "Novák"),
    ("haddad", "Haddad"),
    ("singh", "Singh"),
    ("kowalski", "Kowalski"),
    ("andersen", "Andersen"),
    ("silva", "Silva"),
    ("nguyen", "Nguyen"),
    ("garcia", "García"),
    ("schmidt", "Schmidt"),
    ("tanaka", "Tanaka"),
    ("ibrahim", "Ibrahim"),
    ("larsen", "Larsen"),
    ("moreau", "Moreau"),
    ("kim", "Kim"),
    ("osei", "Osei"),
    ("fischer", "Fischer"),
    ("costa", "Costa"),
];

const ROLES: &[&str] = &[
    "Senior engineer",
    "Engineer",
    "Engineer",
    "Staff engineer",
    "Quality engineer",
    "Product manager",
    "Designer",
    "Data scientist",
    "Site reliability engineer",
];

/// What work is about: `(id part, title)`.
const NOUNS: &[(&str, &str)] = &[
    ("vault", "the secrets vault"),
    ("tokenization", "card tokenization"),
    ("gateway", "the payment gateway"),
    ("ledger", "the ledger"),
    ("refunds", "refunds"),
    ("invoices", "invoicing"),
    ("sso", "single sign-on"),
    ("mfa", "multi-factor login"),
    ("sessions", "session handling"),
    ("search_index", "the search index"),
    ("ranking", "search ranking"),
    ("catalog_api", "the catalog API"),
    ("images", "the image pipeline"),
    ("cart", "the cart"),
    ("checkout_flow", "the checkout flow"),
    ("address_book", "the address book"),
    ("tax", "tax calculation"),
    ("currency", "multi-currency support"),
    ("fraud_rules", "the fraud rules"),
    ("risk_scoring", "risk scoring"),
    ("kyc", "KYC checks"),
    ("audit_log", "the audit log"),
    ("gdpr_export", "the GDPR export"),
    ("emails", "transactional email"),
    ("push", "push notifications"),
    ("sms", "SMS delivery"),
    ("events", "the event bus"),
    ("warehouse", "the data warehouse"),
    ("dashboards", "the dashboards"),
    ("experiments", "the experiment platform"),
    ("feature_flags", "feature flags"),
    ("cluster", "the Kubernetes clusters"),
    ("ci", "the CI pipeline"),
    ("deploys", "deployments"),
    ("dns", "DNS"),
    ("cdn", "the CDN"),
    ("database", "the main database"),
    ("cache", "the cache tier"),
    ("queue", "the job queue"),
    ("alerts", "alerting"),
    ("slos", "the SLOs"),
    ("tracing", "distributed tracing"),
    ("ios_app", "the iOS app"),
    ("android_app", "the Android app"),
    ("web_app", "the web app"),
    ("design_system", "the design system"),
    ("accessibility", "accessibility"),
    ("localization", "localization"),
    ("pricing_engine", "the pricing engine"),
    ("promotions", "promotions"),
    ("loyalty", "the loyalty program"),
    ("shipping", "shipping rates"),
    ("returns", "returns"),
    ("stock", "stock levels"),
    ("suppliers", "the supplier portal"),
    ("chat", "customer chat"),
    ("help_center", "the help center"),
    ("partner_api", "the partner API"),
    ("webhooks", "webhooks"),
    ("onboarding_flow", "the onboarding flow"),
];

/// What is done to it: `(id part, verb)`.
const ACTIONS: &[(&str, &str)] = &[
    ("upgrade", "Upgrade"),
    ("migration", "Migrate"),
    ("rewrite", "Rewrite"),
    ("hardening", "Harden"),
    ("rollout", "Roll out"),
    ("cleanup", "Clean up"),
    ("redesign", "Redesign"),
    ("scaling", "Scale"),
    ("split", "Split"),
    ("consolidation", "Consolidate"),
    ("automation", "Automate"),
    ("instrumentation", "Instrument"),
    ("load_test", "Load test"),
    ("pilot", "Pilot"),
    ("api_v2", "Ship v2 of"),
    ("deprecation", "Deprecate the old"),
    ("audit", "Audit"),
    ("backfill", "Backfill"),
    ("caching", "Add caching to"),
    ("encryption", "Encrypt"),
];

/// Milestones: `(id part, title part)`.
const STAGES: &[(&str, &str)] = &[
    ("alpha", "alpha"),
    ("beta", "beta"),
    ("pilot_live", "pilot live"),
    ("ga", "general availability"),
    ("launch", "launch"),
    ("cutover", "cutover"),
    ("signoff", "sign-off"),
    ("freeze", "code freeze"),
];

/// Risks: `(id part, title with {} for the noun)`.
const HAZARDS: &[(&str, &str)] = &[
    ("vendor_delay", "The vendor may deliver late for {}"),
    ("capacity", "Not enough engineers for {}"),
    ("audit_finding", "An audit finding may stop {}"),
    ("outage", "An outage during the work on {}"),
    ("scope_creep", "The scope of {} keeps growing"),
    ("data_loss", "Data may be lost while changing {}"),
    ("key_person", "One person knows {}"),
    ("budget", "The budget for {} may be cut"),
    ("legal_review", "Legal review of {} may take longer"),
];

const DESCRIPTIONS: &[&str] = &[
    "Agreed at the quarterly planning; see the design document.",
    "Needed before the traffic peak in November.",
    "Replaces the version that is out of support.",
    "Small, but everything after it waits for it.",
    "Estimate from the spike; could be a week shorter.",
    "Shared work: the platform team reviews every change.",
    "Keeps the old path running until the switch.",
    "Asked for by the auditors last year.",
];

const MITIGATIONS: &[&str] = &[
    "Weekly check-in with the vendor; a fallback vendor is lined up",
    "Borrow an engineer from a neighbouring team for the hard part",
    "Dry run in staging first, with a tested rollback",
    "Pair on every change and keep the runbook current",
    "Split the work so the first half ships on its own",
    "Book the reviewers early and agree the criteria up front",
];

const LAGS: &[(&str, i64)] = &[("1d", 1), ("2d", 2), ("3d", 3), ("1w", 7), ("2w", 14)];

// ---------------------------------------------------------------------------------------------
// The model being written

/// The index of a defined item in `Generator::names`.
type Entity = usize;

enum Value {
    Text(String),
    /// A `"""` string, one line each.
    Lines(Vec<String>),
    Date(NaiveDate),
    /// Days, written in weeks when `weeks`.
    Duration {
        days: i64,
        weeks: bool,
    },
    Percent(u32),
    Integer(u32),
    Word(&'static str),
    /// `@name`: an index into `Generator::references`.
    Person(usize),
    /// A reference with an optional lag: an index into `Generator::references`.
    Reference(usize, Option<&'static str>),
}

struct Field {
    key: &'static str,
    values: Vec<Value>,
    comment: Option<&'static str>,
}

struct Item {
    kind: &'static str,
    id: Entity,
    title: String,
    fields: Vec<Field>,
    /// Comment lines written before the item.
    comments: Vec<String>,
    /// Written on one line.
    inline: bool,
}

struct File {
    path: String,
    items: Vec<Item>,
}

/// An initiative or milestone, as far as later work needs to know it.
#[derive(Clone, Copy)]
struct Node {
    entity: Entity,
    /// The last day of work, or a milestone's date.
    end: NaiveDate,
    cancelled: bool,
    /// Blocked, or open and waiting (transitively) for blocked work: later work does not pick
    /// it as a dependency, so that blocked work holds up only its own stream.
    held_up: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Done,
    InProgress,
    Planned,
    Blocked,
    Cancelled,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::InProgress => "in_progress",
            Status::Planned => "planned",
            Status::Blocked => "blocked",
            Status::Cancelled => "cancelled",
        }
    }
}

struct Team {
    entity: Entity,
    title: String,
    /// Indices into `Generator::people`, the lead first.
    people: Vec<usize>,
    /// The team's initiatives and milestones so far, as indices into `Generator::nodes`.
    nodes: Vec<usize>,
    /// The team's last milestone.
    milestone: Option<usize>,
    key: String,
}

struct Person {
    entity: Entity,
    title: String,
    team: usize,
}

struct Generator<'a> {
    params: &'a Params,
    rng: fastrand::Rng,
    /// Every ID, by entity.
    names: Vec<String>,
    taken: HashSet<String>,
    /// The next suffix to try per base name.
    suffixes: HashMap<String, usize>,
    /// Every reference written, as the entity it names.
    references: Vec<Entity>,
    files: Vec<File>,
    teams: Vec<Team>,
    people: Vec<Person>,
    nodes: Vec<Node>,
    /// How many initiatives in all, and how many files hold them (all but `program.plan`).
    total: usize,
    work_files: usize,
    initiatives: usize,
    milestones: usize,
    risks: usize,
    latest_end: NaiveDate,
    program: Option<usize>,
}

fn add(date: NaiveDate, days: i64) -> NaiveDate {
    date + TimeDelta::days(days)
}

impl<'a> Generator<'a> {
    fn new(params: &'a Params) -> Generator<'a> {
        let files = params.files.max(1);
        let work_files = files - 1;
        let mut all = vec![File {
            path: "program.plan".to_string(),
            items: Vec::new(),
        }];
        let width = work_files.to_string().len();
        for k in 1..=work_files {
            all.push(File {
                path: format!("work/{k:0width$}.plan"),
                items: Vec::new(),
            });
        }
        Generator {
            params,
            rng: fastrand::Rng::with_seed(params.seed),
            names: Vec::new(),
            taken: HashSet::new(),
            suffixes: HashMap::new(),
            references: Vec::new(),
            files: all,
            teams: Vec::new(),
            people: Vec::new(),
            nodes: Vec::new(),
            total: params.initiatives.max(1),
            work_files,
            initiatives: 0,
            milestones: 0,
            risks: 0,
            latest_end: program_start(),
            program: None,
        }
    }

    // --- random numbers: u32 and u64 only, so every platform draws the same

    fn below(&mut self, n: usize) -> usize {
        self.rng.u64(0..n as u64) as usize
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(0..100) < percent
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.below(list.len())]
    }

    // --- names and references

    /// A new ID: `base`, or `base_2`, `base_3`... when taken.
    fn name(&mut self, base: &str) -> Entity {
        let mut name = base.to_string();
        if self.taken.contains(&name) {
            let next = self.suffixes.entry(base.to_string()).or_insert(2);
            loop {
                name = format!("{base}_{next}");
                *next += 1;
                if !self.taken.contains(&name) {
                    break;
                }
            }
        }
        self.taken.insert(name.clone());
        self.names.push(name);
        self.names.len() - 1
    }

    fn person(&mut self, entity: Entity) -> Value {
        self.references.push(entity);
        Value::Person(self.references.len() - 1)
    }

    fn reference(&mut self, entity: Entity, lag: Option<&'static str>) -> Value {
        self.references.push(entity);
        Value::Reference(self.references.len() - 1, lag)
    }

    /// The file initiative number `n` goes in.
    fn file_of(&self, n: usize) -> usize {
        if self.work_files == 0 {
            0
        } else {
            1 + n.min(self.total - 1) * self.work_files / self.total
        }
    }

    // --- the whole workspace

    fn run(&mut self) {
        let n = self.total;
        let teams = ((n + 37) / 75).max(1);
        let people = ((n + 5) / 10).max(teams);
        self.make_people(teams, people);

        let program = self.name("modernisation");
        self.program = Some(program);

        let mut number = 0;
        for t in 0..teams {
            let team_end = (t + 1) * n / teams;
            let file = self.file_of(number);
            self.write_team(t, file);
            let mut since_milestone = 0;
            let mut threshold = self.between(10, 20);
            let mut tails: Vec<usize> = Vec::new();
            while number < team_end {
                let length = self.between(3, 14).min(team_end - number);
                let (stream, tail) = self.write_stream(t, number, length);
                number += length;
                since_milestone += length;
                if let Some(tail) = tail {
                    tails.push(tail);
                }
                let file = self.file_of(number - 1);
                if since_milestone >= threshold && !tails.is_empty() {
                    self.write_milestone(t, file, &tails);
                    tails.clear();
                    since_milestone = 0;
                    threshold = self.between(10, 20);
                }
                // Risks keep up with the work: one per ten initiatives so far.
                while self.risks < number / 10 {
                    self.write_risk(t, file, &stream);
                }
            }
        }
        self.write_program(program);
    }

    fn make_people(&mut self, teams: usize, people: usize) {
        for t in 0..teams {
            let (area, area_title) = self.pick(AREAS);
            let (function, function_title) = self.pick(FUNCTIONS);
            let entity = self.name(&format!("{area}_{function}"));
            let suffix = self.names[entity]
                .strip_prefix(&format!("{area}_{function}"))
                .unwrap_or("")
                .trim_start_matches('_')
                .to_string();
            let mut title = format!("{area_title} {function_title}");
            if !suffix.is_empty() {
                write!(title, " {suffix}").unwrap();
            }
            let key = format!(
                "{}{}{}",
                area[..3].to_uppercase(),
                &function[..1].to_uppercase(),
                suffix
            );
            self.teams.push(Team {
                entity,
                title,
                people: Vec::new(),
                nodes: Vec::new(),
                milestone: None,
                key,
            });
            for p in t * people / teams..(t + 1) * people / teams {
                let (first, first_title) = self.pick(FIRST_NAMES);
                let (last, last_title) = self.pick(LAST_NAMES);
                let entity = self.name(&format!("{first}_{last}"));
                self.teams[t].people.push(p);
                self.people.push(Person {
                    entity,
                    title: format!("{first_title} {last_title}"),
                    team: t,
                });
            }
        }
    }

    fn write_team(&mut self, t: usize, file: usize) {
        let team = &self.teams[t];
        let (entity, title, people) = (team.entity, team.title.clone(), team.people.clone());
        let mut fields = Vec::new();
        let lead = self.person(self.people[people[0]].entity);
        fields.push(Field {
            key: "lead",
            values: vec![lead],
            comment: None,
        });
        let members = people
            .iter()
            .map(|&p| self.person(self.people[p].entity))
            .collect();
        fields.push(Field {
            key: "members",
            values: members,
            comment: None,
        });
        let channel = format!("#{}", self.names[entity].replace('_', "-"));
        fields.push(Field {
            key: "channel",
            values: vec![Value::Text(channel)],
            comment: None,
        });
        self.files[file].items.push(Item {
            kind: "team",
            id: entity,
            title: title.clone(),
            fields,
            comments: vec![format!("# --- {title} ---")],
            inline: false,
        });
        for (k, &p) in people.iter().enumerate() {
            let team = self.reference(entity, None);
            let role = if k == 0 {
                "Engineering manager"
            } else {
                self.pick(ROLES)
            };
            let person = &self.people[p];
            let (id, title) = (person.entity, person.title.clone());
            debug_assert_eq!(person.team, t);
            self.files[file].items.push(Item {
                kind: "person",
                id,
                title,
                fields: vec![
                    Field {
                        key: "team",
                        values: vec![team],
                        comment: None,
                    },
                    Field {
                        key: "role",
                        values: vec![Value::Text(role.to_string())],
                        comment: None,
                    },
                ],
                comments: Vec::new(),
                inline: true,
            });
        }
    }

    /// An owner: most often someone of the team, sometimes someone lent by another team.
    fn owner(&mut self, t: usize) -> Entity {
        let p = if self.chance(8) {
            self.below(self.people.len())
        } else {
            let people = &self.teams[t].people;
            people[self.rng.u64(0..people.len() as u64) as usize]
        };
        self.people[p].entity
    }

    /// A dependency of work starting on `start`: earlier work (or a milestone) of the team or,
    /// less often, anywhere, that ends in time with the lag, open or done but neither cancelled
    /// nor held up by blocked work. `None` when a few tries find none.
    fn extra_dependency(
        &mut self,
        t: usize,
        start: NaiveDate,
        exclude: &[usize],
    ) -> Option<(usize, Option<(&'static str, i64)>)> {
        let lag = if self.chance(15) {
            Some(self.pick(&LAGS[2..]))
        } else {
            None
        };
        for _ in 0..8 {
            let candidate = if self.chance(60) && !self.teams[t].nodes.is_empty() {
                let nodes = &self.teams[t].nodes;
                nodes[self.rng.u64(0..nodes.len() as u64) as usize]
            } else if !self.nodes.is_empty() {
                self.below(self.nodes.len())
            } else {
                return None;
            };
            let node = self.nodes[candidate];
            let allowed = add(node.end, 1 + lag.map_or(0, |(_, days)| days));
            if !node.cancelled && !node.held_up && allowed <= start && !exclude.contains(&candidate)
            {
                return Some((candidate, lag));
            }
        }
        None
    }

    /// A stream of `length` initiatives, numbered from `first`: a chain in which each waits for
    /// the one before. Returns its nodes and the last one not cancelled.
    fn write_stream(
        &mut self,
        t: usize,
        first: usize,
        length: usize,
    ) -> (Vec<usize>, Option<usize>) {
        let noun = self.pick(NOUNS);
        let mut comments = vec![format!("# Stream: {}.", noun.1)];
        if self.chance(30) {
            comments.push(format!("# {}", self.pick(DESCRIPTIONS)));
        }
        let mut previous: Option<usize> = None;
        let mut stream = Vec::new();
        for k in 0..length {
            let number = first + k;
            let file = self.file_of(number);
            let mut item_comments = if k == 0 {
                std::mem::take(&mut comments)
            } else {
                Vec::new()
            };
            if k > 0 && file != self.file_of(number - 1) {
                item_comments.push(format!("# Stream: {} (continued).", noun.1));
            }
            let node = self.write_initiative(t, file, noun, previous, item_comments);
            stream.push(node);
            if !self.nodes[node].cancelled {
                previous = Some(node);
            }
        }
        (stream, previous)
    }

    fn write_initiative(
        &mut self,
        t: usize,
        file: usize,
        noun: (&'static str, &'static str),
        previous: Option<usize>,
        comments: Vec<String>,
    ) -> usize {
        let (action, verb) = self.pick(ACTIONS);
        let base = format!("{}_{action}", noun.0);
        let entity = self.name(&base);
        let mut title = format!("{verb} {}", noun.1);
        if let Some(part) = self.names[entity].strip_prefix(&format!("{base}_")) {
            write!(title, ", part {part}").unwrap();
        }
        let weeks = self.chance(70);
        let days = if weeks {
            7 * self.between(1, 6) as i64
        } else {
            self.between(2, 20) as i64
        };

        // Where the work starts: on its own start at the head of a stream, else the day after
        // the work before it, plus the lag.
        let mut depends: Vec<(usize, Option<(&'static str, i64)>)> = Vec::new();
        let start = match previous {
            None => add(program_start(), 7 * self.below(36) as i64),
            Some(before) => {
                let lag = if self.chance(20) {
                    Some(self.pick(LAGS))
                } else {
                    None
                };
                depends.push((before, lag));
                add(self.nodes[before].end, 1 + lag.map_or(0, |(_, days)| days))
            }
        };
        let end = add(start, days - 1);
        // Fan-in: dependencies that end in time, so they never move the forecast.
        let extra = match previous {
            None if self.chance(10) => 1,
            None => 0,
            Some(_) if self.chance(30) => 1 + usize::from(self.chance(25)),
            Some(_) => 0,
        };
        for _ in 0..extra {
            let exclude: Vec<usize> = depends.iter().map(|(d, _)| *d).collect();
            if let Some(dependency) = self.extra_dependency(t, start, &exclude) {
                depends.push(dependency);
            }
        }

        let today = today();
        let waits_for_blocked = depends.iter().any(|(d, _)| self.nodes[*d].held_up);
        let status = if end < today {
            Status::Done
        } else if start <= today {
            if self.chance(6) {
                Status::Blocked
            } else {
                Status::InProgress
            }
        } else if self.chance(2) {
            Status::Blocked
        } else if self.chance(3) {
            Status::Cancelled
        } else {
            Status::Planned
        };
        let held_up = status == Status::Blocked
            || (waits_for_blocked && !matches!(status, Status::Done | Status::Cancelled));

        let mut fields = Vec::new();
        let owner = self.owner(t);
        let owner = self.person(owner);
        fields.push(field("owner", vec![owner]));
        let team = self.reference(self.teams[t].entity, None);
        fields.push(field("team", vec![team]));
        if status != Status::Planned || self.chance(50) {
            fields.push(field("status", vec![Value::Word(status.word())]));
        }
        // Green only where the forecast allows it: never on blocked work or work that waits for it.
        let health = match status {
            Status::InProgress if self.chance(85) => Some(if waits_for_blocked {
                "amber"
            } else {
                self.pick(&["green", "green", "green", "green", "amber", "red"])
            }),
            Status::Planned if self.chance(25) => Some(if waits_for_blocked {
                "amber"
            } else {
                self.pick(&["green", "green", "amber"])
            }),
            Status::Blocked => Some(self.pick(&["red", "red", "amber"])),
            _ => None,
        };
        if let Some(health) = health {
            fields.push(field("health", vec![Value::Word(health)]));
        }
        match status {
            // Done work keeps the dates it had.
            Status::Done => {
                fields.push(field("start", vec![Value::Date(start)]));
                fields.push(field("end", vec![Value::Date(end)]));
            }
            _ => {
                if previous.is_none() {
                    fields.push(field("start", vec![Value::Date(start)]));
                }
                let mut duration = field("duration", vec![Value::Duration { days, weeks }]);
                if self.chance(10) {
                    duration.comment = Some(self.pick(&[
                        "# estimate from the spike",
                        "# includes a week of testing",
                        "# the team's own estimate",
                    ]));
                }
                fields.push(duration);
            }
        }
        if !depends.is_empty() {
            let mut values = Vec::new();
            let mut lagged = false;
            for &(dependency, lag) in &depends {
                let entity = self.nodes[dependency].entity;
                lagged |= lag.is_some();
                values.push(self.reference(entity, lag.map(|(text, _)| text)));
            }
            let mut depends_on = field("depends_on", values);
            if lagged && self.chance(50) {
                depends_on.comment = Some(self.pick(&[
                    "# time to roll out first",
                    "# waits for the change freeze to lift",
                    "# a week of soak time",
                ]));
            }
            fields.push(depends_on);
        }
        match status {
            Status::InProgress | Status::Blocked => {
                let done = ((today - start).num_days() * 100 / days).clamp(0, 95) as u32;
                fields.push(field("progress", vec![Value::Percent(done / 5 * 5)]));
            }
            Status::Done if self.chance(50) => {
                fields.push(field("progress", vec![Value::Percent(100)]));
            }
            _ => {}
        }
        if self.chance(30) {
            let description = if self.chance(10) {
                Value::Lines(vec![
                    self.pick(DESCRIPTIONS).to_string(),
                    self.pick(DESCRIPTIONS).to_string(),
                ])
            } else {
                Value::Text(self.pick(DESCRIPTIONS).to_string())
            };
            fields.push(field("description", vec![description]));
        }
        if self.chance(25) {
            let link = format!(
                "https://tracker.example.com/browse/{}-{}",
                self.teams[t].key,
                100 + self.initiatives
            );
            fields.push(field("link", vec![Value::Text(link)]));
        }

        self.files[file].items.push(Item {
            kind: "initiative",
            id: entity,
            title,
            fields,
            comments,
            inline: false,
        });
        self.initiatives += 1;
        if status != Status::Cancelled {
            self.latest_end = self.latest_end.max(end);
        }
        self.push_node(
            t,
            Node {
                entity,
                end,
                cancelled: status == Status::Cancelled,
                held_up,
            },
        )
    }

    fn push_node(&mut self, t: usize, node: Node) -> usize {
        self.nodes.push(node);
        let index = self.nodes.len() - 1;
        self.teams[t].nodes.push(index);
        index
    }

    /// A milestone requiring the ends of the team's latest streams (and, sometimes, its last
    /// milestone), dated after all of them: a buffer of up to two weeks, then the next Friday.
    fn write_milestone(&mut self, t: usize, file: usize, tails: &[usize]) {
        let mut requires: Vec<(usize, Option<(&'static str, i64)>)> = tails
            .iter()
            .rev()
            .take(3)
            .map(|&tail| (tail, None))
            .collect();
        requires.reverse();
        if let Some(before) = self.teams[t].milestone {
            if !self.nodes[before].held_up && self.chance(30) {
                requires.insert(0, (before, None));
            }
        }
        for require in &mut requires {
            if self.chance(20) {
                require.1 = Some(self.pick(&[("3d", 3), ("1w", 7)]));
            }
        }
        let ready = requires
            .iter()
            .map(|&(r, lag)| add(self.nodes[r].end, lag.map_or(0, |(_, days)| days)))
            .max()
            .expect("a milestone requires something");
        let mut date = add(ready, self.below(15) as i64);
        while date.weekday() != Weekday::Fri {
            date = add(date, 1);
        }
        let today = today();
        let done = date < today;
        let held_up = !done && requires.iter().any(|(r, _)| self.nodes[*r].held_up);

        let last = self.nodes[*tails.last().expect("tails")].entity;
        let noun = self.names[last]
            .split('_')
            .next()
            .unwrap_or("work")
            .to_string();
        let (stage, stage_title) = self.pick(STAGES);
        let entity = self.name(&format!("{noun}_{stage}"));
        let title = format!("{} {stage_title}", capitalise(&noun.replace('_', " ")));
        let mut fields = vec![field("date", vec![Value::Date(date)])];
        let people = self.teams[t].people.clone();
        let owner = if self.chance(70) {
            people[0]
        } else {
            people[self.below(people.len())]
        };
        let owner = self.person(self.people[owner].entity);
        fields.push(field("owner", vec![owner]));
        let mut values = Vec::new();
        for &(r, lag) in &requires {
            let entity = self.nodes[r].entity;
            values.push(self.reference(entity, lag.map(|(text, _)| text)));
        }
        fields.push(field("requires", values));
        if done {
            fields.push(field("status", vec![Value::Word("done")]));
        }
        if self.chance(30) {
            fields.push(field(
                "description",
                vec![Value::Text(self.pick(DESCRIPTIONS).to_string())],
            ));
        }
        self.files[file].items.push(Item {
            kind: "milestone",
            id: entity,
            title,
            fields,
            comments: Vec::new(),
            inline: false,
        });
        self.milestones += 1;
        self.latest_end = self.latest_end.max(date);
        let node = self.push_node(
            t,
            Node {
                entity,
                end: date,
                cancelled: false,
                held_up,
            },
        );
        self.teams[t].milestone = Some(node);
    }

    /// A risk on one or two items of the stream just written. Most have a mitigation; one
    /// without is accepted when it scores 8 or more.
    fn write_risk(&mut self, t: usize, file: usize, stream: &[usize]) {
        let first = stream[self.below(stream.len())];
        let mut affects = vec![first];
        if stream.len() > 1 && self.chance(30) {
            let second = stream[self.below(stream.len())];
            if second != first {
                affects.push(second);
            }
        }
        let noun = self.names[self.nodes[first].entity]
            .split('_')
            .next()
            .unwrap_or("work")
            .to_string();
        let (hazard, title) = self.pick(HAZARDS);
        let entity = self.name(&format!("{noun}_{hazard}"));
        let title = title.replace("{}", &noun.replace('_', " "));
        let levels = ["very_low", "low", "medium", "high", "very_high"];
        let likelihood = 1 + self.below(5) as u32;
        let impact = 1 + self.below(5) as u32;
        let mitigated = self.chance(80);
        let people = self.teams[t].people.clone();
        let owner = people[self.below(people.len())];
        let owner = self.person(self.people[owner].entity);
        let mut fields = vec![field("owner", vec![owner])];
        let level = |score: u32, numeric: bool| {
            if numeric {
                Value::Integer(score)
            } else {
                Value::Word(levels[score as usize - 1])
            }
        };
        let numeric = self.chance(30);
        fields.push(field("likelihood", vec![level(likelihood, numeric)]));
        fields.push(field("impact", vec![level(impact, numeric)]));
        let mut values = Vec::new();
        for &a in &affects {
            let entity = self.nodes[a].entity;
            values.push(self.reference(entity, None));
        }
        fields.push(field("affects", values));
        let status = if !mitigated && likelihood * impact >= 8 {
            Some("accepted")
        } else if self.chance(25) {
            Some(self.pick(if mitigated {
                &["mitigating", "mitigating", "accepted", "closed"][..]
            } else {
                &["accepted", "closed"][..]
            }))
        } else {
            None
        };
        if let Some(status) = status {
            fields.push(field("status", vec![Value::Word(status)]));
        }
        if mitigated {
            fields.push(field(
                "mitigation",
                vec![Value::Text(self.pick(MITIGATIONS).to_string())],
            ));
        }
        if self.chance(30) {
            let review = add(today(), 7 * self.between(1, 12) as i64);
            fields.push(field("review", vec![Value::Date(review)]));
        }
        self.files[file].items.push(Item {
            kind: "risk",
            id: entity,
            title,
            fields,
            comments: Vec::new(),
            inline: false,
        });
        self.risks += 1;
    }

    /// The program, owned by the first team's lead, ending at the close of the month after the
    /// last forecast work.
    fn write_program(&mut self, entity: Entity) {
        let lead = self.people[self.teams[0].people[0]].entity;
        let owner = self.person(lead);
        let after = add(self.latest_end, 31);
        let next_month = if after.month() == 12 {
            NaiveDate::from_ymd_opt(after.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(after.year(), after.month() + 1, 1)
        }
        .expect("a real date");
        let end = add(next_month, -1);
        let fields = vec![
            field("owner", vec![owner]),
            field("start", vec![Value::Date(program_start())]),
            field("end", vec![Value::Date(end)]),
            field(
                "description",
                vec![Value::Lines(vec![
                    "A generated program: every team's work in streams, with milestones and"
                        .to_string(),
                    "risks. Written by `planls generate`.".to_string(),
                ])],
            ),
        ];
        self.files[0].items.insert(
            0,
            Item {
                kind: "program",
                id: entity,
                title: "Platform modernisation".to_string(),
                fields,
                comments: Vec::new(),
                inline: false,
            },
        );
    }

    // --- unresolved references and the text

    /// Chooses exactly the share of references to misspell, and how.
    fn misspellings(&mut self) -> HashMap<usize, String> {
        let total = self.references.len();
        let percent = self.params.unresolved_percent.clamp(0.0, 100.0);
        let count = ((total as f64 * percent / 100.0).round() as usize).min(total);
        let mut chosen: HashMap<usize, String> = HashMap::new();
        // A partial Fisher-Yates shuffle: the first `count` places are the chosen references.
        let mut order: Vec<u32> = (0..total as u32).collect();
        for k in 0..count {
            let j = k + self.below(total - k);
            order.swap(k, j);
            let reference = order[k] as usize;
            let name = self.names[self.references[reference]].clone();
            let wrong = self.misspell(&name);
            chosen.insert(reference, wrong);
        }
        chosen
    }

    /// A typo of `name` that is no ID: a letter dropped, doubled, or swapped with the next.
    /// The first character stays, so the result is still an identifier.
    fn misspell(&mut self, name: &str) -> String {
        let chars: Vec<char> = name.chars().collect();
        for _ in 0..20 {
            let mut typo = chars.clone();
            if typo.len() < 3 {
                typo.push(typo[typo.len() - 1]);
            } else {
                let at = 1 + self.below(typo.len() - 1);
                match self.below(3) {
                    0 => {
                        typo.remove(at);
                    }
                    1 => typo.insert(at, typo[at]),
                    _ if at + 1 < typo.len() && typo[at] != typo[at + 1] => typo.swap(at, at + 1),
                    _ => typo.insert(at, typo[at]),
                }
            }
            let typo: String = typo.into_iter().collect();
            if typo != name && !self.taken.contains(&typo) {
                return typo;
            }
        }
        let mut fallback = format!("{name}_old");
        while self.taken.contains(&fallback) {
            fallback.push('x');
        }
        fallback
    }

    fn finish(mut self) -> Generated {
        let wrong = self.misspellings();
        let params = self.params;
        let total_files = self.files.len();
        let command = format!(
            "planls generate --initiatives {} --files {} --seed {} --unresolved {}",
            params.initiatives, total_files, params.seed, params.unresolved_percent
        );
        let mut out = Vec::with_capacity(total_files);
        for (k, file) in self.files.iter().enumerate() {
            let mut text = String::new();
            if k == 0 {
                writeln!(text, "# The program: generated by `{command}`.").unwrap();
            } else {
                let teams: Vec<&str> = file
                    .items
                    .iter()
                    .filter(|i| i.kind == "initiative")
                    .filter_map(|i| {
                        i.fields.iter().find(|f| f.key == "team").and_then(|f| {
                            match f.values.first() {
                                Some(Value::Reference(r, _)) => {
                                    Some(self.names[self.references[*r]].as_str())
                                }
                                _ => None,
                            }
                        })
                    })
                    .fold(Vec::new(), |mut teams, team| {
                        if !teams.contains(&team) {
                            teams.push(team);
                        }
                        teams
                    });
                writeln!(
                    text,
                    "# Work file {k} of {}: generated by `{command}`.",
                    total_files - 1
                )
                .unwrap();
                if teams.is_empty() {
                    writeln!(text, "# No work fell in this file.").unwrap();
                } else {
                    writeln!(text, "# Teams: {}.", teams.join(", ")).unwrap();
                }
            }
            for item in &file.items {
                text.push('\n');
                self.render(&mut text, item, &wrong);
            }
            out.push((file.path.clone(), text));
        }
        let summary = Summary {
            files: out.len(),
            bytes: out.iter().map(|(_, t)| t.len()).sum(),
            teams: self.teams.len(),
            people: self.people.len(),
            initiatives: self.initiatives,
            milestones: self.milestones,
            risks: self.risks,
            references: self.references.len(),
            unresolved: wrong.len(),
        };
        Generated {
            files: out,
            summary,
        }
    }

    fn render(&self, out: &mut String, item: &Item, wrong: &HashMap<usize, String>) {
        for comment in &item.comments {
            writeln!(out, "{comment}").unwrap();
        }
        write!(
            out,
            "{} {} \"{}\" {{",
            item.kind,
            self.names[item.id],
            escape(&item.title)
        )
        .unwrap();
        for field in &item.fields {
            out.push_str(if item.inline { " " } else { "\n  " });
            write!(out, "{}: ", field.key).unwrap();
            for (k, value) in field.values.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                self.render_value(out, value, wrong);
            }
            if let Some(comment) = field.comment {
                write!(out, "  {comment}").unwrap();
            }
        }
        out.push_str(if item.inline { " }\n" } else { "\n}\n" });
    }

    fn render_value(&self, out: &mut String, value: &Value, wrong: &HashMap<usize, String>) {
        let name = |r: &usize| {
            wrong
                .get(r)
                .map_or(self.names[self.references[*r]].as_str(), String::as_str)
        };
        match value {
            Value::Text(text) => write!(out, "\"{}\"", escape(text)).unwrap(),
            Value::Lines(lines) => {
                out.push_str("\"\"\"\n");
                for line in lines {
                    writeln!(out, "    {line}").unwrap();
                }
                out.push_str("  \"\"\"");
            }
            Value::Date(date) => write!(out, "{date}").unwrap(),
            Value::Duration { days, weeks: true } if days % 7 == 0 => {
                write!(out, "{}w", days / 7).unwrap()
            }
            Value::Duration { days, .. } => write!(out, "{days}d").unwrap(),
            Value::Percent(p) => write!(out, "{p}%").unwrap(),
            Value::Integer(n) => write!(out, "{n}").unwrap(),
            Value::Word(word) => out.push_str(word),
            Value::Person(r) => write!(out, "@{}", name(r)).unwrap(),
            Value::Reference(r, None) => out.push_str(name(r)),
            Value::Reference(r, Some(lag)) => write!(out, "{} + {lag}", name(r)).unwrap(),
        }
    }
}

fn field(key: &'static str, values: Vec<Value>) -> Field {
    Field {
        key,
        values,
        comment: None,
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_are_exact() {
        for (initiatives, files) in [(1, 1), (7, 3), (250, 4), (10, 20), (1000, 11)] {
            let generated = generate(&Params {
                initiatives,
                files,
                seed: 3,
                unresolved_percent: 2.0,
            });
            assert_eq!(generated.files.len(), files);
            assert_eq!(generated.summary.initiatives, initiatives);
            let written: usize = generated
                .files
                .iter()
                .map(|(_, text)| text.matches("\ninitiative ").count())
                .sum();
            assert_eq!(written, initiatives, "{initiatives} in {files}");
        }
    }

    #[test]
    fn the_same_parameters_give_the_same_files() {
        let params = Params {
            initiatives: 300,
            files: 5,
            seed: 42,
            unresolved_percent: 3.0,
        };
        assert_eq!(workspace(&params), workspace(&params));
        let other = Params {
            seed: 43,
            ..params.clone()
        };
        assert_ne!(workspace(&params), workspace(&other));
    }

    #[test]
    fn a_misspelling_is_an_identifier_that_names_nothing() {
        let params = Params::new(50);
        let mut generator = Generator::new(&params);
        generator.run();
        for name in generator.names.clone() {
            let typo = generator.misspell(&name);
            assert_ne!(typo, name);
            assert!(!generator.taken.contains(&typo), "{typo}");
            let mut chars = typo.chars();
            assert!(chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_'));
            assert!(chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)));
        }
    }
}
