//! Run-time behaviour of the derives: descriptors match the structs, handle-built filters render
//! the expected SQL and select the expected rows on a real PostgreSQL, and real documents
//! deserialize into the structs.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fraiseql::sql::{
    Filter, Ident, JsonPath, Kind, Name, Projected, Projection, Relation, Root, ScalarKind,
    Statement,
};
use fraiseql::{FieldSource, FieldType, FraiseEnum, FraiseType, TypeDescriptor};
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

/// A registered user.
///
/// Second paragraph.
#[derive(FraiseType, Debug, PartialEq)]
struct User {
    id: Uuid,
    identifier: String,
    /// Full name.
    name: String,
    age: Option<i32>,
    #[fraiseql(column)]
    tenant_id: Uuid,
    role: Role,
    tags: Vec<String>,
    born: Option<NaiveDate>,
    last_seen: Option<DateTime<Utc>>,
    settings: Option<serde_json::Value>,
    address: Option<Address>,
    posts: Vec<Post>,
    #[fraiseql(deprecated = "use name")]
    nick: Option<String>,
    #[fraiseql(skip)]
    session: Option<String>,
}

#[derive(FraiseType, Debug, PartialEq)]
#[fraiseql(view = "tv_user")]
struct Address {
    id: Uuid,
    city: String,
}

#[derive(FraiseType, Debug, PartialEq)]
#[fraiseql(json_case = "camelCase")]
struct Post {
    id: Uuid,
    title: String,
    created_at: DateTime<Utc>,
    like_count: i64,
}

#[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
enum Role {
    Admin,
    Member,
    #[fraiseql(json = "ro")]
    ReadOnly,
}

#[test]
fn descriptor_matches_the_struct() {
    let user = <User as FraiseType>::descriptor();
    assert_eq!(user.name, "User");
    assert_eq!(user.view, "tv_user");
    assert_eq!(user.data, "data");
    assert_eq!(user.key, "id");
    assert_eq!(user.identifier, Some("identifier"));
    assert_eq!(
        user.description,
        Some("A registered user.\n\nSecond paragraph.")
    );
    let names: Vec<_> = user.fields.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "id",
            "identifier",
            "name",
            "age",
            "tenantId",
            "role",
            "tags",
            "born",
            "lastSeen",
            "settings",
            "address",
            "posts",
            "nick"
        ],
        "declaration order, camelCase GraphQL names, skipped field absent"
    );
    let field = |name| user.field(name).unwrap_or_else(|| panic!("field {name}"));
    assert_eq!(field("name").description, Some("Full name."));
    assert_eq!(field("tenant_id").source, FieldSource::Column("tenant_id"));
    assert_eq!(field("last_seen").source, FieldSource::Json("last_seen"));
    assert_eq!(
        field("nick").deprecation.and_then(|d| d.reason),
        Some("use name")
    );
    assert!(field("name").deprecation.is_none());
    assert!(matches!(
        field("id").ty,
        FieldType::Scalar(ScalarKind::Uuid)
    ));
    assert!(matches!(
        field("age").ty,
        FieldType::Nullable(FieldType::Scalar(ScalarKind::Int))
    ));
    assert!(matches!(
        field("tags").ty,
        FieldType::List(FieldType::Scalar(ScalarKind::Text))
    ));
    match field("role").ty {
        FieldType::Enum(descriptor) => {
            let values: Vec<_> = descriptor()
                .values
                .iter()
                .map(|v| (v.name, v.stored))
                .collect();
            assert_eq!(
                values,
                [
                    ("ADMIN", "admin"),
                    ("MEMBER", "member"),
                    ("READ_ONLY", "ro")
                ]
            );
        }
        other => panic!("role is {other:?}"),
    }
    match field("posts").ty {
        FieldType::List(FieldType::Object(post)) => {
            let post: &TypeDescriptor = post();
            assert_eq!(post.view, "tv_post");
            assert_eq!(
                post.field("created_at").map(|f| f.source),
                Some(FieldSource::Json("createdAt"))
            );
        }
        other => panic!("posts is {other:?}"),
    }
    assert!(matches!(
        field("address").ty,
        FieldType::Nullable(FieldType::Object(_))
    ));
    assert_eq!(Role::ReadOnly.stored(), "ro");
}

fn where_sql(filter: Filter) -> String {
    let statement = Statement::value(&Root::Count {
        relation: Relation::new("tv_user").unwrap(),
        filter,
    })
    .expect("renders");
    let sql = statement.sql();
    let start = sql.find(" WHERE ").expect("a WHERE clause") + 7;
    sql[start..sql.len() - "))::text, 'null')".len()].to_owned()
}

#[test]
fn handles_render_typed_sql() {
    assert_eq!(
        where_sql(User::filter().name().starts_with("A")),
        r#"t."data"->>'name' LIKE $1::text"#
    );
    assert_eq!(
        where_sql(User::filter().age().gte(18)),
        r#"(t."data"->>'age')::integer >= $1::integer"#
    );
    assert_eq!(
        where_sql(User::filter().tenant_id().eq(Uuid::nil())),
        r#"t."tenant_id" = $1::uuid"#
    );
    assert_eq!(
        where_sql(User::filter().role().eq(Role::ReadOnly)),
        r#"t."data"->>'role' = $1::text"#
    );
    assert_eq!(
        where_sql(User::filter().address().city().eq("Oslo")),
        r#"t."data"->'address'->>'city' = $1::text"#
    );
    assert_eq!(
        where_sql(User::filter().posts().any(|p| p.like_count().gt(10))),
        r#"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(t."data"->'posts') = 'array' THEN t."data"->'posts' END) AS e1(v) WHERE (e1.v->>'likeCount')::bigint > $1::bigint)"#
    );
    assert_eq!(
        where_sql(User::filter().tags().any_eq("rust")),
        r#"$1::text = ANY(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN ARRAY(SELECT x FROM jsonb_array_elements_text(t."data"->'tags') AS x) END)"#
    );
    assert_eq!(
        where_sql(User::filter().settings().has_key("theme")),
        r#"t."data"->'settings' ? $1::text"#
    );
    let order = User::order().last_seen().desc().nulls_last();
    assert_eq!(order.target().kind(), Kind::Scalar(ScalarKind::Timestamp));
}

struct Row {
    id: Uuid,
    tenant: Uuid,
    document: serde_json::Value,
}

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// Fixture users; expectations below are written from this data, not from running our SQL.
fn fixture() -> Vec<Row> {
    let tenant_a = uuid(0xa);
    let tenant_b = uuid(0xb);
    let post = |n: u128, title: &str, likes: i64| serde_json::json!({"id": uuid(100 + n), "title": title, "createdAt": "2024-05-01T10:00:00Z", "likeCount": likes});
    vec![
        Row {
            id: uuid(1),
            tenant: tenant_a,
            document: serde_json::json!({
                "id": uuid(1), "identifier": "ada", "name": "Ada Lovelace", "age": 36, "role": "admin",
                "tags": ["math", "rust"], "born": "1815-12-10", "last_seen": "2024-06-01T12:00:00Z",
                "settings": {"theme": "dark"}, "address": {"id": uuid(11), "city": "London"},
                "posts": [post(1, "Notes on the engine", 120), post(2, "Bernoulli numbers", 7)],
                "nick": "countess"
            }),
        },
        Row {
            id: uuid(2),
            tenant: tenant_a,
            document: serde_json::json!({
                "id": uuid(2), "identifier": "alan", "name": "Alan Turing", "age": null, "role": "member",
                "tags": ["math"], "settings": null, "address": null, "posts": []
            }),
        },
        Row {
            id: uuid(3),
            tenant: tenant_b,
            document: serde_json::json!({
                "id": uuid(3), "identifier": "grace", "name": "Grace Hopper", "age": 85, "role": "ro",
                "tags": [], "address": {"id": uuid(13), "city": "Arlington"},
                "posts": [post(3, "COBOL", 11)]
            }),
        },
    ]
}

async fn load(db: &TestDb) -> tokio_postgres::Client {
    db.execute_script(
        "CREATE TABLE tv_user (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, data jsonb NOT NULL);",
    )
    .await
    .expect("schema");
    let client = db.connect().await.expect("connect");
    for row in fixture() {
        client
            .execute(
                "INSERT INTO tv_user (id, tenant_id, data) VALUES ($1, $2, $3)",
                &[
                    &row.id as &(dyn tokio_postgres::types::ToSql + Sync),
                    &row.tenant,
                    &row.document,
                ],
            )
            .await
            .expect("insert");
    }
    client
}

/// The ids, in id order, of the rows `filter` selects.
async fn select_ids(client: &tokio_postgres::Client, filter: Filter) -> Vec<Uuid> {
    let statement = Statement::value(&Root::List {
        relation: Relation::new("tv_user").unwrap(),
        filter,
        order: vec![User::order().id().asc()],
        limit: None,
        offset: 0,
        projection: Projection::new().field(
            Name::new("id").unwrap(),
            Projected::Value(JsonPath::parse("id").unwrap()),
        ),
    })
    .expect("renders");
    let json: String = client
        .query_one(statement.sql(), &statement.params_ref())
        .await
        .expect("runs")
        .get(0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).expect("JSON");
    rows.iter()
        .map(|r| {
            r["id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("an id")
        })
        .collect()
}

#[tokio::test]
async fn handle_filters_select_the_expected_rows() {
    let db = TestDb::new().await.expect("database");
    let client = load(&db).await;
    let cases: Vec<(&str, Filter, Vec<u128>)> = vec![
        (
            "name starts with A",
            User::filter().name().starts_with("A"),
            vec![1, 2],
        ),
        (
            "age >= 40 (null age never matches)",
            User::filter().age().gte(40),
            vec![3],
        ),
        ("age is null", User::filter().age().is_null(true), vec![2]),
        (
            "age neq 36 matches null",
            User::filter().age().neq(36),
            vec![2, 3],
        ),
        (
            "tenant column",
            User::filter().tenant_id().eq(uuid(0xb)),
            vec![3],
        ),
        (
            "enum by stored text",
            User::filter().role().eq(Role::ReadOnly),
            vec![3],
        ),
        (
            "enum in",
            User::filter().role().in_([Role::Admin, Role::Member]),
            vec![1, 2],
        ),
        (
            "embedded object",
            User::filter().address().city().eq("London"),
            vec![1],
        ),
        (
            "embedded list any",
            User::filter().posts().any(|p| p.like_count().gt(10)),
            vec![1, 3],
        ),
        (
            "embedded list all (vacuous for empty)",
            User::filter().posts().all(|p| p.like_count().gt(10)),
            vec![2, 3],
        ),
        (
            "embedded list none",
            User::filter()
                .posts()
                .none(|p| p.title().icontains("cobol")),
            vec![1, 2],
        ),
        (
            "text array",
            User::filter().tags().contains(["math", "rust"]),
            vec![1],
        ),
        (
            "json key",
            User::filter().settings().has_key("theme"),
            vec![1],
        ),
        (
            "date order",
            User::filter()
                .born()
                .lt(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()),
            vec![1],
        ),
        (
            "timestamp",
            User::filter()
                .last_seen()
                .gt(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()),
            vec![1],
        ),
        (
            "or / not",
            User::filter()
                .name()
                .contains("Ada")
                .or(User::filter().age().gt(80))
                .not(),
            vec![2],
        ),
    ];
    for (label, filter, expected) in cases {
        let expected: Vec<Uuid> = expected.into_iter().map(uuid).collect();
        assert_eq!(select_ids(&client, filter).await, expected, "{label}");
    }
}

/// Every served field under its document key, columns included: the JSON repositories read.
fn full_projection(descriptor: &TypeDescriptor) -> Projection {
    descriptor
        .fields
        .iter()
        .fold(Projection::new(), |projection, field| {
            let name = Name::new(field.source.key()).expect("keys are GraphQL names here");
            let value = match field.source {
                FieldSource::Json(key) => Projected::Value(JsonPath::parse(key).unwrap()),
                FieldSource::Column(column) => Projected::Column(Ident::new(column).unwrap()),
            };
            projection.field(name, value)
        })
}

#[tokio::test]
async fn real_documents_deserialize_into_the_structs() {
    let db = TestDb::new().await.expect("database");
    let client = load(&db).await;
    let statement = Statement::value(&Root::List {
        relation: Relation::new("tv_user").unwrap(),
        filter: Filter::all(),
        order: vec![User::order().id().asc()],
        limit: None,
        offset: 0,
        projection: full_projection(<User as FraiseType>::descriptor()),
    })
    .unwrap();
    let json: String = client
        .query_one(statement.sql(), &statement.params_ref())
        .await
        .unwrap()
        .get(0);
    let users: Vec<User> = serde_json::from_str(&json).expect("documents deserialize");
    assert_eq!(users.len(), 3);
    let ada = &users[0];
    assert_eq!(ada.name, "Ada Lovelace");
    assert_eq!(ada.age, Some(36));
    assert_eq!(ada.tenant_id, uuid(0xa), "column value");
    assert_eq!(ada.role, Role::Admin);
    assert_eq!(ada.born, NaiveDate::from_ymd_opt(1815, 12, 10));
    assert_eq!(
        ada.last_seen,
        Some(Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap())
    );
    assert_eq!(ada.settings, Some(serde_json::json!({"theme": "dark"})));
    assert_eq!(
        ada.address.as_ref().map(|a| a.city.as_str()),
        Some("London")
    );
    assert_eq!(
        ada.posts[0].like_count, 120,
        "camelCase keys of the embedded post"
    );
    assert_eq!(ada.posts[1].title, "Bernoulli numbers", "list order kept");
    assert_eq!(ada.session, None, "skipped field takes its default");
    let alan = &users[1];
    assert_eq!(
        (alan.age, alan.born, alan.last_seen),
        (None, None, None),
        "null and missing optional fields"
    );
    assert_eq!(alan.address, None);
    assert!(alan.posts.is_empty());
    assert_eq!(users[2].role, Role::ReadOnly, "renamed stored enum value");

    // A document that does not fit the struct is a deserialization error, not a panic.
    let bad = serde_json::json!({"id": uuid(9), "identifier": "x", "name": 5});
    assert!(serde_json::from_value::<User>(bad).is_err());
    let unknown_role = serde_json::json!("superuser");
    let error = serde_json::from_value::<Role>(unknown_role)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("superuser") && error.contains("admin"),
        "{error}"
    );
}
