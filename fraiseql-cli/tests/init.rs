//! `fraiseql init`: the project it writes builds against this workspace's fraiseql, its SQL
//! loads into a throwaway database and passes its pgTAP test, and the server it starts answers
//! a query with the seeded data and a mutation.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

use support::{Scratch, cargo_build, fails, fraiseql, ok, pgtap};

fn post(address: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("the server accepts");
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Kills the server (a process this test started) when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn init_builds_loads_passes_its_sql_tests_and_serves() {
    let dir = Scratch::new();
    let fraiseql_crate = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fraiseql");
    ok(&fraiseql(
        &dir.0,
        None,
        &[
            "init",
            "notes",
            "--fraiseql-path",
            fraiseql_crate.to_str().unwrap(),
        ],
    ));
    let project = dir.path("notes");
    for file in [
        "Cargo.toml",
        "src/main.rs",
        "db/schema/010_note.sql",
        "db/tests/note.sql",
        "README.md",
    ] {
        assert!(project.join(file).is_file(), "{file}");
    }
    let binary = cargo_build(&project, "notes");

    // Its schema, printed without a database.
    let sdl = Command::new(&binary)
        .arg("--print-schema")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let sdl = String::from_utf8_lossy(&sdl.stdout);
    assert!(
        sdl.contains("createNote(input: CreateNoteInput!): CreateNoteResult!"),
        "{sdl}"
    );

    // Its SQL, in a throwaway database, passes its pgTAP test.
    let db = fraiseql_tempdb::TestDb::new().await.unwrap();
    let mut schema_files: Vec<_> = std::fs::read_dir(project.join("db/schema"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    schema_files.sort();
    for file in schema_files.iter().chain([&project.join("db/seed.sql")]) {
        db.execute_script(&std::fs::read_to_string(file).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
    }
    let client = db.connect().await.unwrap();
    let test = std::fs::read_to_string(project.join("db/tests/note.sql")).unwrap();
    pgtap(&client, &test, "note").await;

    // Its types match its database: `fraiseql check` reads its --describe-schema.
    let drift = ok(&fraiseql(
        &dir.0,
        Some(&db.connection_string()),
        &["check", "--app", binary.to_str().unwrap()],
    ));
    assert!(
        drift.starts_with("no drift (1 relations, 1 functions"),
        "{drift}"
    );

    // It serves: the seeded note, and a mutation.
    let mut child = Command::new(&binary)
        .env("DATABASE_URL", db.connection_string())
        .env("LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.strip_suffix("/graphql"))
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    let response = post(&address, r#"{"query": "{ notes { identifier title } }"}"#);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("\"hello\"") && response.contains("\"Hello\""),
        "{response}"
    );
    let response = post(
        &address,
        r#"{"query": "mutation { createNote(input: {identifier: \"two\", title: \"Two\"}) { ... on CreateNoteSuccess { note { title } } } }"}"#,
    );
    assert!(response.contains("\"Two\""), "{response}");
    drop(server);

    // A second init into the same place changes nothing without --force; bad names are refused.
    std::fs::write(project.join("README.md"), "mine").unwrap();
    let stderr = fails(&fraiseql(&dir.0, None, &["init", "notes"]), 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(project.join("README.md")).unwrap(),
        "mine"
    );
    let stderr = fails(&fraiseql(&dir.0, None, &["init", "Bad Name"]), 2);
    assert!(stderr.contains("not a package name"), "{stderr}");
}

/// An existing project is left alone without --force (nothing written, not even the files that
/// are missing) and rewritten with it.
#[test]
fn init_keeps_existing_files_without_force() {
    let dir = Scratch::new();
    ok(&fraiseql(&dir.0, None, &["init", "kept"]));
    let project = dir.path("kept");
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    std::fs::write(project.join("README.md"), "mine").unwrap();
    std::fs::remove_file(project.join("src/main.rs")).unwrap();
    let stderr = fails(&fraiseql(&dir.0, None, &["init", "kept"]), 2);
    assert!(
        stderr.contains("README.md") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("README.md")).unwrap(),
        "mine"
    );
    assert!(
        !project.join("src/main.rs").exists(),
        "written without --force"
    );
    ok(&fraiseql(&dir.0, None, &["init", "kept", "--force"]));
    assert_ne!(
        std::fs::read_to_string(project.join("README.md")).unwrap(),
        "mine"
    );
    assert!(project.join("src/main.rs").exists());
    assert_eq!(
        std::fs::read_to_string(project.join("Cargo.toml")).unwrap(),
        manifest
    );
}

/// The generated Cargo.toml depends on fraiseql by version (the command line's own) unless
/// --fraiseql-path names a directory, as `init --help` says.
#[test]
fn init_depends_on_fraiseql_by_version_unless_given_a_path() {
    let dir = Scratch::new();
    let version = env!("CARGO_PKG_VERSION");
    let dependency = |project: &str| {
        std::fs::read_to_string(dir.path(project).join("Cargo.toml"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("fraiseql = "))
            .unwrap()
            .to_owned()
    };
    ok(&fraiseql(&dir.0, None, &["init", "by-version"]));
    let by_version = dependency("by-version");
    assert_eq!(
        by_version,
        format!("fraiseql = {{ version = \"{version}\", features = [\"axum\"] }}")
    );
    ok(&fraiseql(
        &dir.0,
        None,
        &["init", "pinned", "--fraiseql-version", "=0.0.7"],
    ));
    assert!(dependency("pinned").contains("version = \"=0.0.7\""));
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fraiseql");
    ok(&fraiseql(
        &dir.0,
        None,
        &[
            "init",
            "by-path",
            "--fraiseql-path",
            crate_dir.to_str().unwrap(),
        ],
    ));
    let absolute = std::fs::canonicalize(&crate_dir).unwrap();
    assert_eq!(
        dependency("by-path"),
        format!(
            "fraiseql = {{ path = {:?}, features = [\"axum\"] }}",
            absolute.display().to_string()
        )
    );
    // A path without a crate: refused, nothing written.
    let stderr = fails(
        &fraiseql(
            &dir.0,
            None,
            &["init", "nowhere", "--fraiseql-path", "/nonexistent"],
        ),
        2,
    );
    assert!(stderr.contains("--fraiseql-path /nonexistent"), "{stderr}");
    assert!(!dir.path("nowhere").exists());
    // The help says so, with the line the default writes.
    let help = ok(&fraiseql(&dir.0, None, &["init", "--help"]));
    assert!(help.contains(&by_version), "{help}");
    assert!(
        help.contains("--fraiseql-path DIR depends on a local fraiseql"),
        "{help}"
    );
}
