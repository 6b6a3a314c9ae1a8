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
    /// A write conflicts with existing data (a unique constraint, SQLSTATE 23505).
    #[error("the write conflicts with existing data")]
    Conflict,
    /// A write breaks a reference between rows (SQLSTATE 23503).
    #[error("the write breaks a reference between rows")]
    ForeignKey,
    /// The database found a write's input invalid (a check or not-null constraint, or a data
    /// exception such as a bad number or date: SQLSTATE 23514, 23502, class 22).
    #[error("the input is not valid")]
    Validation,
    /// A mutation function raised an error and named its code in the HINT
    /// (`RAISE EXCEPTION 'no such user' USING HINT = 'NOT_FOUND'`): its message is meant for
    /// the client and is returned as it is.
    #[error("{message}")]
    Raised {
        /// The code the HINT named (`UPPER_SNAKE_CASE`).
        code: String,
        /// The exception's message.
        message: String,
    },
    /// A stored document that does not fit its Rust type: the read side holds something the
    /// type does not promise (a missing key, a null, a value of another JSON type).
    #[error("{relation} row {id}: {field}: {found}")]
    Document {
        /// The relation read (`tv_user`).
        relation: String,
        /// The row's public key (or `?` when the row has none to show).
        id: String,
        /// The field, as a path inside the row's document (`author.email`).
        field: String,
        /// What was found instead (`invalid type: null, expected a string`).
        found: String,
    },
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
    pub fn code(&self) -> &str {
        match self {
            Error::Conflict => "CONFLICT",
            Error::ForeignKey => "FOREIGN_KEY",
            Error::Validation => "VALIDATION",
            Error::Raised { code, .. } => code,
            Error::Query(_) | Error::BadInput(_) => "BAD_USER_INPUT",
            Error::Unavailable => "DATABASE_UNAVAILABLE",
            Error::Timeout => "TIMEOUT",
            Error::Forbidden => "FORBIDDEN",
            Error::Internal | Error::Document { .. } => "INTERNAL_SERVER_ERROR",
        }
    }

    /// Classifies an error of a writing transaction: constraint and data errors are the
    /// input's fault there, and a function may name its own code in the HINT; the rest is
    /// classified as for reads.
    pub(crate) fn from_write(error: tokio_postgres::Error) -> Self {
        let Some(db) = error.as_db_error() else {
            return Self::from_database(error);
        };
        let code = db.code().code();
        let named = db.hint().filter(|hint| {
            hint.len() <= 64
                && hint.starts_with(|c: char| c.is_ascii_uppercase())
                && hint
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        });
        let classified = match (named, code) {
            (Some(hint), _) => Error::Raised {
                code: hint.to_owned(),
                message: db.message().to_owned(),
            },
            (None, "23505") => Error::Conflict,
            (None, "23503") => Error::ForeignKey,
            (None, "23514" | "23502") => Error::Validation,
            (None, data) if data.starts_with("22") => Error::Validation,
            _ => return Self::from_database(error),
        };
        tracing::info!(
            sqlstate = code,
            message = db.message(),
            detail = db.detail(),
            constraint = db.constraint(),
            "a write was refused"
        );
        classified
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
