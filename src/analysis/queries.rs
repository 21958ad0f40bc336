//! Questions about how items relate, for hover and the server: what an item depends on and what
//! depends on it, what a person owns and leads, who is on a team and what work it has.

use crate::analysis::facts::Facts;
use crate::analysis::graph::Dependency;
use crate::analysis::index::{Index, ItemId};
use crate::analysis::schema::{self, ValueType};
use crate::analysis::Analysis;
use crate::syntax::Kind;

/// The reverse of the facts' references, built once per analysis: by item, who points at it.
/// (Dependencies and dependents come from the [`DependencyGraph`](super::DependencyGraph).)
#[derive(Clone, Debug, Default)]
pub struct Relations {
    owned: Vec<Vec<ItemId>>,
    led: Vec<Vec<ItemId>>,
    members: Vec<Vec<ItemId>>,
    teams_of: Vec<Vec<ItemId>>,
    work_of_team: Vec<Vec<ItemId>>,
    risks_on: Vec<Vec<ItemId>>,
}

impl Relations {
    /// The risks whose `affects` names `item`, in workspace order.
    pub fn risks_on(&self, item: ItemId) -> &[ItemId] {
        &self.risks_on[item.0]
    }

    pub fn build(index: &Index, facts: &Facts) -> Relations {
        let n = index.len();
        let mut r = Relations {
            owned: vec![Vec::new(); n],
            led: vec![Vec::new(); n],
            members: vec![Vec::new(); n],
            teams_of: vec![Vec::new(); n],
            work_of_team: vec![Vec::new(); n],
            risks_on: vec![Vec::new(); n],
        };
        for from in (0..n).map(ItemId) {
            let info = index.item(from);
            let f = facts.of(from);
            if let Some(owner) = f.item("owner") {
                r.owned[owner.0].push(from);
            }
            match info.kind {
                Kind::Team => {
                    if let Some(lead) = f.item("lead") {
                        r.led[lead.0].push(from);
                    }
                    for (person, _, _) in f.items("members") {
                        r.members[from.0].push(person);
                        r.teams_of[person.0].push(from);
                    }
                }
                Kind::Person => {
                    if let Some(team) = f.item("team") {
                        r.members[team.0].push(from);
                        r.teams_of[from.0].push(team);
                    }
                }
                Kind::Initiative => {
                    if let Some(team) = f.item("team") {
                        r.work_of_team[team.0].push(from);
                    }
                }
                Kind::Risk => {
                    for (item, _, _) in f.items("affects") {
                        r.risks_on[item.0].push(from);
                    }
                }
                Kind::Program | Kind::Milestone => {}
            }
        }
        for list in [&mut r.members, &mut r.teams_of, &mut r.risks_on] {
            for ids in list.iter_mut() {
                ids.sort();
                ids.dedup();
            }
        }
        r
    }

    /// What `person` is the `owner` of, in workspace order.
    pub fn owned(&self, person: ItemId) -> &[ItemId] {
        &self.owned[person.0]
    }
}

impl Analysis {
    /// What `item` waits for: an initiative's `depends_on`, a milestone's `requires`, in text
    /// order (references that resolve to an initiative or a milestone, with their lags).
    pub fn dependencies(&self, item: ItemId) -> impl Iterator<Item = &Dependency> + '_ {
        self.computed.graph.upstream(item).map(|(_, d)| d)
    }

    /// The initiatives and milestones that depend on or require `item` directly, in workspace
    /// order, each once.
    pub fn dependents(&self, item: ItemId) -> Vec<ItemId> {
        let mut dependents: Vec<ItemId> = self
            .computed
            .graph
            .downstream(item)
            .map(|(_, d)| d.dependent)
            .collect();
        dependents.sort();
        dependents.dedup();
        dependents
    }

    /// Everything `item` transitively depends on, nearest first, each once.
    pub fn upstream(&self, item: ItemId) -> Vec<ItemId> {
        self.walk(item, true)
    }

    /// Everything that transitively depends on `item`, nearest first, each once.
    pub fn downstream(&self, item: ItemId) -> Vec<ItemId> {
        self.walk(item, false)
    }

    /// The milestones `item` feeds: those downstream of it.
    pub fn milestones_fed(&self, item: ItemId) -> Vec<ItemId> {
        self.downstream(item)
            .into_iter()
            .filter(|&i| self.item(i).kind == Kind::Milestone)
            .collect()
    }

    /// A breadth-first walk without recursion, so that long chains cannot overflow the stack;
    /// cycles end the walk where they close. The graph lists each item's neighbours in
    /// workspace order, so each step finds them in that order without sorting.
    fn walk(&self, start: ItemId, up: bool) -> Vec<ItemId> {
        let graph = &self.computed.graph;
        let mut seen = vec![false; self.index.len()];
        seen[start.0] = true;
        let mut order = Vec::new();
        let mut at = 0;
        let mut visit = |found: ItemId, order: &mut Vec<ItemId>| {
            if !seen[found.0] {
                seen[found.0] = true;
                order.push(found);
            }
        };
        let mut current = start;
        loop {
            if up {
                for (_, d) in graph.upstream(current) {
                    visit(d.dependency, &mut order);
                }
            } else {
                for (_, d) in graph.downstream(current) {
                    visit(d.dependent, &mut order);
                }
            }
            let Some(&next) = order.get(at) else {
                break;
            };
            current = next;
            at += 1;
        }
        order
    }

    /// An item's status word, with the kind's default (the first word of its list) when not
    /// given; `None` for kinds without a status.
    pub fn status(&self, item: ItemId) -> Option<&'static str> {
        let spec = schema::field_spec(self.item(item).kind, "status")?;
        let ValueType::Enum(words) = spec.value else {
            return None;
        };
        Some(self.facts.of(item).word("status").unwrap_or(words[0]))
    }

    /// The program of the workspace: the first program defined.
    pub fn program(&self) -> Option<ItemId> {
        (0..self.index.len())
            .map(ItemId)
            .find(|&i| self.item(i).kind == Kind::Program)
    }

    /// The items whose `owner` is `person`, in workspace order.
    pub fn owned_by(&self, person: ItemId) -> &[ItemId] {
        &self.computed.relations.owned[person.0]
    }

    /// The teams whose `lead` is `person`.
    pub fn teams_led_by(&self, person: ItemId) -> &[ItemId] {
        &self.computed.relations.led[person.0]
    }

    /// The teams a person is on: by their own `team` field or a team's `members`.
    pub fn teams_of(&self, person: ItemId) -> &[ItemId] {
        &self.computed.relations.teams_of[person.0]
    }

    /// The people on a team: its `members` and the people whose `team` it is, each once.
    pub fn team_members(&self, team: ItemId) -> &[ItemId] {
        &self.computed.relations.members[team.0]
    }

    /// A team's initiatives grouped by status, in the order of the statuses in the schema;
    /// statuses without work are left out.
    pub fn team_work(&self, team: ItemId) -> Vec<(&'static str, Vec<ItemId>)> {
        let work = &self.computed.relations.work_of_team[team.0];
        schema::INITIATIVE_STATUSES
            .iter()
            .map(|&status| {
                let items: Vec<ItemId> = work
                    .iter()
                    .copied()
                    .filter(|&i| self.status(i) == Some(status))
                    .collect();
                (status, items)
            })
            .filter(|(_, items)| !items.is_empty())
            .collect()
    }

    /// Where the risks that reach `item` sit: `item` and everything it transitively depends on,
    /// leaving out cancelled work outside its own cycle, whose risks do not flow on (as
    /// [`exposure`](Analysis::exposure) is computed). By item, whether it is reached, and the
    /// reached items.
    pub fn exposure_reach(&self, item: ItemId) -> (Vec<bool>, Vec<ItemId>) {
        let mut seen = vec![false; self.index.len()];
        seen[item.0] = true;
        let mut reached = vec![item];
        let mut at = 0;
        while at < reached.len() {
            let from = reached[at];
            at += 1;
            for (_, d) in self.computed.graph.upstream(from) {
                let up = d.dependency;
                if seen[up.0]
                    || (!self.computed.graph.same_cycle(from, up)
                        && self.computed.graph.status(up) == "cancelled")
                {
                    continue;
                }
                seen[up.0] = true;
                reached.push(up);
            }
        }
        (seen, reached)
    }

    /// How many live risks are on the `reached` items: the size of an item's whole exposure.
    pub fn live_risks_on(&self, reached: &[ItemId]) -> usize {
        let mut counted = std::collections::HashSet::new();
        reached
            .iter()
            .flat_map(|&i| self.risks_on(i))
            .filter(|&&r| crate::analysis::risk::is_live(&self.facts, r) && counted.insert(r))
            .count()
    }

    /// The risks whose `affects` names `item` directly.
    pub fn risks_on(&self, item: ItemId) -> &[ItemId] {
        &self.computed.relations.risks_on[item.0]
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Analysis, NaiveDate, Options, Workspace};

    fn analysis(texts: &[(&str, &str)]) -> Analysis {
        let workspace = Workspace::from_texts(texts.iter().copied());
        let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        analyze(&workspace, &Options { today })
    }

    fn names(a: &Analysis, ids: &[crate::analysis::ItemId]) -> Vec<String> {
        ids.iter().map(|&i| a.item(i).name.clone()).collect()
    }

    const PLAN: &str = r#"
program p "P" { owner: @maria }
team payments "Payments" { lead: @maria members: @ana }
team identity "Identity" { lead: @lee members: @maria }
person maria "Maria" { team: payments }
person ana "Ana"
person lee "Lee" { team: identity }
initiative vault "Vault" { owner: @ana team: payments status: blocked duration: 1w }
initiative tokens "Tokens" { owner: @ana team: payments status: in_progress depends_on: vault + 1w duration: 1w }
initiative ui "UI" { owner: @maria team: payments depends_on: tokens, vault duration: 1w }
initiative sso "SSO" { owner: @lee team: identity status: done duration: 1w }
milestone beta "Beta" { date: 2027-03-01 owner: @maria requires: ui, sso }
milestone ga "GA" { date: 2027-05-01 requires: beta }
risk audit "Audit" { owner: @maria affects: tokens, beta }
"#;

    #[test]
    fn dependencies_and_dependents_follow_depends_on_and_requires() {
        let a = analysis(&[("a.plan", PLAN)]);
        let id = |n| a.lookup(n).unwrap();
        let deps: Vec<_> = a.dependencies(id("tokens")).collect();
        assert_eq!(deps.len(), 1);
        assert_eq!((deps[0].dependency, deps[0].lag_days), (id("vault"), 7));
        assert_eq!(names(&a, &a.dependents(id("vault"))), ["tokens", "ui"]);
        assert_eq!(names(&a, &a.dependents(id("beta"))), ["ga"]);
        let required: Vec<_> = a.dependencies(id("beta")).map(|d| d.dependency).collect();
        assert_eq!(names(&a, &required), ["ui", "sso"]);
        assert_eq!(names(&a, &a.upstream(id("ui"))), ["tokens", "vault"]);
        assert_eq!(names(&a, &a.milestones_fed(id("vault"))), ["beta", "ga"]);
        assert_eq!(a.dependencies(id("audit")).count(), 0);
    }

    #[test]
    fn people_own_lead_and_belong() {
        let a = analysis(&[("a.plan", PLAN)]);
        let id = |n| a.lookup(n).unwrap();
        assert_eq!(
            names(&a, a.owned_by(id("maria"))),
            ["p", "ui", "beta", "audit"]
        );
        assert_eq!(names(&a, a.teams_led_by(id("maria"))), ["payments"]);
        assert_eq!(names(&a, a.teams_of(id("maria"))), ["payments", "identity"]);
        assert_eq!(names(&a, a.team_members(id("payments"))), ["maria", "ana"]);
        assert_eq!(names(&a, a.team_members(id("identity"))), ["maria", "lee"]);
    }

    #[test]
    fn a_team_has_work_by_status_in_schema_order() {
        let a = analysis(&[("a.plan", PLAN)]);
        let id = |n| a.lookup(n).unwrap();
        let work: Vec<(&str, Vec<String>)> = a
            .team_work(id("payments"))
            .into_iter()
            .map(|(s, items)| (s, names(&a, &items)))
            .collect();
        assert_eq!(
            work,
            vec![
                ("planned", vec!["ui".to_string()]),
                ("in_progress", vec!["tokens".to_string()]),
                ("blocked", vec!["vault".to_string()]),
            ]
        );
        assert_eq!(a.status(id("ga")), Some("planned"));
        assert_eq!(a.status(id("audit")), Some("open"));
        assert_eq!(a.status(id("maria")), None);
        assert_eq!(names(&a, a.risks_on(id("beta"))), ["audit"]);
    }

    #[test]
    fn walks_end_where_a_cycle_closes_and_survive_long_chains() {
        let a = analysis(&[(
            "a.plan",
            "initiative a { depends_on: b }\ninitiative b { depends_on: a }\n",
        )]);
        let id = |n| a.lookup(n).unwrap();
        assert_eq!(names(&a, &a.upstream(id("a"))), ["b"]);

        let mut text = String::from("milestone m0 { date: 2027-01-01 }\n");
        for i in 1..10_000 {
            text.push_str(&format!("initiative m{i} {{ depends_on: m{} }}\n", i - 1));
        }
        let a = analysis(&[("chain.plan", &text)]);
        assert_eq!(a.downstream(a.lookup("m0").unwrap()).len(), 9_999);
    }
}
