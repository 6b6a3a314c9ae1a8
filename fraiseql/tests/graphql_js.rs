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
    // The tests of this file run in parallel: one installs.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
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

fn schema() -> fraiseql::graphql::Schema {
    SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<RenameUserInput, User>("renameUser")
        .build()
        .unwrap()
}

/// The standard introspection query as graphql-js 16 writes it (`getIntrospectionQuery`), with
/// `options` (a JavaScript object literal).
fn standard_introspection_query(options: &str) -> String {
    let dir = graphql_js();
    let script =
        format!("process.stdout.write(require('graphql').getIntrospectionQuery({options}))");
    let output = Command::new("node")
        .current_dir(&dir)
        .args(["-e", &script])
        .output()
        .expect("node is needed for this test (Debian: apt-get install nodejs)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The standard introspection query, as GraphiQL and graphql-js clients send it, passes the
/// default limits through `execute`; one more `ofType` level is refused; with introspection
/// disabled both are refused with `INTROSPECTION_DISABLED` while `__typename` is answered.
#[tokio::test]
async fn the_standard_introspection_query_passes_the_default_limits() {
    use fraiseql::graphql::{Introspection, execute};
    let schema = schema();
    let context = Context::new(
        Database::connect(tokio_postgres::Config::new(), 1).unwrap(),
        RequestContext::new(),
    );
    let variables = Default::default();
    for options in [
        "{}",
        "{ inputValueDeprecation: true, specifiedByUrl: true }",
    ] {
        let query = standard_introspection_query(options);
        let body = execute(&schema, &query, None, &variables, &context)
            .await
            .into_body();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(json.get("errors").is_none(), "{options}: {body}");
        assert!(json["data"]["__schema"]["types"].as_array().unwrap().len() > 10);
    }
    // Its deepest path: __schema types fields args type (5), nine `ofType` (14), their `name`
    // (15). Ten `ofType` in the type reference fragment make it 16 deep.
    let query = standard_introspection_query("{}");
    let fragment = "fragment TypeRef on __Type {";
    assert!(query.contains(fragment), "{query}");
    let chain = format!("{}name{}", "ofType { ".repeat(10), " }".repeat(10));
    let deeper = query.replace(fragment, &format!("{fragment} {chain}"));
    let body = execute(&schema, &deeper, None, &variables, &context)
        .await
        .into_body();
    assert!(
        body.contains(r#""code":"QUERY_TOO_DEEP","depth":16,"limit":15"#),
        "{body}"
    );

    let closed = context.clone().with_introspection(Introspection::Disabled);
    for query in [query.as_str(), r#"{ __type(name: "User") { name } }"#] {
        let body = execute(&schema, query, None, &variables, &closed)
            .await
            .into_body();
        assert!(
            body.starts_with(r#"{"errors":[{"message":"introspection is disabled"#),
            "{body}"
        );
        assert!(
            body.contains(r#""code":"INTROSPECTION_DISABLED""#),
            "{body}"
        );
    }
    // (Without a database here: a mutation's `__typename` is answered without one.)
    let body = execute(
        &schema,
        "mutation { __typename }",
        None,
        &variables,
        &closed,
    );
    assert_eq!(
        body.await.into_body(),
        r#"{"data":{"__typename":"Mutation"}}"#
    );
}

#[test]
fn introspection_loads_in_graphql_js() {
    let schema = schema();
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
