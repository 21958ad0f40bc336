//! The dependency graph: `depends_on` and `requires` references between initiatives and
//! milestones, with their lags; the order the forecast walks them in; cycles and self-dependencies.
//!
//! Strongly connected components come from petgraph's `kosaraju_scc`, which is iterative:
//! petgraph 0.8's `tarjan_scc` recurses once per node and overflows the stack on a long chain.

use std::collections::HashSet;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::analysis::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::analysis::facts::Facts;
use crate::analysis::index::{Index, ItemId};
use crate::analysis::workspace::{FileId, Workspace};
use crate::syntax::{Kind, Span, ValueKind};

/// One resolved reference in a `depends_on` or `requires` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The item whose field names the dependency.
    pub dependent: ItemId,
    /// The item it waits for.
    pub dependency: ItemId,
    /// Free days between the dependency's end and the dependent's start.
    pub lag_days: i64,
    /// The same lag in working days (`1w` is 5), which a working-days program counts.
    pub lag_working_days: i64,
    /// `depends_on` or `requires`; `parent` for the roll-up of a part into the initiative it is
    /// part of (the part is the dependency: the parent's dates wait for it).
    pub key: &'static str,
    /// The item whose field holds the reference: the dependent; for a `depends_on` a part
    /// inherits, the ancestor that wrote it; for a roll-up, the part.
    pub written_in: ItemId,
    /// The file of `written_in`, where the reference is written.
    pub file: FileId,
    /// The reference's place among the resolved references of its field; its span is read from
    /// the facts, so that the graph holds no position and outlives edits that move text.
    pub position: usize,
}

impl Dependency {
    /// "depends on" or "requires", for messages.
    pub fn verb(&self) -> &'static str {
        match self.key {
            "requires" => "requires",
            "parent" => "contains",
            _ => "depends on",
        }
    }

    /// Whether the parent's dates roll up from this part (a work breakdown).
    pub fn is_roll_up(&self) -> bool {
        self.key == "parent"
    }

    /// Whether the dependent inherits it from an initiative it is part of.
    pub fn is_inherited(&self) -> bool {
        self.written_in != self.dependent
    }

    pub fn is_self(&self) -> bool {
        self.dependent == self.dependency
    }

    /// The dependency's name where it is written in the dependent's field.
    pub fn span(&self, facts: &Facts) -> Span {
        facts
            .of(self.written_in)
            .items(self.key)
            .nth(self.position)
            .map(|(_, _, span)| span)
            .expect("a dependency comes from its dependent's facts")
    }
}

/// One dependency cycle: `items[i]` depends on `items[i + 1]`, and the last depends on the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// Starts with the item defined first in the workspace.
    pub items: Vec<ItemId>,
    /// `edges[i]` is the reference in `items[i]` naming the next item; the last one closes the cycle.
    pub edges: Vec<usize>,
}

/// Every dependency of the workspace and the order to walk them in.
///
/// The references are kept in flat arrays (by item, a range of edges), so that an edit that
/// changes one file's dependencies copies arrays instead of allocating a list per item.
#[derive(Clone, Debug, Default)]
pub struct DependencyGraph {
    /// Grouped by dependent, items in workspace order, each item's in text order.
    dependencies: Vec<Dependency>,
    /// By item, and one more at the end: where its own references start in `dependencies`.
    upstream_start: Vec<u32>,
    /// The edges grouped by the item they name, each group in workspace order.
    downstream_edges: Vec<u32>,
    /// By item, and one more at the end: where the references naming it start in
    /// `downstream_edges`.
    downstream_start: Vec<u32>,
    /// Every item after everything it depends on; the items of one cycle sit together.
    order: Vec<ItemId>,
    /// By item: its place in `order`.
    position: Vec<u32>,
    /// By item: whether it belongs to a cycle (a strongly connected component of two or more).
    in_cycle: Vec<bool>,
    /// By item: its strongly connected component.
    component: Vec<usize>,
    cycles: Vec<Cycle>,
    /// By item: the first reported cycle through it.
    cycle_of: Vec<Option<usize>>,
    /// By item: the status of an initiative or milestone, read once because every pass asks.
    statuses: Vec<&'static str>,
    /// Whether any initiative names a `parent`: its relations cross files, so an edit rebuilds.
    has_breakdown: bool,
}

/// The dependency field of a kind, if it has one.
fn dependency_key(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Initiative => Some("depends_on"),
        Kind::Milestone => Some("requires"),
        _ => None,
    }
}

/// The work breakdown: each initiative's `parent` and parts.
#[derive(Default)]
struct Breakdown {
    parent: Vec<Option<ItemId>>,
    parts: Vec<Vec<ItemId>>,
    /// Whether any initiative names a parent; asked once per item, so kept, not counted.
    any: bool,
}

impl Breakdown {
    fn build(index: &Index, facts: &Facts) -> Breakdown {
        let count = index.len();
        let mut breakdown = Breakdown {
            parent: vec![None; count],
            parts: vec![Vec::new(); count],
            any: false,
        };
        for (item, info) in index.iter() {
            if info.kind != Kind::Initiative {
                continue;
            }
            if let Some(parent) = facts.of(item).item("parent") {
                breakdown.parent[item.0] = Some(parent);
                breakdown.parts[parent.0].push(item);
                breakdown.any = true;
            }
        }
        breakdown
    }

    fn is_empty(&self) -> bool {
        !self.any
    }

    /// The initiatives `item` is part of, nearest first; a loop of parents stops where it closes.
    fn ancestors(&self, item: ItemId) -> Vec<ItemId> {
        let mut chain = Vec::new();
        let mut current = item;
        while let Some(p) = self.parent.get(current.0).copied().flatten() {
            if p == item || chain.contains(&p) {
                break;
            }
            chain.push(p);
            current = p;
        }
        chain
    }
}

/// Appends the resolved `depends_on` or `requires` references of `item` to `out`, then the
/// `depends_on` it inherits from the initiatives it is part of, then its parts' roll-ups.
fn collect_dependencies(
    index: &Index,
    facts: &Facts,
    item: ItemId,
    breakdown: &Breakdown,
    out: &mut Vec<Dependency>,
) {
    let info = index.item(item);
    let Some(key) = dependency_key(info.kind) else {
        return;
    };
    collect_written(index, facts, item, item, key, out);
    if info.kind != Kind::Initiative || breakdown.is_empty() {
        return;
    }
    for ancestor in breakdown.ancestors(item) {
        let from = out.len();
        collect_written(index, facts, ancestor, item, "depends_on", out);
        // What the initiative itself is part of is no dependency of its parts.
        let mut kept = from;
        for at in from..out.len() {
            if out[at].dependency != item {
                out.swap(kept, at);
                kept += 1;
            }
        }
        out.truncate(kept);
    }
    for &part in &breakdown.parts[item.0] {
        out.push(Dependency {
            dependent: item,
            dependency: part,
            lag_days: 0,
            lag_working_days: 0,
            key: "parent",
            written_in: part,
            file: index.item(part).file,
            position: 0,
        });
    }
}

/// The references `written_in`'s `key` holds, as dependencies of `dependent`.
fn collect_written(
    index: &Index,
    facts: &Facts,
    written_in: ItemId,
    dependent: ItemId,
    key: &'static str,
    out: &mut Vec<Dependency>,
) {
    let info = index.item(written_in);
    let f = facts.of(written_in);
    for (position, ((dependency, lag_days, _), lag_working_days)) in
        f.items(key).zip(f.working_lags(key)).enumerate()
    {
        out.push(Dependency {
            dependent,
            dependency,
            lag_days,
            lag_working_days,
            key,
            written_in,
            file: info.file,
            position,
        });
    }
}

fn status_of(facts: &Facts, item: ItemId) -> &'static str {
    facts.of(item).word("status").unwrap_or("planned")
}

impl DependencyGraph {
    /// Builds the graph from the resolved `depends_on` and `requires` references in `facts`.
    pub fn build(index: &Index, facts: &Facts) -> DependencyGraph {
        let count = index.len();
        let mut dependencies = Vec::new();
        let breakdown = Breakdown::build(index, facts);
        for item in (0..count).map(ItemId) {
            collect_dependencies(index, facts, item, &breakdown, &mut dependencies);
        }
        let mut graph = DependencyGraph {
            has_breakdown: !breakdown.is_empty(),
            in_cycle: vec![false; count],
            cycle_of: vec![None; count],
            statuses: (0..count).map(|i| status_of(facts, ItemId(i))).collect(),
            ..DependencyGraph::default()
        };
        graph.set_dependencies(dependencies, count);

        // Nodes are items by position; an edge runs from a dependency to its dependent.
        let mut petgraph: DiGraph<(), ()> = DiGraph::with_capacity(count, graph.dependencies.len());
        for _ in 0..count {
            petgraph.add_node(());
        }
        for d in graph.dependencies.iter().filter(|d| !d.is_self()) {
            petgraph.add_edge(
                NodeIndex::new(d.dependency.0),
                NodeIndex::new(d.dependent.0),
                (),
            );
        }
        // Components come sinks first; reversed, every item follows what it depends on.
        let components = kosaraju_scc(&petgraph);
        graph.component = vec![0; count];
        for (c, members) in components.iter().enumerate() {
            for node in members {
                graph.component[node.index()] = c;
            }
        }
        for members in components.iter().rev() {
            let mut members: Vec<ItemId> = members.iter().map(|n| ItemId(n.index())).collect();
            members.sort();
            if members.len() > 1 {
                for m in &members {
                    graph.in_cycle[m.0] = true;
                }
            }
            graph.order.extend(members);
        }
        graph.position = vec![0; count];
        for (at, item) in graph.order.iter().enumerate() {
            graph.position[item.0] = at as u32;
        }
        graph.find_cycles();
        graph
    }

    /// The graph after the items of `files` changed their references or statuses, or `None`
    /// when that cannot be a patch: a changed item on a cycle, or a new reference against the
    /// order (which may close a cycle). Everything else is kept: the order stays valid when no
    /// reference runs against it, and the cycles lie among unchanged items.
    pub fn update(
        &self,
        index: &Index,
        facts: &Facts,
        files: &[FileId],
    ) -> Option<DependencyGraph> {
        let count = index.len();
        // A work breakdown ties items of other files to the edited ones (inherited
        // dependencies, roll-ups): the graph is built again, and so is the forecast.
        let adds_breakdown = files
            .iter()
            .flat_map(|&file| index.items_in(file))
            .any(|item| facts.of(item).has("parent"));
        if count != self.statuses.len() || self.has_breakdown || adds_breakdown {
            return None;
        }
        let no_breakdown = Breakdown::default();
        let mut dependencies = Vec::with_capacity(self.dependencies.len() + 16);
        // By old edge: its number in the new graph, for the edges of the cycles.
        let mut kept_from = 0;
        let mut shifts: Vec<(usize, usize, isize)> = Vec::new();
        let mut statuses = self.statuses.clone();
        let mut files = files.to_vec();
        files.sort();
        for &file in &files {
            let items = index.item_range(file);
            let (first, end) = (items.start, items.end);
            if (first..end).any(|i| self.in_cycle[i]) {
                return None;
            }
            let (old_first, old_end) = (
                self.upstream_start[first] as usize,
                self.upstream_start[end] as usize,
            );
            shifts.push((
                kept_from,
                old_first,
                dependencies.len() as isize - kept_from as isize,
            ));
            dependencies.extend_from_slice(&self.dependencies[kept_from..old_first]);
            for item in (first..end).map(ItemId) {
                statuses[item.0] = status_of(facts, item);
                let from = dependencies.len();
                collect_dependencies(index, facts, item, &no_breakdown, &mut dependencies);
                let against_order = dependencies[from..].iter().any(|d| {
                    !d.is_self() && self.position[d.dependency.0] >= self.position[item.0]
                });
                if against_order {
                    return None;
                }
            }
            kept_from = old_end;
        }
        shifts.push((
            kept_from,
            self.dependencies.len(),
            dependencies.len() as isize - kept_from as isize,
        ));
        dependencies.extend_from_slice(&self.dependencies[kept_from..]);
        let renumber = |edge: usize| {
            shifts
                .iter()
                .find(|(from, to, _)| (*from..*to).contains(&edge))
                .map(|(_, _, shift)| (edge as isize + shift) as usize)
                .expect("a cycle's edge lies among unchanged items")
        };
        let cycles = self
            .cycles
            .iter()
            .map(|c| Cycle {
                items: c.items.clone(),
                edges: c.edges.iter().map(|&e| renumber(e)).collect(),
            })
            .collect();
        let mut graph = DependencyGraph {
            order: self.order.clone(),
            position: self.position.clone(),
            in_cycle: self.in_cycle.clone(),
            component: self.component.clone(),
            cycles,
            cycle_of: self.cycle_of.clone(),
            statuses,
            ..DependencyGraph::default()
        };
        graph.set_dependencies(dependencies, count);
        Some(graph)
    }

    /// Takes `dependencies` (grouped by dependent, in workspace order) and indexes them both ways.
    fn set_dependencies(&mut self, dependencies: Vec<Dependency>, count: usize) {
        let mut upstream_start = vec![0u32; count + 1];
        let mut downstream_start = vec![0u32; count + 1];
        for d in &dependencies {
            upstream_start[d.dependent.0 + 1] += 1;
            downstream_start[d.dependency.0 + 1] += 1;
        }
        for i in 0..count {
            upstream_start[i + 1] += upstream_start[i];
            downstream_start[i + 1] += downstream_start[i];
        }
        let mut next = downstream_start.clone();
        let mut downstream_edges = vec![0u32; dependencies.len()];
        for (e, d) in dependencies.iter().enumerate() {
            let slot = &mut next[d.dependency.0];
            downstream_edges[*slot as usize] = e as u32;
            *slot += 1;
        }
        self.dependencies = dependencies;
        self.upstream_start = upstream_start;
        self.downstream_start = downstream_start;
        self.downstream_edges = downstream_edges;
    }

    /// The edges written in `item`.
    fn upstream_edges(&self, item: ItemId) -> std::ops::Range<usize> {
        self.upstream_start[item.0] as usize..self.upstream_start[item.0 + 1] as usize
    }

    /// The edges naming `item`.
    fn downstream_edges(&self, item: ItemId) -> &[u32] {
        let range =
            self.downstream_start[item.0] as usize..self.downstream_start[item.0 + 1] as usize;
        &self.downstream_edges[range]
    }

    /// Finds cycles that together cover every reference inside a cycle, each reported once.
    fn find_cycles(&mut self) {
        let component_of = std::mem::take(&mut self.component);
        let count = self.in_cycle.len();
        let mut covered = vec![false; self.dependencies.len()];
        let mut seen: HashSet<Vec<ItemId>> = HashSet::new();
        // Breadth-first search state, reused across searches: `stamp` marks what this search visited.
        let mut stamp = vec![0usize; count];
        let mut via = vec![usize::MAX; count];
        let mut search = 0;
        for first in 0..self.dependencies.len() {
            let d = &self.dependencies[first];
            let (from, to) = (d.dependent, d.dependency);
            if covered[first]
                || d.is_self()
                || !self.in_cycle[from.0]
                || component_of[from.0] != component_of[to.0]
            {
                continue;
            }
            // The shortest way back from `to` to `from`, following references within the cycle.
            search += 1;
            stamp[to.0] = search;
            let mut queue = std::collections::VecDeque::from([to]);
            while let Some(item) = queue.pop_front() {
                if item == from {
                    break;
                }
                for e in self.upstream_edges(item) {
                    let next = self.dependencies[e].dependency;
                    if stamp[next.0] != search && component_of[next.0] == component_of[from.0] {
                        stamp[next.0] = search;
                        via[next.0] = e;
                        queue.push_back(next);
                    }
                }
            }
            let mut back = Vec::new();
            let mut item = from;
            while item != to {
                let e = via[item.0];
                back.push(e);
                item = self.dependencies[e].dependent;
            }
            back.reverse();
            let mut edges = vec![first];
            edges.extend(back);
            for &e in &edges {
                covered[e] = true;
            }
            // Start with the item defined first, so that the same cycle reads the same way.
            let items: Vec<ItemId> = edges
                .iter()
                .map(|&e| self.dependencies[e].dependent)
                .collect();
            let start = (0..items.len()).min_by_key(|&i| items[i]).unwrap_or(0);
            let items: Vec<ItemId> = items[start..]
                .iter()
                .chain(&items[..start])
                .copied()
                .collect();
            let edges: Vec<usize> = edges[start..]
                .iter()
                .chain(&edges[..start])
                .copied()
                .collect();
            if seen.insert(items.clone()) {
                let number = self.cycles.len();
                for item in &items {
                    self.cycle_of[item.0].get_or_insert(number);
                }
                self.cycles.push(Cycle { items, edges });
            }
        }
        self.component = component_of;
    }

    /// Every resolved dependency reference, in workspace order.
    pub fn dependencies(&self) -> &[Dependency] {
        &self.dependencies
    }

    pub fn dependency(&self, edge: usize) -> &Dependency {
        &self.dependencies[edge]
    }

    /// The references written in `item`, in text order.
    pub fn upstream(&self, item: ItemId) -> impl Iterator<Item = (usize, &Dependency)> + '_ {
        self.upstream_edges(item)
            .map(|e| (e, &self.dependencies[e]))
    }

    /// The references that name `item`, in workspace order.
    pub fn downstream(&self, item: ItemId) -> impl Iterator<Item = (usize, &Dependency)> + '_ {
        self.downstream_edges(item)
            .iter()
            .map(|&e| (e as usize, &self.dependencies[e as usize]))
    }

    /// The status of an initiative or milestone; `planned` when not given.
    /// Whether an initiative has parts: its dates roll up from theirs.
    pub fn is_container(&self, item: ItemId) -> bool {
        self.upstream(item).any(|(_, d)| d.is_roll_up())
    }

    /// The initiatives that name `item` as their `parent`.
    pub fn parts(&self, item: ItemId) -> impl Iterator<Item = ItemId> + '_ {
        self.upstream(item)
            .filter(|(_, d)| d.is_roll_up() && !d.is_self())
            .map(|(_, d)| d.dependency)
    }

    pub fn status(&self, item: ItemId) -> &'static str {
        self.statuses[item.0]
    }

    /// Whether an item is `done` or `cancelled`.
    pub fn is_closed(&self, item: ItemId) -> bool {
        matches!(self.statuses[item.0], "done" | "cancelled")
    }

    /// Every item, each after everything it depends on (the items of a cycle side by side).
    pub fn order(&self) -> &[ItemId] {
        &self.order
    }

    /// Whether `item` lies on a dependency cycle (a self-dependency alone does not count).
    pub fn in_cycle(&self, item: ItemId) -> bool {
        self.in_cycle[item.0]
    }

    /// The first reported cycle through `item`.
    pub fn cycle_of(&self, item: ItemId) -> Option<&Cycle> {
        self.cycle_of[item.0].map(|c| &self.cycles[c])
    }

    /// The position in [`Self::cycles`] of the first reported cycle through `item`.
    pub fn cycle_number(&self, item: ItemId) -> Option<usize> {
        self.cycle_of[item.0]
    }

    pub fn cycles(&self) -> &[Cycle] {
        &self.cycles
    }

    /// Whether a reference joins two items of the same cycle.
    pub fn within_cycle(&self, edge: usize) -> bool {
        let d = &self.dependencies[edge];
        !d.is_self() && self.same_cycle(d.dependent, d.dependency)
    }

    /// Whether `a` lies on a cycle that `b` is also part of.
    pub fn same_cycle(&self, a: ItemId, b: ItemId) -> bool {
        self.in_cycle[a.0] && self.component[a.0] == self.component[b.0]
    }

    /// `a -> b -> c -> a`, in the items' names (a long cycle is abbreviated in the middle).
    pub fn spell(&self, cycle: &Cycle, index: &Index) -> String {
        let names = cycle
            .items
            .iter()
            .chain(&cycle.items[..1])
            .map(|&i| index.item(i).name.as_str());
        spell_chain(names.collect())
    }

    /// `dependency-cycle` once per cycle, on the reference that closes it, and `self-dependency`.
    pub fn diagnostics(
        &self,
        workspace: &Workspace,
        index: &Index,
        facts: &Facts,
    ) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for d in self.dependencies.iter().filter(|d| d.is_self()) {
            let name = &index.item(d.dependent).name;
            let mut diagnostic = Diagnostic::new(
                Code::SelfDependency,
                d.file,
                d.span(facts),
                format!(
                    "`{name}` {} itself; this reference is left out of the forecast",
                    d.verb()
                ),
            );
            if let Some(edit) = removal(workspace, index, facts, d) {
                diagnostic = diagnostic.with_fix(Fix {
                    title: format!("Remove `{name}` from `{}`", d.key),
                    edits: vec![edit],
                });
            }
            diagnostics.push(diagnostic);
        }
        for cycle in &self.cycles {
            let (&closing, others) = cycle.edges.split_last().expect("a cycle has edges");
            let d = &self.dependencies[closing];
            let mut diagnostic = Diagnostic::new(
                Code::DependencyCycle,
                d.file,
                d.span(facts),
                format!(
                    "dependency cycle: {}; none of these can be forecast until one of the references is removed",
                    self.spell(cycle, index)
                ),
            );
            diagnostic.data.cycle = Some(
                cycle
                    .items
                    .iter()
                    .chain(&cycle.items[..1])
                    .map(|&i| index.item(i).name.clone())
                    .collect(),
            );
            for &e in others {
                let other = &self.dependencies[e];
                diagnostic = diagnostic.with_related(
                    other.file,
                    other.span(facts),
                    format!(
                        "`{}` {} `{}` here",
                        index.item(other.dependent).name,
                        other.verb(),
                        index.item(other.dependency).name
                    ),
                );
            }
            diagnostics.push(diagnostic);
        }
        diagnostics
    }
}

/// The most names a chain shows in a message; a longer one keeps its ends and says how many
/// are left out, so that a cycle of 100,000 items does not make a message of a megabyte.
const CHAIN_NAMES_SHOWN: usize = 12;

/// `a -> b -> c`, or `a -> b -> c -> ... (95 more) ... -> x -> y -> z` when long.
pub fn spell_chain(names: Vec<&str>) -> String {
    if names.len() <= CHAIN_NAMES_SHOWN {
        return names.join(" -> ");
    }
    let head = CHAIN_NAMES_SHOWN / 2;
    let tail = CHAIN_NAMES_SHOWN - head;
    format!(
        "{} -> ... ({} more) ... -> {}",
        names[..head].join(" -> "),
        names.len() - head - tail,
        names[names.len() - tail..].join(" -> ")
    )
}

/// The edit that removes one reference from its list, with its lag and comma, or the whole
/// field (and its line, when it is alone there) when it is the only value.
pub fn removal(
    workspace: &Workspace,
    index: &Index,
    facts: &Facts,
    d: &Dependency,
) -> Option<Edit> {
    let written = d.span(facts);
    let info = index.item(d.written_in);
    let file = workspace.file(info.file);
    let item = file.syntax.items.get(info.index_in_file)?;
    let field = item.fields.iter().find(|f| f.key.text == d.key)?;
    let position = field.values.iter().position(|v| match &v.kind {
        ValueKind::Reference(r) => r.name.span == written,
        _ => false,
    })?;
    let values = &field.values;
    let span = if values.len() == 1 {
        whole_line(&file.text, field.span)
    } else if position > 0 {
        Span::new(values[position - 1].span.end, values[position].span.end)
    } else {
        Span::new(values[0].span.start, values[1].span.start)
    };
    Some(Edit {
        file: info.file,
        span,
        new_text: String::new(),
    })
}

/// `span` widened to its whole line when nothing else is written on that line.
fn whole_line(text: &str, span: Span) -> Span {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    let before = &text[line_start..span.start];
    let after = text[span.end..line_end].trim_end_matches('\n');
    if before.trim().is_empty() && after.trim().is_empty() {
        Span::new(line_start, line_end)
    } else {
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::workspace::Workspace;

    fn graph_of(text: &str) -> (Index, DependencyGraph) {
        let workspace = Workspace::from_texts([("t.plan", text)]);
        let index = Index::build(&workspace);
        let facts = Facts::build(&workspace, &index);
        let graph = DependencyGraph::build(&index, &facts);
        (index, graph)
    }

    fn spelled(text: &str) -> Vec<String> {
        let (index, graph) = graph_of(text);
        graph
            .cycles()
            .iter()
            .map(|c| graph.spell(c, &index))
            .collect()
    }

    #[test]
    fn a_cycle_reads_from_the_item_defined_first_and_closes_on_its_last_reference() {
        let text = "initiative c { depends_on: a }\ninitiative a { depends_on: b }\ninitiative b { depends_on: c }\n";
        let workspace = Workspace::from_texts([("t.plan", text)]);
        let index = Index::build(&workspace);
        let facts = Facts::build(&workspace, &index);
        let graph = DependencyGraph::build(&index, &facts);
        assert_eq!(graph.cycles().len(), 1);
        let cycle = &graph.cycles()[0];
        assert_eq!(graph.spell(cycle, &index), "c -> a -> b -> c");
        // The closing reference is `c` in b's depends_on.
        let closing = graph.dependency(*cycle.edges.last().unwrap());
        assert_eq!(index.item(closing.dependent).name, "b");
        let span = closing.span(&facts);
        assert_eq!(&text[span.start..span.end], "c");
        assert!(index.iter().all(|(i, _)| graph.in_cycle(i)));
    }

    #[test]
    fn every_reference_inside_a_tangle_is_on_a_reported_cycle() {
        // a <-> b and b <-> c: one strongly connected component, two cycles.
        let text = "initiative a { depends_on: b }\ninitiative b { depends_on: a, c }\ninitiative c { depends_on: b }\n";
        assert_eq!(spelled(text), vec!["a -> b -> a", "b -> c -> b"]);
        // A figure eight through `a`: both loops, each once.
        let text = "initiative a { depends_on: b, c }\ninitiative b { depends_on: a }\ninitiative c { depends_on: a }\n";
        assert_eq!(spelled(text), vec!["a -> b -> a", "a -> c -> a"]);
        // A cycle with a chord: the shortest way back first, then the longer one through `d`.
        let text = "initiative a { depends_on: b }\ninitiative b { depends_on: c }\ninitiative c { depends_on: d, a }\ninitiative d { depends_on: a }\n";
        assert_eq!(
            spelled(text),
            vec!["a -> b -> c -> a", "a -> b -> c -> d -> a"]
        );
    }

    #[test]
    fn a_self_dependency_is_not_a_cycle_and_work_next_to_a_cycle_is_not_in_it() {
        let text = "initiative a { depends_on: a }\ninitiative b { depends_on: c }\ninitiative c { depends_on: b }\ninitiative d { depends_on: b }\n";
        let (index, graph) = graph_of(text);
        assert_eq!(spelled(text), vec!["b -> c -> b"]);
        let id = |name| index.lookup(name).unwrap();
        assert!(!graph.in_cycle(id("a")));
        assert!(graph.in_cycle(id("b")) && graph.in_cycle(id("c")));
        assert!(!graph.in_cycle(id("d")));
        let order = graph.order();
        let at = |name| order.iter().position(|&i| i == id(name)).unwrap();
        assert!(at("b") < at("d") && at("c") < at("d"));
    }

    #[test]
    fn the_order_puts_every_item_after_what_it_depends_on() {
        let text = "milestone m { date: 2027-01-01 requires: z }\ninitiative z { depends_on: y + 1w }\ninitiative y { depends_on: x }\ninitiative x { }\n";
        let (index, graph) = graph_of(text);
        let names: Vec<&str> = graph
            .order()
            .iter()
            .map(|&i| index.item(i).name.as_str())
            .collect();
        assert_eq!(names, vec!["x", "y", "z", "m"]);
        let lag = graph
            .dependencies()
            .iter()
            .find(|d| index.item(d.dependency).name == "y")
            .unwrap()
            .lag_days;
        assert_eq!(lag, 7);
    }

    #[test]
    fn removing_a_reference_takes_its_comma_and_lag_or_the_whole_line() {
        let text = "initiative a {\n  depends_on: b + 1w, c\n}\ninitiative b { depends_on: c, b }\ninitiative c {\n  depends_on: c\n}\n";
        let workspace = Workspace::from_texts([("t.plan", text)]);
        let index = Index::build(&workspace);
        let facts = Facts::build(&workspace, &index);
        let graph = DependencyGraph::build(&index, &facts);
        let removed = |dependent: &str, dependency: &str| {
            let d = graph
                .dependencies()
                .iter()
                .find(|d| {
                    index.item(d.dependent).name == dependent
                        && index.item(d.dependency).name == dependency
                })
                .unwrap();
            let edit = removal(&workspace, &index, &facts, d).unwrap();
            let mut after = text.to_string();
            after.replace_range(edit.span.start..edit.span.end, &edit.new_text);
            after
        };
        assert!(removed("a", "b").contains("  depends_on: c\n"));
        assert!(removed("a", "c").contains("  depends_on: b + 1w\n"));
        assert!(removed("b", "b").contains("initiative b { depends_on: c }"));
        assert!(removed("c", "c").ends_with("initiative c {\n}\n"));
    }

    #[test]
    fn a_long_chain_is_abbreviated_in_the_middle() {
        let names: Vec<String> = (0..20).map(|i| format!("n{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            spell_chain(names[..12].to_vec()),
            "n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> n7 -> n8 -> n9 -> n10 -> n11"
        );
        assert_eq!(
            spell_chain(names),
            "n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> ... (8 more) ... -> n14 -> n15 -> n16 -> n17 -> n18 -> n19"
        );
    }
}
