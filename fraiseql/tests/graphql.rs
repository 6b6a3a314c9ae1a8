//! GraphQL over the blog fixture: every data field of an operation in one statement, answers
//! compared with plain SQL over the normalized `tb_*` tables; bad input gets coded errors.

use chrono::{DateTime, Utc};
use fraiseql::graphql::{Context, Schema, SchemaBuilder};
use fraiseql::{Database, FraiseType, RequestContext};
use fraiseql_tempdb::TestDb;
use juniper::{DefaultScalarValue, Variables};
use serde_json::{Value as Json, json};
use tokio_postgres::Client;
use uuid::Uuid;

const BLOG: &str = include_str!("fixtures/blog.sql");

/// A registered user.
#[derive(FraiseType, Debug)]
#[allow(dead_code)]
struct User {
    id: Uuid,
    identifier: String,
    /// Display name.
    name: String,
    email: String,
    age: Option<i32>,
    created_at: DateTime<Utc>,
    #[fraiseql(column)]
    tenant_id: Uuid,
}

#[derive(FraiseType, Debug)]
#[allow(dead_code)]
struct Post {
    id: Uuid,
    identifier: String,
    title: String,
    tags: Vec<String>,
    published: bool,
    created_at: DateTime<Utc>,
    author: Author,
    comments: Vec<Comment>,
}

#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_user")]
#[allow(dead_code)]
struct Author {
    id: Uuid,
    name: String,
}

#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_comment")]
#[allow(dead_code)]
struct Comment {
    id: Uuid,
    content: String,
    author: Author,
}

struct Blog {
    _db: TestDb,
    client: Client,
    schema: Schema,
    context: Context,
}

async fn blog() -> Blog {
    let db = TestDb::new().await.expect("database");
    db.execute_script(BLOG).await.expect("fixture");
    let client = db.connect().await.unwrap();
    let database = Database::connect(db.config(), 2).unwrap();
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .build()
        .unwrap();
    Blog {
        _db: db,
        client,
        schema,
        context: Context::new(database, RequestContext::new()),
    }
}

impl Blog {
    /// The response of the one-statement fast path; for successful responses, checked
    /// byte-identical to juniper's own executor answering the same request.
    async fn run(&self, query: &str, variables: Json) -> Json {
        let variables: Variables<DefaultScalarValue> = serde_json::from_value(variables).unwrap();
        let body =
            fraiseql::graphql::execute(&self.schema, query, None, &variables, &self.context).await;
        let response: Json = serde_json::from_str(&body).expect("a JSON body");
        if response.get("errors").is_none() {
            let (data, errors) =
                juniper::execute(query, None, &self.schema, &variables, &self.context)
                    .await
                    .expect("valid query");
            assert!(errors.is_empty(), "juniper path failed: {errors:?}");
            let juniper_body = format!("{{\"data\":{}}}", serde_json::to_string(&data).unwrap());
            assert_eq!(
                body, juniper_body,
                "fast path and juniper path differ for {query}"
            );
        }
        response
    }

    async fn plain(&self, sql: &str) -> Json {
        let row = self
            .client
            .query_one(
                &format!("SELECT coalesce(json_agg(q), '[]')::text FROM ({sql}) q"),
                &[],
            )
            .await
            .unwrap();
        serde_json::from_str(&row.get::<_, String>(0)).unwrap()
    }
}

#[tokio::test]
async fn lists_objects_and_connections_match_plain_sql() {
    let blog = blog().await;
    let response = blog
        .run(
            r#"query ($min: Int) {
                users(where: {age: {gte: $min}}, orderBy: [{field: NAME, direction: DESC}], limit: 3) { id name age }
                first: user(identifier: "user-2") { name __typename }
                missing: user(identifier: "nobody") { name }
                posts(where: {author: {name: {startsWith: "A"}}, published: {eq: true}}, orderBy: [{field: IDENTIFIER}], limit: 2) {
                    title author { name } comments { content }
                }
            }"#,
            json!({"min": 30}),
        )
        .await;
    let users = blog.plain("SELECT id, name, age FROM tb_user WHERE age >= 30 ORDER BY name COLLATE \"C\" DESC LIMIT 3").await;
    let first = blog
        .plain("SELECT name, 'User' AS __typename FROM tb_user WHERE identifier = 'user-2'")
        .await;
    let posts = blog
        .plain(
            "SELECT p.title, json_build_object('name', a.name) AS author,
                    coalesce((SELECT json_agg(json_build_object('content', c.content) ORDER BY c.created_at, c.pk_comment)
                              FROM tb_comment c WHERE c.fk_post = p.pk_post), '[]') AS comments
             FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author
             WHERE a.name LIKE 'A%' AND p.published ORDER BY p.identifier COLLATE \"C\" LIMIT 2",
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {"users": users, "first": first[0], "missing": null, "posts": posts}})
    );
}

#[tokio::test]
async fn aliases_fragments_and_directives_follow_the_selection() {
    let blog = blog().await;
    let response = blog
        .run(
            r#"query ($skip: Boolean!) {
                a: users(limit: 1, orderBy: [{field: IDENTIFIER}]) { id }
                a: users(limit: 1, orderBy: [{field: IDENTIFIER}]) { name ...More }
                b: users(limit: 1, orderBy: [{field: IDENTIFIER}]) { n: name ... on User { e: email @skip(if: $skip) i: identifier @include(if: $skip) } }
            }
            fragment More on User { email }"#,
            json!({"skip": true}),
        )
        .await;
    let user = blog.plain("SELECT id, name, email, identifier FROM tb_user ORDER BY identifier COLLATE \"C\" LIMIT 1").await;
    let user = &user[0];
    assert_eq!(
        response,
        json!({"data": {
            "a": [{"id": user["id"], "name": user["name"], "email": user["email"]}],
            "b": [{"n": user["name"], "i": user["identifier"]}],
        }})
    );
    // Key order follows the selection, not the storage.
    let text = serde_json::to_string(&response).unwrap();
    assert!(text.find("\"id\"").unwrap() < text.find("\"name\"").unwrap());
}

/// juniper's executor answers a root `__typename` before the other root fields; the fast path
/// keeps selection order, as GraphQL requires. Same values, different key order.
#[tokio::test]
async fn root_typename_follows_the_selection() {
    let blog = blog().await;
    let query = "{ users(limit: 1, orderBy: [{field: IDENTIFIER}]) { id } __typename }";
    let body =
        fraiseql::graphql::execute(&blog.schema, query, None, &Variables::new(), &blog.context)
            .await;
    assert!(
        body.starts_with(r#"{"data":{"users":[{"id":"#)
            && body.ends_with(r#""__typename":"Query"}}"#),
        "{body}"
    );
    let (data, _) = juniper::execute(query, None, &blog.schema, &Variables::new(), &blog.context)
        .await
        .unwrap();
    let fast: Json = serde_json::from_str(&body).unwrap();
    assert_eq!(fast["data"], serde_json::to_value(&data).unwrap());
}

#[tokio::test]
async fn connections_page_through_posts() {
    let blog = blog().await;
    let query = r#"query ($after: String) {
        postsConnection(first: 5, after: $after, orderBy: [{field: CREATED_AT, direction: DESC}]) {
            totalCount edges { cursor node { identifier } } pageInfo { hasNextPage endCursor }
        }
    }"#;
    let expected: Vec<String> = blog
        .plain("SELECT identifier FROM tb_post ORDER BY created_at DESC, id")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["identifier"].as_str().unwrap().to_owned())
        .collect();
    let mut seen = Vec::new();
    let mut after = Json::Null;
    loop {
        let response = blog.run(query, json!({"after": after})).await;
        let connection = &response["data"]["postsConnection"];
        assert_eq!(connection["totalCount"], 24);
        seen.extend(
            connection["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["identifier"].as_str().unwrap().to_owned()),
        );
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn bad_input_gets_coded_errors() {
    let blog = blog().await;
    for (query, needle) in [
        (r#"{ users(limit: 5000) { id } }"#, "maximum page size"),
        (r#"{ users(limit: -1) { id } }"#, "negative"),
        (r#"{ user(id: "not-a-uuid") { id } }"#, "UUID"),
        (r#"{ user { id } }"#, "exactly one"),
        (
            r#"{ postsConnection(first: 2, after: "forged.cursor") { totalCount } }"#,
            "cursor",
        ),
        (
            r#"{ users(where: {name: {matches: "(unclosed"}}) { id } }"#,
            "regular expression",
        ),
        (r#"{ users(where: {name: {eq: null}}) { id } }"#, "isNull"),
    ] {
        let response = blog.run(query, json!({})).await;
        let error = &response["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {response}"
        );
        assert!(
            error["message"].as_str().unwrap().contains(needle),
            "{query}: {response}"
        );
        assert!(
            !error["message"].as_str().unwrap().contains("SELECT"),
            "{query}"
        );
    }
    // Unknown fields and filter keys, and wrong variable types, are validation errors.
    for (query, variables) in [
        (r#"{ users { nope } }"#, json!({})),
        (r#"{ users(where: {nope: {eq: 1}}) { id } }"#, json!({})),
        (
            r#"{ users(where: {name: {gt: 1, nope: 2}}) { id } }"#,
            json!({}),
        ),
        (
            r#"query ($n: Int) { users(limit: $n) { id } }"#,
            json!({"n": "ten"}),
        ),
    ] {
        let response = blog.run(query, variables).await;
        assert!(
            response.get("data").is_none_or(|d| d.is_null()),
            "{query}: {response}"
        );
        assert!(
            !response["errors"].as_array().unwrap().is_empty(),
            "{query}: {response}"
        );
    }
}

/// HTTP servers need `Send` futures.
#[test]
fn execute_is_send() {
    fn send<'a>(
        schema: &'a Schema,
        variables: &'a Variables<DefaultScalarValue>,
        context: &'a Context,
    ) -> impl std::future::Future<Output = String> + Send + 'a {
        fraiseql::graphql::execute(schema, "{ users { id } }", None, variables, context)
    }
    let _ = send;
}

#[tokio::test]
async fn introspection_describes_the_schema() {
    let blog = blog().await;
    let response = blog
        .run(r#"{ __type(name: "User") { description fields { name description type { kind name ofType { name } } } } }"#, json!({}))
        .await;
    let user = &response["data"]["__type"];
    assert_eq!(user["description"], "A registered user.");
    let name = user["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "name")
        .unwrap();
    assert_eq!(name["description"], "Display name.");
    assert_eq!(name["type"]["ofType"]["name"], "String");
    let sdl = blog.schema.as_sdl();
    for needle in [
        "usersConnection(",
        "input UserWhereInput",
        "_and: [UserWhereInput!]",
        "enum UserOrderField",
        "input StringFilter",
    ] {
        assert!(sdl.contains(needle), "{needle} missing from\n{sdl}");
    }
}
