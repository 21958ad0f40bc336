//! planls's own transport for the protocol over a byte stream (stdio), in place of
//! tower-lsp-server's `Server`, which stops reading at the first message it cannot decode and
//! cannot end while a handler waits on the client (see docs/server.md, "Staying up").
//!
//! - One reader ([`framing`]) takes frames off the input: headers in any case, `Content-Length`
//!   required and bounded, anything else skipped up to the next `Content-Length` header.
//! - Each body is checked ([`message`]); a bad one is answered with the JSON-RPC error and the
//!   reader goes on.
//! - A good request or notification goes to the tower service (tower-lsp-server's `LspService`).
//!   Its handler is polled once at once, in arrival order, so that `didOpen`/`didChange`, which
//!   change the state before their first `.await`, apply in order; if it then waits (on the client,
//!   say), it goes on in a task of its own and never holds up the next message.
//! - One writer task owns the output, so frames never interleave; responses, the server's
//!   notifications and its requests to the client all go through its queue, which does not block
//!   the reader: the server keeps reading even when the client is slow to read.
//! - A request to the client that stays unanswered is given up after a while: the waiting handler
//!   gets an error and the client a `$/cancelRequest`.
//! - After `exit`, or at the end of the input, the session ends at once, whatever handlers are
//!   still waiting; the output is flushed first.

mod framing;
mod message;

use std::collections::HashSet;
use std::fmt::Display;
use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::Duration;

use futures::{FutureExt, Sink, StreamExt};
use serde::Serialize;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{ClientSocket, Loopback};
use tower_service::Service;

use framing::{Frame, FrameReader};
use message::Incoming;

/// The halves of the client socket: the server's requests out, the client's answers in.
type RequestStream = <ClientSocket as Loopback>::RequestStream;
type ResponseSink = <ClientSocket as Loopback>::ResponseSink;

/// The transport's limits.
#[derive(Clone, Debug)]
pub struct TransportConfig {
    /// The largest body read; a longer one is skipped unread.
    pub max_body: usize,
    /// How deep arrays and objects may nest in a message.
    pub max_depth: usize,
    /// How long a request to the client may stay unanswered.
    pub client_timeout: Duration,
    /// How long the end of a session waits for the output to be written.
    pub flush_timeout: Duration,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            max_body: 64 << 20,
            max_depth: 64,
            client_timeout: Duration::from_secs(30),
            flush_timeout: Duration::from_secs(2),
        }
    }
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The client sent `exit`.
    Exit,
    /// The input ended (the client closed it, or died).
    EndOfInput,
    /// The output cannot be written any more.
    OutputClosed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub ending: Ending,
    /// Whether `shutdown` was answered successfully before the end.
    pub shut_down: bool,
}

impl Outcome {
    /// The process's exit code, as the protocol asks for `exit`: 0 after a successful
    /// `shutdown`, else 1. The end of the input or of the output counts as an `exit`: without a
    /// `shutdown` first, the connection was lost rather than closed.
    pub fn exit_code(self) -> u8 {
        if self.shut_down {
            0
        } else {
            1
        }
    }
}

/// Serves `service` over `input` and `output` until `exit` or the end of either stream. Spawns
/// its tasks on the current tokio runtime; handler tasks still waiting at the end are left to
/// the runtime, which the caller may shut down without waiting for them.
pub async fn serve<I, O, S>(
    input: I,
    output: O,
    service: S,
    socket: ClientSocket,
    config: TransportConfig,
) -> Outcome
where
    I: AsyncRead + Unpin + Send,
    O: AsyncWrite + Unpin + Send + 'static,
    S: Service<Request, Response = Option<Response>> + Send,
    S::Future: Send + 'static,
    S::Error: Display + Send + 'static,
{
    let (queue, outgoing) = mpsc::unbounded_channel();
    let output_queue = Output(queue);
    let mut writer = tokio::spawn(write_frames(output, outgoing));
    let (requests, responses) = socket.split();
    let waiting = Waiting {
        sink: Arc::new(Mutex::new(responses)),
        ids: Arc::default(),
    };
    let forwarder = tokio::spawn(forward_client_requests(
        requests,
        output_queue.clone(),
        waiting.clone(),
        config.client_timeout,
    ));
    let mut session = Session {
        service,
        output: output_queue,
        waiting,
        shut_down: Arc::default(),
        max_depth: config.max_depth,
    };
    let mut reader = FrameReader::new(input, config.max_body);
    let ending = loop {
        let frame = tokio::select! {
            frame = reader.next() => frame,
            _ = &mut writer => break Ending::OutputClosed,
        };
        let Some(frame) = frame else {
            break Ending::EndOfInput;
        };
        if session.handle(frame).await {
            break Ending::Exit;
        }
    };
    forwarder.abort();
    if !writer.is_finished() {
        session.output.flush(config.flush_timeout).await;
    }
    let outcome = Outcome {
        ending,
        shut_down: session.shut_down.load(Ordering::SeqCst),
    };
    match ending {
        Ending::Exit => tracing::info!("exit (after shutdown: {})", outcome.shut_down),
        Ending::EndOfInput => tracing::info!(
            "the client closed the connection (after shutdown: {})",
            outcome.shut_down
        ),
        Ending::OutputClosed => tracing::warn!("the output was closed; stopping"),
    }
    outcome
}

struct Session<S> {
    service: S,
    output: Output,
    waiting: Waiting,
    shut_down: Arc<AtomicBool>,
    max_depth: usize,
}

impl<S> Session<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Display + Send + 'static,
{
    /// Handles one frame; true after `exit`.
    async fn handle(&mut self, frame: Frame) -> bool {
        let incoming = match frame {
            Frame::Body(body) => message::decode(&body, self.max_depth),
            Frame::WrongCharset { body, charset } => {
                message::refuse_charset(&body, &charset, self.max_depth)
            }
            Frame::Garbage { reason } => {
                tracing::warn!("skipped input that is not a message: {reason}");
                let mut error = Error::parse_error();
                error.message = format!("skipped input that is not a message: {reason}").into();
                self.output.send(&Response::from_error(Id::Null, error));
                return false;
            }
        };
        match incoming {
            Incoming::Request(request) => return self.dispatch(request).await,
            Incoming::Response(response) => {
                let id = response.id().clone();
                if !self.waiting.answer(response) {
                    tracing::warn!("ignored an answer to no pending request (id {id})");
                }
            }
            Incoming::Invalid(errors) => {
                for error in errors {
                    self.output.send(&error);
                }
            }
            Incoming::Ignored => {}
        }
        false
    }

    /// Hands a request or notification to the service; true for `exit`.
    async fn dispatch(&mut self, request: Request) -> bool {
        let exit = request.method() == "exit";
        let method = request.method().to_string();
        let id = request.id().cloned();
        // tower-lsp-server's service is always ready, but for an `Initializing` state it never
        // enters; should that change, wait rather than spin.
        loop {
            match poll_fn(|cx| Poll::Ready(self.service.poll_ready(cx))).await {
                Poll::Ready(Ok(())) => break,
                Poll::Ready(Err(error)) => {
                    tracing::warn!("the server cannot take {method}: {error}");
                    if let Some(id) = id {
                        self.output
                            .send(&Response::from_error(id, Error::invalid_request()));
                    }
                    return exit;
                }
                Poll::Pending => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
        // A panic in a handler is answered as an internal error, never the end of the server.
        let answer = match catch_unwind(AssertUnwindSafe(|| self.service.call(request))) {
            Ok(answer) => AssertUnwindSafe(answer).catch_unwind(),
            Err(_) => {
                tracing::error!("{method} panicked");
                if let Some(id) = id {
                    self.output
                        .send(&Response::from_error(id, Error::internal_error()));
                }
                return exit;
            }
        };
        let output = self.output.clone();
        let shut_down = self.shut_down.clone();
        let mut task = Box::pin(async move {
            let response = match answer.await {
                Ok(Ok(response)) => response,
                Ok(Err(error)) => {
                    tracing::error!("{method} failed: {error}");
                    id.clone()
                        .map(|id| Response::from_error(id, Error::internal_error()))
                }
                Err(_) => {
                    tracing::error!("{method} panicked");
                    id.clone()
                        .map(|id| Response::from_error(id, Error::internal_error()))
                }
            };
            let response = match (response, id) {
                (Some(response), _) => Some(response),
                // tower-lsp-server answers nothing to a request for a `$/` method it does not
                // know, as if it were a notification; the protocol asks for MethodNotFound.
                (None, Some(id)) if !exit => {
                    let mut error = Error::method_not_found();
                    error.message = format!("no method {method}").into();
                    Some(Response::from_error(id, error))
                }
                (None, _) => None,
            };
            if let Some(response) = response {
                if method == "shutdown" && response.is_ok() {
                    shut_down.store(true, Ordering::SeqCst);
                }
                output.send(&response);
            }
        });
        // The first poll here, in arrival order; the rest, if any, in a task of its own.
        if poll_fn(|cx| Poll::Ready(task.as_mut().poll(cx)))
            .await
            .is_pending()
        {
            tokio::spawn(task);
        }
        exit
    }
}

enum Outgoing {
    Frame(Vec<u8>),
    /// Answered once everything queued before it is written and flushed.
    Flush(oneshot::Sender<()>),
}

/// The writer's queue.
#[derive(Clone)]
struct Output(mpsc::UnboundedSender<Outgoing>);

impl Output {
    fn send(&self, message: &impl Serialize) {
        match serde_json::to_vec(message) {
            Ok(body) => {
                // After the writer stopped there is no one to tell.
                let _ = self.0.send(Outgoing::Frame(body));
            }
            Err(error) => tracing::error!("cannot serialize a message: {error}"),
        }
    }

    async fn flush(&self, patience: Duration) {
        let (done, flushed) = oneshot::channel();
        if self.0.send(Outgoing::Flush(done)).is_ok()
            && tokio::time::timeout(patience, flushed).await.is_err()
        {
            tracing::warn!("the output could not be written within {patience:?}");
        }
    }
}

async fn write_frames<O: AsyncWrite + Unpin>(
    mut output: O,
    mut queue: mpsc::UnboundedReceiver<Outgoing>,
) {
    while let Some(item) = queue.recv().await {
        let written = match item {
            Outgoing::Frame(body) => {
                let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                frame.extend_from_slice(&body);
                output.write_all(&frame).await
            }
            Outgoing::Flush(done) => {
                let flushed = output.flush().await;
                let _ = done.send(());
                flushed
            }
        };
        let written = match written {
            Ok(()) if queue.is_empty() => output.flush().await,
            other => other,
        };
        if let Err(error) = written {
            tracing::warn!("cannot write to the client: {error}");
            return;
        }
    }
}

/// The server's requests that the client has not answered yet.
#[derive(Clone)]
struct Waiting {
    sink: Arc<Mutex<ResponseSink>>,
    ids: Arc<Mutex<HashSet<Id>>>,
}

impl Waiting {
    /// Hands an answer to the handler waiting for it; false when none is.
    fn answer(&self, response: Response) -> bool {
        if !lock(&self.ids).remove(response.id()) {
            return false;
        }
        let mut sink = lock(&self.sink);
        if let Err(error) = Pin::new(&mut *sink).start_send(response) {
            tracing::debug!("an answer from the client came after the end: {error}");
        }
        true
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sends the server's requests and notifications to the client, and gives up on a request left
/// unanswered for `patience`.
async fn forward_client_requests(
    mut requests: RequestStream,
    output: Output,
    waiting: Waiting,
    patience: Duration,
) {
    while let Some(request) = requests.next().await {
        if let Some(id) = request.id().cloned() {
            lock(&waiting.ids).insert(id.clone());
            let (output, waiting) = (output.clone(), waiting.clone());
            let method = request.method().to_string();
            tokio::spawn(async move {
                tokio::time::sleep(patience).await;
                let mut error = Error::request_cancelled();
                error.message =
                    format!("the client did not answer {method} within {patience:?}").into();
                if waiting.answer(Response::from_error(id.clone(), error)) {
                    tracing::warn!(
                        "the client did not answer {method} (request {id}) within {patience:?}; \
                         no longer waiting"
                    );
                    output.send(&json!({
                        "jsonrpc": "2.0",
                        "method": "$/cancelRequest",
                        "params": { "id": id },
                    }));
                }
            });
        }
        output.send(&request);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::lsp::ServerConfig;

    async fn send(to: &mut (impl AsyncWrite + Unpin), message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        to.write_all(frame.as_bytes()).await.unwrap();
    }

    async fn receive<R: AsyncRead + Unpin + Send>(from: &mut FrameReader<R>) -> Value {
        let frame = tokio::time::timeout(Duration::from_secs(10), from.next())
            .await
            .expect("the server answers in time");
        match frame {
            Some(Frame::Body(body)) => serde_json::from_slice(&body).unwrap(),
            other => panic!("not a message: {other:?}"),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_the_client_leaves_unanswered_is_given_up() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        let (service, socket) = crate::lsp::service(ServerConfig::default());
        let config = TransportConfig {
            client_timeout: Duration::from_millis(100),
            ..TransportConfig::default()
        };
        let session = tokio::spawn(serve(server_read, server_write, service, socket, config));
        let (client_read, mut to_server) = tokio::io::split(client);
        let mut from_server = FrameReader::new(client_read, 1 << 20);

        let capabilities = json!({"workspace": {"configuration": true}});
        send(
            &mut to_server,
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": capabilities}}),
        )
        .await;
        assert_eq!(receive(&mut from_server).await["id"], 1);
        send(
            &mut to_server,
            json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        )
        .await;
        let request = receive(&mut from_server).await;
        assert_eq!(request["method"], "workspace/configuration", "{request}");
        let started = std::time::Instant::now();
        // Not answered: the server gives up and says so.
        let cancel = receive(&mut from_server).await;
        assert_eq!(cancel["method"], "$/cancelRequest", "{cancel}");
        assert_eq!(cancel["params"]["id"], request["id"]);
        assert!(started.elapsed() < Duration::from_secs(5));
        // An answer that comes too late is dropped, and the session goes on.
        send(
            &mut to_server,
            json!({"jsonrpc": "2.0", "id": request["id"], "result": [null]}),
        )
        .await;
        send(
            &mut to_server,
            json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        )
        .await;
        let shutdown = receive(&mut from_server).await;
        assert_eq!(shutdown, json!({"jsonrpc": "2.0", "id": 2, "result": null}));
        send(&mut to_server, json!({"jsonrpc": "2.0", "method": "exit"})).await;
        let outcome = session.await.unwrap();
        assert_eq!(
            outcome,
            Outcome {
                ending: Ending::Exit,
                shut_down: true
            }
        );
        assert_eq!(outcome.exit_code(), 0);
    }

    /// A service whose `boom` handler panics, at once or after a wait.
    struct Boom;

    impl Service<Request> for Boom {
        type Response = Option<Response>;
        type Error = std::convert::Infallible;
        type Future = futures::future::BoxFuture<'static, Result<Option<Response>, Self::Error>>;

        fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request) -> Self::Future {
            let (method, id, _) = request.into_parts();
            Box::pin(async move {
                match method.as_ref() {
                    "boom" => panic!("boom"),
                    "later" => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        panic!("later")
                    }
                    _ => Ok(id.map(|id| Response::from_ok(id, Value::Null))),
                }
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_handler_that_panics_is_answered_with_an_error() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        let (_, socket) = crate::lsp::service(ServerConfig::default());
        let config = TransportConfig::default();
        let session = tokio::spawn(serve(server_read, server_write, Boom, socket, config));
        let (client_read, mut to_server) = tokio::io::split(client);
        let mut from_server = FrameReader::new(client_read, 1 << 20);
        for (id, method) in [(1, "boom"), (2, "later"), (3, "fine")] {
            send(
                &mut to_server,
                json!({"jsonrpc": "2.0", "id": id, "method": method}),
            )
            .await;
            let response = receive(&mut from_server).await;
            assert_eq!(response["id"], id, "{response}");
            let code = response["error"]["code"].as_i64();
            assert_eq!(code, (id != 3).then_some(-32603), "{response}");
        }
        send(&mut to_server, json!({"jsonrpc": "2.0", "method": "exit"})).await;
        assert_eq!(session.await.unwrap().ending, Ending::Exit);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_session_ends_with_the_input_and_after_exit_at_once() {
        for (messages, expected) in [
            (vec![], (Ending::EndOfInput, 1)),
            (
                vec![json!({"jsonrpc": "2.0", "method": "exit"})],
                (Ending::Exit, 1),
            ),
        ] {
            let (client, server) = tokio::io::duplex(1 << 16);
            let (server_read, server_write) = tokio::io::split(server);
            let (service, socket) = crate::lsp::service(ServerConfig::default());
            let session = tokio::spawn(serve(
                server_read,
                server_write,
                service,
                socket,
                TransportConfig::default(),
            ));
            let (_client_read, mut to_server) = tokio::io::split(client);
            for message in messages {
                send(&mut to_server, message).await;
            }
            let exit = matches!(expected.0, Ending::Exit);
            // After `exit` the input stays open: the session must not wait for its end.
            if !exit {
                to_server.shutdown().await.unwrap();
            }
            let outcome = tokio::time::timeout(Duration::from_secs(5), session)
                .await
                .expect("the session ends")
                .unwrap();
            assert_eq!((outcome.ending, outcome.exit_code()), expected);
        }
    }
}
