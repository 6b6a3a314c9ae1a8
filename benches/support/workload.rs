//! The benchmark workload shared by `benches/workload.rs` (in process) and `benches/http`
//! (over HTTP): the benchmark database and the operations Q1–Q4 (and Q3a, Q3 with arguments
//! on its embedded list) and M1.
#![allow(dead_code)]

use fraiseql_tempdb::TestDb;
use serde_json::{Value, json};

use crate::blog;

#[path = "floor_sql.rs"]
pub mod floor_sql;

/// The tenant every benchmark request acts in (M1 creates users there).
pub const TENANT: &str = "aaaaaaaa-0000-0000-0000-000000000000";

/// One benchmarked read.
pub struct Query {
    /// `Q1 …`: a short label for tables.
    pub name: &'static str,
    /// The GraphQL document sent.
    pub document: &'static str,
    /// Its variables (an empty object when it has none).
    pub variables: Value,
    /// Whether the answer's lists have a defined order (Q4 asks for none, so answers are
    /// compared with lists sorted).
    pub ordered: bool,
    /// The floor: the best hand-written SQL for the same answer (`floor_sql.rs`)...
    pub floor_sql: &'static str,
    /// ...and its parameters (Q1's id).
    pub floor_params: Vec<uuid::Uuid>,
}

impl Query {
    /// The variables as `execute` takes them.
    pub fn juniper_variables(&self) -> juniper::Variables {
        serde_json::from_value(self.variables.clone()).expect("variables")
    }
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
    // Whatever runs first must not pay for the load: without this, autovacuum visits the new
    // tables (and hint bits get set) during the first server's timed runs. On its own: VACUUM
    // cannot run inside a multi-statement script's transaction.
    for maintenance in ["VACUUM (FREEZE, ANALYZE)", "CHECKPOINT"] {
        db.execute_script(maintenance)
            .await
            .expect("the benchmark dataset settles");
    }
    db
}

/// Q1–Q4 (Q1 asks for `user-42` by its id, read from `db`, as a variable, as a client sends
/// a value it has).
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
            document: "query ($id: ID!) { user(id: $id) { id name email } }",
            variables: json!({ "id": user }),
            ordered: true,
            floor_sql: floor_sql::Q1,
            floor_params: vec![user],
        },
        Query {
            name: "Q2 20 users filtered and ordered",
            document: r#"{ users(where: {age: {gte: 30}}, orderBy: [{field: NAME}], limit: 20) { id name age } }"#,
            variables: json!({}),
            ordered: true,
            floor_sql: floor_sql::Q2,
            floor_params: vec![],
        },
        Query {
            name: "Q3 20 latest posts nested",
            document: r#"{ posts(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 20) { title author { name } comments { content author { name } } } }"#,
            variables: json!({}),
            ordered: true,
            floor_sql: floor_sql::Q3,
            floor_params: vec![],
        },
        Query {
            name: "Q3a Q3, 3 latest comments and their count",
            document: r#"{ posts(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 20) { title author { name } comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 3) { content author { name } } commentsAggregate { count } } }"#,
            variables: json!({}),
            ordered: true,
            floor_sql: floor_sql::Q3A,
            floor_params: vec![],
        },
        Query {
            name: "Q4 100 posts by title word",
            document: r#"{ posts(where: {title: {contains: "Keyset"}}, limit: 100) { id title } }"#,
            variables: json!({}),
            ordered: false,
            floor_sql: floor_sql::Q4,
            floor_params: vec![],
        },
    ]
}
