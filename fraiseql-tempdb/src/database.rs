//! One fresh database per test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio_postgres::Config;

use crate::error::Error;
use crate::server::Server;

/// A database created for one test and dropped (`DROP DATABASE … WITH (FORCE)`) when this value
/// is dropped.
///
/// Databases are UTF-8 with `C` collation and ctype on every server, so text ordering is byte
/// order and case folding is ASCII-only: results do not depend on the server's locale.
///
/// On a `DATABASE_URL` server, a test process killed before its drops run leaves its databases
/// behind (named `fraiseql_test_<pid>_…`; list them with
/// `SELECT datname FROM pg_database WHERE datname LIKE 'fraiseql_test_%'`). A throwaway cluster
/// disappears entirely. Dropping needs `DROP DATABASE … WITH (FORCE)`, so PostgreSQL 13 or newer.
///
/// ```no_run
/// # async fn demo() -> Result<(), fraiseql_tempdb::Error> {
/// let db = fraiseql_tempdb::TestDb::new().await?;
/// db.execute_script("CREATE TABLE tv_user (id uuid PRIMARY KEY, data jsonb NOT NULL)").await?;
/// let client = db.connect().await?;
/// let rows = client.query("SELECT id FROM tv_user", &[]).await?;
/// assert!(rows.is_empty());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TestDb {
    server: Server,
    name: String,
}

impl TestDb {
    /// A fresh database on [`Server::shared`].
    pub async fn new() -> Result<TestDb, Error> {
        Self::new_on(Server::shared().await?).await
    }

    /// A fresh database on `server`.
    pub async fn new_on(server: &Server) -> Result<TestDb, Error> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        // pid + counter are unique among one machine's processes; the random part separates
        // machines (and containers) sharing one DATABASE_URL server. Well under 63 bytes.
        let name = format!(
            "fraiseql_test_{}_{}_{:016x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            crate::random_u64()
        );
        let admin = server.connect(&server.admin_database()).await?;
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
            ))
            .await?;
        Ok(TestDb {
            server: server.clone(),
            name,
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server it lives on.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Connection settings (for pools such as `deadpool-postgres`).
    pub fn config(&self) -> Config {
        self.server.config(&self.name)
    }

    /// A libpq-style connection string.
    pub fn connection_string(&self) -> String {
        self.server.connection_string(&self.name)
    }

    /// A `postgresql://` URL (see [`Server::url`]).
    pub fn url(&self) -> String {
        self.server.url(&self.name)
    }

    /// A new connection, driven on a spawned task.
    pub async fn connect(&self) -> Result<tokio_postgres::Client, Error> {
        self.server.connect(&self.name).await
    }

    /// Runs a script of SQL statements (fixtures, schemas) in one batch.
    pub async fn execute_script(&self, sql: &str) -> Result<(), Error> {
        self.connect().await?.batch_execute(sql).await?;
        Ok(())
    }
}

/// How long a drop may wait for the server before giving up and leaving the database behind.
const DROP_TIMEOUT: Duration = Duration::from_secs(30);

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop may run inside or outside an async runtime; a short-lived thread with its own
        // runtime works in both. Failure only leaves a database behind.
        let server = self.server.clone();
        let name = std::mem::take(&mut self.name);
        let dropper = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                let drop_database = async {
                    let admin = server.connect(&server.admin_database()).await?;
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    admin.batch_execute(&sql).await.map_err(Error::from)
                };
                let _ = tokio::time::timeout(DROP_TIMEOUT, drop_database).await;
            });
        });
        let _ = dropper.join();
    }
}
