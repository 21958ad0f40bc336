//! Semantic tokens: IDs and references coloured by the kind of item they name, so a team in a
//! list of people stands out; enum words, keys, strings, numbers and comments too.

use tower_lsp_server::ls_types::{
    Range, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensFullOptions, SemanticTokensLegend, SemanticTokensOptions, SemanticTokensParams,
    SemanticTokensRangeParams, SemanticTokensRangeResult, SemanticTokensResult,
    SemanticTokensServerCapabilities,
};

use crate::analysis::schema::{self, ValueType};
use crate::analysis::FileId;
use crate::lsp::state::Snapshot;
use crate::syntax::{Kind, Span, ValueKind};

/// The legend; a token's type is its position here.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::STRUCT,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::EVENT,
    SemanticTokenType::TYPE,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenType {
    Keyword = 0,
    Namespace,
    Struct,
    Variable,
    Function,
    Event,
    Type,
    EnumMember,
    Property,
    String,
    Number,
    Comment,
}

const DECLARATION: u32 = 1;

pub fn options() -> SemanticTokensServerCapabilities {
    SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
        legend: SemanticTokensLegend {
            token_types: TYPES.to_vec(),
            token_modifiers: vec![SemanticTokenModifier::DECLARATION],
        },
        full: Some(SemanticTokensFullOptions::Bool(true)),
        range: Some(true),
        ..SemanticTokensOptions::default()
    })
}

fn kind_type(kind: Kind) -> TokenType {
    match kind {
        Kind::Program => TokenType::Namespace,
        Kind::Team => TokenType::Struct,
        Kind::Person => TokenType::Variable,
        Kind::Initiative => TokenType::Function,
        Kind::Milestone => TokenType::Event,
        Kind::Risk => TokenType::Type,
    }
}

pub fn full(snapshot: &Snapshot, params: &SemanticTokensParams) -> Option<SemanticTokensResult> {
    let file = snapshot.file(&params.text_document.uri)?;
    Some(SemanticTokensResult::Tokens(encode(
        snapshot,
        file,
        tokens(snapshot, file),
    )))
}

pub fn range(
    snapshot: &Snapshot,
    params: &SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let file = snapshot.file(&params.text_document.uri)?;
    let Range { start, end } = params.range;
    let start = snapshot.offset(file, start)?;
    let end = snapshot
        .offset(file, end)
        .unwrap_or(snapshot.text(file).len());
    let mut tokens = tokens(snapshot, file);
    tokens.retain(|(span, _, _)| span.end > start && span.start < end);
    Some(SemanticTokensRangeResult::Tokens(encode(
        snapshot, file, tokens,
    )))
}

/// Every token of the file in order: its span, type and modifiers.
fn tokens(snapshot: &Snapshot, file: FileId) -> Vec<(Span, TokenType, u32)> {
    let analysis = &snapshot.analysis;
    let named = |name: &str| {
        analysis
            .lookup(name)
            .map_or(TokenType::Variable, |id| kind_type(analysis.item(id).kind))
    };
    let syntax = snapshot.syntax(file);
    let mut tokens = Vec::new();
    for item in &syntax.items {
        tokens.push((item.kind_span, TokenType::Keyword, 0));
        if let Some(id) = &item.id {
            tokens.push((id.span, kind_type(item.kind), DECLARATION));
        }
        if let Some(title) = &item.title {
            tokens.push((title.span, TokenType::String, 0));
        }
        for field in &item.fields {
            tokens.push((field.key.span, TokenType::Property, 0));
            let takes_words = schema::field_spec(item.kind, &field.key.text)
                .is_some_and(|spec| matches!(spec.value, ValueType::Enum(_) | ValueType::Level));
            for value in &field.values {
                match &value.kind {
                    ValueKind::String(_) => tokens.push((value.span, TokenType::String, 0)),
                    ValueKind::Date(_)
                    | ValueKind::Duration(_)
                    | ValueKind::Integer(_)
                    | ValueKind::Percent(_) => tokens.push((value.span, TokenType::Number, 0)),
                    ValueKind::Person(name) => {
                        tokens.push((value.span, named(&name.text), 0));
                    }
                    ValueKind::Reference(reference) => {
                        let token = if takes_words {
                            TokenType::EnumMember
                        } else {
                            named(&reference.name.text)
                        };
                        tokens.push((reference.name.span, token, 0));
                        if let Some(lag) = &reference.lag {
                            tokens.push((lag.span, TokenType::Number, 0));
                        }
                    }
                }
            }
        }
    }
    for field in &syntax.stray_fields {
        tokens.push((field.key.span, TokenType::Property, 0));
    }
    tokens.extend(
        syntax
            .comments
            .iter()
            .map(|&span| (span, TokenType::Comment, 0)),
    );
    tokens.retain(|(span, _, _)| !span.is_empty());
    tokens.sort_by_key(|(span, _, _)| (span.start, span.end));
    tokens.dedup_by_key(|(span, _, _)| span.start);
    tokens
}

/// The protocol's relative encoding; a token across lines (a `"""` string) becomes one per line.
fn encode(
    snapshot: &Snapshot,
    file: FileId,
    tokens: Vec<(Span, TokenType, u32)>,
) -> SemanticTokens {
    let text = snapshot.text(file);
    let encoding = snapshot.encoding;
    let mut data = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for (span, token_type, modifiers) in tokens {
        for piece in split_lines(text, span) {
            let start = snapshot.position(file, piece.start);
            let length = encoding.len(&text[piece.start..piece.end]) as u32;
            if length == 0 {
                continue;
            }
            let delta_line = start.line - last_line;
            let delta_start = if delta_line == 0 {
                start.character - last_start
            } else {
                start.character
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: token_type as u32,
                token_modifiers_bitset: modifiers,
            });
            last_line = start.line;
            last_start = start.character;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

/// The parts of `span` on each line, line breaks left out.
fn split_lines(text: &str, span: Span) -> Vec<Span> {
    let mut pieces = Vec::new();
    let mut start = span.start;
    let bytes = text.as_bytes();
    let mut i = span.start;
    while i < span.end {
        match bytes[i] {
            b'\n' | b'\r' => {
                pieces.push(Span::new(start, i));
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    pieces.push(Span::new(start, span.end));
    pieces.retain(|p| !p.is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_matches_the_token_types() {
        assert_eq!(TYPES.len(), TokenType::Comment as usize + 1);
        assert_eq!(
            TYPES[TokenType::EnumMember as usize],
            SemanticTokenType::ENUM_MEMBER
        );
    }

    #[test]
    fn multi_line_spans_split_at_every_line_break() {
        let text = "a \"\"\"x\r\ny\nz\"\"\" b";
        let pieces = split_lines(text, Span::new(2, 14));
        let parts: Vec<_> = pieces.iter().map(|p| &text[p.start..p.end]).collect();
        assert_eq!(parts, vec!["\"\"\"x", "y", "z\"\"\""]);
    }
}
