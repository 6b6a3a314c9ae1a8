//! What recording Prometheus metrics costs a request (feature `metrics`): the same requests
//! through [`Endpoint::respond`] on an endpoint without metrics and on one with
//! [`Endpoint::metrics`].
//!
//! - `refused`: a document that does not validate (its plan cached), answered without the
//!   database: the difference is the whole recording cost of a request — the operation's series
//!   looked up, the clock read twice, two histograms observed, the first error's code found in
//!   the body and its counter incremented — with nothing else to hide it;
//! - `Q1`: a query answered by PostgreSQL (one user, from a throwaway cluster), where the
//!   recording adds the plan-cache, statement-cache and pool counters, against a round trip;
//! - `render`: one scrape of `/metrics` after those requests.
//!
//! Run with `cargo bench --bench metrics`.

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::RequestContext;
use fraiseql::http::{Endpoint, Head, Method};
use fraiseql::metrics::Metrics;

#[path = "../examples/blog/mod.rs"]
mod blog;

const HEAD: Head<'static> = Head {
    method: Method::Post,
    query: None,
    content_type: Some("application/json"),
    accept: None,
    content_length: None,
    expects_continue: false,
};

async fn respond(endpoint: &Endpoint, body: &'static str) -> u16 {
    let chunk = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
        bytes::Bytes::from_static(body.as_bytes()),
    )]);
    let response = endpoint
        .respond(&HEAD, || Ok(RequestContext::new()), chunk)
        .await;
    response.status
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (db, server) = runtime
        .block_on(blog::database())
        .expect("the blog database");
    let metrics = Metrics::new();
    let plain = Endpoint::new(blog::schema(), db.clone());
    let measured = Endpoint::new(blog::schema(), db).metrics(&metrics);

    let refused = r#"{"query":"query Refused { nope }"}"#;
    let q1 = r#"{"query":"query Q1 { users(limit: 1) { id name email } }"}"#;
    for (name, body) in [("refused", refused), ("Q1", q1)] {
        let mut group = c.benchmark_group(name);
        for (label, endpoint) in [("plain", &plain), ("metrics", &measured)] {
            group.bench_function(label, |b| {
                b.to_async(&runtime).iter(|| respond(endpoint, body));
            });
        }
        group.finish();
    }
    c.bench_function("render", |b| b.iter(|| metrics.render().len()));
    drop(server);
}

criterion_group!(benches, bench);
criterion_main!(benches);
