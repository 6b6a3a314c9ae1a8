//! Serves a schema from an actix-web 4 `App` (feature `actix`): GET and POST on the GraphQL
//! path, GraphiQL when configured. All GraphQL-over-HTTP decisions are [`crate::http`]'s; this
//! module only translates.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use fraiseql::http::{Endpoint, GraphiQL, Rejection};
//! use fraiseql::RequestContext;
//!
//! # async fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) -> std::io::Result<()> {
//! let graphql = fraiseql::actix::GraphQL::new(
//!     Endpoint::new(schema, db).graphiql(GraphiQL::new("/graphiql")),
//! )
//! .context(|request| {
//!     let tenant = request.headers().get("x-tenant").and_then(|v| v.to_str().ok())
//!         .ok_or_else(|| Rejection::unauthenticated("missing x-tenant"))?;
//!     Ok(RequestContext::new().tenant_id(tenant))
//! });
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/", web::get().to(|| async { "hello" }))
//!         .configure(|config| graphql.configure(config))
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await
//! # }
//! ```

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponseBuilder, web};

use crate::http::{Head, HttpResponse, Method, Served};
use crate::trace::TraceHeaders;

/// An [`Endpoint`](crate::http::Endpoint) served from an actix-web `App`: [`Served::new`],
/// [`Served::context`] (the hook reads the `HttpRequest`), then [`Served::configure`].
pub type GraphQL = Served<HttpRequest>;

impl Served<HttpRequest> {
    /// Adds the routes to an app: `App::new().configure(|config| graphql.configure(config))`.
    pub fn configure(&self, config: &mut web::ServiceConfig) {
        let this = self.clone();
        config.route(
            self.endpoint.graphql_path(),
            web::route().to(move |request: HttpRequest, payload: web::Payload| {
                let this = this.clone();
                async move { this.handle(request, payload).await }
            }),
        );
        if let Some(graphiql) = self.endpoint.graphiql_config() {
            let page = graphiql.page_response(self.endpoint.graphql_path());
            config.route(
                graphiql.path(),
                web::get().to(move || {
                    let page = page.clone();
                    async move { convert(page) }
                }),
            );
            if graphiql.serves_assets() {
                let assets = graphiql.clone();
                config.route(
                    &format!("{}{{name}}", graphiql.assets_prefix()),
                    web::get().to(move |request: HttpRequest| {
                        let asset = request
                            .match_info()
                            .get("name")
                            .and_then(|name| assets.asset(name));
                        async move {
                            match asset {
                                Some(asset) => convert(asset),
                                None => actix_web::HttpResponse::NotFound().body("not found"),
                            }
                        }
                    }),
                );
            }
        }
    }

    async fn handle(
        &self,
        request: HttpRequest,
        mut payload: web::Payload,
    ) -> actix_web::HttpResponse {
        let header = |name| {
            request
                .headers()
                .get_all(name)
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
        };
        let accept = header(ACCEPT);
        let accept = (!accept.is_empty()).then(|| accept.join(","));
        let head = Head {
            method: match *request.method() {
                actix_web::http::Method::GET => Method::Get,
                actix_web::http::Method::POST => Method::Post,
                _ => Method::Other,
            },
            query: Some(request.query_string()).filter(|q| !q.is_empty()),
            content_type: header(CONTENT_TYPE).first().copied(),
            accept: accept.as_deref(),
            content_length: header(CONTENT_LENGTH).first().and_then(|v| v.parse().ok()),
            // actix-web has already answered `Expect: 100-continue`: the body is coming.
            expects_continue: false,
        };
        let trace = trace_headers(&request);
        let context = || (self.context)(&request);
        let response = (self.endpoint)
            .respond_traced(&head, trace, context, &mut payload)
            .await;
        let closes = response.headers.contains(&("connection", "close"));
        let (mut builder, body) = parts(response);
        if closes {
            builder.body(Closing {
                len: body.len() as u64,
                body: Some(body),
                _payload: payload,
            })
        } else {
            builder.body(body)
        }
    }
}

/// The W3C trace-context headers, read only when the `otel` feature exports spans.
fn trace_headers(request: &HttpRequest) -> TraceHeaders<'_> {
    #[cfg(feature = "otel")]
    {
        let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
        TraceHeaders {
            traceparent: header("traceparent"),
            tracestate: header("tracestate"),
        }
    }
    #[cfg(not(feature = "otel"))]
    {
        let _ = request;
        TraceHeaders::default()
    }
}

/// The `/metrics` route (features `actix` and `metrics`): `GET` answers
/// [`Metrics::render`](crate::metrics::Metrics::render)'s text, for Prometheus to scrape.
///
/// ```no_run
/// use actix_web::{App, HttpServer};
/// use fraiseql::http::Endpoint;
/// use fraiseql::metrics::Metrics;
///
/// # async fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) -> std::io::Result<()> {
/// let metrics = Metrics::new();
/// let graphql = fraiseql::actix::GraphQL::new(Endpoint::new(schema, db).metrics(&metrics));
/// HttpServer::new(move || {
///     App::new()
///         .configure(|config| graphql.configure(config))
///         .route("/metrics", fraiseql::actix::metrics(metrics.clone()))
/// })
/// .bind(("127.0.0.1", 8080))?
/// .run()
/// .await
/// # }
/// ```
#[cfg(feature = "metrics")]
pub fn metrics(metrics: crate::metrics::Metrics) -> actix_web::Route {
    web::get().to(move || {
        let text = metrics.render();
        async move {
            actix_web::HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, crate::metrics::CONTENT_TYPE))
                .body(text)
        }
    })
}

fn convert(response: HttpResponse) -> actix_web::HttpResponse {
    let (mut builder, body) = parts(response);
    builder.body(body)
}

fn parts(response: HttpResponse) -> (HttpResponseBuilder, bytes::Bytes) {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponseBuilder::new(status);
    builder.insert_header((CONTENT_TYPE, response.content_type));
    for header in response.headers {
        // actix-web writes its own `Connection` header and ignores one set by hand.
        if header == ("connection", "close") {
            builder.force_close();
        } else {
            builder.insert_header(header);
        }
    }
    (builder, response.body)
}

/// An answer after which the connection closes (`Connection: close`), holding the request's
/// payload until it is sent. actix-web reads a dropped chunked payload on to its end before it
/// closes, past the endpoint's drain bound; a payload still held when the answer is sent makes it
/// close instead, after its own short linger (`HttpServer::client_disconnect_timeout`).
struct Closing {
    len: u64,
    body: Option<bytes::Bytes>,
    _payload: web::Payload,
}

impl MessageBody for Closing {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.len)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<bytes::Bytes, Self::Error>>> {
        Poll::Ready(self.get_mut().body.take().map(Ok))
    }
}
