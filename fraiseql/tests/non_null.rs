//! Documents that break the schema's promises: a key missing, a null, or a value of another
//! JSON type where the type says otherwise, at the root object, in an embedded object, in an
//! element of an embedded list. Each answer is a field error and null up to the nearest
//! nullable ancestor, byte for byte what juniper's executor answers.

use juniper::Variables;
use serde_json::{Value as Json, json};

mod support;
use support::blog;

impl support::Blog {
    /// The response, checked byte for byte against juniper's executor.
    async fn run(&self, query: &str) -> Json {
        let variables = Variables::new();
        let body = fraiseql::graphql::execute(&self.schema, query, None, &variables, &self.context)
            .await
            .into_body();
        let reference = support::juniper_body(&self.schema, &self.context, query, &variables).await;
        assert_eq!(body, reference, "fast path and juniper differ for {query}");
        serde_json::from_str(&body).unwrap()
    }

    /// Changes the document of post `identifier`: `set` is a `jsonb` expression over `data`.
    async fn edit_post(&self, identifier: &str, set: &str) {
        let sql = format!("UPDATE tv_post SET data = {set} WHERE identifier = $1");
        let n = self.client.execute(&sql, &[&identifier]).await.unwrap();
        assert_eq!(n, 1, "{sql}");
    }

    async fn edit_user(&self, identifier: &str, set: &str) {
        let sql = format!("UPDATE tv_user SET data = {set} WHERE identifier = $1");
        let n = self.client.execute(&sql, &[&identifier]).await.unwrap();
        assert_eq!(n, 1, "{sql}");
    }

    /// Rebuilds post `identifier`'s document from the normalized tables.
    async fn restore(&self, identifier: &str) {
        self.client
            .execute(
                "SELECT fn_sync_tv_post(id) FROM tb_post WHERE identifier = $1",
                &[&identifier],
            )
            .await
            .unwrap();
    }

    /// A first post's identifier (by identifier order).
    async fn first_post(&self) -> String {
        let row = self
            .client
            .query_one(
                "SELECT identifier FROM tv_post ORDER BY identifier COLLATE \"C\" LIMIT 1",
                &[],
            )
            .await
            .unwrap();
        row.get(0)
    }
}

/// The 1-based column where `needle` starts in the one-line `query`.
fn col(query: &str, needle: &str) -> u32 {
    query.find(needle).expect("in the query") as u32 + 1
}

/// `{"message": .., "locations": [..], "path": ..}` as juniper writes a non-null violation.
fn violation(message: &str, line: u32, column: u32, path: &[&str]) -> Json {
    json!({"message": message, "locations": [{"line": line, "column": column}], "path": path})
}

fn coded(message: &str, line: u32, column: u32, path: &[&str]) -> Json {
    json!({
        "message": message,
        "locations": [{"line": line, "column": column}],
        "path": path,
        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
    })
}

/// Both places, nullable and not, for each way a root object's scalar can break its type.
#[tokio::test]
async fn a_root_objects_field_missing_null_or_mistyped() {
    let blog = blog().await;
    let first = blog.first_post().await;
    let one = format!(r#"{{ post(identifier: "{first}") {{ identifier title }} }}"#);
    let list = r#"{ posts(orderBy: [{field: IDENTIFIER}], limit: 3) { identifier title } }"#;
    let clean = blog.run(&one).await;
    assert!(clean["data"]["post"]["title"].is_string());

    for (set, error) in [
        (
            "data - 'title'",
            violation(
                "Cannot return null for non-nullable field Post.title.",
                1,
                col(&one, "title"),
                &["post", "title"],
            ),
        ),
        (
            "jsonb_set(data, '{title}', 'null')",
            violation(
                "Cannot return null for non-nullable field Post.title.",
                1,
                col(&one, "title"),
                &["post", "title"],
            ),
        ),
        (
            "jsonb_set(data, '{title}', '5')",
            coded(
                "Cannot return a number for field Post.title of type String!.",
                1,
                col(&one, "title"),
                &["post", "title"],
            ),
        ),
    ] {
        blog.edit_post(&first, set).await;
        // A nullable parent (the root field `post`) takes the null.
        let response = blog.run(&one).await;
        assert_eq!(
            response,
            json!({"data": {"post": null}, "errors": [error.clone()]}),
            "{set}"
        );
        // A non-null list of non-null posts passes it on to `data`; juniper's paths carry no
        // list index.
        let response = blog.run(list).await;
        assert_eq!(response["data"], Json::Null, "{set}");
        let errors = response["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{response}");
        assert_eq!(errors[0]["path"], json!(["posts", "title"]));
        assert_eq!(errors[0]["message"], error["message"]);
        blog.restore(&first).await;
    }
}

#[tokio::test]
async fn a_nullable_field_of_another_type_is_an_error_and_null() {
    let blog = blog().await;
    blog.edit_user("user-2", "jsonb_set(data, '{age}', '\"old\"')")
        .await;
    let response = blog
        .run(r#"{ user(identifier: "user-2") { name age } }"#)
        .await;
    assert_eq!(response["data"]["user"]["age"], Json::Null);
    assert!(response["data"]["user"]["name"].is_string());
    assert_eq!(
        response["errors"],
        json!([coded(
            "Cannot return a string for field User.age of type Int.",
            1,
            col(r#"{ user(identifier: "user-2") { name age } }"#, "age"),
            &["user", "age"]
        )])
    );
    // An Int beyond 32 bits is no Int either.
    blog.edit_user("user-2", "jsonb_set(data, '{age}', '3000000000')")
        .await;
    let response = blog
        .run(r#"{ user(identifier: "user-2") { name age } }"#)
        .await;
    assert_eq!(
        response["errors"][0]["message"],
        "Cannot return a number for field User.age of type Int."
    );
}

#[tokio::test]
async fn an_embedded_object_missing_null_or_mistyped_and_its_fields() {
    let blog = blog().await;
    let first = blog.first_post().await;
    let query = format!(r#"{{ post(identifier: "{first}") {{ title author {{ name }} }} }}"#);
    for (set, error) in [
        (
            "data - 'author'",
            violation(
                "Cannot return null for non-nullable field Post.author.",
                1,
                col(&query, "author"),
                &["post", "author"],
            ),
        ),
        (
            "jsonb_set(data, '{author}', 'null')",
            violation(
                "Cannot return null for non-nullable field Post.author.",
                1,
                col(&query, "author"),
                &["post", "author"],
            ),
        ),
        // Not an object: no author there.
        (
            "jsonb_set(data, '{author}', '\"someone\"')",
            violation(
                "Cannot return null for non-nullable field Post.author.",
                1,
                col(&query, "author"),
                &["post", "author"],
            ),
        ),
        (
            "jsonb_set(data, '{author}', '[{\"name\": \"x\"}]')",
            violation(
                "Cannot return null for non-nullable field Post.author.",
                1,
                col(&query, "author"),
                &["post", "author"],
            ),
        ),
        (
            "data #- '{author,name}'",
            violation(
                "Cannot return null for non-nullable field Author.name.",
                1,
                col(&query, "name"),
                &["post", "author", "name"],
            ),
        ),
        (
            "jsonb_set(data, '{author,name}', 'true')",
            coded(
                "Cannot return a boolean for field Author.name of type String!.",
                1,
                col(&query, "name"),
                &["post", "author", "name"],
            ),
        ),
    ] {
        let before = blog.run(&query).await;
        blog.edit_post(&first, set).await;
        let response = blog.run(&query).await;
        assert_eq!(
            response,
            json!({"data": {"post": null}, "errors": [error]}),
            "{set}"
        );
        blog.restore(&first).await;
        assert_eq!(blog.run(&query).await, before, "restored after {set}");
    }
}

#[tokio::test]
async fn an_element_of_an_embedded_list_missing_null_or_mistyped() {
    let blog = blog().await;
    // A post with at least two comments.
    let post: String = blog
        .client
        .query_one(
            "SELECT identifier FROM tv_post WHERE jsonb_array_length(data->'comments') >= 2 \
             ORDER BY identifier COLLATE \"C\" LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let query = format!(
        r#"{{ post(identifier: "{post}") {{ title comments {{ content author {{ name }} }} }} }}"#
    );
    let cases = [
        (
            "data #- '{comments,1,content}'",
            violation(
                "Cannot return null for non-nullable field Comment.content.",
                1,
                col(&query, "content"),
                &["post", "comments", "content"],
            ),
        ),
        (
            "jsonb_set(data, '{comments,1,content}', '[]')",
            coded(
                "Cannot return a list for field Comment.content of type String!.",
                1,
                col(&query, "content"),
                &["post", "comments", "content"],
            ),
        ),
        (
            "data #- '{comments,1,author,name}'",
            violation(
                "Cannot return null for non-nullable field Author.name.",
                1,
                col(&query, "name"),
                &["post", "comments", "author", "name"],
            ),
        ),
        (
            "data #- '{comments,1,author}'",
            violation(
                "Cannot return null for non-nullable field Comment.author.",
                1,
                col(&query, "author"),
                &["post", "comments", "author"],
            ),
        ),
        (
            "jsonb_set(data, '{comments,1}', 'null')",
            coded(
                "Cannot return null for an element of non-nullable type Comment! in field Post.comments.",
                1,
                col(&query, "comments"),
                &["post", "comments"],
            ),
        ),
        (
            "jsonb_set(data, '{comments,1}', '7')",
            coded(
                "Cannot return null for an element of non-nullable type Comment! in field Post.comments.",
                1,
                col(&query, "comments"),
                &["post", "comments"],
            ),
        ),
        // The list itself: missing, null, another type.
        (
            "data - 'comments'",
            violation(
                "Cannot return null for non-nullable field Post.comments.",
                1,
                col(&query, "comments"),
                &["post", "comments"],
            ),
        ),
        (
            "jsonb_set(data, '{comments}', 'null')",
            violation(
                "Cannot return null for non-nullable field Post.comments.",
                1,
                col(&query, "comments"),
                &["post", "comments"],
            ),
        ),
        (
            "jsonb_set(data, '{comments}', '{\"content\": \"x\"}')",
            violation(
                "Cannot return null for non-nullable field Post.comments.",
                1,
                col(&query, "comments"),
                &["post", "comments"],
            ),
        ),
    ];
    let clean = blog.run(&query).await;
    assert!(clean.get("errors").is_none(), "{clean}");
    for (set, error) in cases {
        blog.edit_post(&post, set).await;
        let response = blog.run(&query).await;
        assert_eq!(
            response,
            json!({"data": {"post": null}, "errors": [error]}),
            "{set}"
        );
        blog.restore(&post).await;
    }
    assert_eq!(blog.run(&query).await, clean);

    // In a list of posts, the broken one nulls the whole non-null list, and `data`.
    const LIST: &str = "{ posts(orderBy: [{field: IDENTIFIER}]) { comments { content } } }";
    blog.edit_post(&post, "data #- '{comments,1,content}'")
        .await;
    let response = blog.run(LIST).await;
    assert_eq!(
        response,
        json!({"data": null, "errors": [violation(
            "Cannot return null for non-nullable field Comment.content.",
            1,
            col(LIST, "content"),
            &["posts", "comments", "content"],
        )]})
    );
}

#[tokio::test]
async fn a_list_of_scalars_with_a_null_or_mistyped_element() {
    let blog = blog().await;
    let first = blog.first_post().await;
    let query = format!(r#"{{ post(identifier: "{first}") {{ tags }} }}"#);
    for (set, message) in [
        (
            "jsonb_set(data, '{tags}', '[\"a\", null]')",
            "Cannot return null for an element of non-nullable type String! in field Post.tags.",
        ),
        (
            "jsonb_set(data, '{tags}', '[\"a\", 1]')",
            "Cannot return a number for field Post.tags of type String!.",
        ),
        (
            "jsonb_set(data, '{tags}', '\"a\"')",
            "Cannot return a string for field Post.tags of type [String!]!.",
        ),
    ] {
        blog.edit_post(&first, set).await;
        let response = blog.run(&query).await;
        assert_eq!(
            response,
            json!({"data": {"post": null}, "errors": [coded(
                message,
                1,
                col(&query, "tags"),
                &["post", "tags"],
            )]}),
            "{set}"
        );
    }
}

/// Clean documents are answered by the fast path: it keeps a root `__typename` in selection
/// order, where juniper's executor answers it first.
#[tokio::test]
async fn kept_promises_stay_on_the_fast_path() {
    let blog = blog().await;
    let query = r#"{ posts(orderBy: [{field: IDENTIFIER}], limit: 5) { title tags author { name } comments { content author { name } } } postsConnection(first: 2) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } totalCount } users(limit: 3) { name age } __typename }"#;
    let body =
        fraiseql::graphql::execute(&blog.schema, query, None, &Variables::new(), &blog.context)
            .await
            .into_body();
    assert!(body.ends_with(r#""__typename":"Query"}}"#), "{body}");
    assert!(!body.contains("\"errors\""), "{body}");
}
