//! A throwaway cluster starts from the local binaries and disappears when dropped.
//!
//! Skipped (with a message) when `DATABASE_URL` is set: that setting means "use my server".

use fraiseql_tempdb::{Server, TestDb};

#[tokio::test]
async fn temporary_cluster_starts_serves_and_is_removed() {
    if std::env::var_os("DATABASE_URL").is_some() {
        eprintln!("DATABASE_URL is set: not starting a throwaway cluster");
        return;
    }
    let server = Server::start_temporary()
        .await
        .expect("a throwaway cluster");
    let text = server.connection_string("postgres");
    let socket_dir = text
        .split_whitespace()
        .find_map(|part| part.strip_prefix("host="))
        .expect("a socket directory")
        .to_owned();
    assert!(std::path::Path::new(&socket_dir).join("data").is_dir());
    let db = TestDb::new_on(&server).await.unwrap();
    let one: i32 = db
        .connect()
        .await
        .unwrap()
        .query_one("SELECT 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(one, 1);
    drop(db);
    drop(server);
    assert!(
        !std::path::Path::new(&socket_dir).exists(),
        "{socket_dir} removed"
    );
}
