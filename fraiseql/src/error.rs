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
        match error.as_db_error() {
            Some(db) => Self::from_write_failure(&DbFailure::from(db)),
            None => Self::from_database(error),
        }
    }

    /// Classifies a database error, logging its detail.
    pub(crate) fn from_database(error: tokio_postgres::Error) -> Self {
        match error.as_db_error() {
            Some(db) => Self::from_read_failure(&DbFailure::from(db)),
            None => {
                // No SQLSTATE: the connection itself failed or closed.
                tracing::warn!(error = %error, "database connection failed");
                Error::Unavailable
            }
        }
    }

    /// [`from_write`](Self::from_write) for an error PostgreSQL reported.
    pub(crate) fn from_write_failure(db: &DbFailure) -> Self {
        let named = db.hint.as_deref().filter(|hint| {
            hint.len() <= 64
                && hint.starts_with(|c: char| c.is_ascii_uppercase())
                && hint
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        });
        let classified = match (named, db.code.as_str()) {
            (Some(hint), _) => Error::Raised {
                code: hint.to_owned(),
                message: db.message.clone(),
            },
            (None, "23505") => Error::Conflict,
            (None, "23503") => Error::ForeignKey,
            (None, "23514" | "23502") => Error::Validation,
            (None, data) if data.starts_with("22") => Error::Validation,
            _ => return Self::from_read_failure(db),
        };
        crate::trace::record_sqlstate(&db.code);
        // The message and detail may quote a value: DEBUG only.
        tracing::info!(
            sqlstate = db.code,
            constraint = db.constraint,
            "a write was refused"
        );
        tracing::debug!(
            message = db.message,
            detail = db.detail,
            "a write was refused"
        );
        classified
    }

    /// [`from_database`](Self::from_database) for an error PostgreSQL reported.
    pub(crate) fn from_read_failure(db: &DbFailure) -> Self {
        let code = SqlState::from_code(&db.code);
        let classified = match code {
            c if c == SqlState::QUERY_CANCELED => Error::Timeout,
            c if c == SqlState::INVALID_REGULAR_EXPRESSION => {
                Error::BadInput("invalid regular expression".into())
            }
            c if c == SqlState::INVALID_ESCAPE_SEQUENCE => {
                Error::BadInput("invalid LIKE pattern".into())
            }
            c if c == SqlState::INSUFFICIENT_PRIVILEGE => Error::Forbidden,
            c if c.code().starts_with("08") || c.code().starts_with("57P") => Error::Unavailable,
            _ => Error::Internal,
        };
        crate::trace::record_sqlstate(&db.code);
        // The message and detail may quote a value: DEBUG only.
        tracing::warn!(sqlstate = db.code, "database error");
        tracing::debug!(message = db.message, detail = db.detail, "database error");
        classified
    }
}

/// What PostgreSQL said of an error (an ErrorResponse's fields), however it reached us.
#[derive(Debug, Default)]
pub(crate) struct DbFailure {
    /// SQLSTATE.
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    pub constraint: Option<String>,
}

impl From<&tokio_postgres::error::DbError> for DbFailure {
    fn from(db: &tokio_postgres::error::DbError) -> Self {
        DbFailure {
            code: db.code().code().to_owned(),
            message: db.message().to_owned(),
            detail: db.detail().map(str::to_owned),
            hint: db.hint().map(str::to_owned),
            constraint: db.constraint().map(str::to_owned),
        }
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
