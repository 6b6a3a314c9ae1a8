//! The one database connection a command is pointed at (`--database-url` or `DATABASE_URL`).

use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config, NoTls};

use crate::error::{CliError, Result};

/// Connects to `url` (a URL naming no server: PostgreSQL's Unix socket when one is there for
/// the port, else localhost, as [`fraiseql::with_default_host`] picks). A missing or unparsable URL and a server that cannot be reached or refuses
/// the connection are input errors (exit 2) with a one-line message naming where it connected
/// (host, port, database, user; never the password).
pub async fn connect(url: Option<&str>) -> Result<Client> {
    let url = url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        CliError::Input(
            "no database given: pass --database-url postgres://user@host/db or set DATABASE_URL"
                .into(),
        )
    })?;
    let config: Config = url.parse().map_err(|e| {
        CliError::Input(format!(
            "the database URL is not a connection string ({}): expected postgres://user@host:port/db",
            one_line(&reason(&e))
        ))
    })?;
    // A URL naming no server (`postgres:///blog`) connects where the library would.
    let config = fraiseql::with_default_host(config);
    let (client, connection) = config.connect(NoTls).await.map_err(|e| {
        CliError::Input(format!(
            "cannot connect to the database {}: {}",
            place(&config),
            one_line(&reason(&e))
        ))
    })?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// What went wrong, without tokio-postgres's wrapping: the server's message (`database "x"
/// does not exist`) or the underlying cause (`Connection refused (os error 111)`).
fn reason(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_owned();
    }
    match std::error::Error::source(e) {
        Some(source) => source.to_string(),
        None => e.to_string(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `at host:port/db as user`, from the parsed configuration (so never the password).
fn place(config: &Config) -> String {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => format!("{name}:{port}"),
            Host::Unix(dir) => dir.join(format!(".s.PGSQL.{port}")).display().to_string(),
        })
        .collect();
    let mut place = if hosts.is_empty() {
        "(no host)".to_owned()
    } else {
        format!("at {}", hosts.join(", "))
    };
    if let Some(db) = config.get_dbname() {
        place.push_str(&format!(" database {db}"));
    }
    if let Some(user) = config.get_user() {
        place.push_str(&format!(" as {user}"));
    }
    place
}

/// `schema.table` or `table` (then `default_schema`), split.
pub fn split_table(name: &str, default_schema: &str) -> (String, String) {
    match name.split_once('.') {
        Some((schema, table)) => (schema.to_owned(), table.to_owned()),
        None => (default_schema.to_owned(), name.to_owned()),
    }
}
