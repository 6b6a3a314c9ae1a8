//! The one error type: what went wrong getting a PostgreSQL to test against.

/// Why no database could be provided.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither `DATABASE_URL` nor local PostgreSQL server binaries are available.
    #[error(
        "no PostgreSQL available: set DATABASE_URL=postgres://user@host/db, or install PostgreSQL server binaries (Debian: apt-get install postgresql) so `pg_config --bindir` finds initdb ({0})"
    )]
    Unavailable(String),
    /// `DATABASE_URL` is not a valid connection string.
    #[error("DATABASE_URL is invalid: {0}")]
    InvalidUrl(String),
    /// The throwaway cluster could not be created or started.
    #[error("could not start a throwaway PostgreSQL cluster: {0}")]
    Cluster(String),
    /// The server refused a connection or a statement.
    #[error("PostgreSQL error: {0}")]
    Postgres(String),
}

impl From<tokio_postgres::Error> for Error {
    fn from(error: tokio_postgres::Error) -> Self {
        // Keep the server's message (e.g. "permission denied to create database").
        let text = match error.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => error.to_string(),
        };
        Error::Postgres(text)
    }
}
