//! The blog served over HTTP with actix-web: GraphQL at `/graphql`, GraphiQL at `/graphiql`.
//!
//! ```sh
//! cargo run --example actix                       # a throwaway local PostgreSQL, seeded
//! DATABASE_URL=postgres://me@localhost/blog cargo run --example actix -- --init
//! ```
//!
//! `--init` (or `FRAISEQL_INIT=1`) loads `examples/blog/{schema,seed}.sql` into `DATABASE_URL`'s
//! database; without it that database is served as it is. `FRAISEQL_ADDR` changes the address
//! (default `127.0.0.1:8080`). Ctrl-C stops the server and removes the throwaway cluster.

mod blog;

use actix_web::{App, HttpServer, web};
use fraiseql::RequestContext;
use fraiseql::http::Endpoint;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, server) = blog::database().await?;
    let endpoint = Endpoint::new(blog::schema(), db).graphiql(blog::graphiql());
    let graphql = fraiseql::actix::GraphQL::new(endpoint).context(|request| {
        // The app's own auth would go here; this one passes an optional tenant header through.
        let tenant = request
            .headers()
            .get("x-tenant-id")
            .and_then(|v| v.to_str().ok());
        Ok(tenant.map_or_else(RequestContext::new, |t| RequestContext::new().tenant_id(t)))
    });

    let addr = std::env::var("FRAISEQL_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let http = HttpServer::new(move || {
        App::new()
            .route(
                "/",
                web::get().to(|| async {
                    "The blog's GraphQL API is at /graphql, GraphiQL at /graphiql\n"
                }),
            )
            .configure(|config| graphql.configure(config))
    })
    .workers(2)
    .disable_signals()
    .bind(&addr)?;
    let url = format!("http://{}", http.addrs()[0]);
    let running = http.run();
    let handle = running.handle();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        handle.stop(true).await;
    });
    println!("GraphiQL: {url}/graphiql");
    println!("GraphQL:  {url}/graphql   e.g.");
    println!(
        "  curl -s '{url}/graphql?query=%7B%20users(limit%3A%203)%20%7B%20name%20email%20%7D%20%7D'"
    );
    println!("Ctrl-C to stop.");
    running.await?;
    drop(server);
    println!("stopped; a throwaway cluster is removed");
    Ok(())
}
