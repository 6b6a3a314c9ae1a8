//! Field-level authorization on the blog: fields and types that require a role, read, filtered
//! and sorted by requests with and without it. Every answer is checked byte for byte against
//! juniper's executor, allowed reads against plain SQL, and refused fields against the SQL
//! the request sends (they are never read).
// The types are read only through their descriptors.
#![allow(dead_code)]

use fraiseql::graphql::{Context, SchemaBuilder};
use fraiseql::{FraiseType, RequestContext};
use juniper::Variables;
use serde_json::{Value as Json, json};
use uuid::Uuid;

mod support;

/// A user: anyone reads the name, only admins the email, admins and HR the age.
#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
struct User {
    id: Uuid,
    identifier: String,
    name: String,
    #[fraiseql(requires = "admin")]
    email: String,
    #[fraiseql(requires = "admin, hr")]
    age: Option<i32>,
}

/// A post, whose embedded author is read four ways: non-null, nullable, as a type only editors
/// read, and its comments as a list of nullable elements.
#[derive(FraiseType)]
#[fraiseql(view = "tv_post")]
struct Post {
    id: Uuid,
    identifier: String,
    title: String,
    author: Author,
    #[fraiseql(json = "author")]
    byline: Option<Author>,
    #[fraiseql(json = "author")]
    reviewer: Option<Reviewer>,
    comments: Vec<Comment>,
    #[fraiseql(json = "comments")]
    notes: Vec<Option<Comment>>,
}

/// An author's name is for staff only.
#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
struct Author {
    id: Uuid,
    #[fraiseql(requires = "staff")]
    name: String,
}

#[derive(FraiseType)]
#[fraiseql(view = "tv_comment")]
struct Comment {
    id: Uuid,
    content: String,
    author: Author,
}

/// Only editors read reviewers, wherever they are.
#[derive(FraiseType)]
#[fraiseql(view = "tv_user", requires = "editor")]
struct Reviewer {
    id: Uuid,
    name: String,
}

/// A user whose human key only HR reads: looking one up by it shows it.
#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
struct Member {
    id: Uuid,
    #[fraiseql(requires = "hr")]
    identifier: String,
    name: String,
}

type Blog = support::Served;

async fn blog() -> Blog {
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .query::<Reviewer>()
        .query::<Member>()
        .build()
        .unwrap();
    support::Served::new(schema, false).await
}

impl Blog {
    fn context(&self, roles: &[&str]) -> Context {
        Context::new(self.database.clone(), RequestContext::new().roles(roles))
    }

    /// The answer to a request holding `roles`, checked byte for byte against juniper's
    /// executor answering the same request.
    async fn run(&self, roles: &[&str], query: &str, variables: Json) -> Json {
        let variables: Variables = serde_json::from_value(variables).unwrap();
        let context = self.context(roles);
        let body = fraiseql::graphql::execute(&self.schema, query, None, &variables, &context)
            .await
            .into_body();
        let reference = support::juniper_body(&self.schema, &context, query, &variables).await;
        assert_eq!(body, reference, "fast path and juniper differ for {query}");
        serde_json::from_str(&body).unwrap()
    }

    /// The SQL a request holding `roles` sends.
    fn sql(&self, roles: &[&str], query: &str) -> String {
        let variables = Variables::new();
        let context = self.context(roles);
        let statement =
            fraiseql::graphql::statement_for(&self.schema, query, None, &variables, &context);
        statement.expect("one statement").sql().to_owned()
    }

    async fn plain(&self, sql: &str) -> Json {
        support::plain(&self.client, sql).await
    }
}

/// The 1-based column where `needle` starts in the one-line `query`.
fn col(query: &str, needle: &str) -> u32 {
    query.find(needle).expect("in the query") as u32 + 1
}

/// A `FORBIDDEN` error as both paths write it.
fn forbidden(message: &str, column: u32, path: &[&str]) -> Json {
    json!({
        "message": message,
        "locations": [{"line": 1, "column": column}],
        "path": path,
        "extensions": {"code": "FORBIDDEN"},
    })
}

const AGE: &str = "Not allowed to read User.age: it needs one of the roles admin, hr.";
const EMAIL: &str = "Not allowed to read User.email: it needs the role admin.";
const AUTHOR_NAME: &str = "Not allowed to read Author.name: it needs the role staff.";

#[tokio::test]
async fn a_nullable_field_it_may_not_read_is_null_with_an_error_and_the_rest_intact() {
    let blog = blog().await;
    let query = r#"{ users(orderBy: [{field: IDENTIFIER}], limit: 3) { identifier age name } one: user(identifier: "user-1") { name age } page: usersConnection(first: 2) { edges { node { years: age } } totalCount } }"#;
    let response = blog.run(&[], query, json!({})).await;
    let users = blog
        .plain("SELECT identifier, NULL AS age, name FROM tb_user ORDER BY identifier COLLATE \"C\" LIMIT 3")
        .await;
    assert_eq!(response["data"]["users"], users);
    assert_eq!(
        response["data"]["one"],
        json!({"name": "Ada Lovelace", "age": null})
    );
    assert_eq!(
        response["data"]["page"],
        json!({"edges": [{"node": {"years": null}}, {"node": {"years": null}}], "totalCount": 8})
    );
    assert_eq!(
        response["errors"],
        json!([
            forbidden(AGE, col(query, "age name"), &["users", "age"]),
            forbidden(AGE, col(query, "age } page"), &["one", "age"]),
            forbidden(
                AGE,
                col(query, "years"),
                &["page", "edges", "node", "years"]
            ),
        ])
    );
    // In a fragment, the error is where the fragment selects it.
    let query = "{ people: users(limit: 2) { ...Person } } fragment Person on User { name age }";
    let response = blog.run(&["staff"], query, json!({})).await;
    assert_eq!(
        response["errors"],
        json!([forbidden(AGE, col(query, "age"), &["people", "age"])])
    );
    assert_eq!(response["data"]["people"][1]["age"], Json::Null);
}

#[tokio::test]
async fn a_non_null_field_it_may_not_read_nulls_its_nearest_nullable_parent() {
    let blog = blog().await;
    // The root field `user` is nullable: it takes the null, the other root field is intact.
    let query = r#"{ user(identifier: "user-1") { name email } users(orderBy: [{field: IDENTIFIER}], limit: 1) { name } }"#;
    let response = blog.run(&["hr"], query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"user": null, "users": [{"name": "Ada Lovelace"}]},
               "errors": [forbidden(EMAIL, col(query, "email"), &["user", "email"])]})
    );

    // `byline` is a nullable object: null in every post, titles intact.
    let query = "{ posts(orderBy: [{field: IDENTIFIER}], limit: 3) { title byline { id name } } }";
    let response = blog.run(&[], query, json!({})).await;
    let posts = blog
        .plain(
            "SELECT title, NULL AS byline FROM tb_post ORDER BY identifier COLLATE \"C\" LIMIT 3",
        )
        .await;
    assert_eq!(response["data"]["posts"], posts);
    assert_eq!(
        response["errors"],
        json!([forbidden(
            AUTHOR_NAME,
            col(query, "name"),
            &["posts", "byline", "name"]
        )])
    );

    // `notes` is a list of nullable comments: each comment is null, the list keeps its length.
    let query = "{ posts(orderBy: [{field: IDENTIFIER}]) { identifier notes { content author { name } } } }";
    let response = blog.run(&[], query, json!({})).await;
    let posts = blog
        .plain(
            "SELECT p.identifier, COALESCE((SELECT json_agg(NULL::json) FROM tb_comment c \
             WHERE c.fk_post = p.pk_post), '[]') AS notes \
             FROM tb_post p ORDER BY p.identifier COLLATE \"C\"",
        )
        .await;
    assert_eq!(response["data"]["posts"], posts);
    assert_eq!(
        response["errors"],
        json!([forbidden(
            AUTHOR_NAME,
            col(query, "name"),
            &["posts", "notes", "author", "name"]
        )])
    );

    // With arguments, as many nulls as the arguments pick.
    let query = "{ posts(orderBy: [{field: IDENTIFIER}]) { identifier notes(where: {content: {contains: \"1\"}}, limit: 2) { content author { name } } } }";
    let response = blog.run(&[], query, json!({})).await;
    let posts = blog
        .plain(
            "SELECT p.identifier, COALESCE((SELECT json_agg(NULL::json) FROM (SELECT 1 FROM tb_comment c \
             WHERE c.fk_post = p.pk_post AND strpos(c.content, '1') > 0 LIMIT 2) c), '[]') AS notes \
             FROM tb_post p ORDER BY p.identifier COLLATE \"C\"",
        )
        .await;
    assert_eq!(response["data"]["posts"], posts);

    // Non-null all the way up (Author!, [Comment!]!, [Post!]!): `data` is null. The decision
    // is the request's, not the data's: no list is read.
    let query = r#"{ posts(limit: 2) { title comments { author { name } } } user(identifier: "user-1") { name } }"#;
    let response = blog.run(&[], query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": null, "errors": [forbidden(
            AUTHOR_NAME, col(query, "name }"), &["posts", "comments", "author", "name"]
        )]})
    );
    let query = "{ postsConnection(first: 1) { edges { cursor node { author { name } } } } }";
    let response = blog.run(&[], query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": null, "errors": [forbidden(
            AUTHOR_NAME, col(query, "name"), &["postsConnection", "edges", "node", "author", "name"]
        )]})
    );
    // A nullable root field stops it.
    let query = r#"{ post(identifier: "post-1") { title author { name } } users(orderBy: [{field: IDENTIFIER}], limit: 1) { identifier } }"#;
    let response = blog.run(&[], query, json!({})).await;
    assert_eq!(
        response["data"],
        json!({"post": null, "users": [{"identifier": "user-1"}]})
    );
    // Every refused field is reported, also under one that is refused itself.
    let query = r#"{ user(identifier: "user-2") { email age } }"#;
    let response = blog.run(&[], query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"user": null}, "errors": [
            forbidden(EMAIL, col(query, "email"), &["user", "email"]),
            forbidden(AGE, col(query, "age"), &["user", "age"]),
        ]})
    );
}

#[tokio::test]
async fn a_type_it_may_not_read_is_refused_wherever_it_is() {
    let blog = blog().await;
    let root = "Not allowed to read Query.reviewers: Reviewer needs the role editor.";
    let query = "{ reviewers(limit: 1) { name } }";
    let response = blog.run(&["admin", "staff"], query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": null, "errors": [forbidden(root, 3, &["reviewers"])]})
    );
    let id = Uuid::from_u128(7).to_string();
    let query = format!(
        r#"{{ reviewer(id: "{id}") {{ name }} users(orderBy: [{{field: IDENTIFIER}}], limit: 1) {{ name }} }}"#
    );
    let response = blog.run(&[], &query, json!({})).await;
    assert_eq!(
        response["data"],
        json!({"reviewer": null, "users": [{"name": "Ada Lovelace"}]})
    );
    assert_eq!(response["errors"][0]["path"], json!(["reviewer"]));
    assert_eq!(response["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let query = "{ posts(orderBy: [{field: IDENTIFIER}], limit: 2) { title reviewer { name } } }";
    let response = blog.run(&["staff"], query, json!({})).await;
    assert_eq!(response["data"]["posts"][0]["reviewer"], Json::Null);
    assert_eq!(
        response["errors"],
        json!([forbidden(
            "Not allowed to read Post.reviewer: Reviewer needs the role editor.",
            col(query, "reviewer"),
            &["posts", "reviewer"]
        )])
    );
    // Editors read them: the post's author, as stored.
    let response = blog.run(&["editor"], query, json!({})).await;
    let posts = blog
        .plain(
            "SELECT p.title, json_build_object('name', u.name) AS reviewer FROM tb_post p \
             JOIN tb_user u ON u.pk_user = p.fk_author ORDER BY p.identifier COLLATE \"C\" LIMIT 2",
        )
        .await;
    assert_eq!(response, json!({"data": {"posts": posts}}));
}

#[tokio::test]
async fn any_of_the_roles_reads_it() {
    let blog = blog().await;
    let query = "{ users(orderBy: [{field: IDENTIFIER}]) { identifier age } }";
    let ages = blog
        .plain("SELECT identifier, age FROM tb_user ORDER BY identifier COLLATE \"C\"")
        .await;
    for roles in [&["hr"][..], &["admin"], &["staff", "hr"], &["admin", "hr"]] {
        let response = blog.run(roles, query, json!({})).await;
        assert_eq!(response, json!({"data": {"users": ages}}), "{roles:?}");
    }
    for roles in [&[][..], &["staff"], &["HR"], &["hr2"]] {
        let response = blog.run(roles, query, json!({})).await;
        assert_eq!(response["errors"][0]["message"], AGE, "{roles:?}");
    }
    // Roles come from the `app.roles` setting however it is set.
    let context = Context::new(
        blog.database.clone(),
        RequestContext::new()
            .setting("app.roles", "staff , hr")
            .unwrap(),
    );
    let body = fraiseql::graphql::execute(&blog.schema, query, None, &Variables::new(), &context)
        .await
        .into_body();
    assert_eq!(
        serde_json::from_str::<Json>(&body).unwrap(),
        json!({"data": {"users": ages}})
    );
    // The email needs admin itself.
    let query = "{ users(orderBy: [{field: IDENTIFIER}]) { email } }";
    let emails = blog
        .plain("SELECT email FROM tb_user ORDER BY identifier COLLATE \"C\"")
        .await;
    let response = blog.run(&["admin"], query, json!({})).await;
    assert_eq!(response, json!({"data": {"users": emails}}));
    let response = blog.run(&["hr"], query, json!({})).await;
    assert_eq!(response["data"], Json::Null);
}

#[tokio::test]
async fn the_statement_never_reads_what_the_request_may_not() {
    let blog = blog().await;
    let query = "{ users(limit: 2) { identifier age } posts(limit: 2) { title byline { id name } notes { id author { name } } } }";
    let guest = blog.sql(&[], query);
    for read in ["->'age'", "->'author'", "->'name'", "'id', "] {
        assert!(!guest.contains(read), "{read} in {guest}");
    }
    assert!(
        guest.contains("'age', NULL") && guest.contains("'byline', NULL"),
        "{guest}"
    );
    let allowed = blog.sql(&["hr", "staff"], query);
    for read in ["->'age'", "->'author'", "->'name'", "'id', "] {
        assert!(allowed.contains(read), "{read} not in {allowed}");
    }
    // Both answer, each as its roles allow.
    let response = blog.run(&[], query, json!({})).await;
    assert_eq!(
        response["errors"].as_array().unwrap().len(),
        3,
        "{response}"
    );
    let response = blog.run(&["hr", "staff"], query, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
}

#[tokio::test]
async fn filters_and_orders_by_a_field_it_may_not_read_are_refused() {
    let blog = blog().await;
    // Were these answered, halving the range would read each age bit by bit.
    for filter in [
        "{age: {gt: 30}}",
        "{age: {isNull: true}}",
        "{_not: {age: {lte: 30}}}",
        "{_or: [{name: {eq: \"x\"}}, {age: {eq: 34}}]}",
    ] {
        let query = format!("{{ users(where: {filter}) {{ identifier }} }}");
        let response = blog.run(&["staff"], &query, json!({})).await;
        let message = "Not allowed to filter by User.age: it needs one of the roles admin, hr.";
        assert_eq!(
            response,
            json!({"data": null, "errors": [forbidden(message, 3, &["users"])]}),
            "{filter}"
        );
        let answered = blog.run(&["hr"], &query, json!({})).await;
        assert!(answered["data"]["users"].is_array(), "{answered}");
    }
    let older = blog
        .run(
            &["hr"],
            "{ users(where: {age: {gt: 30}}, orderBy: [{field: IDENTIFIER}]) { identifier } }",
            json!({}),
        )
        .await;
    let plain = blog
        .plain("SELECT identifier FROM tb_user WHERE age > 30 ORDER BY identifier COLLATE \"C\"")
        .await;
    assert_eq!(older, json!({"data": {"users": plain}}));

    for (query, message) in [
        (
            "{ users(orderBy: [{field: AGE, direction: DESC}]) { identifier } }",
            "Not allowed to order by User.age: it needs one of the roles admin, hr.",
        ),
        (
            r#"{ posts(where: {author: {name: {startsWith: "A"}}}) { title } }"#,
            "Not allowed to filter by Author.name: it needs the role staff.",
        ),
        (
            r#"{ posts(where: {comments: {author: {name: {eq: "Ada Lovelace"}}}}) { title } }"#,
            "Not allowed to filter by Author.name: it needs the role staff.",
        ),
        (
            r#"{ posts(where: {reviewer: {name: {eq: "Ada Lovelace"}}}) { title } }"#,
            "Not allowed to filter by Post.reviewer: Reviewer needs the role editor.",
        ),
        (
            r#"{ usersConnection(where: {email: {endsWith: "@example.com"}}) { totalCount } }"#,
            "Not allowed to filter by User.email: it needs the role admin.",
        ),
    ] {
        let response = blog.run(&[], query, json!({})).await;
        let root = query[2..].split('(').next().unwrap();
        assert_eq!(
            response,
            json!({"data": null, "errors": [forbidden(message, 3, &[root])]}),
            "{query}"
        );
    }
    // A refused filter in a variable, beside a nullable root that is answered.
    let query = r#"query ($w: UserWhereInput) { users(where: $w) { identifier } user(identifier: "user-1") { name } }"#;
    let response = blog
        .run(
            &[],
            query,
            json!({"w": {"email": {"eq": "user1@example.com"}}}),
        )
        .await;
    assert_eq!(response["data"], Json::Null);
    assert_eq!(response["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let response = blog
        .run(
            &["admin"],
            query,
            json!({"w": {"email": {"eq": "user1@example.com"}}}),
        )
        .await;
    assert_eq!(response["data"]["users"], json!([{"identifier": "user-1"}]));
}

/// Compiles are kept per operation and shape of its variables: a compile made for one set of
/// roles never answers a request with another.
#[tokio::test]
async fn kept_compiles_never_serve_other_roles() {
    let blog = blog().await;
    let ages = blog
        .plain("SELECT age FROM tb_user ORDER BY identifier COLLATE \"C\" LIMIT 3")
        .await;
    let nulls = json!([{"age": null}, {"age": null}, {"age": null}]);
    let query = "{ users(orderBy: [{field: IDENTIFIER}], limit: 3) { age } }";
    for (roles, expected) in [
        (&["admin"][..], &ages),
        (&[], &nulls),
        (&["hr"], &ages),
        (&["staff"], &nulls),
        (&["admin"], &ages),
    ] {
        let response = blog.run(roles, query, json!({})).await;
        assert_eq!(&response["data"]["users"], expected, "{roles:?}");
        assert_eq!(
            response.get("errors").is_some(),
            expected == &nulls,
            "{roles:?}"
        );
    }
    // Variables bound into a kept statement, and a filter refused after an admin's compile.
    let query = "query ($id: ID, $min: Int) { user(id: $id) { email } users(where: {age: {gte: $min}}) { identifier } }";
    let id: Uuid = blog
        .client
        .query_one("SELECT id FROM tb_user WHERE identifier = 'user-2'", &[])
        .await
        .unwrap()
        .get(0);
    let variables = json!({"id": id, "min": 40});
    let admin = blog.run(&["admin"], query, variables.clone()).await;
    assert_eq!(admin["data"]["user"], json!({"email": "user2@example.com"}));
    assert!(admin.get("errors").is_none(), "{admin}");
    let guest = blog.run(&[], query, variables.clone()).await;
    assert_eq!(guest["data"], Json::Null);
    let paths: Vec<&Json> = guest["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["path"])
        .collect();
    assert_eq!(paths, [&json!(["user", "email"]), &json!(["users"])]);
    let again = blog.run(&["admin"], query, variables).await;
    assert_eq!(again, admin);
    // The statement each request sends.
    let query = r#"{ user(identifier: "user-1") { name age } }"#;
    assert!(blog.sql(&["hr"], query).contains("->'age'"));
    assert!(!blog.sql(&[], query).contains("->'age'"));
    assert!(blog.sql(&["admin"], query).contains("->'age'"));
}

/// juniper's executor resolves each occurrence of a repeated root key on its own; both paths
/// report each occurrence's refused fields where they are written.
#[tokio::test]
async fn repeated_root_keys_report_each_occurrence() {
    let blog = blog().await;
    let query = "{ users(orderBy: [{field: IDENTIFIER}], limit: 2) { age } users(orderBy: [{field: IDENTIFIER}], limit: 2) { name age } }";
    let response = blog.run(&[], query, json!({})).await;
    let errors = response["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{response}");
    assert_eq!(
        response["data"]["users"][0],
        json!({"age": null, "name": "Ada Lovelace"})
    );
    let query = "{ users(limit: 2) { name } users(limit: 2) { name age } }";
    let response = blog.run(&[], query, json!({})).await;
    assert_eq!(
        response["errors"],
        json!([forbidden(AGE, col(query, "age"), &["users", "age"])])
    );
}

/// Every request would see the order of a default order's field, and connection cursors its
/// values: `build` refuses one that requires a role.
#[test]
fn a_default_order_by_a_field_that_requires_a_role_is_refused() {
    let by_age = SchemaBuilder::new()
        .query::<User>()
        .default_order::<User>([User::order().age().desc()])
        .build();
    let error = by_age.err().expect("refused").to_string();
    assert!(
        error.contains("sorts by age, which requires a role"),
        "{error}"
    );
    let by_name = SchemaBuilder::new()
        .query::<User>()
        .default_order::<User>([User::order().name().asc()])
        .build();
    assert!(by_name.is_ok());
}

#[tokio::test]
async fn a_lookup_by_a_key_it_may_not_read_is_refused() {
    let blog = blog().await;
    let query = r#"{ member(identifier: "user-1") { name } }"#;
    let response = blog.run(&["staff"], query, json!({})).await;
    let message = "Not allowed to look up by Member.identifier: it needs the role hr.";
    assert_eq!(
        response,
        json!({"data": {"member": null}, "errors": [forbidden(message, 3, &["member"])]})
    );
    let response = blog.run(&["hr"], query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"member": {"name": "Ada Lovelace"}}})
    );
    // By its id, anyone finds it.
    let id: Uuid = blog
        .client
        .query_one("SELECT id FROM tb_user WHERE identifier = 'user-1'", &[])
        .await
        .unwrap()
        .get(0);
    let query = format!(r#"{{ member(id: "{id}") {{ name }} }}"#);
    let response = blog.run(&[], &query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"member": {"name": "Ada Lovelace"}}})
    );
}

#[tokio::test]
async fn aggregates_of_a_field_it_may_not_read_are_refused() {
    let blog = blog().await;
    // An aggregate shows values, as a filter does: refused without the role, answered with it.
    for query in [
        "{ usersAggregate { max { age } } }",
        "{ usersAggregate { count groups(groupBy: [{field: EMAIL}]) { count } } }",
        "{ usersAggregate { min { email } } }",
    ] {
        let response = blog.run(&[], query, json!({})).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{query}: {response}"
        );
        let allowed = blog.run(&["admin"], query, json!({})).await;
        assert!(allowed.get("errors").is_none(), "{query}: {allowed}");
    }
    let allowed = blog
        .run(
            &["hr"],
            "{ usersAggregate { count max { age } } }",
            json!({}),
        )
        .await;
    let expected = blog
        .plain("SELECT count(*) AS count, json_build_object('age', max(age)) AS max FROM tb_user")
        .await;
    assert_eq!(allowed["data"]["usersAggregate"], expected[0]);
}
