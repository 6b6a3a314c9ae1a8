//! Row-level security through every read path: policies on every `tb_*` and `tv_*` table read
//! `app.tenant_id`, the pool logs in as a role without BYPASSRLS, and each answer is checked row
//! by row against plain SQL over the normalized tables. Tenant A never sees tenant B's rows, a
//! request without a tenant sees none, and nothing survives into the next request on a
//! connection, also under hundreds of interleaved concurrent requests.

use std::collections::BTreeSet;
use std::sync::Arc;

use fraiseql::graphql::{Context, Limits, Schema, SchemaBuilder};
use fraiseql::sql::Filter;
use fraiseql::{FindMany, Repository, RequestContext};
use juniper::Variables;
use serde_json::{Value as Json, json};
use tokio_postgres::Client;
use uuid::Uuid;

mod support;
use support::{Post, TENANT_A, TENANT_B, User, blog_db, drop_role, secured_blog};

/// What a tenant may see, from plain SQL over `tb_*` as the owner (policies do not apply).
#[derive(Debug, Clone, PartialEq)]
struct Visible {
    users: BTreeSet<String>,
    posts: BTreeSet<String>,
}

async fn visible(client: &Client, tenant: Option<Uuid>) -> Visible {
    let set = |sql: &'static str| async move {
        client
            .query(sql, &[&tenant])
            .await
            .unwrap()
            .iter()
            .map(|row| row.get::<_, String>(0))
            .collect::<BTreeSet<_>>()
    };
    Visible {
        users: set("SELECT identifier FROM tb_user WHERE tenant_id = $1").await,
        posts: set("SELECT p.identifier FROM tb_post p \
                    JOIN tb_user u ON u.pk_user = p.fk_author WHERE u.tenant_id = $1")
        .await,
    }
}

fn context_for(tenant: Option<Uuid>) -> RequestContext {
    match tenant {
        Some(tenant) => RequestContext::new().tenant_id(tenant),
        None => RequestContext::new(),
    }
}

fn schema() -> Schema {
    SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        // `EVERY_PATH` reads every row through pages of 1,000 (complexity 7,608).
        .limits(Limits {
            max_complexity: 10_000,
            ..Limits::default()
        })
        .build()
        .unwrap()
}

/// Every root path in one operation: list, connection with `totalCount`, nested documents, and
/// a connection read backwards.
const EVERY_PATH: &str = r#"{
  users(orderBy: [{field: IDENTIFIER}]) { identifier tenantId }
  usersConnection(first: 1000) { totalCount edges { node { identifier tenantId } } }
  posts(orderBy: [{field: IDENTIFIER}]) { identifier author { name } comments { content } }
  postsConnection(last: 1000) { totalCount edges { cursor node { identifier } } }
}"#;

fn identifiers(list: &Json, path: &[&str]) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|item| {
            let value = path.iter().fold(item, |value, key| &value[key]);
            value["identifier"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Checks one `EVERY_PATH` response row by row against what `tenant` may see.
fn check_every_path(response: &str, tenant: Option<Uuid>, expected: &Visible) {
    let response: Json = serde_json::from_str(response).unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    let data = &response["data"];
    let tenant_text = tenant.map(|t| t.to_string());
    for user in data["users"]
        .as_array()
        .unwrap()
        .iter()
        .chain(data["usersConnection"]["edges"].as_array().unwrap())
    {
        let user = user.get("node").unwrap_or(user);
        assert_eq!(
            user["tenantId"].as_str(),
            tenant_text.as_deref(),
            "{tenant:?} saw {user}"
        );
    }
    assert_eq!(identifiers(&data["users"], &[]), expected.users);
    let connection = &data["usersConnection"];
    assert_eq!(identifiers(&connection["edges"], &["node"]), expected.users);
    assert_eq!(connection["totalCount"], expected.users.len());
    assert_eq!(identifiers(&data["posts"], &[]), expected.posts);
    let posts = &data["postsConnection"];
    assert_eq!(identifiers(&posts["edges"], &["node"]), expected.posts);
    assert_eq!(posts["totalCount"], expected.posts.len());
}

async fn every_user_id(client: &Client) -> Vec<(Uuid, Uuid, String)> {
    client
        .query("SELECT id, tenant_id, identifier FROM tb_user", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

#[tokio::test]
async fn every_read_path_sees_only_the_requests_tenant() {
    let (db, client) = blog_db().await;
    let (database, role) = secured_blog(&db, &client, 2).await;
    let schema = schema();
    let users = Repository::<User>::new(database.clone());
    let everyone = every_user_id(&client).await;
    // The fixture has rows in both tenants; without them the checks below prove nothing.
    for tenant in [TENANT_A, TENANT_B] {
        let expected = visible(&client, Some(tenant)).await;
        assert!(!expected.users.is_empty() && !expected.posts.is_empty());
    }

    for tenant in [Some(TENANT_A), Some(TENANT_B), None, Some(TENANT_A)] {
        let expected = visible(&client, tenant).await;
        let context = Context::new(database.clone(), context_for(tenant));
        let request = context_for(tenant);

        // GraphQL, one statement for every root path.
        let response =
            fraiseql::graphql::execute(&schema, EVERY_PATH, None, &Variables::new(), &context)
                .await;
        check_every_path(response.body(), tenant, &expected);
        // juniper's own executor (one statement per root field) goes through the same door.
        let (data, errors) =
            juniper::execute(EVERY_PATH, None, &schema, &Variables::new(), &context)
                .await
                .unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let body = json!({ "data": data }).to_string();
        check_every_path(&body, tenant, &expected);

        // Single objects by id and identifier, with variables: only the tenant's own.
        for (id, owner, identifier) in &everyone {
            let byid = fraiseql::graphql::execute(
                &schema,
                "query ($id: ID) { byId: user(id: $id) { identifier } }",
                None,
                &serde_json::from_value(json!({ "id": id })).unwrap(),
                &context,
            )
            .await;
            let byid: Json = serde_json::from_str(byid.body()).unwrap();
            let mine = tenant == Some(*owner);
            let seen = if mine {
                json!({ "identifier": identifier })
            } else {
                Json::Null
            };
            assert_eq!(
                byid["data"]["byId"], seen,
                "{tenant:?} {identifier}: {byid}"
            );
            let by_identifier = fraiseql::graphql::execute(
                &schema,
                "query ($identifier: String) { user(identifier: $identifier) { identifier } }",
                None,
                &serde_json::from_value(json!({ "identifier": identifier })).unwrap(),
                &context,
            )
            .await;
            let by_identifier: Json = serde_json::from_str(by_identifier.body()).unwrap();
            assert_eq!(by_identifier["data"]["user"], seen, "{by_identifier}");
            // Repositories.
            let found = users.find_by_id(&request, *id).await.unwrap();
            assert_eq!(
                found.map(|u| u.identifier),
                mine.then(|| identifier.clone())
            );
            let found = users
                .find_by_identifier(&request, identifier)
                .await
                .unwrap();
            assert_eq!(found.is_some(), mine);
        }
        let listed = users.find_many(&request, FindMany::new()).await.unwrap();
        let listed: BTreeSet<String> = listed.into_iter().map(|u| u.identifier).collect();
        assert_eq!(listed, expected.users);
        let counted = users.count(&request, Filter::all()).await.unwrap();
        assert_eq!(counted, expected.users.len() as i64);
        // A connection walked page by page.
        let order = [User::order().identifier().asc()];
        let pages = support::walk(&users, &request, &Filter::all(), &order, 2, true, 10).await;
        let mut walked = BTreeSet::new();
        for page in &pages {
            assert_eq!(page.total_count, expected.users.len() as i64);
            for edge in &page.edges {
                assert!(walked.insert(edge.node.identifier.clone()), "repeated");
            }
        }
        assert_eq!(walked, expected.users);
    }
    drop_role(&db, &role).await;
}

/// Hundreds of requests from two tenants and from no tenant, interleaved over a pool of three
/// connections (so each connection serves all three in turn): every answer holds exactly its
/// tenant's rows, and afterwards no connection carries a setting.
#[tokio::test]
async fn concurrent_requests_over_shared_connections_never_leak() {
    let (db, client) = blog_db().await;
    let (database, role) = secured_blog(&db, &client, 3).await;
    let schema = Arc::new(schema());
    let tenants = [Some(TENANT_A), Some(TENANT_B), None];
    let mut expected = Vec::new();
    for tenant in tenants {
        expected.push(visible(&client, tenant).await);
    }
    let expected = Arc::new(expected);

    let mut requests = tokio::task::JoinSet::new();
    for i in 0..300 {
        let (schema, database, expected) = (schema.clone(), database.clone(), expected.clone());
        requests.spawn(async move {
            let which = (i * 7) % 3; // interleaves the tenants
            let tenant = tenants[which];
            let context = Context::new(database, context_for(tenant));
            let response =
                fraiseql::graphql::execute(&schema, EVERY_PATH, None, &Variables::new(), &context)
                    .await;
            check_every_path(response.body(), tenant, &expected[which]);
            which
        });
    }
    let mut served = [0; 3];
    while let Some(which) = requests.join_next().await {
        served[which.expect("a request panicked")] += 1;
    }
    assert_eq!(served, [100, 100, 100]);

    // Every pooled connection, held at once: no setting outlived its transaction.
    let mut connections = Vec::new();
    for _ in 0..3 {
        connections.push(database.pool().get().await.unwrap());
    }
    for connection in &connections {
        let row = connection
            .query_one(
                "SELECT current_setting('app.tenant_id', true), current_user::text,
                        (SELECT count(*) FROM tv_user)",
                &[],
            )
            .await
            .unwrap();
        let setting: Option<String> = row.get(0);
        assert!(
            setting.as_deref().is_none_or(str::is_empty),
            "{setting:?} survived"
        );
        assert_eq!(row.get::<_, String>(1), role);
        assert_eq!(row.get::<_, i64>(2), 0, "no tenant, no rows");
    }
    drop(connections);
    drop_role(&db, &role).await;
}

/// Without a tenant every path answers with nothing — never with everything — and a tenant
/// that does not exist is the same.
#[tokio::test]
async fn a_request_without_a_tenant_gets_no_rows() {
    let (db, client) = blog_db().await;
    let (database, role) = secured_blog(&db, &client, 1).await;
    let schema = schema();
    let nobody = Visible {
        users: BTreeSet::new(),
        posts: BTreeSet::new(),
    };
    for request in [
        RequestContext::new(),
        RequestContext::new().tenant_id(Uuid::nil()),
        RequestContext::new().tenant_id(""),
    ] {
        let context = Context::new(database.clone(), request.clone());
        let response =
            fraiseql::graphql::execute(&schema, EVERY_PATH, None, &Variables::new(), &context)
                .await;
        let tenant = request.get("app.tenant_id").and_then(|t| t.parse().ok());
        check_every_path(response.body(), tenant, &nobody);
    }
    // A tenant id that is not a UUID fails the policy's cast: the application's own setting is
    // wrong, so an internal error (logged), not rows and not SQL.
    let context = Context::new(
        database.clone(),
        RequestContext::new().tenant_id("not-a-uuid"),
    );
    let response =
        fraiseql::graphql::execute(&schema, EVERY_PATH, None, &Variables::new(), &context).await;
    let response: Json = serde_json::from_str(response.body()).unwrap();
    assert_eq!(response["data"], Json::Null, "{response}");
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "INTERNAL_SERVER_ERROR",
        "{response}"
    );
    assert!(!response.to_string().contains("uuid"), "{response}");
    drop_role(&db, &role).await;
}
