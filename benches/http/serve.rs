//! The two Rust servers the HTTP benchmark measures, each run in a process of its own (this
//! binary started again with [`ROLE`] set) so that its memory and CPU time are its own:
//! - `fraiseql`: the blog schema mounted with `fraiseql::axum`, as an application would;
//! - `floor`: the least any server could do for the same answers — axum and a deadpool of
//!   tokio-postgres connections running the very SQL fraiseql compiles for each known request
//!   body, no GraphQL, no transaction, no context settings.

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
use fraiseql_sql::Statement;

use crate::{blog, workload};

/// Which server this process is (`fraiseql` or `floor`).
pub const ROLE: &str = "FRAISEQL_BENCH_SERVE";
/// The database's connection string.
pub const DATABASE: &str = "FRAISEQL_BENCH_DATABASE";
/// The floor's known request bodies, a JSON array of strings.
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
            "fraiseql" => fraiseql_app(config),
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

fn fraiseql_app(config: tokio_postgres::Config) -> Router {
    let database = Database::connect(config, POOL_SIZE).expect("a pool");
    fraiseql::axum::GraphQL::new(Endpoint::new(blog::schema(), database))
        .context(|_| Ok(RequestContext::new().tenant_id(workload::TENANT)))
        .router()
}

struct Floor {
    pool: deadpool_postgres::Pool,
    statements: HashMap<Bytes, Statement>,
}

async fn floor_app(config: tokio_postgres::Config) -> Router {
    let bodies: Vec<String> =
        serde_json::from_str(&std::env::var(BODIES).expect("the floor's bodies")).expect("JSON");
    let schema = blog::schema();
    let database = Database::connect(config.clone(), 1).expect("a pool");
    let statements = bodies
        .into_iter()
        .map(|body| {
            let request: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
            let query = request["query"].as_str().expect("a query");
            let statement = fraiseql::graphql::statement(
                &schema,
                query,
                None,
                &juniper::Variables::new(),
                &database,
            )
            .expect("a statement");
            (Bytes::from(body), statement)
        })
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
    let Some(statement) = floor.statements.get(&body) else {
        return (StatusCode::NOT_FOUND, "not a known request body").into_response();
    };
    let answer = async {
        let client = floor.pool.get().await.map_err(|e| e.to_string())?;
        let prepared = client
            .prepare_cached(statement.sql())
            .await
            .map_err(|e| e.to_string())?;
        let row = client
            .query_one(&prepared, &statement.params_ref())
            .await
            .map_err(|e| e.to_string())?;
        Ok::<String, String>(format!("{{\"data\":{}}}", row.get::<_, &str>(0)))
    };
    match answer.await {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
    }
}
