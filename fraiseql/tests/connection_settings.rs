//! What a request runs under, read back from inside PostgreSQL: the fixed settings come with the
//! connection, a request without context settings is its statement alone (an implicit
//! transaction), and nothing one request sets is visible to the next on the same connection.

use std::time::Duration;

use fraiseql::{Database, FindMany, FraiseType, Repository, RequestContext};
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

/// One row describing the transaction and settings the reading statement runs under.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_probe")]
struct Probe {
    id: Uuid,
    /// `on` inside the `BEGIN READ ONLY` a scoped read opens, `off` in the implicit
    /// transaction of a statement sent alone.
    read_only: String,
    statement_timeout: String,
    extra_float_digits: String,
    date_style: String,
    tenant: Option<String>,
}

const PROBE: &str = "CREATE VIEW tv_probe AS SELECT gen_random_uuid() AS id, jsonb_build_object(
    'id', gen_random_uuid(),
    'read_only', current_setting('transaction_read_only'),
    'statement_timeout', current_setting('statement_timeout'),
    'extra_float_digits', current_setting('extra_float_digits'),
    'date_style', current_setting('DateStyle'),
    'tenant', NULLIF(current_setting('app.tenant_id', true), '')) AS data";

async fn probe_db() -> TestDb {
    let db = TestDb::new().await.expect("a test database");
    // Server defaults that differ from the settings reads pin, so the test sees who set what.
    db.execute_script(&format!(
        "{PROBE}; ALTER DATABASE \"{0}\" SET extra_float_digits = 0;
         ALTER DATABASE \"{0}\" SET DateStyle = 'SQL, DMY';
         ALTER DATABASE \"{0}\" SET statement_timeout = 0;",
        db.name()
    ))
    .await
    .expect("the probe view");
    db
}

async fn probe(database: &Database, context: &RequestContext) -> Probe {
    let rows = Repository::<Probe>::new(database.clone())
        .find_many(context, FindMany::new())
        .await
        .expect("the probe answers");
    assert_eq!(rows.len(), 1);
    rows.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_request_without_settings_is_its_statement_alone_under_the_connections_settings() {
    let db = probe_db().await;
    let database = Database::connect(db.config(), 1).unwrap();
    let plain = probe(&database, &RequestContext::new()).await;
    assert_eq!(
        plain.read_only, "off",
        "no BEGIN before a context-free read: {plain:?}"
    );
    assert_eq!(plain.statement_timeout, "10s");
    assert_eq!(plain.extra_float_digits, "1");
    assert_eq!(plain.date_style, "ISO, MDY");
    assert_eq!(plain.tenant, None);

    // The application's own `options` are kept beside the library's.
    let mut config = db.config();
    config.options("-c application_name=probe_app");
    let own = Database::connect(config, 1).unwrap();
    let client = own.pool().get().await.unwrap();
    let row = client
        .query_one(
            "SELECT current_setting('application_name'), current_setting('DateStyle')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "probe_app");
    assert_eq!(row.get::<_, String>(1), "ISO, MDY");
}

/// One connection serves requests with a tenant, with none, and with a timeout of their own, in
/// turn: each sees exactly its own settings, never an earlier request's.
#[tokio::test]
async fn alternating_requests_on_one_connection_see_only_their_own_settings() {
    let db = probe_db().await;
    let database = Database::connect(db.config(), 1)
        .unwrap()
        .with_statement_timeout(Duration::from_secs(7));
    let tenant = |t: &str| RequestContext::new().tenant_id(t);
    for round in 0..10 {
        let a = probe(&database, &tenant("a")).await;
        assert_eq!(a.tenant.as_deref(), Some("a"), "{round}");
        assert_eq!(
            a.read_only, "on",
            "a scoped read is a read-only transaction"
        );
        assert_eq!(a.statement_timeout, "7s");

        let none = probe(&database, &RequestContext::new()).await;
        assert_eq!(none.tenant, None, "{round}: the previous tenant leaked");
        assert_eq!(none.read_only, "off", "{round}: the statement alone");
        assert_eq!(none.statement_timeout, "7s");

        let patient = RequestContext::new().with_statement_timeout(Duration::from_secs(30));
        let own = probe(&database, &patient).await;
        assert_eq!(own.statement_timeout, "30s", "{round}");
        assert_eq!(own.tenant, None);

        let b = probe(&database, &tenant("b")).await;
        assert_eq!(b.tenant.as_deref(), Some("b"), "{round}");
        assert_eq!(
            b.statement_timeout, "7s",
            "{round}: the earlier timeout leaked"
        );

        let after = probe(&database, &RequestContext::new()).await;
        assert_eq!(
            (after.tenant, after.statement_timeout.as_str()),
            (None, "7s")
        );
        assert_eq!(
            (after.extra_float_digits, after.date_style),
            ("1".into(), "ISO, MDY".into())
        );
    }
}

/// A pool the application built carries unknown session settings: every request then applies
/// the fixed settings and the timeout itself, in a transaction.
#[tokio::test]
async fn a_foreign_pool_gets_the_settings_per_request() {
    let db = probe_db().await;
    let manager = deadpool_postgres::Manager::new(db.config(), tokio_postgres::NoTls);
    let pool = deadpool_postgres::Pool::builder(manager)
        .max_size(1)
        .build()
        .unwrap();
    let database = Database::new(pool).with_statement_timeout(Duration::from_secs(3));
    let plain = probe(&database, &RequestContext::new()).await;
    assert_eq!(plain.statement_timeout, "3s");
    assert_eq!(plain.extra_float_digits, "1");
    assert_eq!(plain.date_style, "ISO, MDY");
    // The connection itself keeps the server's defaults.
    let client = database.pool().get().await.unwrap();
    let row = client
        .query_one("SELECT current_setting('extra_float_digits')", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "0");
}
