//! The server examples as a newcomer runs them: each starts, prints its URL, answers a query
//! over HTTP, and on Ctrl-C (SIGINT) exits cleanly, removing its throwaway cluster.
//!
//! Without `DATABASE_URL` the examples start their own throwaway cluster (checked to be gone
//! afterwards); with it they are pointed at a fresh test database with `--init`.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fraiseql_tempdb::TestDb;

/// `target/debug/examples/<name>`, built by `cargo test` with the test binaries.
fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    deps.parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("examples").join(name))
        .expect("the target directory")
}

/// A running example, killed if the test fails before it stops it (a failed assertion must
/// not leave a server behind).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn run_example(name: &str) {
    let mut command = Command::new(example(name));
    command
        .env("FRAISEQL_ADDR", "127.0.0.1:0")
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
    let mut child = KillOnDrop(
        command
            .spawn()
            .expect("the example binary (built by cargo test; alone: cargo build --examples)"),
    );
    let child = &mut child.0;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut cluster_dir = None;
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("loaded the blog: host=") {
            cluster_dir = rest.split(' ').next().map(PathBuf::from);
        }
        if let Some(rest) = line.strip_prefix("GraphiQL: ") {
            url = Some(rest.trim_end_matches("/graphiql").to_owned());
            break;
        }
    }
    let url = url.unwrap_or_else(|| panic!("{name} printed no URL"));
    let addr = url.trim_start_matches("http://").parse().unwrap();

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart_serves_and_stops_on_ctrl_c() {
    run_example("quickstart").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_example_serves_and_stops_on_ctrl_c() {
    run_example("actix").await;
}
