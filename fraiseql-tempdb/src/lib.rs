//! Real PostgreSQL for FraiseQL's tests and examples — never a mock.
//!
//! - [`Server::shared`]: the server `DATABASE_URL` names, or else one throwaway cluster per
//!   process, started from the local server binaries (`pg_config --bindir`), listening only on a
//!   Unix socket in a private temporary directory, and removed when the process exits.
//! - [`TestDb`]: a fresh database per test (UTF-8, `C` collation), dropped afterwards, so tests
//!   run in parallel without seeing each other's data.
//! - [`Server::start_temporary`]: a cluster owned by the caller, for examples that serve an
//!   embedded default database.
//!
//! When neither `DATABASE_URL` nor the binaries are available, every call returns
//! [`Error::Unavailable`], whose message says what to install or set.
//!
//! ```no_run
//! # async fn demo() -> Result<(), fraiseql_tempdb::Error> {
//! let db = fraiseql_tempdb::TestDb::new().await?;
//! db.execute_script("CREATE TABLE t (x int); INSERT INTO t VALUES (1)").await?;
//! let client = db.connect().await?;
//! let x: i32 = client.query_one("SELECT x FROM t", &[]).await?.get(0);
//! assert_eq!(x, 1);
//! # Ok(()) }
//! ```

mod cluster;
mod database;
mod error;
mod server;

pub use database::TestDb;
pub use error::Error;
pub use server::Server;
