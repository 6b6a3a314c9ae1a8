//! Prometheus metrics, end to end: the blog served by both adapters with their `/metrics` routes,
//! a known load (queries, invalid documents, statement timeouts, mutations that succeed and are
//! refused), then a real Prometheus (Debian's `prometheus`, started here on a free loopback port,
//! scraping both servers every second) queried over its HTTP API: the counters, a histogram
//! quantile, and every panel's PromQL of the five Grafana dashboards in `dashboards/`.
//! Also: 10,000 distinct operation names make a bounded number of series.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fraiseql::http::{Endpoint, Head, Method};
use fraiseql::metrics::{Metrics, OTHER};
use fraiseql::{Database, RequestContext};
use fraiseql_tempdb::TestDb;
use serde_json::Value;
use support::{Adapter, Reply, blog, encode, raw};

/// Every request's tenant: mutations write within it.
const TENANT: &str = "00000000-0000-0000-0000-0000000000aa";

/// How long anything here may take to show up (a scrape, Prometheus starting) before the test
/// fails.
const DEADLINE: Duration = Duration::from_secs(90);

/// The blog, its mutation functions, and a view that sleeps as long as `app.sleep` says.
async fn blog_database() -> TestDb {
    let db = TestDb::new().await.expect("a test database");
    for script in [
        blog::SCHEMA,
        fraiseql::MUTATION_RESULT_SQL,
        blog::MUTATIONS,
        blog::SEED,
        r#"CREATE VIEW tv_probe AS
           SELECT '00000000-0000-0000-0000-000000000001'::uuid AS id,
                  jsonb_build_object('id', '00000000-0000-0000-0000-000000000001',
                      'tenant', null, 'user', null,
                      'slept', (SELECT true FROM pg_sleep(coalesce(nullif(current_setting('app.sleep', true), '')::float8, 0)))
                  ) AS data;"#,
    ] {
        db.execute_script(script).await.expect("the blog");
    }
    db
}

/// The blog's endpoint on `db`, its statements cancelled after 300 ms, recording in `metrics`.
fn endpoint(db: &TestDb, metrics: &Metrics) -> Endpoint {
    let schema = blog::builder()
        .query::<support::Probe>()
        .build()
        .expect("the schema");
    let database = Database::connect(db.config(), 4)
        .expect("a pool")
        .with_statement_timeout(Duration::from_millis(300));
    Endpoint::new(schema, database).metrics(metrics)
}

/// The request's context: `x-tenant-id` → tenant, `x-sleep` → `app.sleep`.
fn context(
    header: impl Fn(&str) -> Option<String>,
) -> Result<RequestContext, fraiseql::http::Rejection> {
    support::context(header, None)
}

/// A running server with its `/metrics` route; stopped when dropped.
struct Server {
    addr: SocketAddr,
    stop: Option<Box<dyn FnOnce() + Send>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
    }
}

/// `endpoint` and `metrics` served by axum, as an app would mount them.
async fn serve_axum(endpoint: Endpoint, metrics: Metrics) -> Server {
    let graphql = fraiseql::axum::GraphQL::new(endpoint).context(|request| {
        context(|name| Some(request.headers.get(name)?.to_str().ok()?.to_owned()))
    });
    let app: axum::Router = axum::Router::new()
        .merge(graphql.router())
        .route("/metrics", fraiseql::axum::metrics(metrics));
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
    Server {
        addr,
        stop: Some(Box::new(move || {
            let _ = stop.send(());
        })),
    }
}

/// `endpoint` and `metrics` served by actix-web, as an app would mount them.
fn serve_actix(endpoint: Endpoint, metrics: Metrics) -> Server {
    let graphql = fraiseql::actix::GraphQL::new(endpoint).context(|request| {
        context(|name| Some(request.headers().get(name)?.to_str().ok()?.to_owned()))
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .configure(|config| graphql.configure(config))
            .route("/metrics", fraiseql::actix::metrics(metrics.clone()))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Server {
        addr,
        stop: Some(Box::new(move || drop(handle.stop(false)))),
    }
}

/// POSTs `query` (with the tenant, and `extra` header lines) and returns the reply.
async fn post(addr: SocketAddr, query: &str, extra: &[&str]) -> Reply {
    let body = serde_json::json!({ "query": query }).to_string();
    let mut head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nx-tenant-id: {TENANT}",
        body.len()
    );
    for line in extra {
        head.push_str("\r\n");
        head.push_str(line);
    }
    raw(addr, &head, body.as_bytes()).await
}

/// How many requests of each kind [`load`] sends.
const Q1: usize = 20;
const Q3: usize = 5;
const INVALID: usize = 3;
const SLOW: usize = 2;

/// The known load: `Q1` and `Q3` queries, invalid documents, statements past the timeout, and
/// mutations (2 created, 1 conflict, 1 not found, 1 forbidden without a tenant).
async fn load(addr: SocketAddr, adapter: Adapter) {
    for _ in 0..Q1 {
        let reply = post(addr, "query Q1 { users(limit: 2) { name } }", &[]).await;
        assert_eq!(reply.status, 200, "{adapter:?}: {reply:?}");
        assert!(
            reply.json().get("errors").is_none(),
            "{adapter:?}: {reply:?}"
        );
    }
    for n in 0..Q3 {
        let query = format!(
            r#"query Q3 {{ post(identifier: "post-{}") {{ title author {{ name }} comments {{ content author {{ name }} }} }} }}"#,
            n % 2 + 1
        );
        let reply = post(addr, &query, &[]).await;
        assert!(
            reply.json().get("errors").is_none(),
            "{adapter:?}: {reply:?}"
        );
    }
    for _ in 0..INVALID {
        let reply = post(addr, "query Broken { nope }", &[]).await;
        assert_eq!(reply.code(), "GRAPHQL_VALIDATION_FAILED", "{adapter:?}");
    }
    for _ in 0..SLOW {
        let reply = post(addr, "query Slow { probes { slept } }", &["x-sleep: 2"]).await;
        assert_eq!(reply.code(), "TIMEOUT", "{adapter:?}: {reply:?}");
    }
    let create = |identifier: &str| {
        format!(
            r#"mutation CreateUser {{ createUser(input: {{identifier: "{identifier}", name: "Metric", email: "m@example.com"}}) {{
                 ... on CreateUserSuccess {{ user {{ name }} }} ... on CreateUserError {{ code }} }} }}"#
        )
    };
    let tag = format!("{adapter:?}").to_lowercase();
    for (query, code) in [
        (create(&format!("{tag}-1")), None),
        (create(&format!("{tag}-2")), None),
        (create(&format!("{tag}-1")), Some("CONFLICT")),
        (
            r#"mutation UpdateUser { updateUser(input: {id: "00000000-0000-0000-0000-000000000000", name: "Ghost"}) {
                 ... on UpdateUserError { code } } }"#
                .to_owned(),
            Some("NOT_FOUND"),
        ),
    ] {
        let reply = post(addr, &query, &[]).await;
        let answer = reply.json()["data"].as_object().and_then(|d| d.values().next().cloned());
        let answer = answer.unwrap_or_else(|| panic!("{adapter:?}: {reply:?}"));
        assert_eq!(answer.get("code").and_then(Value::as_str), code, "{adapter:?}: {reply:?}");
        assert!(answer.get("__fraiseql_outcome").is_none(), "{reply:?}");
    }
}

/// A Prometheus server on a free loopback port, its data in a temporary folder; stopped and
/// removed when dropped.
struct Prometheus {
    addr: SocketAddr,
    dir: PathBuf,
    _child: tokio::process::Child,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        // The child is killed on drop (`kill_on_drop`).
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `prometheus` binary: on `PATH` or where Debian's package puts it.
fn prometheus_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("prometheus"))
            .find(|candidate| candidate.is_file())
    });
    on_path.unwrap_or_else(|| {
        let debian = PathBuf::from("/usr/bin/prometheus");
        assert!(
            debian.is_file(),
            "Prometheus is not installed: `apt-get install prometheus` (.ci/run does)"
        );
        debian
    })
}

/// A free loopback port (bound, then released for Prometheus to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Prometheus {
    /// Starts Prometheus scraping each `(job, address)`'s `/metrics` every second, and waits
    /// until it is ready.
    async fn start(targets: &[(&str, SocketAddr)]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "fraiseql-prometheus-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let mut config = String::from(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n",
        );
        for (job, addr) in targets {
            config.push_str(&format!(
                "  - job_name: {job}\n    static_configs:\n      - targets: ['{addr}']\n"
            ));
        }
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let log = std::fs::File::create(dir.join("prometheus.log")).unwrap();
        let child = tokio::process::Command::new(prometheus_binary())
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("prometheus starts");
        let prometheus = Self {
            addr,
            dir,
            _child: child,
        };
        let started = Instant::now();
        loop {
            let ready = tokio::time::timeout(Duration::from_secs(5), async {
                let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
                drop(stream);
                Some(raw(addr, "GET /-/ready HTTP/1.1", b"").await)
            })
            .await;
            if let Ok(Some(reply)) = ready
                && reply.status == 200
            {
                return prometheus;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "Prometheus is not ready: {}",
                prometheus.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }

    /// The result of the instant query `promql`, or Prometheus' error.
    async fn query(&self, promql: &str) -> Result<Vec<Value>, String> {
        let reply = raw(
            self.addr,
            &format!("GET /api/v1/query?query={} HTTP/1.1", encode(promql)),
            b"",
        )
        .await;
        let json = reply.json();
        if json["status"] != "success" {
            return Err(format!("{promql}: {}", reply.body));
        }
        Ok(json["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// The value of the single series `promql` returns, once `done` accepts it; panics past
    /// the deadline.
    async fn value_when(&self, promql: &str, done: impl Fn(f64) -> bool) -> f64 {
        let started = Instant::now();
        let mut last = None;
        loop {
            let result = self.query(promql).await.unwrap();
            if let [series] = &result[..] {
                let value: f64 = series["value"][1].as_str().unwrap().parse().unwrap();
                if done(value) {
                    return value;
                }
                last = Some(value);
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{promql}: last {last:?}, result {result:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `promql` returns at least one series; panics past the deadline or when it
    /// does not parse.
    async fn some_series(&self, promql: &str) -> usize {
        let started = Instant::now();
        loop {
            let result = self
                .query(promql)
                .await
                .unwrap_or_else(|error| panic!("{error}"));
            if !result.is_empty() {
                return result.len();
            }
            assert!(started.elapsed() < DEADLINE, "{promql}: no series");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Every panel's PromQL of the dashboard `file`, with Grafana's variables as the test's
/// Prometheus reads them: every job and operation, one-minute windows.
fn panel_queries(file: &Path) -> Vec<(String, String)> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut queries = Vec::new();
    for panel in json["panels"].as_array().expect("panels") {
        let targets = panel["targets"].as_array().expect("targets");
        assert!(
            !targets.is_empty(),
            "{}: {}",
            file.display(),
            panel["title"]
        );
        for target in targets {
            let expr = target["expr"].as_str().expect("a PromQL expr");
            let promql = expr
                .replace("$__rate_interval", "1m")
                .replace("$__interval", "1m")
                .replace("$__range", "5m")
                .replace("$job", ".*")
                .replace("$operation", ".*");
            assert!(!promql.contains('$'), "an unknown variable in {expr}");
            queries.push((panel["title"].as_str().unwrap().to_owned(), promql));
        }
    }
    queries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_the_counters_histograms_and_every_dashboard_query() {
    let db = blog_database().await;
    let (axum_metrics, actix_metrics) = (Metrics::new(), Metrics::new());
    let axum = serve_axum(endpoint(&db, &axum_metrics), axum_metrics).await;
    let actix = serve_actix(endpoint(&db, &actix_metrics), actix_metrics);
    let prometheus = Prometheus::start(&[("axum", axum.addr), ("actix", actix.addr)]).await;

    load(axum.addr, Adapter::Axum).await;
    load(actix.addr, Adapter::Actix).await;

    let total = (Q1 + Q3 + INVALID + SLOW + 4) as f64;
    for job in ["axum", "actix"] {
        // Polls until a scrape after the load is in: no fixed sleep.
        let all = format!(r#"sum(fraiseql_requests_total{{job="{job}"}})"#);
        prometheus.value_when(&all, |v| v == total).await;
        let count =
            |selector: &str| format!(r#"sum(fraiseql_requests_total{{job="{job}",{selector}}})"#);
        for (selector, expected) in [
            (r#"operation="Q1",type="query",code="OK""#, Q1),
            (r#"operation="Q3",type="query",code="OK""#, Q3),
            (
                r#"operation="(other)",type="unknown",code="GRAPHQL_VALIDATION_FAILED""#,
                INVALID,
            ),
            (r#"operation="Slow",type="query",code="TIMEOUT""#, SLOW),
            (r#"operation="CreateUser",type="mutation",code="OK""#, 3),
            (r#"operation="UpdateUser",type="mutation",code="OK""#, 1),
        ] {
            let value = prometheus.value_when(&count(selector), |_| true).await;
            assert_eq!(value, expected as f64, "{job}: {selector}");
        }
        let counter = |promql: String| {
            let prometheus = &prometheus;
            async move { prometheus.value_when(&promql, |_| true).await }
        };
        for (series, expected) in [
            (
                r#"fraiseql_mutations_total{mutation="createUser",code="SUCCESS"}"#,
                2.0,
            ),
            (
                r#"fraiseql_mutations_total{mutation="createUser",code="CONFLICT"}"#,
                1.0,
            ),
            (
                r#"fraiseql_mutations_total{mutation="updateUser",code="NOT_FOUND"}"#,
                1.0,
            ),
            ("fraiseql_statement_timeouts_total", SLOW as f64),
            (r#"fraiseql_database_errors_total{class="57"}"#, SLOW as f64),
            ("fraiseql_pool_connections_max", 4.0),
            ("fraiseql_pool_connections_in_use", 0.0),
            ("fraiseql_pool_waiters", 0.0),
            ("fraiseql_pool_timeouts_total", 0.0),
        ] {
            let selector = match series.split_once('{') {
                Some((name, labels)) => format!(r#"{name}{{job="{job}",{labels}"#),
                None => format!(r#"{series}{{job="{job}"}}"#),
            };
            assert_eq!(counter(selector).await, expected, "{job}: {series}");
        }
        // Every document but the first of each kind was found planned; Q1's statement was
        // compiled once and then kept.
        let hits = format!(r#"fraiseql_plan_cache_lookups_total{{job="{job}",result="hit"}}"#);
        assert!(counter(hits).await >= (Q1 - 1 + Q3 - 2) as f64, "{job}");
        let kept = format!(r#"fraiseql_statement_cache_lookups_total{{job="{job}",result="hit"}}"#);
        assert!(counter(kept).await >= (Q1 - 1) as f64, "{job}");
        // Every statement took a connection: at least one acquire per database round trip.
        let acquired = format!(r#"fraiseql_pool_acquire_duration_seconds_count{{job="{job}"}}"#);
        assert!(
            counter(acquired).await >= (Q1 + Q3 + SLOW + 4) as f64,
            "{job}"
        );
        let bytes = format!(r#"fraiseql_response_size_bytes_count{{job="{job}",operation="Q1"}}"#);
        assert_eq!(counter(bytes).await, Q1 as f64, "{job}");

        // The quantiles of the histograms: Q1 answers well under 250 ms, the slow operation
        // waited for its 300 ms statement timeout.
        let quantile = |q: f64, operation: &str| {
            format!(
                r#"histogram_quantile({q}, sum by (le) (fraiseql_request_duration_seconds_bucket{{job="{job}",operation="{operation}"}}))"#
            )
        };
        let fast = counter(quantile(0.5, "Q1")).await;
        assert!(fast > 0.0 && fast <= 0.25, "{job}: Q1's median is {fast} s");
        let slow = counter(quantile(0.5, "Slow")).await;
        assert!(
            (0.25..=2.5).contains(&slow),
            "{job}: Slow's median is {slow} s"
        );
    }

    // Every panel of every dashboard: its PromQL parses and returns at least one series.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dashboards");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    let mut checked = 0;
    for file in &files {
        for (panel, promql) in panel_queries(file) {
            let series = prometheus.some_series(&promql).await;
            assert!(series > 0, "{}: {panel}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked} queries");
}

/// A body stream of one chunk.
fn body(
    text: String,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::convert::Infallible>> {
    futures_util::stream::iter([Ok(bytes::Bytes::from(text))])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_operation_names_make_a_bounded_number_of_series() {
    let db = blog_database().await;
    let metrics = Metrics::new().operations(["Dashboard"]);
    let endpoint = endpoint(&db, &metrics);
    let head = Head {
        method: Method::Post,
        query: None,
        content_type: Some("application/json"),
        accept: None,
        content_length: None,
        expects_continue: false,
    };
    let mut names: Vec<String> = (0..10_000).map(|n| format!("Op{n}")).collect();
    names.push("Dashboard".into());
    for name in &names {
        // A valid document per name: each is a new operation to the server.
        let query = format!("query {name} {{ __typename }}");
        let text = serde_json::json!({ "query": query }).to_string();
        let response = endpoint
            .respond(&head, || Ok(RequestContext::new()), body(text))
            .await;
        assert_eq!(response.status, 200);
    }
    let text = metrics.render();
    let operations: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|line| line.starts_with("fraiseql_requests_total{"))
        .filter_map(|line| line.split("operation=\"").nth(1)?.split('"').next())
        .collect();
    // The first 100 names, the registered one, and the one label all others fold into.
    assert_eq!(
        operations.len(),
        fraiseql::metrics::DEFAULT_OPERATION_LIMIT + 2,
        "{operations:?}"
    );
    assert!(operations.contains(OTHER) && operations.contains("Dashboard"));
    let folded =
        format!(r#"fraiseql_requests_total{{code="OK",operation="{OTHER}",type="query"}} 9900"#);
    assert!(text.contains(&folded), "{text}");
    let series = text
        .lines()
        .filter(|line| line.starts_with("fraiseql_") && !line.starts_with('#'))
        .count();
    assert!(series < 5_000, "{series} series");
}

/// A user as `tv_user`'s document holds it (mutation functions return the document, without
/// the column fields of [`blog::User`]).
#[derive(fraiseql::FraiseType, Debug)]
#[fraiseql(view = "tv_user")]
#[allow(dead_code)]
struct Member {
    id: uuid::Uuid,
    name: String,
}

/// Mutations an app calls from Rust are counted by the function's name, on a database given
/// the metrics; so are the pool's waits and the errors PostgreSQL reports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_mutations_and_database_errors_are_counted() {
    let db = blog_database().await;
    let metrics = Metrics::new();
    let database = Database::connect(db.config(), 2)
        .expect("a pool")
        .with_metrics(&metrics);
    let users = fraiseql::Repository::<Member>::new(database);
    let context = RequestContext::new().tenant_id(TENANT);
    let input =
        serde_json::json!({"identifier": "rust-1", "name": "Rust", "email": "r@example.com"});
    for _ in 0..2 {
        users
            .mutate(&context, "fn_create_user", &input)
            .await
            .unwrap();
    }
    // A function that does not exist: SQLSTATE 42883, class 42.
    let missing = users.mutate(&context, "fn_nope", &input).await.unwrap_err();
    assert_eq!(missing.code(), "INTERNAL_SERVER_ERROR");
    let text = metrics.render();
    for line in [
        r#"fraiseql_mutations_total{code="SUCCESS",mutation="fn_create_user"} 1"#,
        r#"fraiseql_mutations_total{code="CONFLICT",mutation="fn_create_user"} 1"#,
        r#"fraiseql_mutations_total{code="INTERNAL_SERVER_ERROR",mutation="fn_nope"} 1"#,
        r#"fraiseql_database_errors_total{class="42"} 1"#,
        "fraiseql_pool_acquire_duration_seconds_count 3",
        "fraiseql_pool_connections_max 2",
        "fraiseql_pool_connections_in_use 0",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
}
