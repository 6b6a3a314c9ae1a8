//! What can go wrong, and the exit status each kind of failure gives.

use std::fmt;

/// A failure of a command, printed as one readable message.
#[derive(Debug)]
pub enum CliError {
    /// The input is unusable (a table that does not fit the pattern, a file that would be
    /// overwritten, a bad argument, a database that cannot be reached): exit status 2, nothing
    /// written.
    Input(String),
    /// Anything else (a statement fails, a file cannot be written): exit status 1 (2 for
    /// `check`, whose 1 means drift).
    Failed(String),
}

impl CliError {
    /// The process exit status for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}

impl From<tokio_postgres::Error> for CliError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => CliError::Failed(format!("database error: {}", db.message())),
            None => CliError::Failed(format!("database error: {e}")),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Failed(e.to_string())
    }
}

/// A command's result.
pub type Result<T> = std::result::Result<T, CliError>;
