//! `fraiseql schema typescript`: the blog's schema and operations become TypeScript types that
//! `tsc --noEmit --strict` (npm `typescript`, exactly 5.9.3, installed once into
//! `target/typescript`) accepts in a client using them and in the blog's real responses to those
//! operations (BigInt sums and Decimal means as strings), and that reject a client reading an
//! unselected field, treating a nullable field as present or a BigInt or Decimal as a number,
//! or a response of the wrong shape.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use fraiseql::graphql::Context;
use fraiseql::{Database, RequestContext};
use juniper::{DefaultScalarValue, Variables};
use support::{Scratch, blog_database, blog_schema, fails, fraiseql, ok};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/typescript");

/// The exact version of npm's `typescript` the test type-checks with.
const TYPESCRIPT: &str = "5.9.3";

/// `tsc`, installed with npm once into `target/typescript` (again when another version is
/// there).
fn tsc() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/typescript");
    let tsc = dir.join("node_modules/typescript/bin/tsc");
    let installed = std::fs::read_to_string(dir.join("node_modules/typescript/package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|package| package["version"].as_str().map(str::to_owned));
    if !tsc.exists() || installed.as_deref() != Some(TYPESCRIPT) {
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("npm")
            .args([
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--save-exact",
                "--prefix",
            ])
            .arg(&dir)
            .arg(format!("typescript@{TYPESCRIPT}"))
            .status()
            .expect("npm is needed for this test (Debian: apt-get install nodejs npm)");
        assert!(status.success(), "npm install typescript failed");
    }
    tsc
}

/// Type-checks `files` in `dir` strictly; returns whether they passed, and tsc's output.
fn type_check(dir: &Path, files: &[&str]) -> (bool, String) {
    let output = Command::new("node")
        .arg(tsc())
        .args([
            "--noEmit", "--strict", "--target", "es2020", "--module", "commonjs",
        ])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("node runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The `data` of an operation of the blog's `.graphql` file, run on the blog's database.
async fn data(context: &Context, operation: &str, variables: serde_json::Value) -> String {
    let document = std::fs::read_to_string(format!("{FIXTURES}/operations/blog.graphql")).unwrap();
    let variables: Variables<DefaultScalarValue> = serde_json::from_value(variables).unwrap();
    let schema = blog_schema();
    let response =
        fraiseql::graphql::execute(&schema, &document, Some(operation), &variables, context).await;
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert!(body.get("errors").is_none(), "{operation}: {body}");
    serde_json::to_string_pretty(&body["data"]).unwrap()
}

#[tokio::test]
async fn blog_types_check_a_client_and_real_responses_and_reject_mistakes() {
    let dir = Scratch::new();
    std::fs::write(dir.path("schema.graphql"), blog_schema().as_sdl()).unwrap();
    let operations = format!("{FIXTURES}/operations");
    ok(&fraiseql(
        &dir.0,
        None,
        &[
            "schema",
            "typescript",
            "--sdl",
            "schema.graphql",
            "--operations",
            &operations,
            "--out",
            "schema.ts",
        ],
    ));
    let ts = dir.read("schema.ts");
    for expected in [
        "export type UUID = string;",
        "export type DateTime = string;",
        "export type BigInt = string;",
        "export type Decimal = string;",
        "export type SortDirection = \"ASC\" | \"DESC\";",
        "export type CreateUserResult = CreateUserSuccess | CreateUserError;",
        "  age: number | null;",
        "  age?: number | null;",
        "export interface PostPageQueryVariables {\n  identifier: string;\n  withComments?: boolean | null;\n}",
        "export type UsersQuery = {",
        "export type CreateUserMutation = {",
    ] {
        assert!(ts.contains(expected), "{expected}\nnot in:\n{ts}");
    }

    // The blog's real responses to those operations, as typed constants.
    let db = blog_database().await;
    let client = db.connect().await.unwrap();
    let tenant: uuid::Uuid = client
        .query_one("SELECT tenant_id FROM tb_user LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    let identifier: String = client
        .query_one(
            "SELECT identifier FROM tb_post p WHERE EXISTS \
             (SELECT 1 FROM tb_comment c WHERE c.fk_post = p.pk_post) LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let context = Context::new(
        Database::connect(db.config(), 2).unwrap(),
        RequestContext::new().tenant_id(tenant),
    );
    let post_page = data(
        &context,
        "PostPage",
        serde_json::json!({"identifier": identifier}),
    )
    .await;
    assert!(post_page.contains("\"comments\""), "{post_page}");
    let users = data(&context, "Users", serde_json::json!({"limit": 5})).await;
    let user_ages = data(&context, "UserAges", serde_json::json!({})).await;
    assert!(user_ages.contains("\"sum\""), "{user_ages}");
    let input =
        serde_json::json!({"input": {"identifier": "ts", "name": "Ts", "email": "ts@example.com"}});
    let created = data(&context, "CreateUser", input.clone()).await;
    assert!(created.contains("CreateUserSuccess"), "{created}");
    let refused = data(&context, "CreateUser", input).await;
    assert!(refused.contains("CreateUserError"), "{refused}");
    std::fs::write(
        dir.path("responses.ts"),
        format!(
            "import type {{ CreateUserMutation, PostPageQuery, UserAgesQuery, UsersQuery }} from \"./schema\";\n\
             export const postPage: PostPageQuery = {post_page};\n\
             export const users: UsersQuery = {users};\n\
             export const userAges: UserAgesQuery = {user_ages};\n\
             export const created: CreateUserMutation = {created};\n\
             export const refused: CreateUserMutation = {refused};\n"
        ),
    )
    .unwrap();

    for file in [
        "client.ts",
        "wrong_field.ts",
        "wrong_null.ts",
        "wrong_response.ts",
        "wrong_bigint.ts",
        "wrong_decimal.ts",
    ] {
        std::fs::copy(format!("{FIXTURES}/{file}"), dir.path(file)).unwrap();
    }
    let (passed, output) = type_check(&dir.0, &["client.ts"]);
    assert!(passed, "the client does not type-check:\n{output}\n{ts}");
    for (file, error) in [
        ("wrong_field.ts", "Property 'title' does not exist"),
        (
            "wrong_null.ts",
            "Type 'number | null' is not assignable to type 'number'",
        ),
        (
            "wrong_response.ts",
            "Type 'number' is not assignable to type 'string'",
        ),
        (
            "wrong_bigint.ts",
            "Type 'string | null' is not assignable to type 'number | null'",
        ),
        (
            "wrong_decimal.ts",
            "Type 'string | null' is not assignable to type 'number | null'",
        ),
    ] {
        let (passed, output) = type_check(&dir.0, &[file]);
        assert!(!passed, "{file} type-checks, but must not");
        assert!(output.contains(error), "{file}: {output}");
    }
}

#[test]
fn the_schema_comes_from_the_app_and_mistakes_are_refused() {
    let dir = Scratch::new();
    std::fs::write(dir.path("schema.graphql"), blog_schema().as_sdl()).unwrap();
    // An application answering --print-schema.
    let app = dir.path("app.sh");
    std::fs::write(
        &app,
        format!(
            "#!/bin/sh\n[ \"$1\" = --print-schema ] && [ -z \"$DATABASE_URL\" ] && cat {}\n",
            dir.path("schema.graphql").display()
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&app).status().unwrap();
    let ts = ok(&fraiseql(
        &dir.0,
        Some("host=/nonexistent dbname=none"),
        &["schema", "typescript", "--app", app.to_str().unwrap()],
    ));
    assert!(ts.contains("export interface Post {"), "{ts}");

    // An operation selecting a field the schema lacks: exit 2, nothing written.
    std::fs::create_dir_all(dir.path("ops")).unwrap();
    std::fs::write(dir.path("ops/bad.graphql"), "query Bad { posts { titel } }").unwrap();
    let args = [
        "schema",
        "typescript",
        "--sdl",
        "schema.graphql",
        "--operations",
        "ops",
        "--out",
        "out.ts",
    ];
    let stderr = fails(&fraiseql(&dir.0, None, &args), 2);
    assert!(
        stderr.contains("Bad: Post has no field `titel`"),
        "{stderr}"
    );
    assert!(!dir.path("out.ts").exists());

    for (operation, message) in [
        ("{ posts { id } }", "every operation needs a name"),
        ("query A { posts }", "Post: select its fields"),
        (
            "query B { posts { id { x } } }",
            "which has no fields to select",
        ),
        ("query C($w: Post) { posts { id } }", "no input type"),
        ("query D { posts { ...F } }", "no fragment named F"),
        ("query E { posts { id ", "ops/bad.graphql"),
    ] {
        std::fs::write(dir.path("ops/bad.graphql"), operation).unwrap();
        let stderr = fails(&fraiseql(&dir.0, None, &args), 2);
        assert!(stderr.contains(message), "{operation}: {stderr}");
    }

    // Bad SDL; an existing file kept without --force.
    std::fs::write(dir.path("broken.graphql"), "type Query {").unwrap();
    let stderr = fails(
        &fraiseql(
            &dir.0,
            None,
            &["schema", "typescript", "--sdl", "broken.graphql"],
        ),
        2,
    );
    assert!(
        stderr.contains("broken.graphql: not a GraphQL schema"),
        "{stderr}"
    );
    std::fs::write(dir.path("out.ts"), "mine").unwrap();
    let stderr = fails(
        &fraiseql(
            &dir.0,
            None,
            &[
                "schema",
                "typescript",
                "--sdl",
                "schema.graphql",
                "--out",
                "out.ts",
            ],
        ),
        2,
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(dir.read("out.ts"), "mine");
    let forced = ok(&fraiseql(
        &dir.0,
        None,
        &[
            "schema",
            "typescript",
            "--sdl",
            "schema.graphql",
            "--out",
            "out.ts",
            "--force",
        ],
    ));
    assert!(forced.contains("out.ts"), "{forced}");
    assert!(dir.read("out.ts").contains("export interface Post {"));

    // schema sdl --out: the same rule.
    let sdl = [
        "schema",
        "sdl",
        "--app",
        app.to_str().unwrap(),
        "--out",
        "schema.out",
    ];
    ok(&fraiseql(&dir.0, None, &sdl));
    assert_eq!(dir.read("schema.out"), blog_schema().as_sdl());
    std::fs::write(dir.path("schema.out"), "mine").unwrap();
    let stderr = fails(&fraiseql(&dir.0, None, &sdl), 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(dir.read("schema.out"), "mine");
    let mut forced = sdl.to_vec();
    forced.push("--force");
    ok(&fraiseql(&dir.0, None, &forced));
    assert_eq!(dir.read("schema.out"), blog_schema().as_sdl());
}
