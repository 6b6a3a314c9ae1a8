//! Persisted queries over HTTP, on both adapters and a real PostgreSQL: Apollo's automatic
//! persisted queries over POST and GET, an allow-list from a manifest, persisted queries
//! disabled, every malformed hash and extension, and refusals that never take a connection.
//! Answers to persisted requests are compared byte for byte with the same document sent in full.

mod support;

use std::time::{Duration, Instant};

use fraiseql::graphql::{DocumentHash, Manifest, PersistedQueries};
use serde_json::{Value, json};
use support::{
    ACCEPT_GRAPHQL_RESPONSE, ADAPTERS, Adapter, GRAPHQL_RESPONSE, JSON, Reply, Served, encode,
    expect, get, post, refused, serve, serve_with_pool,
};

const USERS: &str =
    "query Users($n: Int) { users(limit: $n, orderBy: [{field: NAME, direction: ASC}]) { name } }";
const FIRST_POST: &str = "{ posts(limit: 1) { identifier } }";
const PROBE: &str = "{ probes { slept } }";
const NO_STORE: &str = "private, no-cache, must-revalidate";

/// `extensions.persistedQuery` naming `hash`.
fn extension(hash: &DocumentHash) -> Value {
    json!({"persistedQuery": {"version": 1, "sha256Hash": hash.to_string()}})
}

/// A POST body: the document when given, its hash when given, the variables.
fn body(query: Option<&str>, hash: Option<&DocumentHash>, variables: Value) -> String {
    let mut body = json!({ "variables": variables });
    if let Some(query) = query {
        body["query"] = json!(query);
    }
    if let Some(hash) = hash {
        body["extensions"] = extension(hash);
    }
    body.to_string()
}

/// A GET path naming the document by `hash` only, with `variables`.
fn get_path(hash: &DocumentHash, variables: &str) -> String {
    format!(
        "/graphql?extensions={}&variables={}",
        encode(&extension(hash).to_string()),
        encode(variables)
    )
}

/// Asserts a `PERSISTED_QUERY_NOT_FOUND` or `…_NOT_SUPPORTED` answer: no shared cache keeps it.
fn uncached_refusal(adapter: Adapter, reply: &Reply, status: u16, content_type: &str, code: &str) {
    refused(adapter, reply, status, content_type, code);
    assert_eq!(reply.header("cache-control"), Some(NO_STORE), "{adapter:?}");
}

/// The answer to `query` sent in full, without any extension: what a persisted request must
/// answer byte for byte.
async fn in_full(served: &Served, query: &str, variables: Value) -> String {
    let reply = post(served, &[], &body(Some(query), None, variables)).await;
    expect(served.adapter, &reply, 200, JSON);
    assert!(reply.body.starts_with(r#"{"data":"#), "{}", reply.body);
    reply.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_persisted_queries_over_post_and_get() {
    let hash = DocumentHash::of(USERS);
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let two = in_full(&served, USERS, json!({"n": 2})).await;
        let three = in_full(&served, USERS, json!({"n": 3})).await;
        assert!(
            two.contains("Alan Turing") && !two.contains("Barbara"),
            "{two}"
        );
        // Unknown: 200 under application/json (Apollo's link reads it and resends), 404 under
        // application/graphql-response+json; over GET too.
        let only_hash = body(None, Some(&hash), json!({"n": 2}));
        let reply = post(&served, &[], &only_hash).await;
        uncached_refusal(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_FOUND");
        assert_eq!(
            reply.json()["errors"][0]["message"],
            "PersistedQueryNotFound"
        );
        let reply = post(&served, &[ACCEPT_GRAPHQL_RESPONSE], &only_hash).await;
        uncached_refusal(
            adapter,
            &reply,
            404,
            GRAPHQL_RESPONSE,
            "PERSISTED_QUERY_NOT_FOUND",
        );
        let reply = get(&served, &get_path(&hash, r#"{"n":2}"#), &[]).await;
        uncached_refusal(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_FOUND");
        // The client resends with the document: answered and remembered.
        let registered = post(
            &served,
            &[],
            &body(Some(USERS), Some(&hash), json!({"n": 2})),
        )
        .await;
        expect(adapter, &registered, 200, JSON);
        assert_eq!(registered.body, two, "{adapter:?}");
        // From now on the hash alone, with any variables, over POST and GET.
        let reply = post(&served, &[], &only_hash).await;
        expect(adapter, &reply, 200, JSON);
        assert_eq!(reply.body, two, "{adapter:?}");
        assert_eq!(reply.header("cache-control"), None, "{adapter:?}");
        let reply = post(
            &served,
            &[ACCEPT_GRAPHQL_RESPONSE],
            &body(None, Some(&hash), json!({"n": 3})),
        )
        .await;
        expect(adapter, &reply, 200, GRAPHQL_RESPONSE);
        assert_eq!(reply.body, three, "{adapter:?}");
        let path = format!("{}&operationName=Users", get_path(&hash, r#"{"n":3}"#));
        let reply = get(&served, &path, &[]).await;
        expect(adapter, &reply, 200, JSON);
        assert_eq!(reply.body, three, "{adapter:?}");
        // Hex digits in upper case name the same document.
        let upper = json!({"extensions": {"persistedQuery": {
            "version": 1, "sha256Hash": hash.to_string().to_uppercase()}}, "variables": {"n": 2}});
        let reply = post(&served, &[], &upper.to_string()).await;
        assert_eq!(reply.body, two, "{adapter:?}");
        // An unknown operation name is the document's validation error, as in full.
        let unknown = post(
            &served,
            &[ACCEPT_GRAPHQL_RESPONSE],
            &json!({"extensions": extension(&hash), "operationName": "Nope"}).to_string(),
        )
        .await;
        refused(
            adapter,
            &unknown,
            400,
            GRAPHQL_RESPONSE,
            "OPERATION_RESOLUTION_FAILURE",
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashes_that_do_not_match_or_are_malformed_are_400() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        // A hash that is not the document's: refused, and nothing remembered under either.
        let other = DocumentHash::of(FIRST_POST);
        for accept in [ACCEPT_GRAPHQL_RESPONSE, "Accept: application/json"] {
            let mismatch = body(Some(USERS), Some(&other), json!({}));
            let reply = post(&served, &[accept], &mismatch).await;
            assert_eq!(reply.status, 400, "{adapter:?}: {reply:?}");
            assert_eq!(reply.code(), "PERSISTED_QUERY_HASH_MISMATCH", "{adapter:?}");
            assert!(reply.json().get("data").is_none(), "{adapter:?}");
        }
        for hash in [other, DocumentHash::of(USERS)] {
            let reply = post(&served, &[], &body(None, Some(&hash), json!({}))).await;
            uncached_refusal(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_FOUND");
        }
        // Malformed extensions, over POST and GET, whatever the response type: 400.
        let good = DocumentHash::of(USERS).to_string();
        let malformed = [
            json!("x"),
            json!([good]),
            json!(1),
            json!(true),
            json!({"sha256Hash": good}),
            json!({"version": 2, "sha256Hash": good}),
            json!({"version": "1", "sha256Hash": good}),
            json!({"version": 1}),
            json!({"version": 1, "sha256Hash": null}),
            json!({"version": 1, "sha256Hash": 12}),
            json!({"version": 1, "sha256Hash": &good[..63]}),
            json!({"version": 1, "sha256Hash": format!("{good}0")}),
            json!({"version": 1, "sha256Hash": format!("{}g", &good[..63])}),
            json!({"version": 1, "sha256Hash": format!("sha256:{}", &good[..57])}),
            json!({"version": 1, "sha256Hash": ""}),
        ];
        for persisted in malformed {
            let extensions = json!({ "persistedQuery": persisted });
            for (accept, content_type) in [
                (ACCEPT_GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
                ("Accept: application/json", JSON),
            ] {
                for query in [None, Some(USERS)] {
                    let mut sent = json!({ "extensions": extensions });
                    if let Some(query) = query {
                        sent["query"] = json!(query);
                    }
                    let reply = post(&served, &[accept], &sent.to_string()).await;
                    refused(adapter, &reply, 400, content_type, "BAD_REQUEST");
                    let message = reply.json()["errors"][0]["message"].to_string();
                    assert!(message.contains("persistedQuery"), "{message}");
                }
                let path = format!("/graphql?extensions={}", encode(&extensions.to_string()));
                let reply = get(&served, &path, &[accept]).await;
                refused(adapter, &reply, 400, content_type, "BAD_REQUEST");
            }
        }
        // No document and no hash: the query is missing, as before.
        let reply = post(&served, &[], r#"{"extensions":{"persistedQuery":null}}"#).await;
        refused(adapter, &reply, 400, JSON, "BAD_REQUEST");
    }
}

/// The blog's two documents a client was built with, as Apollo's manifest lists them.
fn apollo_manifest(documents: &[&str]) -> Manifest {
    let operations: Vec<Value> = documents
        .iter()
        .map(|body| json!({"id": DocumentHash::of(body).to_string(), "name": "X", "type": "query", "body": body}))
        .collect();
    let manifest = json!({"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations});
    Manifest::from_json(&serde_json::to_string_pretty(&manifest).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allow_list_runs_only_its_documents() {
    let mutation = "mutation { createUser(input: {name: \"x\"}) { __typename } }";
    let manifest = apollo_manifest(&[USERS, FIRST_POST, mutation]);
    let listed = DocumentHash::of(USERS);
    for adapter in ADAPTERS {
        let reference = serve(adapter, |e| e).await;
        let two = in_full(&reference, USERS, json!({"n": 2})).await;
        let first_post = in_full(&reference, FIRST_POST, json!({})).await;
        drop(reference);
        let allow_list = PersistedQueries::allow_list(manifest.clone());
        let served = serve(adapter, |e| e.persisted_queries(allow_list)).await;
        // Listed: by hash over POST and GET, in full, and both.
        let reply = post(&served, &[], &body(None, Some(&listed), json!({"n": 2}))).await;
        assert_eq!((reply.status, &reply.body), (200, &two), "{adapter:?}");
        let reply = get(&served, &get_path(&listed, r#"{"n":2}"#), &[]).await;
        assert_eq!((reply.status, &reply.body), (200, &two), "{adapter:?}");
        let reply = post(&served, &[], &body(Some(USERS), None, json!({"n": 2}))).await;
        assert_eq!((reply.status, &reply.body), (200, &two), "{adapter:?}");
        let reply = post(
            &served,
            &[],
            &body(
                Some(FIRST_POST),
                Some(&DocumentHash::of(FIRST_POST)),
                json!({}),
            ),
        )
        .await;
        assert_eq!(
            (reply.status, &reply.body),
            (200, &first_post),
            "{adapter:?}"
        );
        // Anything else, whether by hash, in full or both (an attempt to register it): refused
        // with 200 under application/json, 403 under application/graphql-response+json.
        let unlisted = "{ posts(limit: 2) { identifier } }";
        let introspection = "{ __schema { queryType { name } } }";
        for document in [unlisted, introspection, "{ __typename }", "{ nope"] {
            let hash = DocumentHash::of(document);
            for sent in [
                body(Some(document), None, json!({})),
                body(None, Some(&hash), json!({})),
                body(Some(document), Some(&hash), json!({})),
            ] {
                let reply = post(&served, &[], &sent).await;
                refused(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_ALLOWED");
                let reply = post(&served, &[ACCEPT_GRAPHQL_RESPONSE], &sent).await;
                refused(
                    adapter,
                    &reply,
                    403,
                    GRAPHQL_RESPONSE,
                    "PERSISTED_QUERY_NOT_ALLOWED",
                );
            }
            let reply = get(
                &served,
                &format!("/graphql?query={}", encode(document)),
                &[],
            )
            .await;
            refused(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_ALLOWED");
        }
        // A listed document with another's hash is a mismatch, not a way in.
        let reply = post(
            &served,
            &[],
            &body(Some(unlisted), Some(&listed), json!({})),
        )
        .await;
        refused(adapter, &reply, 400, JSON, "PERSISTED_QUERY_HASH_MISMATCH");
        // A listed mutation over GET is still a mutation: 405.
        let reply = get(&served, &get_path(&DocumentHash::of(mutation), "{}"), &[]).await;
        refused(adapter, &reply, 405, JSON, "METHOD_NOT_ALLOWED");
        assert_eq!(reply.header("allow"), Some("POST"), "{adapter:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_persisted_queries_need_the_document() {
    let hash = DocumentHash::of(FIRST_POST);
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| {
            e.persisted_queries(PersistedQueries::disabled())
        })
        .await;
        let first_post = in_full(&served, FIRST_POST, json!({})).await;
        let only_hash = body(None, Some(&hash), json!({}));
        let reply = post(&served, &[], &only_hash).await;
        uncached_refusal(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_SUPPORTED");
        assert_eq!(
            reply.json()["errors"][0]["message"],
            "PersistedQueryNotSupported"
        );
        let reply = get(&served, &get_path(&hash, "{}"), &[ACCEPT_GRAPHQL_RESPONSE]).await;
        uncached_refusal(
            adapter,
            &reply,
            400,
            GRAPHQL_RESPONSE,
            "PERSISTED_QUERY_NOT_SUPPORTED",
        );
        // With the document it runs, and is not remembered.
        let reply = post(
            &served,
            &[],
            &body(Some(FIRST_POST), Some(&hash), json!({})),
        )
        .await;
        assert_eq!(
            (reply.status, &reply.body),
            (200, &first_post),
            "{adapter:?}"
        );
        let reply = post(&served, &[], &only_hash).await;
        uncached_refusal(adapter, &reply, 200, JSON, "PERSISTED_QUERY_NOT_SUPPORTED");
    }
}

/// With the pool's only connection held by a slow request, every refused persisted request is
/// answered at once, while a request that runs waits for the connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_persisted_queries_take_no_connection() {
    let unlisted = DocumentHash::of(FIRST_POST);
    let modes = [
        (PersistedQueries::automatic(), "PERSISTED_QUERY_NOT_FOUND"),
        (
            PersistedQueries::allow_list(apollo_manifest(&[USERS, PROBE])),
            "PERSISTED_QUERY_NOT_ALLOWED",
        ),
        (
            PersistedQueries::disabled(),
            "PERSISTED_QUERY_NOT_SUPPORTED",
        ),
    ];
    for (adapter, (mode, code)) in ADAPTERS.into_iter().cycle().zip(modes) {
        let served = serve_with_pool(adapter, 1, |e| e.persisted_queries(mode)).await;
        let addr = served.addr;
        let slow = tokio::spawn(async move {
            let sent = body(Some(PROBE), None, json!({}));
            let head = format!(
                "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nX-Sleep: 2\r\nContent-Length: {}",
                sent.len()
            );
            support::raw(addr, &head, sent.as_bytes()).await
        });
        // Wait until the slow statement holds the connection.
        let client = served.db.connect().await.unwrap();
        let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%tv_probe%' AND state = 'active' AND pid <> pg_backend_pid()";
        let started = Instant::now();
        while client
            .query_one(sleeping, &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
            == 0
        {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{adapter:?}: no slow request"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let held = Instant::now();
        let refusals = [
            (body(None, Some(&unlisted), json!({})), code),
            (
                body(Some(USERS), Some(&unlisted), json!({})),
                "PERSISTED_QUERY_HASH_MISMATCH",
            ),
            (
                json!({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}})
                    .to_string(),
                "BAD_REQUEST",
            ),
        ];
        for (sent, code) in refusals {
            let reply = post(&served, &[], &sent).await;
            assert_eq!(reply.code(), code, "{adapter:?}: {reply:?}");
        }
        assert!(
            held.elapsed() < Duration::from_millis(1500),
            "{adapter:?} {code}: the refusals waited {:?}",
            held.elapsed()
        );
        // A request that runs waits for the slow one to give the connection back.
        let reply = post(&served, &[], &body(Some(USERS), None, json!({"n": 1}))).await;
        expect(adapter, &reply, 200, JSON);
        let slow = slow.await.unwrap();
        assert_eq!(slow.body, r#"{"data":{"probes":[{"slept":true}]}}"#);
        assert!(
            held.elapsed() >= Duration::from_millis(1500),
            "{adapter:?}: the pool was not held ({:?})",
            held.elapsed()
        );
    }
}
