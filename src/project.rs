//! `planls.toml`: the file that marks a folder as the root of one plan, and the settings it holds.
//!
//! Every `.plan` file belongs to the plan of the nearest folder above it (itself included) that
//! holds a `planls.toml`; files of different plans never see each other's items. A file under no
//! marker belongs to the "loose" plan of whatever was given (the folders or files of
//! `planls check`, the server's workspace folders), as before markers existed. Documented in
//! docs/workspace.md. The CLI and the server both group their files with [`Projects`].

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::analysis::{Code, Severity};

/// The name of the marker file.
pub const MARKER: &str = "planls.toml";

/// What a `planls.toml` says. Unknown keys and bad values are reported and ignored.
#[derive(Clone, Debug, Default)]
pub struct ProjectConfig {
    /// The date that counts as today for this plan, unless the command line or the editor says.
    pub today: Option<NaiveDate>,
    /// Severity overrides by code; `None` turns the code off.
    pub severity: BTreeMap<Code, Option<Severity>>,
    /// The `exclude` globs as written, relative to the marker's folder.
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    /// Every file is a plan of its own (a folder of unrelated examples or test cases).
    pub separate: bool,
}

impl PartialEq for ProjectConfig {
    fn eq(&self, other: &Self) -> bool {
        // The glob set is built from `exclude`, so the patterns say it all.
        self.today == other.today
            && self.severity == other.severity
            && self.exclude == other.exclude
            && self.separate == other.separate
    }
}

impl ProjectConfig {
    /// Reads the text of a `planls.toml`. Returns the settings and one message per problem, each
    /// starting with `line:column: ` when it has a place.
    pub fn parse(text: &str) -> (ProjectConfig, Vec<String>) {
        let mut config = ProjectConfig::default();
        let mut problems = Vec::new();
        let table: toml::Table = match text.parse() {
            Ok(table) => table,
            Err(error) => {
                let place = error
                    .span()
                    .map(|span| {
                        let (line, column) = line_column(text, span.start);
                        format!("{line}:{column}: ")
                    })
                    .unwrap_or_default();
                // One line: the crate's message may run over several.
                let message = error
                    .message()
                    .trim()
                    .lines()
                    .collect::<Vec<_>>()
                    .join("; ");
                problems.push(format!("{place}{message}"));
                return (config, problems);
            }
        };
        for (key, value) in &table {
            match key.as_str() {
                "today" => match today_of(value) {
                    Ok(date) => config.today = Some(date),
                    Err(problem) => problems.push(problem),
                },
                "severity" => config.read_severity(value, &mut problems),
                "exclude" => config.read_exclude(value, &mut problems),
                "separate" => match value.as_bool() {
                    Some(separate) => config.separate = separate,
                    None => problems.push(format!(
                        "`separate` must be true or false, not {}",
                        shown(value)
                    )),
                },
                other => problems.push(format!(
                    "`{other}` is not a planls.toml setting (the settings are `today`, \
                     `severity`, `exclude` and `separate`)"
                )),
            }
        }
        (config, problems)
    }

    fn read_severity(&mut self, value: &toml::Value, problems: &mut Vec<String>) {
        let Some(table) = value.as_table() else {
            problems.push(format!(
                "`severity` must be a table of codes, like `[severity]` then \
                 `missing-owner = \"off\"`, not {}",
                shown(value)
            ));
            return;
        };
        for (name, level) in table {
            let Some(code) = Code::parse(name) else {
                problems.push(format!("severity: `{name}` is not a diagnostic code"));
                continue;
            };
            match level.as_str() {
                Some("off") => {
                    self.severity.insert(code, None);
                }
                Some(word) if Severity::parse(word).is_some() => {
                    self.severity.insert(code, Severity::parse(word));
                }
                _ => problems.push(format!(
                    "severity.{name}: {} is not one of \"error\", \"warning\", \"info\", \
                     \"hint\", \"off\"",
                    shown(level)
                )),
            }
        }
    }

    fn read_exclude(&mut self, value: &toml::Value, problems: &mut Vec<String>) {
        let Some(list) = value.as_array() else {
            problems.push(format!(
                "`exclude` must be a list of globs, like [\"drafts/**\"], not {}",
                shown(value)
            ));
            return;
        };
        let mut builder = GlobSetBuilder::new();
        for pattern in list {
            let Some(pattern) = pattern.as_str() else {
                problems.push(format!("exclude: {} is not a string", shown(pattern)));
                continue;
            };
            // As in .gitignore: `*` stays inside one folder, `**` crosses folders.
            match GlobBuilder::new(pattern).literal_separator(true).build() {
                Ok(glob) => {
                    builder.add(glob);
                    self.exclude.push(pattern.to_string());
                }
                Err(error) => problems.push(format!("exclude: `{pattern}`: {}", error.kind())),
            }
        }
        match builder.build() {
            Ok(set) => self.exclude_set = set,
            Err(error) => problems.push(format!("exclude: {error}")),
        }
    }

    /// Whether `relative`, a path below the marker's folder, is excluded.
    pub fn excludes(&self, relative: &Path) -> bool {
        self.exclude_set.is_match(relative)
    }

    /// The severity `code` is reported with under this plan, or `None` when it is off.
    pub fn severity_of(&self, code: Code, default: Severity) -> Option<Severity> {
        match self.severity.get(&code) {
            Some(level) => *level,
            None => Some(default),
        }
    }
}

/// `today = 2027-01-04` (a TOML date) or `today = "2027-01-04"`.
fn today_of(value: &toml::Value) -> Result<NaiveDate, String> {
    let text = match value {
        toml::Value::Datetime(datetime) if datetime.time.is_none() => datetime.to_string(),
        toml::Value::String(text) => text.clone(),
        other => {
            return Err(format!(
                "`today` must be a date like 2027-01-04, not {}",
                shown(other)
            ))
        }
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("`today`: `{text}` is not a date like 2027-01-04"))
}

/// A value as the user wrote it, for messages (the `toml` crate prints values only with its
/// writer, which planls does not build).
fn shown(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => format!("\"{text}\""),
        toml::Value::Integer(number) => number.to_string(),
        toml::Value::Float(number) => number.to_string(),
        toml::Value::Boolean(truth) => truth.to_string(),
        toml::Value::Datetime(datetime) => datetime.to_string(),
        toml::Value::Array(_) => "a list".to_string(),
        toml::Value::Table(_) => "a table".to_string(),
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Which plan a file belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectKey {
    /// The folder of the nearest `planls.toml`, or `None` for a file under no marker.
    pub root: Option<PathBuf>,
    /// The file itself, when its marker says every file is a plan of its own.
    pub alone: Option<PathBuf>,
}

impl ProjectKey {
    /// The plan of the files under no marker.
    pub const LOOSE: ProjectKey = ProjectKey {
        root: None,
        alone: None,
    };
}

/// The markers found so far, and their settings: finds the plan of each file, reading every
/// folder's `planls.toml` at most once.
#[derive(Debug, Default)]
pub struct Projects {
    /// By folder (real path): the root of the nearest marker at or above it.
    roots: HashMap<PathBuf, Option<PathBuf>>,
    configs: BTreeMap<PathBuf, ProjectConfig>,
    /// One message per problem in a `planls.toml`, prefixed with its path.
    pub problems: Vec<String>,
}

impl Projects {
    /// The plan of the file at `path` (any spelling: it is resolved to its real path first), and
    /// the file's path relative to its plan's root.
    pub fn key_of(&mut self, path: &Path) -> ProjectKey {
        let real = real_path(path);
        let Some(folder) = real.parent() else {
            return ProjectKey::LOOSE;
        };
        let Some(root) = self.root_of(folder) else {
            return ProjectKey::LOOSE;
        };
        let alone = self.config(&root).separate.then(|| real.clone());
        ProjectKey {
            root: Some(root),
            alone,
        }
    }

    /// Whether a file that a folder walk found is left out by its plan's `exclude`.
    pub fn is_excluded(&mut self, path: &Path) -> bool {
        let real = real_path(path);
        let Some(root) = real.parent().and_then(|folder| self.root_of(folder)) else {
            return false;
        };
        let relative = real.strip_prefix(&root).unwrap_or(&real).to_path_buf();
        self.config(&root).excludes(&relative)
    }

    /// The settings of the plan rooted at `root` (the defaults for the loose plan).
    pub fn config(&self, root: &Path) -> &ProjectConfig {
        static DEFAULT: std::sync::OnceLock<ProjectConfig> = std::sync::OnceLock::new();
        self.configs
            .get(root)
            .unwrap_or_else(|| DEFAULT.get_or_init(ProjectConfig::default))
    }

    /// The settings of the plan of `key`.
    pub fn config_of(&self, key: &ProjectKey) -> &ProjectConfig {
        match &key.root {
            Some(root) => self.config(root),
            None => self.config(Path::new("")),
        }
    }

    /// The folder of the nearest marker at or above `folder`, a real path.
    fn root_of(&mut self, folder: &Path) -> Option<PathBuf> {
        if let Some(known) = self.roots.get(folder) {
            return known.clone();
        }
        let marker = folder.join(MARKER);
        let root = if marker.is_file() {
            self.load(folder, &marker);
            Some(folder.to_path_buf())
        } else {
            folder.parent().and_then(|parent| self.root_of(parent))
        };
        self.roots.insert(folder.to_path_buf(), root.clone());
        root
    }

    fn load(&mut self, folder: &Path, marker: &Path) {
        let (config, problems) = match fs::read_to_string(marker) {
            Ok(text) => ProjectConfig::parse(&text),
            Err(error) => (
                ProjectConfig::default(),
                vec![format!("cannot read it: {error}")],
            ),
        };
        // `path:line:column: message` when the problem has a place, else `path: message`.
        self.problems.extend(problems.into_iter().map(|problem| {
            let separator = if problem.starts_with(|c: char| c.is_ascii_digit()) {
                ":"
            } else {
                ": "
            };
            format!("{}{separator}{problem}", marker.display())
        }));
        self.configs.insert(folder.to_path_buf(), config);
    }
}

/// The real path of a file: symlinks resolved, or made absolute when it cannot be resolved (a
/// file not saved yet).
fn real_path(path: &Path) -> PathBuf {
    fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let (config, problems) = ProjectConfig::parse(
            "today = 2027-01-04\nexclude = [\"drafts/**\", \"*.old.plan\"]\n\n\
             [severity]\nmissing-owner = \"off\"\noverdue = \"error\"\n",
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(config.today, NaiveDate::from_ymd_opt(2027, 1, 4));
        assert_eq!(
            config.severity,
            BTreeMap::from([
                (Code::MissingOwner, None),
                (Code::Overdue, Some(Severity::Error))
            ])
        );
        assert!(config.excludes(Path::new("drafts/a.plan")));
        assert!(config.excludes(Path::new("x.old.plan")));
        assert!(!config.excludes(Path::new("sub/x.old.plan")));
        assert!(!config.excludes(Path::new("work.plan")));
        assert!(!config.separate);
        assert_eq!(
            ProjectConfig::parse("today = \"2027-01-04\"").0.today,
            config.today
        );
    }

    #[test]
    fn an_empty_file_is_only_a_marker() {
        assert_eq!(
            ProjectConfig::parse("# the root of the checkout plan\n"),
            (ProjectConfig::default(), vec![])
        );
    }

    #[test]
    fn problems_say_where_and_what_and_the_rest_applies() {
        let (config, problems) = ProjectConfig::parse(
            "today = \"2027-02-30\"\ntodya = 1\nseparate = true\n[severity]\nno-such = \"off\"\n\
             overdue = \"loud\"\nmissing-owner = \"hint\"\n",
        );
        assert!(config.separate);
        assert_eq!(
            config.severity,
            BTreeMap::from([(Code::MissingOwner, Some(Severity::Hint))])
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
        let all = problems.join("\n");
        assert!(all.contains("`today`: `2027-02-30` is not a date"), "{all}");
        assert!(
            all.contains("`todya` is not a planls.toml setting"),
            "{all}"
        );
        assert!(all.contains("`no-such` is not a diagnostic code"), "{all}");
        let (_, problems) = ProjectConfig::parse("today = \n");
        assert!(problems[0].starts_with("1:9: "), "{problems:?}");
    }

    #[test]
    fn each_file_belongs_to_the_nearest_marker_above_it() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        for folder in ["a/sub", "a/b", "loose", "cases"] {
            fs::create_dir_all(base.join(folder)).unwrap();
        }
        fs::write(base.join("a/planls.toml"), "today = 2027-01-04\n").unwrap();
        fs::write(base.join("a/b/planls.toml"), "").unwrap();
        fs::write(base.join("cases/planls.toml"), "separate = true\n").unwrap();
        let mut projects = Projects::default();
        let key = |projects: &mut Projects, path: &str| projects.key_of(&base.join(path));
        let a = key(&mut projects, "a/x.plan");
        assert_eq!(a.root.as_deref(), Some(base.join("a").as_path()));
        assert_eq!(key(&mut projects, "a/sub/y.plan"), a);
        assert_eq!(
            key(&mut projects, "a/b/z.plan").root,
            Some(base.join("a/b"))
        );
        let loose = key(&mut projects, "loose/w.plan");
        // Under no marker in the temporary folder, unless the machine has one above it.
        assert!(loose.root.is_none() || !loose.root.unwrap().starts_with(&base));
        let one = key(&mut projects, "cases/one.plan");
        let two = key(&mut projects, "cases/two.plan");
        assert_ne!(one, two);
        assert_eq!(one.root, two.root);
        assert_eq!(
            projects.config_of(&a).today,
            NaiveDate::from_ymd_opt(2027, 1, 4)
        );
        assert_eq!(projects.problems, Vec::<String>::new());
    }
}
