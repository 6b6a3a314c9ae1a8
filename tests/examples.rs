//! The server examples as a newcomer runs them, by `cargo run --example <name>` (the quickstart,
//! actix, the SaaS, the event log with `FRAISEQL_EVENTS=2000`): each starts, prints its URL,
//! answers a query over HTTP, and on Ctrl-C (SIGINT) exits cleanly, removing its throwaway
//! cluster.
//!
//! Without `DATABASE_URL` the examples start their own throwaway cluster (checked to be gone
//! afterwards); with it they are pointed at a fresh test database with `--init`.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fraiseql_tempdb::TestDb;
use support::KillOnDrop;

/// `cargo run --example <name>` from the repository root, as the README says: cargo builds the
/// example if its sources changed (a binary left from an older build would test old code), then
/// replaces itself with it, so the process is the example's own (SIGINT reaches it directly).
/// Arguments for the example follow `--`.
fn cargo_run(name: &str) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "run",
        "--quiet",
        "--example",
        name,
        "--",
    ]);
    command
}

/// A started example: the process, its stdout after the URL line, what it printed before, the
/// address it serves, and the database or throwaway cluster it uses.
struct Running {
    name: &'static str,
    child: KillOnDrop,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    printed: Vec<String>,
    addr: std::net::SocketAddr,
    db: Option<TestDb>,
    cluster_dir: Option<PathBuf>,
}

/// Starts the example by `cargo run --example <name>`, with `env` added, and waits until it prints its GraphiQL URL (it serves from then on).
async fn start_example(name: &'static str, env: &[(&str, &str)]) -> Running {
    let mut command = cargo_run(name);
    command
        .env("FRAISEQL_ADDR", "127.0.0.1:0")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // On a DATABASE_URL server: a fresh database, loaded by the example itself.
    let db = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let db = TestDb::new().await.expect("a test database");
            command
                .env("DATABASE_URL", db.connection_string())
                .arg("--init");
            Some(db)
        }
        _ => {
            command.env_remove("DATABASE_URL");
            None
        }
    };
    let mut child = KillOnDrop(command.spawn().expect("cargo"));
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut cluster_dir = None;
    let mut url = None;
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        // "loaded the blog: host=/tmp/… port=…" (the SaaS, the events likewise).
        if let Some((_, rest)) = line
            .strip_prefix("loaded the ")
            .and_then(|l| l.split_once(": host="))
        {
            cluster_dir = rest.split(' ').next().map(PathBuf::from);
        }
        if let Some(rest) = line.strip_prefix("GraphiQL: ") {
            url = Some(rest.trim_end_matches("/graphiql").to_owned());
            break;
        }
        printed.push(line);
    }
    let url = url.unwrap_or_else(|| panic!("{name} printed no URL: {printed:?}"));
    let addr = url.trim_start_matches("http://").parse().unwrap();
    Running {
        name,
        child,
        lines,
        printed,
        addr,
        db,
        cluster_dir,
    }
}

/// POSTs a GraphQL `query` to a running example with extra header lines.
async fn post(running: &Running, headers: &str, query: &str) -> support::Reply {
    let body = serde_json::json!({ "query": query }).to_string();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json{headers}\r\nContent-Length: {}",
        body.len()
    );
    support::raw(running.addr, &head, body.as_bytes()).await
}

/// Ctrl-C (SIGINT): the example exits cleanly, says so, and its throwaway cluster is removed.
async fn stop_example(running: Running) {
    let Running {
        name,
        mut child,
        lines,
        db,
        cluster_dir,
        ..
    } = running;
    let child = &mut child.0;
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "{name} did not stop on SIGINT");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(exit.success(), "{name} exited with {exit}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.starts_with("stopped")),
        "{name}: {rest:?}"
    );
    match (db, cluster_dir) {
        (None, Some(dir)) => {
            // The watchdog removes the directory right after the server stops.
            let deadline = Instant::now() + Duration::from_secs(20);
            while dir.exists() {
                assert!(
                    Instant::now() < deadline,
                    "{name} left {} behind",
                    dir.display()
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        (None, None) => panic!("{name} printed no cluster"),
        (Some(_), _) => {}
    }
}

async fn run_example(name: &'static str) {
    let running = start_example(name, &[]).await;
    let addr = running.addr;
    let body =
        r#"{"query":"{ users(limit: 1, orderBy: [{field: NAME, direction: ASC}]) { name } }"}"#;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
        body.len()
    );
    let reply = support::raw(addr, &head, body.as_bytes()).await;
    assert_eq!(reply.status, 200, "{name}: {reply:?}");
    assert_eq!(
        reply.body, r#"{"data":{"users":[{"name":"Ada Lovelace"}]}}"#,
        "{name}"
    );
    // A mutation in a tenant (the examples read it from `x-tenant-id`), read back.
    let body = r#"{"query":"mutation { createUser(input: {identifier: \"new\", name: \"Niklaus Wirth\", email: \"nw@example.com\"}) { ... on CreateUserSuccess { user { name } } ... on CreateUserError { code } } }"}"#;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nX-Tenant-Id: aaaaaaaa-0000-0000-0000-000000000000\r\nContent-Length: {}",
        body.len()
    );
    let reply = support::raw(addr, &head, body.as_bytes()).await;
    assert_eq!(
        reply.body, r#"{"data":{"createUser":{"user":{"name":"Niklaus Wirth"}}}}"#,
        "{name}"
    );
    if name == "quickstart" {
        // The probe path the deployment guide's manifests use.
        let health = support::raw(addr, "GET /health HTTP/1.1", b"").await;
        assert_eq!((health.status, health.body.as_str()), (200, "ok"), "{name}");
    }
    let page = support::raw(addr, "GET /graphiql HTTP/1.1", b"").await;
    assert_eq!(page.status, 200, "{name}");
    assert!(page.body.contains("GraphiQL"), "{name}");
    stop_example(running).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart_serves_and_stops_on_ctrl_c() {
    run_example("quickstart").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_example_serves_and_stops_on_ctrl_c() {
    run_example("actix").await;
}

/// `cargo run --example saas`: it prints a development token per seeded user; with one, the
/// server answers a query with that user's organisation's projects (as plain SQL finds them),
/// and without one refuses it with `UNAUTHENTICATED`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saas_example_serves_with_its_printed_token_and_stops_on_ctrl_c() {
    let running = start_example("saas", &[]).await;
    // "  ada@acme.example (admin): eyJ…"
    let tokens: Vec<(String, String)> = running
        .printed
        .iter()
        .filter_map(|l| {
            let (who, token) = l.trim().split_once("): ")?;
            Some((who.split(' ').next()?.to_owned(), token.to_owned()))
        })
        .collect();
    assert!(!tokens.is_empty(), "{:?}", running.printed);
    let (email, token) = &tokens[0];
    let query = "{ projects(orderBy: [{field: NAME, direction: ASC}]) { name } }";
    let reply = post(
        &running,
        &format!("\r\nAuthorization: Bearer {token}"),
        query,
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let answer = reply.json();
    assert!(answer.get("errors").is_none(), "{answer}");
    let names: Vec<&str> = answer["data"]["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    // The same through plain SQL, as the database's owner, in the token's user's organisation.
    let expected: Vec<String> = match &running.db {
        Some(db) => {
            let client = db.connect().await.unwrap();
            client
                .query(
                    "SELECT p.name FROM tb_project p JOIN tb_user u ON u.tenant_id = p.tenant_id \
                     WHERE u.email = $1 ORDER BY p.name COLLATE \"C\"",
                    &[email],
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect()
        }
        // The throwaway cluster's database is the example's own: the answer must be non-empty.
        None => names.iter().map(|n| (*n).to_owned()).collect(),
    };
    assert!(!names.is_empty());
    assert_eq!(names, expected);
    let refused = post(&running, "", query).await;
    assert_eq!(refused.status, 401, "{refused:?}");
    assert_eq!(refused.code(), "UNAUTHENTICATED");
    stop_example(running).await;
}

/// `FRAISEQL_EVENTS=2000 cargo run --example events`: it generates that many events (not the
/// default million), then serves the newest first through `eventsConnection`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_example_generates_the_count_asked_serves_and_stops_on_ctrl_c() {
    let running = start_example("events", &[("FRAISEQL_EVENTS", "2000")]).await;
    assert!(
        running
            .printed
            .iter()
            .any(|l| l.starts_with("generating 2000 events into ")),
        "{:?}",
        running.printed
    );
    let reply = post(
        &running,
        "",
        "{ eventsConnection(first: 5) { totalCount edges { node { sequence } } } }",
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let answer = reply.json();
    assert!(answer.get("errors").is_none(), "{answer}");
    let connection = &answer["data"]["eventsConnection"];
    assert_eq!(connection["totalCount"], 2000, "{answer}");
    let sequences: Vec<i64> = connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(sequences, [2000, 1999, 1998, 1997, 1996], "{answer}");
    stop_example(running).await;
}
