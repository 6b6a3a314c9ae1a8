//! The multi-tenant SaaS example as a library for its binary and its tests: the database (schema,
//! row-level security, the application's role, functions, seed), the GraphQL schema, and the
//! axum app with its token-verifying middleware.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use fraiseql::Database;
use fraiseql::graphql::{MutationField, Schema, SchemaBuilder};
use fraiseql::http::{Endpoint, GraphiQL};
use fraiseql_tempdb::Server;
use uuid::Uuid;

#[path = "auth.rs"]
pub mod auth;
#[path = "types.rs"]
mod types;
pub use types::*;

/// The tables, read tables and sync functions.
pub const SCHEMA: &str = include_str!("schema.sql");
/// Row-level security on every `tb_*` and `tv_*` table.
pub const SECURITY: &str = include_str!("security.sql");
/// `fn_create_project`, `fn_create_task`, `fn_update_task`, `fn_delete_project`.
pub const MUTATIONS: &str = include_str!("mutations.sql");
/// Two organisations (`acme`, `globex`), three users, two projects and six tasks each.
pub const SEED: &str = include_str!("seed.sql");
/// The password of the application's role (a development value).
pub const APP_PASSWORD: &str = "saas-app";

/// Queries `organisations`, `organisation`, `organisationsConnection` and the same for users,
/// projects and tasks; mutations `createProject`, `createTask`, `updateTask` and
/// `deleteProject` (admins only).
pub fn schema() -> Schema {
    SchemaBuilder::new()
        .query::<Organisation>()
        .query::<User>()
        .query::<Project>()
        .query::<Task>()
        .mutation::<CreateProjectInput, Project>("createProject")
        .mutation::<CreateTaskInput, Task>("createTask")
        .mutation::<UpdateTaskInput, Task>("updateTask")
        .mutation_with(
            MutationField::new::<DeleteProjectInput, Project>("deleteProject").requires(["admin"]),
        )
        .build()
        .expect("the SaaS schema builds")
}

/// The app: GraphQL at `/graphql` (every request needs a valid token), GraphiQL when given,
/// `/health` for probes.
pub fn router(db: Database, keys: Arc<auth::Keys>, graphiql: Option<GraphiQL>) -> Router {
    let mut endpoint = Endpoint::new(schema(), db);
    if let Some(graphiql) = graphiql {
        endpoint = endpoint.graphiql(graphiql);
    }
    let graphql = fraiseql::axum::GraphQL::new(endpoint).context(auth::context);
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(graphql.router())
        .layer(from_fn_with_state(keys, auth::middleware))
}

/// The application's role for database `dbname`: roles belong to the whole server, so each
/// database gets its own.
pub fn app_role(dbname: &str) -> String {
    format!("{dbname}_app")
}

/// Loads everything into an empty database as its owner, and creates the application's role:
/// it logs in with [`APP_PASSWORD`], owns nothing, has no `BYPASSRLS`, and may read and write
/// the tables (the policies decide which rows).
pub async fn load(
    client: &tokio_postgres::Client,
    role: &str,
) -> Result<(), tokio_postgres::Error> {
    let quoted = format!("\"{}\"", role.replace('"', "\"\""));
    client.batch_execute(SCHEMA).await?;
    client.batch_execute(SECURITY).await?;
    client.batch_execute(fraiseql::MUTATION_RESULT_SQL).await?;
    client.batch_execute(MUTATIONS).await?;
    client.batch_execute(SEED).await?;
    client
        .batch_execute(&format!(
            "CREATE ROLE {quoted} LOGIN PASSWORD '{APP_PASSWORD}' NOSUPERUSER NOBYPASSRLS;
             GRANT USAGE ON SCHEMA public TO {quoted};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted};"
        ))
        .await
}

/// A user the seed made, to print a token for.
pub struct SeedUser {
    pub id: Uuid,
    pub organisation: Uuid,
    pub email: String,
    pub role: String,
}

/// Every user, read as the tables' owner (policies do not apply to it).
pub async fn users(
    client: &tokio_postgres::Client,
) -> Result<Vec<SeedUser>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT id, tenant_id, email, role FROM tb_user ORDER BY tenant_id, pk_user",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| SeedUser {
            id: row.get(0),
            organisation: row.get(1),
            email: row.get(2),
            role: row.get(3),
        })
        .collect())
}

/// What `cargo run --example saas` serves: the pool (logged in as the application's role), a
/// client of the owner (to list users for tokens), and the throwaway server if one was started.
///
/// Without `DATABASE_URL`: a throwaway cluster with a loaded `saas` database. With it: that
/// database, loaded (and the role created) only with `--init` or `FRAISEQL_INIT=1`.
pub async fn database()
-> Result<(Database, tokio_postgres::Client, Option<Server>), Box<dyn std::error::Error>> {
    let init = std::env::args().any(|a| a == "--init")
        || std::env::var("FRAISEQL_INIT").is_ok_and(|v| v == "1");
    let (server, dbname, throwaway) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let dbname = url
                .parse::<tokio_postgres::Config>()?
                .get_dbname()
                .unwrap_or("postgres")
                .to_owned();
            (Server::from_url(&url)?, dbname, false)
        }
        _ => {
            println!("starting a throwaway PostgreSQL cluster (set DATABASE_URL to use yours)");
            let server = Server::start_temporary().await?;
            let client = server.connect("postgres").await?;
            client.batch_execute("CREATE DATABASE saas").await?;
            (server, "saas".to_owned(), true)
        }
    };
    let owner = server.connect(&dbname).await?;
    let role = app_role(&dbname);
    if throwaway || init {
        println!("loading the SaaS schema, policies and seed into {dbname}");
        load(&owner, &role).await?;
    }
    if throwaway {
        println!("loaded the SaaS: {}", server.connection_string(&dbname));
    }
    let mut config = server.config(&dbname);
    config.user(&role).password(APP_PASSWORD);
    let db = Database::connect(config, 8)?;
    Ok((db, owner, throwaway.then_some(server)))
}
