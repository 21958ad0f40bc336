//! The pure analysis of a workspace: no I/O, no protocol types, no clock.
//!
//! Input: a [`Workspace`] of texts and [`Options`]; output: an [`Analysis`] that holds the
//! diagnostics and answers the queries the server and the command line need.

pub mod calendar;
pub mod completion;
pub mod diagnostic;
pub mod docs;
pub mod facts;
pub mod graph;
pub mod hover;
pub mod index;
pub mod load;
pub mod queries;
pub mod rename;
pub mod risk;
pub mod rollup;
pub mod schedule;
mod schedule_checks;
pub mod schema;
pub mod suggest;
pub mod validate;
pub mod wording;
pub mod workspace;

pub use chrono::NaiveDate;
pub use diagnostic::{Code, Data, Diagnostic, Edit, Fix, Related, Severity};
pub use graph::{Dependency, DependencyGraph};
pub use index::{Index, ItemId, ItemInfo, Location, ReferenceSite};
pub use risk::{RiskAssessment, RiskLevel};
pub use schedule::{ItemSchedule, ScheduleState};
pub use workspace::{FileId, SourceFile, Workspace};

use std::sync::{Arc, OnceLock};

use crate::syntax::{Kind, Span};
use facts::Facts;

/// What the analysis needs beyond the texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The date that counts as today, for `overdue`; never read from the clock here.
    pub today: NaiveDate,
}

/// Whether a name under the cursor is where an item is defined or where it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolRole {
    Definition,
    Reference,
}

/// The name under a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolAt {
    pub name: String,
    pub span: Span,
    pub role: SymbolRole,
    /// The item the name stands for; `None` for a reference that names nothing.
    pub item: Option<ItemId>,
}

/// A hover: Markdown about the name under the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The name the hover is about.
    pub span: Span,
    pub markdown: String,
}

/// The files a pass of the diagnostics reports on.
#[derive(Clone, Debug)]
pub struct FileSet(Vec<bool>);

impl FileSet {
    /// Every file of a workspace of `count` files.
    pub fn all(count: usize) -> FileSet {
        FileSet(vec![true; count])
    }

    /// None of `count` files.
    pub fn none(count: usize) -> FileSet {
        FileSet(vec![false; count])
    }

    pub fn insert(&mut self, file: FileId) {
        self.0[file.0] = true;
    }

    pub fn contains(&self, file: FileId) -> bool {
        self.0.get(file.0).copied().unwrap_or(false)
    }

    /// The files in the set, in order.
    pub fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, &inside)| inside)
            .map(|(n, _)| FileId(n))
    }
}

/// The keys whose values the dependency graph reads.
const GRAPH_KEYS: &[&str] = &["depends_on", "requires", "status"];
/// The keys whose values say who owns, leads and belongs to what, and what a risk affects: the
/// relations read them, and so does the validation of other items (a missing owner's fix names
/// the team's lead).
const RELATION_KEYS: &[&str] = &["owner", "lead", "members", "team", "affects"];

/// What the graph, the forecast and risk computed: shared by analyses whose facts mean the same.
#[derive(Debug)]
struct Computed {
    graph: Arc<DependencyGraph>,
    forecast: schedule::Forecast,
    risk: risk::RiskReport,
    relations: Arc<queries::Relations>,
}

impl Computed {
    /// Computes what `reuse` does not provide: a graph whose inputs did not change, relations
    /// whose inputs did not change.
    fn compute(
        index: &Index,
        facts: &Facts,
        today: NaiveDate,
        reuse: Reuse,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<Computed> {
        let graph = match reuse.graph {
            Some(graph) => graph,
            None => Arc::new(DependencyGraph::build(index, facts)),
        };
        if cancelled() {
            return None;
        }
        let forecast = schedule::Forecast::compute(index, facts, &graph, today);
        if cancelled() {
            return None;
        }
        let risk = risk::RiskReport::compute(index, facts, &graph);
        let relations = match reuse.relations {
            Some(relations) => relations,
            None => Arc::new(queries::Relations::build(index, facts)),
        };
        Some(Computed {
            graph,
            forecast,
            risk,
            relations,
        })
    }
}

/// An edit as [`Computed::update`] sees it: the files that changed and the facts before.
struct FileEdit<'a> {
    files: &'a [FileId],
    old_facts: &'a Facts,
}

impl Computed {
    /// What `old` becomes after the items of `changed` files changed their values, the same
    /// items still defined: the graph patched, and the forecast and exposure passed again only
    /// where the edit reaches. Returns `None` when cancelled, and whether the result came by
    /// patching (so that only the items it reports moved need their diagnostics made again).
    fn update(
        old: &Computed,
        index: &Index,
        facts: &Facts,
        edit: &FileEdit,
        today: NaiveDate,
        reuse: Reuse,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<(Computed, bool)> {
        let (changed, old_facts) = (edit.files, edit.old_facts);
        let graph_alike = reuse.graph.is_some();
        let graph = match reuse.graph {
            Some(graph) => Some(graph),
            None => old.graph.update(index, facts, changed).map(Arc::new),
        };
        let Some(graph) = graph else {
            let reuse = Reuse {
                graph: None,
                ..reuse
            };
            return Computed::compute(index, facts, today, reuse, cancelled).map(|c| (c, false));
        };
        if cancelled() {
            return None;
        }
        let old_graph = if graph_alike { &graph } else { &old.graph };
        let forecast = old
            .forecast
            .update(index, facts, &graph, old_graph, changed, today);
        if cancelled() {
            return None;
        }
        let relations = match reuse.relations {
            Some(relations) => relations,
            None => Arc::new(queries::Relations::build(index, facts)),
        };
        // The items the changed files' risks affected before the edit and affect now.
        let mut targets = Vec::new();
        for &file in changed {
            for item in index.items_in(file) {
                if index.item(item).kind == Kind::Risk {
                    for f in [old_facts.of(item), facts.of(item)] {
                        targets.extend(f.items("affects").map(|(target, _, _)| target));
                    }
                }
            }
        }
        let risk = old
            .risk
            .update(index, facts, &graph, changed, &targets, |item| {
                relations.risks_on(item)
            });
        Some((
            Computed {
                graph,
                forecast,
                risk,
                relations,
            },
            true,
        ))
    }

    /// The items whose forecast, path or blocked state differ between `old` and `self`: with
    /// the items of the changed files, the only ones whose schedule diagnostics can differ,
    /// together with the items that depend on them.
    fn moved_items(&self, old: &Computed, index: &Index) -> Vec<ItemId> {
        let (new, old) = (&self.forecast, &old.forecast);
        let count = index.len();
        let mut moved = Vec::new();
        // A milestone's message spells its critical path: it moves when any predecessor on
        // the path changes. Predecessors come earlier in the order, so one pass finds them.
        let mut path_moved = vec![false; count];
        for &item in self.graph.order() {
            let i = item.0;
            path_moved[i] = new.predecessor(item) != old.predecessor(item)
                || new.predecessor(item).is_some_and(|p| path_moved[p.0]);
            if path_moved[i]
                || new.state(item) != old.state(item)
                || new.commitment(item) != old.commitment(item)
                || new.nearest_blocked(item) != old.nearest_blocked(item)
            {
                moved.push(item);
            }
        }
        moved
    }
}

/// The parts of an earlier [`Computed`] that still hold.
#[derive(Default)]
struct Reuse {
    graph: Option<Arc<DependencyGraph>>,
    relations: Option<Arc<queries::Relations>>,
}

/// The result of analysing a workspace. Cheap to clone: its parts are shared.
#[derive(Clone, Debug)]
pub struct Analysis {
    workspace: Workspace,
    options: Options,
    index: Index,
    facts: Facts,
    computed: Arc<Computed>,
    /// By file: the diagnostics of its own text and the definitions (syntax and validation),
    /// and those of the graph, the forecast and risk; each ordered by position and code.
    local: Vec<Arc<Vec<Diagnostic>>>,
    global: Vec<Arc<Vec<Diagnostic>>>,
    /// By file: both, ordered by position and code.
    diagnostics: Vec<Arc<Vec<Diagnostic>>>,
    /// Every diagnostic in one list, made when first asked for.
    all_diagnostics: Arc<OnceLock<Vec<Diagnostic>>>,
}

/// Analyses the whole workspace: every diagnostic in one run, in a deterministic order.
pub fn analyze(workspace: &Workspace, options: &Options) -> Analysis {
    analyze_unless(workspace, options, &|| false).expect("never cancelled")
}

/// [`analyze`], giving up between stages once `cancelled` says the result is no longer wanted
/// (the server's newer change makes a running analysis stale).
pub fn analyze_unless(
    workspace: &Workspace,
    options: &Options,
    cancelled: &dyn Fn() -> bool,
) -> Option<Analysis> {
    let index = Index::build(workspace);
    if cancelled() {
        return None;
    }
    let facts = Facts::build(workspace, &index);
    if cancelled() {
        return None;
    }
    let computed = Arc::new(Computed::compute(
        &index,
        &facts,
        options.today,
        Reuse::default(),
        cancelled,
    )?);
    let all = FileSet::all(workspace.files().len());
    let local: Vec<_> = diagnose_local(workspace, &index, &facts, &all)
        .into_iter()
        .map(Arc::new)
        .collect();
    let global: Vec<_> = diagnose_global(workspace, &index, &facts, &computed, options.today, &all)
        .into_iter()
        .map(Arc::new)
        .collect();
    let diagnostics = local
        .iter()
        .zip(&global)
        .map(|(local, global)| Arc::new(merged(local, global)))
        .collect();
    Some(Analysis {
        workspace: workspace.clone(),
        options: options.clone(),
        index,
        facts,
        computed,
        local,
        global,
        diagnostics,
        all_diagnostics: Arc::default(),
    })
}

/// The syntax and validation diagnostics of the files in `only`, by file (empty for the
/// others), each file's sorted: they read the file itself, the definitions and the relations.
fn diagnose_local(
    workspace: &Workspace,
    index: &Index,
    facts: &Facts,
    only: &FileSet,
) -> Vec<Vec<Diagnostic>> {
    let mut found = Vec::new();
    for file in only.files() {
        for error in &workspace.file(file).syntax.errors {
            found.push(Diagnostic::new(
                Code::SyntaxError,
                file,
                error.span,
                error.message.clone(),
            ));
        }
    }
    validate::check(workspace, index, facts, only, &mut found);
    by_file(found, workspace.files().len(), only)
}

/// The diagnostics of the graph, the forecast and risk in the files of `only`, by file (empty
/// for the others), each file's sorted.
fn diagnose_global(
    workspace: &Workspace,
    index: &Index,
    facts: &Facts,
    computed: &Computed,
    today: NaiveDate,
    only: &FileSet,
) -> Vec<Vec<Diagnostic>> {
    let Computed {
        graph,
        forecast,
        risk,
        relations,
    } = computed;
    let mut found = graph.diagnostics(workspace, index, facts);
    found.extend(schedule_checks::diagnostics(
        workspace, index, facts, graph, forecast, relations, today, only,
    ));
    found.extend(risk.diagnostics(index, facts));
    by_file(found, workspace.files().len(), only)
}

/// `found` by file, each file's sorted, leaving out the files not in `only`.
fn by_file(found: Vec<Diagnostic>, files: usize, only: &FileSet) -> Vec<Vec<Diagnostic>> {
    let mut by_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); files];
    for diagnostic in found {
        if only.contains(diagnostic.file) {
            by_file[diagnostic.file.0].push(diagnostic);
        }
    }
    for diagnostics in &mut by_file {
        sort_diagnostics(diagnostics);
    }
    by_file
}

/// One file's diagnostics: its local ones, then the global ones, ordered by position and code
/// (a stable sort, so the order is the one a single pass would give).
fn merged(local: &[Diagnostic], global: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut all: Vec<Diagnostic> = local.iter().chain(global).cloned().collect();
    sort_diagnostics(&mut all);
    all
}

fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.file, a.span.start, a.span.end, a.code).cmp(&(b.file, b.span.start, b.span.end, b.code))
    });
}

impl Analysis {
    /// The analysis of `workspace`, reusing what this analysis of an earlier version of it still
    /// holds: each unchanged file's index, facts and diagnostics; the graph, the forecast and
    /// risk when the changed files' facts mean the same (an edit of a title, a description, a
    /// comment or the layout). Equal to [`analyze`] of `workspace`.
    pub fn update(
        &self,
        workspace: &Workspace,
        options: &Options,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<Analysis> {
        let same_files = self.workspace.files().len() == workspace.files().len()
            && self
                .workspace
                .files()
                .iter()
                .zip(workspace.files())
                .all(|(a, b)| a.path == b.path);
        if !same_files || *options != self.options {
            return analyze_unless(workspace, options, cancelled);
        }
        let changed: Vec<FileId> = workspace
            .file_ids()
            .filter(|&f| {
                let (old, new) = (self.workspace.file(f), workspace.file(f));
                !Arc::ptr_eq(&old.text, &new.text) || !Arc::ptr_eq(&old.syntax, &new.syntax)
            })
            .collect();
        let mut parts = Vec::new();
        for &file in &changed {
            let old = self.index.file(file);
            let part = index::FileIndex::build(workspace, file, old.first);
            if !old.same_definitions(&part) {
                // Items were added, removed or renamed: IDs and resolution change everywhere.
                return analyze_unless(workspace, options, cancelled);
            }
            parts.push((file, Arc::new(part)));
        }
        let index = self.index.with_files(parts);
        let fact_parts: Vec<_> = changed
            .iter()
            .map(|&file| {
                (
                    file,
                    Arc::new(facts::FileFacts::build(workspace, &index, file)),
                )
            })
            .collect();
        let same = |keys: Option<&[&str]>| {
            fact_parts
                .iter()
                .all(|(file, part)| part.same_meaning(self.facts.file(*file), keys))
        };
        let (alike, graph_alike, relations_alike) = (
            same(None),
            same(Some(GRAPH_KEYS)),
            same(Some(RELATION_KEYS)),
        );
        let facts = self.facts.with_files(fact_parts);
        if cancelled() {
            return None;
        }
        let files = workspace.files().len();
        // The changed files, and the files whose diagnostics point into them.
        let mut touched = FileSet::none(files);
        for &file in &changed {
            touched.insert(file);
        }
        let changed_set = touched.clone();
        for (n, diagnostics) in self.diagnostics.iter().enumerate() {
            if diagnostics.iter().any(|d| d.points_into(&changed_set)) {
                touched.insert(FileId(n));
            }
        }
        let all = FileSet::all(files);
        // Only positions and text moved: nothing computed across files changed.
        let (computed, global_redo) = if alike {
            (self.computed.clone(), touched.clone())
        } else {
            let reuse = Reuse {
                graph: graph_alike.then(|| self.computed.graph.clone()),
                relations: relations_alike.then(|| self.computed.relations.clone()),
            };
            let edit = FileEdit {
                files: &changed,
                old_facts: &self.facts,
            };
            let (computed, patched) = Computed::update(
                &self.computed,
                &index,
                &facts,
                &edit,
                options.today,
                reuse,
                cancelled,
            )?;
            // Who owns what feeds a person's overlapping work: new relations redo every file.
            let redo = if patched && relations_alike {
                // The files of what moved and of what depends on it, and the program's (its
                // end's warning counts every item).
                let mut redo = touched.clone();
                for item in computed.moved_items(&self.computed, &index) {
                    redo.insert(index.item(item).file);
                    // An owner's warning counts the owned work at the same time.
                    if let Some(owner) = facts.of(item).item("owner") {
                        redo.insert(index.item(owner).file);
                    }
                    for (_, d) in computed.graph.downstream(item) {
                        redo.insert(d.file);
                    }
                }
                if let Some(program) = index.program() {
                    redo.insert(index.item(program).file);
                }
                redo
            } else {
                all.clone()
            };
            (Arc::new(computed), redo)
        };
        let local_redo = if relations_alike { &touched } else { &all };
        let global_redo = &global_redo;
        let mut local = diagnose_local(workspace, &index, &facts, local_redo);
        let mut global = diagnose_global(
            workspace,
            &index,
            &facts,
            &computed,
            options.today,
            global_redo,
        );
        let pick =
            |redo: &FileSet, fresh: &mut Vec<Vec<Diagnostic>>, old: &[Arc<Vec<Diagnostic>>]| {
                (0..files)
                    .map(|n| {
                        if redo.contains(FileId(n)) && *fresh[n] != **old[n] {
                            Arc::new(std::mem::take(&mut fresh[n]))
                        } else {
                            old[n].clone()
                        }
                    })
                    .collect::<Vec<_>>()
            };
        let local = pick(local_redo, &mut local, &self.local);
        let global = pick(global_redo, &mut global, &self.global);
        let diagnostics = (0..files)
            .map(|n| {
                let kept = Arc::ptr_eq(&local[n], &self.local[n])
                    && Arc::ptr_eq(&global[n], &self.global[n]);
                if kept {
                    self.diagnostics[n].clone()
                } else {
                    Arc::new(merged(&local[n], &global[n]))
                }
            })
            .collect();
        Some(Analysis {
            workspace: workspace.clone(),
            options: options.clone(),
            index,
            facts,
            computed,
            local,
            global,
            diagnostics,
            all_diagnostics: Arc::default(),
        })
    }

    /// Whether this analysis shares the graph, the forecast and risk with `other`: an update
    /// found the facts they read alike.
    pub fn shares_computations_with(&self, other: &Analysis) -> bool {
        Arc::ptr_eq(&self.computed, &other.computed)
    }

    /// The diagnostics of one file, ordered by position and code; shared by analyses in which
    /// the file's diagnostics did not change.
    pub fn file_diagnostics(&self, file: FileId) -> &Arc<Vec<Diagnostic>> {
        &self.diagnostics[file.0]
    }

    /// Every diagnostic, ordered by file, position and code.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.all_diagnostics.get_or_init(|| {
            self.diagnostics
                .iter()
                .flat_map(|d| d.iter().cloned())
                .collect()
        })
    }

    /// The workspace analysed; cheap to hold, its texts and models are shared.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// What each item's fields mean.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Every item definition with its ID, in file order; a duplicate ID appears once per
    /// definition.
    pub fn items(&self) -> impl Iterator<Item = (ItemId, &ItemInfo)> + '_ {
        self.index.iter()
    }

    /// How many items the workspace defines.
    pub fn item_count(&self) -> usize {
        self.index.len()
    }

    pub fn item(&self, id: ItemId) -> &ItemInfo {
        self.index.item(id)
    }

    /// The item a name resolves to (its first definition).
    pub fn lookup(&self, name: &str) -> Option<ItemId> {
        self.index.lookup(name)
    }

    /// The definition or reference under `offset` in `file`.
    pub fn symbol_at(&self, file: FileId, offset: usize) -> Option<SymbolAt> {
        if let Some(id) = self.index.item_at(file, offset) {
            let item = self.index.item(id);
            return Some(SymbolAt {
                name: item.name.clone(),
                span: item.name_span,
                role: SymbolRole::Definition,
                item: Some(id),
            });
        }
        let site = self.index.reference_at(file, offset)?;
        Some(SymbolAt {
            name: site.name.clone(),
            span: site.span,
            role: SymbolRole::Reference,
            item: self.index.lookup(&site.name),
        })
    }

    /// The forecast of an initiative or milestone; `None` for other kinds.
    pub fn schedule(&self, item: ItemId) -> Option<&ScheduleState> {
        self.computed.forecast.state(item)
    }

    /// How a container's parts roll up: their progress and health.
    pub fn rollup(&self) -> rollup::Rollup<'_> {
        rollup::Rollup {
            facts: &self.facts,
            graph: &self.computed.graph,
            forecast: &self.computed.forecast,
        }
    }

    /// A milestone's critical path: its least-slack predecessors, first to last, then the milestone.
    /// For the program, when it has an end: the chain of least-slack predecessors of the work that
    /// ends last, ending with that work.
    pub fn critical_path(&self, milestone: ItemId) -> Vec<ItemId> {
        self.computed.forecast.critical_path(milestone)
    }

    /// The forecast itself: which references count, each initiative's own extent, which closed
    /// items keep their dates; what an export needs to restate the forecast's inputs.
    pub fn forecast(&self) -> &schedule::Forecast {
        &self.computed.forecast
    }

    /// The `depends_on` and `requires` references: what an item waits for and what waits for it.
    pub fn dependency_graph(&self) -> &DependencyGraph {
        &self.computed.graph
    }

    /// The score and level of a risk item with a likelihood and an impact.
    pub fn risk(&self, item: ItemId) -> Option<RiskAssessment> {
        self.computed.risk.risks[item.0]
    }

    /// The top [`risk::TOP_EXPOSURE`] open risks on `item` or on anything it transitively
    /// depends on, highest score first; [`Analysis::exposure_reach`] finds them all.
    pub fn exposure(&self, item: ItemId) -> &[ItemId] {
        self.computed.risk.exposure[item.0].as_slice()
    }

    /// The item whose ID is at `span` in `file`.
    pub fn item_defined_at(&self, file: FileId, span: Span) -> Option<ItemId> {
        self.index
            .item_at(file, span.start)
            .filter(|&id| self.item(id).name_span == span)
    }

    /// Where the name under `offset` is defined.
    pub fn definition(&self, file: FileId, offset: usize) -> Option<Location> {
        let item = self.item(self.symbol_at(file, offset)?.item?);
        Some(Location {
            file: item.file,
            span: item.name_span,
        })
    }

    /// Every place that names `item`, with its definition first when asked for.
    pub fn references(&self, item: ItemId, include_definition: bool) -> Vec<Location> {
        let info = self.item(item);
        let mut locations = Vec::new();
        if include_definition {
            locations.push(Location {
                file: info.file,
                span: info.name_span,
            });
        }
        locations.extend(self.index.references_to(&info.name).map(|r| Location {
            file: r.file,
            span: r.span,
        }));
        locations
    }
}
