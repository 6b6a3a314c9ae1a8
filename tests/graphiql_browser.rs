//! GraphiQL in a real browser: headless Chromium opens the page each adapter serves (assets
//! served locally, no CDN), runs a query through GraphiQL's editor, checks the response GraphiQL
//! shows and saves a screenshot to `target/graphiql-<adapter>.png`.
//!
//! Needs Debian's `chromium` (`apt-get install chromium`) besides node and npm, so it is not part
//! of `cargo test --workspace`; `.ci/run` installs Chromium and runs it:
//!
//! ```sh
//! cargo test --test graphiql_browser -- --ignored
//! ```

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::{ADAPTERS, serve};

fn playwright() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/graphiql-browser");
    if !dir
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        std::fs::create_dir_all(&dir).unwrap();
        // The library only: it drives the system's Chromium and downloads no browser.
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("playwright-core@1.65.1")
            .status()
            .expect("npm is needed for this test (Debian: apt-get install nodejs npm)");
        assert!(status.success(), "npm install playwright-core failed");
    }
    dir.join("node_modules")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium: cargo test --test graphiql_browser -- --ignored"]
async fn graphiql_runs_a_query_in_chromium() {
    let modules = support::blog::install_graphiql().expect("npm installs GraphiQL's assets");
    let node_path = playwright();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for adapter in ADAPTERS {
        let graphiql = fraiseql::http::GraphiQL::new("/graphiql")
            .assets_from(&modules)
            .unwrap();
        let served = serve(adapter, |e| e.graphiql(graphiql)).await;
        let screenshot = root.join(format!("target/graphiql-{adapter:?}.png").to_lowercase());
        let _ = std::fs::remove_file(&screenshot);
        let output = tokio::process::Command::new("node")
            .env("NODE_PATH", &node_path)
            .arg(root.join("tests/graphiql_browser.js"))
            .arg(format!("http://{}/graphiql", served.addr))
            .arg(&screenshot)
            .output()
            .await
            .expect("node runs");
        assert!(
            output.status.success(),
            "{adapter:?}: the browser check failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let seen: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(seen["failures"], serde_json::json!([]), "{adapter:?}");
        let posts = &seen["response"]["data"]["posts"];
        assert_eq!(
            posts[0]["title"], "100% coverage_of LIKE #11",
            "{adapter:?}: {seen}"
        );
        assert_eq!(
            posts[1]["author"]["name"], "Donald Knuth",
            "{adapter:?}: {seen}"
        );
        let png = std::fs::read(&screenshot).expect("a screenshot");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{adapter:?}"
        );
        println!("{adapter:?}: screenshot in {}", screenshot.display());
    }
}

/// With introspection disabled, GraphiQL shows the endpoint's refusal (its message and code)
/// where it would load the schema, rather than an empty or broken page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium: cargo test --test graphiql_browser -- --ignored"]
async fn graphiql_shows_that_introspection_is_disabled() {
    let modules = support::blog::install_graphiql().expect("npm installs GraphiQL's assets");
    let node_path = playwright();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let adapter = ADAPTERS[0];
    let graphiql = fraiseql::http::GraphiQL::new("/graphiql")
        .assets_from(&modules)
        .unwrap();
    let closed = fraiseql::graphql::Introspection::Disabled;
    let served = serve(adapter, |e| e.graphiql(graphiql).introspection(closed)).await;
    let screenshot = root.join("target/graphiql-introspection-disabled.png");
    let output = tokio::process::Command::new("node")
        .env("NODE_PATH", &node_path)
        .arg(root.join("tests/graphiql_browser.js"))
        .arg(format!("http://{}/graphiql", served.addr))
        .arg(&screenshot)
        .arg("closed")
        .output()
        .await
        .expect("node runs");
    assert!(
        output.status.success(),
        "the browser check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let shown = seen["shown"].as_str().unwrap();
    assert!(shown.contains("INTROSPECTION_DISABLED"), "{shown}");
    assert_eq!(seen["failures"], serde_json::json!([]));
}
