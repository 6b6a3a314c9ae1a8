//! The blog served over HTTP with axum: GraphQL at `/graphql`, GraphiQL at `/graphiql`.
//!
//! ```sh
//! cargo run --example quickstart                  # a throwaway local PostgreSQL, seeded
//! DATABASE_URL=postgres://me@localhost/blog cargo run --example quickstart -- --init
//! ```
//!
//! `--init` (or `FRAISEQL_INIT=1`) loads `examples/blog/{schema,seed}.sql` into `DATABASE_URL`'s
//! database; without it that database is served as it is. `FRAISEQL_ADDR` changes the address
//! (default `127.0.0.1:8080`); `FRAISEQL_CURSOR_KEY` signs connection cursors with a key shared by
//! every replica (default: a random key per process). `/health` answers `ok` (for container probes). Ctrl-C stops the
//! server and removes the throwaway cluster.

mod blog;

use axum::Router;
use axum::routing::get;
use fraiseql::RequestContext;
use fraiseql::http::Endpoint;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, server) = blog::database().await?;
    // Replicas behind one Service must accept each other's cursors.
    let db = match std::env::var("FRAISEQL_CURSOR_KEY") {
        Ok(key) if !key.is_empty() => {
            db.with_cursor_key(fraiseql::sql::CursorKey::new(key.as_bytes()))
        }
        _ => db,
    };
    let endpoint = Endpoint::new(blog::schema(), db).graphiql(blog::graphiql());
    let graphql = fraiseql::axum::GraphQL::new(endpoint).context(|request| {
        // The app's own auth would go here; this one passes an optional tenant header through.
        let tenant = request
            .headers
            .get("x-tenant-id")
            .and_then(|v| v.to_str().ok());
        Ok(tenant.map_or_else(RequestContext::new, |t| RequestContext::new().tenant_id(t)))
    });
    let app: Router = Router::new()
        .route(
            "/",
            get(|| async { "The blog's GraphQL API is at /graphql, GraphiQL at /graphiql\n" }),
        )
        .route("/health", get(|| async { "ok" })) // liveness and readiness probes
        .merge(graphql.router());

    let addr = std::env::var("FRAISEQL_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("GraphiQL: {url}/graphiql");
    println!("GraphQL:  {url}/graphql   e.g.");
    println!("  curl -s {url}/graphql -H 'content-type: application/json' \\");
    println!(
        "       -d '{{\"query\":\"{{ posts(limit: 2) {{ title author {{ name }} comments {{ content }} }} }}\"}}'"
    );
    println!("Ctrl-C to stop.");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    drop(server);
    println!("stopped; a throwaway cluster is removed");
    Ok(())
}
