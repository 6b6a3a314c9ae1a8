//! The blog the runtime tests and benches share: its FraiseQL types and its fixture database.
#![allow(dead_code)]

use fraiseql::FraiseType;
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

/// tb_user/tb_post/tb_comment with Trinity keys, tv_user/tv_post refreshed by fn_sync_tv_*,
/// and the seed: the blog the server examples serve (`examples/blog/`), so tests and examples
/// cannot drift apart.
pub const BLOG: &str = concat!(
    include_str!("../../../examples/blog/schema.sql"),
    include_str!("../../../examples/blog/seed.sql")
);

/// The blog's entities and inputs, as the examples declare them.
#[path = "../../../examples/blog/types.rs"]
mod blog_types;
#[allow(unused_imports)] // not every test binary uses them
pub use blog_types::*;

/// The blog's mutation functions (`fn_create_user`, `fn_update_user`, `fn_delete_user`,
/// `fn_create_post`); they need [`fraiseql::MUTATION_RESULT_SQL`] first.
pub const BLOG_MUTATIONS: &str = include_str!("../../../examples/blog/mutations.sql");

/// A fresh database holding the blog, and a plain connection to it.
pub async fn blog_db() -> (TestDb, tokio_postgres::Client) {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(BLOG).await.expect("the blog fixture");
    let client = db.connect().await.expect("a connection");
    (db, client)
}

/// [`blog_db`] with the mutation result type and the blog's mutation functions.
pub async fn blog_with_mutations_db() -> (TestDb, tokio_postgres::Client) {
    let (db, client) = blog_db().await;
    client
        .batch_execute(fraiseql::MUTATION_RESULT_SQL)
        .await
        .expect("the mutation result type");
    client
        .batch_execute(BLOG_MUTATIONS)
        .await
        .expect("the blog's mutation functions");
    (db, client)
}

/// The tenants of the blog fixture (even users in A, odd users in B).
pub const TENANT_A: Uuid = Uuid::from_u128(0xaaaaaaaa_0000_0000_0000_000000000000);
/// The second tenant.
pub const TENANT_B: Uuid = Uuid::from_u128(0xbbbbbbbb_0000_0000_0000_000000000000);

/// Row-level security by `app.tenant_id` on every `tb_*` and `tv_*` table of the blog, and a
/// pool of `connections` logged in as a role that owns nothing (owners skip policies) and has
/// no BYPASSRLS. Returns the pool and the role, which the test drops with [`drop_role`].
pub async fn secured_blog(
    db: &TestDb,
    client: &tokio_postgres::Client,
    connections: usize,
) -> (fraiseql::Database, String) {
    let role = format!("{}_reader", db.name());
    let tenant = "NULLIF(current_setting('app.tenant_id', true), '')::uuid";
    client
        .batch_execute(&format!(
            "ALTER TABLE tb_user ENABLE ROW LEVEL SECURITY;
             ALTER TABLE tb_post ENABLE ROW LEVEL SECURITY;
             ALTER TABLE tb_comment ENABLE ROW LEVEL SECURITY;
             ALTER TABLE tv_user ENABLE ROW LEVEL SECURITY;
             ALTER TABLE tv_post ENABLE ROW LEVEL SECURITY;
             CREATE POLICY tenant_isolation ON tb_user USING (tenant_id = {tenant});
             CREATE POLICY tenant_isolation ON tb_post USING (EXISTS (
                 SELECT FROM tb_user u WHERE u.pk_user = fk_author AND u.tenant_id = {tenant}));
             CREATE POLICY tenant_isolation ON tb_comment USING (EXISTS (
                 SELECT FROM tb_post p JOIN tb_user u ON u.pk_user = p.fk_author
                 WHERE p.pk_post = fk_post AND u.tenant_id = {tenant}));
             CREATE POLICY tenant_isolation ON tv_user USING (tenant_id = {tenant});
             CREATE POLICY tenant_isolation ON tv_post USING (tenant_id = {tenant});
             CREATE ROLE \"{role}\" LOGIN PASSWORD 'reader' NOSUPERUSER NOBYPASSRLS;
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{role}\";"
        ))
        .await
        .expect("row-level security");
    let mut config = db.config();
    config.user(&role).password("reader");
    (
        fraiseql::Database::connect(config, connections).expect("a pool"),
        role,
    )
}

/// Drops a role [`secured_blog`] made (roles belong to the server, not the test database).
pub async fn drop_role(db: &TestDb, role: &str) {
    db.execute_script(&format!("DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\";"))
        .await
        .expect("drop the role");
}

/// Every page of a connection walked from one end, `size` rows at a time: forwards from the
/// first row, or backwards from the last. Stops after `max_pages`, so a cursor that stalls or
/// cycles fails the test that checks the rows instead of hanging it.
pub async fn walk<T: FraiseType>(
    repository: &fraiseql::Repository<T>,
    context: &fraiseql::RequestContext,
    filter: &fraiseql::sql::Filter,
    order: &[fraiseql::sql::OrderBy],
    size: u32,
    forwards: bool,
    max_pages: usize,
) -> Vec<fraiseql::ConnectionPage<T>> {
    use fraiseql::sql::Page;
    let mut pages: Vec<fraiseql::ConnectionPage<T>> = Vec::new();
    while pages.len() < max_pages {
        let last = pages.last().map(|p| &p.page_info);
        let page = if forwards {
            let after = last.and_then(|p| p.end_cursor.clone());
            Page::Forward { first: size, after }
        } else {
            let before = last.and_then(|p| p.start_cursor.clone());
            Page::Backward { last: size, before }
        };
        let page = repository
            .connection(context, filter.clone(), order.to_vec(), page)
            .await
            .expect("a page");
        let more = if forwards {
            page.page_info.has_next_page
        } else {
            page.page_info.has_previous_page
        };
        pages.push(page);
        if !more {
            break;
        }
    }
    pages
}

/// The body juniper's own executor answers `query` with (`{"data":…}`, then `"errors"` when there
/// are any): the reference the single-statement path must equal byte for byte.
pub async fn juniper_body(
    schema: &fraiseql::graphql::Schema,
    context: &fraiseql::graphql::Context,
    query: &str,
    variables: &juniper::Variables,
) -> String {
    let (data, errors) = juniper::execute(query, None, schema, variables, context)
        .await
        .expect("a valid query");
    let mut body = format!("{{\"data\":{}", serde_json::to_string(&data).unwrap());
    if !errors.is_empty() {
        body += &format!(",\"errors\":{}", serde_json::to_string(&errors).unwrap());
    }
    body.push('}');
    body
}

/// The rows of `sql` as a JSON array of objects.
pub async fn plain(client: &tokio_postgres::Client, sql: &str) -> serde_json::Value {
    let row = client
        .query_one(
            &format!("SELECT coalesce(json_agg(q), '[]')::text FROM ({sql}) q"),
            &[],
        )
        .await
        .unwrap();
    serde_json::from_str(&row.get::<_, String>(0)).unwrap()
}

/// The blog served by a schema of `User` and `Post`, with a plain client beside it for the
/// answers' reference SQL; the differential tests add their own ways to ask it.
pub struct Blog {
    pub db: TestDb,
    pub client: tokio_postgres::Client,
    pub schema: fraiseql::graphql::Schema,
    pub context: fraiseql::graphql::Context,
}

impl Blog {
    /// The response of the one-statement fast path; for successful responses, checked
    /// byte-identical to juniper's own executor answering the same request.
    pub async fn differential(
        &self,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let variables: juniper::Variables = serde_json::from_value(variables).unwrap();
        let answer =
            fraiseql::graphql::execute(&self.schema, query, None, &variables, &self.context).await;
        let response: serde_json::Value = serde_json::from_str(answer.body()).expect("a JSON body");
        assert_eq!(
            answer.is_request_error(),
            response.get("data").is_none(),
            "a request error is exactly a response without data: {response}"
        );
        let body = answer.into_body();
        if response.get("data").is_some() {
            let reference = juniper_body(&self.schema, &self.context, query, &variables).await;
            assert_eq!(
                body, reference,
                "fast path and juniper path differ for {query}"
            );
        }
        response
    }

    /// The rows of `sql` as a JSON array of objects (see [`plain`]).
    pub async fn rows(&self, sql: &str) -> serde_json::Value {
        plain(&self.client, sql).await
    }

    /// The JSON value `sql` (one row, one column castable to text) computes.
    pub async fn value(&self, sql: &str) -> serde_json::Value {
        let text: String = self
            .client
            .query_one(&format!("SELECT ({sql})::text"), &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0);
        serde_json::from_str(&text).unwrap()
    }
}

/// A fresh blog database (see [`blog_db`]) and its schema, on a pool of two connections.
pub async fn blog() -> Blog {
    let (db, client) = blog_db().await;
    let database = fraiseql::Database::connect(db.config(), 2).unwrap();
    let schema = fraiseql::graphql::SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .build()
        .unwrap();
    let context = fraiseql::graphql::Context::new(database, fraiseql::RequestContext::new());
    Blog {
        db,
        client,
        schema,
        context,
    }
}

/// The blog database served by a schema of the test's own, on a pool of two connections, with a
/// plain client beside it for the answers' reference SQL.
pub struct Served {
    pub db: TestDb,
    pub client: tokio_postgres::Client,
    pub schema: fraiseql::graphql::Schema,
    pub database: fraiseql::Database,
}

impl Served {
    /// `schema` over [`blog_db`], or over [`blog_with_mutations_db`] when `mutations`.
    pub async fn new(schema: fraiseql::graphql::Schema, mutations: bool) -> Served {
        let (db, client) = if mutations {
            blog_with_mutations_db().await
        } else {
            blog_db().await
        };
        let database = fraiseql::Database::connect(db.config(), 2).unwrap();
        Served {
            db,
            client,
            schema,
            database,
        }
    }
}

/// A TCP proxy in front of a test database that counts what PostgreSQL is asked to run: each
/// Execute message (a statement of the extended protocol, however prepared) and each simple
/// Query message. A test points a [`fraiseql::Database`] at [`config`](Self::config) and reads
/// [`statements`](Self::statements) before and after a request.
pub struct StatementCounter {
    config: tokio_postgres::Config,
    statements: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl StatementCounter {
    /// A proxy to the database `db` names, listening on a free local port.
    pub async fn new(db: &TestDb) -> StatementCounter {
        use std::sync::Arc;
        use std::sync::atomic::AtomicUsize;
        use tokio_postgres::config::Host;
        let upstream = db.config();
        let port = upstream.get_ports().first().copied().unwrap_or(5432);
        let host = upstream.get_hosts().first().cloned().expect("a host");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let local = listener.local_addr().unwrap();
        let statements = Arc::new(AtomicUsize::new(0));
        let counted = statements.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counted = counted.clone();
                let host = host.clone();
                tokio::spawn(async move {
                    match host {
                        Host::Tcp(name) => {
                            let server = tokio::net::TcpStream::connect((name.as_str(), port))
                                .await
                                .expect("the database server");
                            relay(client, server, counted).await;
                        }
                        Host::Unix(dir) => {
                            let path = dir.join(format!(".s.PGSQL.{port}"));
                            let server = tokio::net::UnixStream::connect(path)
                                .await
                                .expect("the database server");
                            relay(client, server, counted).await;
                        }
                    }
                });
            }
        });
        let mut config = tokio_postgres::Config::new();
        config.host("127.0.0.1").port(local.port());
        if let Some(user) = upstream.get_user() {
            config.user(user);
        }
        if let Some(password) = upstream.get_password() {
            config.password(password);
        }
        if let Some(dbname) = upstream.get_dbname() {
            config.dbname(dbname);
        }
        StatementCounter { config, statements }
    }

    /// Connection settings that reach the database through the proxy.
    pub fn config(&self) -> tokio_postgres::Config {
        self.config.clone()
    }

    /// Statements run through the proxy so far.
    pub fn statements(&self) -> usize {
        self.statements.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Copies bytes both ways between a client and the server, counting the client's Execute
/// (`E`) and Query (`Q`) messages. The client's first messages (SSL or GSS requests, then the
/// startup packet) carry no type byte.
async fn relay<S>(
    client: tokio::net::TcpStream,
    server: S,
    counted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = tokio::io::split(server);
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut untyped = true;
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let read = match client_read.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        pending.extend_from_slice(&chunk[..read]);
        // Count every whole message received so far.
        let mut at = 0;
        loop {
            let header = if untyped { 4 } else { 5 };
            if pending.len() < at + header {
                break;
            }
            let length_at = if untyped { at } else { at + 1 };
            let length =
                u32::from_be_bytes(pending[length_at..length_at + 4].try_into().unwrap()) as usize;
            let end = length_at + length;
            if pending.len() < end {
                break;
            }
            if untyped {
                let code = u32::from_be_bytes(pending[at + 4..at + 8].try_into().unwrap());
                // SSLRequest and GSSENCRequest are followed by another untyped message.
                untyped = matches!(code, 80_877_103 | 80_877_104);
            } else if matches!(pending[at], b'E' | b'Q') {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            at = end;
        }
        if server_write.write_all(&pending[..at]).await.is_err() {
            break;
        }
        pending.drain(..at);
    }
    let _ = server_write.shutdown().await;
}
