//! The one database connection a command is pointed at (`--database-url` or `DATABASE_URL`).

use tokio_postgres::{Client, NoTls};

use crate::error::{CliError, Result};

/// Connects to `url`; a missing URL is an input error.
pub async fn connect(url: Option<&str>) -> Result<Client> {
    let url = url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        CliError::Input(
            "no database given: pass --database-url postgres://user@host/db or set DATABASE_URL"
                .into(),
        )
    })?;
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| CliError::Input(format!("--database-url is not a connection string: {e}")))?;
    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|e| CliError::Failed(format!("cannot connect to the database: {e}")))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// `schema.table` or `table` (then `default_schema`), split.
pub fn split_table(name: &str, default_schema: &str) -> (String, String) {
    match name.split_once('.') {
        Some((schema, table)) => (schema.to_owned(), table.to_owned()),
        None => (default_schema.to_owned(), name.to_owned()),
    }
}
