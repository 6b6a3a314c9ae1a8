//! The graphql-http conformance audit (`auditServer` of the graphql-http npm package) against
//! both adapters serving the blog: no MUST may fail, and no SHOULD warning is expected either
//! (the README lists the audit's outcome).
//!
//! Needs `node` and `npm` (`.ci/run` installs them when missing); graphql-http is installed once
//! into `target/graphql-http`.

mod support;

use support::{ADAPTERS, npm_install, serve};

/// The audit's version, pinned so its list of checks does not change under the test.
const GRAPHQL_HTTP: &str = "graphql-http@1.23.1";

const AUDIT: &str = r#"
const { auditServer } = require('graphql-http');
auditServer({ url: process.argv[1] }).then((results) => {
  for (const r of results) console.log(JSON.stringify({ status: r.status, name: r.name, reason: r.reason }));
}, (error) => { console.error(error); process.exit(2); });
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_over_http_audit_passes() {
    let dir = npm_install("graphql-http", &[GRAPHQL_HTTP, "graphql@16"]);
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let url = format!("http://{}/graphql", served.addr);
        let output = tokio::process::Command::new("node")
            .current_dir(&dir)
            .args(["-e", AUDIT])
            .arg(&url)
            .output()
            .await
            .expect("node is needed for this test (Debian: apt-get install nodejs)");
        assert!(
            output.status.success(),
            "{adapter:?}: the audit did not run: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let results: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert!(
            results.len() >= 50,
            "{adapter:?}: only {} audits ran",
            results.len()
        );
        let not_ok: Vec<String> = results
            .iter()
            .filter(|r| r["status"] != "ok")
            .map(|r| format!("{} {}: {}", r["status"], r["name"], r["reason"]))
            .collect();
        println!(
            "{adapter:?}: {} audits, {} not ok",
            results.len(),
            not_ok.len()
        );
        let must: Vec<&String> = not_ok
            .iter()
            .filter(|r| r.starts_with("\"error\""))
            .collect();
        assert!(must.is_empty(), "{adapter:?}: MUST failures:\n{must:#?}");
        assert!(
            not_ok.is_empty(),
            "{adapter:?}: SHOULD warnings (update the README):\n{not_ok:#?}"
        );
    }
}
