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
//! | a body over the size limit | 413 | `PAYLOAD_TOO_LARGE` |
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

mod graphiql;
mod media;
mod request;
mod response;
mod served;

pub use graphiql::GraphiQL;
pub use media::{Format, is_json_body};
pub use request::GraphQLRequest;
pub use response::{HttpResponse, Rejection};
pub use served::Served;

use std::sync::Arc;
use std::time::Duration;

use juniper::OperationType;

use crate::context::RequestContext;
use crate::database::Database;
use crate::graphql::{Context, PersistedQueries, PersistedQueryError, Resolved, Schema};

/// Default largest request body: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default time a request may take, end to end: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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
    timeout: Duration,
    persisted: PersistedQueries,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("path", &self.path)
            .field("graphiql", &self.graphiql)
            .field("body_limit", &self.body_limit)
            .field("timeout", &self.timeout)
            .field("persisted", &self.persisted)
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
                timeout: DEFAULT_TIMEOUT,
                persisted: PersistedQueries::default(),
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

    /// The longest a request may take (default [`DEFAULT_TIMEOUT`]); past it the request is
    /// answered 504 and its transaction ends. The database's own statement timeout
    /// ([`Database::with_statement_timeout`]) still applies inside.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.change(|inner| inner.timeout = timeout)
    }

    /// How persisted queries are served (default [`PersistedQueries::automatic`]): an
    /// allow-list in production ([`PersistedQueries::allow_list`]), or none
    /// ([`PersistedQueries::disabled`]).
    pub fn persisted_queries(self, persisted: PersistedQueries) -> Self {
        self.change(|inner| inner.persisted = persisted)
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
    /// and executes. Adapters call this and translate the result.
    pub async fn respond<E>(
        &self,
        head: &Head<'_>,
        context: impl FnOnce() -> Result<RequestContext, Rejection>,
        body: impl futures_util::Stream<Item = Result<bytes::Bytes, E>>,
    ) -> HttpResponse {
        let format = match self.check(head) {
            Ok(format) => format,
            Err(response) => return response,
        };
        let context = match context() {
            Ok(context) => context,
            Err(rejection) => return rejection.into_response(format),
        };
        let body = match head.method {
            Method::Post => match self.read_body(format, body).await {
                Ok(body) => body,
                Err(response) => return response,
            },
            _ => bytes::Bytes::new(),
        };
        match self.parse(head, format, &body) {
            Ok(request) => self.execute(head.method, format, &request, context).await,
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

    /// The answer to a body over the limit.
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
    }

    /// Reads a body stream, stopping with the 413 answer as soon as it exceeds the limit.
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
    pub async fn execute(
        &self,
        method: Method,
        format: Format,
        request: &GraphQLRequest,
        context: RequestContext,
    ) -> HttpResponse {
        let schema = &*self.inner.schema;
        let operation_name = request.operation_name.as_deref();
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
        if method != Method::Post
            && requested_operation(schema, &resolved, operation_name)
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
        let context = Context::new(self.inner.db.clone(), context);
        let run = resolved.execute(&request.variables, &context);
        match tokio::time::timeout(self.inner.timeout, run).await {
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
) -> Option<OperationType> {
    if let Some(known) = resolved.operation_type() {
        return Some(known);
    }
    // Only for requests that will fail anyway: a second parse is no cost worth caching.
    let query = resolved.document();
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
