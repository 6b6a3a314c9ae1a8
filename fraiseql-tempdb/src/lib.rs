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
//! Clean-up: a [`TestDb`] drops its database when dropped. A throwaway cluster is watched by a
//! small shell process holding a pipe from this process; when the pipe closes (the owner is
//! dropped, or this process exits in any way, SIGKILL included) it stops the server and deletes
//! the directory. Only on a `DATABASE_URL` server can a killed test process leave databases
//! behind; they are named `fraiseql_test_<pid>_…`.
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

/// 64 random bits from the standard library's per-process random hash keys (no extra crate):
/// enough to keep names apart across processes and machines.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}
