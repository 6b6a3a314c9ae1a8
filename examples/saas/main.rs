//! A multi-tenant SaaS over HTTP with axum: organisations, users, projects and tasks, row-level
//! security by organisation, every GraphQL request authenticated by a JWT.
//!
//! ```sh
//! cargo run --example saas                 # a throwaway local PostgreSQL, seeded; prints tokens
//! DATABASE_URL=postgres://me@localhost/saas cargo run --example saas -- --init
//! ```
//!
//! `FRAISEQL_ADDR` changes the address (default `127.0.0.1:8080`); `SAAS_JWT_SECRET` the
//! signing secret. Ctrl-C stops the server and removes the throwaway cluster.

mod app;
#[path = "../blog/mod.rs"]
mod blog;

use std::sync::Arc;
use std::time::Duration;

use app::auth::Keys;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, owner, server) = app::database().await?;
    let keys = Arc::new(Keys::from_env()?);
    let app = app::router(db, keys.clone(), Some(blog::graphiql()));

    let addr = std::env::var("FRAISEQL_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("Development tokens (24 h), one per user; send them as Authorization: Bearer <token>");
    for user in app::users(&owner).await? {
        let token = keys.mint(
            user.id,
            user.organisation,
            &[&user.role],
            Duration::from_secs(86_400),
        );
        println!("  {} ({}): {token}", user.email, user.role);
    }
    drop(owner);
    println!("In GraphiQL, open Headers and paste {{\"Authorization\": \"Bearer <token>\"}}.");
    println!("GraphiQL: {url}/graphiql");
    println!("GraphQL:  {url}/graphql   e.g.");
    println!("  curl -s {url}/graphql -H 'content-type: application/json' \\");
    println!("       -H \"authorization: Bearer $TOKEN\" \\");
    println!("       -d '{{\"query\":\"{{ projects {{ name tasks {{ title status }} }} }}\"}}'");
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
