//! The servers of this binary the HTTP benchmark measures, each run in a process of its own
//! (this binary started again with [`ROLE`] set) so that its memory and CPU time are its own:
//! - `fraiseql`: the blog schema mounted with `fraiseql::axum`, as an application would, with
//!   no request context;
//! - `fraiseql-tenant`: the same with a context hook putting every request in the benchmark
//!   tenant (`RequestContext::tenant_id`), which fraiseql applies in a transaction;
//! - `fraiseql+otel+metrics`: `fraiseql` with its spans exported over OTLP (feature `otel`) to
//!   a receiver in the same process that decodes and counts them, and its Prometheus metrics
//!   recorded (feature `metrics`, `/metrics` mounted): what observability costs;
//! - `floor`: the least any server could do for the same answers — axum and a deadpool of
//!   tokio-postgres connections running, for each known request body, the best hand-written SQL
//!   for its answer (`benches/support/floor_sql.rs`, prepared) and relaying PostgreSQL's JSON as
//!   fraiseql does; no GraphQL, no transaction, no context settings.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use fraiseql::http::Endpoint;
use fraiseql::{Database, RequestContext};

use crate::{blog, floor, workload};

/// Which server this process is (`fraiseql`, `fraiseql-tenant` or `floor`).
pub const ROLE: &str = "FRAISEQL_BENCH_SERVE";
/// The database's connection string (also read by the peers, `benches/peers`).
pub const DATABASE: &str = "FRAISEQL_BENCH_DATABASE";
/// The floor's known requests, a JSON array of [`FloorRequest`].
pub const BODIES: &str = "FRAISEQL_BENCH_BODIES";
/// Pooled connections per server (Strawberry runs two workers of eight).
pub const POOL_SIZE: usize = 16;

/// Serves `role` on an ephemeral loopback port, printing `listening <addr>` first.
pub fn run(role: &str) {
    let url = std::env::var(DATABASE).expect("the database's connection string");
    let config: tokio_postgres::Config = url.parse().expect("a connection string");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let app = match role {
            "fraiseql" => fraiseql_app(config, false),
            "fraiseql-tenant" => fraiseql_app(config, true),
            OBSERVED => observed_app(config).await,
            "floor" => floor_app(config).await,
            other => panic!("unknown server role {other:?}"),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        println!("listening {}", listener.local_addr().expect("an address"));
        axum::serve(listener, app).await.expect("serving");
    });
}

fn fraiseql_app(config: tokio_postgres::Config, tenant: bool) -> Router {
    let database = Database::connect(config, POOL_SIZE).expect("a pool");
    let graphql = fraiseql::axum::GraphQL::new(Endpoint::new(blog::schema(), database));
    if tenant {
        graphql
            .context(|_| Ok(RequestContext::new().tenant_id(workload::TENANT)))
            .router()
    } else {
        graphql.router()
    }
}

/// The server with tracing exported and metrics recorded.
pub const OBSERVED: &str = "fraiseql+otel+metrics";

/// `fraiseql`, with every span exported to an OTLP receiver in this process and every request
/// recorded in Prometheus metrics. The exporter guard lives as long as the process.
async fn observed_app(config: tokio_postgres::Config) -> Router {
    let receiver = otlp_receiver().await;
    let guard =
        fraiseql::trace::otel::install(&format!("http://{receiver}")).expect("the OTLP exporter");
    std::mem::forget(guard);
    let database = Database::connect(config, POOL_SIZE).expect("a pool");
    let metrics = fraiseql::metrics::Metrics::new();
    let endpoint = Endpoint::new(blog::schema(), database).metrics(&metrics);
    fraiseql::axum::GraphQL::new(endpoint)
        .router()
        .route("/metrics", fraiseql::axum::metrics(metrics))
}

/// An OTLP/HTTP receiver (`POST /v1/traces`, protobuf) on a loopback port: it decodes each
/// export and counts its spans, as a collector would at least do.
async fn otlp_receiver() -> std::net::SocketAddr {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use prost::Message as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let spans = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let spans = spans.clone();
            async move {
                let Ok(request) = ExportTraceServiceRequest::decode(body) else {
                    return StatusCode::BAD_REQUEST.into_response();
                };
                let count = (request.resource_spans.iter())
                    .flat_map(|r| &r.scope_spans)
                    .map(|s| s.spans.len())
                    .sum::<usize>();
                spans.fetch_add(count, Ordering::Relaxed);
                (
                    [(header::CONTENT_TYPE, "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
                    .into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// A request body the floor knows, and the hand-written SQL answering it.
pub struct FloorRequest {
    pub body: String,
    pub sql: String,
    /// The SQL's parameters (`uuid`s).
    pub params: Vec<uuid::Uuid>,
}

impl FloorRequest {
    /// As passed in [`BODIES`]: `{"body": …, "sql": …, "params": [uuid, …]}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "body": self.body, "sql": self.sql, "params": self.params })
    }

    fn from_json(value: &serde_json::Value) -> FloorRequest {
        let text = |key: &str| value[key].as_str().expect("a string").to_owned();
        FloorRequest {
            body: text("body"),
            sql: text("sql"),
            params: serde_json::from_value(value["params"].clone()).expect("uuids"),
        }
    }
}

struct Floor {
    pool: deadpool_postgres::Pool,
    statements: HashMap<Bytes, FloorRequest>,
}

async fn floor_app(config: tokio_postgres::Config) -> Router {
    let requests: Vec<serde_json::Value> =
        serde_json::from_str(&std::env::var(BODIES).expect("the floor's requests")).expect("JSON");
    let statements = requests
        .iter()
        .map(FloorRequest::from_json)
        .map(|request| (Bytes::from(request.body.clone()), request))
        .collect();
    let manager = deadpool_postgres::Manager::new(config, tokio_postgres::NoTls);
    let pool = deadpool_postgres::Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .expect("a pool");
    Router::new()
        .route("/graphql", post(floor))
        .with_state(Arc::new(Floor { pool, statements }))
}

async fn floor(State(floor): State<Arc<Floor>>, body: Bytes) -> Response {
    let Some(request) = floor.statements.get(&body) else {
        return (StatusCode::NOT_FOUND, "not a known request body").into_response();
    };
    let answer = async {
        let client = floor.pool.get().await.map_err(|e| e.to_string())?;
        let prepared = client
            .prepare_cached(&request.sql)
            .await
            .map_err(|e| e.to_string())?;
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = request
            .params
            .iter()
            .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let row = client
            .query_one(&prepared, &params)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<String, String>(floor::relay(row.get::<_, &str>(0)))
    };
    match answer.await {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
    }
}
