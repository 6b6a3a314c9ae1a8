//! The one way statements reach PostgreSQL: a pooled connection, the request context applied around
//! the statement when it has one, the statement prepared once per connection (the 256 most recently
//! used are kept on each of fraiseql's own connections), and one JSON text back. Every path —
//! repositories, the GraphQL executor, mutations — goes through here, so none can skip the context.
//!
//! Every message PostgreSQL processes costs its CPU, the bottleneck on a small machine, so a
//! request pays only for what it needs: settings that never change between requests live on
//! the connection (set once, in its startup packet), and a request with no settings of its own
//! is its statement alone — one Bind/Execute/Sync, an implicit single-statement transaction.
//! A request with settings adds one Bind/Execute of `set_config` before the same Sync
//! (`wire`): on a pool the application built, whose connections' settings are unknown, it is
//! `BEGIN`, `set_config`, the statement and `COMMIT`, pipelined.

mod host;
mod settings;
mod wire;
#[cfg(test)]
mod wire_tests;

pub use host::{SOCKET_DIRECTORIES, with_default_host, with_default_host_in};

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use fraiseql_sql::{CursorKey, Statement};

use crate::context::RequestContext;
use crate::error::{Error, Result};
use settings::{FIXED_SETTINGS, TIME_ZONE, apply_settings, millis, session_options};
use wire::WireError;

/// Default per-statement time limit.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool of connections plus the settings every statement runs under.
///
/// Connections made by [`Database::connect`] carry the fixed settings (the statement timeout,
/// `extra_float_digits` and `DateStyle`, which cursors depend on, and `TimeZone=UTC`, which
/// groups by truncated timestamps and the offsets of timestamps depend on, unless the
/// connection string's `options` set `TimeZone`) from their startup, so a request without
/// context settings costs PostgreSQL one statement. An application running its
/// own statements on [`pool`](Self::pool) sees those session settings, and must not change them
/// with `SET` (use `SET LOCAL` or `set_config(…, true)` inside a transaction).
///
/// ```no_run
/// # async fn demo(config: tokio_postgres::Config) -> Result<(), fraiseql::Error> {
/// let db = fraiseql::Database::connect(config, 16)?
///     .with_statement_timeout(std::time::Duration::from_secs(5));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    /// The application's pool ([`Database::pool`]); fraiseql's own statements use it only when
    /// the application built it (`lean` is `None`).
    pool: Pool,
    /// fraiseql's own connections, when [`Database::connect`] made them.
    lean: Option<LeanPool>,
    statement_timeout: Duration,
    cursor_key: CursorKey,
    /// How `connect` made the pool, so it can be made again with other fixed settings; `None`
    /// for a pool the application built, whose connections' settings are unknown.
    made: Option<Made>,
    /// Where the pool's state, its waits and the database's errors are recorded.
    #[cfg(feature = "metrics")]
    metrics: Option<crate::metrics::Metrics>,
    /// Names this database's pool in the metrics (clones share it).
    #[cfg(feature = "metrics")]
    id: u64,
}

/// A fresh [`Inner::id`].
#[cfg(feature = "metrics")]
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The arguments of [`Database::connect`].
#[derive(Clone)]
struct Made {
    config: tokio_postgres::Config,
    max_size: usize,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("statement_timeout", &self.inner.statement_timeout)
            .field("configured_connections", &self.inner.made.is_some())
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Uses an existing `deadpool-postgres` pool. Cursors are signed with a random key (valid for
    /// this process); see [`Database::with_cursor_key`] for several servers.
    ///
    /// The pool's connections may carry any session settings, so every request applies the
    /// fixed settings (`TimeZone=UTC` among them) and the statement timeout in a transaction of
    /// its own: prefer
    /// [`Database::connect`], whose connections carry them from the start and whose requests
    /// without context settings are a single statement.
    pub fn new(pool: Pool) -> Self {
        Self {
            inner: Arc::new(Inner {
                pool,
                lean: None,
                statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
                cursor_key: CursorKey::random(),
                made: None,
                #[cfg(feature = "metrics")]
                metrics: None,
                #[cfg(feature = "metrics")]
                id: next_id(),
            }),
        }
    }

    /// A pool of at most `max_size` connections to the server `config` names, each connection
    /// starting with the fixed settings and the statement timeout (added to `config`'s own
    /// `options`), for fraiseql's statements, and a `deadpool-postgres` pool of the same size
    /// and settings for the application's own ([`pool`](Self::pool)). Both open connections on
    /// demand. fraiseql's connections are plaintext (TLS is not supported). A configuration
    /// naming no server (`postgres:///blog`) connects where libpq would: PostgreSQL's Unix
    /// socket in `/var/run/postgresql`, `/run/postgresql` or `/tmp` when one is there for the
    /// port, else `localhost`.
    pub fn connect(config: tokio_postgres::Config, max_size: usize) -> Result<Self> {
        let made = Made {
            config: with_default_host(config),
            max_size,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                pool: made.pool(DEFAULT_STATEMENT_TIMEOUT)?,
                lean: Some(made.lean_pool(DEFAULT_STATEMENT_TIMEOUT)?),
                statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
                cursor_key: CursorKey::random(),
                made: Some(made),
                #[cfg(feature = "metrics")]
                metrics: None,
                #[cfg(feature = "metrics")]
                id: next_id(),
            }),
        })
    }

    /// Sets the per-statement time limit (default 10 s). On a database made by
    /// [`connect`](Self::connect) this makes a new pool whose connections carry the new limit,
    /// so set it before serving requests.
    pub fn with_statement_timeout(self, timeout: Duration) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        if let Some(made) = &inner.made {
            match (made.pool(timeout), made.lean_pool(timeout)) {
                (Ok(pool), Ok(lean)) => {
                    inner.pool = pool;
                    inner.lean = Some(lean);
                }
                // Keep the old pool, whose connections then get the timeout per request.
                _ => {
                    inner.made = None;
                    inner.lean = None;
                }
            }
        }
        inner.statement_timeout = timeout;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Signs cursors with `key`: every server accepting each other's cursors needs the same key.
    pub fn with_cursor_key(self, key: CursorKey) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.cursor_key = key;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Records this database's pool (size, connections in use, waiters, time to get a
    /// connection, timeouts), statement timeouts, errors by SQLSTATE class and mutation outcomes
    /// in `metrics` (feature `metrics`). [`Endpoint::metrics`](crate::http::Endpoint::metrics)
    /// does it for the endpoint's database; call it for a database the app uses on its own
    /// (repositories, mutations from Rust), after [`with_statement_timeout`](Self::with_statement_timeout).
    ///
    /// ```no_run
    /// # fn demo(config: tokio_postgres::Config) -> fraiseql::Result<()> {
    /// let metrics = fraiseql::metrics::Metrics::new();
    /// let db = fraiseql::Database::connect(config, 16)?.with_metrics(&metrics);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "metrics")]
    pub fn with_metrics(self, metrics: &crate::metrics::Metrics) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.metrics = Some(metrics.clone());
        let inner = Arc::new(inner);
        let weak = Arc::downgrade(&inner);
        metrics.observe_pool(
            inner.id,
            Box::new(move || {
                let inner = weak.upgrade()?;
                let status = match &inner.lean {
                    Some(lean) => lean.status(),
                    None => inner.pool.status(),
                };
                Some(crate::metrics::PoolStatus {
                    max_size: status.max_size,
                    size: status.size,
                    available: status.available,
                    waiting: status.waiting,
                })
            }),
        );
        Self { inner }
    }

    /// Records a mutation's outcome code (`SUCCESS`, a refusal's, an error's).
    #[cfg(feature = "metrics")]
    pub(crate) fn record_mutation(&self, mutation: &str, code: &str) {
        if let Some(metrics) = &self.inner.metrics {
            metrics.mutation(mutation, code);
        }
    }

    /// Records an error PostgreSQL reported (nothing without the `metrics` feature).
    fn record_error(&self, _sqlstate: Option<&str>) {
        #[cfg(feature = "metrics")]
        if let (Some(metrics), Some(sqlstate)) = (&self.inner.metrics, _sqlstate) {
            metrics.database_error(sqlstate);
        }
    }

    /// [`record_error`](Self::record_error) of a `tokio_postgres` error.
    fn record_pg(&self, error: &tokio_postgres::Error) {
        self.record_error(error.code().map(|code| code.code()));
    }

    /// The key signing cursors.
    pub fn cursor_key(&self) -> &CursorKey {
        &self.inner.cursor_key
    }

    /// The pool (for the application's own statements).
    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// Runs `statement` under `context` and returns the JSON text it built.
    ///
    /// With context settings (or a statement timeout of its own), one read-only transaction:
    /// the settings are applied with `set_config(…, true)`, then the statement runs, all of it
    /// in one round trip. Without, the statement alone. Either way it is prepared once per
    /// connection.
    pub async fn fetch_json(
        &self,
        context: &RequestContext,
        statement: &Statement,
    ) -> Result<String> {
        self.run_json(context, statement, Access::Read).await
    }

    /// Runs a statement that writes (a mutation function call) the way [`fetch_json`] runs a
    /// read, in a read-write transaction when the context has settings. One statement is
    /// atomic on its own: an error anywhere rolls all of it back.
    ///
    /// [`fetch_json`]: Self::fetch_json
    pub(crate) async fn write_json(
        &self,
        context: &RequestContext,
        statement: &Statement,
    ) -> Result<String> {
        self.run_json(context, statement, Access::Write).await
    }

    /// The settings `context` needs applied around its statement, as names and values; empty
    /// when the connection already holds everything the request runs under.
    fn request_settings<'c>(
        &self,
        context: &'c RequestContext,
        timeout: &'c std::cell::OnceCell<String>,
    ) -> Result<(Vec<&'c str>, Vec<&'c str>)> {
        let (mut names, mut values) = context.arrays()?;
        let configured = self.inner.made.is_some();
        let own_timeout = context
            .statement_timeout()
            .is_some_and(|own| own != self.inner.statement_timeout);
        if own_timeout || !configured {
            names.push("statement_timeout");
            // Written only when sent: most requests run under the connection's own timeout.
            values.push(timeout.get_or_init(|| {
                millis(
                    context
                        .statement_timeout()
                        .unwrap_or(self.inner.statement_timeout),
                )
            }));
        }
        if !configured {
            names.extend(FIXED_SETTINGS.map(|(name, _)| name));
            values.extend(FIXED_SETTINGS.map(|(_, value)| value));
            names.push(TIME_ZONE.0);
            values.push(TIME_ZONE.1);
        }
        Ok((names, values))
    }

    async fn run_json(
        &self,
        context: &RequestContext,
        statement: &Statement,
        access: Access,
    ) -> Result<String> {
        use tracing::Instrument as _;
        let span = crate::trace::db_span(statement.sql());
        let answer = (self.round_trip(context, statement, access))
            .instrument(span.clone())
            .await;
        if let Err(error) = &answer {
            crate::trace::record_error(&span, error.code());
        }
        answer
    }

    async fn round_trip(
        &self,
        context: &RequestContext,
        statement: &Statement,
        access: Access,
    ) -> Result<String> {
        let timeout = std::cell::OnceCell::new();
        let (mut names, mut values) = self.request_settings(context, &timeout)?;
        if let Some(lean) = &self.inner.lean {
            if !names.is_empty() && matches!(access, Access::Read) {
                // What BEGIN READ ONLY gave: nothing after it in the transaction may write.
                names.push("transaction_read_only");
                values.push("on");
            }
            return run_lean(self, lean, &names, &values, statement, access).await;
        }
        // Boxed: the pool's path holds tokio-postgres futures several times the size of
        // fraiseql's own connections' path, and every request's future would carry them.
        Box::pin(self.round_trip_pooled(&names, &values, statement, access)).await
    }

    /// [`round_trip`](Self::round_trip) on the application's `deadpool-postgres` pool.
    async fn round_trip_pooled(
        &self,
        names: &[&str],
        values: &[&str],
        statement: &Statement,
        access: Access,
    ) -> Result<String> {
        #[cfg(feature = "metrics")]
        let start = std::time::Instant::now();
        let client = self.inner.pool.get().await;
        #[cfg(feature = "metrics")]
        if let Some(metrics) = &self.inner.metrics {
            let timed_out = matches!(client, Err(deadpool_postgres::PoolError::Timeout(_)));
            metrics.acquired(start, timed_out);
        }
        let client = client.map_err(|error| {
            tracing::warn!(%error, "no database connection");
            Error::Unavailable
        })?;
        // If this future is dropped mid-flight (an HTTP timeout, a client gone), the connection
        // is still busy with the queued statements: it must not go back to the pool.
        let mut guard = InFlight(Some(client));
        let client = guard.0.as_ref().ok_or(Error::Internal)?;
        let params = statement.params_ref();
        let row = if names.is_empty() {
            // Nothing to scope: the statement alone, its own implicit transaction.
            let prepared = match client.prepare_cached(statement.sql()).await {
                Ok(prepared) => prepared,
                Err(error) => {
                    // Nothing in flight: the connection goes back to the pool.
                    drop(guard.0.take());
                    self.record_pg(&error);
                    return Err(Error::from_database(error));
                }
            };
            let row = client.query_one(&prepared, &params).await;
            drop(guard.0.take());
            row.inspect_err(|e| self.record_pg(e))
                .map_err(access.classify())?
        } else {
            // Prepared once per connection (a round trip only the first time). A failure here
            // leaves nothing in flight: the connection goes back to the pool.
            let (apply_sql, settings) = apply_settings(names, values);
            let (apply, prepared) = match tokio::join!(
                client.prepare_cached(&apply_sql),
                client.prepare_cached(statement.sql()),
            ) {
                (Ok(apply), Ok(prepared)) => (apply, prepared),
                (Err(error), _) | (_, Err(error)) => {
                    drop(guard.0.take());
                    self.record_pg(&error);
                    return Err(Error::from_database(error));
                }
            };
            // BEGIN, settings, statement and COMMIT are pipelined: one round trip. All four are
            // queued on the connection at the first poll, so even if this future is dropped the
            // transaction still ends, and nothing outlives it into the next request.
            let (begin, applied, row, commit) = tokio::join!(
                client.batch_execute(access.begin()),
                client.query_one(&apply, &settings),
                client.query_one(&prepared, &params),
                client.batch_execute("COMMIT"),
            );
            // Every statement finished: the connection goes back to the pool.
            drop(guard.0.take());
            // The first failure is the cause; later ones are "transaction aborted" echoes.
            let first_error = (begin.as_ref().err())
                .or(applied.as_ref().err())
                .or(row.as_ref().err())
                .or(commit.as_ref().err());
            if let Some(error) = first_error {
                self.record_pg(error);
            }
            begin.map_err(Error::from_database)?;
            applied.map_err(Error::from_database)?;
            let row = row.map_err(access.classify())?;
            commit.map_err(access.classify())?;
            row
        };
        row.try_get(0).map_err(|error| {
            tracing::error!(%error, "a statement did not return JSON text");
            Error::Internal
        })
    }
}

/// Runs `statement` on one of fraiseql's own connections: with settings, they and the
/// statement are two Bind/Execute pairs before one Sync — one implicit transaction, so the
/// settings (`set_config(…, true)`) hold for the statement and end with it, and an error
/// anywhere rolls everything back; without, the statement alone.
async fn run_lean(
    db: &Database,
    pool: &LeanPool,
    names: &[&str],
    values: &[&str],
    statement: &Statement,
    access: Access,
) -> Result<String> {
    #[cfg(feature = "metrics")]
    let start = std::time::Instant::now();
    let connection = pool.get().await;
    #[cfg(feature = "metrics")]
    if let Some(metrics) = &db.inner.metrics {
        let timed_out = matches!(connection, Err(deadpool::managed::PoolError::Timeout(_)));
        metrics.acquired(start, timed_out);
    }
    let mut connection = connection.map_err(|error| {
        tracing::warn!(?error, "no database connection");
        Error::Unavailable
    })?;
    // If this future is dropped mid-flight, the connection stays marked busy (the pool then
    // closes it) and the running statement is cancelled.
    let cancel = CancelOnDrop(Some(connection.cancel_key()));
    let (apply_sql, settings) = apply_settings(names, values);
    let before = (!names.is_empty()).then_some((&*apply_sql, &settings[..]));
    let answer = connection
        .query_text(before, statement.sql(), &statement.params_ref())
        .await;
    cancel.disarm();
    if let Err(WireError::Db(failure)) = &answer {
        db.record_error(Some(&failure.code));
    }
    answer.map_err(|error| match error {
        WireError::Db(failure) => match access {
            Access::Read => Error::from_read_failure(&failure),
            Access::Write => Error::from_write_failure(&failure),
        },
        WireError::Broken(reason) => {
            tracing::warn!(%reason, "database connection failed");
            Error::Unavailable
        }
        WireError::Encode(reason) => {
            tracing::error!(%reason, "a statement's parameters or result did not fit");
            Error::Internal
        }
    })
}

/// Cancels a connection's running statement when dropped armed.
struct CancelOnDrop(Option<wire::CancelKey>);

impl CancelOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(key) = self.0.take() else { return };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = key.cancel().await {
                    tracing::warn!(%error, "cannot cancel an abandoned statement");
                }
            });
        }
    }
}

/// fraiseql's own connections.
type LeanPool = deadpool::managed::Pool<Connector>;

/// Makes fraiseql's own connections, and closes one whose round trip was abandoned.
struct Connector {
    config: tokio_postgres::Config,
}

impl deadpool::managed::Manager for Connector {
    type Type = wire::Connection;
    type Error = WireError;

    async fn create(&self) -> std::result::Result<wire::Connection, WireError> {
        // Boxed: the pool's `get` future holds this one inline, so unboxed every checkout's
        // future (and every request's) would carry the whole connect-and-authenticate state.
        Box::pin(wire::Connection::connect(&self.config)).await
    }

    async fn recycle(
        &self,
        connection: &mut wire::Connection,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<WireError> {
        if connection.is_broken() {
            return Err(deadpool::managed::RecycleError::message(
                "a round trip was abandoned",
            ));
        }
        if connection.is_closed_by_server() {
            return Err(deadpool::managed::RecycleError::message(
                "the server closed the connection",
            ));
        }
        Ok(())
    }
}

impl Made {
    /// The configuration of a connection starting with the fixed settings and `timeout`.
    fn session_config(&self, timeout: Duration) -> tokio_postgres::Config {
        let mut config = self.config.clone();
        config.options(session_options(config.get_options(), timeout));
        config
    }

    /// fraiseql's own connections, starting with the fixed settings and `timeout`.
    fn lean_pool(&self, timeout: Duration) -> Result<LeanPool> {
        let connector = Connector {
            config: self.session_config(timeout),
        };
        LeanPool::builder(connector)
            .max_size(self.max_size)
            .build()
            .map_err(|error| {
                tracing::error!(%error, "cannot build the connection pool");
                Error::Unavailable
            })
    }

    /// A pool whose connections start with the fixed settings and `timeout`.
    fn pool(&self, timeout: Duration) -> Result<Pool> {
        let config = self.session_config(timeout);
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        Pool::builder(manager)
            .max_size(self.max_size)
            .build()
            .map_err(|error| {
                tracing::error!(%error, "cannot build the connection pool");
                Error::Unavailable
            })
    }
}

/// Whether a transaction only reads or also writes.
#[derive(Debug, Clone, Copy)]
enum Access {
    Read,
    Write,
}

impl Access {
    fn begin(self) -> &'static str {
        match self {
            Access::Read => "BEGIN READ ONLY",
            Access::Write => "BEGIN READ WRITE",
        }
    }

    /// How the statement's errors read: a constraint or data error is the input's fault in a
    /// write, and unexpected (an internal error) in a read, whose values are all typed params.
    fn classify(self) -> fn(tokio_postgres::Error) -> Error {
        match self {
            Access::Read => Error::from_database,
            Access::Write => Error::from_write,
        }
    }
}

/// A pooled connection with statements in flight. Dropped before they finished, it takes the
/// connection out of the pool and cancels the running statement; the connection closes once
/// the queued statements (ending the transaction) are done.
struct InFlight(Option<deadpool_postgres::Object>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let Some(object) = self.0.take() else { return };
        let cancel = object.cancel_token();
        let client = deadpool_postgres::Object::take(object);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = cancel.cancel_query(tokio_postgres::NoTls).await {
                    tracing::warn!(%error, "cannot cancel an abandoned statement");
                }
                drop(client);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration naming no server gets the one `with_default_host` picks (the function the
    /// command line uses too), for fraiseql's connections and the application's pool alike.
    #[test]
    fn connect_gives_a_configuration_naming_no_server_the_shared_default() {
        let config: tokio_postgres::Config = "postgres://me@/blog?port=1".parse().unwrap();
        let expected = with_default_host(config.clone());
        assert!(!expected.get_hosts().is_empty());
        let db = Database::connect(config, 1).unwrap();
        let made = db.inner.made.as_ref().unwrap();
        let session = made.session_config(DEFAULT_STATEMENT_TIMEOUT);
        assert_eq!(session.get_hosts(), expected.get_hosts());
        assert_eq!(session.get_ports(), [1]);
        assert_eq!(session.get_dbname(), Some("blog"));
    }
}
