//! Documentation for clients with and without Markdown. The analysis writes Markdown; a client
//! whose `hover.contentFormat` or `completionItem.documentationFormat` lacks it gets the same text
//! with the Markdown taken out, as rust-analyzer's `remove_markdown` does (parse with
//! pulldown-cmark, keep the text and code, drop the markup), rather than Markdown labelled plain
//! text that shows `**initiative**` literally. Lists keep a `-` per item and their nesting, as
//! the hovers are lists of facts.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use tower_lsp_server::ls_types::{MarkupContent, MarkupKind};

/// `markdown` as the client can show it.
pub fn content(markdown: String, client_takes_markdown: bool) -> MarkupContent {
    if client_takes_markdown {
        MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }
    } else {
        MarkupContent {
            kind: MarkupKind::PlainText,
            value: remove_markdown(&markdown),
        }
    }
}

/// The text of `markdown` without its markup: emphasis, code spans, escapes and links reduced to
/// their text, paragraphs apart by a blank line, list items one per line under `- `, indented
/// by their depth, and code blocks kept line for line.
pub fn remove_markdown(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut depth = 0usize;
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule | Event::End(TagEnd::CodeBlock) => out.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => {
                // A paragraph inside a list item ends its line only.
                out.push_str(if depth > 0 { "\n" } else { "\n\n" })
            }
            Event::Start(Tag::List(_)) => {
                if depth > 0 && !out.ends_with('\n') {
                    out.push('\n');
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                out.push_str(&"  ".repeat(depth.saturating_sub(1)));
                out.push_str("- ");
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            _ => {}
        }
    }
    let end = out.trim_end_matches('\n').len();
    out.truncate(end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hover_keeps_its_words_and_its_lists() {
        let markdown = "**initiative** `tokenization`: Card tokenization service\n\n\
                        - **Owner:** Ana Diaz (`@dev_a`), Payments Platform\n\
                        - **Depends on:**\n  \
                          - Upgrade the secrets vault (`vault_upgrade`, blocked)\n\
                        - **Channel:** \\#payments\n";
        assert_eq!(
            remove_markdown(markdown),
            "initiative tokenization: Card tokenization service\n\n\
             - Owner: Ana Diaz (@dev_a), Payments Platform\n\
             - Depends on:\n  \
               - Upgrade the secrets vault (vault_upgrade, blocked)\n\
             - Channel: #payments"
        );
    }

    #[test]
    fn paragraphs_code_blocks_and_links_become_text() {
        let markdown = "A *duration* is whole\ndays or weeks.\n\n```plan\nduration: 2w\n```\n\n\
                        See [the reference](https://example.com/language.md).";
        assert_eq!(
            remove_markdown(markdown),
            "A duration is whole days or weeks.\n\nduration: 2w\n\nSee the reference."
        );
    }

    #[test]
    fn markdown_goes_to_clients_that_take_it() {
        let shown = content("**x**".to_string(), true);
        assert_eq!(
            (shown.kind, shown.value.as_str()),
            (MarkupKind::Markdown, "**x**")
        );
        let shown = content("**x**".to_string(), false);
        assert_eq!(
            (shown.kind, shown.value.as_str()),
            (MarkupKind::PlainText, "x")
        );
    }
}
