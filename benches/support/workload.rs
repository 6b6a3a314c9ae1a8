//! The benchmark workload shared by `benches/workload.rs` (in process) and `benches/http`
//! (over HTTP): the benchmark database and the operations Q1–Q4 and M1.
#![allow(dead_code)]

use fraiseql_tempdb::TestDb;

use crate::blog;

/// The tenant every benchmark request acts in (M1 creates users there).
pub const TENANT: &str = "aaaaaaaa-0000-0000-0000-000000000000";

/// One benchmarked read.
pub struct Query {
    /// `Q1 …`: a short label for tables.
    pub name: &'static str,
    /// The GraphQL document sent.
    pub document: String,
    /// Whether the answer's lists have a defined order (Q4 asks for none, so answers are
    /// compared with lists sorted).
    pub ordered: bool,
}

/// M1: a create mutation; its variables come from [`create_variables`].
pub const CREATE: &str = "mutation ($input: CreateUserInput!) { createUser(input: $input) { \
    ... on CreateUserSuccess { user { id name } } ... on CreateUserError { code } } }";

/// M1's variables: a new user whose identifier is unique per `(label, n)`.
pub fn create_variables(label: &str, n: usize) -> serde_json::Value {
    serde_json::json!({"input": {
        "identifier": format!("{label}-{n}"), "name": "Bench", "email": format!("{label}{n}@example.com")
    }})
}

/// A fresh database holding the blog's schema and mutations and `benches/dataset.sql`
/// (1,000 users, 10,000 posts, 50,000 comments), removed on drop.
pub async fn database() -> TestDb {
    let db = TestDb::new().await.expect("a benchmark database");
    for script in [
        blog::SCHEMA,
        fraiseql::MUTATION_RESULT_SQL,
        blog::MUTATIONS,
        include_str!("../dataset.sql"),
    ] {
        db.execute_script(script)
            .await
            .expect("the benchmark dataset loads");
    }
    db
}

/// Q1–Q4 (Q1 asks for `user-42` by its id, read from `db`).
pub async fn queries(db: &TestDb) -> Vec<Query> {
    let client = db.connect().await.expect("a connection");
    let user: uuid::Uuid = client
        .query_one("SELECT id FROM tb_user WHERE identifier = 'user-42'", &[])
        .await
        .expect("user-42")
        .get(0);
    vec![
        Query {
            name: "Q1 one user by id",
            document: format!(r#"{{ user(id: "{user}") {{ id name email }} }}"#),
            ordered: true,
        },
        Query {
            name: "Q2 20 users filtered and ordered",
            document: r#"{ users(where: {age: {gte: 30}}, orderBy: [{field: NAME}], limit: 20) { id name age } }"#.into(),
            ordered: true,
        },
        Query {
            name: "Q3 20 latest posts nested",
            document: r#"{ posts(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 20) { title author { name } comments { content author { name } } } }"#.into(),
            ordered: true,
        },
        Query {
            name: "Q4 100 posts by title word",
            document: r#"{ posts(where: {title: {contains: "Keyset"}}, limit: 100) { id title } }"#.into(),
            ordered: false,
        },
    ]
}
