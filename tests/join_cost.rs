//! The join-cost figures of `docs/philosophy/cqrs-first.md`: integer `pk_`/`fk_` joins against
//! the same joins on `uuid` keys, on one database holding both keys for the same rows. A
//! measurement, not a check of the library, so it is ignored by default; run it with
//!
//! ```sh
//! cargo test --test join_cost -- --ignored --nocapture
//! ```
//!
//! (the time is PostgreSQL's: the client only sends each statement and reads one row, so the
//! debug build measures the same as a release one).
//!
//! It builds 100,000 parents and 1,000,000 children (each child pointing at a random parent by
//! both keys, inserted as a live table receives them, indexes first), then times, as the median
//! of 9 runs after a warm-up, with parallel workers off so both sides get one core:
//!
//! - **hash join**: every child joined to its parent (`count`, `sum`), the rebuild of all
//!   documents' shape;
//! - **index joins**: the children of 100 parents found through the foreign-key index (nested
//!   loop), the shape of `fn_sync_tv_*` rebuilding a batch of documents;
//!
//! and prints the sizes of both foreign-key indexes. The only assertion is on sizes (the integer
//! index is smaller); the timings are printed for the page.

use std::time::{Duration, Instant};

use fraiseql_tempdb::TestDb;

const PARENTS: i32 = 100_000;
const CHILDREN: i32 = 1_000_000;
const RUNS: usize = 9;

const SCHEMA: &str = "
CREATE TABLE tb_parent (
    pk_parent int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id        uuid NOT NULL UNIQUE DEFAULT gen_random_uuid()
);
CREATE TABLE tb_child (
    pk_child  int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fk_parent int NOT NULL REFERENCES tb_parent,
    parent_id uuid NOT NULL REFERENCES tb_parent (id),
    amount    int NOT NULL
);
CREATE INDEX child_fk_parent ON tb_child (fk_parent);
CREATE INDEX child_parent_id ON tb_child (parent_id);
";

/// Median wall time of `sql` over [`RUNS`] runs, after one warm-up run.
async fn median(client: &tokio_postgres::Client, sql: &str) -> Duration {
    client.simple_query(sql).await.unwrap();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        client.simple_query(sql).await.unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    times[RUNS / 2]
}

/// The single value of a one-row, one-column query, as text.
async fn value(client: &tokio_postgres::Client, sql: &str) -> String {
    let row = client.query_one(sql, &[]).await.unwrap();
    row.try_get::<_, String>(0)
        .or_else(|_| row.try_get::<_, i64>(0).map(|v| v.to_string()))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement for docs/philosophy/cqrs-first.md; run with --ignored --nocapture"]
async fn integer_joins_against_uuid_joins() {
    let db = TestDb::new().await.unwrap();
    let client = db.connect().await.unwrap();
    client.batch_execute(SCHEMA).await.unwrap();
    client
        .batch_execute(&format!(
            "INSERT INTO tb_parent (id) SELECT gen_random_uuid() FROM generate_series(1, {PARENTS});
             INSERT INTO tb_child (fk_parent, parent_id, amount)
             SELECT p.pk_parent, p.id, g % 100
             FROM generate_series(1, {CHILDREN}) g
             JOIN tb_parent p ON p.pk_parent = 1 + (hashint4(g) & 2147483647) % {PARENTS};"
        ))
        .await
        .unwrap();
    for statement in [
        "VACUUM (ANALYZE) tb_parent, tb_child",
        "SET max_parallel_workers_per_gather = 0",
        "SET jit = off",
    ] {
        client.batch_execute(statement).await.unwrap();
    }
    // Both forms must answer the same, or the comparison means nothing.
    let by_int = "SELECT count(*), sum(c.amount) FROM tb_child c JOIN tb_parent p ON p.pk_parent = c.fk_parent";
    let by_uuid =
        "SELECT count(*), sum(c.amount) FROM tb_child c JOIN tb_parent p ON p.id = c.parent_id";
    let batch_int = "SELECT count(*), sum(c.amount) FROM tb_parent p \
                     JOIN tb_child c ON c.fk_parent = p.pk_parent WHERE p.pk_parent BETWEEN 50001 AND 50100";
    let batch_uuid = "SELECT count(*), sum(c.amount) FROM tb_parent p \
                      JOIN tb_child c ON c.parent_id = p.id WHERE p.pk_parent BETWEEN 50001 AND 50100";
    for (a, b) in [(by_int, by_uuid), (batch_int, batch_uuid)] {
        let a_rows = client.query_one(a, &[]).await.unwrap();
        let b_rows = client.query_one(b, &[]).await.unwrap();
        assert_eq!(
            (a_rows.get::<_, i64>(0), a_rows.get::<_, i64>(1)),
            (b_rows.get::<_, i64>(0), b_rows.get::<_, i64>(1))
        );
    }
    let plan = |sql: &str| format!("EXPLAIN (COSTS OFF) {sql}");
    for sql in [batch_int, batch_uuid] {
        let lines: Vec<String> = client
            .query(&plan(sql), &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(
            lines.iter().any(|l| l.contains("Nested Loop")),
            "{lines:#?}"
        );
    }

    let int_size: i64 = client
        .query_one("SELECT pg_relation_size('child_fk_parent')", &[])
        .await
        .unwrap()
        .get(0);
    let uuid_size: i64 = client
        .query_one("SELECT pg_relation_size('child_parent_id')", &[])
        .await
        .unwrap()
        .get(0);
    assert!(int_size < uuid_size, "{int_size} {uuid_size}");

    let hash_int = median(&client, by_int).await;
    let hash_uuid = median(&client, by_uuid).await;
    let loop_int = median(&client, batch_int).await;
    let loop_uuid = median(&client, batch_uuid).await;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let version = value(&client, "SHOW server_version").await;
    println!(
        "join cost, {PARENTS} parents, {CHILDREN} children, PostgreSQL {version}, median of {RUNS}"
    );
    println!("| join | int keys | uuid keys | uuid / int |");
    println!("|---|---|---|---|");
    println!(
        "| hash join, all {CHILDREN} children | {:.1} ms | {:.1} ms | {:.2} |",
        ms(hash_int),
        ms(hash_uuid),
        ms(hash_uuid) / ms(hash_int)
    );
    println!(
        "| index joins, children of 100 parents | {:.2} ms | {:.2} ms | {:.2} |",
        ms(loop_int),
        ms(loop_uuid),
        ms(loop_uuid) / ms(loop_int)
    );
    println!(
        "| foreign-key index size | {} MiB | {} MiB | {:.2} |",
        int_size / (1 << 20),
        uuid_size / (1 << 20),
        uuid_size as f64 / int_size as f64
    );
}
