//! `fraiseql codegen functions`: generated SQL loads on a real PostgreSQL, its generated pgTAP
//! tests pass there, concurrent child writes never lose a child from the parent's document,
//! and tables that do not fit are refused with exit 2 and nothing written.

mod support;

use support::{BLOG_TABLES, Scratch, database, fails, fraiseql, ok, pgtap};

/// Generates users, posts (embedding their comments) and comments, loads the SQL, and runs the
/// generated pgTAP tests.
#[tokio::test]
async fn blog_tables_generate_sql_that_loads_and_passes_its_pgtap_tests() {
    let db = database(BLOG_TABLES).await;
    let url = db.connection_string();
    let dir = Scratch::new();
    ok(&fraiseql(
        &dir.0,
        Some(&url),
        &["codegen", "functions", "--table", "tb_user"],
    ));
    let stdout = ok(&fraiseql(
        &dir.0,
        Some(&url),
        &[
            "codegen",
            "functions",
            "--table",
            "tb_post",
            "--embed",
            "fk_author,tb_comment",
        ],
    ));
    assert!(stdout.contains("db/schema/post.sql"), "{stdout}");
    ok(&fraiseql(
        &dir.0,
        Some(&url),
        &["codegen", "functions", "--table", "public.tb_comment"],
    ));
    for entity in ["user", "post", "comment"] {
        db.execute_script(&dir.read(&format!("db/schema/{entity}.sql")))
            .await
            .unwrap_or_else(|e| panic!("{entity}.sql loads: {e:?}"));
    }
    let client = db.connect().await.unwrap();
    for entity in ["user", "post", "comment"] {
        let lines = pgtap(
            &client,
            &dir.read(&format!("db/tests/{entity}.sql")),
            entity,
        )
        .await;
        for expected in [
            "creates a",
            "unknown id",
            "no uuid",
            "deletes a",
            "is what fn_sync_tv_",
        ] {
            assert!(
                lines.iter().any(|l| l.contains(expected)),
                "{entity}: no test of {expected:?}"
            );
        }
    }
    // The statuses are the library's: a user's identifier is taken, an author unknown.
    let post = dir.read("db/tests/post.sql");
    assert!(post.contains("'not_found:author'"), "{post}");
    let user = dir.read("db/tests/user.sql");
    assert!(user.contains("'conflict:identifier'"), "{user}");

    // Documents: camelCase keys, the author embedded, the comments listed.
    client
        .batch_execute(
            "SELECT fn_create_user('{\"identifier\": \"ada\", \"name\": \"Ada\", \"email\": \"ada@x\"}');
             SELECT fn_create_post(jsonb_build_object('identifier', 'p', 'title', 'T',
                 'author_id', (SELECT id FROM tb_user)));
             SELECT fn_create_comment(jsonb_build_object('content', 'first',
                 'post_id', (SELECT id FROM tb_post), 'author_id', (SELECT id FROM tb_user)));",
        )
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT data->'author'->>'name', data->'comments'->0->>'content',
                    data ? 'createdAt', author_id = (SELECT id FROM tb_user)
             FROM tv_post",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0).as_deref(), Some("Ada"));
    assert_eq!(row.get::<_, Option<String>>(1).as_deref(), Some("first"));
    assert!(row.get::<_, bool>(2));
    assert!(row.get::<_, bool>(3));
    // Renaming the user refreshes the documents that embed it.
    client
        .batch_execute(
            "SELECT fn_update_user(jsonb_build_object('id', (SELECT id FROM tb_user), 'name', 'Ada L.'))",
        )
        .await
        .unwrap();
    let names: Vec<Option<String>> = client
        .query(
            "SELECT data->'author'->>'name' FROM tv_post UNION ALL
             SELECT data->'author'->>'name' FROM tv_comment",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, [Some("Ada L.".into()), Some("Ada L.".into())]);
}

/// 50 comments created at once on one post, each in its own transaction and by its own author
/// (so the post is the only document they share): the post's document lists all 50, and
/// every document equals what its fn_sync_tv_* builds from tb_* now.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_child_creations_never_lose_a_child() {
    let db = database(BLOG_TABLES).await;
    let url = db.connection_string();
    let dir = Scratch::new();
    for args in [
        &["codegen", "functions", "--table", "tb_user", "--no-embed"][..],
        &[
            "codegen",
            "functions",
            "--table",
            "tb_post",
            "--embed",
            "fk_author,tb_comment",
        ],
        &["codegen", "functions", "--table", "tb_comment"],
    ] {
        ok(&fraiseql(&dir.0, Some(&url), args));
    }
    for entity in ["user", "post", "comment"] {
        db.execute_script(&dir.read(&format!("db/schema/{entity}.sql")))
            .await
            .unwrap();
    }
    let client = db.connect().await.unwrap();
    client
        .batch_execute(
            "SELECT fn_create_user(jsonb_build_object('identifier', 'u' || n, 'name', 'U' || n,
                                                      'email', n || '@x'))
             FROM generate_series(0, 49) n;
             SELECT fn_create_post(jsonb_build_object('identifier', 'p', 'title', 'T',
                 'author_id', (SELECT id FROM tb_user WHERE identifier = 'u0')));",
        )
        .await
        .unwrap();
    let post: uuid::Uuid = client
        .query_one("SELECT id FROM tb_post", &[])
        .await
        .unwrap()
        .get(0);
    let users: Vec<uuid::Uuid> = client
        .query("SELECT id FROM tb_user ORDER BY pk_user", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // 50 connections first, then every creation released at once.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(50));
    let mut tasks = Vec::new();
    assert_eq!(users.len(), 50);
    for (n, user) in users.into_iter().enumerate() {
        let db_config = db.config();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let (client, connection) = db_config.connect(tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            let input = serde_json::json!({
                "content": format!("comment {n}"), "post_id": post, "author_id": user,
            });
            let statement = client
                .prepare("SELECT (fn_create_comment($1::jsonb)).status")
                .await
                .unwrap();
            barrier.wait().await;
            let row = client.query_one(&statement, &[&input]).await.unwrap();
            row.get::<_, String>(0)
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), "success:created");
    }
    let count: i64 = client
        .query_one(
            "SELECT jsonb_array_length(data->'comments')::bigint FROM tv_post",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 50, "the post's document lists every comment");
    for (tv, tb, sync) in [
        ("tv_user", "tb_user", "fn_sync_tv_user"),
        ("tv_post", "tb_post", "fn_sync_tv_post"),
        ("tv_comment", "tb_comment", "fn_sync_tv_comment"),
    ] {
        assert_fresh(&client, tv, tb, sync).await;
    }
}

/// Asserts that every document of `tv` equals what `sync` builds from `tb` now (and that `tv`
/// holds one document per row of `tb`).
async fn assert_fresh(client: &tokio_postgres::Client, tv: &str, tb: &str, sync: &str) {
    let before = documents(client, tv).await;
    client
        .batch_execute(&format!("SELECT count({sync}(id)) FROM {tb}"))
        .await
        .unwrap();
    let after = documents(client, tv).await;
    assert_eq!(before, after, "{tv} is what {sync} builds from {tb}");
}

/// The documents of `tv` by id.
async fn documents(
    client: &tokio_postgres::Client,
    tv: &str,
) -> Vec<(uuid::Uuid, serde_json::Value)> {
    client
        .query(&format!("SELECT id, data FROM {tv} ORDER BY id"), &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Writes through the generated functions to entities that other documents embed (a user
/// embedded in posts and comments, a comment listed in its post and in its author's document,
/// a post listed in its author's): afterwards every document equals what its fn_sync_tv_*
/// builds from tb_* now.
#[tokio::test]
async fn writes_refresh_every_document_embedding_what_they_change() {
    let db = database(BLOG_TABLES).await;
    let url = db.connection_string();
    let dir = Scratch::new();
    for args in [
        &[
            "codegen",
            "functions",
            "--table",
            "tb_user",
            "--embed",
            "tb_post,tb_comment",
        ][..],
        &[
            "codegen",
            "functions",
            "--table",
            "tb_post",
            "--embed",
            "fk_author,tb_comment",
        ],
        &["codegen", "functions", "--table", "tb_comment"],
    ] {
        ok(&fraiseql(&dir.0, Some(&url), args));
    }
    for entity in ["user", "post", "comment"] {
        db.execute_script(&dir.read(&format!("db/schema/{entity}.sql")))
            .await
            .unwrap();
    }
    let client = db.connect().await.unwrap();
    let user = |n: u32| format!("(SELECT id FROM tb_user WHERE identifier = 'u{n}')");
    let post = |n: u32| format!("(SELECT id FROM tb_post WHERE identifier = 'p{n}')");
    let comment = |n: u32| format!("(SELECT id FROM tb_comment WHERE content = 'c{n}')");
    let mut setup = String::from(
        "SELECT fn_create_user(jsonb_build_object('identifier', 'u' || n, 'name', 'U' || n,
                                                  'email', n || '@x'))
         FROM generate_series(0, 3) n;",
    );
    for p in 0..4 {
        setup.push_str(&format!(
            "SELECT fn_create_post(jsonb_build_object('identifier', 'p{p}', 'title', 'T{p}',
                                                      'author_id', {}));",
            user(p % 2)
        ));
    }
    for c in 0..12 {
        setup.push_str(&format!(
            "SELECT fn_create_comment(jsonb_build_object('content', 'c{c}', 'post_id', {},
                                                         'author_id', {}));",
            post(c % 4),
            user(c % 3 + 1)
        ));
    }
    client.batch_execute(&setup).await.unwrap();
    let writes = [
        // A user who writes posts and comments is renamed.
        format!(
            "fn_update_user(jsonb_build_object('id', {}, 'name', 'Renamed'))",
            user(1)
        ),
        // A post's title changes; a comment's text changes.
        format!(
            "fn_update_post(jsonb_build_object('id', {}, 'title', 'Retitled'))",
            post(2)
        ),
        format!(
            "fn_update_comment(jsonb_build_object('id', {}, 'content', 'c0 edited'))",
            comment(0)
        ),
        // A comment moves to another post and to another author.
        format!(
            "fn_update_comment(jsonb_build_object('id', {}, 'post_id', {}, 'author_id', {}))",
            comment(5),
            post(3),
            user(0)
        ),
        // A post moves to another author; a comment is deleted.
        format!(
            "fn_update_post(jsonb_build_object('id', {}, 'author_id', {}))",
            post(1),
            user(3)
        ),
        format!(
            "fn_delete_comment(jsonb_build_object('id', {}))",
            comment(7)
        ),
    ];
    for write in &writes {
        let status: String = client
            .query_one(&format!("SELECT ({write}).status"), &[])
            .await
            .unwrap()
            .get(0);
        assert!(status.starts_with("success"), "{write}: {status}");
    }
    let renamed: i64 = client
        .query_one(
            "SELECT count(*) FROM tv_comment WHERE data->'author'->>'name' = 'Renamed'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(renamed > 0, "some comment embeds the renamed user");
    for (tv, tb, sync) in [
        ("tv_user", "tb_user", "fn_sync_tv_user"),
        ("tv_post", "tb_post", "fn_sync_tv_post"),
        ("tv_comment", "tb_comment", "fn_sync_tv_comment"),
    ] {
        assert_fresh(&client, tv, tb, sync).await;
    }
}

/// Tables that do not fit: exit 2, a message naming the table and column, nothing written.
#[tokio::test]
async fn tables_that_do_not_fit_are_refused_with_nothing_written() {
    let db = database(
        "CREATE TABLE tb_nopk (id uuid NOT NULL, name text);
         CREATE TABLE tb_pair (pk_a int, pk_b int, id uuid NOT NULL, PRIMARY KEY (pk_a, pk_b));
         CREATE TABLE tb_noid (pk_noid int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
         CREATE TABLE tb_shape (pk_shape int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                id uuid NOT NULL UNIQUE, at point);
         CREATE TABLE thing (pk_thing int PRIMARY KEY, id uuid);
         CREATE TABLE tb_keyed (key text PRIMARY KEY, id uuid);",
    )
    .await;
    let url = db.connection_string();
    let dir = Scratch::new();
    for (table, expected) in [
        ("tb_missing", "table public.tb_missing does not exist"),
        ("tb_nopk", "table public.tb_nopk has no primary key"),
        (
            "tb_pair",
            "table public.tb_pair has a composite primary key (pk_a, pk_b)",
        ),
        ("tb_noid", "table public.tb_noid has no id column"),
        (
            "tb_shape",
            "table public.tb_shape, column at: type point is not supported",
        ),
        (
            "thing",
            "table public.thing: FraiseQL tables are named tb_<entity>",
        ),
        (
            "tb_keyed",
            "table public.tb_keyed, column key: the primary key must be named pk_keyed",
        ),
    ] {
        let stderr = fails(
            &fraiseql(
                &dir.0,
                Some(&url),
                &["codegen", "functions", "--table", table],
            ),
            2,
        );
        assert!(stderr.contains(expected), "{table}: {stderr}");
        assert!(!dir.path("db").exists(), "{table}: something was written");
    }
    // No database given: exit 2 too.
    let stderr = fails(
        &fraiseql(&dir.0, None, &["codegen", "functions", "--table", "tb_x"]),
        2,
    );
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    // An unknown --embed name.
    let stderr = fails(
        &fraiseql(
            &dir.0,
            Some(&url),
            &[
                "codegen",
                "functions",
                "--table",
                "tb_shape",
                "--embed",
                "fk_nothing",
            ],
        ),
        2,
    );
    assert!(
        stderr.contains("column at") || stderr.contains("fk_nothing"),
        "{stderr}"
    );
}

/// Existing files stay unless --force; identifiers that need quoting are quoted.
#[tokio::test]
async fn no_overwrite_without_force_and_quoted_identifiers() {
    let db = database(
        r#"CREATE SCHEMA "My App";
           CREATE TABLE "My App".tb_order (
               pk_order bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
               id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
               "select" text NOT NULL,
               "Group Name" varchar(20),
               "it's" int CHECK ("it's" > 0),
               at timestamp,
               amounts numeric[],
               extra jsonb
           );"#,
    )
    .await;
    let url = db.connection_string();
    let dir = Scratch::new();
    let args = ["codegen", "functions", "--table", "My App.tb_order"];
    ok(&fraiseql(&dir.0, Some(&url), &args));
    let schema = dir.read("db/schema/order.sql");
    assert!(schema.contains(r#""My App"."tv_order""#), "{schema}");
    assert!(schema.contains(r#"t."select""#), "{schema}");
    assert!(schema.contains(r#"'it''s'"#), "{schema}");
    db.execute_script(&schema).await.unwrap();
    let client = db.connect().await.unwrap();
    pgtap(&client, &dir.read("db/tests/order.sql"), "order").await;
    let row = client
        .query_one(
            r#"SELECT (r).status, (r).errors->0->>'field' FROM
               (SELECT "My App".fn_create_order('{"select": "x", "it''s": 0}') AS r) s"#,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "validation:order");
    assert_eq!(row.get::<_, String>(1), "it's");
    let row = client
        .query_one(
            r#"SELECT (r).status, (r).entity->>'groupName', (r).entity->>'select' FROM
               (SELECT "My App".fn_create_order('{"select": "x", "Group Name": "g"}') AS r) s"#,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "success:created");
    assert_eq!(row.get::<_, String>(1), "g");

    // A second run would overwrite: refused, files untouched.
    std::fs::write(dir.path("db/tests/order.sql"), "-- mine").unwrap();
    let stderr = fails(&fraiseql(&dir.0, Some(&url), &args), 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(dir.read("db/tests/order.sql"), "-- mine");
    assert_eq!(dir.read("db/schema/order.sql"), schema);
    // All or nothing: with only the test file in the way, the schema file is not written either.
    std::fs::remove_file(dir.path("db/schema/order.sql")).unwrap();
    let stderr = fails(&fraiseql(&dir.0, Some(&url), &args), 2);
    assert!(stderr.contains("db/tests/order.sql"), "{stderr}");
    assert!(!dir.path("db/schema/order.sql").exists());
    assert_eq!(dir.read("db/tests/order.sql"), "-- mine");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&fraiseql(&dir.0, Some(&url), &forced));
    assert_ne!(dir.read("db/tests/order.sql"), "-- mine");
    assert_eq!(dir.read("db/schema/order.sql"), schema);
}
