//! Mutations from application code (`Repository::mutate`) on the blog's `fn_*` functions:
//! typed successes read back, refusals by status, database errors as stable codes with nothing
//! leaked and nothing written, and row-level security on writes.

use fraiseql::{FraiseInput, FraiseType, MutationOutcome, Repository, RequestContext};
use serde_json::json;
use tokio_postgres::Client;
use uuid::Uuid;

mod support;
use support::{TENANT_A, TENANT_B, drop_role, secured_blog};

/// A user as `tv_user`'s document holds it (no column fields: mutation functions return the
/// document).
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_user")]
struct Member {
    id: Uuid,
    identifier: String,
    name: String,
    email: String,
    age: Option<i32>,
}

/// `fn_create_user`'s input, typed.
#[derive(FraiseInput)]
struct CreateUserInput {
    identifier: String,
    name: String,
    email: String,
    age: Option<i32>,
}

async fn blog() -> (fraiseql_tempdb::TestDb, Client) {
    support::blog_with_mutations_db().await
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

fn as_tenant(tenant: Uuid) -> RequestContext {
    RequestContext::new().tenant_id(tenant)
}

#[tokio::test]
async fn successes_carry_the_refreshed_entity_and_later_reads_see_it() {
    let (db, _client) = blog().await;
    let members = Repository::<Member>::new(fraiseql::Database::connect(db.config(), 2).unwrap());
    let context = as_tenant(TENANT_A);
    let input = CreateUserInput {
        identifier: "user-new".into(),
        name: "Niklaus Wirth".into(),
        email: "nw@example.com".into(),
        age: Some(89),
    };
    let created = members
        .mutate(&context, "fn_create_user", &input)
        .await
        .unwrap();
    let MutationOutcome::Success(created) = created else {
        panic!("{created:?}")
    };
    assert_eq!(created.status, "success:created");
    let member = created.entity.clone().unwrap();
    assert_eq!(Some(member.id), created.entity_id);
    assert_eq!(
        (member.name.as_str(), member.age),
        ("Niklaus Wirth", Some(89))
    );
    // The next request reads the same document.
    let read = members.find_by_id(&context, member.id).await.unwrap();
    assert_eq!(read, Some(member.clone()));

    let updated = members
        .mutate(
            &context,
            "public.fn_update_user",
            &json!({"id": member.id, "email": "wirth@example.com"}),
        )
        .await
        .unwrap();
    let MutationOutcome::Success(updated) = updated else {
        panic!("{updated:?}")
    };
    assert_eq!(updated.updated_fields, ["email"]);
    assert_eq!(updated.entity.unwrap().email, "wirth@example.com");
}

#[tokio::test]
async fn refusals_name_their_code_and_field_errors() {
    let (db, _client) = blog().await;
    let members = Repository::<Member>::new(fraiseql::Database::connect(db.config(), 1).unwrap());
    let context = as_tenant(TENANT_A);
    for (function, input, code) in [
        (
            "fn_create_user",
            json!({"identifier": "x", "name": "", "email": "nope"}),
            "VALIDATION",
        ),
        (
            "fn_create_user",
            json!({"identifier": "user-1", "name": "Dup", "email": "d@example.com"}),
            "CONFLICT",
        ),
        (
            "fn_update_user",
            json!({"id": Uuid::nil(), "name": "Ghost"}),
            "NOT_FOUND",
        ),
    ] {
        let outcome = members.mutate(&context, function, &input).await.unwrap();
        let MutationOutcome::Refused(refusal) = outcome else {
            panic!("{function}: {outcome:?}")
        };
        assert_eq!(refusal.code, code, "{refusal:?}");
        assert!(refusal.message.is_some());
        if code == "VALIDATION" {
            let fields: Vec<_> = refusal
                .field_errors
                .iter()
                .map(|e| e.field.as_str())
                .collect();
            assert_eq!(fields, ["name", "email"]);
            assert_eq!(refusal.field_errors[1].code.as_deref(), Some("invalid"));
        }
    }
    // Without a tenant the function itself refuses.
    let outcome = members
        .mutate(
            &RequestContext::new(),
            "fn_create_user",
            &json!({"identifier": "t", "name": "T", "email": "t@example.com"}),
        )
        .await
        .unwrap();
    assert!(
        matches!(&outcome, MutationOutcome::Refused(r) if r.code == "FORBIDDEN"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn database_errors_are_stable_codes_and_roll_everything_back() {
    let (db, client) = blog().await;
    client
        .batch_execute(
            "ALTER TABLE tb_user ADD CONSTRAINT age_is_positive CHECK (age >= 0);
             CREATE FUNCTION fn_duplicate_user(input jsonb) RETURNS fraiseql_mutation_result
             LANGUAGE sql AS $$
                 INSERT INTO tb_user (id, identifier, tenant_id, name, email, created_at)
                 SELECT id, identifier || '-copy', tenant_id, name, email, now() FROM tb_user
                 WHERE identifier = input->>'identifier'
                 RETURNING fraiseql_refusal('unreachable', 'a copy was made')
             $$;
             CREATE FUNCTION fn_lock_post(input jsonb) RETURNS fraiseql_mutation_result
             LANGUAGE plpgsql AS $$ BEGIN
                 UPDATE tb_user SET name = 'changed' WHERE identifier = 'user-1';
                 RAISE EXCEPTION 'the post is locked' USING HINT = 'LOCKED';
             END $$;
             CREATE FUNCTION fn_broken(input jsonb) RETURNS fraiseql_mutation_result
             LANGUAGE plpgsql AS $$ BEGIN
                 UPDATE tb_user SET name = 'changed' WHERE identifier = 'user-1';
                 RAISE EXCEPTION 'secret detail: table tb_user, pk 42';
             END $$;
             CREATE FUNCTION fn_slow(input jsonb) RETURNS fraiseql_mutation_result
             LANGUAGE sql AS $$ SELECT fraiseql_refusal('slow', NULL) FROM pg_sleep(2) $$;
             CREATE FUNCTION fn_not_a_result(input jsonb) RETURNS int
             LANGUAGE sql AS $$ SELECT 1 $$;",
        )
        .await
        .unwrap();
    let members = Repository::<Member>::new(fraiseql::Database::connect(db.config(), 1).unwrap());
    let context = as_tenant(TENANT_A);
    let snapshot = "SELECT count(*) * 1000 + sum(length(name)) FROM tb_user";
    let before = count(&client, snapshot).await;
    let with_posts: Uuid = client
        .query_one(
            "SELECT u.id FROM tb_user u JOIN tb_post p ON p.fk_author = u.pk_user LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    for (function, input, code, message) in [
        (
            "fn_duplicate_user",
            json!({"identifier": "user-1"}),
            "CONFLICT",
            "the write conflicts with existing data",
        ),
        (
            "fn_delete_user",
            json!({"id": with_posts}),
            "FOREIGN_KEY",
            "the write breaks a reference between rows",
        ),
        (
            "fn_create_user",
            json!({"identifier": "n", "name": "N", "email": "n@example.com", "age": -1}),
            "VALIDATION",
            "the input is not valid",
        ),
        (
            "fn_create_user",
            json!({"identifier": "n", "name": "N", "email": "n@example.com", "age": "old"}),
            "VALIDATION",
            "the input is not valid",
        ),
        ("fn_lock_post", json!({}), "LOCKED", "the post is locked"),
        (
            "fn_broken",
            json!({}),
            "INTERNAL_SERVER_ERROR",
            "internal error",
        ),
        (
            "fn_not_a_result",
            json!({}),
            "INTERNAL_SERVER_ERROR",
            "internal error",
        ),
        (
            "fn_missing",
            json!({}),
            "INTERNAL_SERVER_ERROR",
            "internal error",
        ),
        ("fn_x; DROP TABLE tb_user", json!({}), "BAD_USER_INPUT", ""),
    ] {
        let error = members
            .mutate(&context, function, &input)
            .await
            .unwrap_err();
        assert_eq!(error.code(), code, "{function}: {error:?}");
        assert!(
            error.to_string().starts_with(message),
            "{function}: {error}"
        );
        assert_eq!(
            count(&client, snapshot).await,
            before,
            "{function} changed data"
        );
    }
    let hurried = context
        .clone()
        .with_statement_timeout(std::time::Duration::from_millis(50));
    let error = members
        .mutate(&hurried, "fn_slow", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "TIMEOUT");
    // The same connection serves the next write normally.
    let outcome = members
        .mutate(
            &context,
            "fn_update_user",
            &json!({"id": with_posts, "age": 50}),
        )
        .await
        .unwrap();
    assert!(
        matches!(outcome, MutationOutcome::Success(_)),
        "{outcome:?}"
    );
}

/// Writes go through the request's row-level security like reads: a tenant cannot change
/// another tenant's rows, and what it creates lands in its own tenant.
#[tokio::test]
async fn writes_obey_row_level_security() {
    let (db, client) = blog().await;
    let (database, role) = secured_blog(&db, &client, 2).await;
    client
        .batch_execute(&format!(
            "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{role}\";
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \"{role}\";"
        ))
        .await
        .unwrap();
    let members = Repository::<Member>::new(database);
    let b_user: Uuid = client
        .query_one(
            "SELECT id FROM tb_user WHERE tenant_id = $1 LIMIT 1",
            &[&TENANT_B],
        )
        .await
        .unwrap()
        .get(0);
    let b_before = count(
        &client,
        "SELECT sum(length(name)) FROM tb_user WHERE tenant_id = 'bbbbbbbb-0000-0000-0000-000000000000'",
    )
    .await;
    for function in ["fn_update_user", "fn_delete_user"] {
        let outcome = members
            .mutate(
                &as_tenant(TENANT_A),
                function,
                &json!({"id": b_user, "name": "Hijacked"}),
            )
            .await
            .unwrap();
        assert!(
            matches!(&outcome, MutationOutcome::Refused(r) if r.code == "NOT_FOUND"),
            "{function}: {outcome:?}"
        );
    }
    let b_after = count(
        &client,
        "SELECT sum(length(name)) FROM tb_user WHERE tenant_id = 'bbbbbbbb-0000-0000-0000-000000000000'",
    )
    .await;
    assert_eq!(b_after, b_before, "tenant B's rows untouched");
    assert!(
        members
            .find_by_id(&as_tenant(TENANT_B), b_user)
            .await
            .unwrap()
            .is_some()
    );

    let outcome = members
        .mutate(
            &as_tenant(TENANT_A),
            "fn_create_user",
            &json!({"identifier": "a-new", "name": "A", "email": "a@example.com"}),
        )
        .await
        .unwrap();
    let MutationOutcome::Success(created) = outcome else {
        panic!("{outcome:?}")
    };
    let id = created.entity_id.unwrap();
    let tenant: Uuid = client
        .query_one("SELECT tenant_id FROM tb_user WHERE id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(tenant, TENANT_A);
    // Tenant B cannot see it, by any read.
    assert_eq!(
        members.find_by_id(&as_tenant(TENANT_B), id).await.unwrap(),
        None
    );
    drop_role(&db, &role).await;
}
