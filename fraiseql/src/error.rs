//! Runtime errors, each with the stable code a GraphQL response carries in `extensions.code`.
//!
//! Messages never contain SQL or server internals; the database's own detail goes to `tracing`.

use tokio_postgres::error::SqlState;

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request asked for something invalid (a bad filter value, a tampered cursor, …).
    #[error(transparent)]
    Query(#[from] fraiseql_sql::Error),
    /// Invalid input found elsewhere than in the SQL vocabulary (a context setting, a page size,
    /// a regular expression PostgreSQL rejected).
    #[error("{0}")]
    BadInput(String),
    /// No connection to the database could be had.
    #[error("the database is unavailable")]
    Unavailable,
    /// The statement ran past the statement timeout.
    #[error("the request took too long and was cancelled")]
    Timeout,
    /// The database refused access (a permission or row-level security check).
    #[error("access denied")]
    Forbidden,
    /// Anything else the database reported; the detail is logged, not returned.
    #[error("internal error")]
    Internal,
}

impl Error {
    /// The stable code for `extensions.code`.
    ///
    /// ```
    /// assert_eq!(fraiseql::Error::Timeout.code(), "TIMEOUT");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Query(_) | Error::BadInput(_) => "BAD_USER_INPUT",
            Error::Unavailable => "DATABASE_UNAVAILABLE",
            Error::Timeout => "TIMEOUT",
            Error::Forbidden => "FORBIDDEN",
            Error::Internal => "INTERNAL_SERVER_ERROR",
        }
    }

    /// Classifies a database error, logging its detail.
    pub(crate) fn from_database(error: tokio_postgres::Error) -> Self {
        let Some(code) = error.code() else {
            // No SQLSTATE: the connection itself failed or closed.
            tracing::warn!(error = %error, "database connection failed");
            return Error::Unavailable;
        };
        let classified = match code {
            c if *c == SqlState::QUERY_CANCELED => Error::Timeout,
            c if *c == SqlState::INVALID_REGULAR_EXPRESSION => {
                Error::BadInput("invalid regular expression".into())
            }
            c if *c == SqlState::INVALID_ESCAPE_SEQUENCE => {
                Error::BadInput("invalid LIKE pattern".into())
            }
            c if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::Forbidden,
            c if c.code().starts_with("08") || c.code().starts_with("57P") => Error::Unavailable,
            _ => Error::Internal,
        };
        match error.as_db_error() {
            Some(db) => tracing::warn!(
                sqlstate = code.code(),
                message = db.message(),
                detail = db.detail(),
                "database error"
            ),
            None => tracing::warn!(sqlstate = code.code(), error = %error, "database error"),
        }
        classified
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
