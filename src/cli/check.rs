//! `planls check`: read the files, analyse them as one workspace, report.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use chrono::NaiveDate;

use super::render::{self, SourceFiles, Style};
use super::{json, CheckArgs, Format, EXIT_ERRORS, EXIT_OK, EXIT_TROUBLE};
use super::{load, walk};
use crate::analysis::{self, Diagnostic, FileId, Options, Severity, SourceFile, Workspace};
use crate::project::{ProjectConfig, ProjectKey, Projects};

/// Checks the files `args` names and writes the report. Returns the exit status; an output
/// error is returned as is, except a closed pipe, after which the status still counts.
/// `clock_today` counts as today unless `--today` or a plan's `planls.toml` says otherwise.
pub fn run(
    args: &CheckArgs,
    clock_today: NaiveDate,
    color: bool,
    mut stdout: impl Write,
    mut stderr: impl Write,
) -> io::Result<u8> {
    let load::Read {
        sources,
        projects,
        problems,
        warnings,
    } = load::read_plans(&args.paths);
    // The problems come first, so they are seen even when the report is long. Files left out
    // for confinement are said, but do not fail the check.
    load::say_problems(&mut stderr, &warnings, &problems)?;

    let (workspace, diagnostics) = analyse_each_plan(sources, &projects, |config| {
        args.today.or(config.today).unwrap_or(clock_today)
    });
    let diagnostics = &diagnostics[..];

    let status = if !problems.is_empty() {
        EXIT_TROUBLE
    } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    };

    let files = SourceFiles::new(&workspace);
    let written = match args.format {
        Format::Json => json::write_diagnostics(&mut stdout, &files, diagnostics),
        Format::Human | Format::Short => {
            let style = if args.format == Format::Human {
                Style::Rich
            } else {
                Style::Short
            };
            render::write_diagnostics(&mut stdout, &files, diagnostics, style, color).and_then(
                |()| {
                    writeln!(
                        stdout,
                        "{}",
                        render::summary(diagnostics, workspace.files().len())
                    )?;
                    stdout.flush()
                },
            )
        }
    };
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        Err(error) => Err(error),
        Ok(()) => Ok(status),
    }
}

/// Analyses the files of each plan on their own, with that plan's date and severities. Returns
/// one workspace of every file, to report against, and the diagnostics pointing into it, by file.
fn analyse_each_plan(
    sources: Vec<(ProjectKey, walk::Source)>,
    projects: &Projects,
    today_of: impl Fn(&ProjectConfig) -> NaiveDate,
) -> (Workspace, Vec<Diagnostic>) {
    let parsed: Vec<(ProjectKey, SourceFile)> = {
        let all = Workspace::from_texts(
            sources
                .iter()
                .map(|(_, s)| (s.display.clone(), s.text.clone())),
        );
        let mut by_path: HashMap<String, SourceFile> = all
            .files()
            .iter()
            .map(|file| (file.path.clone(), file.clone()))
            .collect();
        sources
            .into_iter()
            .filter_map(|(key, source)| Some((key, by_path.remove(&source.display)?)))
            .collect()
    };
    let mut plans: BTreeMap<ProjectKey, Vec<SourceFile>> = BTreeMap::new();
    for (key, file) in &parsed {
        plans.entry(key.clone()).or_default().push(file.clone());
    }
    let everything = Workspace::new(parsed.into_iter().map(|(_, file)| file).collect());
    let id_of: HashMap<&str, FileId> = everything
        .file_ids()
        .map(|id| (everything.file(id).path.as_str(), id))
        .collect();
    let mut diagnostics = Vec::new();
    for (key, files) in plans {
        let config = projects.config_of(&key);
        let workspace = Workspace::new(files);
        let analysis = analysis::analyze(
            &workspace,
            &Options {
                today: today_of(config),
            },
        );
        let global = |file: FileId| id_of[workspace.file(file).path.as_str()];
        for diagnostic in analysis.diagnostics() {
            let Some(severity) = config.severity_of(diagnostic.code, diagnostic.severity) else {
                continue;
            };
            let mut diagnostic = diagnostic.clone();
            diagnostic.severity = severity;
            diagnostic.file = global(diagnostic.file);
            for related in &mut diagnostic.related {
                related.file = global(related.file);
            }
            for edit in diagnostic.fixes.iter_mut().flat_map(|fix| &mut fix.edits) {
                edit.file = global(edit.file);
            }
            diagnostics.push(diagnostic);
        }
    }
    // Files in path order, as one workspace would report them; within a file, as analysed.
    diagnostics.sort_by_key(|d| d.file);
    (everything, diagnostics)
}
