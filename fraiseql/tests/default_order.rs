//! Every list has a total order: the key when nothing else is asked for, the type's default
//! order, or `orderBy`, each followed by the key. Checked over the blog fixture against plain
//! SQL, across updates that move rows in the heap, and over offset pages; and the orders no
//! index serves, which `build_checked` warns of.

use fraiseql::graphql::{Context, Schema, SchemaBuilder, UnservedOrder, unserved_orders};
use fraiseql::sql::{OrderBy, ScalarKind, Target};
use fraiseql::{Database, FindMany, FraiseType, Repository, RequestContext};
use juniper::{DefaultScalarValue, Variables};
use serde_json::{Value as Json, json};
use tokio_postgres::Client;
use uuid::Uuid;

mod support;
use support::{Post, User, blog_db};

/// A user as a person: newest-named first unless asked otherwise.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_user", default_order = "name desc")]
struct Person {
    id: Uuid,
    name: String,
    age: Option<i32>,
}

/// A post ordered by a real column that is no GraphQL field, newest first.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_post", default_order = "created_at: timestamptz desc")]
struct Article {
    id: Uuid,
    title: String,
}

struct Fixture {
    _db: fraiseql_tempdb::TestDb,
    client: Client,
    database: Database,
}

async fn fixture() -> Fixture {
    let (db, client) = blog_db().await;
    let database = Database::connect(db.config(), 2).unwrap();
    Fixture {
        _db: db,
        client,
        database,
    }
}

impl Fixture {
    fn schema(&self, builder: SchemaBuilder) -> (Schema, Context) {
        (
            builder.build().unwrap(),
            Context::new(self.database.clone(), RequestContext::new()),
        )
    }

    /// The one-statement answer's `data`, checked byte-identical to juniper's executor.
    async fn run(&self, (schema, context): &(Schema, Context), query: &str) -> Json {
        let variables: Variables<DefaultScalarValue> = Variables::new();
        let answer = fraiseql::graphql::execute(schema, query, None, &variables, context).await;
        let body = answer.into_body();
        let reference = support::juniper_body(schema, context, query, &variables).await;
        assert_eq!(body, reference, "fast path and juniper differ for {query}");
        assert!(!body.contains("\"errors\""), "{body}");
        serde_json::from_str::<Json>(&body).unwrap()["data"].take()
    }

    /// The rows of `sql` as a JSON array of objects.
    async fn plain(&self, sql: &str) -> Json {
        support::plain(&self.client, sql).await
    }

    /// The ids of `relation` in the order a sequential scan reads them.
    async fn heap_order(&self, relation: &str) -> Vec<Uuid> {
        (self.client)
            .query(&format!("SELECT id FROM {relation}"), &[])
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }
}

fn ids(list: &Json) -> Vec<Uuid> {
    (list.as_array().unwrap().iter())
        .map(|row| row["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn lists_without_order_by_come_in_key_order() {
    let f = fixture().await;
    let schema = f.schema(SchemaBuilder::new().query::<User>().query::<Post>());
    let data = f
        .run(
            &schema,
            "{ users { id name } posts(limit: 7) { id title } page: posts(limit: 5, offset: 10) { id } }",
        )
        .await;
    assert_eq!(
        data["users"],
        f.plain("SELECT id, name FROM tb_user ORDER BY id").await
    );
    assert_eq!(
        data["posts"],
        f.plain("SELECT id, title FROM tb_post ORDER BY id LIMIT 7")
            .await
    );
    assert_eq!(
        data["page"],
        f.plain("SELECT id FROM tb_post ORDER BY id LIMIT 5 OFFSET 10")
            .await
    );

    // The repository's lists follow the same order.
    let posts = Repository::<Post>::new(f.database.clone());
    let page = (posts.find_many(&RequestContext::new(), FindMany::new().limit(7)))
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|p| p.id).collect::<Vec<_>>(),
        ids(&data["posts"])
    );
}

#[tokio::test]
async fn the_first_page_survives_an_update_that_moves_a_row() {
    let f = fixture().await;
    let schema = f.schema(SchemaBuilder::new().query::<Post>());
    let query = "{ posts(limit: 5) { id title } }";
    let before = f.run(&schema, query).await;
    let heap_before = f.heap_order("tv_post").await;
    let first = ids(&before["posts"])[0];
    // A new version of the first row, written where the heap has room: a sequential scan now
    // meets it at another place.
    f.client
        .execute(
            "UPDATE tv_post SET data = data || jsonb_build_object('body', repeat('x', 500)) WHERE id = $1",
            &[&first],
        )
        .await
        .unwrap();
    let heap_after = f.heap_order("tv_post").await;
    assert_ne!(
        heap_before, heap_after,
        "the update moved the row in the heap"
    );
    assert_eq!(f.run(&schema, query).await, before);
    let repository = Repository::<Post>::new(f.database.clone());
    let found = (repository.find_many(&RequestContext::new(), FindMany::new().limit(5)))
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|p| p.id).collect::<Vec<_>>(),
        ids(&before["posts"])
    );
}

#[tokio::test]
async fn offset_pages_without_order_by_partition_the_rows() {
    let f = fixture().await;
    let schema = f.schema(SchemaBuilder::new().query::<Post>());
    let mut seen = Vec::new();
    for page in 0..6 {
        let data = f
            .run(
                &schema,
                &format!("{{ posts(limit: 5, offset: {}) {{ id }} }}", page * 5),
            )
            .await;
        let page_ids = ids(&data["posts"]);
        // Between pages, a row of a later page is rewritten (and moves in the heap).
        if let Some(later) = f.heap_order("tv_post").await.last() {
            f.client
                .execute(
                    "UPDATE tv_post SET data = data || '{\"touched\": true}' WHERE id = $1",
                    &[later],
                )
                .await
                .unwrap();
        }
        seen.extend(page_ids);
    }
    let mut all = f.heap_order("tv_post").await;
    all.sort();
    assert_eq!(seen, all, "no row twice, none missed, in key order");
}

#[tokio::test]
async fn a_type_default_order_is_used_and_order_by_overrides_it() {
    let f = fixture().await;
    let schema = f.schema(
        SchemaBuilder::new()
            .query::<Person>()
            .query::<Article>()
            .query::<User>()
            .default_order::<User>([User::order().age().desc().nulls_last()]),
    );
    let data = f
        .run(
            &schema,
            "{
                persons { name }
                byAge: persons(orderBy: [{field: AGE}]) { name }
                emptyOrder: persons(orderBy: []) { name }
                personsConnection(first: 3) { edges { node { name } } }
                articles(limit: 6) { id }
                users { id }
            }",
        )
        .await;
    let by_name = f
        .plain("SELECT name FROM tb_user ORDER BY name COLLATE \"C\" DESC, id")
        .await;
    assert_eq!(data["persons"], by_name);
    assert_eq!(data["emptyOrder"], by_name);
    assert_eq!(
        data["byAge"],
        f.plain("SELECT name FROM tb_user ORDER BY age, id").await
    );
    let first_three: Vec<Json> = by_name.as_array().unwrap()[..3]
        .iter()
        .map(|name| json!({"node": name}))
        .collect();
    assert_eq!(data["personsConnection"], json!({"edges": first_three}));
    assert_eq!(
        data["articles"],
        f.plain("SELECT id FROM tv_post ORDER BY created_at DESC, id LIMIT 6")
            .await
    );
    assert_eq!(
        data["users"],
        f.plain("SELECT id FROM tb_user ORDER BY age DESC NULLS LAST, id")
            .await
    );

    // Repositories: the type's default, or the one they are given.
    let context = RequestContext::new();
    let persons = Repository::<Person>::new(f.database.clone());
    let names = |people: Vec<Person>| people.into_iter().map(|p| json!({"name": p.name}));
    let found = persons.find_many(&context, FindMany::new()).await.unwrap();
    assert_eq!(Json::from_iter(names(found)), by_name);
    let by_age = persons
        .with_default_order([Person::order().age().asc()])
        .find_many(&context, FindMany::new())
        .await
        .unwrap();
    assert_eq!(Json::from_iter(names(by_age)), data["byAge"]);
    let articles = Repository::<Article>::new(f.database.clone())
        .with_default_order([OrderBy::asc(
            Target::column("identifier", ScalarKind::Text).unwrap(),
        )])
        .find_many(&context, FindMany::new().limit(4))
        .await
        .unwrap();
    assert_eq!(
        Json::from_iter(articles.iter().map(|a| json!({"id": a.id}))),
        f.plain("SELECT id FROM tv_post ORDER BY identifier, id LIMIT 4")
            .await
    );
}

#[test]
fn a_default_order_needs_a_served_type() {
    let built = SchemaBuilder::new()
        .query::<User>()
        .default_order::<Post>([Post::order().title().asc()])
        .build();
    let Err(error) = built else {
        panic!("a default order for a type the schema does not serve")
    };
    assert!(error.to_string().contains("Post"), "{error}");
}

#[tokio::test]
async fn orders_no_index_serves_are_reported_with_the_index_that_would() {
    let f = fixture().await;
    let builder = || {
        SchemaBuilder::new()
            .query::<User>()
            .query::<Post>()
            .query::<Article>()
    };
    let schema = builder().build().unwrap();
    let unserved = unserved_orders(&schema, &f.database).await.unwrap();
    let field = |entity: &str, field: Option<&str>| -> Option<UnservedOrder> {
        unserved
            .iter()
            .find(|u| u.entity == entity && u.field.as_deref() == field)
            .cloned()
    };
    // Served: lists without orderBy (the primary key), the post's created_at column
    // (tv_post_latest, read either way), the article's default order (the same index).
    assert_eq!(field("User", None), None);
    assert_eq!(field("Post", None), None);
    assert_eq!(field("Post", Some("CREATED_AT")), None);
    assert_eq!(field("Article", None), None);
    // Not served: document fields and an unindexed column.
    let name = field("User", Some("NAME")).expect("NAME is unserved");
    assert_eq!(
        name.index.as_deref(),
        Some(r#"CREATE INDEX ON "tv_user" (("data"->>'name'), "id")"#)
    );
    let age = field("User", Some("AGE")).expect("AGE is unserved");
    assert_eq!(
        age.index.as_deref(),
        Some(r#"CREATE INDEX ON "tv_user" ((("data"->>'age')::integer), "id")"#)
    );
    assert_eq!(
        field("User", Some("TENANT_ID")).and_then(|u| u.index),
        Some(r#"CREATE INDEX ON "tv_user" ("tenant_id", "id")"#.to_owned())
    );
    // A timestamp inside the document: no index can hold its cast.
    let created = field("User", Some("CREATED_AT")).expect("CREATED_AT is unserved");
    assert_eq!(created.index, None);

    // The indexes it names serve the orders, either way round.
    for index in [&name, &age] {
        let ddl = index.index.as_deref().unwrap();
        f.client.batch_execute(ddl).await.unwrap();
    }
    let unserved = unserved_orders(&schema, &f.database).await.unwrap();
    assert!(
        !unserved
            .iter()
            .any(|u| u.entity == "User" && matches!(u.field.as_deref(), Some("NAME" | "AGE"))),
        "{unserved:?}"
    );

    // build_checked logs them as warnings and builds the schema.
    let checked = builder().build_checked(&f.database).await.unwrap();
    let (schema, context) = (
        checked,
        Context::new(f.database.clone(), RequestContext::new()),
    );
    let data = f
        .run(
            &(schema, context),
            "{ users(orderBy: [{field: NAME, direction: DESC}], limit: 2) { name } }",
        )
        .await;
    assert_eq!(
        data["users"],
        f.plain("SELECT name FROM tb_user ORDER BY name COLLATE \"C\" DESC, id LIMIT 2")
            .await
    );
}
