//! The Rust work of one request, for operations that take their values as variables (as real
//! clients send them): Q1–Q4 of the benchmark workload with `$id`, `$min`, `$n` and `$word`,
//! and Q3a (Q3 with arguments on the embedded comments and their count beside them).
//!
//! - `statement, kept`: what a repeated operation costs in Rust before the database — plan
//!   lookup, the variables checked against their types, the kept statement bound to the values
//!   (`fraiseql::graphql::statement`, which `execute` runs);
//! - `statement, first seen`: the same with the plan cache off — parse, validate and compile;
//! - `execute` and `fetch_json` of the very statement `execute` sends, on one connection:
//!   their difference is the whole Rust cost of a request, body included.
//!
//! Each request uses the next of several values, so nothing depends on one value being cached.
//!
//! Run with `cargo bench --bench request_cost`.

use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::{Context, Schema, execute, statement};
use fraiseql::{Database, RequestContext};
use juniper::Variables;
use serde_json::json;

#[path = "../examples/blog/mod.rs"]
mod blog;
#[path = "support/workload.rs"]
mod workload;

/// One operation and the values its requests cycle through.
struct Operation {
    name: &'static str,
    document: &'static str,
    values: Vec<Variables>,
}

fn operations(users: &[uuid::Uuid]) -> Vec<Operation> {
    let variables = |value: serde_json::Value| serde_json::from_value(value).unwrap();
    vec![
        Operation {
            name: "Q1 one user by id",
            document: "query ($id: ID!) { user(id: $id) { id name email } }",
            values: users
                .iter()
                .map(|id| variables(json!({"id": id})))
                .collect(),
        },
        Operation {
            name: "Q2 20 users filtered and ordered",
            document: "query ($min: Int!, $n: Int!) { users(where: {age: {gte: $min}}, \
                       orderBy: [{field: NAME}], limit: $n) { id name age } }",
            values: (25..35)
                .map(|min| variables(json!({"min": min, "n": 20})))
                .collect(),
        },
        Operation {
            name: "Q3 20 latest posts nested",
            document: "query ($n: Int!) { posts(orderBy: [{field: CREATED_AT, direction: DESC}], \
                       limit: $n) { title author { name } comments { content author { name } } } }",
            values: vec![variables(json!({"n": 20}))],
        },
        Operation {
            name: "Q3a Q3, 3 latest comments and their count",
            document: "query ($n: Int!, $c: Int!) { posts(orderBy: [{field: CREATED_AT, direction: DESC}], \
                       limit: $n) { title author { name } \
                       comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: $c) { content author { name } } \
                       commentsAggregate { count } } }",
            values: vec![variables(json!({"n": 20, "c": 3}))],
        },
        Operation {
            name: "Q4 100 posts by title word",
            document: "query ($word: String!) { posts(where: {title: {contains: $word}}, limit: 100) \
                       { id title } }",
            values: ["Keyset", "Rust", "GraphQL", "JSONB", "PostgreSQL"]
                .map(|word| variables(json!({"word": word})))
                .into(),
        },
    ]
}

/// Cycles through `values`.
fn cycle<'v, T>(values: &'v [T]) -> impl FnMut() -> &'v T {
    let next = AtomicUsize::new(0);
    move || &values[next.fetch_add(1, Ordering::Relaxed) % values.len()]
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, users) = runtime.block_on(async {
        let db = workload::database().await;
        let client = db.connect().await.expect("connection");
        let rows = client
            .query("SELECT id FROM tb_user ORDER BY pk_user LIMIT 50", &[])
            .await
            .expect("users");
        let users: Vec<uuid::Uuid> = rows.iter().map(|row| row.get(0)).collect();
        (db, users)
    });
    let schema: Schema = blog::schema();
    let cold: Schema = blog::builder()
        .plan_cache(0)
        .build()
        .expect("the blog schema");
    let database = Database::connect(db.config(), 1).expect("pool");
    let context = Context::new(database.clone(), RequestContext::new());
    let request = RequestContext::new();

    let mut group = c.benchmark_group("request_cost");
    for operation in operations(&users) {
        let (name, document) = (operation.name, operation.document);
        for variables in &operation.values {
            let body = runtime
                .block_on(execute(&schema, document, None, variables, &context))
                .into_body();
            assert!(
                !body.contains("errors") && body.len() > 40,
                "{name}: {body}"
            );
        }
        let mut next = cycle(&operation.values);
        group.bench_function(format!("{name}: statement, kept"), |b| {
            b.iter(|| statement(&schema, document, None, next(), &database).expect("one"))
        });
        group.bench_function(format!("{name}: statement, first seen"), |b| {
            b.iter(|| statement(&cold, document, None, next(), &database).expect("one"))
        });
        group.bench_function(format!("{name}: execute"), |b| {
            b.to_async(&runtime)
                .iter(|| execute(&schema, document, None, next(), &context))
        });
        let statements: Vec<_> = operation
            .values
            .iter()
            .map(|variables| statement(&schema, document, None, variables, &database).unwrap())
            .collect();
        let mut next_statement = cycle(&statements);
        group.bench_function(format!("{name}: fetch_json"), |b| {
            b.to_async(&runtime).iter(|| {
                let statement = next_statement();
                let database = &database;
                let request = &request;
                async move { database.fetch_json(request, statement).await.expect("JSON") }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
