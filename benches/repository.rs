//! Cost of a read through fraiseql against the floor: PostgreSQL answering the same statement on
//! a raw `tokio-postgres` connection (prepared once, one round trip, no transaction).
//!
//! - `floor`: the statement alone.
//! - `fetch_json`: pooled connection + read-only transaction + request context + statement.
//! - `repository`: the same plus deserializing into the typed struct.
//!
//! Run with `cargo bench --bench repository` (uses `DATABASE_URL` or a throwaway cluster).

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::sql::{Filter, Op, Relation, Root, ScalarKind, Statement, Target};
use fraiseql::{Database, FindMany, FraiseType, Repository, RequestContext};
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

/// Read whole; the bench never looks at the fields, only at the cost of producing them.
#[derive(FraiseType, Debug)]
#[allow(dead_code)]
struct User {
    id: Uuid,
    identifier: String,
    name: String,
    email: String,
    age: Option<i32>,
}

const SEED: &str = "
CREATE TABLE tv_user (id uuid PRIMARY KEY, identifier text UNIQUE NOT NULL, data jsonb NOT NULL);
INSERT INTO tv_user SELECT md5(i::text)::uuid, 'user-' || i,
    jsonb_build_object('id', md5(i::text)::uuid, 'identifier', 'user-' || i, 'name', 'User ' || i,
                       'email', 'u' || i || '@example.com', 'age', i % 90)
FROM generate_series(1, 1000) AS i;
ANALYZE tv_user;
";

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, client, database) = runtime.block_on(async {
        let db = TestDb::new().await.expect("database");
        db.execute_script(SEED).await.expect("seed");
        let client = db.connect().await.expect("connection");
        let database = Database::connect(db.config(), 4).expect("pool");
        (db, client, database)
    });
    let id: Uuid = runtime
        .block_on(client.query_one("SELECT id FROM tv_user WHERE identifier = 'user-42'", &[]))
        .expect("a user")
        .get(0);
    let users = Repository::<User>::new(database.clone());
    let context = RequestContext::new().tenant_id("bench").user_id("1");

    // The statement a find_by_id issues, for the floor and fetch_json.
    let by_id = Statement::value(&Root::List {
        relation: Relation::new("tv_user").unwrap(),
        filter: Filter::cond(
            Target::column("id", ScalarKind::Uuid).unwrap(),
            Op::Eq(id.into()),
        ),
        order: vec![],
        limit: None,
        offset: 0,
        projection: fraiseql::sql::Projection::new().field(
            fraiseql::sql::Name::new("name").unwrap(),
            fraiseql::sql::Projected::Value(fraiseql::sql::JsonPath::parse("name").unwrap()),
        ),
    })
    .unwrap();
    let prepared = runtime
        .block_on(client.prepare(by_id.sql()))
        .expect("prepare");

    let mut group = c.benchmark_group("read one user by id");
    group.bench_function("floor: raw tokio-postgres, prepared", |b| {
        b.to_async(&runtime).iter(|| async {
            let row = client
                .query_one(&prepared, &by_id.params_ref())
                .await
                .unwrap();
            row.get::<_, String>(0)
        })
    });
    group.bench_function("fraiseql: Database::fetch_json", |b| {
        b.to_async(&runtime)
            .iter(|| async { database.fetch_json(&context, &by_id).await.unwrap() })
    });
    group.bench_function("fraiseql: Repository::find_by_id", |b| {
        b.to_async(&runtime)
            .iter(|| async { users.find_by_id(&context, id).await.unwrap().unwrap() })
    });
    group.finish();

    let mut group = c.benchmark_group("read 20 users");
    group.bench_function("fraiseql: Repository::find_many", |b| {
        b.to_async(&runtime).iter(|| async {
            users
                .find_many(
                    &context,
                    FindMany::new().order(User::order().name().asc()).limit(20),
                )
                .await
                .unwrap()
        })
    });
    group.finish();
    drop(db);
}

criterion_group!(benches, bench);
criterion_main!(benches);
