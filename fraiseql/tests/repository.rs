//! Repositories on the blog fixture, each answer compared with plain SQL over the normalized
//! `tb_*` tables; the request context reaches row-level security; timeouts and an unreachable
//! database become coded errors.

use fraiseql::sql::Page;
use fraiseql::{Database, Error, FindMany, FraiseType, Repository, RequestContext};
use fraiseql_tempdb::TestDb;
use tokio_postgres::Client;

use uuid::Uuid;

mod support;
use support::{Author, Post, User, blog_db};

async fn blog() -> (TestDb, Client, Database) {
    let (db, client) = blog_db().await;
    let database = Database::connect(db.config(), 4).unwrap();
    (db, client, database)
}

/// Users straight from tb_user, in the given SQL order.
async fn plain_users(client: &Client, where_order: &str) -> Vec<User> {
    let sql = format!(
        "SELECT id, identifier, name, email, age, created_at, tenant_id FROM tb_user {where_order}"
    );
    client
        .query(&sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| User {
            id: r.get(0),
            identifier: r.get(1),
            name: r.get(2),
            email: r.get(3),
            age: r.get(4),
            created_at: r.get(5),
            tenant_id: r.get(6),
        })
        .collect()
}

#[tokio::test]
async fn find_by_keys_matches_the_normalized_tables() {
    let (_db, client, database) = blog().await;
    let users = Repository::<User>::new(database.clone());
    let context = RequestContext::new();
    for expected in plain_users(&client, "ORDER BY pk_user").await {
        assert_eq!(
            users
                .find_by_id(&context, expected.id)
                .await
                .unwrap()
                .as_ref(),
            Some(&expected)
        );
        assert_eq!(
            users
                .find_by_identifier(&context, &expected.identifier)
                .await
                .unwrap()
                .as_ref(),
            Some(&expected)
        );
    }
    assert_eq!(users.find_by_id(&context, Uuid::nil()).await.unwrap(), None);
    assert_eq!(
        users.find_by_identifier(&context, "nobody").await.unwrap(),
        None
    );
    let error = Repository::<Author>::new(database)
        .find_by_identifier(&context, "x")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "BAD_USER_INPUT", "{error}");
}

#[tokio::test]
async fn find_many_and_count_match_the_normalized_tables() {
    let (_db, client, database) = blog().await;
    let users = Repository::<User>::new(database);
    let context = RequestContext::new();

    let got = users
        .find_many(
            &context,
            FindMany::new()
                .filter(User::filter().age().gte(30))
                .order(User::order().name().desc())
                .limit(3)
                .offset(1),
        )
        .await
        .unwrap();
    let want = plain_users(
        &client,
        "WHERE age >= 30 ORDER BY name COLLATE \"C\" DESC LIMIT 3 OFFSET 1",
    )
    .await;
    assert_eq!(got, want);
    assert!(!got.is_empty());

    let nulls_first = users
        .find_many(
            &context,
            FindMany::new()
                .order(User::order().age().asc().nulls_first())
                .order(User::order().identifier().asc()),
        )
        .await
        .unwrap();
    assert_eq!(
        nulls_first,
        plain_users(
            &client,
            "ORDER BY age ASC NULLS FIRST, identifier COLLATE \"C\""
        )
        .await
    );

    let count = users
        .count(
            &context,
            User::filter()
                .name()
                .icontains("a")
                .and(User::filter().age().is_null(false)),
        )
        .await
        .unwrap();
    let plain: i64 = client
        .query_one(
            "SELECT count(*) FROM tb_user WHERE name ILIKE '%a%' AND age IS NOT NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, plain);
    assert!(count > 0);
}

#[tokio::test]
async fn embedded_documents_match_the_joins() {
    let (_db, client, database) = blog().await;
    let posts = Repository::<Post>::new(database);
    let all = posts
        .find_many(
            &RequestContext::new(),
            FindMany::new().order(Post::order().identifier().asc()),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 24);
    for post in &all {
        let row = client
            .query_one(
                "SELECT p.title, p.tags, p.published, a.id, a.name FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author WHERE p.id = $1",
                &[&post.id],
            )
            .await
            .unwrap();
        assert_eq!(post.title, row.get::<_, String>(0));
        assert_eq!(post.tags, row.get::<_, Vec<String>>(1));
        assert_eq!(post.published, row.get::<_, bool>(2));
        assert_eq!(
            post.author,
            Author {
                id: row.get(3),
                name: row.get(4)
            }
        );
        let comments: Vec<(Uuid, String, String)> = client
            .query(
                "SELECT c.id, c.content, u.name FROM tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post
                 JOIN tb_user u ON u.pk_user = c.fk_author WHERE p.id = $1 ORDER BY c.created_at, c.pk_comment",
                &[&post.id],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let got: Vec<(Uuid, String, String)> = post
            .comments
            .iter()
            .map(|c| (c.id, c.content.clone(), c.author.name.clone()))
            .collect();
        assert_eq!(got, comments, "comments of {}", post.identifier);
    }
    // Filters reach into embedded objects and lists.
    let by_ada = posts
        .count(
            &RequestContext::new(),
            Post::filter().author().name().eq("Ada Lovelace"),
        )
        .await
        .unwrap();
    let plain: i64 = client
        .query_one("SELECT count(*) FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author WHERE a.name = 'Ada Lovelace'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(by_ada, plain);
    let with_unicode_comment = posts
        .count(
            &RequestContext::new(),
            Post::filter()
                .comments()
                .any(|c| c.content().contains("ünïcödé")),
        )
        .await
        .unwrap();
    let plain: i64 = client
        .query_one(
            "SELECT count(DISTINCT fk_post) FROM tb_comment WHERE content LIKE '%ünïcödé%'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(with_unicode_comment, plain);
}

#[tokio::test]
async fn connections_walk_both_ways_without_loss() {
    let (_db, client, database) = blog().await;
    let posts = Repository::<Post>::new(database);
    let context = RequestContext::new();
    let expected: Vec<Uuid> = client
        .query(
            "SELECT id FROM tb_post WHERE published ORDER BY created_at DESC, id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let filter = Post::filter().published().eq(true);
    let order = [Post::order().created_at().desc()];
    for forwards in [true, false] {
        let pages = support::walk(&posts, &context, &filter, &order, 4, forwards, 10).await;
        assert_eq!(pages.len(), expected.len().div_ceil(4));
        let mut seen = Vec::new();
        for page in &pages {
            assert_eq!(page.total_count, expected.len() as i64);
            let ids = page.edges.iter().map(|e| e.node.id);
            // Backward pages arrive last page first, each in order.
            if forwards {
                seen.extend(ids);
            } else {
                seen.splice(0..0, ids);
            }
        }
        assert_eq!(seen, expected, "forwards: {forwards}");
    }

    let tampered = posts
        .connection(
            &context,
            filter,
            order.to_vec(),
            Page::Forward {
                first: 4,
                after: Some("x.y".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(tampered.code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_request_context_reaches_row_level_security_and_never_leaks() {
    let (db, client, _) = blog().await;
    // One connection, so consecutive requests share it.
    let (database, role) = support::secured_blog(&db, &client, 1).await;
    let users = Repository::<User>::new(database);
    let (tenant_a, tenant_b) = (support::TENANT_A, support::TENANT_B);
    for tenant in [tenant_a, tenant_b, tenant_a] {
        let context = RequestContext::new().tenant_id(tenant);
        let seen = users.find_many(&context, FindMany::new()).await.unwrap();
        let plain: i64 = client
            .query_one(
                "SELECT count(*) FROM tb_user WHERE tenant_id = $1",
                &[&tenant],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(seen.len() as i64, plain);
        assert!(
            seen.iter().all(|u| u.tenant_id == tenant),
            "only the tenant's rows"
        );
        assert_eq!(
            users
                .count(&context, fraiseql::sql::Filter::all())
                .await
                .unwrap(),
            plain
        );
        // The next request on the same connection without a tenant sees nothing.
        let none = users
            .find_many(&RequestContext::new(), FindMany::new())
            .await
            .unwrap();
        assert!(none.is_empty(), "settings survived into the next request");
    }
    // Another tenant's row is invisible even by its key.
    let b_user: Uuid = client
        .query_one(
            "SELECT id FROM tb_user WHERE tenant_id = $1 LIMIT 1",
            &[&tenant_b],
        )
        .await
        .unwrap()
        .get(0);
    let as_a = RequestContext::new().tenant_id(tenant_a);
    assert_eq!(users.find_by_id(&as_a, b_user).await.unwrap(), None);
    support::drop_role(&db, &role).await;
}

#[tokio::test]
async fn timeouts_bad_settings_and_unavailable_databases_are_coded_errors() {
    let (db, client, database) = blog().await;
    client
        .batch_execute("CREATE VIEW tv_slow AS SELECT u.id, u.identifier, u.tenant_id, u.data FROM tv_user u, LATERAL pg_sleep(0.2)")
        .await
        .unwrap();
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_slow")]
    struct Slow {
        #[allow(dead_code)]
        id: Uuid,
    }
    let slow = Repository::<Slow>::new(
        database
            .clone()
            .with_statement_timeout(std::time::Duration::from_millis(50)),
    );
    let Err(error) = slow
        .find_many(&RequestContext::new(), FindMany::new())
        .await
    else {
        panic!("a 200 ms statement finished under a 50 ms timeout");
    };
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert_eq!(error.code(), "TIMEOUT");
    // A request's own limit overrides the database's, both ways; zero is the shortest limit,
    // never "no limit".
    let patient = database
        .clone()
        .with_statement_timeout(std::time::Duration::from_secs(10));
    let slow_rows = Repository::<Slow>::new(patient);
    for (timeout, finishes) in [
        (Some(50), false),
        (Some(0), false),
        (Some(5_000), true),
        (None, true),
    ] {
        let mut request = RequestContext::new();
        if let Some(ms) = timeout {
            request = request.with_statement_timeout(std::time::Duration::from_millis(ms));
        }
        let result = slow_rows
            .find_many(&request, FindMany::new().limit(1))
            .await;
        match result {
            Ok(rows) => assert!(finishes && rows.len() == 1, "{timeout:?}"),
            Err(error) => assert!(
                !finishes && error.code() == "TIMEOUT",
                "{timeout:?}: {error:?}"
            ),
        }
    }
    // The same connection serves the next request normally.
    let users = Repository::<User>::new(database.clone());
    assert_eq!(
        users
            .count(&RequestContext::new(), fraiseql::sql::Filter::all())
            .await
            .unwrap(),
        8
    );

    let nul = RequestContext::new().tenant_id("a\0b");
    assert_eq!(
        users
            .count(&nul, fraiseql::sql::Filter::all())
            .await
            .unwrap_err()
            .code(),
        "BAD_USER_INPUT"
    );

    let regex = users
        .count(
            &RequestContext::new(),
            User::filter().name().matches("(unclosed"),
        )
        .await
        .unwrap_err();
    assert_eq!(regex.code(), "BAD_USER_INPUT", "{regex:?}");
    assert!(!regex.to_string().contains("SELECT"));

    let mut nowhere = tokio_postgres::Config::new();
    nowhere
        .host_path("/nonexistent/socket/dir")
        .user("postgres")
        .dbname(db.name());
    let unreachable = Repository::<User>::new(Database::connect(nowhere, 1).unwrap());
    let error = unreachable
        .count(&RequestContext::new(), fraiseql::sql::Filter::all())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "DATABASE_UNAVAILABLE", "{error:?}");
    assert_eq!(error.to_string(), "the database is unavailable");
}

/// Cursors hold sort values as PostgreSQL text; a server whose defaults print floats short
/// (`extra_float_digits = 0`) or dates in another style must not lose or repeat rows.
#[tokio::test]
async fn cursors_survive_server_output_settings() {
    #[derive(FraiseType, Debug, PartialEq)]
    struct Metric {
        id: Uuid,
        value: f64,
        day: chrono::NaiveDate,
    }
    let db = fraiseql_tempdb::TestDb::new().await.unwrap();
    db.execute_script(&format!(
        "ALTER DATABASE \"{0}\" SET extra_float_digits = 0;
         ALTER DATABASE \"{0}\" SET DateStyle = 'SQL, DMY';
         CREATE TABLE tv_metric (id uuid PRIMARY KEY, data jsonb NOT NULL);
         -- Values that differ only beyond 15 significant digits, and dates around month ends.
         INSERT INTO tv_metric SELECT md5(i::text)::uuid,
             jsonb_build_object('id', md5(i::text)::uuid, 'value', 0.1 + 0.2 + i * 1e-16,
                                'day', (date '2024-01-30' + (i % 4))::text)
         FROM generate_series(1, 12) AS i;",
        db.name()
    ))
    .await
    .unwrap();
    let metrics = Repository::<Metric>::new(Database::connect(db.config(), 1).unwrap());
    let context = RequestContext::new();
    for order in [Metric::order().value().asc(), Metric::order().day().desc()] {
        let filter = fraiseql::sql::Filter::all();
        // One row a page; a cursor reading back a rounded value would stall or cycle.
        let pages = support::walk(
            &metrics,
            &context,
            &filter,
            std::slice::from_ref(&order),
            1,
            true,
            13,
        )
        .await;
        let seen: Vec<Uuid> = pages
            .iter()
            .flat_map(|p| &p.edges)
            .map(|e| e.node.id)
            .collect();
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            (seen.len(), unique.len()),
            (12, 12),
            "{order:?}: every row exactly once"
        );
    }
}
