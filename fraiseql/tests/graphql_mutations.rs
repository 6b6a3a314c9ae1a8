//! GraphQL mutations on the blog's `fn_*` functions: the input checked by juniper and passed as
//! `jsonb`, the union answered as selected (fragments on either member, aliases, `__typename`),
//! writes checked against plain SQL over `tb_*`, refusals and database errors coded, nothing
//! written by a refused or failed call, fields of one operation run in order.

use fraiseql::graphql::{Context, MutationField, SchemaBuilder};
use fraiseql::{Database, FraiseInput, RequestContext};
use juniper::Variables;
use serde_json::{Value as Json, json};
use uuid::Uuid;

mod support;
use support::{Post, TENANT_A, TENANT_B, User, drop_role, secured_blog};

/// A new user.
#[derive(FraiseInput)]
struct CreateUserInput {
    identifier: String,
    name: String,
    email: String,
    age: Option<i32>,
}

/// Changes to a user; absent fields stay as they are.
#[derive(FraiseInput)]
struct UpdateUserInput {
    id: Uuid,
    name: Option<String>,
    email: Option<String>,
    age: Option<i32>,
}

#[derive(FraiseInput)]
struct DeleteUserInput {
    id: Uuid,
}

#[derive(FraiseInput)]
struct CreatePostInput {
    identifier: String,
    title: String,
    author_id: Uuid,
    tags: Vec<String>,
}

type Blog = support::Served;

async fn blog() -> Blog {
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<CreateUserInput, User>("createUser")
        .mutation::<UpdateUserInput, User>("updateUser")
        .mutation::<DeleteUserInput, User>("deleteUser")
        .mutation_with(
            MutationField::new::<CreatePostInput, Post>("publish")
                .function("public.fn_create_post"),
        )
        .build()
        .unwrap();
    support::Served::new(schema, true).await
}

impl Blog {
    async fn run_as(&self, request: RequestContext, query: &str, variables: Json) -> Json {
        self.run_on(&self.database, request, query, variables).await
    }

    async fn run_on(
        &self,
        database: &Database,
        request: RequestContext,
        query: &str,
        variables: Json,
    ) -> Json {
        let variables: Variables = serde_json::from_value(variables).unwrap();
        let context = Context::new(database.clone(), request);
        let response =
            fraiseql::graphql::execute(&self.schema, query, None, &variables, &context).await;
        serde_json::from_str(response.body()).unwrap()
    }

    async fn run(&self, query: &str, variables: Json) -> Json {
        self.run_as(RequestContext::new().tenant_id(TENANT_A), query, variables)
            .await
    }

    async fn users(&self) -> Json {
        self.client
            .query_one(
                "SELECT json_agg(json_build_object('identifier', identifier, 'name', name, \
                 'email', email, 'age', age) ORDER BY identifier COLLATE \"C\")::text FROM tb_user",
                &[],
            )
            .await
            .map(|row| serde_json::from_str(row.get::<_, &str>(0)).unwrap())
            .unwrap()
    }
}

const CREATE: &str = r#"mutation ($input: CreateUserInput!) {
  createUser(input: $input) {
    __typename
    ... on CreateUserSuccess { status message user { id identifier name age } updatedFields }
    ...Refused
  }
}
fragment Refused on CreateUserError { status code message fieldErrors { field code message } }"#;

#[tokio::test]
async fn a_created_user_is_answered_as_selected_and_stored() {
    let blog = blog().await;
    let response = blog
        .run(
            CREATE,
            json!({"input": {"identifier": "user-new", "name": "Niklaus Wirth", "email": "nw@example.com", "age": 89}}),
        )
        .await;
    let created = &response["data"]["createUser"];
    assert_eq!(created["__typename"], "CreateUserSuccess", "{response}");
    assert_eq!(created["status"], "success:created");
    assert_eq!(created["message"], "user created");
    assert_eq!(created["updatedFields"], json!([]));
    // The keys come in selection order (checked on the body's text: a parsed map sorts them),
    // the fragment on the error member left out.
    let again = fraiseql::graphql::execute(
        &blog.schema,
        CREATE,
        None,
        &serde_json::from_value(
            json!({"input": {"identifier": "user-new2", "name": "N", "email": "n@example.com"}}),
        )
        .unwrap(),
        &Context::new(
            blog.database.clone(),
            RequestContext::new().tenant_id(TENANT_A),
        ),
    )
    .await;
    let body = again.body();
    let at = |key: &str| {
        body.find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key}: {body}"))
    };
    let order = ["__typename", "status", "message", "user", "updatedFields"].map(at);
    assert!(order.is_sorted(), "{body}");
    assert!(!body.contains("fieldErrors"), "{body}");
    let (id, name, age): (Uuid, String, Option<i32>) = blog
        .client
        .query_one(
            "SELECT id, name, age FROM tb_user WHERE identifier = 'user-new'",
            &[],
        )
        .await
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .unwrap();
    assert_eq!(
        created["user"],
        json!({"id": id, "identifier": "user-new", "name": name, "age": age})
    );
    // Read back through the query side.
    let read = blog
        .run(
            r#"query ($id: ID) { user(id: $id) { name } }"#,
            json!({"id": id}),
        )
        .await;
    assert_eq!(read["data"]["user"]["name"], "Niklaus Wirth");
}

#[tokio::test]
async fn refusals_are_the_error_member_and_write_nothing() {
    let blog = blog().await;
    let before = blog.users().await;
    let invalid = blog
        .run(
            CREATE,
            json!({"input": {"identifier": "x", "name": "", "email": "nope"}}),
        )
        .await;
    assert_eq!(
        invalid["data"]["createUser"],
        json!({
            "__typename": "CreateUserError", "status": "validation:user", "code": "VALIDATION",
            "message": "the user is not valid",
            "fieldErrors": [
                {"field": "name", "code": "required", "message": "a name is required"},
                {"field": "email", "code": "invalid", "message": "not an email address"}
            ]
        })
    );
    let conflict = blog
        .run(
            CREATE,
            json!({"input": {"identifier": "user-1", "name": "Dup", "email": "d@example.com"}}),
        )
        .await;
    assert_eq!(conflict["data"]["createUser"]["code"], "CONFLICT");
    let missing = blog
        .run(
            r#"mutation { u: updateUser(input: {id: "00000000-0000-0000-0000-000000000000", name: "Ghost"}) {
                 ... on UpdateUserError { code status } ... on UpdateUserSuccess { user { name } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        missing["data"]["u"],
        json!({"code": "NOT_FOUND", "status": "not_found:user"})
    );
    // Without a tenant the function refuses: the context reaches mutations too.
    let anonymous = blog
        .run_as(
            RequestContext::new(),
            CREATE,
            json!({"input": {"identifier": "t", "name": "T", "email": "t@example.com"}}),
        )
        .await;
    assert_eq!(anonymous["data"]["createUser"]["code"], "FORBIDDEN");
    assert_eq!(blog.users().await, before);
}

#[tokio::test]
async fn bad_input_and_database_errors_are_coded_and_write_nothing() {
    let blog = blog().await;
    let before = blog.users().await;
    for (query, variables, code) in [
        // Unknown input key, missing required field, wrong type: juniper refuses, no SQL runs.
        (
            CREATE,
            json!({"input": {"identifier": "a", "name": "A", "email": "a@x.y", "nope": 1}}),
            "BAD_USER_INPUT",
        ),
        (
            CREATE,
            json!({"input": {"identifier": "a", "name": "A"}}),
            "BAD_USER_INPUT",
        ),
        (
            CREATE,
            json!({"input": {"identifier": "a", "name": "A", "email": "a@x.y", "age": "old"}}),
            "BAD_USER_INPUT",
        ),
        (
            r#"mutation { createUser(input: {identifier: "a", name: "A"}) { __typename } }"#,
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"mutation { createUser(input: {identifier: "a", name: "A", email: "e", bogus: true}) { __typename } }"#,
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"mutation { createUser(input: {identifier: "a", name: "A", email: "e"}) { ... on CreateUserSuccess { nope } } }"#,
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"mutation { dropTables { __typename } }"#,
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ] {
        let response = blog.run(query, variables).await;
        assert!(response.get("data").is_none(), "{query}: {response}");
        assert_eq!(
            response["errors"][0]["extensions"]["code"], code,
            "{query}: {response}"
        );
    }
    // A user with posts cannot be deleted: the foreign key's error, coded, no SQL leaked.
    let with_posts: Uuid = blog
        .client
        .query_one(
            "SELECT u.id FROM tb_user u JOIN tb_post p ON p.fk_author = u.pk_user LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let response = blog
        .run(
            r#"mutation ($id: UUID!) { deleteUser(input: {id: $id}) { __typename } }"#,
            json!({"id": with_posts}),
        )
        .await;
    assert_eq!(response["data"], Json::Null, "{response}");
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "FOREIGN_KEY", "{response}");
    assert_eq!(error["path"], json!(["deleteUser"]));
    assert!(!response.to_string().contains("tb_"), "{response}");
    assert_eq!(blog.users().await, before);
}

#[tokio::test]
async fn fields_of_one_operation_run_in_order() {
    let blog = blog().await;
    let author: Uuid = blog
        .client
        .query_one("SELECT id FROM tb_user WHERE identifier = 'user-2'", &[])
        .await
        .unwrap()
        .get(0);
    let response = blog
        .run(
            r#"mutation ($author: UUID!) {
                 rename: updateUser(input: {id: $author, name: "Renamed"}) {
                   ... on UpdateUserSuccess { updatedFields user { name } } }
                 post: publish(input: {identifier: "post-new", title: "Ünïcode ✓", authorId: $author, tags: ["a"]}) {
                   __typename ... on PublishSuccess { post { title tags author { name } } } }
               }"#,
            json!({"author": author}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {
            "rename": {"updatedFields": ["name"], "user": {"name": "Renamed"}},
            "post": {"__typename": "PublishSuccess",
                     "post": {"title": "Ünïcode ✓", "tags": ["a"], "author": {"name": "Renamed"}}}
        }})
    );
}

/// GraphQL mutations run under the request's row-level security like every other path.
#[tokio::test]
async fn mutations_obey_row_level_security() {
    let blog = blog().await;
    let (database, role) = secured_blog(&blog.db, &blog.client, 2).await;
    blog.client
        .batch_execute(&format!(
            "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{role}\";
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \"{role}\";"
        ))
        .await
        .unwrap();
    let b_user: Uuid = blog
        .client
        .query_one(
            "SELECT id FROM tb_user WHERE tenant_id = $1 LIMIT 1",
            &[&TENANT_B],
        )
        .await
        .unwrap()
        .get(0);
    let before = blog.users().await;
    let update = r#"mutation ($id: UUID!) { updateUser(input: {id: $id, name: "Hijacked"}) {
                      ... on UpdateUserError { code } ... on UpdateUserSuccess { user { name } } } }"#;
    let as_a = blog
        .run_on(
            &database,
            RequestContext::new().tenant_id(TENANT_A),
            update,
            json!({"id": b_user}),
        )
        .await;
    assert_eq!(as_a, json!({"data": {"updateUser": {"code": "NOT_FOUND"}}}));
    assert_eq!(blog.users().await, before, "tenant B's user untouched");
    let as_b = blog
        .run_on(
            &database,
            RequestContext::new().tenant_id(TENANT_B),
            update,
            json!({"id": b_user}),
        )
        .await;
    assert_eq!(
        as_b,
        json!({"data": {"updateUser": {"user": {"name": "Hijacked"}}}})
    );
    drop_role(&blog.db, &role).await;
}

#[tokio::test]
async fn functions_are_checked_in_the_catalog_when_asked() {
    let blog = blog().await;
    blog.client
        .batch_execute(
            "CREATE FUNCTION fn_wrong_result(input jsonb) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
             CREATE FUNCTION fn_wrong_argument(input text) RETURNS fraiseql_mutation_result
             LANGUAGE sql AS $$ SELECT fraiseql_refusal('x', NULL) $$;",
        )
        .await
        .unwrap();
    let build = |function: &str| {
        SchemaBuilder::new().query::<User>().mutation_with(
            MutationField::new::<CreateUserInput, User>("createUser").function(function),
        )
    };
    assert!(
        build("fn_create_user")
            .build_checked(&blog.database)
            .await
            .is_ok()
    );
    assert!(
        build("public.fn_create_user")
            .build_checked(&blog.database)
            .await
            .is_ok()
    );
    for (function, problem) in [
        ("fn_nowhere", "no function"),
        ("app.fn_create_user", "no function"),
        ("fn_wrong_result", "returns integer"),
        ("fn_wrong_argument", "no function"),
    ] {
        let Err(error) = build(function).build_checked(&blog.database).await else {
            panic!("{function} was accepted");
        };
        assert!(error.to_string().contains(problem), "{function}: {error}");
    }
}

#[test]
fn the_schema_describes_mutations() {
    let sdl = SchemaBuilder::new()
        .query::<User>()
        .mutation::<CreateUserInput, User>("createUser")
        .build()
        .unwrap()
        .as_sdl();
    for expected in [
        "createUser(input: CreateUserInput!): CreateUserResult!",
        "union CreateUserResult = CreateUserSuccess | CreateUserError",
        "fieldErrors: [FieldError!]!",
        "input CreateUserInput",
    ] {
        assert!(sdl.contains(expected), "{expected}\n{sdl}");
    }
    // Without mutations there is no mutation type at all.
    let queries_only = SchemaBuilder::new()
        .query::<User>()
        .build()
        .unwrap()
        .as_sdl();
    assert!(!queries_only.contains("Mutation"), "{queries_only}");
    // Names are checked when the schema is built.
    let clash = SchemaBuilder::new()
        .query::<User>()
        .mutation::<CreateUserInput, User>("createUser")
        .mutation::<DeleteUserInput, User>("createUser")
        .build();
    assert!(clash.is_err());
    let bad_function = SchemaBuilder::new()
        .query::<User>()
        .mutation_with(
            MutationField::new::<CreateUserInput, User>("createUser").function("fn; DROP"),
        )
        .build();
    assert!(bad_function.is_err());
}
