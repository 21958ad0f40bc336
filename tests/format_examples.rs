//! The project's own examples are formatted already: formatting them changes nothing, aligned
//! trailing comments included.

use std::fs;
use std::path::Path;

#[test]
fn formatting_the_examples_changes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut checked = 0;
    for example in fs::read_dir(&root).unwrap() {
        let folder = example.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        for file in fs::read_dir(&folder).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "plan") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            // examples/broken has syntax errors on purpose: those files are not formatted.
            let Some(formatted) = planls::syntax::format::format_text(&text) else {
                assert!(
                    folder.ends_with("broken"),
                    "{} has syntax errors",
                    path.display()
                );
                continue;
            };
            let changed: Vec<(usize, &str, &str)> = text
                .lines()
                .zip(formatted.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| (i + 1, a, b))
                .collect();
            assert_eq!(changed, vec![], "{}", path.display());
            assert_eq!(formatted, text, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} example files formatted");
}
