//! What the scale benchmarks share: the sizes, the generated workspaces, the places in them an
//! editor session works on, the resident memory of the process, and criterion's medians.
#![allow(dead_code)] // each benchmark uses its own part

pub mod session;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use planls::generate::Params;
use planls::syntax::{Kind, ValueKind};

/// The sizes to measure, in initiatives: `PLANLS_BENCH_SIZES` (like `1k,10k`), else `default`.
pub fn sizes(default: &str) -> Vec<(String, usize)> {
    sizes_from("PLANLS_BENCH_SIZES", default)
}

/// The sizes named by the variable `name`, else `default`: numbers with an optional `k`.
pub fn sizes_from(name: &str, default: &str) -> Vec<(String, usize)> {
    let list = std::env::var(name).unwrap_or_else(|_| default.to_string());
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let n = match s.strip_suffix('k') {
                Some(thousands) => thousands.parse::<usize>().map(|n| n * 1000),
                None => s.parse::<usize>(),
            }
            .unwrap_or_else(|_| panic!("{name}: `{s}` is not a size like 10k or 2500"));
            (s.to_string(), n)
        })
        .collect()
}

/// The workspace of `initiatives` the benchmarks use: the generator's default shape (one file
/// per 100 initiatives), seed 1, and `unresolved` percent of references misspelled.
pub fn workspace(initiatives: usize, unresolved: f64) -> Vec<(String, String)> {
    planls::generate::workspace(&Params {
        unresolved_percent: unresolved,
        ..Params::new(initiatives)
    })
}

/// Writes `files` under `dir`.
pub fn write(dir: &Path, files: &[(String, String)]) {
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

/// The resident set of this process, in bytes, from `/proc/self/statm`.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

/// The peak resident set of this process, in bytes (`VmHWM` in `/proc/self/status`).
pub fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// The page size, from the first mapping's `KernelPageSize` in `/proc/self/smaps`; 4096 when
/// that cannot be read.
fn page_size() -> u64 {
    use std::io::BufRead;
    let read = || -> Option<u64> {
        let smaps = std::fs::File::open("/proc/self/smaps").ok()?;
        let line = std::io::BufReader::new(smaps)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.starts_with("KernelPageSize:"))?;
        Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
    };
    read().unwrap_or(4096)
}

/// The median of a benchmark that ran in this process, in seconds, from criterion's
/// `estimates.json`; `None` when it did not run since `since` (filtered out, or another folder).
pub fn median(group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let root = match std::env::var_os("CRITERION_HOME") {
        Some(home) => PathBuf::from(home),
        None => match std::env::var_os("CARGO_TARGET_DIR") {
            Some(target) => PathBuf::from(target).join("criterion"),
            None => PathBuf::from("target/criterion"),
        },
    };
    let path = root
        .join(group)
        .join(function)
        .join("new")
        .join("estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let estimates: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(estimates["median"]["point_estimate"].as_f64()? / 1e9)
}

/// A byte offset as an LSP position: line and UTF-16 character.
pub fn position(text: &str, offset: usize) -> (u32, u32) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    (line as u32, character as u32)
}

/// The places in one file of a generated workspace that an editor session works on.
pub struct Spots {
    /// The file, relative to the workspace root, and its text.
    pub path: String,
    pub text: String,
    /// An initiative near the middle of the file: its ID, and its title's first word (a letter
    /// is typed just before it).
    pub title_item: String,
    pub title_item_at: (u32, u32),
    pub title_word: String,
    pub title_insert_at: (u32, u32),
    /// The first character of an ID in a `depends_on` near the middle of the file (a letter is
    /// typed just after it).
    pub dependency_typo_at: (u32, u32),
    /// Just after `depends_on: `, where completion offers the work there is.
    pub completion_at: (u32, u32),
    /// An `@owner` of an initiative.
    pub owner_at: (u32, u32),
    /// A reference to an item defined in another file, and that file.
    pub cross_file_at: (u32, u32),
    pub cross_file_target: String,
    /// A reference to the person referenced most in the workspace among those referenced in
    /// this file, and how many references they have.
    pub person_at: (u32, u32),
    pub person_references: usize,
}

/// The spots of the work file in the middle of `files`.
pub fn spots(files: &[(String, String)]) -> Spots {
    let parsed: Vec<_> = files
        .iter()
        .map(|(_, text)| planls::syntax::parse(text))
        .collect();
    let mut defined_in: HashMap<&str, usize> = HashMap::new();
    let mut person_uses: HashMap<&str, usize> = HashMap::new();
    for (f, plan) in parsed.iter().enumerate() {
        for item in &plan.items {
            if let Some(id) = &item.id {
                defined_in.insert(id.text.as_str(), f);
            }
            for value in item.fields.iter().flat_map(|f| &f.values) {
                if let ValueKind::Person(name) = &value.kind {
                    *person_uses.entry(name.text.as_str()).or_default() += 1;
                }
            }
        }
    }
    let f = files.len() / 2;
    let (path, text) = &files[f];
    let plan = &parsed[f];
    let initiatives: Vec<_> = plan
        .items
        .iter()
        .filter(|i| i.kind == Kind::Initiative)
        .collect();
    assert!(
        initiatives.len() >= 4,
        "{path} has too little work for a session"
    );
    let middle = initiatives.len() / 2;
    let titled = initiatives[middle];
    let id = titled.id.as_ref().unwrap();
    let title = titled.title.as_ref().unwrap();
    let title_word: String = text[title.span.start + 1..]
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();

    let with_dependency = initiatives[middle..]
        .iter()
        .chain(&initiatives[..middle])
        .find_map(|i| i.field("depends_on"))
        .expect("work with a dependency");
    let dependency = &with_dependency.values[0];
    let completion_at = position(text, with_dependency.colon.end + 1);

    let owner = initiatives[middle]
        .field("owner")
        .and_then(|f| f.values.first())
        .unwrap();

    let cross_file = plan
        .items
        .iter()
        .flat_map(|i| &i.fields)
        .filter(|f| f.key.text == "depends_on")
        .flat_map(|f| &f.values)
        .find_map(|v| match &v.kind {
            ValueKind::Reference(r) => match defined_in.get(r.name.text.as_str()) {
                Some(&other) if other != f => Some((v, other)),
                _ => None,
            },
            _ => None,
        })
        .expect("a dependency on work in another file");

    let person = plan
        .items
        .iter()
        .flat_map(|i| &i.fields)
        .flat_map(|f| &f.values)
        .filter_map(|v| match &v.kind {
            ValueKind::Person(name) => Some((person_uses[name.text.as_str()], name)),
            _ => None,
        })
        .max_by_key(|(uses, name)| (*uses, std::cmp::Reverse(name.span.start)))
        .expect("a person referenced in the file");

    Spots {
        path: path.clone(),
        text: text.clone(),
        title_item: id.text.clone(),
        title_item_at: position(text, id.span.start + 1),
        title_word,
        title_insert_at: position(text, title.span.start + 1),
        dependency_typo_at: position(text, dependency.span.start + 1),
        completion_at,
        owner_at: position(text, owner.span.start + 1),
        cross_file_at: position(text, cross_file.0.span.start + 1),
        cross_file_target: files[cross_file.1].0.clone(),
        person_at: position(text, person.1.span.start + 1),
        person_references: person.0,
    }
}
