//! Hover: a Markdown summary of the item under the cursor, on its definition or on any reference
//! to it; on a key or a kind word, what the schema says about it.

use std::fmt::Write;

use crate::analysis::graph::Dependency;
use crate::analysis::index::ItemId;
use crate::analysis::load;
use crate::analysis::risk::TOP_EXPOSURE;
use crate::analysis::schedule::ScheduleState;
use crate::analysis::schema;
use crate::analysis::wording;
use crate::analysis::workspace::FileId;
use crate::analysis::{Analysis, Hover, NaiveDate, SymbolAt};
use crate::syntax::Kind;

/// How many entries of a list a hover shows before it says how many more there are.
const MAX_LISTED: usize = 12;

impl Analysis {
    /// The hover at `offset` in `file`: about the item named there (defined or referenced), a
    /// reference that names nothing, a key or a kind word. `None` elsewhere.
    pub fn hover(&self, file: FileId, offset: usize) -> Option<Hover> {
        if file.0 >= self.workspace.files().len() {
            return None;
        }
        if let Some(symbol) = self.symbol_at(file, offset) {
            let markdown = match symbol.item {
                Some(item) => self.describe(item),
                None => self.describe_unresolved(file, &symbol),
            };
            return Some(Hover {
                span: symbol.span,
                markdown,
            });
        }
        self.schema_hover(file, offset)
    }

    /// The Markdown summary of one item.
    pub fn describe(&self, item: ItemId) -> String {
        let info = self.item(item);
        let mut out = format!("**{}** `{}`", info.kind, info.name);
        if let Some(title) = &info.title {
            write!(out, ": {}", escape(title)).unwrap();
        }
        out.push_str("\n\n");
        let mut lines = Lines::default();
        match info.kind {
            Kind::Program => self.program_lines(item, &mut lines),
            Kind::Team => self.team_lines(item, &mut lines),
            Kind::Person => self.person_lines(item, &mut lines),
            Kind::Initiative => self.initiative_lines(item, &mut lines),
            Kind::Milestone => self.milestone_lines(item, &mut lines),
            Kind::Risk => self.risk_lines(item, &mut lines),
        }
        out.push_str(&lines.0);
        if let Some(description) = self.facts.of(item).text("description") {
            if !lines.0.is_empty() {
                out.push('\n');
            }
            out.push_str(&escape(description));
            out.push('\n');
        }
        out
    }

    fn describe_unresolved(&self, file: FileId, symbol: &SymbolAt) -> String {
        let site = self
            .index
            .reference_at(file, symbol.span.start)
            .filter(|r| r.span == symbol.span);
        let takes = site
            .and_then(|r| schema::field_spec(r.from_kind, &r.key))
            .map(|spec| spec.value.reference_kinds())
            .unwrap_or(&[]);
        let shown = if site.is_some_and(|r| r.is_person) {
            format!("@{}", symbol.name)
        } else {
            symbol.name.clone()
        };
        let mut out = format!("`{shown}` names nothing in the workspace.\n");
        let suggestion = self.index.suggestion(&symbol.name, takes);
        if let Some(suggestion) = suggestion {
            writeln!(out, "\nDid you mean `{suggestion}`?").unwrap();
        }
        out
    }

    /// Hover on a key (what the field means and takes) or a kind word (what the kind is).
    fn schema_hover(&self, file: FileId, offset: usize) -> Option<Hover> {
        let syntax = &self.workspace.file(file).syntax;
        for item in &syntax.items {
            if item.kind_span.touches(offset) {
                let spec = schema::kind_spec(item.kind);
                let keys: Vec<String> =
                    spec.fields.iter().map(|f| format!("`{}`", f.key)).collect();
                return Some(Hover {
                    span: item.kind_span,
                    markdown: format!(
                        "**{}**: {}\n\nFields: {}.\n",
                        item.kind,
                        spec.description,
                        keys.join(", ")
                    ),
                });
            }
            let Some(field) = item.fields.iter().find(|f| f.key.span.touches(offset)) else {
                continue;
            };
            let spec = schema::field_spec(item.kind, &field.key.text)?;
            let mut markdown = format!(
                "**`{}`** of {}: {}\n\nTakes {}",
                spec.key,
                item.kind.with_article(),
                spec.description,
                spec.value.describe()
            );
            if spec.list {
                markdown.push_str(", separated by commas");
            }
            markdown.push_str(if spec.required {
                ". Required.\n"
            } else {
                ".\n"
            });
            return Some(Hover {
                span: field.key.span,
                markdown,
            });
        }
        None
    }

    fn program_lines(&self, item: ItemId, lines: &mut Lines) {
        let facts = self.facts.of(item);
        if let Some(main) = self.program().filter(|&p| p != item) {
            lines.add(
                "Note",
                format!(
                    "not the program of this workspace, which is `{}`",
                    self.item(main).name
                ),
            );
        }
        lines.add_opt("Owner", facts.item("owner").map(|p| self.person_label(p)));
        match (facts.date("start"), facts.date("end")) {
            (Some((start, _)), Some((end, _))) => lines.add("Dates", format!("{start} to {end}")),
            (Some((start, _)), None) => lines.add("Start", start.to_string()),
            (None, Some((end, _))) => lines.add("End", end.to_string()),
            (None, None) => {}
        }
        let forecast_end = self
            .index
            .iter()
            .filter_map(|(i, _)| match self.schedule(i) {
                Some(ScheduleState::Scheduled(s)) => Some(s.end),
                _ => None,
            })
            .max();
        if let Some(forecast_end) = forecast_end {
            let mut text = forecast_end.to_string();
            if let Some((end, _)) = facts.date("end") {
                let days = (forecast_end - end).num_days();
                if days > 0 {
                    write!(text, ", {} after the end", days_text(days)).unwrap();
                } else {
                    write!(text, ", {} before the end", days_text(-days)).unwrap();
                }
            }
            lines.add("Forecast end", text);
        }
        let count = |kind: Kind| self.index.iter().filter(|(_, i)| i.kind == kind).count();
        let counts: Vec<String> = [
            (Kind::Team, "team", "teams"),
            (Kind::Person, "person", "people"),
            (Kind::Initiative, "initiative", "initiatives"),
            (Kind::Milestone, "milestone", "milestones"),
            (Kind::Risk, "risk", "risks"),
        ]
        .into_iter()
        .map(|(kind, one, many)| {
            let n = count(kind);
            format!("{n} {}", if n == 1 { one } else { many })
        })
        .collect();
        lines.add("Plan", counts.join(", "));
        let initiatives: Vec<ItemId> = self.items_of(Kind::Initiative);
        let by_status: Vec<String> = schema::INITIATIVE_STATUSES
            .iter()
            .filter_map(|&status| {
                let n = initiatives
                    .iter()
                    .filter(|&&i| self.status(i) == Some(status))
                    .count();
                (n > 0).then(|| format!("{n} {}", words(status)))
            })
            .collect();
        if !by_status.is_empty() {
            lines.add("Initiatives", by_status.join(", "));
        }
        let risks = self.items_of(Kind::Risk);
        let by_status: Vec<String> = schema::RISK_STATUSES
            .iter()
            .filter_map(|&status| {
                let n = risks
                    .iter()
                    .filter(|&&r| self.status(r) == Some(status))
                    .count();
                (n > 0).then(|| format!("{n} {status}"))
            })
            .collect();
        if !by_status.is_empty() {
            lines.add("Risks", by_status.join(", "));
        }
    }

    fn team_lines(&self, team: ItemId, lines: &mut Lines) {
        let facts = self.facts.of(team);
        lines.add(
            "Lead",
            facts.item("lead").map_or_else(
                || "none: name one with `lead:`".to_string(),
                |p| self.person_label(p),
            ),
        );
        let members: Vec<String> = self
            .team_members(team)
            .iter()
            .map(|&p| self.person_label(p))
            .collect();
        if !members.is_empty() {
            lines.add("Members", listing(members, ", "));
        }
        lines.add_opt("Channel", facts.text("channel").map(escape));
        let work = self.team_work(team);
        if !work.is_empty() {
            lines.add("Work", String::new());
            for (status, items) in work {
                let labels: Vec<String> = items.iter().map(|&i| self.label(i)).collect();
                lines.sub(format!("{}: {}", words(status), listing(labels, ", ")));
            }
        }
    }

    fn person_lines(&self, person: ItemId, lines: &mut Lines) {
        let facts = self.facts.of(person);
        let teams: Vec<String> = self
            .teams_of(person)
            .iter()
            .map(|&t| self.label(t))
            .collect();
        match teams.len() {
            0 => {}
            1 => lines.add("Team", listing(teams, ", ")),
            _ => lines.add("Teams", listing(teams, ", ")),
        }
        lines.add_opt("Role", facts.text("role").map(escape));
        lines.add_opt("Email", facts.text("email").map(escape));
        let led: Vec<String> = self
            .teams_led_by(person)
            .iter()
            .map(|&t| self.label(t))
            .collect();
        if !led.is_empty() {
            lines.add("Leads", listing(led, ", "));
        }
        let owned = self.owned_by(person);
        if !owned.is_empty() {
            lines.add("Owns", String::new());
            for &item in owned.iter().take(MAX_LISTED) {
                let mut text = format!("{} {}", self.item(item).kind, self.label_with_status(item));
                if let Some(ScheduleState::Scheduled(s)) = self.schedule(item) {
                    if self.item(item).kind == Kind::Milestone {
                        write!(text, ", on {}", s.end).unwrap();
                    } else {
                        write!(text, ", {} to {}", s.start, s.end).unwrap();
                    }
                    if let Some(late) = s.slack.filter(|slack| *slack < 0) {
                        write!(text, ", {} late", days_text(-late)).unwrap();
                    }
                }
                lines.sub(text);
            }
            lines.more(owned.len());
        }
        let graph = &self.computed.graph;
        if let Some(peak) = load::peak(owned, graph, &self.computed.forecast) {
            let names: Vec<String> = peak
                .items
                .iter()
                .map(|&i| format!("`{}`", self.item(i).name))
                .collect();
            lines.add(
                "At once",
                format!(
                    "{} open initiatives from {} to {}: {}",
                    peak.items.len(),
                    peak.from,
                    peak.to,
                    listing(names, ", ")
                ),
            );
        }
    }

    fn initiative_lines(&self, item: ItemId, lines: &mut Lines) {
        let facts = self.facts.of(item);
        match facts.item("owner") {
            Some(owner) => {
                let mut text = self.person_label(owner);
                if let Some(&team) = self.teams_of(owner).first() {
                    write!(text, ", {}", self.display_name(team)).unwrap();
                }
                lines.add("Owner", text);
            }
            None => lines.add("Owner", "nobody yet".to_string()),
        }
        lines.add_opt("Team", facts.item("team").map(|t| self.label(t)));
        let mut status = words(self.status(item).unwrap_or("planned"));
        if let Some(health) = facts.word("health") {
            write!(status, ", health {health}").unwrap();
        }
        if let Some(progress) = facts.percent("progress").filter(|_| status != "done") {
            write!(status, ", {progress}% done").unwrap();
        }
        lines.add("Status", status);
        self.rollup_lines(item, lines);
        self.forecast_lines(item, lines);
        self.dependency_lines(item, "Depends on", lines);
        let dependents: Vec<String> = self
            .dependents(item)
            .into_iter()
            .map(|d| self.label_with_status(d))
            .collect();
        if !dependents.is_empty() {
            lines.add("Needed by", listing(dependents, ", "));
        }
        let milestones: Vec<String> = self
            .milestones_fed(item)
            .into_iter()
            .map(|m| match self.facts.of(m).date("date") {
                Some((date, _)) => format!("{}, {date}", self.label(m)),
                None => self.label(m),
            })
            .collect();
        if !milestones.is_empty() {
            lines.add("Feeds", listing(milestones, "; "));
        }
        self.exposure_lines(item, lines);
        lines.add_opt("Link", facts.text("link").map(escape));
    }

    fn milestone_lines(&self, item: ItemId, lines: &mut Lines) {
        let facts = self.facts.of(item);
        let date = facts.date("date").map(|(d, _)| d);
        lines.add_opt("Date", date.map(|d| d.to_string()));
        lines.add("Status", words(self.status(item).unwrap_or("planned")));
        lines.add_opt("Owner", facts.item("owner").map(|p| self.person_label(p)));
        match self.schedule(item) {
            Some(ScheduleState::Scheduled(s)) => {
                lines.add("Forecast", format!("{}, {}", s.end, wording::standing(s)));
                self.replan_line(item, lines);
            }
            Some(ScheduleState::Unscheduled { reason }) => {
                lines.add("Forecast", format!("unscheduled: {reason}"))
            }
            None => {}
        }
        let path = self.critical_path(item);
        if !path.is_empty() {
            let name = |i: &ItemId| format!("`{}`", self.item(*i).name);
            let names: Vec<String> = if path.len() <= MAX_LISTED {
                path.iter().map(name).collect()
            } else {
                // The start and the end of a long path say where it comes from and goes to.
                let head = path[..3].iter().map(name);
                let tail = path[path.len() - 4..].iter().map(name);
                head.chain([format!("… ({} more) …", path.len() - 7)])
                    .chain(tail)
                    .collect()
            };
            // The chain that drives the milestone is its critical path only when the milestone
            // is critical; with slack to spare it is the path that drives its date.
            let critical =
                matches!(self.schedule(item), Some(ScheduleState::Scheduled(s)) if s.critical);
            let heading = if critical {
                "Critical path"
            } else {
                "Driving path"
            };
            lines.add(heading, names.join(" → "));
        }
        self.dependency_lines(item, "Requires", lines);
        self.chase_lines(item, date, lines);
        self.exposure_lines(item, lines);
    }

    /// Who to chase for a milestone: its requirements that end after its date, with their
    /// owners, and blocked work anywhere upstream.
    fn chase_lines(&self, item: ItemId, date: Option<NaiveDate>, lines: &mut Lines) {
        let owner = |i: ItemId| {
            self.facts
                .of(i)
                .item("owner")
                .map_or_else(|| "no owner".to_string(), |p| self.person_label(p))
        };
        let late: Vec<String> = self
            .dependencies(item)
            .filter(|d| self.status(d.dependency) != Some("cancelled"))
            .filter_map(|d| {
                let (_, end) = self.computed.forecast.dates(d.dependency)?;
                let calendar = self.computed.forecast.calendar();
                let ready = calendar.ready(end, calendar.lag(d))?;
                let late = (ready - date?).num_days();
                (late > 0).then(|| {
                    format!(
                        "{}, ends {end}, {} late: {}",
                        self.label(d.dependency),
                        days_text(late),
                        owner(d.dependency)
                    )
                })
            })
            .collect();
        if !late.is_empty() {
            lines.add("Late", String::new());
            for text in late.iter().take(MAX_LISTED) {
                lines.sub(text.clone());
            }
            lines.more(late.len());
        }
        let blocked: Vec<String> = self
            .upstream(item)
            .into_iter()
            .filter(|&i| self.status(i) == Some("blocked"))
            .map(|i| format!("{}: {}", self.label(i), owner(i)))
            .collect();
        if !blocked.is_empty() {
            lines.add("Blocked upstream", String::new());
            for text in blocked.iter().take(MAX_LISTED) {
                lines.sub(text.clone());
            }
            lines.more(blocked.len());
        }
    }

    fn risk_lines(&self, risk: ItemId, lines: &mut Lines) {
        let facts = self.facts.of(risk);
        let level = |key: &str| {
            facts
                .level(key)
                .map(|n| format!("{} ({n})", words(schema::LEVELS[usize::from(n) - 1])))
        };
        match self.risk(risk) {
            Some(assessment) => lines.add(
                "Score",
                format!(
                    "{} of 25, {}: likelihood {} × impact {}",
                    assessment.score,
                    assessment.level,
                    level("likelihood").unwrap_or_default(),
                    level("impact").unwrap_or_default(),
                ),
            ),
            None => {
                lines.add_opt("Likelihood", level("likelihood"));
                lines.add_opt("Impact", level("impact"));
            }
        }
        lines.add("Status", words(self.status(risk).unwrap_or("open")));
        lines.add_opt("Owner", facts.item("owner").map(|p| self.person_label(p)));
        let affects: Vec<String> = facts
            .items("affects")
            .map(|(i, _, _)| self.label_with_status(i))
            .collect();
        if !affects.is_empty() {
            lines.add("Affects", listing(affects, ", "));
        }
        lines.add(
            "Mitigation",
            facts
                .text("mitigation")
                .map_or_else(|| "none yet".to_string(), escape),
        );
        let live = matches!(self.status(risk).unwrap_or("open"), "open" | "mitigating");
        let today = self.options.today;
        lines.add_opt(
            "Review",
            facts.date("review").map(|(date, _)| {
                if live && date < today {
                    format!(
                        "{date}, **overdue** by {}",
                        days_text((today - date).num_days())
                    )
                } else {
                    date.to_string()
                }
            }),
        );
    }

    /// A container's progress and health, rolled up from its parts.
    fn rollup_lines(&self, item: ItemId, lines: &mut Lines) {
        let rollup = self.rollup();
        if let Some(p) = rollup.progress(item) {
            let parts = if p.parts == 1 { "part" } else { "parts" };
            lines.add(
                "Progress",
                format!("{}% rolled up from {} {parts}", p.percent, p.parts),
            );
        }
        if let Some(h) = rollup.health(item) {
            lines.add(
                "Health",
                format!(
                    "{}, rolled up: `{}` is {}",
                    h.health,
                    self.item(h.part).name,
                    h.health
                ),
            );
        }
    }

    /// The forecast of an initiative: dates, then its standing (slack, critical).
    fn forecast_lines(&self, item: ItemId, lines: &mut Lines) {
        match self.schedule(item) {
            Some(ScheduleState::Scheduled(s)) => {
                let days = (s.end - s.start).num_days() + 1;
                lines.add(
                    "Forecast",
                    format!(
                        "{} to {} ({}), {}",
                        s.start,
                        s.end,
                        days_text(days),
                        wording::standing(s)
                    ),
                );
                self.replan_line(item, lines);
            }
            Some(ScheduleState::Unscheduled { reason }) => {
                lines.add("Forecast", format!("unscheduled: {reason}"))
            }
            None => {}
        }
    }

    /// How today moved the forecast away from the plan, when it did.
    fn replan_line(&self, item: ItemId, lines: &mut Lines) {
        if let Some(replan) = self.computed.forecast.replan(item) {
            lines.add(
                "From today",
                format!("{replan}; today is {}", self.options.today),
            );
        }
    }

    fn dependency_lines(&self, item: ItemId, heading: &str, lines: &mut Lines) {
        let dependencies: Vec<&Dependency> = self.dependencies(item).collect();
        if dependencies.is_empty() {
            return;
        }
        lines.add(heading, String::new());
        for d in dependencies.iter().take(MAX_LISTED) {
            let mut text = self.label_with_status(d.dependency);
            if let Some(ScheduleState::Scheduled(s)) = self.schedule(d.dependency) {
                write!(text, ", ends {}", s.end).unwrap();
            }
            let calendar = self.computed.forecast.calendar();
            match calendar.lag(d) {
                0 => {}
                1 if calendar.counts_working_days() => text.push_str(", then 1 working day of lag"),
                lag if calendar.counts_working_days() => {
                    write!(text, ", then {lag} working days of lag").unwrap()
                }
                lag => write!(text, ", then {} of lag", days_text(lag)).unwrap(),
            }
            lines.sub(text);
        }
        lines.more(dependencies.len());
    }

    /// The open risks on an item and upstream of it, highest first, each with where it bites.
    fn exposure_lines(&self, item: ItemId, lines: &mut Lines) {
        let exposure = self.exposure(item);
        if exposure.is_empty() {
            return;
        }
        let (reach, reached) = self.exposure_reach(item);
        let count = self.live_risks_on(&reached);
        lines.add(
            "Exposure",
            format!(
                "{count} open {}{}",
                if count == 1 { "risk" } else { "risks" },
                if count > TOP_EXPOSURE {
                    ", the top ones:"
                } else {
                    ""
                }
            ),
        );
        for &risk in exposure {
            let mut text = self.label(risk);
            if let Some(assessment) = self.risk(risk) {
                write!(text, ": {}, score {}", assessment.level, assessment.score).unwrap();
            }
            let on: Vec<String> = self
                .facts
                .of(risk)
                .items("affects")
                .filter(|(i, _, _)| reach[i.0])
                .map(|(i, _, _)| format!("`{}`", self.item(i).name))
                .collect();
            if !on.is_empty() && on != [format!("`{}`", self.item(item).name)] {
                write!(text, ", on {}", listing(on, ", ")).unwrap();
            }
            lines.sub(text);
        }
    }

    fn items_of(&self, kind: Kind) -> Vec<ItemId> {
        (0..self.index.len())
            .map(ItemId)
            .filter(|&i| self.item(i).kind == kind)
            .collect()
    }

    /// The title, else the ID.
    fn display_name(&self, item: ItemId) -> String {
        let info = self.item(item);
        escape(info.title.as_deref().unwrap_or(&info.name))
    }

    /// "Card tokenization service (`tokenization`)", or "`tokenization`" without a title.
    fn label(&self, item: ItemId) -> String {
        let info = self.item(item);
        match &info.title {
            Some(title) => format!("{} (`{}`)", escape(title), info.name),
            None => format!("`{}`", info.name),
        }
    }

    /// "Ana Diaz (`@dev_a`)".
    fn person_label(&self, person: ItemId) -> String {
        let info = self.item(person);
        match &info.title {
            Some(title) => format!("{} (`@{}`)", escape(title), info.name),
            None => format!("`@{}`", info.name),
        }
    }

    /// "Card tokenization service (`tokenization`, in progress)".
    fn label_with_status(&self, item: ItemId) -> String {
        let info = self.item(item);
        let Some(status) = self.status(item) else {
            return self.label(item);
        };
        match &info.title {
            Some(title) => format!("{} (`{}`, {})", escape(title), info.name, words(status)),
            None => format!("`{}` ({})", info.name, words(status)),
        }
    }
}

/// The lines of a hover: `- **Heading:** text`, with indented sub-items.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn add(&mut self, heading: &str, text: String) {
        if text.is_empty() {
            writeln!(self.0, "- **{heading}:**").unwrap();
        } else {
            writeln!(self.0, "- **{heading}:** {text}").unwrap();
        }
    }

    fn add_opt(&mut self, heading: &str, text: Option<String>) {
        if let Some(text) = text {
            self.add(heading, text);
        }
    }

    fn sub(&mut self, text: String) {
        writeln!(self.0, "  - {text}").unwrap();
    }

    /// After the first [`MAX_LISTED`] of `total` sub-items: how many were left out.
    fn more(&mut self, total: usize) {
        if total > MAX_LISTED {
            self.sub(format!("and {} more", total - MAX_LISTED));
        }
    }
}

/// At most [`MAX_LISTED`] entries joined by `separator`, then how many more there are.
fn listing(mut entries: Vec<String>, separator: &str) -> String {
    let more = entries.len().saturating_sub(MAX_LISTED);
    entries.truncate(MAX_LISTED);
    let mut text = entries.join(separator);
    if more > 0 {
        write!(text, "{separator}and {more} more").unwrap();
    }
    text
}

/// An enum word as words: `in_progress` reads "in progress".
fn words(word: &str) -> String {
    word.replace('_', " ")
}

fn days_text(days: i64) -> String {
    wording::days(days)
}

/// User text made safe for Markdown: characters that would format are escaped, and line breaks
/// inside a list item keep the item together.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, NaiveDate, Options, Workspace};

    fn analysis(text: &str) -> Analysis {
        let workspace = Workspace::from_texts([("a.plan", text)]);
        let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        analyze(&workspace, &Options { today })
    }

    fn hover_at(a: &Analysis, text: &str, needle: &str) -> Hover {
        let offset = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` in text"));
        a.hover(FileId(0), offset)
            .unwrap_or_else(|| panic!("a hover at `{needle}`"))
    }

    #[test]
    fn a_reference_and_its_definition_hover_the_same() {
        let text = "person ana \"Ana\"\ninitiative a \"A\" { owner: @ana }\n";
        let a = analysis(text);
        let on_definition = hover_at(&a, text, "ana \"Ana\"");
        let on_reference = hover_at(&a, text, "ana }");
        assert_eq!(on_definition.markdown, on_reference.markdown);
        assert!(on_definition.markdown.starts_with("**person** `ana`: Ana"));
        assert_eq!(&text[on_reference.span.start..on_reference.span.end], "ana");
    }

    #[test]
    fn an_unresolved_reference_says_it_names_nothing() {
        let text = "person ana \"Ana\"\ninitiative a \"A\" { owner: @anna depends_on: zzz }\n";
        let a = analysis(text);
        assert_eq!(
            hover_at(&a, text, "anna").markdown,
            "`@anna` names nothing in the workspace.\n\nDid you mean `ana`?\n"
        );
        assert_eq!(
            hover_at(&a, text, "zzz").markdown,
            "`zzz` names nothing in the workspace.\n"
        );
    }

    #[test]
    fn keys_and_kind_words_hover_what_the_schema_says() {
        let text = "milestone m { date: 2027-01-01 requires: x }\n";
        let a = analysis(text);
        assert_eq!(
            hover_at(&a, text, "date").markdown,
            "**`date`** of a milestone: The committed date.\n\nTakes a date like `2027-01-04`. Required.\n"
        );
        assert!(hover_at(&a, text, "requires")
            .markdown
            .contains(", separated by commas."));
        let kind = hover_at(&a, text, "milestone").markdown;
        assert!(
            kind.starts_with("**milestone**: A committed date"),
            "{kind}"
        );
        assert!(a.hover(FileId(0), text.find("2027").unwrap()).is_none());
        assert!(a.hover(FileId(7), 0).is_none());
    }

    #[test]
    fn user_text_cannot_format_the_hover() {
        assert_eq!(escape("a_b *c* `d`"), "a\\_b \\*c\\* \\`d\\`");
    }

    #[test]
    fn a_status_meeting_hears_who_to_chase_and_what_today_moved() {
        // Today is 2027-01-01.
        let text = "team apps \"Apps\" { members: @kim }\n\
            person kim \"Kim Ng\" { team: apps }\n\
            initiative a { owner: @kim status: in_progress start: 2026-12-01 duration: 40d progress: 25% }\n\
            initiative b { owner: @kim status: blocked start: 2026-12-20 duration: 1w }\n\
            initiative c { owner: @kim start: 2026-12-28 duration: 1w }\n\
            milestone m { date: 2027-01-20 requires: a, c }\n\
            initiative d { owner: @kim depends_on: b duration: 1w }\n\
            milestone n { date: 2027-06-01 requires: d }\n\
            risk r { owner: @kim likelihood: 1 impact: 1 review: 2026-12-25 }\n";
        let a = analysis(text);
        let team = hover_at(&a, text, "apps").markdown;
        assert!(
            team.contains("**Lead:** none: name one with `lead:`"),
            "{team}"
        );
        let work = hover_at(&a, text, "a {").markdown;
        assert!(
            work.contains(
                "**From today:** 25% done, so 30 days left from today; today is 2027-01-01"
            ),
            "{work}"
        );
        let late = hover_at(&a, text, "c {").markdown;
        assert!(
            late.contains("it was due to start 2026-12-28 and has not started"),
            "{late}"
        );
        let milestone = hover_at(&a, text, "m {").markdown;
        assert!(
            milestone.contains("`a`, in progress), ends 2027-01-30, 10 days late: Kim Ng (`@kim`)")
                || milestone.contains("ends 2027-01-30, 10 days late: Kim Ng"),
            "{milestone}"
        );
        let upstream = hover_at(&a, text, "n {").markdown;
        assert!(upstream.contains("**Blocked upstream:**"), "{upstream}");
        assert!(upstream.contains("`b`"), "{upstream}");
        let person = hover_at(&a, text, "kim \"").markdown;
        assert!(
            person.contains("`a` (in progress), 2026-12-01 to 2027-01-30, 10 days late"),
            "{person}"
        );
        assert!(
            person.contains("**At once:** 3 open initiatives from 2027-01-01 to 2027-01-07"),
            "{person}"
        );
        let risk = hover_at(&a, text, "r {").markdown;
        assert!(risk.contains("2026-12-25, **overdue** by 7 days"), "{risk}");
    }
}
