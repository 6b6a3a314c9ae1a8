//! GraphQL `execute` against the floor (raw tokio-postgres running the same SQL the fast path
//! builds), on the blog fixture:
//! - Q1 one user by identifier (3 fields),
//! - Q2 20 users filtered and ordered,
//! - Q3 20 posts with author and comments with their author.
//!
//! Run with `cargo bench --bench graphql`.

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::{Context, SchemaBuilder, execute};
use fraiseql::{Database, FraiseType, RequestContext};
use fraiseql_tempdb::TestDb;
use juniper::Variables;
use uuid::Uuid;

#[derive(FraiseType)]
#[allow(dead_code)]
struct User {
    id: Uuid,
    identifier: String,
    name: String,
    email: String,
    age: Option<i32>,
}

#[derive(FraiseType)]
#[allow(dead_code)]
struct Post {
    id: Uuid,
    identifier: String,
    title: String,
    author: Author,
    comments: Vec<Comment>,
}

#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
#[allow(dead_code)]
struct Author {
    id: Uuid,
    name: String,
}

#[derive(FraiseType)]
#[fraiseql(view = "tv_comment")]
#[allow(dead_code)]
struct Comment {
    id: Uuid,
    content: String,
    author: Author,
}

const BLOG: &str = include_str!("../fraiseql/tests/fixtures/blog.sql");

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
        // The floor runs the statement the fast path sends (captured from the server's log of
        // prepared statements would be ideal; here: the same SQL rebuilt by a plain query).
        let body = runtime.block_on(execute(&schema, query, None, &variables, &context));
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
    // The floor: PostgreSQL building the nested page for Q3, on a raw prepared statement.
    let floor_sql = "SELECT json_build_object('posts', (SELECT COALESCE(json_agg(x.n ORDER BY x.rn), '[]'::json) FROM (SELECT json_build_object('title', t.data->'title', 'author', CASE WHEN jsonb_typeof(t.data->'author') = 'object' THEN json_build_object('name', t.data->'author'->'name') END, 'comments', CASE WHEN jsonb_typeof(t.data->'comments') = 'array' THEN (SELECT COALESCE(json_agg(CASE WHEN jsonb_typeof(e.v) = 'object' THEN json_build_object('content', e.v->'content', 'author', CASE WHEN jsonb_typeof(e.v->'author') = 'object' THEN json_build_object('name', e.v->'author'->'name') END) END ORDER BY e.i), '[]'::json) FROM jsonb_array_elements(t.data->'comments') WITH ORDINALITY AS e(v, i)) END) AS n, row_number() OVER (ORDER BY t.data->>'identifier') AS rn FROM tv_post AS t ORDER BY t.data->>'identifier' LIMIT 20) AS x))::text";
    let prepared = runtime
        .block_on(client.prepare(floor_sql))
        .expect("prepare");
    group.bench_function("Q3 20 posts nested: floor (raw tokio-postgres)", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .query_one(&prepared, &[])
                .await
                .unwrap()
                .get::<_, String>(0)
        })
    });
    group.finish();
    drop(db);
}

criterion_group!(benches, bench);
criterion_main!(benches);
