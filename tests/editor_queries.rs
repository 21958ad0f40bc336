//! The Neovim plugin ships its own copy of the tree-sitter queries (Neovim finds them on the
//! runtimepath under `queries/plan/`); they must stay byte for byte the queries of the grammar.
//! After changing `grammar/queries`, copy them: `cp grammar/queries/*.scm editors/nvim/queries/plan/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn files(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn nvim_queries_are_the_grammar_queries() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let grammar = root.join("grammar/queries");
    let nvim = root.join("editors/nvim/queries/plan");

    let grammar_files = files(&grammar);
    assert!(
        grammar_files.contains("highlights.scm"),
        "grammar/queries has no highlights.scm"
    );
    assert_eq!(
        files(&nvim),
        grammar_files,
        "editors/nvim/queries/plan must hold the same files as grammar/queries"
    );

    let differing: Vec<&String> = grammar_files
        .iter()
        .filter(|name| fs::read(grammar.join(name)).unwrap() != fs::read(nvim.join(name)).unwrap())
        .collect();
    assert!(
        differing.is_empty(),
        "editors/nvim/queries/plan differs from grammar/queries in {differing:?}; \
         run `cp grammar/queries/*.scm editors/nvim/queries/plan/`"
    );
}
