//! One input: up to three plan files (the bytes split at NUL), parsed, analysed, queried,
//! formatted and renamed. Besides not panicking, it checks what must hold for any text: spans lie
//! in their file on character boundaries; formatting keeps every comment and string byte for byte,
//! the line ending and a byte order mark, gives a file without syntax errors, is idempotent and
//! its edit never splits a `\r\n`; a rename edits only the name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planls::analysis::{analyze, rename, FileId, NaiveDate, Options, Workspace};
use planls::lsp::formatting::difference;
use planls::syntax::{format, parse, PlanFile, Span};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files: Vec<(String, String)> = text
        .splitn(3, '\0')
        .enumerate()
        .map(|(i, text)| (format!("f{i}.plan"), text.to_string()))
        .collect();
    for (_, text) in &files {
        check_formatting(text);
    }
    check_analysis(&files);
});

fn assert_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{span:?} in a text of {} bytes",
        text.len()
    );
}

fn check_analysis(files: &[(String, String)]) {
    let workspace = Workspace::from_texts(files.iter().cloned());
    let options = Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
    };
    let analysis = analyze(&workspace, &options);
    let text = |file: FileId| &*workspace.file(file).text;
    for d in analysis.diagnostics() {
        assert_span(text(d.file), d.span);
        for related in &d.related {
            assert_span(text(related.file), related.span);
        }
        for edit in d.fixes.iter().flat_map(|fix| &fix.edits) {
            assert_span(text(edit.file), edit.span);
        }
    }
    for file in workspace.file_ids() {
        let len = text(file).len();
        for offset in (0..=len).step_by(len / 16 + 1) {
            if let Some(hover) = analysis.hover(file, offset) {
                assert_span(text(file), hover.span);
            }
            analysis.definition(file, offset);
        }
    }
    // Rename the first item that has a name to a fresh one: only names change.
    let Some((_, item)) = analysis.items().next() else {
        return;
    };
    let new_name = "fuzz_renamed_item";
    if analysis.lookup(new_name).is_some() {
        return;
    }
    if let Ok(edits) = rename::rename(&analysis, item.file, item.name_span.start, new_name) {
        for edit in &edits {
            assert_span(text(edit.file), edit.span);
            let old = &text(edit.file)[edit.span.start..edit.span.end];
            assert_eq!(old, item.name, "a rename edits only the name");
        }
    }
}

/// The strings and the comments, byte for byte, in order.
fn kept(text: &str, file: &PlanFile) -> (Vec<String>, Vec<String>) {
    let mut strings: Vec<Span> = file.string_spans().collect();
    strings.sort_by_key(|s| s.start);
    let slice = |s: &Span| text[s.start..s.end].to_string();
    (
        strings.iter().map(slice).collect(),
        file.comments.iter().map(slice).collect(),
    )
}

/// Every line break outside strings.
fn line_breaks(text: &str, file: &PlanFile) -> Vec<&'static str> {
    let strings: Vec<Span> = file.string_spans().collect();
    let inside = |at: usize| strings.iter().any(|s| s.start <= at && at < s.end);
    let bytes = text.as_bytes();
    let mut breaks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some("\r\n"),
            b'\r' => Some("\r"),
            b'\n' => Some("\n"),
            _ => None,
        };
        if let Some(found) = found {
            if !inside(i) {
                breaks.push(found);
            }
            i += found.len();
        } else {
            i += 1;
        }
    }
    breaks
}

fn check_formatting(text: &str) {
    let file = parse(text);
    for span in file.comments.iter().copied().chain(file.string_spans()) {
        assert_span(text, span);
    }
    for error in &file.errors {
        assert_span(text, error.span);
    }
    let Some(formatted) = format::format(text, &file) else {
        return;
    };
    let reparsed = parse(&formatted);
    assert!(reparsed.errors.is_empty(), "formatting made a syntax error");
    assert_eq!(kept(text, &file), kept(&formatted, &reparsed), "lost text");
    assert_eq!(
        text.starts_with('\u{feff}'),
        formatted.starts_with('\u{feff}')
    );
    let breaks = line_breaks(&formatted, &reparsed);
    assert!(
        breaks.windows(2).all(|w| w[0] == w[1]),
        "more than one line ending: {breaks:?}"
    );
    assert_eq!(
        format::format(&formatted, &reparsed).as_deref(),
        Some(formatted.as_str()),
        "formatting twice changes the text"
    );
    if let Some((span, replacement)) = difference(text, &formatted) {
        for at in [span.start, span.end] {
            assert!(!(text[..at].ends_with('\r') && text[at..].starts_with('\n')));
        }
        let mut applied = text.to_string();
        applied.replace_range(span.start..span.end, replacement);
        assert_eq!(applied, formatted);
    }
}
