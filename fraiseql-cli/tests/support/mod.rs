//! What the command line's tests share: running the `fraiseql` binary, scratch directories,
//! test databases with the library's mutation result type, and a pgTAP runner.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use fraiseql_tempdb::TestDb;

/// The blog example's types (users, posts with their author and comments, and the inputs of
/// its mutations).
#[path = "../../../examples/blog/types.rs"]
pub mod blog;

/// The blog example's schema: the types and mutations its servers serve.
pub fn blog_schema() -> fraiseql::graphql::Schema {
    fraiseql::graphql::SchemaBuilder::new()
        .query::<blog::User>()
        .query::<blog::Post>()
        .mutation::<blog::CreateUserInput, blog::User>("createUser")
        .mutation::<blog::UpdateUserInput, blog::User>("updateUser")
        .mutation::<blog::DeleteUserInput, blog::User>("deleteUser")
        .mutation::<blog::CreatePostInput, blog::Post>("createPost")
        .build()
        .expect("the blog schema builds")
}

/// A fresh database holding the blog example: its tables, read tables, sync and mutation
/// functions, and seed.
pub async fn blog_database() -> TestDb {
    let db = database(include_str!("../../../examples/blog/schema.sql")).await;
    for script in [
        include_str!("../../../examples/blog/mutations.sql"),
        include_str!("../../../examples/blog/seed.sql"),
    ] {
        db.execute_script(script).await.expect("the blog loads");
    }
    db
}

/// The blog's normalized tables (users, posts, comments), without any read side.
pub const BLOG_TABLES: &str = "
CREATE TABLE tb_user (
    pk_user    int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    identifier text NOT NULL UNIQUE,
    name       text NOT NULL,
    email      text NOT NULL,
    age        int,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE tb_post (
    pk_post    int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    identifier text NOT NULL UNIQUE,
    fk_author  int NOT NULL REFERENCES tb_user,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    tags       text[] NOT NULL DEFAULT '{}',
    published  boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE tb_comment (
    pk_comment int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    fk_post    int NOT NULL REFERENCES tb_post,
    fk_author  int NOT NULL REFERENCES tb_user,
    content    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
";

/// A directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh, empty directory under the system's temporary directory.
    pub fn new() -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "fraiseql-cli-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Scratch(dir)
    }

    /// A path inside it.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    /// A file's contents.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `fraiseql args…` in `dir`, pointed at `database` (a connection string) or at none.
pub fn fraiseql(dir: &Path, database: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fraiseql"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL");
    if let Some(database) = database {
        command.env("DATABASE_URL", database);
    }
    command.output().expect("the fraiseql binary runs")
}

/// Asserts success and returns standard output.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "fraiseql failed ({:?}):\n{}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts the exit status and returns standard error.
pub fn fails(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

/// A fresh database holding `fraiseql_mutation_result` and `sql`.
pub async fn database(sql: &str) -> TestDb {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(fraiseql::MUTATION_RESULT_SQL)
        .await
        .expect("the mutation result type loads");
    db.execute_script(sql).await.expect("the fixture loads");
    db
}

/// Runs a pgTAP script (as `pg_prove` would run it through psql) and returns its TAP lines;
/// panics unless it planned its tests and every one passed.
pub async fn pgtap(client: &tokio_postgres::Client, script: &str, name: &str) -> Vec<String> {
    let messages = client
        .simple_query(script)
        .await
        .unwrap_or_else(|e| panic!("{name}: the test script failed: {e:?}"));
    let lines: Vec<String> = messages
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .flat_map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let planned: usize = lines
        .iter()
        .find_map(|l| l.strip_prefix("1..").and_then(|n| n.parse().ok()))
        .unwrap_or_else(|| panic!("{name}: no plan in\n{}", lines.join("\n")));
    let passed = lines.iter().filter(|l| l.starts_with("ok ")).count();
    let failed: Vec<&String> = lines.iter().filter(|l| l.starts_with("not ok")).collect();
    assert!(
        failed.is_empty() && passed == planned && planned > 0,
        "{name}: {passed} of {planned} passed:\n{}",
        lines.join("\n")
    );
    lines
}

/// The dependencies of a project `fraiseql init` makes (and of the crates tests build), with
/// fraiseql by path to this workspace.
pub fn project_manifest(name: &str) -> String {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
fraiseql = {{ path = "{}", features = ["axum"] }}
axum = {{ version = "0.8", default-features = false, features = ["http1", "tokio"] }}
chrono = {{ version = "0.4", default-features = false, features = ["std", "clock", "serde"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["rt-multi-thread", "macros", "net", "signal"] }}
tokio-postgres = {{ version = "0.7", features = ["with-uuid-1", "with-chrono-0_4", "with-serde_json-1"] }}
uuid = {{ version = "1", features = ["v4", "serde"] }}

[workspace]
"#,
        workspace.join("fraiseql").display()
    )
}

/// Builds the crate in `dir` (offline, with this workspace's lock file, in this workspace's
/// target directory, so only the crate itself and what differs in features are compiled) and
/// returns the binary's path.
pub fn cargo_build(dir: &Path, binary: &str) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    }
    let target = target_dir();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug").join(binary)
}

/// This workspace's target directory.
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
}
