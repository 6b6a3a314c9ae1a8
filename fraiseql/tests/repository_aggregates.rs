//! `Repository::aggregate`: typed measures computed in one statement, equal to plain SQL over
//! the normalized `tb_*` tables.

use fraiseql::typed::Exact;
use fraiseql::{Repository, RequestContext};

mod support;
use support::{User, blog_db};

#[tokio::test]
async fn typed_aggregates_match_plain_sql() {
    let (db, client) = blog_db().await;
    let users = Repository::<User>::new(fraiseql::Database::connect(db.config(), 2).unwrap());
    let request = RequestContext::new();
    let adults = || User::filter().age().gte(30);
    let (sum, avg, oldest, first) = users
        .aggregate(
            &request,
            adults(),
            (
                User::aggregate().age().sum(),
                User::aggregate().age().avg(),
                User::aggregate().age().max(),
                User::aggregate().name().min(),
            ),
        )
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT sum(age), avg(age)::text, max(age), min(name COLLATE \"C\") FROM tb_user WHERE age >= 30",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(sum, row.get::<_, Option<i64>>(0));
    assert_eq!(
        avg.as_ref().map(Exact::as_str),
        row.get::<_, Option<&str>>(1)
    );
    assert_eq!(oldest, row.get::<_, Option<i32>>(2));
    assert_eq!(first, row.get::<_, Option<String>>(3));

    // One measure alone; over no rows, nothing.
    let latest = users
        .aggregate(
            &request,
            User::filter().age().gt(1000),
            User::aggregate().created_at().max(),
        )
        .await
        .unwrap();
    assert_eq!(latest, None);
    let newest = users
        .aggregate(
            &request,
            fraiseql::sql::Filter::all(),
            User::aggregate().created_at().max(),
        )
        .await
        .unwrap();
    let expected: chrono::DateTime<chrono::Utc> = client
        .query_one("SELECT max(created_at) FROM tb_user", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(newest, Some(expected));
    assert_eq!(
        users.count(&request, adults()).await.unwrap(),
        client
            .query_one("SELECT count(*) FROM tb_user WHERE age >= 30", &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
    );
}
