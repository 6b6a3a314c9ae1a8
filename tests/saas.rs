//! The multi-tenant SaaS example (`examples/saas`) over HTTP, as its own axum app serves it:
//! tenant A never reads or writes tenant B's rows through any root field — every query and
//! every mutation the schema has, checked against plain SQL over the normalized tables — and a
//! request without a valid token (none, forged, tampered, expired, unsigned) is refused with
//! `UNAUTHENTICATED` before anything runs.

#[path = "../examples/saas/app.rs"]
mod saas;
mod support;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use saas::auth::{Claims, Keys};
use serde_json::{Value as Json, json};
use support::Reply;
use tokio_postgres::Client;
use uuid::Uuid;

const SECRET: &[u8] = b"the test suite's secret";

/// Every query root field the schema has, and every mutation: the tests below cover exactly
/// these, and fail when the schema gains one they do not.
const QUERY_ROOTS: [&str; 16] = [
    "organisation",
    "organisations",
    "organisationsAggregate",
    "organisationsConnection",
    "project",
    "projects",
    "projectsAggregate",
    "projectsConnection",
    "task",
    "tasks",
    "tasksAggregate",
    "tasksConnection",
    "user",
    "users",
    "usersAggregate",
    "usersConnection",
];
const MUTATION_ROOTS: [&str; 4] = ["createProject", "createTask", "deleteProject", "updateTask"];

/// The example's app on a fresh database, logged in as its role without BYPASSRLS.
struct Fixture {
    db: fraiseql_tempdb::TestDb,
    owner: Client,
    role: String,
    addr: SocketAddr,
    keys: Arc<Keys>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// One organisation as the owner sees it (policies do not apply to the tables' owner).
struct Tenant {
    id: Uuid,
    admin: String,
    member: String,
}

async fn fixture() -> Fixture {
    let db = fraiseql_tempdb::TestDb::new()
        .await
        .expect("a test database");
    let owner = db.connect().await.unwrap();
    let role = saas::app_role(db.name());
    saas::load(&owner, &role).await.expect("the SaaS database");
    let mut config = db.config();
    config.user(&role).password(saas::APP_PASSWORD);
    let database = fraiseql::Database::connect(config, 3).unwrap();
    let keys = Arc::new(Keys::new(SECRET).unwrap());
    let app = saas::router(database, keys.clone(), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    Fixture {
        db,
        owner,
        role,
        addr,
        keys,
        stop: Some(stop),
    }
}

impl Fixture {
    /// The organisation `identifier`, with tokens for its admin and for a member.
    async fn tenant(&self, identifier: &str) -> Tenant {
        let id: Uuid = self
            .owner
            .query_one(
                "SELECT id FROM tb_organisation WHERE identifier = $1",
                &[&identifier],
            )
            .await
            .unwrap()
            .get(0);
        let token = |role: &'static str| async move {
            let user: Uuid = self
                .owner
                .query_one(
                    "SELECT id FROM tb_user WHERE tenant_id = $1 AND role = $2 LIMIT 1",
                    &[&id, &role],
                )
                .await
                .unwrap()
                .get(0);
            self.keys.mint(user, id, &[role], Duration::from_secs(600))
        };
        Tenant {
            id,
            admin: token("admin").await,
            member: token("member").await,
        }
    }

    /// The ids of `table`'s rows in organisation `tenant`, by plain SQL.
    async fn ids(&self, table: &str, tenant: Uuid) -> BTreeSet<String> {
        let column = if table.ends_with("organisation") {
            "id"
        } else {
            "tenant_id"
        };
        let sql = format!("SELECT id::text FROM {table} WHERE {column} = $1");
        let rows = self.owner.query(&sql, &[&tenant]).await.unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    }

    /// Everything of organisation `tenant` in every `tb_*` and `tv_*` table, as text.
    async fn snapshot(&self, tenant: Uuid) -> Vec<String> {
        let mut all = Vec::new();
        for table in ["organisation", "user", "project", "task"] {
            for prefix in ["tb", "tv"] {
                let column = if table == "organisation" && prefix == "tb" {
                    "id"
                } else {
                    "tenant_id"
                };
                let sql = format!(
                    "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), '') \
                     FROM {prefix}_{table} t WHERE {column} = $1"
                );
                all.push(self.owner.query_one(&sql, &[&tenant]).await.unwrap().get(0));
            }
        }
        all
    }

    /// POSTs a GraphQL request with `authorization` as the header's value, if any.
    async fn request(&self, authorization: Option<&str>, query: &str, variables: Json) -> Reply {
        let body = json!({"query": query, "variables": variables}).to_string();
        let mut head = format!(
            "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
            body.len()
        );
        if let Some(value) = authorization {
            head.push_str(&format!("\r\nAuthorization: {value}"));
        }
        support::raw(self.addr, &head, body.as_bytes()).await
    }

    /// A request with `token`, answered 200 without errors: its `data`.
    async fn data(&self, token: &str, query: &str, variables: Json) -> Json {
        let reply = self
            .request(Some(&format!("Bearer {token}")), query, variables)
            .await;
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        let body = reply.json();
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"].clone()
    }

    async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let role = &self.role;
        self.db
            .execute_script(&format!("DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\";"))
            .await
            .expect("drop the role");
    }
}

fn ids_of(list: &Json, tenant: Uuid) -> BTreeSet<String> {
    let list = list.as_array().unwrap_or_else(|| panic!("a list: {list}"));
    list.iter()
        .map(|item| {
            let item = item.get("node").unwrap_or(item);
            assert_eq!(
                item["tenantId"],
                json!(tenant),
                "another tenant's row: {item}"
            );
            item["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The schema's root fields, by introspection.
async fn roots(fixture: &Fixture, token: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let data = fixture
        .data(
            token,
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let names = |kind: &str| {
        data["__schema"][kind]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect::<BTreeSet<_>>()
    };
    (names("queryType"), names("mutationType"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_query_root_field_reads_only_the_tokens_organisation() {
    let fixture = fixture().await;
    let acme = fixture.tenant("acme").await;
    let globex = fixture.tenant("globex").await;
    let (queries, mutations) = roots(&fixture, &acme.member).await;
    assert_eq!(
        queries,
        QUERY_ROOTS.map(String::from).into(),
        "cover every query root"
    );
    assert_eq!(
        mutations,
        MUTATION_ROOTS.map(String::from).into(),
        "cover every mutation"
    );

    for (me, other) in [(&acme, &globex), (&globex, &acme)] {
        for (entity, table) in [
            ("organisation", "tb_organisation"),
            ("user", "tb_user"),
            ("project", "tb_project"),
            ("task", "tb_task"),
        ] {
            let mine = fixture.ids(table, me.id).await;
            let theirs = fixture.ids(table, other.id).await;
            assert!(
                !mine.is_empty() && !theirs.is_empty(),
                "{entity}: both tenants have rows"
            );
            // The list and the connection: exactly my rows, counted as SQL counts them.
            let query = format!(
                "{{ list: {entity}s {{ id tenantId }}
                    connection: {entity}sConnection(first: 100) {{
                        totalCount edges {{ node {{ id tenantId }} }} }}
                    filtered: {entity}s(where: {{id: {{in: $ids}}}}) {{ id tenantId }}
                    aggregate: {entity}sAggregate {{ count }}
                    aggregateOfTheirs: {entity}sAggregate(where: {{id: {{in: $ids}}}}) {{ count }} }}"
            )
            .replace("{ list", "query ($ids: [UUID!]) { list");
            let ids: Vec<&String> = theirs.iter().chain(&mine).collect();
            let data = fixture.data(&me.member, &query, json!({"ids": ids})).await;
            assert_eq!(ids_of(&data["list"], me.id), mine, "{entity}s");
            let connection = &data["connection"];
            assert_eq!(
                ids_of(&connection["edges"], me.id),
                mine,
                "{entity}sConnection"
            );
            assert_eq!(
                connection["totalCount"],
                json!(mine.len()),
                "{entity}sConnection"
            );
            assert_eq!(
                ids_of(&data["filtered"], me.id),
                mine,
                "{entity}s by the other's ids"
            );
            // The aggregate counts my rows only, with or without the other's ids asked for.
            for aggregate in ["aggregate", "aggregateOfTheirs"] {
                assert_eq!(
                    data[aggregate]["count"],
                    json!(mine.len()),
                    "{entity}sAggregate ({aggregate})"
                );
            }
            // The single lookup: the other tenant's ids are not found, mine are.
            let single = format!("query ($id: ID!) {{ {entity}(id: $id) {{ id tenantId }} }}");
            for id in &theirs {
                let data = fixture.data(&me.member, &single, json!({"id": id})).await;
                assert_eq!(
                    data[entity],
                    Json::Null,
                    "{entity}(id: {id}) of the other tenant"
                );
            }
            for id in &mine {
                let data = fixture.data(&me.member, &single, json!({"id": id})).await;
                assert_eq!(data[entity]["id"], json!(id), "{entity}(id: {id})");
            }
        }
        // Lookups by identifier: both organisations have a `website`; each sees its own.
        let by_identifier =
            "query ($identifier: String!) { project(identifier: $identifier) { tenantId } }";
        let data = fixture
            .data(&me.member, by_identifier, json!({"identifier": "website"}))
            .await;
        assert_eq!(data["project"]["tenantId"], json!(me.id));
        for identifier in ["rockets", "doomsday"] {
            let owner: Uuid = fixture
                .owner
                .query_one(
                    "SELECT tenant_id FROM tb_project WHERE identifier = $1",
                    &[&identifier],
                )
                .await
                .unwrap()
                .get(0);
            let data = fixture
                .data(&me.member, by_identifier, json!({"identifier": identifier}))
                .await;
            let expected = if owner == me.id {
                json!({"tenantId": me.id})
            } else {
                Json::Null
            };
            assert_eq!(
                data["project"], expected,
                "project(identifier: {identifier})"
            );
        }
    }
    fixture.finish().await;
}

/// What each mutation test selects: `__typename`, the entity, the error's code and field errors.
fn selection(field: &str) -> String {
    let (entity, fields) = match field {
        "createProject" => ("project", "id tenantId"),
        "deleteProject" => ("project", "id"),
        "createTask" => ("task", "id tenantId project { id }"),
        _ => ("task", "id status"),
    };
    let name = field[..1].to_uppercase() + &field[1..];
    format!(
        "__typename ... on {name}Success {{ {entity} {{ {fields} }} }}
         ... on {name}Error {{ code fieldErrors {{ field code }} }}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mutation_writes_into_another_organisation() {
    let fixture = fixture().await;
    let acme = fixture.tenant("acme").await;
    let globex = fixture.tenant("globex").await;
    let one = |sql: &'static str, tenant: Uuid| {
        let owner = &fixture.owner;
        async move {
            owner
                .query_one(sql, &[&tenant])
                .await
                .unwrap()
                .get::<_, Uuid>(0)
        }
    };
    let project_sql = "SELECT id FROM tb_project WHERE tenant_id = $1 ORDER BY pk_project LIMIT 1";
    let task_sql = "SELECT id FROM tb_task WHERE tenant_id = $1 ORDER BY pk_task LIMIT 1";
    let user_sql = "SELECT id FROM tb_user WHERE tenant_id = $1 ORDER BY pk_user LIMIT 1";
    let (their_project, their_task, their_user) = (
        one(project_sql, globex.id).await,
        one(task_sql, globex.id).await,
        one(user_sql, globex.id).await,
    );
    let my_project = one(project_sql, acme.id).await;
    let my_task = one(task_sql, acme.id).await;
    let before = fixture.snapshot(globex.id).await;

    let call = |token: &str, field: &str, input: Json| {
        let query = format!(
            "mutation ($input: {}Input!) {{ result: {field}(input: $input) {{ {} }} }}",
            field[..1].to_uppercase() + &field[1..],
            selection(field)
        );
        let token = token.to_owned();
        let fixture = &fixture;
        async move { fixture.data(&token, &query, json!({"input": input})).await["result"].clone() }
    };
    let refused = |result: &Json, code: &str| {
        assert!(
            result["__typename"].as_str().unwrap().ends_with("Error"),
            "{result}"
        );
        assert_eq!(result["code"], json!(code), "{result}");
    };

    // createProject: the tenant comes from the token, never from the input; an identifier only
    // the other organisation has is free here.
    let created = call(
        &acme.member,
        "createProject",
        json!({"identifier": "doomsday", "name": "Our own doomsday"}),
    )
    .await;
    assert_eq!(created["project"]["tenantId"], json!(acme.id), "{created}");
    let invalid = call(
        &acme.member,
        "createProject",
        json!({"identifier": "No!", "name": " "}),
    )
    .await;
    refused(&invalid, "VALIDATION");
    assert_eq!(
        invalid["fieldErrors"],
        json!([{"field": "identifier", "code": "invalid"}, {"field": "name", "code": "required"}])
    );
    // createTask: into the other's project, or assigned to the other's user.
    refused(
        &call(
            &acme.member,
            "createTask",
            json!({"projectId": their_project, "title": "sabotage"}),
        )
        .await,
        "NOT_FOUND",
    );
    let assigned = call(
        &acme.member,
        "createTask",
        json!({"projectId": my_project, "title": "spy", "assigneeId": their_user}),
    )
    .await;
    refused(&assigned, "VALIDATION");
    assert_eq!(
        assigned["fieldErrors"],
        json!([{"field": "assigneeId", "code": "not_found"}])
    );
    refused(
        &call(
            &acme.member,
            "createTask",
            json!({"projectId": my_project, "title": ""}),
        )
        .await,
        "VALIDATION",
    );
    let task = call(
        &acme.member,
        "createTask",
        json!({"projectId": my_project, "title": "ok"}),
    )
    .await;
    assert_eq!(task["task"]["tenantId"], json!(acme.id), "{task}");
    // updateTask: the other's task is not found; mine updates, with its rules.
    refused(
        &call(
            &acme.admin,
            "updateTask",
            json!({"id": their_task, "status": "DONE"}),
        )
        .await,
        "NOT_FOUND",
    );
    let done = call(
        &acme.member,
        "updateTask",
        json!({"id": my_task, "status": "DONE"}),
    )
    .await;
    assert_eq!(done["task"], json!({"id": my_task, "status": "DONE"}));
    let reopened = call(
        &acme.member,
        "updateTask",
        json!({"id": my_task, "status": "TODO"}),
    )
    .await;
    refused(&reopened, "VALIDATION");
    assert_eq!(
        reopened["fieldErrors"],
        json!([{"field": "status", "code": "invalid_transition"}])
    );
    // deleteProject: admins only, and not the other's.
    let forbidden = fixture
        .request(
            Some(&format!("Bearer {}", acme.member)),
            &format!(
                "mutation {{ deleteProject(input: {{id: \"{my_project}\"}}) {{ __typename }} }}"
            ),
            json!({}),
        )
        .await;
    assert_eq!(forbidden.code(), "FORBIDDEN", "{forbidden:?}");
    refused(
        &call(&acme.admin, "deleteProject", json!({"id": their_project})).await,
        "NOT_FOUND",
    );
    let deleted = call(&acme.admin, "deleteProject", json!({"id": my_project})).await;
    assert_eq!(deleted["project"]["id"], json!(my_project), "{deleted}");

    assert_eq!(
        fixture.snapshot(globex.id).await,
        before,
        "the other organisation changed"
    );
    let mine = fixture.ids("tb_project", acme.id).await;
    assert!(mine.contains(created["project"]["id"].as_str().unwrap()));
    assert!(!mine.contains(&my_project.to_string()));
    fixture.finish().await;
}

/// base64url without padding, as JWTs encode their parts.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_valid_token_are_refused_with_a_code() {
    let fixture = fixture().await;
    let acme = fixture.tenant("acme").await;
    let globex = fixture.tenant("globex").await;
    let claims = |org: Uuid, exp: u64| Claims {
        sub: Uuid::new_v4(),
        org,
        roles: vec!["admin".into()],
        exp,
    };
    let sign = |claims: &Claims, secret: &[u8]| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &jsonwebtoken::EncodingKey::from_secret(secret).unwrap(),
        )
        .unwrap()
    };
    let later = jsonwebtoken::get_current_timestamp() + 600;
    // Acme's valid token with its payload swapped for one naming Globex.
    let mut parts: Vec<String> = acme.admin.split('.').map(str::to_owned).collect();
    parts[1] = base64url(
        serde_json::to_string(&claims(globex.id, later))
            .unwrap()
            .as_bytes(),
    );
    let tampered = parts.join(".");
    let unsigned = format!(
        "{}.{}.",
        base64url(br#"{"alg":"none","typ":"JWT"}"#),
        base64url(
            serde_json::to_string(&claims(globex.id, later))
                .unwrap()
                .as_bytes()
        )
    );
    let cases = [
        (None, "no bearer token"),
        (
            Some("Basic YWRtaW46YWRtaW4=".to_owned()),
            "not a bearer token",
        ),
        (Some("Bearer not-a-jwt".to_owned()), "malformed"),
        (
            Some(format!(
                "Bearer {}",
                sign(&claims(globex.id, later), b"a guess")
            )),
            "signature",
        ),
        (Some(format!("Bearer {tampered}")), "signature"),
        (Some(format!("Bearer {unsigned}")), "malformed"),
        (
            Some(format!(
                "Bearer {}",
                sign(&claims(acme.id, later - 1200), SECRET)
            )),
            "expired",
        ),
    ];
    for (authorization, why) in cases {
        for query in [
            "{ projects { id name } }",
            "mutation { createProject(input: {identifier: \"x1\", name: \"x\"}) { __typename } }",
        ] {
            let reply = fixture
                .request(authorization.as_deref(), query, json!({}))
                .await;
            assert_eq!(reply.status, 401, "{authorization:?}: {reply:?}");
            assert_eq!(reply.code(), "UNAUTHENTICATED", "{authorization:?}");
            let message = reply.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(message.contains(why), "{authorization:?}: {message}");
            assert!(reply.json().get("data").is_none(), "{reply:?}");
        }
    }
    // Nothing was written, and the real token still works.
    let count: i64 = fixture
        .owner
        .query_one(
            "SELECT count(*) FROM tb_project WHERE identifier = 'x1'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 0);
    let data = fixture
        .data(&acme.admin, "{ projects { tenantId } }", json!({}))
        .await;
    assert_eq!(data["projects"].as_array().unwrap().len(), 2);
    fixture.finish().await;
}
