//! The event-log example (`examples/events`) over HTTP, as its own axum app serves it: keyset
//! pages walked 10 forward and back while other clients append events, each page checked
//! against plain SQL over `tb_event`. The example's own start generates 1,000,000 events; this
//! test generates 5,000 with the same generator, to keep the suite fast.

#[path = "../examples/events/app.rs"]
mod events;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value as Json, json};
use uuid::Uuid;

const PAGE: usize = 50;

async fn graphql(addr: std::net::SocketAddr, query: &str, variables: Json) -> Json {
    let body = json!({"query": query, "variables": variables}).to_string();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
        body.len()
    );
    let reply = support::raw(addr, &head, body.as_bytes()).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let body = reply.json();
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"].clone()
}

/// A page: its sequences in order, and its cursors.
#[derive(Debug, Clone, PartialEq)]
struct Page {
    sequences: Vec<i64>,
    start: String,
    end: String,
}

const CONNECTION: &str = "query ($first: Int, $after: String, $last: Int, $before: String) {
  eventsConnection(first: $first, after: $after, last: $last, before: $before) {
    edges { node { sequence } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}";

async fn page(addr: std::net::SocketAddr, variables: Json) -> Page {
    let data = graphql(addr, CONNECTION, variables).await;
    let connection = &data["eventsConnection"];
    Page {
        sequences: connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["sequence"].as_i64().unwrap())
            .collect(),
        start: connection["pageInfo"]["startCursor"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        end: connection["pageInfo"]["endCursor"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_keyset_pages_forward_and_back_stay_stable_under_concurrent_appends() {
    let db = fraiseql_tempdb::TestDb::new()
        .await
        .expect("a test database");
    let owner = db.connect().await.unwrap();
    let mut reported = Vec::new();
    events::load(&owner, 5_000, |done, _| reported.push(done))
        .await
        .unwrap();
    assert_eq!(reported, [5_000]);
    let database = fraiseql::Database::connect(db.config(), 4).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, events::router(database, None))
            .await
            .unwrap();
    });
    let sql_page = |below: i64| {
        let owner = &owner;
        async move {
            owner
                .query(
                    "SELECT pk_event FROM tb_event WHERE pk_event < $1 ORDER BY pk_event DESC LIMIT 50",
                    &[&below],
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<_, i64>(0))
                .collect::<Vec<_>>()
        }
    };

    // Other clients append through the mutation for as long as the walk lasts.
    let account: Uuid = owner
        .query_one("SELECT id FROM tb_account ORDER BY pk_account LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    let stop = Arc::new(AtomicBool::new(false));
    let appenders: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut appended = Vec::new();
                while !stop.load(Ordering::Relaxed) || appended.is_empty() {
                    let data = graphql(
                        addr,
                        "mutation ($input: AppendEventInput!) { appendEvent(input: $input) {
                           ... on AppendEventSuccess { event { sequence } } } }",
                        json!({"input": {"accountId": account, "kind": "DEPOSITED", "amount": 5}}),
                    )
                    .await;
                    let sequence = data["appendEvent"]["event"]["sequence"].as_i64();
                    appended.push(sequence.unwrap_or_else(|| panic!("{data}")));
                }
                appended
            })
        })
        .collect();

    // Forward: newest first, each page exactly the next 50 below the previous one, as SQL says.
    let mut forward: Vec<Page> = Vec::new();
    for _ in 0..10 {
        let variables = match forward.last() {
            None => json!({"first": PAGE}),
            Some(last) => json!({"first": PAGE, "after": last.end}),
        };
        let next = page(addr, variables).await;
        assert_eq!(next.sequences.len(), PAGE);
        assert!(next.sequences.windows(2).all(|w| w[0] > w[1]), "{next:?}");
        if let Some(last) = forward.last() {
            assert_eq!(
                next.sequences,
                sql_page(*last.sequences.last().unwrap()).await
            );
        }
        forward.push(next);
    }
    // Back: the page before page k is exactly page k - 1, appends notwithstanding.
    for k in (1..10).rev() {
        let back = page(addr, json!({"last": PAGE, "before": forward[k].start})).await;
        assert_eq!(back, forward[k - 1], "page {k} back");
    }
    stop.store(true, Ordering::Relaxed);
    let mut appended = Vec::new();
    for appender in appenders {
        appended.extend(appender.await.unwrap());
    }
    // Before the first page: exactly the events appended since, newest first, none skipped.
    let newest = forward[0].sequences[0];
    let since = page(addr, json!({"last": 1000, "before": forward[0].start})).await;
    let expected: Vec<i64> = owner
        .query(
            "SELECT pk_event FROM tb_event WHERE pk_event > $1 ORDER BY pk_event DESC",
            &[&newest],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(since.sequences, expected);
    // Only the appenders write, so what they appended after the first page is exactly that
    // (appends that landed before the first page was read are on it or below it).
    let mut appended_since: Vec<i64> = appended.into_iter().filter(|s| *s > newest).collect();
    appended_since.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(since.sequences, appended_since);
    // The log is append-only, and the projections agree with it.
    let refused = owner
        .batch_execute("DELETE FROM tb_event WHERE pk_event = 1")
        .await;
    let error = refused.unwrap_err();
    let message = error.as_db_error().map(|e| e.message().to_owned());
    assert_eq!(message.as_deref(), Some("tb_event is append-only"));
    let (events, projected, folded): (i64, i64, i64) = {
        let row = owner
            .query_one(
                "SELECT (SELECT count(*) FROM tb_event), (SELECT count(*) FROM tv_event),
                        (SELECT sum((data->>'event_count')::bigint) FROM tv_account)::bigint",
                &[],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1), row.get(2))
    };
    assert_eq!((projected, folded), (events, events));
}
