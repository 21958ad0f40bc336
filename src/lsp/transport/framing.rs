//! Reading the base protocol's frames: header lines, a blank line, then exactly `Content-Length`
//! bytes of body. Whatever cannot be a frame is skipped up to the next `Content-Length` header, so
//! one bad frame costs that frame only.

use tokio::io::{AsyncRead, AsyncReadExt};

/// The header part of a frame is a few dozen bytes; more than this without a blank line is not
/// a header.
const MAX_HEADER: usize = 8 * 1024;

/// Where a frame may start again after garbage, matched without regard to case.
const MARKER: &[u8] = b"content-length";

const READ_CHUNK: usize = 64 * 1024;

/// One unit read from the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body, exactly as long as its `Content-Length` said.
    Body(Vec<u8>),
    /// A body whose `Content-Type` names a charset other than UTF-8.
    WrongCharset { body: Vec<u8>, charset: String },
    /// Bytes that are not a frame, skipped up to the next `Content-Length` header. Reported once
    /// per run of garbage, however long, with the reason the first bytes were refused.
    Garbage { reason: String },
}

/// What the header lines at the start of the buffer say.
#[derive(Debug, PartialEq, Eq)]
enum Headers {
    /// More bytes are needed to tell.
    Incomplete,
    /// Not a frame's headers; the garbage goes on at least up to `from`.
    Invalid { reason: String, from: usize },
    Complete {
        /// Bytes up to and including the blank line.
        length: usize,
        content_length: usize,
        /// The charset, when one other than UTF-8 was named.
        foreign_charset: Option<String>,
    },
}

pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    max_body: usize,
    /// Inside a run of garbage: it has been reported already.
    skipping: bool,
    at_end: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R, max_body: usize) -> FrameReader<R> {
        FrameReader {
            input,
            buffer: Vec::new(),
            max_body,
            skipping: false,
            at_end: false,
        }
    }

    /// The next frame, or `None` once the input has ended (or cannot be read).
    pub async fn next(&mut self) -> Option<Frame> {
        loop {
            // Line breaks and blanks between frames are tolerated silently.
            let blank = self
                .buffer
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
                .count();
            self.buffer.drain(..blank);
            if !self.buffer.is_empty() {
                match parse_headers(&self.buffer, self.max_body) {
                    Headers::Incomplete => {}
                    Headers::Invalid { reason, from } => {
                        let first = !self.skipping;
                        self.skip_garbage(from);
                        if first {
                            return Some(Frame::Garbage { reason });
                        }
                        continue;
                    }
                    Headers::Complete {
                        length,
                        content_length,
                        foreign_charset,
                    } => {
                        self.skipping = false;
                        let end = length + content_length;
                        if self.buffer.len() >= end {
                            let body = self.buffer[length..end].to_vec();
                            self.buffer.drain(..end);
                            return Some(match foreign_charset {
                                Some(charset) => Frame::WrongCharset { body, charset },
                                None => Frame::Body(body),
                            });
                        }
                        self.buffer.reserve(end - self.buffer.len());
                    }
                }
            }
            if self.at_end {
                if !self.buffer.is_empty() {
                    tracing::warn!(
                        "the input ended inside a message; {} bytes dropped",
                        self.buffer.len()
                    );
                }
                return None;
            }
            self.buffer.reserve(READ_CHUNK);
            match self.input.read_buf(&mut self.buffer).await {
                Ok(0) => self.at_end = true,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!("cannot read the input: {error}");
                    self.at_end = true;
                }
            }
        }
    }

    /// Drops bytes up to the next `Content-Length` from `from` on (at least one byte). Without
    /// one, keeps only a tail that could be the start of a header split across reads.
    fn skip_garbage(&mut self, from: usize) {
        self.skipping = true;
        let from = from.clamp(1, self.buffer.len());
        let cut = match find_marker(&self.buffer[from..]) {
            Some(at) => at + from,
            None => self.buffer.len().saturating_sub(MARKER.len() - 1).max(1),
        };
        self.buffer.drain(..cut);
    }
}

fn find_marker(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(MARKER.len())
        .position(|window| window.eq_ignore_ascii_case(MARKER))
}

fn parse_headers(buffer: &[u8], max_body: usize) -> Headers {
    let window = &buffer[..buffer.len().min(MAX_HEADER)];
    let mut start = 0;
    let mut content_length = None;
    let mut foreign_charset = None;
    loop {
        let Some(newline) = window[start..].iter().position(|&b| b == b'\n') else {
            return if buffer.len() >= MAX_HEADER {
                invalid(
                    format!("no end of the headers within {MAX_HEADER} bytes"),
                    1,
                )
            } else {
                Headers::Incomplete
            };
        };
        let line = &window[start..start + newline];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // A bad line spoils the frame up to that line; a header may start just after it.
        let bad_line = start + 1;
        start += newline + 1;
        if line.is_empty() {
            break;
        }
        let Ok(line) = std::str::from_utf8(line) else {
            return invalid("a header line that is not text".to_string(), bad_line);
        };
        let Some((name, value)) = line.split_once(':') else {
            return invalid(format!("not a header line: {:?}", clip(line)), bad_line);
        };
        let (name, value) = (name.trim(), value.trim());
        if !is_token(name) {
            return invalid(format!("not a header line: {:?}", clip(line)), bad_line);
        }
        if name.eq_ignore_ascii_case("content-length") {
            let parsed = value
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| value.parse::<usize>().ok())
                .flatten();
            match (parsed, content_length) {
                (None, _) => {
                    return invalid(format!("a bad Content-Length: {:?}", clip(value)), bad_line)
                }
                (Some(new), Some(old)) if new != old => {
                    return invalid("two different Content-Length headers".to_string(), bad_line)
                }
                (Some(new), _) => content_length = Some(new),
            }
        } else if name.eq_ignore_ascii_case("content-type") {
            foreign_charset = foreign(value);
        }
        // Other headers mean nothing to the protocol and are ignored.
    }
    // A complete header block without a usable length: the body that follows cannot be told
    // from garbage, and is skipped as such.
    match content_length {
        None => invalid(
            "a message without a Content-Length header".to_string(),
            start,
        ),
        Some(length) if length > max_body => invalid(
            format!("a message of {length} bytes, more than the limit of {max_body}"),
            start,
        ),
        Some(content_length) => Headers::Complete {
            length: start,
            content_length,
            foreign_charset,
        },
    }
}

fn invalid(reason: String, from: usize) -> Headers {
    Headers::Invalid { reason, from }
}

/// The charset of a `Content-Type` value when it is not UTF-8 (the protocol's only charset).
fn foreign(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (key, value) = parameter.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let charset = value.trim().trim_matches('"');
        let utf8 = charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8");
        (!utf8).then(|| charset.to_string())
    })
}

/// A header name, as HTTP spells it: no spaces, brackets or quotes.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input, 1000);
        let mut frames = Vec::new();
        while let Some(frame) = reader.next().await {
            frames.push(frame);
        }
        frames
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[tokio::test]
    async fn reads_frames_with_headers_in_any_case_and_order() {
        let input = b"Content-Length: 2\r\n\r\n{}content-length: 3\r\n\r\n[1]\
            Content-Type: application/vscode-jsonrpc; charset=utf8\r\nCONTENT-LENGTH:1\r\n\r\n1\
            Content-Type: application/vscode-jsonrpc\r\nX-Other: 1\r\nContent-Length: 1\r\n\r\n2\
            Content-Length: 1\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n3";
        assert_eq!(
            frames(input).await,
            vec![body("{}"), body("[1]"), body("1"), body("2"), body("3")]
        );
    }

    #[tokio::test]
    async fn another_charset_is_reported_with_the_body() {
        let input = b"Content-Type: text/plain; charset=\"latin1\"\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(
            frames(input).await,
            vec![Frame::WrongCharset {
                body: b"{}".to_vec(),
                charset: "latin1".to_string()
            }]
        );
    }

    #[tokio::test]
    async fn garbage_is_skipped_to_the_next_header_and_reported_once() {
        let input = b"garbage\r\nmore garbage\r\n\r\nxxContent-Length: 2\r\n\r\n{}";
        let found = frames(input).await;
        assert!(matches!(&found[0], Frame::Garbage { reason } if reason.contains("garbage")));
        assert_eq!(found[1..], [body("{}")]);
    }

    #[tokio::test]
    async fn a_frame_without_length_or_with_a_bad_one_is_garbage() {
        for input in [
            &b"Content-Type: x\r\n\r\n{}Content-Length: 2\r\n\r\n{}"[..],
            b"Content-Length: -2\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"Content-Length: 99999\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
            b"Content-Length: 2\r\n{}Content-Length: 2\r\n\r\n{}",
        ] {
            let found = frames(input).await;
            assert!(matches!(found[0], Frame::Garbage { .. }), "{found:?}");
            assert_eq!(found[1..], [body("{}")]);
        }
    }

    #[tokio::test]
    async fn a_header_split_across_reads_is_found() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut reader = FrameReader::new(server, 1000);
        let sender = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            for part in [&b"xyz Conte"[..], b"nt-Len", b"gth: 2\r\n", b"\r\n{", b"}"] {
                client.write_all(part).await.unwrap();
                tokio::task::yield_now().await;
            }
        });
        assert!(matches!(reader.next().await, Some(Frame::Garbage { .. })));
        assert_eq!(reader.next().await, Some(body("{}")));
        sender.await.unwrap();
        assert_eq!(reader.next().await, None);
    }

    #[tokio::test]
    async fn endless_headers_are_garbage_not_a_wait() {
        let mut input = vec![b'x'; MAX_HEADER + 10];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let found = frames(&input).await;
        assert!(matches!(found[0], Frame::Garbage { .. }));
        assert_eq!(found[1..], [body("{}")]);
    }
}
