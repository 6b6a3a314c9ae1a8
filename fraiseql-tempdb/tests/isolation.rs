//! Test databases are real, isolated, C-collated, and dropped afterwards.

use fraiseql_tempdb::{Server, TestDb};

#[tokio::test]
async fn databases_are_isolated_and_persistent() {
    let (a, b) = tokio::try_join!(TestDb::new(), TestDb::new()).expect("two databases");
    assert_ne!(a.name(), b.name());
    a.execute_script("CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (7)")
        .await
        .expect("fixture");
    let in_a: i32 = a
        .connect()
        .await
        .unwrap()
        .query_one("SELECT x FROM only_in_a", &[])
        .await
        .expect("data survives across connections")
        .get(0);
    assert_eq!(in_a, 7);
    let in_b = b
        .connect()
        .await
        .unwrap()
        .query("SELECT x FROM only_in_a", &[])
        .await;
    let error = in_b.expect_err("the table must not exist in the other database");
    assert_eq!(
        error.code(),
        Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE)
    );
}

#[tokio::test]
async fn databases_use_c_collation_and_utf8() {
    let db = TestDb::new().await.unwrap();
    let row = db
        .connect()
        .await
        .unwrap()
        .query_one(
            "SELECT datcollate, datctype, pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()",
            &[],
        )
        .await
        .unwrap();
    let (collate, ctype, encoding): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        (collate.as_str(), ctype.as_str(), encoding.as_str()),
        ("C", "C", "UTF8")
    );
    // Byte order, not dictionary order: 'B' < 'a'.
    let ordered: bool = db
        .connect()
        .await
        .unwrap()
        .query_one("SELECT 'B' < 'a'", &[])
        .await
        .unwrap()
        .get(0);
    assert!(ordered);
}

#[tokio::test]
async fn dropping_removes_the_database() {
    let server = Server::shared().await.unwrap();
    let db = TestDb::new_on(server).await.unwrap();
    let name = db.name().to_owned();
    // pg_database is shared by the whole cluster: watch it from another test database.
    let observer = TestDb::new_on(server).await.unwrap();
    let watch = observer.connect().await.unwrap();
    let count = || async {
        let row = watch
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&name],
            )
            .await
            .unwrap();
        row.get::<_, i64>(0)
    };
    assert_eq!(count().await, 1);
    let _open_connection = db.connect().await.unwrap();
    drop(db);
    assert_eq!(
        count().await,
        0,
        "dropped even with a connection still open"
    );
}

#[tokio::test]
async fn connection_strings_work_for_other_clients() {
    let db = TestDb::new().await.unwrap();
    let text = db.connection_string();
    assert!(text.contains(&format!("dbname={}", db.name())), "{text}");
    assert_eq!(current_database(&text, db.name()).await, db.name());
    let url = db.url();
    assert!(url.starts_with("postgresql://"), "{url}");
    assert_eq!(current_database(&url, db.name()).await, db.name(), "{url}");
    // libpq reads the URL too (a socket directory in the query, for a throwaway cluster).
    let psql = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .map(|out| {
            std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("psql")
        })
        .expect("pg_config");
    let out = std::process::Command::new(psql)
        .args([url.as_str(), "-tAc", "SELECT current_database()"])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), db.name());
    assert!(matches!(
        Server::from_url("postgres://[bad"),
        Err(fraiseql_tempdb::Error::InvalidUrl(_))
    ));
}

/// The database a connection through `connection` (a string or URL) to `database` lands in.
async fn current_database(connection: &str, database: &str) -> String {
    Server::from_url(connection)
        .expect("parses back")
        .connect(database)
        .await
        .unwrap()
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0)
}
