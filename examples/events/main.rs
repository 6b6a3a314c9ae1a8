//! An event log over HTTP with axum: an append-only `tb_event` of 1,000,000 generated events,
//! projected into `tv_event` and `tv_account`, read newest first through keyset cursors.
//!
//! ```sh
//! cargo run --example events               # a throwaway local PostgreSQL, 1M events generated
//! DATABASE_URL=postgres://me@localhost/events cargo run --example events -- --init
//! ```
//!
//! `FRAISEQL_ADDR` changes the address (default `127.0.0.1:8080`); `FRAISEQL_EVENTS` how many
//! events are generated (default 1,000,000). Ctrl-C stops the server and removes the throwaway
//! cluster.

mod app;
#[path = "../blog/mod.rs"]
mod blog;

use fraiseql::Database;
use fraiseql_tempdb::Server;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let init = std::env::args().any(|a| a == "--init")
        || std::env::var("FRAISEQL_INIT").is_ok_and(|v| v == "1");
    let (server, dbname, throwaway) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let config = url.parse::<tokio_postgres::Config>()?;
            let dbname = config.get_dbname().unwrap_or("postgres").to_owned();
            (Server::from_url(&url)?, dbname, false)
        }
        _ => {
            println!("starting a throwaway PostgreSQL cluster (set DATABASE_URL to use yours)");
            let server = Server::start_temporary().await?;
            let client = server.connect("postgres").await?;
            client.batch_execute("CREATE DATABASE events").await?;
            (server, "events".to_owned(), true)
        }
    };
    let events = match std::env::var("FRAISEQL_EVENTS") {
        Ok(n) => n
            .trim()
            .replace('_', "")
            .parse::<u32>()
            .map_err(|e| format!("FRAISEQL_EVENTS={n:?}: not a count of events ({e})"))?,
        Err(_) => app::EVENTS,
    };
    if throwaway || init {
        println!("generating {events} events into {dbname}");
        let client = server.connect(&dbname).await?;
        let started = std::time::Instant::now();
        app::load(&client, events, |done, seconds| {
            println!("  {done:>9} events  {seconds:5.1} s");
        })
        .await?;
        let seconds = started.elapsed().as_secs_f64();
        println!("indexed, accounts projected: {seconds:.1} s in all");
    }
    if throwaway {
        println!("loaded the events: {}", server.connection_string(&dbname));
    }
    let db = Database::connect(server.config(&dbname), 8)?;
    let app = app::router(db, Some(blog::graphiql()));

    let addr = std::env::var("FRAISEQL_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("GraphiQL: {url}/graphiql");
    println!("GraphQL:  {url}/graphql   e.g. the newest page, then the next with its endCursor:");
    println!("  curl -s {url}/graphql -H 'content-type: application/json' \\");
    println!(
        "       -d '{{\"query\":\"{{ eventsConnection(first: 20) {{ edges {{ node {{ sequence kind amount account {{ identifier }} }} }} pageInfo {{ endCursor hasNextPage }} }} }}\"}}'"
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
