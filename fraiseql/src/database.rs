//! The one way statements reach PostgreSQL: a pooled connection, a read-only transaction, the
//! request context applied inside it, the statement prepared once per connection, and one JSON
//! text back. Every read path — repositories and the GraphQL executor — goes through here, so
//! none can skip the context.

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use fraiseql_sql::{CursorKey, Statement};

use crate::context::RequestContext;
use crate::error::{Error, Result};

/// Default per-statement time limit.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Applies every setting of a request in one statement.
const APPLY_SETTINGS: &str = "SELECT count(set_config(name, value, true)) FROM unnest($1::text[], $2::text[]) AS s(name, value)";

/// A pool of connections plus the settings every statement runs under.
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

struct Inner {
    pool: Pool,
    statement_timeout: Duration,
    cursor_key: CursorKey,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("statement_timeout", &self.inner.statement_timeout)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Uses an existing `deadpool-postgres` pool. Cursors are signed with a random key (valid for
    /// this process); see [`Database::with_cursor_key`] for several servers.
    pub fn new(pool: Pool) -> Self {
        Self {
            inner: Arc::new(Inner {
                pool,
                statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
                cursor_key: CursorKey::random(),
            }),
        }
    }

    /// A pool of at most `max_size` connections to the server `config` names.
    pub fn connect(config: tokio_postgres::Config, max_size: usize) -> Result<Self> {
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_size)
            .build()
            .map_err(|error| {
                tracing::error!(%error, "cannot build the connection pool");
                Error::Unavailable
            })?;
        Ok(Self::new(pool))
    }

    /// Sets the per-statement time limit (default 10 s).
    pub fn with_statement_timeout(self, timeout: Duration) -> Self {
        self.map(|inner| Inner {
            statement_timeout: timeout,
            ..inner
        })
    }

    /// Signs cursors with `key`: every server accepting each other's cursors needs the same key.
    pub fn with_cursor_key(self, key: CursorKey) -> Self {
        self.map(|inner| Inner {
            cursor_key: key,
            ..inner
        })
    }

    fn map(self, change: impl FnOnce(Inner) -> Inner) -> Self {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            pool: shared.pool.clone(),
            statement_timeout: shared.statement_timeout,
            cursor_key: shared.cursor_key.clone(),
        });
        Self {
            inner: Arc::new(change(inner)),
        }
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
    /// One read-only transaction: the context's settings and the statement timeout are applied
    /// with `set_config(…, true)`, then the statement (prepared once per connection) runs; all of
    /// it in one pipelined round trip.
    pub async fn fetch_json(
        &self,
        context: &RequestContext,
        statement: &Statement,
    ) -> Result<String> {
        self.run_json(context, statement, Access::Read).await
    }

    /// Runs a statement that writes (a mutation function call) the way [`fetch_json`] runs a
    /// read: one read-write transaction under the context's settings, one round trip. An error
    /// anywhere rolls all of it back.
    ///
    /// [`fetch_json`]: Self::fetch_json
    pub(crate) async fn write_json(
        &self,
        context: &RequestContext,
        statement: &Statement,
    ) -> Result<String> {
        self.run_json(context, statement, Access::Write).await
    }

    async fn run_json(
        &self,
        context: &RequestContext,
        statement: &Statement,
        access: Access,
    ) -> Result<String> {
        let (mut names, mut values) = context.arrays()?;
        let timeout = context
            .statement_timeout()
            .unwrap_or(self.inner.statement_timeout);
        // PostgreSQL reads 0 as "no limit": the shortest limit it can express is 1 ms.
        let timeout = timeout.as_millis().max(1).to_string();
        names.push("statement_timeout");
        values.push(&timeout);
        // Cursors carry sort values as PostgreSQL's text forms and are read back by casts:
        // pin the settings those forms depend on, whatever the server's defaults.
        names.extend(["extra_float_digits", "DateStyle"]);
        values.extend(["1", "ISO, MDY"]);

        let client = self.inner.pool.get().await.map_err(|error| {
            tracing::warn!(%error, "no database connection");
            Error::Unavailable
        })?;
        // If this future is dropped mid-flight (an HTTP timeout, a client gone), the connection
        // is still busy with the queued statements: it must not go back to the pool.
        let mut guard = InFlight(Some(client));
        let client = guard.0.as_ref().ok_or(Error::Internal)?;
        // Prepared once per connection (a round trip only the first time). A failure here
        // leaves nothing in flight: the connection goes back to the pool.
        let (apply, prepared) = match tokio::join!(
            client.prepare_cached(APPLY_SETTINGS),
            client.prepare_cached(statement.sql()),
        ) {
            (Ok(apply), Ok(prepared)) => (apply, prepared),
            (Err(error), _) | (_, Err(error)) => {
                drop(guard.0.take());
                return Err(Error::from_database(error));
            }
        };
        // BEGIN, settings, statement and COMMIT are pipelined: one round trip. All four are queued
        // on the connection at the first poll, so even if this future is dropped the transaction
        // still ends, and nothing outlives it into the next request on this connection.
        let params = statement.params_ref();
        let settings: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&names, &values];
        let (begin, applied, row, commit) = tokio::join!(
            client.batch_execute(access.begin()),
            client.query_one(&apply, &settings),
            client.query_one(&prepared, &params),
            client.batch_execute("COMMIT"),
        );
        // Every statement finished: the connection goes back to the pool.
        drop(guard.0.take());
        // The first failure is the cause; later ones are "transaction aborted" echoes.
        begin.map_err(Error::from_database)?;
        applied.map_err(Error::from_database)?;
        let row = row.map_err(access.classify())?;
        commit.map_err(access.classify())?;
        let json: String = row.try_get(0).map_err(|error| {
            tracing::error!(%error, "a statement did not return JSON text");
            Error::Internal
        })?;
        Ok(json)
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
