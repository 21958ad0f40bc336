//! What the client can display, read once at initialize, so that answers use only what it
//! understands: plain text where it has no Markdown, no snippets where it cannot expand them.

use tower_lsp_server::ls_types::{ClientCapabilities, MarkupKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientFeatures {
    pub hover_markdown: bool,
    pub completion_snippets: bool,
    pub completion_markdown: bool,
    pub completion_label_details: bool,
    pub hierarchical_symbols: bool,
    pub code_action_literals: bool,
    pub related_information: bool,
}

/// What a client that says nothing gets: the protocol's defaults, and Markdown, which every
/// editor that omits a format renders.
impl Default for ClientFeatures {
    fn default() -> Self {
        ClientFeatures {
            hover_markdown: true,
            completion_snippets: false,
            completion_markdown: true,
            completion_label_details: false,
            hierarchical_symbols: false,
            code_action_literals: false,
            related_information: false,
        }
    }
}

/// Markdown unless the client lists its formats and Markdown is not among them.
fn takes_markdown(formats: Option<&Vec<MarkupKind>>) -> bool {
    formats.is_none_or(|formats| formats.contains(&MarkupKind::Markdown))
}

impl ClientFeatures {
    pub fn from_capabilities(capabilities: &ClientCapabilities) -> ClientFeatures {
        let Some(text) = capabilities.text_document.as_ref() else {
            return ClientFeatures::default();
        };
        let item = text
            .completion
            .as_ref()
            .and_then(|c| c.completion_item.as_ref());
        ClientFeatures {
            hover_markdown: takes_markdown(
                text.hover.as_ref().and_then(|h| h.content_format.as_ref()),
            ),
            completion_snippets: item.and_then(|i| i.snippet_support).unwrap_or(false),
            completion_markdown: takes_markdown(item.and_then(|i| i.documentation_format.as_ref())),
            completion_label_details: item.and_then(|i| i.label_details_support).unwrap_or(false),
            hierarchical_symbols: text
                .document_symbol
                .as_ref()
                .and_then(|s| s.hierarchical_document_symbol_support)
                .unwrap_or(false),
            code_action_literals: text
                .code_action
                .as_ref()
                .is_some_and(|c| c.code_action_literal_support.is_some()),
            related_information: text
                .publish_diagnostics
                .as_ref()
                .and_then(|d| d.related_information)
                .unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_the_client_offers() {
        let capabilities: ClientCapabilities = serde_json::from_value(json!({
            "textDocument": {
                "hover": {"contentFormat": ["plaintext"]},
                "completion": {"completionItem": {"snippetSupport": true, "documentationFormat": ["markdown"]}},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
                "publishDiagnostics": {"relatedInformation": true}
            }
        }))
        .unwrap();
        let features = ClientFeatures::from_capabilities(&capabilities);
        assert_eq!(
            features,
            ClientFeatures {
                hover_markdown: false,
                completion_snippets: true,
                completion_markdown: true,
                completion_label_details: false,
                hierarchical_symbols: true,
                code_action_literals: true,
                related_information: true,
            }
        );
        assert_eq!(
            ClientFeatures::from_capabilities(&ClientCapabilities::default()),
            ClientFeatures::default()
        );
    }
}
