//! The pure analysis of a workspace: no I/O, no protocol types, no clock.
//!
//! Input: a [`Workspace`] of texts and [`Options`]; output: an [`Analysis`] that holds the
//! diagnostics and answers the queries the server and the command line need.

pub mod completion;
pub mod diagnostic;
pub mod docs;
pub mod facts;
pub mod graph;
pub mod hover;
pub mod index;
pub mod queries;
pub mod rename;
pub mod risk;
pub mod schedule;
mod schedule_checks;
pub mod schema;
pub mod suggest;
pub mod validate;
pub mod workspace;

pub use chrono::NaiveDate;
pub use diagnostic::{Code, Diagnostic, Edit, Fix, Related, Severity};
pub use graph::{Dependency, DependencyGraph};
pub use index::{Index, ItemId, ItemInfo, Location, ReferenceSite};
pub use risk::{RiskAssessment, RiskLevel};
pub use schedule::{ItemSchedule, ScheduleState};
pub use workspace::{FileId, SourceFile, Workspace};

use crate::syntax::Span;
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

/// The result of analysing a workspace.
#[derive(Debug)]
pub struct Analysis {
    workspace: Workspace,
    index: Index,
    facts: Facts,
    relations: queries::Relations,
    diagnostics: Vec<Diagnostic>,
    forecast: schedule::Forecast,
    /// By item: the score of a risk with a likelihood and an impact.
    risks: Vec<Option<RiskAssessment>>,
    /// By item: the open risks on it or on anything it transitively depends on, highest score first.
    exposure: Vec<Vec<ItemId>>,
    graph: DependencyGraph,
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
    let mut diagnostics = Vec::new();
    for file in workspace.file_ids() {
        for error in &workspace.file(file).syntax.errors {
            diagnostics.push(Diagnostic::new(
                Code::SyntaxError,
                file,
                error.span,
                error.message.clone(),
            ));
        }
    }
    validate::check(workspace, &index, &facts, &mut diagnostics);
    // The dependency graph, the forecast and risk, with their diagnostics.
    let graph = DependencyGraph::build(&index, &facts);
    if cancelled() {
        return None;
    }
    let forecast = schedule::Forecast::compute(&index, &facts, &graph);
    let risk = risk::RiskReport::compute(&index, &facts, &graph);
    diagnostics.extend(graph.diagnostics(workspace, &index, &facts));
    diagnostics.extend(schedule_checks::diagnostics(
        workspace,
        &index,
        &facts,
        &graph,
        &forecast,
        options.today,
    ));
    diagnostics.extend(risk.diagnostics(&index, &facts));
    sort_diagnostics(&mut diagnostics);
    let relations = queries::Relations::build(&index, &facts);
    Some(Analysis {
        workspace: workspace.clone(),
        index,
        relations,
        facts,
        diagnostics,
        forecast,
        risks: risk.risks,
        exposure: risk.exposure,
        graph,
    })
}

fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.file, a.span.start, a.span.end, a.code).cmp(&(b.file, b.span.start, b.span.end, b.code))
    });
}

impl Analysis {
    /// Every diagnostic, ordered by file, position and code.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
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
        self.forecast.state(item)
    }

    /// A milestone's critical path: its least-slack predecessors, first to last, then the milestone.
    /// For the program, when it has an end: the chain of least-slack predecessors of the work that
    /// ends last, ending with that work.
    pub fn critical_path(&self, milestone: ItemId) -> Vec<ItemId> {
        self.forecast.critical_path(milestone)
    }

    /// The `depends_on` and `requires` references: what an item waits for and what waits for it.
    pub fn dependency_graph(&self) -> &DependencyGraph {
        &self.graph
    }

    /// The score and level of a risk item with a likelihood and an impact.
    pub fn risk(&self, item: ItemId) -> Option<RiskAssessment> {
        self.risks[item.0]
    }

    /// The top [`risk::TOP_EXPOSURE`] open risks on `item` or on anything it transitively
    /// depends on, highest score first; [`Analysis::exposure_reach`] finds them all.
    pub fn exposure(&self, item: ItemId) -> &[ItemId] {
        &self.exposure[item.0]
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
