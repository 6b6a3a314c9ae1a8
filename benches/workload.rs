//! The benchmark workload on the benchmark database (`benches/dataset.sql`: 1,000 users, 10,000
//! posts, 50,000 comments in the blog's shape), in process:
//! - Q1 one user by id (3 fields),
//! - Q2 20 users filtered and ordered,
//! - Q3 the 20 latest posts with `author { name }` and `comments { content author { name } }`,
//! - Q3a Q3 with `comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 3)` and
//!   `commentsAggregate { count }`,
//! - Q4 100 posts whose title contains a word,
//! - M1 a create mutation,
//!
//! each through `fraiseql::graphql::execute` and, for the queries, the floor: raw tokio-postgres
//! running the best hand-written SQL for the same answer (`support/floor_sql.rs`), prepared,
//! checked to answer the same bytes first.
//!
//! Run with `cargo bench --bench workload`.

use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::{Context, Schema, execute};
use fraiseql::{Database, RequestContext};
use juniper::Variables;

#[path = "../examples/blog/mod.rs"]
mod blog;
#[path = "support/floor.rs"]
mod floor;
#[path = "support/workload.rs"]
mod workload;
use floor::{HandWritten, Setup};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, client, queries) = runtime.block_on(async {
        let db = workload::database().await;
        let client = db.connect().await.expect("connection");
        let queries = workload::queries(&db).await;
        (db, client, queries)
    });
    let schema: Schema = blog::schema();
    let context = Context::new(
        Database::connect(db.config(), 4).expect("pool"),
        RequestContext::new().tenant_id(workload::TENANT),
    );
    let mut group = c.benchmark_group("workload");
    let setup = Setup {
        runtime: &runtime,
        schema: &schema,
        context: &context,
        client: &client,
    };
    for query in &queries {
        let hand_written = HandWritten {
            sql: query.floor_sql,
            params: query
                .floor_params
                .iter()
                .map(|id| fraiseql_sql::Param::Uuid(*id))
                .collect(),
            ordered: query.ordered,
        };
        setup.execute_and_floor(
            &mut group,
            query.name,
            query.document,
            &query.juniper_variables(),
            Some(hand_written),
        );
    }
    let create = workload::CREATE;
    let counter = AtomicUsize::new(0);
    let input = || {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        serde_json::from_value::<Variables>(workload::create_variables("bench", n)).unwrap()
    };
    let first = runtime
        .block_on(execute(&schema, create, None, &input(), &context))
        .into_body();
    assert!(first.contains(r#""user":{"id":"#), "{first}");
    group.bench_function("M1 create a user: fraiseql execute", |b| {
        b.to_async(&runtime).iter(|| {
            let variables = input();
            let (schema, context) = (&schema, &context);
            async move { execute(schema, create, None, &variables, context).await }
        })
    });
    group.finish();
    drop(db);
}

criterion_group!(benches, bench);
criterion_main!(benches);
