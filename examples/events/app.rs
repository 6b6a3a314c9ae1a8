//! The event-log example as a library for its binary and its tests: the database (schema,
//! the bulk generator, the append function), the GraphQL schema and the axum app.
#![allow(dead_code)]

use std::time::Instant;

use axum::Router;
use axum::routing::get;
use fraiseql::Database;
use fraiseql::graphql::{Schema, SchemaBuilder};
use fraiseql::http::{Endpoint, GraphiQL};

#[path = "types.rs"]
mod types;
pub use types::*;

/// Tables, projections, the generator and 100 accounts.
pub const SCHEMA: &str = include_str!("schema.sql");
/// `fn_append_event`.
pub const MUTATIONS: &str = include_str!("mutations.sql");
/// How many events `cargo run --example events` generates (unless `FRAISEQL_EVENTS` says).
pub const EVENTS: u32 = 1_000_000;
/// Events generated (and projected) per statement.
pub const BATCH: u32 = 100_000;

/// Queries `events`, `event`, `eventsConnection`, `accounts`, `account`,
/// `accountsConnection`; the mutation `appendEvent`.
pub fn schema() -> Schema {
    SchemaBuilder::new()
        .query::<Event>()
        .query::<Account>()
        .mutation::<AppendEventInput, Event>("appendEvent")
        .build()
        .expect("the event-log schema builds")
}

/// The app: GraphQL at `/graphql`, GraphiQL when given, `/health` for probes.
pub fn router(db: Database, graphiql: Option<GraphiQL>) -> Router {
    let mut endpoint = Endpoint::new(schema(), db);
    if let Some(graphiql) = graphiql {
        endpoint = endpoint.graphiql(graphiql);
    }
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(fraiseql::axum::GraphQL::new(endpoint).router())
}

/// Loads the schema into an empty database, generates `events` events in batches of
/// [`BATCH`] (each one `INSERT … SELECT … generate_series` and one set-based projection),
/// calling `progress(done, elapsed seconds)` after each, then builds the indexes and folds the
/// accounts.
pub async fn load(
    client: &tokio_postgres::Client,
    events: u32,
    mut progress: impl FnMut(u32, f64),
) -> Result<(), tokio_postgres::Error> {
    let started = Instant::now();
    client.batch_execute(SCHEMA).await?;
    client.batch_execute(fraiseql::MUTATION_RESULT_SQL).await?;
    client.batch_execute(MUTATIONS).await?;
    let mut done = 0;
    while done < events {
        let batch = BATCH.min(events - done);
        let batch_i32 = i32::try_from(batch).expect("a batch fits an int");
        client
            .execute("SELECT fn_generate_events($1)", &[&batch_i32])
            .await?;
        done += batch;
        progress(done, started.elapsed().as_secs_f64());
    }
    client.batch_execute("SELECT fn_index_events()").await
}
