//! HTTP end to end, one command: fraiseql's axum server (without and with a request context,
//! and with its spans exported and its metrics recorded),
//! the floor (axum + tokio-postgres running the best hand-written SQL for each answer, see
//! `serve.rs` and `benches/support/floor_sql.rs`), the Rust peers a user would pick instead
//! (async-graphql with DataLoaders, juniper with plain resolvers: `benches/peers/`), and
//! Strawberry (Python, asyncpg, uvicorn; naive and with DataLoader, `benches/strawberry/`)
//! answering Q1–Q4 (Q3a, arguments on an embedded list, only on fraiseql and the floor) and M1
//! of the benchmark workload (`benches/support/workload.rs`) on one
//! benchmark database, at 1 and 16 connections.
//!
//! Every server's answers are first checked equal to fraiseql's in-process `execute`: the same
//! bytes up to insignificant whitespace (Q4, which asks for no order, as sets). Then, per
//! operation and connection count, each server gets a warm-up and timed closed-loop runs
//! (`load.rs`), the servers taking turns run by run (every reading server runs at once, idle
//! but for its turn; writes come after, one server at a time); each row is the median run. The table printed at the end
//! (Markdown) gives p50 and p99 latency, requests per second and their spread over the runs, the
//! ratios over each peer and over the floor, the server's and PostgreSQL's CPU time per request
//! and the server's memory (RSS and PSS), then fraiseql's figures alone.
//!
//! ```sh
//! cargo bench --bench http                       # everything, the median of 3 runs of 3 s
//! cargo bench --bench http -- --seconds 2 --runs 1 --servers fraiseql,floor --ops Q1,Q3
//! cargo bench --bench http -- --pgbench          # the floor's SQL against fraiseql's, in pgbench
//! ```
//!
//! The peers are built on demand (`cargo build --release --manifest-path
//! benches/peers/Cargo.toml`, into `target/peers`), Strawberry's virtualenv once by
//! `benches/strawberry/setup.sh` from pinned requirements (into `target/strawberry-venv`); if
//! either fails, its rows are skipped with the reason.

mod load;
mod pgbench;
mod process;
mod report;
mod serve;

#[path = "../../examples/blog/mod.rs"]
mod blog;
#[path = "../support/floor.rs"]
#[allow(dead_code)]
mod floor;
#[path = "../support/workload.rs"]
mod workload;

use std::path::{Path, PathBuf};
use std::time::Duration;

use fraiseql::graphql::{Context, execute};
use fraiseql::{Database, RequestContext};
use serde_json::{Value, json};

use process::Server;
use report::{Row, Table};

/// The servers, in the order they run.
const SERVERS: [&str; 8] = [
    "fraiseql",
    serve::OBSERVED,
    "fraiseql-tenant",
    "floor",
    "async-graphql",
    "juniper",
    "strawberry-dataloader",
    "strawberry-naive",
];

/// The servers that run M1 (`createUser` needs the request's tenant; the floor and the Rust
/// peers have no mutation).
const WRITERS: [&str; 3] = [
    "fraiseql-tenant",
    "strawberry-dataloader",
    "strawberry-naive",
];

/// The servers whose objects may list their keys out of the selection's order, so that their
/// answers are compared as values only: async-graphql 7.2 resolves an object's fields
/// concurrently (`FuturesUnordered`) and writes each key when its value is ready, so a post's
/// `comments` can come before its `author` (GraphQL asks for the selection's order).
const UNORDERED_KEYS: [&str; 1] = ["async-graphql"];

/// The peers' binaries, built from `benches/peers`.
const PEERS: [(&str, &str); 2] = [
    ("async-graphql", "peer-async-graphql"),
    ("juniper", "peer-juniper"),
];

/// The operations' short names (`--ops`).
const OPS: [&str; 6] = ["Q1", "Q2", "Q3", "Q3a", "Q4", "M1"];

/// The servers that answer Q3a (arguments on an embedded list, an aggregate beside it): the
/// peers serve the plain schema only.
const ARGUMENTS: [&str; 4] = ["fraiseql", serve::OBSERVED, "fraiseql-tenant", "floor"];

/// One operation as sent.
struct Operation {
    name: &'static str,
    /// Q4's lists have no defined order; answers are compared sorted.
    ordered: bool,
    /// A read's fixed body; `None` for M1, whose every request creates a new user (so its
    /// answer holds a new id, and the floor has no statement for it).
    query: Option<String>,
    /// A read's hand-written SQL and its parameters (the floor's).
    floor: Option<(&'static str, Vec<uuid::Uuid>)>,
}

impl Operation {
    fn mutation(&self) -> bool {
        self.query.is_none()
    }

    /// What every good answer contains beyond `data` without `errors`: M1's created user (a
    /// refusal, such as a taken identifier, is a failure).
    fn expected(&self) -> &'static str {
        if self.mutation() {
            r#""user":{"id":"#
        } else {
            ""
        }
    }

    /// The `n`-th request's body in a run labelled `label` (M1: a new identifier per label and
    /// `n`).
    fn body(&self, label: &str, n: usize) -> String {
        match &self.query {
            Some(body) => body.clone(),
            None => json!({
                "query": workload::CREATE,
                "variables": workload::create_variables(&format!("http-{label}"), n),
            })
            .to_string(),
        }
    }
}

struct Options {
    pgbench: bool,
    seconds: f64,
    warmup: f64,
    runs: usize,
    connections: Vec<usize>,
    servers: Vec<String>,
    ops: Vec<String>,
}

fn main() {
    if let Ok(role) = std::env::var(serve::ROLE) {
        return serve::run(&role);
    }
    let options = Options::from_args();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    eprintln!("loading the benchmark database (1,000 users, 10,000 posts, 50,000 comments)");
    let db = runtime.block_on(workload::database());
    let url = db.url();
    let operations = runtime.block_on(operations(&db));
    if options.pgbench {
        runtime.block_on(pgbench::compare(&db, options.seconds, options.runs));
        return;
    }
    let expected = runtime.block_on(expected_answers(&db, &operations));
    let floor_requests = serde_json::Value::Array(
        operations
            .iter()
            .filter_map(|op| {
                let (sql, params) = op.floor.clone()?;
                let request = serve::FloorRequest {
                    body: op.query.clone()?,
                    sql: sql.to_owned(),
                    params,
                };
                Some(request.to_json())
            })
            .collect(),
    )
    .to_string();
    // Built before anything is timed.
    let peers = if PEERS
        .iter()
        .any(|(name, _)| options.servers.iter().any(|s| s == name))
    {
        build_peers()
    } else {
        Err("not asked for".into())
    };

    let postgres = runtime.block_on(async {
        let client = db.connect().await.expect("a connection");
        process::Tree::postgres(&client).await
    });
    let bench = Bench {
        postgres,
        runtime,
        options,
        operations,
        expected,
    };
    let mut table = Table::default();
    let wanted = |server_name: &str, writes: bool| {
        bench.options.servers.iter().any(|s| s == server_name)
            && (!writes || WRITERS.contains(&server_name))
            && (bench.operations.iter()).any(|op| bench.selected(op, server_name, writes))
    };
    // Reads: every server started at once and measured in turns (see `Bench::measure`).
    let mut readers = Vec::new();
    for server_name in SERVERS.into_iter().filter(|name| wanted(name, false)) {
        match start(server_name, &url, &floor_requests, &peers) {
            Ok(server) => readers.push((server_name, server)),
            Err(reason) => table.skipped(server_name, reason),
        }
    }
    bench.measure(&readers, false, &mut table);
    drop(readers);
    // Writes: one server after another, as each adds users (removed after it).
    for server_name in SERVERS.into_iter().filter(|name| wanted(name, true)) {
        if let Ok(server) = start(server_name, &url, &floor_requests, &peers) {
            bench.measure(&[(server_name, server)], true, &mut table);
        }
        bench.runtime.block_on(remove_created_users(&db));
    }
    println!("{}", table.render());
    drop(db);
}

struct Bench {
    /// PostgreSQL's processes, when it runs on this machine (its CPU time is reported too).
    postgres: Option<process::Tree>,
    runtime: tokio::runtime::Runtime,
    options: Options,
    operations: Vec<Operation>,
    /// fraiseql's in-process answer to each operation: the body, and its `data`.
    expected: Vec<(String, Value)>,
}

impl Bench {
    /// Whether `op` is asked for (`--ops`), `server` answers it, and it is a write exactly
    /// when `writes`.
    fn selected(&self, op: &Operation, server: &str, writes: bool) -> bool {
        let short = op.name.split(' ').next().unwrap_or_default();
        op.mutation() == writes
            && (short != "Q3a" || ARGUMENTS.contains(&server))
            && self.options.ops.iter().any(|o| o == short)
    }

    /// Checks that `server` answers `op` as fraiseql does: the same bytes once insignificant
    /// whitespace is removed, or the same values where the order is not the point (Q4's lists,
    /// M1's new id, [`UNORDERED_KEYS`]).
    fn check(
        &self,
        server: &Server,
        server_name: &str,
        op: &Operation,
        (expected_body, expected): &(String, Value),
    ) -> Result<(), String> {
        let body = op.body(&format!("check-{server_name}"), 0);
        let (status, raw) = self
            .runtime
            .block_on(load::send(server.addr, "/graphql", &body))
            .map_err(|e| format!("{}: no answer: {e}", op.name))?;
        let answer: Value =
            serde_json::from_str(&raw).map_err(|_| format!("{}: not JSON: {raw}", op.name))?;
        if status != 200 {
            return Err(format!("{}: status {status}: {raw}", op.name));
        }
        if comparable(op, &answer["data"]) != comparable(op, expected) {
            return Err(format!(
                "{} answered {raw}, fraiseql {expected_body}",
                op.name
            ));
        }
        // Key order counts too (GraphQL's keys follow the selection).
        if !UNORDERED_KEYS.contains(&server_name) && keys(&raw) != keys(expected_body) {
            return Err(format!(
                "{} answered {raw}, fraiseql the same values as {expected_body}, keys in another order",
                op.name
            ));
        }
        // And this binary's own servers answer the very bytes, but for whitespace.
        if op.ordered && !op.mutation() && !name_is_peer(server_name) {
            let compacted = floor::compacted(&raw);
            if compacted != *expected_body {
                return Err(format!(
                    "{} answered {compacted}, fraiseql {expected_body}",
                    op.name
                ));
            }
        }
        Ok(())
    }

    /// Checks each read (or each write) operation on each of `servers` ([`Bench::check`]),
    /// skipping a server that answers one wrong, then times them. The servers take turns: for
    /// each operation and connection count, each is warmed up, then each server's first timed
    /// run, each one's second, and so on. Runs minutes apart on a shared machine differ by
    /// more than the servers do (another tenant of the host, the CPU's clock); in turns, that
    /// drift falls on every server alike, and ratios within one run are fair.
    fn measure(&self, servers: &[(&'static str, Server)], writes: bool, table: &mut Table) {
        let mut checked = Vec::new();
        for (server_name, server) in servers {
            let wrong = (self.operations.iter().zip(&self.expected))
                .filter(|(op, _)| self.selected(op, server_name, writes))
                .find_map(|(op, expected)| self.check(server, server_name, op, expected).err());
            match wrong {
                Some(reason) => table.skipped(server_name, format!("wrong answer: {reason}")),
                None => checked.push((*server_name, server)),
            }
        }
        for op in &self.operations {
            let servers: Vec<_> = (checked.iter())
                .filter(|(server_name, _)| self.selected(op, server_name, writes))
                .collect();
            for &connections in &self.options.connections {
                let run = |server_name: &str, server: &Server, phase: &str, seconds: f64| {
                    let label = format!("{server_name}-{connections}-{phase}");
                    self.runtime
                        .block_on(load::run(
                            server.addr,
                            "/graphql",
                            &|n| op.body(&label, n),
                            op.expected(),
                            connections,
                            Duration::from_secs_f64(seconds),
                        ))
                        .expect("a load run")
                };
                for (server_name, server) in &servers {
                    run(server_name, server, "warm-up", self.options.warmup);
                }
                let mut runs: Vec<Vec<Row>> = servers.iter().map(|_| Vec::new()).collect();
                for index in 0..self.options.runs {
                    for ((server_name, server), rows) in servers.iter().zip(&mut runs) {
                        let tree = server.tree();
                        let cpu_time = || {
                            let database = self.postgres.as_ref().map(|p| p.cpu_time());
                            (tree.cpu_time(), database)
                        };
                        let before = cpu_time();
                        let measured = run(
                            server_name,
                            server,
                            &format!("timed{index}"),
                            self.options.seconds,
                        );
                        let after = cpu_time();
                        let cpu = after.0.saturating_sub(before.0);
                        let database_cpu = after.1.zip(before.1).map(|(a, b)| a.saturating_sub(b));
                        eprintln!(
                            "{server_name:>22} {:<34} {connections:>2} conns: {:>8.0} req/s",
                            op.name,
                            measured.throughput()
                        );
                        rows.push(Row::new(
                            op.name,
                            connections,
                            server_name,
                            &measured,
                            cpu,
                            database_cpu,
                            tree.memory(),
                        ));
                    }
                }
                let floor = servers.iter().position(|(name, _)| *name == "floor");
                for rows in &runs {
                    let median = Row::median(rows.clone());
                    table.push(match floor {
                        Some(floor) => median.paired_with(rows, &runs[floor]),
                        None => median,
                    });
                }
            }
        }
    }
}

/// Whether `server` is not one of this binary's own (`serve.rs`).
fn name_is_peer(server: &str) -> bool {
    PEERS.iter().any(|(peer, _)| *peer == server) || server.starts_with("strawberry-")
}

/// The object keys of the JSON text `json`, decoded, in the order they are written.
fn keys(json: &str) -> Vec<String> {
    let bytes = json.as_bytes();
    let mut keys = Vec::new();
    let (mut start, mut escaped, mut in_string) = (0, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if !in_string {
            if b == b'"' {
                (in_string, start) = (true, i);
            }
        } else if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            in_string = false;
            let next = bytes[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if next == Some(&b':') {
                keys.push(serde_json::from_str(&json[start..=i]).expect("a JSON string"));
            }
        }
    }
    keys
}

/// Removes the users M1 created (all named `http-…`), so every server writes to, and later
/// reads from, the same database.
async fn remove_created_users(db: &fraiseql_tempdb::TestDb) {
    for sql in [
        "DELETE FROM tv_user WHERE identifier LIKE 'http-%'; \
         DELETE FROM tb_user WHERE identifier LIKE 'http-%'",
        // On its own: VACUUM cannot run inside the implicit transaction of a multi-statement query.
        "VACUUM ANALYZE tb_user, tv_user",
    ] {
        db.execute_script(sql)
            .await
            .expect("the created users removed");
    }
}

fn start(
    name: &str,
    url: &str,
    floor: &str,
    peers: &Result<PathBuf, String>,
) -> Result<Server, String> {
    if let Some(mode) = name.strip_prefix("strawberry-") {
        let venv = strawberry_venv()?;
        return Server::strawberry(&venv, mode, url).map_err(|e| e.to_string());
    }
    if let Some((_, binary)) = PEERS.iter().find(|(peer, _)| *peer == name) {
        let dir = peers.as_ref().map_err(Clone::clone)?;
        return Server::peer(&dir.join(binary), url).map_err(|e| e.to_string());
    }
    Server::own(name, url, floor).map_err(|e| e.to_string())
}

/// Builds the peers (`benches/peers`, a Cargo project of its own) into `target/peers`: the
/// directory holding their binaries.
fn build_peers() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/peers");
    eprintln!(
        "building the peers (benches/peers) into {}",
        target.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "--release", "--locked", "--manifest-path"])
        .arg(root.join("benches/peers/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .map_err(|e| format!("cargo did not run: {e}"))?;
    if status.success() {
        Ok(target.join("release"))
    } else {
        Err(format!("building benches/peers failed ({status})"))
    }
}

/// Makes (once) Strawberry's virtualenv with `benches/strawberry/setup.sh`.
fn strawberry_venv() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/strawberry-venv");
    let status = std::process::Command::new("bash")
        .arg(root.join("benches/strawberry/setup.sh"))
        .arg(&venv)
        .status()
        .map_err(|e| format!("setup.sh did not run: {e}"))?;
    if status.success() {
        Ok(venv)
    } else {
        Err(format!("setup.sh failed ({status})"))
    }
}

/// Q1–Q4 with fixed bodies, then M1 with a new user per request.
async fn operations(db: &fraiseql_tempdb::TestDb) -> Vec<Operation> {
    let mut operations: Vec<Operation> = workload::queries(db)
        .await
        .into_iter()
        .map(|query| {
            let body = match &query.variables {
                Value::Object(variables) if variables.is_empty() => {
                    json!({ "query": query.document })
                }
                variables => json!({ "query": query.document, "variables": variables }),
            };
            Operation {
                name: query.name,
                ordered: query.ordered,
                query: Some(body.to_string()),
                floor: Some((query.floor_sql, query.floor_params)),
            }
        })
        .collect();
    operations.push(Operation {
        name: "M1 create a user",
        ordered: true,
        query: None,
        floor: None,
    });
    operations
}

/// Each operation's body and `data` as fraiseql's in-process `execute` answers it.
async fn expected_answers(
    db: &fraiseql_tempdb::TestDb,
    operations: &[Operation],
) -> Vec<(String, Value)> {
    let schema = blog::schema();
    let context = Context::new(
        Database::connect(db.config(), 1).expect("a pool"),
        RequestContext::new().tenant_id(workload::TENANT),
    );
    let mut answers = Vec::new();
    for op in operations {
        let request: Value = serde_json::from_str(&op.body("expected", 0)).expect("a JSON body");
        let variables = serde_json::from_value(request["variables"].clone()).unwrap_or_default();
        let query = request["query"].as_str().expect("a query");
        let body = execute(&schema, query, None, &variables, &context)
            .await
            .into_body();
        let answer: Value = serde_json::from_str(&body).expect("JSON");
        assert!(answer.get("errors").is_none(), "{}: {answer}", op.name);
        answers.push((body, answer["data"].clone()));
    }
    answers
}

/// An answer made comparable across servers: M1's new id checked to be a UUID and blanked,
/// lists sorted when the operation gives them no order.
fn comparable(op: &Operation, data: &Value) -> Value {
    let mut data = data.clone();
    if op.mutation() {
        let id = &mut data["createUser"]["user"]["id"];
        let new = id.as_str().and_then(|id| id.parse::<uuid::Uuid>().ok());
        assert!(new.is_some(), "{}: a new user's id, got {data}", op.name);
        *id = json!("<new id>");
    }
    if !op.ordered {
        sort_lists(&mut data);
    }
    data
}

fn sort_lists(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(sort_lists),
        Value::Array(items) => {
            items.iter_mut().for_each(sort_lists);
            items.sort_by_key(|v| v.to_string());
        }
        _ => {}
    }
}

impl Options {
    /// `--seconds S --warmup S --runs N --connections 1,16 --servers a,b --ops Q1,M1`, or
    /// `--pgbench [--seconds S] [--runs N]` (other arguments, such as the `--bench` cargo passes, are
    /// ignored).
    fn from_args() -> Options {
        let mut options = Options {
            pgbench: std::env::args().any(|a| a == "--pgbench"),
            seconds: 3.0,
            warmup: 1.0,
            runs: 3,
            connections: vec![1, 16],
            servers: SERVERS.map(String::from).to_vec(),
            ops: OPS.map(String::from).to_vec(),
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        for pair in args.windows(2) {
            let list = || pair[1].split(',').map(str::to_owned).collect::<Vec<_>>();
            let number = || pair[1].parse::<f64>().expect("a number");
            match pair[0].as_str() {
                "--seconds" => options.seconds = number(),
                "--warmup" => options.warmup = number(),
                "--runs" => options.runs = pair[1].parse().expect("a count"),
                "--connections" => {
                    options.connections =
                        list().iter().map(|c| c.parse().expect("a count")).collect()
                }
                "--servers" => options.servers = list(),
                "--ops" => options.ops = list(),
                _ => {}
            }
        }
        assert!(options.runs >= 1, "--runs: at least one run");
        // A misspelt name would silently measure nothing.
        for server in &options.servers {
            assert!(
                SERVERS.contains(&server.as_str()),
                "--servers: {server:?} is not one of {SERVERS:?}"
            );
        }
        for op in &options.ops {
            assert!(
                OPS.contains(&op.as_str()),
                "--ops: {op:?} is not one of {OPS:?}"
            );
        }
        options
    }
}
