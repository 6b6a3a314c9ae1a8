//! Connections that die: one the server ends while it sits idle in the pool is never handed to
//! a request (the next read succeeds on a new connection), and one that dies in the middle of a
//! statement fails that request with `DATABASE_UNAVAILABLE` and is replaced for the next.

use std::time::Duration;

use fraiseql::{Database, Error, FindMany, FraiseType, Repository, RequestContext};
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

/// The backend that answers, and whether the request asked it to sleep first.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_backend")]
struct Backend {
    id: Uuid,
    pid: i32,
}

/// `tv_backend` answers after sleeping as many seconds as the tenant setting says (0 without).
const VIEW: &str = "CREATE VIEW tv_backend AS SELECT gen_random_uuid() AS id,
    jsonb_build_object('id', gen_random_uuid(), 'pid', pg_backend_pid(),
        'slept', pg_sleep(coalesce(nullif(current_setting('app.tenant_id', true), ''), '0')::float8)) AS data";

const NAME: &str = "fraiseql_failures";

async fn setup() -> (TestDb, tokio_postgres::Client, Database) {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(VIEW).await.expect("the view");
    let owner = db.connect().await.unwrap();
    let mut config = db.config();
    config.application_name(NAME);
    let database = Database::connect(config, 1).unwrap();
    (db, owner, database)
}

async fn pid(database: &Database, context: &RequestContext) -> Result<i32, Error> {
    let rows = Repository::<Backend>::new(database.clone())
        .find_many(context, FindMany::new())
        .await?;
    Ok(rows[0].pid)
}

/// Terminates the library's backends (by application name) and waits until they are gone.
async fn terminate(owner: &tokio_postgres::Client, db: &TestDb) -> usize {
    let killed: i64 = owner
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE application_name = $1 AND datname = $2",
            &[&NAME, &db.name()],
        )
        .await
        .unwrap()
        .get(0);
    for _ in 0..200 {
        let left: i64 = owner
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2",
                &[&NAME, &db.name()],
            )
            .await
            .unwrap()
            .get(0);
        if left == 0 {
            return killed as usize;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the backends did not end");
}

#[tokio::test]
async fn a_connection_the_server_ended_while_idle_is_replaced_before_the_next_request() {
    let (db, owner, database) = setup().await;
    let plain = RequestContext::new();
    let first = pid(&database, &plain).await.expect("a first read");
    for round in 0..3 {
        assert_eq!(terminate(&owner, &db).await, 1, "round {round}");
        // Give the server's goodbye time to reach the client's socket.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let next = pid(&database, &plain).await;
        let next = next.unwrap_or_else(|e| panic!("round {round}: the read failed: {e:?}"));
        assert_ne!(next, first, "round {round}: a new backend answers");
        // With settings too (two statements before one Sync on the new connection).
        let scoped = pid(&database, &RequestContext::new().tenant_id("0")).await;
        assert_eq!(
            scoped.expect("a scoped read"),
            next,
            "the same connection again"
        );
    }
}

#[tokio::test]
async fn a_connection_that_dies_midway_fails_its_request_as_unavailable_and_is_replaced() {
    let (db, owner, database) = setup().await;
    let before = pid(&database, &RequestContext::new()).await.unwrap();
    let slow = {
        let database = database.clone();
        tokio::spawn(async move { pid(&database, &RequestContext::new().tenant_id("30")).await })
    };
    // Wait until the sleeping statement runs, then end its backend.
    for _ in 0..500 {
        let active: i64 = owner
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1
                 AND state = 'active' AND query LIKE '%tv_backend%'",
                &[&NAME],
            )
            .await
            .unwrap()
            .get(0);
        if active == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(terminate(&owner, &db).await, 1);
    let failed = tokio::time::timeout(Duration::from_secs(10), slow)
        .await
        .expect("the request ends with its connection, not after its 30 s statement")
        .unwrap();
    match failed {
        Err(error) => assert_eq!(error.code(), "DATABASE_UNAVAILABLE", "{error:?}"),
        Ok(pid) => panic!("a read on a terminated backend answered (pid {pid})"),
    }
    let after = pid(&database, &RequestContext::new())
        .await
        .expect("the next read");
    assert_ne!(after, before);
}
