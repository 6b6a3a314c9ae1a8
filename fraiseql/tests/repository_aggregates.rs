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

/// A reading: 64-bit integers near their edges, and floats of both widths.
#[derive(fraiseql::FraiseType, Debug)]
#[fraiseql(view = "tv_reading")]
#[allow(dead_code)] // read through aggregates only
struct Reading {
    id: uuid::Uuid,
    total: i64,
    small: Option<i32>,
    ratio: f64,
    weight: Option<f32>,
}

#[tokio::test]
async fn bigint_and_float_fields_aggregate_to_their_exact_types() {
    let (db, client) = blog_db().await;
    client
        .batch_execute(
            "CREATE TABLE tb_reading (id uuid PRIMARY KEY, total bigint NOT NULL, small int, ratio float8 NOT NULL, weight float8);
             INSERT INTO tb_reading VALUES
               (md5('r1')::uuid, 9223372036854775807, 2147483647, 0.1, 1.5),
               (md5('r2')::uuid, 9223372036854775806, 2147483647, 0.2, NULL),
               (md5('r3')::uuid, 9007199254740993, NULL, 1e-300, 0.25),
               (md5('r4')::uuid, -9223372036854775808, -3, -2.5, -8);
             CREATE VIEW tv_reading AS SELECT id, jsonb_build_object('id', id, 'total', total, 'small', small, 'ratio', ratio, 'weight', weight) AS data FROM tb_reading;",
        )
        .await
        .unwrap();
    let readings = Repository::<Reading>::new(fraiseql::Database::connect(db.config(), 2).unwrap());
    let request = RequestContext::new();
    let all = fraiseql::sql::Filter::all;
    let positive = || Reading::filter().total().gt(0i64);

    // i64 fields: sums as i128 (past i64::MAX here), averages exact, extremes as i64.
    let (sum, avg, min, max): (Option<i128>, Option<Exact>, Option<i64>, Option<i64>) = readings
        .aggregate(
            &request,
            positive(),
            (
                Reading::aggregate().total().sum(),
                Reading::aggregate().total().avg(),
                Reading::aggregate().total().min(),
                Reading::aggregate().total().max(),
            ),
        )
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT sum(total)::text, avg(total)::text, min(total), max(total) FROM tb_reading WHERE total > 0",
            &[],
        )
        .await
        .unwrap();
    let expected_sum: i128 = row.get::<_, &str>(0).parse().unwrap();
    assert!(expected_sum > i128::from(i64::MAX));
    assert_eq!(sum, Some(expected_sum));
    assert_eq!(avg.as_ref().map(Exact::as_str), Some(row.get::<_, &str>(1)));
    assert_eq!(min, row.get::<_, Option<i64>>(2));
    assert_eq!(max, Some(i64::MAX));
    assert_eq!(max, row.get::<_, Option<i64>>(3));
    // ... and i64::MIN, where the sum turns negative.
    let (sum, min): (Option<i128>, Option<i64>) = readings
        .aggregate(
            &request,
            all(),
            (
                Reading::aggregate().total().sum(),
                Reading::aggregate().total().min(),
            ),
        )
        .await
        .unwrap();
    let expected: String = client
        .query_one("SELECT sum(total)::text FROM tb_reading", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sum, Some(expected.parse().unwrap()));
    assert_eq!(min, Some(i64::MIN));
    // A 32-bit field sums past i32::MAX as an i64.
    let small: Option<i64> = readings
        .aggregate(&request, all(), Reading::aggregate().small().sum())
        .await
        .unwrap();
    let expected: i64 = client
        .query_one("SELECT sum(small) FROM tb_reading", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(small, Some(expected));
    assert!(expected > i64::from(i32::MAX));

    // f64 and f32 fields: f64 results, as PostgreSQL's double precision computes them (the
    // plain client reads them in binary, exactly).
    let (sum, avg, min, max): (Option<f64>, Option<f64>, Option<f64>, Option<f64>) = readings
        .aggregate(
            &request,
            all(),
            (
                Reading::aggregate().ratio().sum(),
                Reading::aggregate().ratio().avg(),
                Reading::aggregate().ratio().min(),
                Reading::aggregate().ratio().max(),
            ),
        )
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT sum(ratio), avg(ratio), min(ratio), max(ratio), sum(weight), avg(weight), min(weight), max(weight) FROM tb_reading",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(sum, row.get::<_, Option<f64>>(0));
    assert_eq!(avg, row.get::<_, Option<f64>>(1));
    assert_eq!(min, row.get::<_, Option<f64>>(2));
    assert_eq!(max, row.get::<_, Option<f64>>(3));
    assert_eq!(min, Some(-2.5));
    let (sum, avg, min, max): (Option<f64>, Option<f64>, Option<f64>, Option<f64>) = readings
        .aggregate(
            &request,
            all(),
            (
                Reading::aggregate().weight().sum(),
                Reading::aggregate().weight().avg(),
                Reading::aggregate().weight().min(),
                Reading::aggregate().weight().max(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(sum, row.get::<_, Option<f64>>(4));
    assert_eq!(avg, row.get::<_, Option<f64>>(5));
    assert_eq!(min, row.get::<_, Option<f64>>(6));
    assert_eq!(max, row.get::<_, Option<f64>>(7));
    assert_eq!(max, Some(1.5));
    // Over no rows, nothing.
    let none: (Option<f64>, Option<i128>) = readings
        .aggregate(
            &request,
            Reading::filter().ratio().gt(10.0),
            (
                Reading::aggregate().weight().sum(),
                Reading::aggregate().total().sum(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(none, (None, None));
}
