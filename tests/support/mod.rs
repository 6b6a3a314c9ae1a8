//! What the HTTP tests share: the blog on a fresh database, both adapters started on an ephemeral
//! port with the same context hook, and a minimal HTTP/1.1 client over a TCP stream.
#![allow(dead_code)]

#[path = "../../examples/blog/mod.rs"]
pub mod blog;

use std::net::SocketAddr;
use std::time::Duration;

use fraiseql::http::{Endpoint, Rejection};
use fraiseql::{Database, FraiseType, RequestContext};
use fraiseql_tempdb::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The web frameworks under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    /// `fraiseql::axum`.
    Axum,
    /// `fraiseql::actix`.
    Actix,
}

pub const ADAPTERS: [Adapter; 2] = [Adapter::Axum, Adapter::Actix];

/// A read model that shows what the request's context set inside the transaction, and sleeps
/// `app.sleep` seconds when asked (for the timeout tests).
const PROBE: &str = r#"
CREATE VIEW tv_probe AS
SELECT '00000000-0000-0000-0000-000000000001'::uuid AS id,
       jsonb_build_object(
           'id', '00000000-0000-0000-0000-000000000001',
           'tenant', nullif(current_setting('app.tenant_id', true), ''),
           'user', nullif(current_setting('app.user_id', true), ''),
           'slept', (SELECT true FROM pg_sleep(coalesce(nullif(current_setting('app.sleep', true), '')::float8, 0)))
       ) AS data;
"#;

/// What the request's context set.
#[derive(FraiseType)]
pub struct Probe {
    pub id: uuid::Uuid,
    pub tenant: Option<String>,
    pub user: Option<String>,
    pub slept: bool,
}

/// The claims the app's own (test) authentication middleware leaves in the request's extensions.
#[derive(Debug, Clone)]
pub struct Claims {
    pub user: String,
}

/// The context hook both adapters use: `x-tenant-id` → tenant, the middleware's claims → user,
/// `x-sleep` → `app.sleep`, `x-deny` → 403.
pub fn context(
    header: impl Fn(&str) -> Option<String>,
    claims: Option<Claims>,
) -> Result<RequestContext, Rejection> {
    if header("x-deny").is_some() {
        return Err(Rejection::forbidden("denied by the test hook"));
    }
    let mut context = RequestContext::new();
    if let Some(tenant) = header("x-tenant-id") {
        context = context.tenant_id(tenant);
    }
    if let Some(claims) = claims {
        context = context.user_id(claims.user);
    }
    if let Some(sleep) = header("x-sleep") {
        context = context.setting("app.sleep", sleep)?;
    }
    Ok(context)
}

/// Claims from `authorization: Bearer <user>`.
pub fn claims(authorization: Option<&str>) -> Option<Claims> {
    let user = authorization?.strip_prefix("Bearer ")?;
    Some(Claims {
        user: user.to_owned(),
    })
}

/// A running server on the blog database.
pub struct Served {
    pub addr: SocketAddr,
    pub adapter: Adapter,
    stop: Option<Box<dyn FnOnce() + Send>>,
    pub db: TestDb,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
    }
}

/// A fresh blog database (plus the probe view) served by `adapter`, with the endpoint as
/// `configure` leaves it.
pub async fn serve(adapter: Adapter, configure: impl FnOnce(Endpoint) -> Endpoint) -> Served {
    serve_with_pool(adapter, 4, configure).await
}

/// [`serve`] with a pool of `connections` connections.
pub async fn serve_with_pool(
    adapter: Adapter,
    connections: usize,
    configure: impl FnOnce(Endpoint) -> Endpoint,
) -> Served {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(blog::SCHEMA)
        .await
        .expect("the blog schema");
    db.execute_script(blog::SEED).await.expect("the blog seed");
    db.execute_script(PROBE).await.expect("the probe view");
    let schema = fraiseql::graphql::SchemaBuilder::new()
        .query::<blog::User>()
        .query::<blog::Post>()
        .query::<Probe>()
        .build()
        .expect("the schema");
    let database = Database::connect(db.config(), connections).expect("a pool");
    let endpoint = configure(Endpoint::new(schema, database));
    let (addr, stop) = match adapter {
        Adapter::Axum => serve_axum(endpoint).await,
        Adapter::Actix => serve_actix(endpoint),
    };
    Served {
        addr,
        adapter,
        stop: Some(stop),
        db,
    }
}

async fn serve_axum(endpoint: Endpoint) -> (SocketAddr, Box<dyn FnOnce() + Send>) {
    use axum::extract::Request;
    use axum::middleware::{Next, from_fn};

    let graphql = fraiseql::axum::GraphQL::new(endpoint).context(|request| {
        let header = |name: &str| {
            let value = request.headers.get(name)?.to_str().ok()?;
            Some(value.to_owned())
        };
        context(header, request.extensions.get::<Claims>().cloned())
    });
    // The app's own authentication: a middleware that leaves claims in the extensions.
    let auth = |mut request: Request, next: Next| async move {
        let found = claims(
            request
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok()),
        );
        if let Some(found) = found {
            request.extensions_mut().insert(found);
        }
        next.run(request).await
    };
    let app: axum::Router = axum::Router::new()
        .route("/", axum::routing::get(|| async { "home" }))
        .merge(graphql.router())
        .layer(from_fn(auth));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (
        addr,
        Box::new(move || {
            let _ = stop.send(());
        }),
    )
}

fn serve_actix(endpoint: Endpoint) -> (SocketAddr, Box<dyn FnOnce() + Send>) {
    use actix_web::HttpMessage as _;
    use actix_web::dev::Service as _;

    let graphql = fraiseql::actix::GraphQL::new(endpoint).context(|request| {
        let header = |name: &str| {
            let value = request.headers().get(name)?.to_str().ok()?;
            Some(value.to_owned())
        };
        context(header, request.extensions().get::<Claims>().cloned())
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            // The app's own authentication: a middleware that leaves claims in the extensions.
            .wrap_fn(|request, service| {
                let found = claims(
                    request
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok()),
                );
                if let Some(found) = found {
                    request.extensions_mut().insert(found);
                }
                service.call(request)
            })
            .route("/", actix_web::web::get().to(|| async { "home" }))
            .configure(|config| graphql.configure(config))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (
        addr,
        Box::new(move || {
            // Stopping is asynchronous; the handle's future need not be awaited.
            drop(handle.stop(false));
        }),
    )
}

/// The content type of `application/json` answers.
pub const JSON: &str = "application/json; charset=utf-8";
/// The content type of `application/graphql-response+json` answers.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
/// The header line asking for `application/graphql-response+json`.
pub const ACCEPT_GRAPHQL_RESPONSE: &str = "Accept: application/graphql-response+json";

/// Asserts status and content type, naming the adapter on failure.
pub fn expect(adapter: Adapter, reply: &Reply, status: u16, content_type: &str) {
    assert_eq!(reply.status, status, "{adapter:?}: {reply:?}");
    assert_eq!(reply.content_type(), content_type, "{adapter:?}: {reply:?}");
}

/// Asserts a refusal: status, content type, code, and no `data`.
pub fn refused(adapter: Adapter, reply: &Reply, status: u16, content_type: &str, code: &str) {
    expect(adapter, reply, status, content_type);
    assert_eq!(reply.code(), code, "{adapter:?}: {reply:?}");
    assert!(reply.json().get("data").is_none(), "{adapter:?}: {reply:?}");
}

/// An HTTP response as received.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// The first error's `extensions.code`.
    pub fn code(&self) -> String {
        self.json()["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no extensions.code in {}", self.body))
            .to_owned()
    }
}

/// Sends one raw HTTP/1.1 request (`head` without the final blank line; `Host` and
/// `Connection: close` are added) and reads the whole response.
pub async fn raw(addr: SocketAddr, head: &str, body: &[u8]) -> Reply {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut request =
            format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes();
        request.extend_from_slice(body);
        stream.write_all(&request).await.unwrap();
        let mut bytes = Vec::new();
        // The server may answer (e.g. 413) and close before reading everything we sent.
        let _ = stream.read_to_end(&mut bytes).await;
        bytes
    };
    let bytes = tokio::time::timeout(Duration::from_secs(60), exchange)
        .await
        .expect("the server answers within 60 s");
    parse(&bytes)
}

/// Sends one raw HTTP/1.1 request the way a plain blocking client does (Python's `http.client`,
/// many SDKs): the head (`head` without the final blank line; `Host` is added, nothing else),
/// then the WHOLE body, and only then reads the response, up to the server's close. A server that
/// stops reading and closes early shows up here as the write's error (a broken pipe, a reset).
/// Blocking: run it with `tokio::task::spawn_blocking`.
pub fn write_then_read(addr: SocketAddr, head: &str, body: &[u8]) -> std::io::Result<Reply> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.write_all(format!("{head}\r\nHost: {addr}\r\n\r\n").as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    Ok(parse(&bytes))
}

/// Parses one complete HTTP/1.1 response (its body up to the end of `bytes`, de-chunked).
pub fn parse(bytes: &[u8]) -> Reply {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8(body).expect("a UTF-8 body"),
    }
}

fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = input.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&input[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        input = &input[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&input[..size]);
        input = &input[size + 2..];
    }
}

/// POST `body` as `application/json` to `/graphql` with extra header lines.
pub async fn post(served: &Served, headers: &[&str], body: &str) -> Reply {
    let mut head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
        body.len()
    );
    for header in headers {
        head.push_str("\r\n");
        head.push_str(header);
    }
    raw(served.addr, &head, body.as_bytes()).await
}

/// GET `path` (with its query string) with extra header lines.
pub async fn get(served: &Served, path: &str, headers: &[&str]) -> Reply {
    let mut head = format!("GET {path} HTTP/1.1");
    for header in headers {
        head.push_str("\r\n");
        head.push_str(header);
    }
    raw(served.addr, &head, b"").await
}

/// Installs the npm `packages` (pinned `name@version` specs, aliases as `alias@npm:name@version`)
/// once into `target/<dir>`, and returns that directory (run `node` there).
pub fn npm_install(dir: &str, packages: &[&str]) -> std::path::PathBuf {
    // The tests of one binary install one after the other.
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALLING.lock().unwrap_or_else(|p| p.into_inner());
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(dir);
    let name = |spec: &str| match spec.strip_prefix('@') {
        Some(scoped) => format!("@{}", scoped.split('@').next().unwrap_or("")),
        None => spec.split('@').next().unwrap_or("").to_owned(),
    };
    let installed = packages.iter().all(|spec| {
        let manifest = format!("node_modules/{}/package.json", name(spec));
        dir.join(manifest).exists()
    });
    if !installed {
        std::fs::create_dir_all(&dir).unwrap();
        let status = std::process::Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .args(packages)
            .status()
            .expect("npm is needed for this test (Debian: apt-get install nodejs npm)");
        assert!(status.success(), "npm install {packages:?} failed");
    }
    dir
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A child process (a server, an example), killed and reaped when the test ends, whether it
/// passed or not: a failed assertion must not leave it running.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
