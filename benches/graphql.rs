//! GraphQL `execute` against juniper's executor and the floor (raw tokio-postgres running the
//! same SQL the fast path builds, from `fraiseql::graphql::statement`), on the blog fixture:
//! - Q1 one user by identifier (3 fields),
//! - Q2 20 users filtered and ordered (Q2v: the limit as a variable),
//! - Q3 20 posts with author and comments with their author,
//! - Q3a Q3 with `comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 3)` and
//!   `commentsAggregate { count }` (arguments on an embedded list, an aggregate beside it).
//!
//! Run with `cargo bench --bench graphql`.

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::{Context, SchemaBuilder};
use fraiseql::{Database, RequestContext};
use fraiseql_tempdb::TestDb;
use juniper::Variables;

#[path = "support/floor.rs"]
mod floor;
#[path = "../fraiseql/tests/support/mod.rs"]
mod support;
use floor::Setup;
use support::{BLOG, Post, User};

/// Operations without variables reuse their compiled statement; the `$limit` variant of Q2
/// compiles on every request (its statement depends on the variables).
const QUERIES: [(&str, &str); 5] = [
    (
        "Q1 one user",
        r#"{ user(identifier: "user-3") { id name email } }"#,
    ),
    (
        "Q2 20 users",
        r#"{ users(where: {age: {isNull: false}}, orderBy: [{field: NAME}], limit: 20) { id name age } }"#,
    ),
    (
        "Q2v 20 users, limit as a variable",
        r#"query ($limit: Int) { users(where: {age: {isNull: false}}, orderBy: [{field: NAME}], limit: $limit) { id name age } }"#,
    ),
    (
        "Q3 20 posts nested",
        r#"{ posts(orderBy: [{field: IDENTIFIER}], limit: 20) { title author { name } comments { content author { name } } } }"#,
    ),
    (
        "Q3a Q3, 3 latest comments and their count",
        r#"{ posts(orderBy: [{field: IDENTIFIER}], limit: 20) { title author { name } comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 3) { content author { name } } commentsAggregate { count } } }"#,
    ),
];

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, client, context) = runtime.block_on(async {
        let db = TestDb::new().await.expect("database");
        db.execute_script(BLOG).await.expect("fixture");
        let client = db.connect().await.expect("connection");
        let context = Context::new(
            Database::connect(db.config(), 4).expect("pool"),
            RequestContext::new().tenant_id("bench"),
        );
        (db, client, context)
    });
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .build()
        .expect("schema");
    let variables: Variables = serde_json::from_value(serde_json::json!({"limit": 20})).unwrap();
    let mut group = c.benchmark_group("graphql");
    let setup = Setup {
        runtime: &runtime,
        schema: &schema,
        context: &context,
        client: &client,
    };
    for (name, query) in QUERIES {
        setup.execute_and_floor(&mut group, name, query, &variables, None);
        group.bench_function(format!("{name}: juniper executor"), |b| {
            b.to_async(&runtime).iter(|| async {
                juniper::execute(query, None, &schema, &variables, &context)
                    .await
                    .unwrap()
            })
        });
    }
    let q3 = QUERIES[3].1;
    let floor = fraiseql::graphql::statement(&schema, q3, None, &variables, context.database())
        .expect("a statement");
    group.bench_function(
        "Q3 20 posts nested: Database::fetch_json (same SQL), with a tenant",
        |b| {
            b.to_async(&runtime).iter(|| async {
                context
                    .database()
                    .fetch_json(context.request(), &floor)
                    .await
                    .unwrap()
            })
        },
    );
    let no_settings = RequestContext::new();
    group.bench_function(
        "Q3 20 posts nested: Database::fetch_json (same SQL), no settings",
        |b| {
            b.to_async(&runtime).iter(|| async {
                context
                    .database()
                    .fetch_json(&no_settings, &floor)
                    .await
                    .unwrap()
            })
        },
    );
    group.finish();
    drop(db);
}

criterion_group!(benches, bench);
criterion_main!(benches);
