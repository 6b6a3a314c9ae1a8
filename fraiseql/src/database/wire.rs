//! A PostgreSQL connection that speaks just the extended-protocol messages fraiseql's own
//! statements need, written against `postgres-protocol`'s message codecs.
//!
//! Why not a `tokio_postgres::Client`: it ends every query with a Sync, so a request's
//! settings (`set_config(…, true)`) can only reach its statement inside an explicit
//! transaction — BEGIN, settings, statement, COMMIT: four messages groups PostgreSQL processes
//! one by one, each with its own ReadyForQuery. Here the settings and the statement are two
//! Bind/Execute pairs before ONE Sync: one implicit transaction, so the settings last exactly
//! until that Sync (an error anywhere rolls all of it back), and the statement is planned after
//! the settings are applied. The request's future also does its own I/O, with no channel and no
//! connection task between it and the socket.
//!
//! What it does not do: TLS (the pool's connections are plaintext, as `Database::connect`'s
//! always were), COPY, notifications (ignored), and any statement whose parameter types are not
//! built-in (fraiseql casts every parameter to one).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bytes::BytesMut;
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::{md5_hash, sasl};
use postgres_protocol::message::{backend::Message, frontend};
use postgres_types::{ToSql, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};
use tokio_postgres::config::{ChannelBinding, Host, SslMode};

use crate::error::DbFailure;

/// Why a round trip failed.
#[derive(Debug)]
pub(crate) enum WireError {
    /// PostgreSQL answered with an error; the connection is still usable.
    Db(DbFailure),
    /// The socket failed or PostgreSQL broke the protocol: the connection is unusable.
    Broken(String),
    /// A parameter did not fit the type PostgreSQL inferred for it (nothing was sent).
    Encode(String),
}

impl From<io::Error> for WireError {
    fn from(error: io::Error) -> Self {
        WireError::Broken(error.to_string())
    }
}

/// Where a connection's server listens, kept for cancel requests.
#[derive(Debug, Clone)]
enum Address {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

enum Socket {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Socket {
    async fn connect(address: &Address) -> io::Result<Socket> {
        Ok(match address {
            Address::Tcp(addr) => {
                let stream = TcpStream::connect(addr).await?;
                stream.set_nodelay(true)?;
                Socket::Tcp(stream)
            }
            Address::Unix(path) => Socket::Unix(UnixStream::connect(path).await?),
        })
    }

    async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.write_all(bytes).await,
            Socket::Unix(s) => s.write_all(bytes).await,
        }
    }

    async fn read_buf(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        match self {
            Socket::Tcp(s) => s.read_buf(buf).await,
            Socket::Unix(s) => s.read_buf(buf).await,
        }
    }

    /// Reads what has already arrived, without waiting (`WouldBlock` when nothing has; tokio
    /// answers that from its readiness state, usually without a system call).
    fn try_read_buf(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        match self {
            Socket::Tcp(s) => s.try_read_buf(buf),
            Socket::Unix(s) => s.try_read_buf(buf),
        }
    }
}

/// What cancels a connection's running statement (PostgreSQL's CancelRequest, sent on a new
/// socket).
#[derive(Debug, Clone)]
pub(crate) struct CancelKey {
    address: Address,
    process_id: i32,
    secret_key: i32,
}

impl CancelKey {
    /// Asks the server to cancel whatever the connection runs now.
    pub async fn cancel(&self) -> io::Result<()> {
        let mut socket = Socket::connect(&self.address).await?;
        let mut buf = BytesMut::new();
        frontend::cancel_request(self.process_id, self.secret_key, &mut buf);
        socket.write_all(&buf).await
    }
}

/// How many statements one connection keeps prepared. A client sending ever new documents
/// makes ever new statements; past this, the least recently used are closed, so neither the map
/// nor PostgreSQL's memory for them grows without bound.
pub(crate) const PREPARED_PER_CONNECTION: usize = 256;

/// A statement parsed on the connection, named by the order it was prepared in.
struct Prepared {
    name: String,
    params: Vec<Type>,
    /// The round trip that last bound it (see `Connection::round_trips`).
    used: u64,
}

/// One open connection.
pub(crate) struct Connection {
    socket: Socket,
    read: BytesMut,
    write: BytesMut,
    /// By statement text, looked up once per statement of every round trip: hashed with
    /// foldhash (randomly seeded per map), a tenth of SipHash's cost on a statement's few
    /// hundred bytes.
    prepared: HashMap<Box<str>, Prepared, foldhash::fast::RandomState>,
    /// Statements prepared so far, closed ones included: the next one's name.
    named: u64,
    /// Round trips so far: what tells the least recently used statement.
    round_trips: u64,
    cancel: CancelKey,
    /// Set while a round trip is in flight: if its future is dropped midway, the connection's
    /// state is unknown and it must not be used again.
    busy: bool,
}

impl Connection {
    /// Opens a connection to the first reachable server `config` names and logs in (trust,
    /// cleartext, MD5 or SCRAM-SHA-256 passwords), with `config`'s user, database, options and
    /// application name.
    pub async fn connect(config: &tokio_postgres::Config) -> Result<Connection, WireError> {
        // Never a silent downgrade: a connection string that demands TLS is refused.
        if matches!(config.get_ssl_mode(), SslMode::Require)
            || matches!(config.get_channel_binding(), ChannelBinding::Require)
        {
            return Err(WireError::Broken(
                "the connection string requires TLS, which fraiseql's connections do not speak"
                    .into(),
            ));
        }
        let timeout = config
            .get_connect_timeout()
            .copied()
            .unwrap_or(Duration::from_secs(30));
        let mut last = WireError::Broken("no host to connect to".into());
        for address in addresses(config).await {
            match tokio::time::timeout(timeout, Self::start(config, address)).await {
                Ok(Ok(connection)) => return Ok(connection),
                Ok(Err(error)) => last = error,
                Err(_) => last = WireError::Broken("connecting timed out".into()),
            }
        }
        Err(last)
    }

    async fn start(
        config: &tokio_postgres::Config,
        address: Address,
    ) -> Result<Connection, WireError> {
        let user = config
            .get_user()
            .ok_or_else(|| WireError::Broken("the connection string names no user".into()))?;
        let mut parameters = vec![("user", user), ("client_encoding", "UTF8")];
        if let Some(dbname) = config.get_dbname() {
            parameters.push(("database", dbname));
        }
        if let Some(options) = config.get_options() {
            parameters.push(("options", options));
        }
        if let Some(name) = config.get_application_name() {
            parameters.push(("application_name", name));
        }
        let mut connection = Connection {
            socket: Socket::connect(&address).await?,
            read: BytesMut::with_capacity(8 * 1024),
            write: BytesMut::with_capacity(1024),
            prepared: HashMap::default(),
            named: 0,
            round_trips: 0,
            cancel: CancelKey {
                address,
                process_id: 0,
                secret_key: 0,
            },
            busy: true,
        };
        frontend::startup_message(parameters, &mut connection.write)?;
        connection.flush().await?;
        connection
            .authenticate(user, config.get_password().unwrap_or_default())
            .await?;
        loop {
            match connection.next().await? {
                Message::BackendKeyData(body) => {
                    connection.cancel.process_id = body.process_id();
                    connection.cancel.secret_key = body.secret_key();
                }
                Message::ReadyForQuery(_) => break,
                Message::ErrorResponse(body) => return Err(WireError::Db(db_error(body)?)),
                _ => {}
            }
        }
        connection.busy = false;
        Ok(connection)
    }

    async fn authenticate(&mut self, user: &str, password: &[u8]) -> Result<(), WireError> {
        let mut scram = None;
        loop {
            match self.next().await? {
                Message::AuthenticationOk => return Ok(()),
                Message::AuthenticationCleartextPassword => {
                    frontend::password_message(password, &mut self.write)?;
                }
                Message::AuthenticationMd5Password(body) => {
                    let hash = md5_hash(user.as_bytes(), password, body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.write)?;
                }
                Message::AuthenticationSasl(body) => {
                    let mut mechanisms = body.mechanisms();
                    let mut offered = false;
                    while let Some(mechanism) = mechanisms.next()? {
                        offered |= mechanism == sasl::SCRAM_SHA_256;
                    }
                    if !offered {
                        return Err(WireError::Broken("no supported SASL mechanism".into()));
                    }
                    let exchange =
                        sasl::ScramSha256::new(password, sasl::ChannelBinding::unsupported());
                    frontend::sasl_initial_response(
                        sasl::SCRAM_SHA_256,
                        exchange.message(),
                        &mut self.write,
                    )?;
                    scram = Some(exchange);
                }
                Message::AuthenticationSaslContinue(body) => {
                    let exchange = scram.as_mut().ok_or_else(unexpected)?;
                    exchange.update(body.data())?;
                    frontend::sasl_response(exchange.message(), &mut self.write)?;
                }
                Message::AuthenticationSaslFinal(body) => {
                    scram.as_mut().ok_or_else(unexpected)?.finish(body.data())?;
                    continue;
                }
                Message::ErrorResponse(body) => return Err(WireError::Db(db_error(body)?)),
                _ => return Err(WireError::Broken("unsupported authentication".into())),
            }
            self.flush().await?;
        }
    }

    /// What cancels this connection's running statement.
    pub fn cancel_key(&self) -> CancelKey {
        self.cancel.clone()
    }

    /// Whether a round trip was abandoned midway: the connection must be closed.
    pub fn is_broken(&self) -> bool {
        self.busy
    }

    /// Whether the server ended this idle connection: it closed the socket, or sent an error
    /// (PostgreSQL sends `FATAL` before it closes a session it terminates — a restart,
    /// `pg_terminate_backend`, `idle_session_timeout`). Checked before each use, so a request
    /// never goes to a connection that died while it sat in the pool. Other messages an idle
    /// connection may receive (notices, parameter changes) are kept for the next round trip,
    /// which skips them.
    pub fn is_closed_by_server(&mut self) -> bool {
        loop {
            if self.read.capacity() - self.read.len() < 1024 {
                self.read.reserve(8 * 1024);
            }
            match self.socket.try_read_buf(&mut self.read) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => break,
                Err(_) => return true,
            }
        }
        if self.read.is_empty() {
            return false;
        }
        let mut pending = self.read.clone();
        loop {
            match Message::parse(&mut pending) {
                Ok(Some(Message::ErrorResponse(_))) | Err(_) => return true,
                Ok(Some(_)) => {}
                Ok(None) => return false,
            }
        }
    }

    /// Runs `sql` with `params` after `before` (another statement and its params, whose rows
    /// are discarded), both in one implicit transaction, and returns the text of `sql`'s single
    /// row and column. Each statement is prepared on its first use on this connection (one
    /// more round trip, once).
    pub async fn query_text(
        &mut self,
        before: Option<(&str, &[&(dyn ToSql + Sync)])>,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<String, WireError> {
        self.busy = true;
        let answer = self.round_trip(before, sql, params).await;
        match &answer {
            Err(WireError::Broken(_)) => {}
            _ => self.busy = false,
        }
        answer
    }

    async fn round_trip(
        &mut self,
        before: Option<(&str, &[&(dyn ToSql + Sync)])>,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<String, WireError> {
        let main = (sql, params);
        let both;
        let statements: &[(&str, &[&(dyn ToSql + Sync)])] = match before {
            Some(before) => {
                both = [before, main];
                &both
            }
            None => std::slice::from_ref(&main),
        };
        // Prepared statements are bound as they are looked up: one hash of each text.
        self.round_trips += 1;
        if !self.bind_prepared(statements)? {
            let sqls: Vec<&str> = statements.iter().map(|(sql, _)| *sql).collect();
            self.prepare(&sqls).await?;
            if !self.bind_prepared(statements)? {
                return Err(unexpected());
            }
        }
        frontend::sync(&mut self.write);
        self.flush().await?;

        let mut completed = 0;
        let mut text = None;
        let mut failure = None;
        loop {
            match self.next().await? {
                Message::DataRow(row) if completed + 1 == statements.len() => {
                    let mut ranges = row.ranges();
                    let value = match ranges.next()? {
                        Some(Some(range)) => std::str::from_utf8(&row.buffer()[range])
                            .map_err(|e| WireError::Broken(e.to_string()))?
                            .to_owned(),
                        _ => return self.finish(WireError::Encode("a NULL result".into())).await,
                    };
                    if text.replace(value).is_some() {
                        return self
                            .finish(WireError::Encode("more than one row".into()))
                            .await;
                    }
                }
                Message::CommandComplete(_) | Message::EmptyQueryResponse => completed += 1,
                Message::ErrorResponse(body) => failure = Some(db_error(body)?),
                Message::ReadyForQuery(status) => {
                    if status.status() != b'I' {
                        return Err(WireError::Broken("left inside a transaction".into()));
                    }
                    break;
                }
                _ => {}
            }
        }
        match (failure, text) {
            (Some(error), _) => Err(WireError::Db(error)),
            (None, Some(text)) => Ok(text),
            (None, None) => Err(WireError::Encode("no row".into())),
        }
    }

    /// Writes a Bind and an Execute for each of `statements`; `false` (and nothing written)
    /// when one of them is not prepared on this connection yet.
    fn bind_prepared(
        &mut self,
        statements: &[(&str, &[&(dyn ToSql + Sync)])],
    ) -> Result<bool, WireError> {
        self.write.clear();
        for (sql, params) in statements {
            let Some(prepared) = self.prepared.get_mut(*sql) else {
                self.write.clear();
                return Ok(false);
            };
            prepared.used = self.round_trips;
            if prepared.params.len() != params.len() {
                self.write.clear();
                return Err(WireError::Encode(format!(
                    "{} parameters for {} placeholders",
                    params.len(),
                    prepared.params.len()
                )));
            }
            let encoded = frontend::bind(
                "",
                &prepared.name,
                params.iter().map(|_| 1),
                params.iter().zip(&prepared.params),
                |(param, ty), buf| {
                    Ok(match param.to_sql_checked(ty, buf)? {
                        postgres_types::IsNull::Yes => postgres_protocol::IsNull::Yes,
                        postgres_types::IsNull::No => postgres_protocol::IsNull::No,
                    })
                },
                [1],
                &mut self.write,
            );
            if let Err(error) = encoded {
                self.write.clear();
                return Err(WireError::Encode(match error {
                    frontend::BindError::Conversion(e) => e.to_string(),
                    frontend::BindError::Serialization(e) => e.to_string(),
                }));
            }
            frontend::execute("", 0, &mut self.write)?;
        }
        Ok(true)
    }

    /// Reads up to the ReadyForQuery that ends the current round trip, then returns `error`.
    async fn finish(&mut self, error: WireError) -> Result<String, WireError> {
        while !matches!(self.next().await?, Message::ReadyForQuery(_)) {}
        Err(error)
    }

    /// Parses and describes, in one round trip, every statement of `sqls` not yet prepared,
    /// first closing the least recently used ones beyond [`PREPARED_PER_CONNECTION`] (never one
    /// of `sqls`: the round trip binds them next).
    async fn prepare(&mut self, sqls: &[&str]) -> Result<(), WireError> {
        let missing: Vec<&str> = (sqls.iter().copied())
            .filter(|sql| !self.prepared.contains_key(*sql))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        self.write.clear();
        // Closed before anything is parsed: PostgreSQL runs the Closes even if a Parse fails.
        for name in self.evict(missing.len(), sqls) {
            frontend::close(b'S', &name, &mut self.write)?;
        }
        let names: Vec<String> = (0..missing.len())
            .map(|_| {
                self.named += 1;
                format!("fraiseql_{}", self.named)
            })
            .collect();
        for (sql, name) in missing.iter().zip(&names) {
            frontend::parse(name, sql, std::iter::empty(), &mut self.write)?;
            frontend::describe(b'S', name, &mut self.write)?;
        }
        frontend::sync(&mut self.write);
        self.flush().await?;
        let mut described = Vec::new();
        let mut failure = None;
        loop {
            match self.next().await? {
                Message::ParameterDescription(body) => {
                    let oids: Vec<u32> = body.parameters().collect()?;
                    let types = oids
                        .into_iter()
                        .map(|oid| Type::from_oid(oid).unwrap_or(Type::UNKNOWN))
                        .collect();
                    described.push(types);
                }
                Message::ErrorResponse(body) => failure = Some(db_error(body)?),
                Message::ReadyForQuery(_) => break,
                _ => {}
            }
        }
        if let Some(error) = failure {
            return Err(WireError::Db(error));
        }
        if described.len() != missing.len() {
            return Err(unexpected());
        }
        for ((sql, name), params) in missing.into_iter().zip(names).zip(described) {
            let used = self.round_trips;
            self.prepared
                .insert(sql.into(), Prepared { name, params, used });
        }
        Ok(())
    }

    /// Forgets the least recently used statements (none of `keep`) so that `adding` more fit
    /// within [`PREPARED_PER_CONNECTION`], and returns their names to close.
    fn evict(&mut self, adding: usize, keep: &[&str]) -> Vec<String> {
        let excess = (self.prepared.len() + adding).saturating_sub(PREPARED_PER_CONNECTION);
        if excess == 0 {
            return Vec::new();
        }
        let mut candidates: Vec<(u64, &str)> = (self.prepared.iter())
            .filter(|(sql, _)| !keep.contains(&sql.as_ref()))
            .map(|(sql, prepared)| (prepared.used, &**sql))
            .collect();
        candidates.sort_unstable();
        let victims: Vec<Box<str>> = (candidates.into_iter().take(excess))
            .map(|(_, sql)| sql.into())
            .collect();
        (victims.iter())
            .filter_map(|sql| self.prepared.remove(sql))
            .map(|prepared| prepared.name)
            .collect()
    }

    async fn flush(&mut self) -> io::Result<()> {
        self.socket.write_all(&self.write).await?;
        self.write.clear();
        Ok(())
    }

    /// The next backend message, reading from the socket as needed.
    async fn next(&mut self) -> Result<Message, WireError> {
        loop {
            if let Some(message) = Message::parse(&mut self.read)? {
                return Ok(message);
            }
            if self.read.capacity() - self.read.len() < 4096 {
                self.read.reserve(8 * 1024);
            }
            if self.socket.read_buf(&mut self.read).await? == 0 {
                return Err(WireError::Broken("the server closed the connection".into()));
            }
        }
    }
}

fn unexpected() -> WireError {
    WireError::Broken("unexpected message from the server".into())
}

fn db_error(body: postgres_protocol::message::backend::ErrorResponseBody) -> io::Result<DbFailure> {
    let mut error = DbFailure::default();
    let mut fields = body.fields();
    while let Some(field) = fields.next()? {
        let value = String::from_utf8_lossy(field.value_bytes()).into_owned();
        match field.type_() {
            b'C' => error.code = value,
            b'M' => error.message = value,
            b'D' => error.detail = Some(value),
            b'H' => error.hint = Some(value),
            b'n' => error.constraint = Some(value),
            _ => {}
        }
    }
    Ok(error)
}

/// The servers `config` names, in order, resolved (a configuration naming none got one from
/// [`with_default_host`](super::with_default_host) in `Database::connect`).
async fn addresses(config: &tokio_postgres::Config) -> Vec<Address> {
    let ports = config.get_ports();
    let mut addresses = Vec::new();
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        match host {
            Host::Tcp(name) => {
                if let Ok(resolved) = tokio::net::lookup_host((name.as_str(), port)).await {
                    addresses.extend(resolved.map(Address::Tcp));
                }
            }
            Host::Unix(dir) => {
                addresses.push(Address::Unix(dir.join(format!(".s.PGSQL.{port}"))));
            }
        }
    }
    addresses
}
