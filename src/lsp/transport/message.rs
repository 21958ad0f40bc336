//! Checking one body against JSON-RPC 2.0 as LSP uses it, before the service sees it: one JSON
//! object, `"jsonrpc": "2.0"`, an `id` that is an integer or a string, a string `method`, `params`
//! that are structured. What fails gets the error the JSON-RPC specification names, with the
//! request's id when it can be told, else `null`.

use serde_json::{Map, Value};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// What one body asks of the transport.
#[derive(Debug, PartialEq)]
pub enum Incoming {
    /// A request (with an id) or a notification, for the service.
    Request(Request),
    /// The client's answer to one of the server's requests.
    Response(Response),
    /// Not a valid message: these error responses answer it.
    Invalid(Vec<Response>),
    /// Nothing to do or answer (an unusable response from the client, a notification in a
    /// refused batch); logged.
    Ignored,
}

/// Decodes and checks one body. `max_depth` bounds the nesting of arrays and objects.
pub fn decode(body: &[u8], max_depth: usize) -> Incoming {
    if nesting_depth(body) > max_depth {
        tracing::warn!("refused a message nested more than {max_depth} levels deep");
        // The id is read from a copy with everything below the top level left out, so that a
        // request still gets its answer.
        let top = serde_json::from_slice::<Value>(&shallow(body)).ok();
        let top = top.as_ref().and_then(Value::as_object);
        if top.is_some_and(|object| !object.contains_key("method") && is_response(object)) {
            return Incoming::Ignored;
        }
        let id = top.and_then(valid_id).unwrap_or(Id::Null);
        return invalid(
            id,
            Error::invalid_request(),
            format!("the message is nested more than {max_depth} levels deep"),
        );
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            tracing::warn!("refused a message that is not JSON: {error}");
            return invalid(
                Id::Null,
                Error::parse_error(),
                format!("the message is not valid UTF-8 JSON: {error}"),
            );
        }
    };
    match value {
        Value::Object(object) => single(object),
        Value::Array(batch) => refuse_batch(batch),
        _ => {
            tracing::warn!("refused a message that is not a JSON object");
            invalid(
                Id::Null,
                Error::invalid_request(),
                "a message must be a JSON object".to_string(),
            )
        }
    }
}

/// A body sent in another charset: it is refused, with the request's id when the body can be
/// read anyway.
pub fn refuse_charset(body: &[u8], charset: &str, max_depth: usize) -> Incoming {
    tracing::warn!("refused a message in charset {charset}: the protocol's charset is UTF-8");
    match decode(body, max_depth) {
        Incoming::Request(request) => match request.id() {
            Some(id) => invalid(
                id.clone(),
                Error::invalid_request(),
                format!("charset {charset} is not supported: send UTF-8"),
            ),
            None => Incoming::Ignored,
        },
        Incoming::Response(_) | Incoming::Ignored => Incoming::Ignored,
        Incoming::Invalid(errors) => Incoming::Invalid(errors),
    }
}

fn invalid(id: Id, mut error: Error, message: String) -> Incoming {
    error.message = message.into();
    Incoming::Invalid(vec![Response::from_error(id, error)])
}

/// The id of a message, when it is one LSP allows: an integer or a string.
fn valid_id(object: &Map<String, Value>) -> Option<Id> {
    match object.get("id")? {
        Value::Number(number) => number.as_i64().map(Id::Number),
        Value::String(text) => Some(Id::String(text.clone())),
        _ => None,
    }
}

fn single(mut object: Map<String, Value>) -> Incoming {
    let id = valid_id(&object);
    let fail = |message: &str| {
        tracing::warn!("refused a message: {message}");
        invalid(
            id.clone().unwrap_or(Id::Null),
            Error::invalid_request(),
            message.to_string(),
        )
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        if !object.contains_key("method") && is_response(&object) {
            tracing::warn!("ignored a response from the client without \"jsonrpc\": \"2.0\"");
            return Incoming::Ignored;
        }
        return fail("\"jsonrpc\" must be \"2.0\"");
    }
    let method = match object.remove("method") {
        Some(Value::String(method)) => method,
        Some(_) => return fail("\"method\" must be a string"),
        None if is_response(&object) => return response(object),
        None => return fail("a message needs a \"method\", or a \"result\" or an \"error\""),
    };
    if object.contains_key("id") && id.is_none() {
        return fail("\"id\" must be an integer or a string");
    }
    let params = object.remove("params");
    let mut request = Request::build(method);
    match params {
        None => {}
        // The library reads a `null` as no params, as some clients send for `shutdown`.
        Some(params @ (Value::Object(_) | Value::Array(_) | Value::Null)) => {
            request = request.params(params)
        }
        Some(_) => return fail("\"params\" must be an object or an array"),
    }
    if let Some(id) = id {
        request = request.id(id);
    }
    Incoming::Request(request.finish())
}

fn is_response(object: &Map<String, Value>) -> bool {
    object.contains_key("result") || object.contains_key("error")
}

/// The client's answer to a server request. An answer the server cannot match or read is logged
/// and dropped: it is never answered, a response gets no response.
fn response(object: Map<String, Value>) -> Incoming {
    let id = match valid_id(&object) {
        Some(id) => id,
        None => {
            let text = clip(&Value::Object(object).to_string());
            tracing::warn!("ignored a response from the client without a usable id: {text}");
            return Incoming::Ignored;
        }
    };
    let body = match (object.get("result"), object.get("error")) {
        (Some(result), None) => Ok(result.clone()),
        (None, Some(Value::Object(error))) => {
            let code = error.get("code").and_then(Value::as_i64);
            let message = error.get("message").and_then(Value::as_str);
            Err(Error {
                code: code.map_or(ErrorCode::InternalError, ErrorCode::from),
                message: message
                    .unwrap_or("the client answered with an error")
                    .to_string()
                    .into(),
                data: error.get("data").cloned(),
            })
        }
        _ => Err(Error {
            code: ErrorCode::InternalError,
            message: "the client's answer has no result and no valid error".into(),
            data: None,
        }),
    };
    Incoming::Response(Response::from_parts(id, body))
}

/// LSP has no batches. Each request in one gets its own error, so that the client learns its
/// answer is not coming; notifications and responses in it are dropped, as JSON-RPC asks of
/// invalid notifications.
fn refuse_batch(batch: Vec<Value>) -> Incoming {
    tracing::warn!("refused a batch of {} messages", batch.len());
    if batch.is_empty() {
        return invalid(
            Id::Null,
            Error::invalid_request(),
            "an empty batch".to_string(),
        );
    }
    let errors: Vec<Response> = batch
        .iter()
        .filter_map(|item| {
            let id = match item.as_object() {
                Some(object) if !object.contains_key("method") => return None,
                Some(object) if !object.contains_key("id") => return None,
                Some(object) => valid_id(object).unwrap_or(Id::Null),
                None => Id::Null,
            };
            let mut error = Error::invalid_request();
            error.message = "batches are not supported: send one message per frame".into();
            Some(Response::from_error(id, error))
        })
        .collect();
    if errors.is_empty() {
        Incoming::Ignored
    } else {
        Incoming::Invalid(errors)
    }
}

/// How deep arrays and objects nest, counting brackets outside strings. Cheap, and it runs before
/// any parser recurses.
fn nesting_depth(body: &[u8]) -> usize {
    let mut scanner = Scanner::default();
    let mut deepest = 0;
    for &byte in body {
        scanner.step(byte);
        deepest = deepest.max(scanner.depth);
    }
    deepest
}

/// The body with every array and object below the top level replaced by `0`.
fn shallow(body: &[u8]) -> Vec<u8> {
    let mut scanner = Scanner::default();
    let mut copy = Vec::new();
    for &byte in body {
        let before = scanner.depth;
        scanner.step(byte);
        match (before, scanner.depth) {
            (0 | 1, 0 | 1) => copy.push(byte),
            (1, 2) => copy.push(b'0'),
            _ => {}
        }
    }
    copy
}

#[derive(Default)]
struct Scanner {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Scanner {
    fn step(&mut self, byte: u8) {
        if self.in_string {
            match byte {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
            return;
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn error_of(incoming: Incoming) -> (Id, i64) {
        match incoming {
            Incoming::Invalid(errors) => {
                let error = errors[0].error().unwrap();
                (errors[0].id().clone(), error.code.code())
            }
            other => panic!("not refused: {other:?}"),
        }
    }

    fn decode_json(value: Value) -> Incoming {
        decode(value.to_string().as_bytes(), 64)
    }

    #[test]
    fn requests_notifications_and_responses_pass() {
        let request =
            decode_json(json!({"jsonrpc": "2.0", "id": "a", "method": "m", "params": []}));
        assert!(matches!(request, Incoming::Request(r) if r.id() == Some(&Id::from("a"))));
        let notification = decode_json(json!({"jsonrpc": "2.0", "method": "m", "params": null}));
        assert!(matches!(notification, Incoming::Request(r) if r.id().is_none()));
        let response = decode_json(json!({"jsonrpc": "2.0", "id": 3, "result": null}));
        assert!(matches!(response, Incoming::Response(r) if r.is_ok()));
        // An error with fields the library's own type refuses still reaches the waiting handler.
        let failed = decode_json(
            json!({"jsonrpc": "2.0", "id": 4, "error": {"code": -1, "message": "no", "extra": 1}}),
        );
        assert!(matches!(failed, Incoming::Response(r) if r.error().unwrap().message == "no"));
    }

    #[test]
    fn malformed_messages_get_the_right_error_and_id() {
        assert_eq!(error_of(decode(b"{not json!!}", 64)), (Id::Null, -32700));
        assert_eq!(
            error_of(decode(b"{\"a\": \"\xff\"}", 64)),
            (Id::Null, -32700)
        );
        assert_eq!(error_of(decode_json(json!(7))), (Id::Null, -32600));
        let old = json!({"jsonrpc": "1.0", "id": 7, "method": "m"});
        assert_eq!(error_of(decode_json(old)), (Id::Number(7), -32600));
        let float = json!({"jsonrpc": "2.0", "id": 1.5, "method": "m"});
        assert_eq!(error_of(decode_json(float)), (Id::Null, -32600));
        let null = json!({"jsonrpc": "2.0", "id": null, "method": "m"});
        assert_eq!(error_of(decode_json(null)), (Id::Null, -32600));
        let method = json!({"jsonrpc": "2.0", "id": 2, "method": 5});
        assert_eq!(error_of(decode_json(method)), (Id::Number(2), -32600));
        let params = json!({"jsonrpc": "2.0", "id": 2, "method": "m", "params": 5});
        assert_eq!(error_of(decode_json(params)), (Id::Number(2), -32600));
        let nothing = json!({"jsonrpc": "2.0", "id": 2});
        assert_eq!(error_of(decode_json(nothing)), (Id::Number(2), -32600));
    }

    #[test]
    fn unusable_responses_are_dropped_not_answered() {
        for response in [
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": 1, "message": "x"}}),
            json!({"jsonrpc": "1.0", "id": 1, "result": 1}),
            json!({"jsonrpc": "2.0", "id": 1.5, "result": 1}),
        ] {
            assert_eq!(decode_json(response), Incoming::Ignored);
        }
    }

    #[test]
    fn batches_are_refused_per_request() {
        let batch = json!([
            {"jsonrpc": "2.0", "id": 1, "method": "a"},
            {"jsonrpc": "2.0", "method": "b"},
            {"jsonrpc": "2.0", "id": 9, "result": 1},
            3
        ]);
        match decode_json(batch) {
            Incoming::Invalid(errors) => {
                let ids: Vec<_> = errors.iter().map(|e| e.id().clone()).collect();
                assert_eq!(ids, vec![Id::Number(1), Id::Null]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(error_of(decode_json(json!([]))), (Id::Null, -32600));
        let notifications = json!([{"jsonrpc": "2.0", "method": "b"}]);
        assert_eq!(decode_json(notifications), Incoming::Ignored);
    }

    #[test]
    fn deep_nesting_is_refused_with_the_request_id() {
        let deep = format!(
            r#"{{"jsonrpc":"2.0","id":12,"method":"m","params":{}"x]"{}}}"#,
            "[".repeat(300),
            "]".repeat(300)
        );
        assert_eq!(nesting_depth(deep.as_bytes()), 301);
        assert_eq!(
            error_of(decode(deep.as_bytes(), 64)),
            (Id::Number(12), -32600)
        );
        let within = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert_eq!(nesting_depth(within.as_bytes()), 64);
    }

    #[test]
    fn another_charset_is_refused_with_the_request_id() {
        let body = br#"{"jsonrpc":"2.0","id":5,"method":"m"}"#;
        assert_eq!(
            error_of(refuse_charset(body, "latin1", 64)),
            (Id::Number(5), -32600)
        );
        let notification = br#"{"jsonrpc":"2.0","method":"m"}"#;
        assert_eq!(
            refuse_charset(notification, "latin1", 64),
            Incoming::Ignored
        );
    }
}
