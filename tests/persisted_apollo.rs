//! Apollo Client's own persisted-query link (`@apollo/client/link/persisted-queries`, hashing
//! with Node's SHA-256, hashed queries over GET) against both adapters: Apollo Client 3, which
//! asks for `application/json`, and Apollo Client 4, which asks for
//! `application/graphql-response+json`. Automatic persisted queries: the first request sends
//! the hash alone, is told `PERSISTED_QUERY_NOT_FOUND`, resends with the document, and later
//! requests send the hash alone. An allow-list made from the documents the client sent: listed
//! operations run by hash at once, others are refused without a retry.
//!
//! Needs `node` and `npm` (`.ci/run` installs them when missing); the clients are installed once
//! into `target/apollo-client`.

mod support;

use fraiseql::graphql::{DocumentHash, Manifest, PersistedQueries};
use serde_json::{Value, json};
use support::{ADAPTERS, Adapter, npm_install, serve};

/// The clients, pinned: Apollo Client 3 under the alias `apollo3`, and 4.
const PACKAGES: &[&str] = &[
    "apollo3@npm:@apollo/client@3.13.9",
    "@apollo/client@4.0.9",
    "graphql@16.11.0",
    "rxjs@7.8.2",
];

/// Runs `operations` (`[{query, variables}]`) in turn through Apollo Client `major`'s
/// persisted-query link and prints `{results, requests}`: each operation's data or error, and
/// every HTTP exchange as sent and answered.
const CLIENT: &str = r#"
const [url, major, operations] = process.argv.slice(1);
const core = require(major === '3' ? 'apollo3/core' : '@apollo/client');
const { createPersistedQueryLink } = require(major === '3' ? 'apollo3/link/persisted-queries' : '@apollo/client/link/persisted-queries');
const { createHash } = require('crypto');
const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const requests = [];
const logged = async (uri, options) => {
  const response = await fetch(uri, options);
  const body = await response.clone().text();
  const method = options.method || 'GET';
  const sent = method === 'GET' ? Object.fromEntries(new URL(String(uri)).searchParams) : JSON.parse(options.body);
  requests.push({ method, sent, status: response.status, body });
  return response;
};
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true })
  .concat(new core.HttpLink({ uri: url, fetch: logged }));
const client = new core.ApolloClient({ link, cache: new core.InMemoryCache() });
(async () => {
  const results = [];
  for (const { query, variables } of JSON.parse(operations)) {
    try {
      const result = await client.query({ query: core.gql(query), variables, fetchPolicy: 'network-only' });
      results.push({ data: result.data });
    } catch (error) {
      results.push({ error: String(error && error.message) });
    }
  }
  console.log(JSON.stringify({ results, requests }));
})().catch((error) => { console.error(error); process.exit(2); });
"#;

const USERS: &str =
    "query Users($n: Int) { users(limit: $n, orderBy: [{field: NAME, direction: ASC}]) { name } }";
const FIRST_POST: &str = "query FirstPost { posts(limit: 1) { identifier } }";

/// One HTTP exchange the client made.
#[derive(Debug)]
struct Exchange {
    method: String,
    /// The persisted-query hash, from the URL (GET) or the body (POST).
    hash: Option<String>,
    /// The document, when sent.
    query: Option<String>,
    status: u64,
    body: Value,
}

/// What the client got for each operation, and the exchanges it made.
async fn run(url: &str, major: u8, operations: Value) -> (Vec<Value>, Vec<Exchange>) {
    let dir = npm_install("apollo-client", PACKAGES);
    let output = tokio::process::Command::new("node")
        .current_dir(&dir)
        .args([
            "-e",
            CLIENT,
            url,
            &major.to_string(),
            &operations.to_string(),
        ])
        .output()
        .await
        .expect("node is needed for this test (Debian: apt-get install nodejs)");
    assert!(
        output.status.success(),
        "Apollo Client {major} did not run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let exchanges = printed["requests"].as_array().unwrap().iter().map(exchange);
    let results = printed["results"].as_array().unwrap().clone();
    (results, exchanges.collect())
}

fn exchange(logged: &Value) -> Exchange {
    let sent = &logged["sent"];
    // GET sends extensions JSON-encoded in the query string.
    let extensions = match &sent["extensions"] {
        Value::String(text) => serde_json::from_str(text).unwrap(),
        extensions => extensions.clone(),
    };
    Exchange {
        method: logged["method"].as_str().unwrap().to_owned(),
        hash: extensions["persistedQuery"]["sha256Hash"]
            .as_str()
            .map(str::to_owned),
        query: sent["query"].as_str().map(str::to_owned),
        status: logged["status"].as_u64().unwrap(),
        body: serde_json::from_str(logged["body"].as_str().unwrap()).unwrap(),
    }
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// The status a refusal answers under the response type Apollo Client `major` asks for.
fn status(major: u8, json: u64, graphql_response: u64) -> u64 {
    if major == 3 { json } else { graphql_response }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apollo_client_automatic_persisted_queries() {
    for (adapter, major) in [(Adapter::Axum, 3), (Adapter::Actix, 4), (Adapter::Axum, 4)] {
        let served = serve(adapter, |e| e).await;
        let url = format!("http://{}/graphql", served.addr);
        let operations = json!([
            {"query": USERS, "variables": {"n": 2}},
            {"query": USERS, "variables": {"n": 3}},
        ]);
        let (results, exchanges) = run(&url, major, operations).await;
        let names = |n: usize| &results[n]["data"]["users"];
        assert_eq!(names(0).as_array().map(Vec::len), Some(2), "{results:?}");
        assert_eq!(names(1)[2]["name"], "Barbara Liskov", "{results:?}");
        // The hash alone over GET, unknown; the document with the hash over POST; then the hash
        // alone over GET, known.
        let [unknown, registered, known] = &exchanges[..] else {
            panic!("{adapter:?} {major}: {exchanges:#?}");
        };
        let hash = DocumentHash::of(registered.query.as_deref().unwrap()).to_string();
        assert_eq!(unknown.method, "GET", "{exchanges:#?}");
        assert_eq!(
            (unknown.hash.as_ref(), &unknown.query),
            (Some(&hash), &None)
        );
        assert_eq!(unknown.status, status(major, 200, 404), "{exchanges:#?}");
        assert_eq!(code(&unknown.body), "PERSISTED_QUERY_NOT_FOUND");
        assert_eq!(registered.method, "POST", "{exchanges:#?}");
        assert_eq!(registered.hash.as_ref(), Some(&hash), "{exchanges:#?}");
        assert_eq!(registered.status, 200, "{exchanges:#?}");
        assert_eq!(
            (known.method.as_str(), known.status),
            ("GET", 200),
            "{exchanges:#?}"
        );
        assert_eq!((known.hash.as_ref(), &known.query), (Some(&hash), &None));
        assert_eq!(
            known.body["data"]["users"],
            *names(1),
            "{adapter:?} {major}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apollo_client_against_an_allow_list() {
    // The documents exactly as the client sends them (with the __typename it adds), learnt
    // from it over automatic persisted queries, written as Apollo's manifest.
    let learnt = serve(Adapter::Axum, |e| e).await;
    let url = format!("http://{}/graphql", learnt.addr);
    let (_, exchanges) = run(&url, 3, json!([{"query": USERS, "variables": {"n": 1}}])).await;
    let sent = exchanges[1].query.clone().unwrap();
    assert!(sent.contains("__typename"), "{sent}");
    let manifest = json!({"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": exchanges[1].hash, "name": "Users", "type": "query", "body": sent}
    ]});
    let path = std::env::temp_dir().join(format!("fraiseql-apq-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    // Node's hash of the document is ours: the manifest's ids are checked when it is read.
    let manifest = Manifest::from_path(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(manifest.len(), 1);
    for (adapter, major) in ADAPTERS.into_iter().zip([3, 4]) {
        let allow_list = PersistedQueries::allow_list(manifest.clone());
        let served = serve(adapter, |e| e.persisted_queries(allow_list)).await;
        let url = format!("http://{}/graphql", served.addr);
        let operations = json!([
            {"query": USERS, "variables": {"n": 2}},
            {"query": FIRST_POST, "variables": {}},
        ]);
        let (results, exchanges) = run(&url, major, operations).await;
        assert_eq!(
            results[0]["data"]["users"].as_array().map(Vec::len),
            Some(2),
            "{results:?}"
        );
        assert!(results[1].get("error").is_some(), "{results:?}");
        // The listed operation ran from its hash at once; the other was refused, and Apollo's
        // link did not resend it.
        let [listed, refused] = &exchanges[..] else {
            panic!("{adapter:?} {major}: {exchanges:#?}");
        };
        assert_eq!((listed.method.as_str(), listed.status), ("GET", 200));
        assert_eq!(listed.query, None, "{exchanges:#?}");
        assert_eq!(refused.query, None, "{exchanges:#?}");
        assert_eq!(refused.status, status(major, 200, 403), "{exchanges:#?}");
        assert_eq!(code(&refused.body), "PERSISTED_QUERY_NOT_ALLOWED");
    }
}
