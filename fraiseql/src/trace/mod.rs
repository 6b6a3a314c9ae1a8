//! Tracing: the spans every request opens, and the slow-operation log.
//!
//! Each request served by an `http::Endpoint` runs inside one `tracing` span
//! named [`REQUEST`] (`graphql.request`), whose children are its phases:
//!
//! | span | what it covers | attributes |
//! |---|---|---|
//! | [`REQUEST`] `graphql.request` | the whole request: body, document, execution, response | `graphql.operation.name`, `graphql.operation.type`, `graphql.document` (only with `Endpoint::trace_document`), `http.response.status_code`, `error.type` (the first error's `extensions.code`), `otel.status_code` = `ERROR` on failure |
//! | [`VALIDATE`] `graphql.validate` | parsing and validating the document, or finding its plan in the schema's plan cache | `fraiseql.plan_cache.hit` |
//! | [`COMPILE`] `graphql.compile` | compiling the operation into one SQL statement, or finding it in the statement cache | `fraiseql.statement_cache.hit` |
//! | [`DB_QUERY`] `db.query` | one database round trip (connection from the pool, statement, answer) | `db.system` and `db.system.name` = `postgresql`, `db.operation.name`, `fraiseql.statement.hash` (the statement's stable name, never its parameters), `db.response.status_code` (PostgreSQL's SQLSTATE) and `error.type` on failure |
//! | [`RESPONSE`] `graphql.response` | building the response body from PostgreSQL's JSON | |
//! | [`MUTATION`] `graphql.mutation` | one mutation field, its function call and its result | `graphql.field.name`, `fraiseql.mutation.function`, `error.type` on failure |
//!
//! Names follow OpenTelemetry's semantic conventions for GraphQL server spans and database
//! client spans (`error.type`, `db.response.status_code`); `fraiseql.*` names are this crate's
//! own. No span ever carries a variable's or a parameter's value: the statement is named by a
//! hash of its SQL text (whose values are all bind parameters), and PostgreSQL's error message,
//! which may quote a value, is only logged at DEBUG level. The document itself, which may hold
//! literal arguments, is recorded only when `Endpoint::trace_document` asks for it.
//!
//! The spans are at INFO level. Without a subscriber interested in them they cost one cached
//! check each: their attributes are recorded only when a subscriber listens
//! ([`tracing::Span::is_disabled`]), so a server without tracing allocates nothing for them.
//! When no `log` logger takes INFO records either, they are `Span::none()`, which skips even
//! the checks `tracing`'s `log` feature adds to every enter, exit and record.
//!
//! With the `otel` feature, the `otel` module exports the spans to an OpenTelemetry collector and the
//! adapters take each request span's parent from the W3C `traceparent` header.
//!
//! Operations slower than `http::Endpoint::slow_threshold` (default
//! `http::DEFAULT_SLOW_THRESHOLD`, 200 ms) are logged once at
//! WARN, with target [`SLOW_TARGET`]; see [`slow`].
//!

// The request span and the slow-operation log are the HTTP endpoint's.
#![cfg_attr(not(feature = "http"), allow(dead_code))]

#[cfg(feature = "otel")]
pub mod otel;
pub mod slow;

use tracing::Span;
use tracing::field::Empty;

pub use slow::SLOW_TARGET;

/// The span of a whole request.
pub const REQUEST: &str = "graphql.request";
/// The span of parsing and validating the document (or finding its plan in the cache).
pub const VALIDATE: &str = "graphql.validate";
/// The span of compiling the operation into its statement (or finding it in the cache).
pub const COMPILE: &str = "graphql.compile";
/// The span of one database round trip.
pub const DB_QUERY: &str = "db.query";
/// The span of building the response body.
pub const RESPONSE: &str = "graphql.response";
/// The span of one mutation field.
pub const MUTATION: &str = "graphql.mutation";

/// The W3C trace-context headers of an incoming request (`traceparent`, `tracestate`), which
/// become the parent of its [`REQUEST`] span when the `otel` feature exports spans. The axum and
/// actix adapters read them; a server of its own passes them to
/// `http::Endpoint::respond_traced`.
///
/// ```
/// let headers = fraiseql::trace::TraceHeaders {
///     traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
///     tracestate: None,
/// };
/// assert!(headers.traceparent.is_some());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TraceHeaders<'a> {
    /// The `traceparent` header.
    pub traceparent: Option<&'a str>,
    /// The `tracestate` header.
    pub tracestate: Option<&'a str>,
}

/// A new [`REQUEST`] span, its parent taken from `headers` when the `otel` feature is on and a
/// subscriber listens.
pub(crate) fn request_span(headers: &TraceHeaders<'_>) -> Span {
    let span = tracing::info_span!(
        "graphql.request",
        otel.kind = "server",
        graphql.operation.name = Empty,
        graphql.operation.type = Empty,
        graphql.document = Empty,
        http.response.status_code = Empty,
        error.type = Empty,
        otel.status_code = Empty,
    );
    #[cfg(feature = "otel")]
    if !span.is_disabled() {
        otel::set_parent(&span, headers);
    }
    #[cfg(not(feature = "otel"))]
    let _ = headers;
    quiet(span)
}

/// `span`, or [`Span::none`] when nothing would see it: no subscriber listens to it and no
/// `log` logger takes INFO records.
///
/// Why: with `tracing`'s `log` feature (which actix-web turns on for the whole build), a
/// disabled span still asks the `log` crate on every enter, exit, record and drop, dozens of
/// times per request. `Span::none()` has no metadata, so it skips all of them.
pub(crate) fn quiet(span: Span) -> Span {
    if span.is_disabled() && log::max_level() < log::LevelFilter::Info {
        Span::none()
    } else {
        span
    }
}

/// The name of an operation type, as `graphql.operation.type` has it.
pub(crate) fn operation_type(operation_type: juniper::OperationType) -> &'static str {
    match operation_type {
        juniper::OperationType::Query => "query",
        juniper::OperationType::Mutation => "mutation",
        juniper::OperationType::Subscription => "subscription",
    }
}

/// Records the answer on the request span: its status, and for a failure the first error's
/// `extensions.code` (`error.type`) and the span's error status. Reads the body only when a
/// subscriber listens and it holds errors.
pub(crate) fn record_response(span: &Span, status: u16, body: &[u8]) {
    if span.is_disabled() {
        return;
    }
    span.record("http.response.status_code", u64::from(status));
    if let Some(code) = failure(body) {
        span.record("error.type", code);
        span.record("otel.status_code", "ERROR");
    } else if status >= 500 {
        span.record("error.type", u64::from(status));
        span.record("otel.status_code", "ERROR");
    }
}

/// The `extensions.code` of a GraphQL response body's first error (`""` when it has none),
/// or `None` when the response has no errors: what the request span, the slow-operation log
/// and the metrics name a failure by.
///
/// Found without parsing the body, which may be large: the body is `{"data":…}`,
/// `{"errors":[…]}` or `{"data":…,"errors":[…]}`, and `data` is an object or null, so the body
/// ends with `]}` exactly when it has errors, which come last. Inside JSON strings every quote
/// is escaped, so `"errors":[` and `"code":"` only match keys.
pub(crate) fn first_error_code(body: &[u8]) -> Option<&str> {
    if !body.ends_with(b"]}") {
        return None;
    }
    let body = std::str::from_utf8(body).ok()?;
    let errors = body.rfind("\"errors\":[").map_or(body, |at| &body[at..]);
    // Every error object starts with its `message`: the first one ends where the second starts.
    let first = match errors.find(",{\"message\":") {
        Some(end) => &errors[..end],
        None => errors,
    };
    let code = first
        .find("\"code\":\"")
        .map(|at| &errors[at + 8..])
        .and_then(|rest| rest.split_once('"'))
        .map_or("", |(code, _)| code);
    Some(code)
}

/// [`first_error_code`], `"ERROR"` for an error without a code.
fn failure(body: &[u8]) -> Option<&str> {
    first_error_code(body).map(|code| if code.is_empty() { "ERROR" } else { code })
}

/// A new [`DB_QUERY`] span for `sql`, named by its hash ([`statement_hash`]) when a subscriber
/// listens.
pub(crate) fn db_span(sql: &str) -> Span {
    let span = tracing::info_span!(
        "db.query",
        otel.kind = "client",
        db.system = "postgresql",
        db.system.name = "postgresql",
        db.operation.name = "SELECT",
        fraiseql.statement.hash = Empty,
        db.response.status_code = Empty,
        error.type = Empty,
        otel.status_code = Empty,
    );
    if !span.is_disabled() {
        span.record(
            "fraiseql.statement.hash",
            tracing::field::display(StatementHash(statement_hash(sql))),
        );
    }
    quiet(span)
}

/// A new [`MUTATION`] span for the mutation field `name` of the schema `info` describes.
pub(crate) fn mutation_span(name: &str, info: &crate::graphql::SchemaInfo) -> Span {
    let span = tracing::info_span!(
        "graphql.mutation",
        graphql.field.name = name,
        graphql.operation.type = "mutation",
        fraiseql.mutation.function = Empty,
        error.type = Empty,
        otel.status_code = Empty,
    );
    if !span.is_disabled()
        && let Some(mutation) = info.mutations.iter().find(|m| m.name == name)
    {
        let function = tracing::field::display(&mutation.function);
        span.record("fraiseql.mutation.function", function);
    }
    quiet(span)
}

/// Records a failed round trip on the current [`DB_QUERY`] span: PostgreSQL's SQLSTATE. Its
/// message is logged only at DEBUG level (it may quote a value).
pub(crate) fn record_sqlstate(sqlstate: &str) {
    let span = Span::current();
    if span.is_disabled() {
        return;
    }
    span.record("db.response.status_code", sqlstate);
}

/// Records a failure's `extensions.code` on `span` (`error.type`) and marks it failed.
pub(crate) fn record_error(span: &Span, code: &str) {
    if span.is_disabled() {
        return;
    }
    span.record("error.type", code);
    span.record("otel.status_code", "ERROR");
}

/// A stable 64-bit hash of a statement's SQL text (the same in every process and release of
/// the same statement): how [`DB_QUERY`] spans and logs name a statement without its text.
///
/// ```
/// let a = fraiseql::trace::statement_hash("SELECT 1");
/// assert_eq!(a, fraiseql::trace::statement_hash("SELECT 1"));
/// assert_ne!(a, fraiseql::trace::statement_hash("SELECT 2"));
/// ```
pub fn statement_hash(sql: &str) -> u64 {
    // FxHash's multiply-rotate over 8-byte words, then a final avalanche (splitmix64):
    // fast enough for every traced request, stable because it is ours.
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = sql.as_bytes();
    let mut hash = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &byte in chunks.remainder() {
        hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
    }
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// A statement hash as 16 hexadecimal digits.
struct StatementHash(u64);

impl std::fmt::Display for StatementHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_nothing_would_see_are_none() {
        // A subscriber that listens keeps its spans, attributes and all.
        let metadata = tracing::subscriber::with_default(tracing_subscriber::registry(), || {
            let span = db_span("SELECT 1");
            assert!(!span.is_none() && !span.is_disabled());
            span.metadata().expect("an enabled span's metadata")
        });
        // A span no subscriber listens to (made directly: which spans are enabled depends on
        // the subscribers other tests of this process installed) is dropped for `Span::none`.
        assert!(log::max_level() < log::LevelFilter::Info);
        assert!(quiet(Span::new_disabled(metadata)).is_none());
        // It is kept when `log` takes INFO records: `tracing`'s `log` feature may write it
        // there. (No other test reads this process-wide level.)
        log::set_max_level(log::LevelFilter::Info);
        let kept = quiet(Span::new_disabled(metadata));
        log::set_max_level(log::LevelFilter::Off);
        assert!(kept.is_disabled() && !kept.is_none());
    }

    #[test]
    fn first_error_codes_are_read_from_the_end_of_the_body() {
        assert_eq!(first_error_code(br#"{"data":{"users":[]}}"#), None);
        assert_eq!(first_error_code(br#"{"data":null}"#), None);
        // An `errors` key inside `data`, or inside a string, is not the response's.
        assert_eq!(
            first_error_code(br#"{"data":{"m":{"errors":[{"code":"X"}]}}}"#),
            None
        );
        let body = br#"{"data":{"a":"\"errors\":[{\"extensions\":{\"code\":\"X\"}}]"}}"#;
        assert_eq!(first_error_code(body), None);
        let body = br#"{"data":{"a":null},"errors":[{"message":"no \"code\":\"Y\"","path":["a"],"extensions":{"code":"BAD_USER_INPUT"}},{"message":"m","extensions":{"code":"TIMEOUT"}}]}"#;
        assert_eq!(first_error_code(body), Some("BAD_USER_INPUT"));
        let body = br#"{"errors":[{"message":"m","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}"#;
        assert_eq!(first_error_code(body), Some("GRAPHQL_PARSE_FAILED"));
        // A second error's code is not the first's.
        let body = br#"{"errors":[{"message":"m"},{"message":"n","extensions":{"code":"X"}}]}"#;
        assert_eq!(first_error_code(body), Some(""));
        let body = br#"{"errors":[{"message":"m"}]}"#;
        assert_eq!(first_error_code(body), Some(""));
        assert_eq!(failure(body), Some("ERROR"));
    }

    #[test]
    fn statement_hashes_are_stable() {
        // The same in every process: a fixed value.
        assert_eq!(
            StatementHash(statement_hash("SELECT 1")).to_string(),
            StatementHash(statement_hash("SELECT 1")).to_string()
        );
        assert_eq!(StatementHash(1).to_string(), "0000000000000001");
        assert_ne!(statement_hash(""), statement_hash("\0"));
    }

    #[test]
    fn no_subscriber_no_attributes() {
        let span = request_span(&TraceHeaders::default());
        assert!(span.is_disabled());
        record_response(&span, 500, b"{\"errors\":[]}");
    }
}
