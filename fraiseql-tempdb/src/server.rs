//! The server to run against: `DATABASE_URL`, or a throwaway cluster.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use tokio_postgres::config::Host;
use tokio_postgres::{Config, NoTls};

use crate::cluster::{self, Cluster};
use crate::error::Error;

/// A PostgreSQL server: the one `DATABASE_URL` names, or a throwaway cluster this process started.
///
/// ```no_run
/// # async fn demo() -> Result<(), fraiseql_tempdb::Error> {
/// let server = fraiseql_tempdb::Server::shared().await?;
/// let client = server.connect("postgres").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Server {
    config: Config,
    /// Keeps an owned cluster alive as long as any clone of this server.
    _cluster: Option<Arc<Cluster>>,
}

impl Server {
    /// The process-wide server: `DATABASE_URL` when set, otherwise one throwaway cluster started
    /// on first use and shared by every caller in the process. The cluster is stopped and its
    /// directory removed when the process exits.
    pub async fn shared() -> Result<&'static Server, Error> {
        static SHARED: OnceLock<Result<Server, Error>> = OnceLock::new();
        if let Some(server) = SHARED.get() {
            return server.as_ref().map_err(Clone::clone);
        }
        // Starting a cluster blocks for a second or two; keep it off the async worker.
        tokio::task::spawn_blocking(|| {
            SHARED
                .get_or_init(|| match std::env::var("DATABASE_URL") {
                    Ok(url) if !url.trim().is_empty() => Server::from_url(&url),
                    // Never dropped: the watchdog cleans up when the process exits.
                    _ => Cluster::start().map(|cluster| Server::on_cluster(Arc::new(cluster))),
                })
                .as_ref()
                .map_err(Clone::clone)
        })
        .await
        .map_err(|e| Error::Cluster(format!("start-up task failed: {e}")))?
    }

    /// Starts a throwaway cluster owned by the returned value: stopped and removed when the last
    /// clone is dropped (or when the process exits, whichever comes first).
    ///
    /// Every role is trusted, except the roles `password_scram`, `password_md5` and
    /// `password_clear` (which the cluster does not create): they log in with a password by
    /// SCRAM-SHA-256, MD5 and in clear, for testing a client's authentication.
    pub async fn start_temporary() -> Result<Server, Error> {
        let cluster = tokio::task::spawn_blocking(Cluster::start)
            .await
            .map_err(|e| Error::Cluster(format!("start-up task failed: {e}")))??;
        Ok(Server::on_cluster(Arc::new(cluster)))
    }

    /// The server a connection string names (`postgres://user@host:port/db` or `host=… user=…`).
    pub fn from_url(url: &str) -> Result<Server, Error> {
        let config = Config::from_str(url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
        Ok(Server {
            config,
            _cluster: None,
        })
    }

    fn on_cluster(cluster: Arc<Cluster>) -> Server {
        let mut config = Config::new();
        config
            .host_path(cluster.socket_dir())
            .port(cluster::PORT)
            .user("postgres")
            .dbname("postgres");
        Server {
            config,
            _cluster: Some(cluster),
        }
    }

    /// Connection settings for `database` on this server.
    pub fn config(&self, database: &str) -> Config {
        let mut config = self.config.clone();
        config.dbname(database);
        config
    }

    /// A libpq-style `key=value` connection string for `database`, accepted by `psql` and by
    /// `tokio_postgres::Config::from_str`: host (a socket directory for a throwaway cluster),
    /// port, user, password and database name.
    ///
    /// ```
    /// let server = fraiseql_tempdb::Server::from_url("postgres://app@db.internal:5433/postgres")?;
    /// assert_eq!(
    ///     server.connection_string("my db"),
    ///     "host=db.internal port=5433 user=app dbname='my db'"
    /// );
    /// # Ok::<(), fraiseql_tempdb::Error>(())
    /// ```
    pub fn connection_string(&self, database: &str) -> String {
        let config = self.config(database);
        let mut parts = Vec::new();
        if let Some(host) = config.get_hosts().first() {
            parts.push(match host {
                Host::Tcp(name) => param("host", name),
                Host::Unix(path) => param("host", &path.to_string_lossy()),
            });
        }
        if let Some(port) = config.get_ports().first() {
            parts.push(format!("port={port}"));
        }
        if let Some(user) = config.get_user() {
            parts.push(param("user", user));
        }
        if let Some(password) = config.get_password() {
            parts.push(param("password", &String::from_utf8_lossy(password)));
        }
        parts.push(param("dbname", database));
        parts.join(" ")
    }

    /// A `postgresql://` URL for `database`, for clients that take only URLs: the user and
    /// password in the authority, a socket directory as the `host` query parameter.
    ///
    /// ```
    /// let server = fraiseql_tempdb::Server::from_url("postgres://app@db.internal:5433/postgres")?;
    /// assert_eq!(server.url("my db"), "postgresql://app@db.internal:5433/my%20db");
    /// # Ok::<(), fraiseql_tempdb::Error>(())
    /// ```
    pub fn url(&self, database: &str) -> String {
        let config = self.config(database);
        let mut url = String::from("postgresql://");
        if let Some(user) = config.get_user() {
            url.push_str(&percent_encode(user));
            if let Some(password) = config.get_password() {
                url.push(':');
                url.push_str(&percent_encode(&String::from_utf8_lossy(password)));
            }
            url.push('@');
        }
        let port = config.get_ports().first().copied();
        match config.get_hosts().first() {
            Some(Host::Unix(socket)) => {
                // A socket directory and its port go in the query: clients (asyncpg) reject a
                // port after an empty host, and some do not decode `%2F` in a query.
                url.push('/');
                url.push_str(&percent_encode(database));
                url.push_str("?host=");
                url.push_str(&percent_encode(&socket.to_string_lossy()).replace("%2F", "/"));
                if let Some(port) = port {
                    url.push_str(&format!("&port={port}"));
                }
            }
            host => {
                if let Some(Host::Tcp(name)) = host {
                    url.push_str(name);
                }
                if let Some(port) = port {
                    url.push_str(&format!(":{port}"));
                }
                url.push('/');
                url.push_str(&percent_encode(database));
            }
        }
        url
    }

    /// Connects to `database`, driving the connection on a spawned task.
    pub async fn connect(&self, database: &str) -> Result<tokio_postgres::Client, Error> {
        let (client, connection) = self.config(database).connect(NoTls).await?;
        tokio::spawn(async move {
            // The connection ends when the client is dropped; errors then are not interesting.
            let _ = connection.await;
        });
        Ok(client)
    }

    /// The database `DATABASE_URL` named (`postgres` for a throwaway cluster), used for admin
    /// statements such as `CREATE DATABASE`.
    pub(crate) fn admin_database(&self) -> String {
        self.config.get_dbname().unwrap_or("postgres").to_owned()
    }
}

/// `key=value`, quoting the value libpq's way when it is empty or holds spaces, quotes or
/// backslashes.
/// Percent-encodes all but RFC 3986's unreserved characters.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn param(key: &str, value: &str) -> String {
    if !value.is_empty() && !value.contains([' ', '\'', '\\']) {
        return format!("{key}={value}");
    }
    let escaped = value.replace('\\', "\\\\").replace('\'', "\\'");
    format!("{key}='{escaped}'")
}
