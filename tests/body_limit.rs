//! A body over the limit is answered 413 in a way every client can read, including a plain
//! blocking one that writes its whole request before reading anything (Python's `http.client`,
//! many SDKs): the server reads and discards the rest of the body, up to its drain bound, before
//! answering, so the client never meets a closed connection while it is still writing.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use fraiseql::http::DEFAULT_BODY_LIMIT;
use support::{ADAPTERS, Adapter, Reply, serve, write_then_read};

const FIVE_MB: usize = 5_000_000;

/// A GraphQL request body of exactly `len` bytes: one small query, padded with an unused variable.
fn body_of(len: usize) -> Vec<u8> {
    let prefix = r#"{"query":"{ posts(limit: 1) { identifier } }","variables":{"pad":""#;
    let suffix = r#""}}"#;
    let pad = len - prefix.len() - suffix.len();
    let mut body = Vec::with_capacity(len);
    body.extend_from_slice(prefix.as_bytes());
    body.resize(prefix.len() + pad, b'x');
    body.extend_from_slice(suffix.as_bytes());
    assert_eq!(body.len(), len);
    body
}

/// `body` in the chunked transfer coding, in chunks of 64 KiB.
fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 1000 + 16);
    for chunk in body.chunks(64 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// A POST head to `/graphql` with the given framing header, no `Connection` header (HTTP/1.1
/// keep-alive, as a plain client sends it) and `extra` header lines.
fn head(framing: &str, extra: &[&str]) -> String {
    let mut head = format!("POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\n{framing}");
    for line in extra {
        head.push_str("\r\n");
        head.push_str(line);
    }
    head
}

/// Writes the whole request, then reads: the exchange must succeed (no broken pipe, no reset).
async fn exchange(adapter: Adapter, addr: SocketAddr, head: String, body: Vec<u8>) -> Reply {
    let len = body.len();
    tokio::task::spawn_blocking(move || write_then_read(addr, &head, &body))
        .await
        .unwrap()
        .unwrap_or_else(|e| {
            panic!("{adapter:?}: a {len}-byte request written before reading failed: {e} ({e:?})")
        })
}

/// A readable 413: the status, the JSON error with its code, and the connection closed after it.
fn assert_413(adapter: Adapter, reply: &Reply) {
    assert_eq!(reply.status, 413, "{adapter:?}: {reply:?}");
    assert_eq!(
        reply.content_type(),
        "application/json; charset=utf-8",
        "{adapter:?}: {reply:?}"
    );
    assert_eq!(reply.code(), "PAYLOAD_TOO_LARGE", "{adapter:?}: {reply:?}");
    assert!(reply.json().get("data").is_none(), "{adapter:?}: {reply:?}");
    assert_eq!(
        reply.header("connection"),
        Some("close"),
        "{adapter:?}: {reply:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mb_body_written_before_reading_gets_a_readable_413() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let framing = format!("Content-Length: {FIVE_MB}");
        let reply = exchange(adapter, served.addr, head(&framing, &[]), body_of(FIVE_MB)).await;
        assert_413(adapter, &reply);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_byte_over_the_limit_gets_a_readable_413() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let len = DEFAULT_BODY_LIMIT + 1;
        let framing = format!("Content-Length: {len}");
        let reply = exchange(adapter, served.addr, head(&framing, &[]), body_of(len)).await;
        assert_413(adapter, &reply);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_over_the_limit_gets_a_readable_413() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        for len in [DEFAULT_BODY_LIMIT + 1, FIVE_MB] {
            let framing = "Transfer-Encoding: chunked";
            let body = chunked(&body_of(len));
            let reply = exchange(adapter, served.addr, head(framing, &[]), body).await;
            assert_413(adapter, &reply);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_exactly_at_the_limit_is_served() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let framing = format!("Content-Length: {DEFAULT_BODY_LIMIT}");
        let body = body_of(DEFAULT_BODY_LIMIT);
        let close = ["Connection: close"];
        let reply = exchange(adapter, served.addr, head(&framing, &close), body.clone()).await;
        assert_eq!(reply.status, 200, "{adapter:?}: {reply:?}");
        assert_eq!(
            reply.body, r#"{"data":{"posts":[{"identifier":"post-23"}]}}"#,
            "{adapter:?}"
        );
        let reply = exchange(
            adapter,
            served.addr,
            head("Transfer-Encoding: chunked", &close),
            chunked(&body),
        )
        .await;
        assert_eq!(reply.status, 200, "{adapter:?}: {reply:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_refused_before_its_body_is_read_gets_a_readable_answer() {
    for adapter in ADAPTERS {
        // A limit above the body, so that the context hook, not the limit, refuses the last one.
        let served = serve(adapter, |e| e.body_limit(8 * 1024 * 1024)).await;
        let body = body_of(FIVE_MB);
        let framing = format!("Content-Length: {FIVE_MB}");
        for (head, status, code) in [
            (
                format!("POST /graphql HTTP/1.1\r\nContent-Type: text/plain\r\n{framing}"),
                415,
                "UNSUPPORTED_MEDIA_TYPE",
            ),
            (
                format!("PUT /graphql HTTP/1.1\r\nContent-Type: application/json\r\n{framing}"),
                405,
                "METHOD_NOT_ALLOWED",
            ),
            (
                format!(
                    "POST /graphql HTTP/1.1\r\nAccept: text/html\r\nContent-Type: application/json\r\n{framing}"
                ),
                406,
                "NOT_ACCEPTABLE",
            ),
            // The context hook's rejection.
            (head(&framing, &["X-Deny: 1"]), 403, "FORBIDDEN"),
        ] {
            // The body is read to its end, so the connection could be kept: the client closes it.
            let head = format!("{head}\r\nConnection: close");
            let reply = exchange(adapter, served.addr, head, body.clone()).await;
            assert_eq!(reply.status, status, "{adapter:?}: {reply:?}");
            assert_eq!(reply.code(), code, "{adapter:?}: {reply:?}");
        }
    }
}

/// Writes `head` and `partial` (less than the announced body, or a chunked body without its
/// end), then reads: the answer, and how long it took.
async fn unfinished(
    addr: SocketAddr,
    head: String,
    partial: Vec<u8>,
) -> (std::io::Result<Reply>, Duration) {
    let started = std::time::Instant::now();
    let reply = tokio::task::spawn_blocking(move || write_then_read(addr, &head, &partial))
        .await
        .unwrap();
    (reply, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drain_stops_at_its_time_bound() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e.drain_timeout(Duration::from_millis(500))).await;
        // A client that announces 2 MiB, sends 1 KiB and stops.
        let framing = format!("Content-Length: {}", 2 * DEFAULT_BODY_LIMIT);
        let (reply, took) = unfinished(served.addr, head(&framing, &[]), vec![b' '; 1024]).await;
        let reply = reply.unwrap_or_else(|e| panic!("{adapter:?}: {e}"));
        assert_413(adapter, &reply);
        assert!(
            took >= Duration::from_millis(500) && took < Duration::from_secs(5),
            "{adapter:?}: answered after {took:?}"
        );
        // The server goes on serving.
        let reply = support::post(
            &served,
            &[],
            r#"{"query":"{ posts(limit: 1) { identifier } }"}"#,
        )
        .await;
        assert_eq!(reply.status, 200, "{adapter:?}: {reply:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_announced_past_the_drain_bound_is_not_read() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e.drain_timeout(Duration::from_secs(30))).await;
        // 100 MB announced, nothing sent: answered at once, not after the drain's 30 s.
        let (reply, took) = unfinished(
            served.addr,
            head("Content-Length: 100000000", &[]),
            Vec::new(),
        )
        .await;
        let reply = reply.unwrap_or_else(|e| panic!("{adapter:?}: {e}"));
        assert_413(adapter, &reply);
        assert!(
            took < Duration::from_secs(5),
            "{adapter:?}: answered after {took:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_past_the_drain_bound_is_cut_short() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| {
            e.body_limit(1024)
                .drain_limit(64 * 1024)
                .drain_timeout(Duration::from_secs(30))
        })
        .await;
        // 128 KiB of chunks, and no last chunk: the server stops reading at 64 KiB.
        let mut partial = chunked(&body_of(128 * 1024));
        partial.truncate(partial.len() - b"0\r\n\r\n".len());
        let (reply, took) = unfinished(
            served.addr,
            head("Transfer-Encoding: chunked", &[]),
            partial,
        )
        .await;
        assert!(
            took < Duration::from_secs(5),
            "{adapter:?}: answered after {took:?}"
        );
        let reply = reply.unwrap_or_else(|e| panic!("{adapter:?}: {e}"));
        assert_413(adapter, &reply);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_expecting_100_continue_gets_its_413() {
    use std::io::{Read as _, Write as _};
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let addr = served.addr;
        let framing = format!("Content-Length: {FIVE_MB}");
        let head = format!(
            "{}\r\nHost: {addr}\r\n\r\n",
            head(&framing, &["Expect: 100-continue"])
        );
        let (continued, reply) = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr)?;
            stream.set_read_timeout(Some(Duration::from_secs(30)))?;
            stream.write_all(head.as_bytes())?;
            // What the server says first: 100 Continue (then the body follows) or its answer.
            let mut first = [0u8; 25];
            stream.read_exact(&mut first)?;
            let continued = first == *b"HTTP/1.1 100 Continue\r\n\r\n";
            let mut bytes = Vec::new();
            if continued {
                stream.write_all(&body_of(FIVE_MB))?;
            } else {
                bytes.extend_from_slice(&first);
            }
            stream.read_to_end(&mut bytes)?;
            std::io::Result::Ok((continued, support::parse(&bytes)))
        })
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{adapter:?}: {e}"));
        assert_413(adapter, &reply);
        // hyper sends 100 Continue only when the body is read: axum answers without it, and the
        // client never sends its 5 MB. actix-web sends it before the handler runs.
        assert_eq!(continued, adapter == Adapter::Actix, "{adapter:?}");
    }
}
