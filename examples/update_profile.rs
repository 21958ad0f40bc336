//! scratch: time Analysis::update for a reference keystroke (not committed)
use planls::analysis::{analyze, NaiveDate, Options, SourceFile, Workspace};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).unwrap();
    let mut texts = Vec::new();
    for entry in walk(std::path::Path::new(&root)) {
        texts.push((
            entry.display().to_string(),
            std::fs::read_to_string(&entry).unwrap(),
        ));
    }
    let ws = Workspace::from_texts(texts);
    let options = Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
    };
    let t = Instant::now();
    let base = analyze(&ws, &options);
    eprintln!("cold {:?}", t.elapsed());
    let file = ws.file_ids().nth(1).unwrap();
    let text = ws.file(file).text.to_string();
    let at = text.find("depends_on: ").unwrap() + "depends_on: ".len() + 3;
    let mut times = Vec::new();
    let mut prev = base.clone();
    for round in 0..21 {
        let mut t2 = text.clone();
        if round % 2 == 0 {
            t2.insert(at, 'x');
        }
        let mut files: Vec<SourceFile> = ws.files().to_vec();
        files[file.0] = SourceFile::parse(files[file.0].path.clone(), Arc::<str>::from(t2));
        let ws2 = Workspace::new(files);
        let t = Instant::now();
        let next = prev.update(&ws2, &options, &|| false).unwrap();
        times.push(t.elapsed());
        prev = next;
    }
    times.sort();
    eprintln!(
        "update median {:?} min {:?}",
        times[times.len() / 2],
        times[0]
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "plan") {
            out.push(p);
        }
    }
    out
}
