//! GraphQL `execute` against juniper's executor and the floor (raw tokio-postgres running the
//! same SQL the fast path builds), on the blog fixture:
//! - Q1 one user by identifier (3 fields),
//! - Q2 20 users filtered and ordered,
//! - Q3 20 posts with author and comments with their author.
//!
//! Run with `cargo bench --bench graphql`.

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::{Context, SchemaBuilder, execute};
use fraiseql::{Database, RequestContext};
use fraiseql_tempdb::TestDb;
use juniper::Variables;

#[path = "../fraiseql/tests/support/mod.rs"]
mod support;
use support::{BLOG, Post, User};

const QUERIES: [(&str, &str); 3] = [
    (
        "Q1 one user",
        r#"{ user(identifier: "user-3") { id name email } }"#,
    ),
    (
        "Q2 20 users",
        r#"{ users(where: {age: {isNull: false}}, orderBy: [{field: NAME}], limit: 20) { id name age } }"#,
    ),
    (
        "Q3 20 posts nested",
        r#"{ posts(orderBy: [{field: IDENTIFIER}], limit: 20) { title author { name } comments { content author { name } } } }"#,
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
    let variables = Variables::new();
    let mut group = c.benchmark_group("graphql");
    for (name, query) in QUERIES {
        let body = runtime
            .block_on(execute(&schema, query, None, &variables, &context))
            .into_body();
        assert!(
            body.starts_with("{\"data\":{") && !body.contains("errors"),
            "{body}"
        );
        group.bench_function(format!("{name}: fraiseql execute"), |b| {
            b.to_async(&runtime)
                .iter(|| execute(&schema, query, None, &variables, &context))
        });
        group.bench_function(format!("{name}: juniper executor"), |b| {
            b.to_async(&runtime).iter(|| async {
                juniper::execute(query, None, &schema, &variables, &context)
                    .await
                    .unwrap()
            })
        });
    }
    // The floor: raw tokio-postgres running the statement the fast path sends for Q3 (rebuilt
    // here with fraiseql-sql), prepared, no transaction, no GraphQL.
    let floor = q3_statement();
    let prepared = runtime
        .block_on(client.prepare(floor.sql()))
        .expect("prepare");
    group.bench_function(
        "Q3 20 posts nested: floor (raw tokio-postgres, same SQL)",
        |b| {
            b.to_async(&runtime).iter(|| async {
                client
                    .query_one(&prepared, &floor.params_ref())
                    .await
                    .unwrap()
                    .get::<_, String>(0)
            })
        },
    );
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

/// The Q3 statement, as the GraphQL compiler renders it.
fn q3_statement() -> fraiseql::sql::Statement {
    use fraiseql::sql::{
        Filter, JsonPath, Name, OrderBy, Projected, Projection, Relation, Root, ScalarKind,
        Statement, Target,
    };
    let name = |s: &str| Name::new(s).unwrap();
    let value = |s: &str| Projected::Value(JsonPath::parse(s).unwrap());
    let author = || {
        Projected::Object(
            JsonPath::parse("author").unwrap(),
            Projection::new().field(name("name"), value("name")),
        )
    };
    let comment = Projection::new()
        .field(name("content"), value("content"))
        .field(name("author"), author());
    let root = Root::List {
        relation: Relation::new("tv_post").unwrap(),
        filter: Filter::all(),
        order: vec![OrderBy::asc(
            Target::path("identifier", ScalarKind::Text).unwrap(),
        )],
        limit: Some(20),
        offset: 0,
        projection: Projection::new()
            .field(name("title"), value("title"))
            .field(name("author"), author())
            .field(
                name("comments"),
                Projected::List(JsonPath::parse("comments").unwrap(), comment),
            ),
    };
    Statement::select(&[(name("posts"), root)]).unwrap()
}

criterion_group!(benches, bench);
criterion_main!(benches);
