//! The SQL side of mutations, tested in plain SQL on a real server: the result type and its
//! constructors, and the blog's `fn_*` functions (writes to `tb_*`, the refreshed `tv_*`
//! document returned, refusals with their status, and all-or-nothing transactions).

use serde_json::{Value as Json, json};
use tokio_postgres::Client;
use uuid::Uuid;

mod support;
use support::TENANT_A;

/// The blog with its mutation functions, and a connection.
async fn blog() -> (fraiseql_tempdb::TestDb, Client) {
    support::blog_with_mutations_db().await
}

/// One result as JSON, from `function(input)` run as tenant A in its own transaction.
async fn call(client: &mut Client, function: &str, input: Json) -> Result<Json, String> {
    let transaction = client.transaction().await.unwrap();
    transaction
        .execute(
            "SELECT set_config('app.tenant_id', $1, true)",
            &[&TENANT_A.to_string()],
        )
        .await
        .unwrap();
    let sql = format!("SELECT to_jsonb(r) FROM {function}($1) AS r");
    match transaction.query_one(&sql, &[&input]).await {
        Ok(row) => {
            transaction.commit().await.unwrap();
            Ok(row.get(0))
        }
        Err(error) => Err(error.as_db_error().map_or_else(
            || error.to_string(),
            |db| format!("{}: {}", db.code().code(), db.message()),
        )),
    }
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn create_update_delete_a_user_and_read_the_writes() {
    let (_db, mut client) = blog().await;
    let created = call(
        &mut client,
        "fn_create_user",
        json!({"identifier": "user-new", "name": "Niklaus Wirth", "email": "nw@example.com", "age": 89}),
    )
    .await
    .unwrap();
    assert_eq!(created["status"], "success:created");
    let id: Uuid = created["entity_id"].as_str().unwrap().parse().unwrap();
    // The returned document is the refreshed tv_user row, and tb_user holds the write.
    let stored: Json = client
        .query_one("SELECT data FROM tv_user WHERE id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(created["entity"], stored);
    assert_eq!(stored["name"], "Niklaus Wirth");
    let (tenant, age): (Uuid, Option<i32>) = client
        .query_one("SELECT tenant_id, age FROM tb_user WHERE id = $1", &[&id])
        .await
        .map(|row| (row.get(0), row.get(1)))
        .unwrap();
    assert_eq!((tenant, age), (TENANT_A, Some(89)));

    let updated = call(
        &mut client,
        "fn_update_user",
        json!({"id": id, "name": "N. Wirth", "age": null}),
    )
    .await
    .unwrap();
    assert_eq!(updated["status"], "success");
    assert_eq!(updated["updated_fields"], json!(["age", "name"]));
    assert_eq!(updated["entity"]["name"], "N. Wirth");
    assert_eq!(updated["entity"]["age"], Json::Null);
    assert_eq!(updated["entity"]["email"], "nw@example.com", "untouched");

    let deleted = call(&mut client, "fn_delete_user", json!({"id": id}))
        .await
        .unwrap();
    assert_eq!(deleted["status"], "success:deleted");
    assert_eq!(deleted["entity"]["name"], "N. Wirth", "the last document");
    for table in ["tb_user", "tv_user"] {
        let left = client
            .query_one(
                &format!("SELECT count(*) FROM {table} WHERE id = $1"),
                &[&id],
            )
            .await
            .unwrap()
            .get::<_, i64>(0);
        assert_eq!(left, 0, "{table}");
    }
}

#[tokio::test]
async fn refusals_carry_their_status_and_change_nothing() {
    let (_db, mut client) = blog().await;
    let before = count(&client, "SELECT count(*) FROM tb_user").await;
    for (function, input, status) in [
        (
            "fn_create_user",
            json!({"identifier": "x", "name": "", "email": "nope"}),
            "validation:user",
        ),
        (
            "fn_create_user",
            json!({"identifier": "user-1", "name": "Dup", "email": "d@x.y"}),
            "conflict:identifier",
        ),
        (
            "fn_update_user",
            json!({"id": Uuid::nil(), "name": "Ghost"}),
            "not_found:user",
        ),
        (
            "fn_delete_user",
            json!({"id": Uuid::nil()}),
            "not_found:user",
        ),
        (
            "fn_create_post",
            json!({"identifier": "p", "title": "T", "author_id": Uuid::nil()}),
            "not_found:author",
        ),
    ] {
        let result = call(&mut client, function, input).await.unwrap();
        assert_eq!(result["status"], status, "{function}: {result}");
        assert!(
            result["message"].is_string() && result["entity_id"].is_null(),
            "{result}"
        );
    }
    let invalid = call(
        &mut client,
        "fn_create_user",
        json!({"identifier": "x", "name": "", "email": "nope"}),
    )
    .await
    .unwrap();
    let fields: Vec<&str> = invalid["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email"]);
    assert_eq!(count(&client, "SELECT count(*) FROM tb_user").await, before);
}

#[tokio::test]
async fn a_new_post_embeds_its_author_and_an_author_change_reaches_its_posts() {
    let (_db, mut client) = blog().await;
    let author: Uuid = client
        .query_one("SELECT id FROM tb_user WHERE identifier = 'user-2'", &[])
        .await
        .unwrap()
        .get(0);
    let post = call(
        &mut client,
        "fn_create_post",
        json!({"identifier": "post-new", "title": "Ünïcode ✓", "author_id": author, "tags": ["a", "b"]}),
    )
    .await
    .unwrap();
    assert_eq!(post["status"], "success:created");
    assert_eq!(post["entity"]["title"], "Ünïcode ✓");
    assert_eq!(post["entity"]["tags"], json!(["a", "b"]));
    assert_eq!(post["entity"]["author"]["id"], json!(author));
    call(
        &mut client,
        "fn_update_user",
        json!({"id": author, "name": "Renamed"}),
    )
    .await
    .unwrap();
    let stale = count(
        &client,
        "SELECT count(*) FROM tv_post p JOIN tb_post t USING (id) JOIN tb_user u ON u.pk_user = t.fk_author
         WHERE p.data->'author'->>'name' IS DISTINCT FROM u.name",
    )
    .await;
    assert_eq!(stale, 0, "every post shows its author's current name");
}

#[tokio::test]
async fn a_failure_anywhere_rolls_everything_back() {
    let (_db, mut client) = blog().await;
    let users = count(&client, "SELECT count(*) FROM tb_user").await;
    let documents = count(&client, "SELECT count(*) FROM tv_user").await;
    // A user with posts cannot be deleted: the foreign key raises, nothing is removed.
    let with_posts: Uuid = client
        .query_one(
            "SELECT u.id FROM tb_user u JOIN tb_post p ON p.fk_author = u.pk_user LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let error = call(&mut client, "fn_delete_user", json!({"id": with_posts}))
        .await
        .unwrap_err();
    assert!(error.starts_with("23503"), "{error}");
    // A refresh that raises after tb_user was written leaves tb_user as it was.
    client
        .batch_execute(
            "CREATE OR REPLACE FUNCTION fn_sync_tv_user(p_id uuid) RETURNS void LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'refresh failed' USING ERRCODE = 'P0001'; END $$;",
        )
        .await
        .unwrap();
    let error = call(
        &mut client,
        "fn_create_user",
        json!({"identifier": "user-x", "name": "X", "email": "x@example.com"}),
    )
    .await
    .unwrap_err();
    assert!(error.contains("refresh failed"), "{error}");
    assert_eq!(count(&client, "SELECT count(*) FROM tb_user").await, users);
    assert_eq!(
        count(&client, "SELECT count(*) FROM tv_user").await,
        documents
    );
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM tb_user WHERE identifier = 'user-x'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_constructors_fill_the_result_type() {
    let (_db, client) = blog().await;
    let row = client
        .query_one(
            "SELECT to_jsonb(fraiseql_success('00000000-0000-0000-0000-000000000001', '{\"a\": 1}', 'ok', ARRAY['a'])),
                    to_jsonb(fraiseql_refusal('conflict:email', 'taken', '[{\"field\": \"email\"}]'))",
            &[],
        )
        .await
        .unwrap();
    let (success, refusal): (Json, Json) = (row.get(0), row.get(1));
    assert_eq!(
        success,
        json!({"status": "success", "message": "ok", "entity_id": "00000000-0000-0000-0000-000000000001",
               "entity": {"a": 1}, "updated_fields": ["a"], "errors": null})
    );
    assert_eq!(
        refusal,
        json!({"status": "conflict:email", "message": "taken", "entity_id": null, "entity": null,
               "updated_fields": null, "errors": [{"field": "email"}]})
    );
}
