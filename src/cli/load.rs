//! Reading the workspace the way `check` does, for the commands that render the forecast:
//! the same paths, walk and problems on stderr.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use super::walk;
use crate::analysis::{self, Analysis, Options, Workspace};
use crate::project::{ProjectKey, Projects};

/// What [`analyse`] read: the analysis of one plan, the day that counted as today, and whether
/// some path could not be used.
pub struct Loaded {
    pub analysis: Analysis,
    pub today: NaiveDate,
    pub trouble: bool,
}

/// The analysis of the files under `paths`, read as `check` reads them: the same walk, each
/// plan's `exclude`, and the problems one line each on `stderr` (the other files are still
/// read). A forecast is of one plan: files of several plans (several `planls.toml` roots) are a
/// problem, since their IDs are not one namespace. Today is `--today`, else the plan's
/// `planls.toml`, else the clock.
pub fn analyse(
    paths: &[PathBuf],
    explicit_today: Option<NaiveDate>,
    clock_today: NaiveDate,
    mut stderr: impl Write,
) -> io::Result<Loaded> {
    let Read {
        sources,
        projects,
        mut problems,
        warnings,
    } = read_plans(paths);
    let plans: BTreeSet<&ProjectKey> = sources.iter().map(|(key, _)| key).collect();
    if plans.len() > 1 {
        let roots: Vec<String> = plans
            .iter()
            .map(|key| match &key.root {
                Some(root) => root.display().to_string(),
                None => "files under no planls.toml".to_string(),
            })
            .collect();
        problems.push(format!(
            "the paths hold {} separate plans ({}): give the folder of one plan",
            plans.len(),
            roots.join(", ")
        ));
    }
    let one_plan = plans.len() <= 1;
    let config_today = plans.first().and_then(|key| projects.config_of(key).today);
    say_problems(&mut stderr, &warnings, &problems)?;
    let today = explicit_today.or(config_today).unwrap_or(clock_today);
    let read = sources.into_iter().filter(|_| one_plan);
    let workspace = Workspace::from_texts(read.map(|(_, s)| (s.display, s.text)));
    Ok(Loaded {
        analysis: analysis::analyze(&workspace, &Options { today }),
        today,
        trouble: !problems.is_empty(),
    })
}

/// The files under `paths`, each with its plan, as every command reads them: the walk of
/// `walk::find_inputs`, leaving out what a plan's `exclude` names (for files a walk found, not
/// files named), with the problems of the paths, the files and the `planls.toml` files.
pub struct Read {
    pub sources: Vec<(ProjectKey, walk::Source)>,
    pub projects: Projects,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

pub fn read_plans(paths: &[PathBuf]) -> Read {
    let walk::Found {
        inputs,
        mut problems,
        warnings,
    } = walk::find_inputs(paths);
    // Each file belongs to the plan of the nearest planls.toml above it.
    let mut projects = Projects::default();
    let mut sources = Vec::new();
    for input in &inputs {
        if !input.named && projects.is_excluded(&input.path) {
            continue;
        }
        match walk::read(input) {
            Ok(source) => sources.push((projects.key_of(&input.path), source)),
            Err(problem) => problems.push(problem),
        }
    }
    problems.append(&mut projects.problems);
    Read {
        sources,
        projects,
        problems,
        warnings,
    }
}

/// The warnings and problems of reading, one line each on `stderr`.
pub fn say_problems(
    mut stderr: impl Write,
    warnings: &[String],
    problems: &[String],
) -> io::Result<()> {
    for warning in warnings {
        writeln!(stderr, "planls: warning: {warning}")?;
    }
    for problem in problems {
        writeln!(stderr, "planls: {problem}")?;
    }
    stderr.flush()
}

/// Writes `text`; a closed pipe (`planls schedule | head`) is not an error.
pub fn write_all(mut out: impl Write, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
