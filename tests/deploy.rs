//! The deployment guide's files (`deploy/`, `docs/deployment.md`), checked as far as a machine
//! without a container runtime can: the Kubernetes manifests validate against the Kubernetes
//! JSON schemas (the `kubernetes-validate` package from PyPI, installed here into
//! `target/k8s-venv`); manifests, Dockerfile and example agree on ports, probes and names; the
//! quickstart binary serves with the environment the image and the manifests give it, on a
//! database loaded by the guide's own shell block; the guide's excerpts are the files; and its
//! shell blocks parse. `.ci/run` runs the Dockerfile's build command itself.

#[path = "doc_blocks/mod.rs"]
mod doc_blocks;
mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use doc_blocks::root;
use fraiseql_tempdb::TestDb;
use serde_json::Value;
use support::KillOnDrop;

/// The validator, pinned, and the Kubernetes version whose schemas the manifests must satisfy.
const VALIDATOR: &str = "kubernetes-validate==1.37.0";
const KUBERNETES: &str = "1.33.0";

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("deploy/kubernetes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    files
}

/// `target/k8s-venv`, with the validator (and PyYAML, its dependency) installed once.
fn venv() -> PathBuf {
    let venv = root().join("target/k8s-venv");
    let bin = venv.join("bin");
    let pinned = || {
        Command::new(bin.join("python"))
            .args([
                "-c",
                "import importlib.metadata as m; print(m.version('kubernetes-validate'))",
            ])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == &VALIDATOR[21..])
    };
    if !pinned() {
        // Two tests of this file may get here at once; a lock file keeps one installer.
        let lock = root().join("target/k8s-venv.lock");
        let _guard = Lock::take(&lock);
        if !pinned() {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status();
            assert!(
                made.is_ok_and(|s| s.success()),
                "python3 -m venv failed: install python3 and python3-venv (.ci/run does)"
            );
            let installed = Command::new(bin.join("pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    VALIDATOR,
                ])
                .status()
                .unwrap();
            assert!(installed.success(), "pip install {VALIDATOR} failed");
        }
    }
    venv
}

/// An exclusive lock held by creating a file (removed on drop).
struct Lock(PathBuf);

impl Lock {
    fn take(path: &Path) -> Lock {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return Lock(path.to_owned()),
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(200))
                }
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn the_manifests_validate_against_the_kubernetes_schemas() {
    let venv = venv();
    let run = |files: &[PathBuf]| {
        Command::new(venv.join("bin/kubernetes-validate"))
            .args(["--strict", "--no-warn", "-k", KUBERNETES])
            .args(files)
            .output()
            .unwrap()
    };
    let out = run(&manifests());
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert_eq!(
        report.matches(" passed ").count(),
        manifests().len(),
        "{report}"
    );

    // The validator refuses what a cluster would: a misspelt field and a port of the wrong type.
    let deployment =
        std::fs::read_to_string(root().join("deploy/kubernetes/deployment.yaml")).unwrap();
    let bad = std::env::temp_dir().join(format!("fraiseql-bad-{}.yaml", std::process::id()));
    for (good, wrong) in [
        ("failureThreshold: 2", "failureTreshold: 2"),
        ("containerPort: 8080", "containerPort: \"8080\""),
    ] {
        std::fs::write(&bad, deployment.replace(good, wrong)).unwrap();
        assert!(
            !run(std::slice::from_ref(&bad)).status.success(),
            "accepted {wrong}"
        );
    }
    let _ = std::fs::remove_file(bad);
}

/// Every manifest, as JSON (PyYAML from the validator's environment).
fn documents() -> Vec<Value> {
    let out = Command::new(venv().join("bin/python"))
        .args(["-c", "import json, sys, yaml; print(json.dumps([d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f))]))"])
        .args(manifests())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn kind<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

/// The Dockerfile's `ENV FRAISEQL_ADDR=…`.
fn image_addr() -> String {
    let dockerfile = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ENV FRAISEQL_ADDR="))
        .expect("ENV FRAISEQL_ADDR in the Dockerfile")
        .to_owned()
}

#[test]
fn the_manifests_agree_with_the_dockerfile_and_the_example() {
    let docs = documents();
    let (config, secret) = (kind(&docs, "ConfigMap"), kind(&docs, "Secret"));
    let (deployment, service) = (kind(&docs, "Deployment"), kind(&docs, "Service"));
    let dockerfile = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();

    // One address everywhere: the image's, the ConfigMap's, the container port, EXPOSE.
    let addr = image_addr();
    assert_eq!(config["data"]["FRAISEQL_ADDR"], addr.as_str());
    let port: u64 = addr.rsplit(':').next().unwrap().parse().unwrap();
    assert!(dockerfile.contains(&format!("\nEXPOSE {port}\n")));
    let pod = &deployment["spec"]["template"];
    let container = &pod["spec"]["containers"][0];
    assert_eq!(container["ports"][0]["containerPort"], port);
    assert_eq!(container["ports"][0]["name"], "http");

    // Probes on the path the quickstart serves.
    let quickstart = std::fs::read_to_string(root().join("examples/quickstart.rs")).unwrap();
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(container[probe]["httpGet"]["path"], "/health", "{probe}");
        assert_eq!(container[probe]["httpGet"]["port"], "http", "{probe}");
    }
    assert!(quickstart.contains(r#".route("/health""#));

    // Secrets from the Secret, settings from the ConfigMap, both by name.
    assert_eq!(
        container["envFrom"][0]["configMapRef"]["name"],
        config["metadata"]["name"]
    );
    let env = container["env"].as_array().unwrap();
    let from_secret: Vec<&str> = env.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(from_secret, ["DATABASE_URL", "FRAISEQL_CURSOR_KEY"]);
    for e in env {
        let reference = &e["valueFrom"]["secretKeyRef"];
        assert_eq!(reference["name"], secret["metadata"]["name"]);
        assert!(secret["stringData"][reference["key"].as_str().unwrap()].is_string());
        assert!(quickstart.contains(e["name"].as_str().unwrap()) || e["name"] == "DATABASE_URL");
    }

    // The image's non-root user, enforced by the pod.
    assert!(
        dockerfile.contains("FROM gcr.io/distroless/cc-debian12:nonroot")
            && dockerfile.contains("USER nonroot")
    );
    assert_eq!(pod["spec"]["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["spec"]["securityContext"]["runAsUser"], 65532); // distroless's nonroot

    // Requests and limits: memory limited, requested, and the limit above the request.
    let resources = &container["resources"];
    let mib = |v: &Value| {
        v.as_str()
            .unwrap()
            .strip_suffix("Mi")
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert!(mib(&resources["requests"]["memory"]) < mib(&resources["limits"]["memory"]));
    assert!(resources["requests"]["cpu"].is_string());
    // The request covers the largest RSS any fraiseql server reached in benches/README.md's
    // measured runs (so the limit does too).
    let measured = largest_measured_rss_mib();
    assert!(
        mib(&resources["requests"]["memory"]) >= measured,
        "the memory request is under the {measured} MiB RSS measured in benches/README.md"
    );

    // No privilege escalation, nothing writable, no capabilities; every container non-root.
    for container in pod["spec"]["containers"].as_array().unwrap() {
        let security = &container["securityContext"];
        assert_eq!(security["allowPrivilegeEscalation"], false, "{container}");
        assert_eq!(security["readOnlyRootFilesystem"], true, "{container}");
        assert_eq!(security["capabilities"]["drop"], serde_json::json!(["ALL"]));
        assert_ne!(security["privileged"], true);
        assert_ne!(security["runAsNonRoot"], false);
        assert_ne!(security["runAsUser"], 0);
    }

    // The Service selects the pods and targets the named port.
    assert_eq!(
        service["spec"]["selector"],
        deployment["spec"]["selector"]["matchLabels"]
    );
    assert_eq!(
        pod["metadata"]["labels"],
        deployment["spec"]["selector"]["matchLabels"]
    );
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");
}

/// The largest `RSS MiB` of a fraiseql server (`server` column starting with `fraiseql`) in
/// every results table of benches/README.md.
fn largest_measured_rss_mib() -> u32 {
    let readme = std::fs::read_to_string(root().join("benches/README.md")).unwrap();
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let mut largest = 0;
    let mut rows = 0;
    let mut columns: Option<(usize, usize)> = None;
    for line in readme.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let row = cells(line);
        if let (Some(server), Some(rss)) = (
            row.iter().position(|c| c == "server"),
            row.iter().position(|c| c == "RSS MiB"),
        ) {
            columns = Some((server, rss));
            continue;
        }
        if let Some((server, rss)) = columns
            && row[server].starts_with("fraiseql")
            && let Ok(value) = row[rss].parse::<u32>()
        {
            largest = largest.max(value);
            rows += 1;
        }
    }
    assert!(
        rows >= 10,
        "only {rows} fraiseql rows with an RSS in benches/README.md"
    );
    largest
}

#[test]
fn the_guides_excerpts_are_the_deploy_files() {
    let dockerfile = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    let yaml: Vec<String> = manifests()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut checked = 0;
    for (page, block) in doc_blocks::all_blocks("dockerfile") {
        assert!(
            dockerfile.contains(&block),
            "{page}: not in deploy/Dockerfile:\n{block}"
        );
        checked += 1;
    }
    for (page, block) in doc_blocks::all_blocks("yaml") {
        assert!(
            yaml.iter().any(|f| f.contains(&block)),
            "{page}: in no manifest:\n{block}"
        );
        checked += 1;
    }
    assert!(checked >= 3, "{checked}");
}

#[test]
fn the_docs_shell_blocks_parse_and_name_files_that_exist() {
    let blocks = doc_blocks::all_document_blocks("sh");
    assert!(!blocks.is_empty());
    for (page, block) in blocks {
        let parsed = Command::new("bash")
            .args(["-n", "-c", &block])
            .output()
            .unwrap();
        assert!(
            parsed.status.success(),
            "{page}:\n{block}\n{}",
            String::from_utf8_lossy(&parsed.stderr)
        );
        for word in block.split_whitespace() {
            let word = word.trim_matches(|c| c == '"' || c == '\'');
            if ["deploy/", "examples/", "fraiseql/sql/"]
                .iter()
                .any(|p| word.starts_with(p))
            {
                assert!(root().join(word).exists(), "{page}: {word} does not exist");
            }
        }
    }
}

/// The PostgreSQL client, beside the server binaries the tests use.
fn path_with_psql() -> String {
    let bindir = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{bindir}:{}", std::env::var("PATH").unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_serves_with_the_images_environment() {
    // The database, loaded by the guide's own psql lines (its "The database" block).
    let db = TestDb::new().await.unwrap();
    let page = std::fs::read_to_string(root().join("docs/deployment.md")).unwrap();
    let load: String = doc_blocks::blocks(&page, "sh")
        .into_iter()
        .find(|b| b.contains("psql"))
        .expect("the guide's psql block")
        .lines()
        .filter(|l| l.starts_with("psql "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(load.lines().count(), 4);
    let loaded = Command::new("bash")
        .args(["-euc", &load])
        .current_dir(root())
        .env("PATH", path_with_psql())
        .env("DATABASE_URL", db.url())
        .env("PSQLRC", "/dev/null")
        .output()
        .unwrap();
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );

    // The binary the build stage makes (here the debug build cargo test made), with the image's
    // and the manifests' environment; only the port is left to the system, for parallel tests.
    let host = image_addr().rsplit_once(':').unwrap().0.to_owned();
    let key = "a key every replica shares";
    let (_a, a) = start_quickstart(&host, &db.url(), key);
    let health = support::raw(a, "GET /health HTTP/1.1", b"").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));

    // Two replicas sharing FRAISEQL_CURSOR_KEY accept each other's cursors: the page after the
    // first, asked of replica B with replica A's cursor, is the second user.
    let first = graphql(
        a,
        "{ usersConnection(first: 1) { edges { node { name } } pageInfo { endCursor } } }",
    )
    .await;
    let cursor = first["data"]["usersConnection"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    let (_b, b) = start_quickstart(&host, &db.url(), key);
    let next = format!(
        r#"{{ usersConnection(first: 1, after: "{cursor}") {{ edges {{ node {{ name }} }} }} }}"#
    );
    let from_b = graphql(b, &next).await;
    let from_a = graphql(a, &next).await;
    assert!(from_b.get("errors").is_none(), "{from_b}");
    assert_eq!(from_b, from_a);
    assert_ne!(
        from_b["data"]["usersConnection"]["edges"],
        first["data"]["usersConnection"]["edges"]
    );
    // A replica with another key refuses the cursor.
    let (_c, c) = start_quickstart(&host, &db.url(), "another key");
    let from_c = graphql(c, &next).await;
    assert_eq!(
        from_c["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{from_c}"
    );
}

/// Starts the quickstart binary as the image would, on `host` and a free port; the server and
/// the 127.0.0.1 address to reach it.
fn start_quickstart(host: &str, database_url: &str, cursor_key: &str) -> (Server, SocketAddr) {
    let binary = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples/quickstart");
    let mut child = KillOnDrop(
        Command::new(binary)
            .env_remove("FRAISEQL_INIT")
            .env("FRAISEQL_ADDR", format!("{host}:0"))
            .env("DATABASE_URL", database_url)
            .env("FRAISEQL_CURSOR_KEY", cursor_key)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the quickstart (built by cargo test; alone: cargo build --examples)"),
    );
    // Kept open while the server runs: it prints more after its URL (a closed pipe would end it).
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("GraphiQL: ")
                .map(|u| u.trim_end_matches("/graphiql").to_owned())
        })
        .expect("the quickstart printed its URL");
    assert!(url.starts_with(&format!("http://{host}:")), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    (
        Server {
            _process: child,
            _stdout: lines,
        },
        SocketAddr::from(([127, 0, 0, 1], port)),
    )
}

/// A quickstart process and its open stdout, both held until the test ends.
struct Server {
    _process: KillOnDrop,
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

/// POSTs `query` and returns the JSON answer (status 200 required).
async fn graphql(addr: SocketAddr, query: &str) -> Value {
    let body = serde_json::json!({ "query": query }).to_string();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
        body.len()
    );
    let reply = support::raw(addr, &head, body.as_bytes()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}
