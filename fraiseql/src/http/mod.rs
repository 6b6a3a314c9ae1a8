//! GraphQL over HTTP, independent of any web framework: the adapters ([`crate::axum`],
//! [`crate::actix`]) only translate requests and responses; every decision is made here.
//!
//! What an [`Endpoint`] answers (the GraphQL-over-HTTP specification):
//!
//! | request | status | `extensions.code` |
//! |---|---|---|
//! | GET with `query` (and `operationName`, JSON `variables`) in the query string, a query operation | 200 | |
//! | POST `application/json` body `{"query", "operationName", "variables", "extensions"}` | 200 | |
//! | a document that does not parse or validate, an unknown operation, variables that do not fit | 400 with `application/graphql-response+json`, 200 with `application/json` | `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`, `OPERATION_RESOLUTION_FAILURE`, `BAD_USER_INPUT` |
//! | a body that is not JSON, not an object, a batch (JSON array), a missing or non-string `query`, non-object `variables` | 400 | `BAD_REQUEST` |
//! | a mutation over GET | 405, `Allow: POST` | `METHOD_NOT_ALLOWED` |
//! | a method other than GET and POST | 405, `Allow: GET, POST` | `METHOD_NOT_ALLOWED` |
//! | an `Accept` header listing no JSON type | 406 | `NOT_ACCEPTABLE` |
//! | a body over the size limit | 413, `Connection: close` | `PAYLOAD_TOO_LARGE` |
//! | a POST without `Content-Type: application/json` (or with a charset other than UTF-8) | 415 | `UNSUPPORTED_MEDIA_TYPE` |
//! | the application's context hook refused ([`Rejection`]) | its status (401, 403, …) | its code |
//! | no answer within the endpoint's timeout | 504 | `TIMEOUT` |
//! | a persisted query's hash the server does not know (automatic persisted queries) | 200 with `application/json`, 404 with `application/graphql-response+json`; `Cache-Control: private, no-cache, must-revalidate` | `PERSISTED_QUERY_NOT_FOUND` |
//! | a document, or a hash, not in the allow-list | 200 with `application/json`, 403 with `application/graphql-response+json` | `PERSISTED_QUERY_NOT_ALLOWED` |
//! | only a hash, persisted queries disabled | 200 with `application/json`, 400 with `application/graphql-response+json`; `Cache-Control` as above | `PERSISTED_QUERY_NOT_SUPPORTED` |
//! | a hash that is not the SHA-256 of the query sent | 400 | `PERSISTED_QUERY_HASH_MISMATCH` |
//! | `extensions.persistedQuery` not an object, its `version` not 1, its `sha256Hash` not 64 hexadecimal digits | 400 | `BAD_REQUEST` |
//!
//! The response type follows `Accept`: `application/graphql-response+json` when the client ranks
//! it first, `application/json` when it asks for that, for a wildcard or sends no `Accept`.
//!
//! **A refused body is read before the answer, within a bound.** A plain blocking client (Python's
//! `http.client`, many SDKs) writes its whole request before reading anything; a server that
//! answers early and closes with the body half read makes the connection reset under it, and the
//! client sees a broken pipe instead of the answer. So a body the endpoint will not serve — one
//! over the limit, or the body of a request refused before it was read (405, 406, 415, the context
//! hook's rejection) — is read to its end and thrown away before the answer is sent: up to
//! [`DEFAULT_DRAIN_LIMIT`] (16 MiB, counted from the body's first byte) and for at most
//! [`DEFAULT_DRAIN_TIMEOUT`] (10 s), both set with [`Endpoint::drain_limit`] and
//! [`Endpoint::drain_timeout`]. A 413 always carries `Connection: close`, as does any early
//! answer whose body was not read to its end. Past the bound the endpoint stops reading and
//! answers at once with `Connection: close`: a body announced (`Content-Length`) larger than the
//! drain limit is not read at all, and its client may see the connection reset. A client that
//! sent `Expect: 100-continue` and still waits for `100 Continue` ([`Head::expects_continue`])
//! is answered without reading: it has not sent its body.
//!
//! **Persisted queries** follow Apollo's protocol ([`PersistedQueries`]; automatic by default).
//! `PERSISTED_QUERY_NOT_FOUND` is answered 200 under `application/json` because Apollo Client's
//! persisted-query link reads the error from a 200 (before 3.7 it gave up on persisted
//! queries for good on a 400) and resends the document; under
//! `application/graphql-response+json`, whose responses without `data` must be 4xx, it is 404:
//! the hash names nothing here (Apollo Client 4 reads the error from a 4xx body too). Neither
//! may be kept by a shared cache, or a GET would stay unknown once the document is sent.
//!
//! **Batching is not supported.** Each query operation already runs as one SQL statement in one
//! round trip; a batch would share one HTTP status among unrelated results, and the
//! GraphQL-over-HTTP specification does not define it. A JSON array body is answered 400.

mod drain;
mod graphiql;
mod media;
mod request;
mod response;
mod served;
#[cfg(test)]
mod size_tests;

pub use drain::{DEFAULT_DRAIN_LIMIT, DEFAULT_DRAIN_TIMEOUT};
pub use graphiql::GraphiQL;
pub use media::{Format, is_json_body};
pub use request::GraphQLRequest;
pub use response::{HttpResponse, Rejection};
pub use served::Served;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use juniper::OperationType;

use crate::context::RequestContext;
use crate::database::Database;
use crate::graphql::{
    Context, Introspection, PersistedQueries, PersistedQueryError, Resolved, Schema,
};
use crate::trace::TraceHeaders;

/// Default largest request body: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default time a request may take, end to end: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default threshold of the slow-operation log ([`Endpoint::slow_threshold`]): 200 ms.
pub const DEFAULT_SLOW_THRESHOLD: Duration = Duration::from_millis(200);

/// The HTTP method, as far as GraphQL over HTTP cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: queries only.
    Get,
    /// POST: any operation.
    Post,
    /// Anything else: answered 405.
    Other,
}

/// What an endpoint needs of a request before reading its body.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// The method.
    pub method: Method,
    /// The query string (without `?`), if any.
    pub query: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The `Accept` header (several headers joined with `,`).
    pub accept: Option<&'a str>,
    /// The `Content-Length` header, when given.
    pub content_length: Option<u64>,
    /// The client sent `Expect: 100-continue` and waits for `100 Continue` before sending its
    /// body, which the framework sends when the body is first read (hyper, so axum, does). An
    /// early answer then leaves the body unread. `false` when the framework has already sent
    /// `100 Continue` itself (actix-web does, before the handler runs): the body is coming.
    pub expects_continue: bool,
}

/// A GraphQL endpoint: the schema, the database, and how it is served (paths, GraphiQL, limits).
/// Cheap to clone.
///
/// ```no_run
/// # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) {
/// use std::time::Duration;
/// use fraiseql::graphql::PersistedQueries;
/// use fraiseql::http::{Endpoint, GraphiQL};
/// let endpoint = Endpoint::new(schema, db)
///     .path("/api/graphql")                   // default /graphql
///     .graphiql(GraphiQL::new("/graphiql"))   // default: no GraphiQL
///     .body_limit(256 * 1024)                 // default 1 MiB
///     .drain_limit(4 * 1024 * 1024)           // default 16 MiB
///     .drain_timeout(Duration::from_secs(5))  // default 10 s
///     .timeout(Duration::from_secs(10))       // default 30 s
///     .persisted_queries(PersistedQueries::automatic_bounded(512, 4 << 20)); // default 1024, 8 MiB
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    schema: Arc<Schema>,
    db: Database,
    path: String,
    graphiql: Option<GraphiQL>,
    body_limit: usize,
    drain: drain::Bound,
    timeout: Duration,
    introspection: Introspection,
    persisted: PersistedQueries,
    slow_threshold: Option<Duration>,
    trace_document: bool,
    #[cfg(feature = "metrics")]
    metrics: Option<crate::metrics::Metrics>,
}

/// What the metrics learn of a request as it runs: its operation (nothing without the
/// `metrics` feature).
#[derive(Default)]
struct Seen {
    #[cfg(feature = "metrics")]
    operation: Option<crate::metrics::Operation>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("path", &self.path)
            .field("graphiql", &self.graphiql)
            .field("body_limit", &self.body_limit)
            .field("drain_limit", &self.drain.bytes)
            .field("drain_timeout", &self.drain.time)
            .field("timeout", &self.timeout)
            .field("introspection", &self.introspection)
            .field("persisted", &self.persisted)
            .field("slow_threshold", &self.slow_threshold)
            .field("trace_document", &self.trace_document)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// Serves `schema` on `db` at `/graphql`, without GraphiQL.
    pub fn new(schema: impl Into<Arc<Schema>>, db: Database) -> Self {
        Self {
            inner: Arc::new(Inner {
                schema: schema.into(),
                db,
                path: "/graphql".into(),
                graphiql: None,
                body_limit: DEFAULT_BODY_LIMIT,
                drain: drain::Bound::default(),
                timeout: DEFAULT_TIMEOUT,
                introspection: Introspection::Allowed,
                persisted: PersistedQueries::default(),
                slow_threshold: Some(DEFAULT_SLOW_THRESHOLD),
                trace_document: false,
                #[cfg(feature = "metrics")]
                metrics: None,
            }),
        }
    }

    fn change(mut self, f: impl FnOnce(&mut Inner)) -> Self {
        f(Arc::make_mut(&mut self.inner));
        self
    }

    /// Serves GET and POST at `path` (default `/graphql`): an absolute path from the app's root,
    /// starting with `/` (axum refuses anything else when the routes are added).
    pub fn path(self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.change(|inner| inner.path = path)
    }

    /// Serves GraphiQL too.
    pub fn graphiql(self, graphiql: GraphiQL) -> Self {
        self.change(|inner| inner.graphiql = Some(graphiql))
    }

    /// The largest request body accepted, in bytes (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(self, bytes: usize) -> Self {
        self.change(|inner| inner.body_limit = bytes)
    }

    /// The most bytes of a body the endpoint will not serve (over the limit, or refused before
    /// it was read) that it reads and throws away before answering, so that a client writing the
    /// whole body before reading can read the answer (default [`DEFAULT_DRAIN_LIMIT`], 16 MiB,
    /// counted from the body's first byte). Past it the endpoint stops reading and answers with
    /// `Connection: close`; a body announced larger is not read at all. At or below
    /// [`Endpoint::body_limit`], a body over that limit is answered at once, unread.
    pub fn drain_limit(self, bytes: usize) -> Self {
        self.change(|inner| inner.drain.bytes = bytes)
    }

    /// The longest the endpoint spends reading a refused body before it answers anyway with
    /// `Connection: close` (default [`DEFAULT_DRAIN_TIMEOUT`], 10 s): a client that stops
    /// sending holds nothing longer than that.
    pub fn drain_timeout(self, timeout: Duration) -> Self {
        self.change(|inner| inner.drain.time = timeout)
    }

    /// The longest a request may take (default [`DEFAULT_TIMEOUT`]); past it the request is
    /// answered 504 and its transaction ends. The database's own statement timeout
    /// ([`Database::with_statement_timeout`]) still applies inside.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.change(|inner| inner.timeout = timeout)
    }

    /// Allows (the default) or refuses `__schema` and `__type` (see [`Introspection`]). A
    /// production API whose clients are known turns it off; GraphiQL then shows the refusal
    /// (`INTROSPECTION_DISABLED`) where it would show the schema.
    ///
    /// ```no_run
    /// # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) {
    /// use fraiseql::graphql::Introspection;
    /// let endpoint = fraiseql::http::Endpoint::new(schema, db).introspection(Introspection::Disabled);
    /// # }
    /// ```
    pub fn introspection(self, introspection: Introspection) -> Self {
        self.change(|inner| inner.introspection = introspection)
    }

    /// How persisted queries are served (default [`PersistedQueries::automatic`]): an
    /// allow-list in production ([`PersistedQueries::allow_list`]), or none
    /// ([`PersistedQueries::disabled`]).
    pub fn persisted_queries(self, persisted: PersistedQueries) -> Self {
        self.change(|inner| inner.persisted = persisted)
    }

    /// Logs each operation that takes longer than `threshold` (default
    /// [`DEFAULT_SLOW_THRESHOLD`], 200 ms) once, at WARN, with its name, its document's hash,
    /// its variables' names and JSON types (never their values) and its time in each phase
    /// (see [`crate::trace::slow`]); `None` logs none.
    ///
    /// ```no_run
    /// # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) {
    /// use std::time::Duration;
    /// let endpoint = fraiseql::http::Endpoint::new(schema, db)
    ///     .slow_threshold(Duration::from_millis(100));
    /// # }
    /// ```
    pub fn slow_threshold(self, threshold: impl Into<Option<Duration>>) -> Self {
        let threshold = threshold.into();
        self.change(|inner| inner.slow_threshold = threshold)
    }

    /// Records each request's document on its `graphql.request` span (`graphql.document`;
    /// default off). A document may hold literal arguments (values a client wrote inline
    /// instead of as variables): turn it on only where the traces may hold them.
    pub fn trace_document(self, enabled: bool) -> Self {
        self.change(|inner| inner.trace_document = enabled)
    }

    /// Records every request in `metrics` (feature `metrics`): requests, latency and response
    /// sizes by operation, and — through the endpoint's database and schema, attached too —
    /// the pool, the database's errors, mutations, and the plan and statement caches. Serve
    /// [`Metrics::render`](crate::metrics::Metrics::render) at `/metrics` (`fraiseql::axum::metrics`,
    /// `fraiseql::actix::metrics`).
    ///
    /// ```
    /// # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) {
    /// let metrics = fraiseql::metrics::Metrics::new();
    /// let endpoint = fraiseql::http::Endpoint::new(schema, db).metrics(&metrics);
    /// # let _ = endpoint;
    /// # }
    /// ```
    #[cfg(feature = "metrics")]
    pub fn metrics(self, metrics: &crate::metrics::Metrics) -> Self {
        self.inner.schema.query_type.plans.attach_metrics(metrics);
        self.change(|inner| {
            inner.db = inner.db.clone().with_metrics(metrics);
            inner.metrics = Some(metrics.clone());
        })
    }

    /// The GraphQL path.
    pub fn graphql_path(&self) -> &str {
        &self.inner.path
    }

    /// GraphiQL, when served.
    pub fn graphiql_config(&self) -> Option<&GraphiQL> {
        self.inner.graphiql.as_ref()
    }

    /// The body limit.
    pub fn max_body(&self) -> usize {
        self.inner.body_limit
    }

    /// How persisted queries are served.
    pub fn persisted(&self) -> &PersistedQueries {
        &self.inner.persisted
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.inner.schema
    }

    /// The database.
    pub fn database(&self) -> &Database {
        &self.inner.db
    }

    /// Answers a request, start to end: checks the head, builds the context with `context`
    /// (only once the head is acceptable), reads the body (POST only, up to the limit), parses
    /// and executes. A request refused before its body is read has its body read and thrown
    /// away first, within the drain bound ([`Endpoint::drain_limit`]). Adapters call this and
    /// translate the result. With [`Endpoint::metrics`], the request is recorded.
    pub async fn respond<E>(
        &self,
        head: &Head<'_>,
        context: impl FnOnce() -> Result<RequestContext, Rejection>,
        body: impl futures_util::Stream<Item = Result<bytes::Bytes, E>>,
    ) -> HttpResponse {
        (self.respond_traced(head, TraceHeaders::default(), context, body)).await
    }

    /// [`respond`](Self::respond) for a request whose W3C trace-context headers are `trace`:
    /// with the `otel` feature, the remote span they name is the parent of the request's
    /// `graphql.request` span ([`crate::trace`]). The axum and actix adapters call this.
    pub async fn respond_traced<E>(
        &self,
        head: &Head<'_>,
        trace: TraceHeaders<'_>,
        context: impl FnOnce() -> Result<RequestContext, Rejection>,
        body: impl futures_util::Stream<Item = Result<bytes::Bytes, E>>,
    ) -> HttpResponse {
        use tracing::Instrument as _;
        let span = crate::trace::request_span(&trace);
        #[cfg(feature = "metrics")]
        let start = self
            .inner
            .metrics
            .as_ref()
            .map(|_| std::time::Instant::now());
        let mut seen = Seen::default();
        let answer = self.answer(head, context, body, &span, &mut seen);
        let response = answer.instrument(span.clone()).await;
        crate::trace::record_response(&span, response.status, &response.body);
        #[cfg(feature = "metrics")]
        if let (Some(metrics), Some(start)) = (&self.inner.metrics, start) {
            let operation =
                (seen.operation.take()).unwrap_or_else(|| metrics.operation(None, None));
            metrics.request(operation, start.elapsed(), &response.body);
        }
        response
    }

    async fn answer<E>(
        &self,
        head: &Head<'_>,
        context: impl FnOnce() -> Result<RequestContext, Rejection>,
        body: impl futures_util::Stream<Item = Result<bytes::Bytes, E>>,
        span: &tracing::Span,
        seen: &mut Seen,
    ) -> HttpResponse {
        let mut body = std::pin::pin!(body);
        let format = match self.check(head) {
            Ok(format) => format,
            Err(response) => return self.refuse(head, response, body).await,
        };
        let context = match context() {
            Ok(context) => context,
            Err(rejection) => {
                return self
                    .refuse(head, rejection.into_response(format), body)
                    .await;
            }
        };
        let body = match head.method {
            Method::Post => match self.read_body(format, body.as_mut()).await {
                Ok(body) => body,
                Err(response) => return response,
            },
            _ => bytes::Bytes::new(),
        };
        match self.parse(head, format, &body) {
            // Boxed: the running request's future is large, and each wrapper around this one
            // (the request span, the adapter's box) would copy it whole.
            Ok(request) => {
                Box::pin(self.run(head.method, format, &request, context, span, seen)).await
            }
            Err(response) => response,
        }
    }

    /// Checks what can be checked before the body is read, and picks the response format.
    pub fn check(&self, head: &Head<'_>) -> Result<Format, HttpResponse> {
        let Some(format) = Format::negotiate(head.accept) else {
            return Err(HttpResponse::error(
                Format::Json,
                406,
                "NOT_ACCEPTABLE",
                "the Accept header lists neither application/graphql-response+json nor application/json",
            ));
        };
        match head.method {
            Method::Get => {}
            Method::Post => {
                if !head.content_type.is_some_and(is_json_body) {
                    return Err(HttpResponse::error(
                        format,
                        415,
                        "UNSUPPORTED_MEDIA_TYPE",
                        "a POST body must be Content-Type: application/json",
                    ));
                }
                if head
                    .content_length
                    .is_some_and(|length| length > self.inner.body_limit as u64)
                {
                    return Err(self.too_large(format));
                }
            }
            Method::Other => {
                return Err(HttpResponse::error(
                    format,
                    405,
                    "METHOD_NOT_ALLOWED",
                    "GraphQL is served over GET and POST",
                )
                .with_header("allow", "GET, POST"));
            }
        }
        Ok(format)
    }

    /// The answer to a body over the limit: 413 with `Connection: close`.
    ///
    /// ```no_run
    /// # fn demo(endpoint: fraiseql::http::Endpoint) {
    /// use fraiseql::http::Format;
    /// let response = endpoint.too_large(Format::Json);
    /// assert_eq!(response.status, 413);
    /// assert!(response.headers.contains(&("connection", "close")));
    /// # }
    /// ```
    pub fn too_large(&self, format: Format) -> HttpResponse {
        HttpResponse::error(
            format,
            413,
            "PAYLOAD_TOO_LARGE",
            &format!(
                "the request body is larger than {} bytes",
                self.inner.body_limit
            ),
        )
        .with_header("connection", "close")
    }

    /// Answers `response` to a request refused before its body was read, once the body is read
    /// and thrown away within the drain bound; with `Connection: close` when it was not read to
    /// its end (past the bound, or the client waits for `100 Continue` and has not sent it).
    async fn refuse<S, E>(
        &self,
        head: &Head<'_>,
        response: HttpResponse,
        body: Pin<&mut S>,
    ) -> HttpResponse
    where
        S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + ?Sized,
    {
        let drain = self.inner.drain;
        let read = !head.expects_continue
            && drain.admits(head.content_length)
            && drain.discard(body, 0).await;
        if read || response.headers.contains(&("connection", "close")) {
            response
        } else {
            response.with_header("connection", "close")
        }
    }

    /// Reads a body stream up to the limit. A body over it is read on and thrown away within
    /// the drain bound ([`Endpoint::drain_limit`], [`Endpoint::drain_timeout`]), so that a
    /// client writing its whole body before reading can read the answer: 413, with
    /// `Connection: close`.
    pub async fn read_body<E>(
        &self,
        format: Format,
        stream: impl futures_util::Stream<Item = Result<bytes::Bytes, E>>,
    ) -> Result<bytes::Bytes, HttpResponse> {
        use futures_util::StreamExt as _;
        let mut stream = std::pin::pin!(stream);
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| {
                HttpResponse::error(
                    format,
                    400,
                    "BAD_REQUEST",
                    "the request body could not be read",
                )
            })?;
            if body.len() + chunk.len() > self.inner.body_limit {
                let read = body.len() + chunk.len();
                drop(body);
                self.inner.drain.discard(stream, read).await;
                return Err(self.too_large(format));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// The request's parameters: from the query string for GET, from `body` for POST.
    pub fn parse(
        &self,
        head: &Head<'_>,
        format: Format,
        body: &[u8],
    ) -> Result<GraphQLRequest, HttpResponse> {
        let parsed = match head.method {
            Method::Get => GraphQLRequest::from_query_string(head.query.unwrap_or("")),
            _ => GraphQLRequest::from_json(body),
        };
        parsed.map_err(|message| HttpResponse::error(format, 400, "BAD_REQUEST", &message))
    }

    /// Runs the request under `context` and answers: the response body is
    /// [`crate::graphql::execute`]'s JSON text, carried through as is. The document is the
    /// request's own or the one its persisted-query hash names ([`PersistedQueries::resolve`]);
    /// a refused persisted query runs nothing.
    ///
    /// The request runs in a `graphql.request` span of its own ([`crate::trace`]).
    pub async fn execute(
        &self,
        method: Method,
        format: Format,
        request: &GraphQLRequest,
        context: RequestContext,
    ) -> HttpResponse {
        use tracing::Instrument as _;
        let span = crate::trace::request_span(&TraceHeaders::default());
        let mut seen = Seen::default();
        let run = self.run(method, format, request, context, &span, &mut seen);
        let response = run.instrument(span.clone()).await;
        crate::trace::record_response(&span, response.status, &response.body);
        response
    }

    /// [`execute`](Self::execute) inside the request's `span`, timed for the slow-operation log.
    async fn run(
        &self,
        method: Method,
        format: Format,
        request: &GraphQLRequest,
        context: RequestContext,
        span: &tracing::Span,
        seen: &mut Seen,
    ) -> HttpResponse {
        let schema = &*self.inner.schema;
        let operation_name = request.operation_name.as_deref();
        let slow = self.inner.slow_threshold;
        let started = slow.map(|_| std::time::Instant::now());
        let resolved = self.inner.persisted.resolve(
            schema,
            request.query.as_deref(),
            request.persisted_query.as_ref(),
            operation_name,
        );
        let resolved = match resolved {
            Ok(resolved) => resolved,
            Err(error) => return persisted_query_error(format, error),
        };
        let validated = started.map(|started| started.elapsed());
        let operation_type = resolved.operation_type();
        if !span.is_disabled() {
            if let Some(name) = operation_name.or_else(|| resolved.operation_name()) {
                span.record("graphql.operation.name", name);
            }
            if let Some(operation_type) = operation_type {
                let name = crate::trace::operation_type(operation_type);
                span.record("graphql.operation.type", name);
            }
            if self.inner.trace_document {
                span.record("graphql.document", resolved.document());
            }
        }
        #[cfg(feature = "metrics")]
        if let Some(metrics) = &self.inner.metrics {
            let kind = resolved.operation_type();
            seen.operation = Some(metrics.operation(resolved.operation_label(), kind));
        }
        #[cfg(not(feature = "metrics"))]
        let _ = seen;
        if method != Method::Post
            && requested_operation(schema, &resolved, operation_name, &context)
                .is_some_and(|t| t != OperationType::Query)
        {
            return HttpResponse::error(
                format,
                405,
                "METHOD_NOT_ALLOWED",
                "only queries may be sent with GET; send mutations with POST",
            )
            .with_header("allow", "POST");
        }
        let mut context = Context::new(self.inner.db.clone(), context)
            .with_introspection(self.inner.introspection);
        if slow.is_some() {
            context.phases = crate::trace::slow::Phases::timed();
        }
        // The timeout wraps the execution future directly (see `answer`'s box for why size
        // matters): passed through an `async fn`, the future would take two slots.
        let run = tokio::time::timeout(
            self.inner.timeout,
            resolved.execute(&request.variables, &context),
        );
        let response = self.timed_out(format, run.await);
        if let (Some(threshold), Some(started)) = (slow, started) {
            let total = started.elapsed();
            if total >= threshold {
                crate::trace::slow::Slow {
                    operation: operation_name.or_else(|| resolved.operation_name()),
                    operation_type,
                    document: resolved.document(),
                    hash: resolved.hash(),
                    variables: &request.variables,
                    body: &response.body,
                    total,
                    validate: validated.unwrap_or_default(),
                    phases: Some(&context.phases),
                }
                .log();
            }
        }
        response
    }

    /// The HTTP response to an execution's `result`, or 504 when the endpoint's timeout passed
    /// first.
    fn timed_out(
        &self,
        format: Format,
        result: Result<crate::graphql::Response, tokio::time::error::Elapsed>,
    ) -> HttpResponse {
        match result {
            Ok(response) => {
                let status = if response.is_request_error() && format == Format::GraphQLResponse {
                    400
                } else {
                    200
                };
                HttpResponse::new(status, format.content_type(), response.into_body())
            }
            Err(_) => HttpResponse::error(
                format,
                504,
                "TIMEOUT",
                "the request took too long and was cancelled",
            ),
        }
    }
}

/// The answer to a refused persisted query (see the table above).
fn persisted_query_error(format: Format, error: PersistedQueryError) -> HttpResponse {
    let graphql_response = format == Format::GraphQLResponse;
    let status = match error {
        PersistedQueryError::NotFound if graphql_response => 404,
        PersistedQueryError::NotAllowed if graphql_response => 403,
        PersistedQueryError::NotSupported if graphql_response => 400,
        PersistedQueryError::NotFound
        | PersistedQueryError::NotAllowed
        | PersistedQueryError::NotSupported => 200,
        PersistedQueryError::HashMismatch | PersistedQueryError::Missing => 400,
    };
    let response = HttpResponse::error(format, status, error.code(), error.message());
    match error {
        // The client is about to make the hash known (or to send documents in full): no
        // shared cache may keep this answer.
        PersistedQueryError::NotFound | PersistedQueryError::NotSupported => {
            response.with_header("cache-control", "private, no-cache, must-revalidate")
        }
        _ => response,
    }
}

/// The type of the operation a request selects, even one the schema does not serve: a mutation
/// sent over GET is refused with 405 whether or not the schema has mutations.
fn requested_operation(
    schema: &Schema,
    resolved: &Resolved<'_>,
    operation_name: Option<&str>,
    context: &RequestContext,
) -> Option<OperationType> {
    if let Some(known) = resolved.operation_type() {
        return Some(known);
    }
    let query = resolved.document();
    // A document over the request's size or token limits is refused unparsed by `execute`.
    let limits = context.limits().unwrap_or(&schema.query_info.limits);
    if !crate::graphql::within_parse_limits(query, limits) {
        return None;
    }
    // Only for requests that will fail anyway: a second parse is no cost worth caching.
    let document = juniper::parser::parse_document_source(query, &schema.schema).ok()?;
    let mut operations = document.iter().filter_map(|definition| match definition {
        juniper::Definition::Operation(operation) => Some(&operation.item),
        juniper::Definition::Fragment(_) => None,
    });
    match operation_name {
        Some(name) => operations
            .find(|op| op.name.as_ref().is_some_and(|n| n.item == name))
            .map(|op| op.operation_type),
        None => {
            let first = operations.next()?;
            operations.next().is_none().then_some(first.operation_type)
        }
    }
}
