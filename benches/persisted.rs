//! A persisted query's hit against the same document sent in full (Q1, Q3 and Q3a of the benchmark
//! workload, on its database, and Q1 written in a 10 KB document, as real documents often are:
//! here a comment makes it long, so its statement is Q1's), through `fraiseql::http::Endpoint`
//! without a web framework:
//!
//! - `Rust`: what the endpoint does before the database — the POST body parsed, the document
//!   resolved (by its hash from the plan cache keyed by hash, or by its text) and the kept
//!   statement bound to the variables;
//! - `respond`: the whole request, `Endpoint::respond` on a pool of one connection, body to body.
//!
//! Run with `cargo bench --bench persisted`.

use std::convert::Infallible;

use axum::body::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::DocumentHash;
use fraiseql::http::{Endpoint, Format, Head, Method};
use fraiseql::{Database, RequestContext};
use serde_json::json;

#[path = "../examples/blog/mod.rs"]
mod blog;
#[path = "support/workload.rs"]
mod workload;

const HEAD: Head<'static> = Head {
    method: Method::Post,
    query: None,
    content_type: Some("application/json"),
    accept: Some("application/json"),
    content_length: None,
    expects_continue: false,
};

/// What the endpoint does before the database: parse, resolve, the statement.
fn prepare(endpoint: &Endpoint, database: &Database, body: &[u8]) -> fraiseql::sql::Statement {
    let request = endpoint
        .parse(&HEAD, Format::Json, body)
        .expect("well-formed");
    let resolved = endpoint
        .persisted()
        .resolve(
            endpoint.schema(),
            request.query.as_deref(),
            request.persisted_query.as_ref(),
            request.operation_name.as_deref(),
        )
        .expect("resolved");
    resolved
        .statement(&request.variables, database)
        .expect("one statement")
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, queries) = runtime.block_on(async {
        let db = workload::database().await;
        let queries = workload::queries(&db).await;
        (db, queries)
    });
    let database = Database::connect(db.config(), 1).expect("pool");
    let endpoint = Endpoint::new(blog::schema(), database.clone());

    let q1 = &queries[0];
    let long = format!("# {}\n{}", "A long document. ".repeat(600), q1.document);
    let cases = [
        ("Q1", q1.document, &q1.variables),
        ("Q3", queries[2].document, &queries[2].variables),
        ("Q3a", queries[3].document, &queries[3].variables),
        ("Q1 in 10 KB", &*long, &q1.variables),
    ];

    let mut group = c.benchmark_group("persisted");
    for (name, document, variables) in cases {
        let hash = DocumentHash::of(document);
        let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hash.to_string()}});
        let full = json!({"query": document, "variables": variables}).to_string();
        let register = json!({"query": document, "variables": variables, "extensions": extensions});
        let persisted = json!({"variables": variables, "extensions": extensions}).to_string();
        let respond = |body: String| {
            let endpoint = &endpoint;
            async move {
                let body =
                    futures_util::stream::once(async { Ok::<_, Infallible>(Bytes::from(body)) });
                endpoint
                    .respond(&HEAD, || Ok(RequestContext::new()), body)
                    .await
            }
        };
        // The document registered, and both forms answering alike.
        let registered = runtime.block_on(respond(register.to_string()));
        let answers = [full.clone(), persisted.clone()].map(|body| runtime.block_on(respond(body)));
        assert_eq!(registered.body, answers[0].body, "{name}");
        assert_eq!(answers[0], answers[1], "{name}");
        assert!(answers[0].body.starts_with(b"{\"data\":{"), "{name}");

        for (form, body) in [("in full", &full), ("persisted hit", &persisted)] {
            group.bench_function(format!("{name}: {form}, Rust"), |b| {
                b.iter(|| prepare(&endpoint, &database, body.as_bytes()))
            });
        }
        for (form, body) in [("in full", &full), ("persisted hit", &persisted)] {
            group.bench_function(format!("{name}: {form}, respond"), |b| {
                b.to_async(&runtime).iter(|| respond(body.clone()))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
