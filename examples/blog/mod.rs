//! The blog both server examples serve (users, posts with their author and comments), its
//! database, and GraphiQL's assets.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use fraiseql::Database;
use fraiseql::graphql::{Schema, SchemaBuilder};
use fraiseql::http::GraphiQL;
use fraiseql_tempdb::Server;

/// The tables, read tables and sync functions.
pub const SCHEMA: &str = include_str!("schema.sql");
/// 8 users, 24 posts, 60 comments.
pub const SEED: &str = include_str!("seed.sql");
/// The mutation functions (`fn_create_user`, `fn_update_user`, `fn_delete_user`,
/// `fn_create_post`); they need `fraiseql::MUTATION_RESULT_SQL` first.
pub const MUTATIONS: &str = include_str!("mutations.sql");

mod types;
pub use types::*;

/// Queries `users`, `user`, `usersConnection`, `posts`, `post`, `postsConnection`; mutations
/// `createUser`, `updateUser`, `deleteUser`, `createPost` (the `fn_*` of `mutations.sql`).
pub fn schema() -> Schema {
    builder().build().expect("the blog schema builds")
}

/// The builder of [`schema`], for other settings (plan cache, limits).
pub fn builder() -> SchemaBuilder {
    SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<CreateUserInput, User>("createUser")
        .mutation::<UpdateUserInput, User>("updateUser")
        .mutation::<DeleteUserInput, User>("deleteUser")
        .mutation::<CreatePostInput, Post>("createPost")
}

/// The database to serve, and the throwaway server keeping it alive (if one was started).
///
/// Without `DATABASE_URL`: a throwaway cluster with a `blog` database, schema and seed loaded;
/// removed when the returned `Server` is dropped. With `DATABASE_URL`: that database, given the
/// schema and seed only when `--init` is passed or `FRAISEQL_INIT=1` is set.
pub async fn database() -> Result<(Database, Option<Server>), Box<dyn std::error::Error>> {
    let init = std::env::args().any(|a| a == "--init")
        || std::env::var("FRAISEQL_INIT").is_ok_and(|v| v == "1");
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let server = Server::from_url(&url)?;
            let dbname = dbname(&url);
            if init {
                println!("loading the blog schema and seed into {dbname}");
                let client = server.connect(&dbname).await?;
                load(&client).await?;
            }
            Ok((Database::connect(server.config(&dbname), 8)?, None))
        }
        _ => {
            println!("starting a throwaway PostgreSQL cluster (set DATABASE_URL to use yours)");
            let server = Server::start_temporary().await?;
            server
                .connect("postgres")
                .await?
                .batch_execute("CREATE DATABASE blog")
                .await?;
            let client = server.connect("blog").await?;
            load(&client).await?;
            println!("loaded the blog: {}", server.connection_string("blog"));
            Ok((Database::connect(server.config("blog"), 8)?, Some(server)))
        }
    }
}

/// The database a connection string names (`postgres` when it names none).
fn dbname(url: &str) -> String {
    url.parse::<tokio_postgres::Config>()
        .ok()
        .and_then(|c| c.get_dbname().map(str::to_owned))
        .unwrap_or_else(|| "postgres".into())
}

/// Where `npm install graphiql@3 react@18 react-dom@18` puts GraphiQL's assets for the examples
/// and tests.
pub fn graphiql_modules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/graphiql/node_modules")
}

/// Installs GraphiQL's assets with npm once (into `target/graphiql`), if not there yet.
pub fn install_graphiql() -> std::io::Result<PathBuf> {
    let modules = graphiql_modules();
    if !modules.join("graphiql/graphiql.min.js").exists() {
        let prefix = modules.parent().expect("a parent directory");
        std::fs::create_dir_all(prefix)?;
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(prefix)
            .args(["graphiql@3", "react@18", "react-dom@18"])
            .status()?;
        if !status.success() {
            return Err(std::io::Error::other(
                "npm install of GraphiQL's assets failed",
            ));
        }
    }
    Ok(modules)
}

/// GraphiQL at `/graphiql`, its assets served locally when npm could fetch them, else from the
/// CDN (which needs internet access in the browser).
pub fn graphiql() -> GraphiQL {
    let graphiql = GraphiQL::new("/graphiql");
    match install_graphiql().and_then(|modules| graphiql.clone().assets_from(modules)) {
        Ok(local) => local,
        Err(error) => {
            eprintln!("GraphiQL's assets will load from the CDN ({error})");
            graphiql
        }
    }
}

/// The schema, the mutation functions and the seed.
async fn load(client: &tokio_postgres::Client) -> Result<(), tokio_postgres::Error> {
    client.batch_execute(SCHEMA).await?;
    client.batch_execute(fraiseql::MUTATION_RESULT_SQL).await?;
    client.batch_execute(MUTATIONS).await?;
    client.batch_execute(SEED).await
}
