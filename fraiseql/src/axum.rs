//! Serves a schema from an axum 0.8 `Router` (feature `axum`): GET and POST on the GraphQL
//! path, GraphiQL when configured. All GraphQL-over-HTTP decisions are [`crate::http`]'s; this
//! module only translates.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use fraiseql::http::{Endpoint, GraphiQL, Rejection};
//! use fraiseql::RequestContext;
//!
//! # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) -> Router {
//! let graphql = fraiseql::axum::GraphQL::new(
//!     Endpoint::new(schema, db).graphiql(GraphiQL::new("/graphiql")),
//! )
//! .context(|request| {
//!     // Whatever the app's own middleware left in the request's extensions or headers.
//!     let tenant = request.headers.get("x-tenant").and_then(|v| v.to_str().ok())
//!         .ok_or_else(|| Rejection::unauthenticated("missing x-tenant"))?;
//!     Ok(RequestContext::new().tenant_id(tenant))
//! });
//! Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .merge(graphql.router())
//! # }
//! ```

use ::axum::Router;
use ::axum::body::Body;
use ::axum::extract::Request;
use ::axum::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, EXPECT};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use ::axum::response::Response;
use ::axum::routing::{any, get};

use crate::http::{Format, Head, HttpResponse, Method, Served};
use crate::trace::TraceHeaders;

/// An [`Endpoint`](crate::http::Endpoint) served from an axum `Router`: [`Served::new`],
/// [`Served::context`] (the hook reads the request's `Parts`), then [`Served::router`].
pub type GraphQL = Served<Parts>;

impl Served<Parts> {
    /// The routes, to `merge` into the app's `Router` (whatever its state type).
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        let path = self.endpoint.graphql_path().to_owned();
        let graphiql = self.endpoint.graphiql_config().cloned();
        let this = self.clone();
        let mut router = Router::new().route(
            &path,
            any(move |request: Request| {
                let this = this.clone();
                async move { this.handle(request).await }
            }),
        );
        if let Some(graphiql) = graphiql {
            let page = graphiql.page_response(&path);
            router = router.route(
                graphiql.path(),
                get(move || {
                    let page = page.clone();
                    async move { convert(page) }
                }),
            );
            if graphiql.serves_assets() {
                let prefix = graphiql.assets_prefix();
                router = router.route(
                    &format!("{prefix}{{name}}"),
                    get(move |request: Request| {
                        let graphiql = graphiql.clone();
                        async move {
                            let name = request.uri().path().rsplit('/').next().unwrap_or("");
                            graphiql.asset(name).map_or_else(not_found, convert)
                        }
                    }),
                );
            }
        }
        router
    }

    async fn handle(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let accept = joined(&parts.headers);
        let head = Head {
            method: match parts.method {
                ::axum::http::Method::GET => Method::Get,
                ::axum::http::Method::POST => Method::Post,
                _ => Method::Other,
            },
            query: parts.uri.query(),
            content_type: parts
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            accept: accept.as_deref(),
            content_length: parts
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok()),
            // hyper sends `100 Continue` when the body is first read.
            expects_continue: parts
                .headers
                .get(EXPECT)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue")),
        };
        let trace = trace_headers(&parts.headers);
        let context = || (self.context)(&parts);
        let response = (self.endpoint)
            .respond_traced(&head, trace, context, body.into_data_stream())
            .await;
        convert(response)
    }
}

/// The W3C trace-context headers, read only when the `otel` feature exports spans.
fn trace_headers(headers: &HeaderMap) -> TraceHeaders<'_> {
    #[cfg(feature = "otel")]
    {
        // Names made at compile time: a `&str` name is parsed and checked on every lookup.
        const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
        const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        TraceHeaders {
            traceparent: header(&TRACEPARENT),
            tracestate: header(&TRACESTATE),
        }
    }
    #[cfg(not(feature = "otel"))]
    {
        let _ = headers;
        TraceHeaders::default()
    }
}

/// Every `Accept` header, joined with `,` (`None` when there is none); the one value as is when
/// there is one (the usual case: nothing copied).
fn joined(headers: &HeaderMap) -> Option<std::borrow::Cow<'_, str>> {
    let mut values = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok());
    let first = values.next()?;
    match values.next() {
        None => Some(std::borrow::Cow::Borrowed(first)),
        Some(second) => {
            let all: Vec<&str> = [first, second].into_iter().chain(values).collect();
            Some(std::borrow::Cow::Owned(all.join(",")))
        }
    }
}

fn convert(response: HttpResponse) -> Response {
    let mut out = Response::new(Body::from(response.body));
    *out.status_mut() =
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    headers.insert(CONTENT_TYPE, content_type(response.content_type));
    for (name, value) in response.headers {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    out
}

/// The header value of `media_type`: the two of GraphQL responses made once, at compile time
/// (`from_static` checks every byte of its text each time it runs).
fn content_type(media_type: &'static str) -> HeaderValue {
    const GRAPHQL_RESPONSE: HeaderValue =
        HeaderValue::from_static(Format::GraphQLResponse.content_type());
    const JSON: HeaderValue = HeaderValue::from_static(Format::Json.content_type());
    if media_type == Format::GraphQLResponse.content_type() {
        GRAPHQL_RESPONSE
    } else if media_type == Format::Json.content_type() {
        JSON
    } else {
        HeaderValue::from_static(media_type)
    }
}

fn not_found() -> Response {
    let mut response = Response::new(Body::from("not found"));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// The `/metrics` route (features `axum` and `metrics`): `GET` answers
/// [`Metrics::render`](crate::metrics::Metrics::render)'s text, for Prometheus to scrape.
///
/// ```
/// use axum::Router;
/// use fraiseql::http::Endpoint;
/// use fraiseql::metrics::Metrics;
///
/// # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) -> Router {
/// let metrics = Metrics::new();
/// let graphql = fraiseql::axum::GraphQL::new(Endpoint::new(schema, db).metrics(&metrics));
/// Router::new()
///     .merge(graphql.router())
///     .route("/metrics", fraiseql::axum::metrics(metrics))
/// # }
/// ```
#[cfg(feature = "metrics")]
pub fn metrics<S: Clone + Send + Sync + 'static>(
    metrics: crate::metrics::Metrics,
) -> ::axum::routing::MethodRouter<S> {
    get(move || {
        let metrics = metrics.clone();
        async move {
            let mut response = Response::new(Body::from(metrics.render()));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
            );
            response
        }
    })
}
