//! The schema's introspection result loads in graphql-js `buildClientSchema` and validates
//! there: what GraphiQL and every JavaScript client do with it.
//!
//! Needs `node` and `npm` (`.ci/run` installs them when missing); graphql-js is installed once
//! into `target/graphql-js`.

use std::path::PathBuf;
use std::process::Command;

use chrono::{DateTime, Utc};
use fraiseql::graphql::{Context, SchemaBuilder};
use fraiseql::{Database, FraiseEnum, FraiseInput, FraiseType, RequestContext};
use uuid::Uuid;

/// Someone who writes.
#[derive(FraiseType)]
#[allow(dead_code)]
struct User {
    id: Uuid,
    identifier: String,
    name: String,
    #[fraiseql(deprecated = "use name")]
    nick: Option<String>,
    age: Option<i32>,
    score: Option<f64>,
    views: i64,
    born: Option<chrono::NaiveDate>,
    created_at: DateTime<Utc>,
    settings: Option<serde_json::Value>,
    role: Role,
    roles: Vec<Role>,
    tags: Vec<String>,
    posts: Vec<Post>,
}

#[derive(FraiseType)]
#[allow(dead_code)]
struct Post {
    id: Uuid,
    title: String,
    author: Option<User>,
}

/// What a user may do.
#[derive(FraiseEnum, Clone, Copy)]
#[allow(dead_code)]
enum Role {
    Admin,
    #[fraiseql(deprecated = "merged into admin")]
    Editor,
    Reader,
}

fn graphql_js() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/graphql-js");
    if !dir.join("node_modules/graphql/package.json").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("graphql@16")
            .status()
            .expect("npm is needed for this test (Debian: apt-get install nodejs npm)");
        assert!(status.success(), "npm install graphql failed");
    }
    dir
}

/// What renaming a user needs.
#[derive(FraiseInput)]
#[allow(dead_code)]
struct RenameUserInput {
    id: Uuid,
    name: String,
    role: Option<Role>,
    tags: Option<Vec<String>>,
}

#[test]
fn introspection_loads_in_graphql_js() {
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<RenameUserInput, User>("renameUser")
        .build()
        .unwrap();
    // Introspection never touches the database; the pool connects lazily.
    let context = Context::new(
        Database::connect(tokio_postgres::Config::new(), 1).unwrap(),
        RequestContext::new(),
    );
    let (introspection, errors) =
        juniper::introspect(&schema, &context, juniper::IntrospectionFormat::default()).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let dir = graphql_js();
    let file = dir.join("introspection.json");
    std::fs::write(&file, serde_json::to_string(&introspection).unwrap()).unwrap();
    let script = r#"
        const { buildClientSchema, validateSchema, printSchema, parse, validate } = require('graphql');
        const schema = buildClientSchema(require(process.argv[1]));
        const errors = validateSchema(schema);
        if (errors.length) { console.error(errors); process.exit(1); }
        const query = parse(`{ users(where: {name: {startsWith: "A"}, _or: [{age: {gt: 1}}]}, orderBy: [{field: NAME, direction: DESC}]) { id name role posts { title } }
                              usersConnection(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage } totalCount } }`);
        const mutation = parse(`mutation { renameUser(input: {id: "x", name: "A", role: ADMIN}) {
                                  __typename ... on RenameUserSuccess { user { id } updatedFields }
                                  ... on RenameUserError { code fieldErrors { field message } } } }`);
        const problems = validate(schema, query).concat(validate(schema, mutation));
        if (problems.length) { console.error(problems); process.exit(1); }
        process.stdout.write(printSchema(schema));
    "#;
    let output = Command::new("node")
        .current_dir(&dir)
        .args(["-e", script])
        .arg(&file)
        .output()
        .expect("node is needed for this test (Debian: apt-get install nodejs)");
    let sdl = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "graphql-js rejected the schema: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for needle in [
        "\"\"\"Someone who writes.\"\"\"",
        "nick: String @deprecated(reason: \"use name\")",
        "EDITOR @deprecated(reason: \"merged into admin\")",
        "\"\"\"What a user may do.\"\"\"",
        "input UserWhereInput",
        "scalar UUID",
        "union RenameUserResult = RenameUserSuccess | RenameUserError",
        "\"\"\"What renaming a user needs.\"\"\"\ninput RenameUserInput",
    ] {
        assert!(
            sdl.contains(needle),
            "{needle} missing from graphql-js's view:\n{sdl}"
        );
    }
}
