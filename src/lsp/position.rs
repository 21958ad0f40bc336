//! Byte offsets to protocol positions and back, in the negotiated encoding.
//!
//! The analysis speaks byte offsets; the protocol speaks lines and characters counted in UTF-8 or
//! UTF-16 code units. Lines end at `\n`, `\r\n` or `\r` (ropey's `cr_lines`), as the protocol says.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use crate::syntax::Span;

/// How characters in a position are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// The protocol's default, which every client supports.
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion at all), else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    /// The length of `text` in this encoding's code units.
    pub fn len(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.encode_utf16().count(),
        }
    }
}

/// The byte offset of `position`, or `None` when its line is past the end of the text.
///
/// A character past the end of its line means the end of the line, as the protocol asks; one in
/// the middle of a character (half a surrogate pair, a byte inside a UTF-8 sequence) means the
/// start of that character.
pub fn offset(rope: &Rope, position: Position, encoding: Encoding) -> Option<usize> {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return None;
    }
    let line_start_char = rope.line_to_char(line);
    let content_chars = line_content_chars(rope, line);
    let char_index = match encoding {
        Encoding::Utf8 => {
            let line_start_byte = rope.char_to_byte(line_start_char);
            let content_bytes =
                rope.char_to_byte(line_start_char + content_chars) - line_start_byte;
            let byte = line_start_byte + (position.character as usize).min(content_bytes);
            rope.byte_to_char(byte)
        }
        Encoding::Utf16 => {
            let line_start_cu = rope.char_to_utf16_cu(line_start_char);
            let content_cu = rope.char_to_utf16_cu(line_start_char + content_chars) - line_start_cu;
            let cu = line_start_cu + (position.character as usize).min(content_cu);
            rope.utf16_cu_to_char(cu)
        }
    };
    Some(rope.char_to_byte(char_index))
}

/// Like [`offset`], but a position past the last line means the end of the text: edits from a
/// client are applied rather than dropped.
pub fn offset_clamped(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    offset(rope, position, encoding).unwrap_or(rope.len_bytes())
}

/// The position of byte `offset`; an offset past the end is the end, one inside a character is
/// that character's start.
pub fn position(rope: &Rope, offset: usize, encoding: Encoding) -> Position {
    let char_index = rope.byte_to_char(offset.min(rope.len_bytes()));
    let line = rope.char_to_line(char_index);
    let line_start_char = rope.line_to_char(line);
    let character = match encoding {
        Encoding::Utf8 => rope.char_to_byte(char_index) - rope.char_to_byte(line_start_char),
        Encoding::Utf16 => {
            rope.char_to_utf16_cu(char_index) - rope.char_to_utf16_cu(line_start_char)
        }
    };
    Position::new(to_u32(line), to_u32(character))
}

pub fn range(rope: &Rope, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(rope, span.start, encoding),
        position(rope, span.end, encoding),
    )
}

/// The byte span of `range`, or `None` when it starts past the end of the text.
pub fn span(rope: &Rope, range: Range, encoding: Encoding) -> Option<Span> {
    let start = offset(rope, range.start, encoding)?;
    let end = offset_clamped(rope, range.end, encoding).max(start);
    Some(Span::new(start, end))
}

/// The number of characters on `line` before its line break.
fn line_content_chars(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut chars = slice.len_chars();
    if chars > 0 && slice.char(chars - 1) == '\n' {
        chars -= 1;
    }
    if chars > 0 && slice.char(chars - 1) == '\r' {
        chars -= 1;
    }
    chars
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two() {
        let rope = Rope::from_str("a😀b\n字x");
        assert_eq!(position(&rope, 5, Encoding::Utf16), pos(0, 3));
        assert_eq!(position(&rope, 5, Encoding::Utf8), pos(0, 5));
        assert_eq!(offset(&rope, pos(0, 3), Encoding::Utf16), Some(5));
        assert_eq!(offset(&rope, pos(1, 1), Encoding::Utf16), Some(10));
        assert_eq!(offset(&rope, pos(1, 3), Encoding::Utf8), Some(10));
    }

    #[test]
    fn a_character_inside_a_code_point_means_its_start() {
        let rope = Rope::from_str("a😀b");
        assert_eq!(offset(&rope, pos(0, 2), Encoding::Utf16), Some(1));
        assert_eq!(offset(&rope, pos(0, 3), Encoding::Utf8), Some(1));
    }

    #[test]
    fn past_the_end_of_a_line_is_its_end_and_past_the_last_line_is_nothing() {
        let rope = Rope::from_str("ab\r\ncd\n");
        assert_eq!(offset(&rope, pos(0, 99), Encoding::Utf16), Some(2));
        assert_eq!(offset(&rope, pos(1, 99), Encoding::Utf8), Some(6));
        assert_eq!(offset(&rope, pos(2, 0), Encoding::Utf8), Some(7));
        assert_eq!(offset(&rope, pos(3, 0), Encoding::Utf8), None);
        assert_eq!(offset_clamped(&rope, pos(3, 0), Encoding::Utf8), 7);
    }

    #[test]
    fn lines_end_at_lf_crlf_and_cr_only() {
        let rope = Rope::from_str("a\rb\r\nc\u{2028}d");
        assert_eq!(position(&rope, 2, Encoding::Utf16), pos(1, 0));
        assert_eq!(position(&rope, 5, Encoding::Utf16), pos(2, 0));
        assert_eq!(position(&rope, 9, Encoding::Utf16), pos(2, 2));
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("a"),
            Just("Z_"),
            Just(" "),
            Just("\n"),
            Just("\r\n"),
            Just("\r"),
            Just("😀"),
            Just("👩‍💻"),
            Just("字"),
            Just("é"),
            Just("\u{2028}"),
            Just("@ana"),
        ];
        prop::collection::vec(pieces, 0..40).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn every_offset_round_trips(text in text_strategy()) {
            let rope = Rope::from_str(&text);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                for (offset_in, _) in text.char_indices().chain([(text.len(), ' ')]) {
                    // Between `\r` and `\n` is inside a line break, not a place in a line.
                    if text[..offset_in].ends_with('\r') && text[offset_in..].starts_with('\n') {
                        continue;
                    }
                    let position = position(&rope, offset_in, encoding);
                    prop_assert_eq!(offset(&rope, position, encoding), Some(offset_in));
                }
            }
        }

        #[test]
        fn positions_agree_with_counting_by_hand(text in text_strategy()) {
            let rope = Rope::from_str(&text);
            let mut line = 0u32;
            let mut utf16 = 0u32;
            let mut utf8 = 0u32;
            let mut previous = '\0';
            for (offset_in, c) in text.char_indices() {
                if previous == '\r' && c == '\n' {
                    previous = c;
                    continue;
                }
                prop_assert_eq!(position(&rope, offset_in, Encoding::Utf16), pos(line, utf16));
                prop_assert_eq!(position(&rope, offset_in, Encoding::Utf8), pos(line, utf8));
                if c == '\n' || c == '\r' {
                    line += 1;
                    utf16 = 0;
                    utf8 = 0;
                } else {
                    utf16 += c.len_utf16() as u32;
                    utf8 += c.len_utf8() as u32;
                }
                previous = c;
            }
        }
    }
}
