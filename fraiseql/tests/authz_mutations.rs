//! Authorization of mutations: `MutationField::requires` refuses the call before the function
//! runs, and the entity a mutation answers with is read as the request may read it.
// The types are read only through their descriptors.
#![allow(dead_code)]

use fraiseql::graphql::{Context, MutationField, SchemaBuilder};
use fraiseql::{FraiseInput, FraiseType, RequestContext};
use juniper::Variables;
use serde_json::{Value as Json, json};
use uuid::Uuid;

mod support;
use support::TENANT_A;

/// A user; only admins read the email.
#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
struct User {
    id: Uuid,
    name: String,
    #[fraiseql(requires = "admin")]
    email: String,
}

/// The same document, for HR only.
#[derive(FraiseType)]
#[fraiseql(view = "tv_user", requires = "hr")]
struct Dossier {
    id: Uuid,
    name: String,
}

#[derive(FraiseInput)]
struct CreateUserInput {
    identifier: String,
    name: String,
    email: String,
}

#[derive(FraiseInput)]
struct DeleteUserInput {
    id: Uuid,
}

type Blog = support::Served;

async fn blog() -> Blog {
    let schema = SchemaBuilder::new()
        .query::<User>()
        .mutation_with(
            MutationField::new::<DeleteUserInput, User>("deleteUser").requires(["admin"]),
        )
        .mutation_with(
            MutationField::new::<CreateUserInput, User>("createUser")
                .requires(["admin", "registrar"]),
        )
        .mutation_with(
            MutationField::new::<CreateUserInput, Dossier>("openDossier")
                .function("fn_create_user"),
        )
        .build()
        .unwrap();
    support::Served::new(schema, true).await
}

impl Blog {
    fn context(&self, roles: &[&str]) -> Context {
        let request = RequestContext::new().tenant_id(TENANT_A).roles(roles);
        Context::new(self.database.clone(), request)
    }

    async fn body(&self, roles: &[&str], query: &str, variables: Json) -> String {
        let variables: Variables = serde_json::from_value(variables).unwrap();
        let context = self.context(roles);
        fraiseql::graphql::execute(&self.schema, query, None, &variables, &context)
            .await
            .into_body()
    }

    async fn run(&self, roles: &[&str], query: &str, variables: Json) -> Json {
        serde_json::from_str(&self.body(roles, query, variables).await).unwrap()
    }

    /// [`run`](Self::run), checked byte for byte against `juniper::execute` given `again`
    /// (the same answer: a refusal writes nothing, and the answers select no generated id).
    async fn run_twice(&self, roles: &[&str], query: &str, variables: Json, again: Json) -> Json {
        let body = self.body(roles, query, variables).await;
        let again: Variables = serde_json::from_value(again).unwrap();
        let reference =
            support::juniper_body(&self.schema, &self.context(roles), query, &again).await;
        assert_eq!(body, reference, "execute and juniper differ for {query}");
        serde_json::from_str(&body).unwrap()
    }

    async fn users(&self) -> i64 {
        let row = self
            .client
            .query_one("SELECT count(*) FROM tb_user", &[])
            .await
            .unwrap();
        row.get(0)
    }
}

const DELETE: &str = r#"mutation ($id: UUID!) { deleteUser(input: {id: $id}) { __typename ... on DeleteUserSuccess { user { name } } } }"#;

#[tokio::test]
async fn a_mutation_that_requires_a_role_is_refused_before_its_function_runs() {
    let blog = blog().await;
    // A user without posts, which may be deleted.
    let id = Uuid::from_u128(42);
    blog.client
        .execute(
            "INSERT INTO tb_user (id, identifier, tenant_id, name, email, created_at) \
             VALUES ($1, 'loner', $2, 'Alan Turing', 'at@example.com', now())",
            &[&id, &TENANT_A],
        )
        .await
        .unwrap();
    let sync = "SELECT fn_sync_tv_user($1)";
    blog.client.execute(sync, &[&id]).await.unwrap();
    let before = blog.users().await;
    for roles in [&[][..], &["registrar"], &["hr"]] {
        let variables = json!({"id": id});
        let response = blog
            .run_twice(roles, DELETE, variables.clone(), variables)
            .await;
        assert_eq!(
            response,
            json!({"data": null, "errors": [{
                "message": "Not allowed to call Mutation.deleteUser: it needs the role admin.",
                "locations": [{"line": 1, "column": 25}],
                "path": ["deleteUser"],
                "extensions": {"code": "FORBIDDEN"},
            }]}),
            "{roles:?}"
        );
    }
    assert_eq!(blog.users().await, before, "nothing deleted");
    let response = blog.run(&["admin"], DELETE, json!({"id": id})).await;
    assert_eq!(
        response,
        json!({"data": {"deleteUser": {"__typename": "DeleteUserSuccess", "user": {"name": "Alan Turing"}}}})
    );
    assert_eq!(blog.users().await, before - 1);
}

const CREATE: &str = r#"mutation ($input: CreateUserInput!) { createUser(input: $input) { ... on CreateUserSuccess { status user { name email } } } }"#;

#[tokio::test]
async fn any_of_the_roles_calls_it_and_reads_the_answer_as_it_may() {
    let blog = blog().await;
    let input = |n: u32| json!({"input": {"identifier": format!("new-{n}"), "name": "Niklaus Wirth", "email": "nw@example.com"}});
    // A registrar may create users, not read their email: the nullable `user` takes the null.
    let response = blog
        .run_twice(&["registrar"], CREATE, input(1), input(2))
        .await;
    assert_eq!(
        response,
        json!({"data": {"createUser": {"status": "success:created", "user": null}}, "errors": [{
            "message": "Not allowed to read User.email: it needs the role admin.",
            "locations": [{"line": 1, "column": CREATE.find("email").unwrap() + 1}],
            "path": ["createUser", "user", "email"],
            "extensions": {"code": "FORBIDDEN"},
        }]})
    );
    let response = blog.run(&["admin"], CREATE, input(3)).await;
    assert_eq!(
        response,
        json!({"data": {"createUser": {"status": "success:created", "user": {"name": "Niklaus Wirth", "email": "nw@example.com"}}}})
    );
    let created = blog
        .client
        .query_one(
            "SELECT count(*) FROM tb_user WHERE identifier LIKE 'new-%'",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(created, 3);
    // Nobody else calls it.
    let response = blog.run(&["hr"], CREATE, input(4)).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(
        response["errors"][0]["message"],
        "Not allowed to call Mutation.createUser: it needs one of the roles admin, registrar."
    );
}

#[tokio::test]
async fn an_answer_of_a_type_it_may_not_read_is_null() {
    let blog = blog().await;
    let query = r#"mutation ($input: CreateUserInput!) { openDossier(input: $input) { __typename ... on OpenDossierSuccess { message dossier { id name } } } }"#;
    let input = |n: u32| json!({"input": {"identifier": format!("d-{n}"), "name": "Ada", "email": "ada@example.com"}});
    let response = blog.run_twice(&["admin"], query, input(1), input(2)).await;
    assert_eq!(
        response,
        json!({"data": {"openDossier": {"__typename": "OpenDossierSuccess", "message": "user created", "dossier": null}}, "errors": [{
            "message": "Not allowed to read OpenDossierSuccess.dossier: Dossier needs the role hr.",
            "locations": [{"line": 1, "column": query.find("dossier {").unwrap() + 1}],
            "path": ["openDossier", "dossier"],
            "extensions": {"code": "FORBIDDEN"},
        }]})
    );
    let response = blog.run(&["hr"], query, input(3)).await;
    assert_eq!(response["data"]["openDossier"]["dossier"]["name"], "Ada");
    assert!(response.get("errors").is_none(), "{response}");
}

#[test]
fn roles_that_cannot_be_held_are_refused() {
    for role in ["", " ", "a,b"] {
        let field = MutationField::new::<DeleteUserInput, User>("deleteUser").requires([role]);
        let error = SchemaBuilder::new()
            .query::<User>()
            .mutation_with(field)
            .build()
            .err()
            .expect("refused");
        assert!(
            error.to_string().contains("invalid role"),
            "{role:?}: {error}"
        );
    }
}
