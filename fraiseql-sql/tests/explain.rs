//! The SQL we render is SQL the planner serves from indexes: key and identifier lookups use their
//! unique indexes, document containment uses a GIN index, and equality on a document path uses a
//! matching expression index. No planner settings are forced: 5,000 analyzed rows make the
//! indexes the obvious choice.

use fraiseql_sql::{
    Filter, JsonPath, Name, Op, Projected, Projection, Relation, Root, ScalarKind, Statement,
    Target, Value,
};
use fraiseql_tempdb::TestDb;
use serde_json::json;

const SCHEMA: &str = "
CREATE TABLE tv_user (id uuid PRIMARY KEY, identifier text NOT NULL, data jsonb NOT NULL);
INSERT INTO tv_user (id, identifier, data)
SELECT md5(i::text)::uuid, 'user-' || i,
       jsonb_build_object('id', md5(i::text)::uuid, 'name', 'User ' || i, 'email', 'u' || i || '@example.com',
                          'role', CASE WHEN i % 100 = 0 THEN 'admin' ELSE 'member' END, 'age', i % 90)
FROM generate_series(1, 5000) AS i;
-- Built after loading, as in production: a GIN index filled row by row keeps a pending list.
CREATE UNIQUE INDEX tv_user_identifier_key ON tv_user (identifier);
CREATE INDEX tv_user_data_gin ON tv_user USING gin (data jsonb_path_ops);
CREATE INDEX tv_user_email_idx ON tv_user ((data->>'email'));
ANALYZE tv_user;
";

/// The JSON plan of the statement answering `root`.
async fn explain(client: &tokio_postgres::Client, root: Root) -> String {
    let statement = Statement::value(&root).unwrap();
    let explain = format!("EXPLAIN (FORMAT JSON) {}", statement.sql());
    let plan: serde_json::Value = client
        .query_one(&explain, &statement.params_ref())
        .await
        .unwrap()
        .get(0);
    plan.to_string()
}

/// The plan of fetching one user's name by `filter`.
async fn plan(client: &tokio_postgres::Client, filter: Filter) -> String {
    let projection = Projection::new().field(
        Name::new("name").unwrap(),
        Projected::Value(JsonPath::parse("name").unwrap()),
    );
    explain(
        client,
        Root::One {
            relation: Relation::new("tv_user").unwrap(),
            filter,
            projection,
        },
    )
    .await
}

/// The plan of counting the users `filter` selects.
async fn list_plan(client: &tokio_postgres::Client, filter: Filter) -> String {
    explain(
        client,
        Root::Count {
            relation: Relation::new("tv_user").unwrap(),
            filter,
        },
    )
    .await
}

#[tokio::test]
async fn lookups_and_containment_use_their_indexes() {
    let db = TestDb::new().await.unwrap();
    db.execute_script(SCHEMA).await.unwrap();
    let client = db.connect().await.unwrap();
    let id: uuid::Uuid = client
        .query_one("SELECT id FROM tv_user WHERE identifier = 'user-42'", &[])
        .await
        .unwrap()
        .get(0);

    let by_id = plan(
        &client,
        Filter::cond(
            Target::column("id", ScalarKind::Uuid).unwrap(),
            Op::Eq(Value::Uuid(id)),
        ),
    )
    .await;
    assert!(by_id.contains("\"Index Name\":\"tv_user_pkey\""), "{by_id}");

    let by_identifier = plan(
        &client,
        Filter::cond(
            Target::column("identifier", ScalarKind::Text).unwrap(),
            Op::Eq("user-42".into()),
        ),
    )
    .await;
    assert!(
        by_identifier.contains("\"Index Name\":\"tv_user_identifier_key\""),
        "{by_identifier}"
    );

    let containment = list_plan(
        &client,
        Filter::cond(
            Target::document(),
            Op::JsonContains(json!({"role": "admin"})),
        ),
    )
    .await;
    assert!(
        containment.contains("\"Index Name\":\"tv_user_data_gin\""),
        "{containment}"
    );

    let by_email = plan(
        &client,
        Filter::cond(
            Target::path("email", ScalarKind::Text).unwrap(),
            Op::Eq("u42@example.com".into()),
        ),
    )
    .await;
    assert!(
        by_email.contains("\"Index Name\":\"tv_user_email_idx\""),
        "{by_email}"
    );

    // And without a usable index the plan is a sequential scan, so the checks above can fail.
    let by_name = plan(
        &client,
        Filter::cond(
            Target::path("name", ScalarKind::Text).unwrap(),
            Op::Eq("User 42".into()),
        ),
    )
    .await;
    assert!(
        !by_name.contains("Index Name") && by_name.contains("Seq Scan"),
        "{by_name}"
    );
}

/// A page ordered by a key no index serves is picked with a bounded (top-N) sort, for a list and
/// for a connection: its rows are numbered, given cursors and projected only after the LIMIT.
#[tokio::test]
async fn pages_are_picked_with_a_top_n_sort() {
    use fraiseql_sql::{Connection, ConnectionField, CursorKey, EdgeField, OrderBy, Page};
    let db = TestDb::new().await.unwrap();
    db.execute_script(SCHEMA).await.unwrap();
    let client = db.connect().await.unwrap();
    let name = |n: &str| Name::new(n).unwrap();
    let node = Projection::new().field(
        name("name"),
        Projected::Value(JsonPath::parse("name").unwrap()),
    );
    let order = vec![OrderBy::desc(
        Target::path("name", ScalarKind::Text).unwrap(),
    )];
    let list = Root::List {
        relation: Relation::new("tv_user").unwrap(),
        filter: Filter::all(),
        order: order.clone(),
        limit: Some(10),
        offset: 0,
        projection: node.clone(),
    };
    let connection = Root::Connection(Connection {
        relation: Relation::new("tv_user").unwrap(),
        filter: Filter::all(),
        order,
        page: Page::Forward {
            first: 10,
            after: None,
        },
        cursor_key: CursorKey::new(b"a test key of at least 32 bytes!"),
        fields: vec![(
            name("edges"),
            ConnectionField::Edges(vec![
                (name("cursor"), EdgeField::Cursor),
                (name("node"), EdgeField::Node(node)),
            ]),
        )],
    });
    for (what, root) in [("list", list), ("connection", connection)] {
        let statement = Statement::value(&root).unwrap();
        let explain = format!("EXPLAIN (ANALYZE, FORMAT JSON) {}", statement.sql());
        let plan: serde_json::Value = client
            .query_one(&explain, &statement.params_ref())
            .await
            .unwrap()
            .get(0);
        let plan = plan.to_string();
        assert!(
            plan.contains(r#""Sort Method":"top-N heapsort""#),
            "{what}: {plan}"
        );
    }
}
