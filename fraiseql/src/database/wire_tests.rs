//! fraiseql's own connections against a real PostgreSQL: what they keep prepared.

use postgres_types::ToSql;

use super::wire::{Connection, PREPARED_PER_CONNECTION};

/// The number of statements the connection's session holds prepared, as PostgreSQL counts them.
async fn held(connection: &mut Connection) -> usize {
    let count = "SELECT count(*)::text FROM pg_prepared_statements";
    let text = connection.query_text(None, count, &[]).await.unwrap();
    text.parse().unwrap()
}

#[tokio::test]
async fn statements_past_the_limit_close_the_least_recently_used() {
    let db = fraiseql_tempdb::TestDb::new().await.unwrap();
    let mut connection = Connection::connect(&db.config()).await.unwrap();
    // Bound before every statement below, so always among the most recently used.
    let settings = "SELECT set_config('app.seen', $1, true)";
    let extra = 40;
    for i in 0..PREPARED_PER_CONNECTION + extra {
        let value = i.to_string();
        let before: &[&(dyn ToSql + Sync)] = &[&value];
        let sql = format!("SELECT current_setting('app.seen') || ':{i}'");
        let answer = connection.query_text(Some((settings, before)), &sql, &[]);
        assert_eq!(answer.await.unwrap(), format!("{i}:{i}"));
    }
    // The count's own statement is the newest of them; the oldest ones were closed for it.
    assert_eq!(held(&mut connection).await, PREPARED_PER_CONNECTION);

    // A closed statement is prepared again when it comes back, and answers the same.
    let first = "SELECT current_setting('app.seen') || ':0'";
    let before: &[&(dyn ToSql + Sync)] = &[&"again"];
    let answer = connection.query_text(Some((settings, before)), first, &[]);
    assert_eq!(answer.await.unwrap(), "again:0");
    assert_eq!(held(&mut connection).await, PREPARED_PER_CONNECTION);
}

#[tokio::test]
async fn statements_within_the_limit_stay_prepared() {
    let db = fraiseql_tempdb::TestDb::new().await.unwrap();
    let mut connection = Connection::connect(&db.config()).await.unwrap();
    for i in 0..10 {
        let sql = format!("SELECT '{i}'::text");
        assert_eq!(
            connection.query_text(None, &sql, &[]).await.unwrap(),
            i.to_string()
        );
    }
    // Ten statements and the count's own.
    assert_eq!(held(&mut connection).await, 11);
}
