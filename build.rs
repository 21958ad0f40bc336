//! Compiles the tree-sitter parser generated from `grammar/grammar.js`.
fn main() {
    let src = std::path::Path::new("grammar/src");
    let mut build = cc::Build::new();
    build
        .include(src)
        .file(src.join("parser.c"))
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-trigraphs")
        .std("c11");
    build.compile("tree_sitter_plan");
    println!("cargo:rerun-if-changed=grammar/src/parser.c");
    println!("cargo:rerun-if-changed=grammar/src/tree_sitter/parser.h");
}
