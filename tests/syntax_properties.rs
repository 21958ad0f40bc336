//! Properties of the parser and lowering that must hold for any text.

use planls::syntax::{parse, PlanFile, Span, ValueKind};
use proptest::prelude::*;

/// Pieces that plans and broken plans are made of.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "program",
            "team",
            "person",
            "initiative",
            "milestone",
            "risk",
            "owner",
            "depends_on",
            "status",
            "{",
            "}",
            ":",
            ",",
            "@",
            "+",
            "\"",
            "\"\"\"",
            "#",
            "\n",
            " ",
            "\t",
            "\\",
            "2027-02-30",
            "2027-1-4",
            "6w",
            "10d",
            "40%",
            "12",
            "blocked",
            "@ana",
            "x + 1w",
            "\"text\"",
            "\"esc \\q\"",
            "😀",
            "名前",
            ")",
            ";",
            "\r\n",
        ])
        .prop_map(String::from),
        "[a-z_][a-z0-9_.-]{0,8}",
        any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..60).prop_map(|tokens| tokens.join(" "))
}

fn assert_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} out of bounds"
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} splits a character"
    );
}

fn assert_spans(text: &str, file: &PlanFile) {
    for error in &file.errors {
        assert_span(text, error.span, "error");
        assert!(!error.message.is_empty());
        assert!(
            !error.message.contains("ERROR"),
            "a raw node kind leaked: {}",
            error.message
        );
    }
    for item in &file.items {
        assert_span(text, item.span, "item");
        assert_span(text, item.kind_span, "kind");
        if let Some(id) = &item.id {
            assert_span(text, id.span, "id");
            assert_eq!(&text[id.span.start..id.span.end], id.text);
        }
        for field in &item.fields {
            assert_span(text, field.key.span, "key");
            for value in &field.values {
                assert_span(text, value.span, "value");
                if let ValueKind::Person(name)
                | ValueKind::Reference(planls::syntax::Reference { name, .. }) = &value.kind
                {
                    assert_eq!(&text[name.span.start..name.span.end], name.text);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_parses_without_panicking_and_spans_stay_in_bounds(text in text()) {
        let file = parse(&text);
        assert_spans(&text, &file);
    }

    /// A break inserted between two items never hides the items after it.
    #[test]
    fn a_break_never_hides_the_items_after_it(
        boundary in 0usize..12,
        snippet in prop::sample::select(vec![
            ")", "}", "initiative {", "initiative a_broken {", "owner:", "owner: @x,", "foo bar",
            "risk r_broken { likelihood: high", "person p_broken { role: \"unterminated\n",
            "initiativ b_typo { owner: @ana }", "milestone m_broken { date: 2027-1-4 }",
            "team: payments", "@", ",", "+ 1w", "initiative x_broken { depends_on: y + }",
        ]),
    ) {
        let example = include_str!("fixtures/spec_example.plan");
        let clean = parse(example);
        prop_assert!(clean.errors.is_empty());
        let starts: Vec<usize> = clean.items.iter().map(|i| i.span.start).collect();
        let at = starts[boundary % starts.len()];
        let broken = format!("{}{}\n{}", &example[..at], snippet, &example[at..]);
        let file = parse(&broken);
        assert_spans(&broken, &file);
        prop_assert!(!file.errors.is_empty(), "no error for {snippet:?}");
        let ids = |f: &PlanFile| f.items.iter().filter_map(|i| i.id.as_ref().map(|n| n.text.clone())).collect::<Vec<_>>();
        let after: Vec<String> = clean.items.iter().filter(|i| i.span.start >= at).filter_map(|i| i.id.as_ref().map(|n| n.text.clone())).collect();
        let found = ids(&file);
        for id in &after {
            prop_assert!(found.contains(id), "`{id}` was lost after inserting {snippet:?}");
        }
    }
}

#[test]
fn the_spec_example_parses_without_errors() {
    let file = parse(include_str!("fixtures/spec_example.plan"));
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.items.len(), 9);
    let tokenization = file
        .items
        .iter()
        .find(|i| i.id.as_ref().unwrap().text == "tokenization")
        .unwrap();
    let depends = tokenization.field("depends_on").unwrap();
    assert_eq!(depends.values.len(), 2);
    match &depends.values[0].kind {
        ValueKind::Reference(r) => {
            assert_eq!(r.name.text, "vault_upgrade");
            assert_eq!(r.lag.as_ref().unwrap().duration.days(), 7);
        }
        other => panic!("expected a reference, got {other:?}"),
    }
    assert_eq!(file.comments.len(), 2);
}

/// Found by the fuzz target: a string cut by the end of the file, or by a lone `\r`, had no
/// closing quote and no error, so formatting added a line break and turned it into a broken file.
#[test]
fn a_string_cut_by_the_end_of_the_file_or_a_lone_cr_is_unterminated() {
    for (text, span) in [
        ("person a \"abc", Span::new(9, 13)),
        ("person a \"abc\rperson b {}\r", Span::new(9, 13)),
        ("person a { role: \"x", Span::new(17, 19)),
    ] {
        let file = parse(text);
        assert_spans(text, &file);
        assert!(
            file.errors.iter().any(|e| e.span == span
                && e.message
                    == "unterminated string: add a closing `\"` before the end of the line"),
            "{text:?}: {:?}",
            file.errors
        );
        assert_eq!(
            planls::syntax::format::format(text, &file),
            None,
            "{text:?}"
        );
    }
}
