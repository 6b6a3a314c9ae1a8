//! Query limits: each one at its value (accepted, with data) and one past it (refused with its
//! code, the measured value and the limit, and no `data`), on the single-statement path (query
//! operations) and on juniper's executor (mutations); per-schema and per-request limits; a
//! refused operation takes no connection; `@skip` parts and fragments counted as the operation
//! runs them; documents built to exhaust the parser.

use std::time::Duration;

use fraiseql::graphql::{Context, Limits, Schema, SchemaBuilder};
use fraiseql::{Database, RequestContext};
use juniper::Variables;
use serde_json::{Value as Json, json};

mod support;
use support::{CreateUserInput, Post, TENANT_A, User};

type Blog = support::Served;

fn blog_schema() -> Schema {
    SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<CreateUserInput, User>("createUser")
        .build()
        .unwrap()
}

async fn blog() -> Blog {
    let schema = blog_schema();
    support::Served::new(schema, true).await
}

impl Blog {
    /// The response to `query` under `limits` (the request's own), as JSON.
    async fn run(&self, limits: Limits, query: &str, variables: Json) -> Json {
        let request = RequestContext::new()
            .tenant_id(TENANT_A)
            .with_limits(limits);
        let context = Context::new(self.database.clone(), request);
        let variables: Variables = serde_json::from_value(variables).unwrap();
        let response =
            fraiseql::graphql::execute(&self.schema, query, None, &variables, &context).await;
        let json: Json = serde_json::from_str(response.body()).unwrap();
        // A refusal comes before execution: a request error, without `data`.
        assert_eq!(
            response.is_request_error(),
            json.get("data").is_none(),
            "{json}"
        );
        json
    }

    async fn users(&self) -> i64 {
        let row = self.client.query_one("SELECT count(*) FROM tb_user", &[]);
        row.await.unwrap().get(0)
    }
}

/// The refusal of a request: one error with `code`, the measured `value` under `measure`, and
/// `limit`.
fn refused(code: &str, measure: &str, value: u64, limit: u64) -> Json {
    let what = match measure {
        "depth" => "the selection's depth",
        "aliases" => "the number of aliases",
        "rootFields" => "the number of root fields",
        "complexity" => "the operation's complexity",
        "tokens" => "the number of tokens in the document",
        _ => "the document's size in bytes",
    };
    json!({"errors": [{
        "message": format!("{what} is {value}, over the limit of {limit}"),
        "extensions": {"code": code, measure: value, "limit": limit},
    }]})
}

/// One limit, set through `set` to `at` (accepted) and to `at - 1` (refused).
struct Case {
    name: &'static str,
    set: fn(&mut Limits, u64),
    code: &'static str,
    measure: &'static str,
}

const CASES: [Case; 6] = [
    Case {
        name: "depth",
        set: |l, v| l.max_depth = v as u32,
        code: "QUERY_TOO_DEEP",
        measure: "depth",
    },
    Case {
        name: "aliases",
        set: |l, v| l.max_aliases = v as u32,
        code: "TOO_MANY_ALIASES",
        measure: "aliases",
    },
    Case {
        name: "root fields",
        set: |l, v| l.max_root_fields = v as u32,
        code: "TOO_MANY_ROOT_FIELDS",
        measure: "rootFields",
    },
    Case {
        name: "complexity",
        set: |l, v| l.max_complexity = v,
        code: "QUERY_TOO_COMPLEX",
        measure: "complexity",
    },
    Case {
        name: "tokens",
        set: |l, v| l.max_tokens = v as u32,
        code: "TOO_MANY_TOKENS",
        measure: "tokens",
    },
    Case {
        name: "document size",
        set: |l, v| l.max_document_bytes = v as usize,
        code: "DOCUMENT_TOO_LARGE",
        measure: "size",
    },
];

/// 2 root fields, 3 aliases, 4 deep; complexity: `a` 1 + 2 × (title 1 + comments (1 + 10
/// embedded comments × (content 1 + author (1 + name 1)))) = 65, `b` 1 + 1 × (c: title 1) = 2.
const QUERY: &str = "{ a: posts(orderBy: [{field: IDENTIFIER}], limit: 2) { title comments { content author { name } } } b: posts(limit: 1) { c: title } }";
/// Its measures, in the order of [`CASES`] (tokens counted by hand: names, values and
/// punctuation; commas are insignificant).
const QUERY_MEASURES: [u64; 6] = [4, 3, 2, 67, 43, QUERY.len() as u64];

/// 1 root field, 2 aliases, 3 deep; complexity: createUser 1 + (__typename 1 + user (1 + 1 ×
/// (i: id 1 + n: name 1))) = 5.
const MUTATION: &str = r#"mutation { createUser(input: {identifier: "limits", name: "L", email: "l@example.com"}) { __typename ... on CreateUserSuccess { user { i: id n: name } } } }"#;
const MUTATION_MEASURES: [u64; 6] = [3, 2, 1, 5, 36, MUTATION.len() as u64];

/// Each limit at the measured value accepts the query (data as juniper's executor gives it) and
/// one below refuses it; the same for a mutation, which juniper's executor runs: accepted, it
/// writes; refused, it writes nothing.
#[tokio::test]
async fn each_limit_at_its_value_and_one_past_it_on_both_paths() {
    let blog = blog().await;
    let roomy = Limits {
        max_depth: 100,
        max_aliases: 100,
        max_root_fields: 100,
        max_complexity: 100_000,
        max_tokens: 10_000,
        max_document_bytes: 100_000,
        ..Limits::default()
    };
    let reference = blog.run(roomy, QUERY, json!({})).await;
    assert!(
        reference["data"]["a"][0]["comments"].is_array(),
        "{reference}"
    );
    assert!(reference.get("errors").is_none(), "{reference}");
    for (case, (query_at, mutation_at)) in CASES
        .iter()
        .zip(QUERY_MEASURES.iter().zip(MUTATION_MEASURES))
    {
        let mut limits = roomy;
        (case.set)(&mut limits, *query_at);
        assert_eq!(
            blog.run(limits, QUERY, json!({})).await,
            reference,
            "{}",
            case.name
        );
        (case.set)(&mut limits, query_at - 1);
        assert_eq!(
            blog.run(limits, QUERY, json!({})).await,
            refused(case.code, case.measure, *query_at, query_at - 1),
            "{}",
            case.name
        );

        let before = blog.users().await;
        let mut limits = roomy;
        (case.set)(&mut limits, mutation_at - 1);
        assert_eq!(
            blog.run(limits, MUTATION, json!({})).await,
            refused(case.code, case.measure, mutation_at, mutation_at - 1),
            "{}",
            case.name
        );
        assert_eq!(
            blog.users().await,
            before,
            "a refused mutation wrote ({})",
            case.name
        );
        (case.set)(&mut limits, mutation_at);
        let created = blog.run(limits, MUTATION, json!({})).await;
        assert_eq!(
            created["data"]["createUser"]["user"]["n"], "L",
            "{}: {created}",
            case.name
        );
        assert_eq!(blog.users().await, before + 1, "{}", case.name);
        blog.client
            .execute("DELETE FROM tb_user WHERE identifier = 'limits'", &[])
            .await
            .unwrap();
        blog.client
            .execute("DELETE FROM tv_user WHERE identifier = 'limits'", &[])
            .await
            .unwrap();
    }
}

/// The defaults are the documented ones, and a schema's own limits apply to every request
/// without limits of its own.
#[tokio::test]
async fn schema_limits_apply_and_a_request_may_carry_its_own() {
    let defaults = Limits::default();
    assert_eq!(
        (
            defaults.max_depth,
            defaults.max_introspection_depth,
            defaults.max_aliases,
            defaults.max_root_fields,
            defaults.max_document_bytes,
            defaults.max_tokens,
            defaults.max_complexity,
        ),
        (10, 15, 30, 10, 65_536, 5_000, 5_000)
    );
    let blog = blog().await;
    let strict = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .limits(Limits {
            max_depth: 3,
            ..Limits::default()
        })
        .build()
        .unwrap();
    let run = |request: RequestContext| {
        let context = Context::new(blog.database.clone(), request);
        let schema = &strict;
        async move {
            let body = fraiseql::graphql::execute(schema, QUERY, None, &Variables::new(), &context)
                .await
                .into_body();
            serde_json::from_str::<Json>(&body).unwrap()
        }
    };
    assert_eq!(
        run(RequestContext::new()).await,
        refused("QUERY_TOO_DEEP", "depth", 4, 3)
    );
    // A trusted client gets more.
    let trusted = RequestContext::new().with_limits(Limits {
        max_depth: 4,
        ..Limits::default()
    });
    assert!(run(trusted).await["data"]["a"].is_array());
    // The schema's page sizes hold whatever a request's limits say.
    let greedy = RequestContext::new().with_limits(Limits {
        max_page_size: 5000,
        ..Limits::default()
    });
    let context = Context::new(blog.database.clone(), greedy);
    let body = fraiseql::graphql::execute(
        &strict,
        "{ posts(limit: 2000) { title } }",
        None,
        &Variables::new(),
        &context,
    )
    .await
    .into_body();
    assert!(body.contains("maximum page size of 1000"), "{body}");
}

/// A refused operation is answered while the only connection of the pool is held elsewhere;
/// an accepted one waits for it.
#[tokio::test]
async fn a_refused_operation_takes_no_connection() {
    let blog = blog().await;
    let database = Database::connect(blog.db.config(), 1).unwrap();
    // fraiseql's only connection is held by a statement that sleeps until released.
    let admin = blog.db.connect().await.unwrap();
    admin
        .batch_execute(
            "CREATE TABLE hold_gate (id int); INSERT INTO hold_gate VALUES (1);
             CREATE FUNCTION hold(_ jsonb) RETURNS TABLE (held boolean) LANGUAGE sql AS
             $$ SELECT true FROM hold_gate FOR UPDATE $$",
        )
        .await
        .unwrap();
    admin.batch_execute("BEGIN; LOCK hold_gate").await.unwrap();
    let holder = {
        let database = database.clone();
        tokio::spawn(async move {
            let hold = fraiseql_sql::Statement::call(
                &fraiseql_sql::QualifiedName::parse("hold").unwrap(),
                json!({}),
            );
            database.fetch_json(&RequestContext::new(), &hold).await
        })
    };
    while admin
        .query_one(
            "SELECT count(*) FROM pg_locks WHERE relation = 'hold_gate'::regclass AND NOT granted",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0)
        == 0
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let tight = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let context = Context::new(database.clone(), RequestContext::new().with_limits(tight));
    let variables = Variables::new();
    let refused_run = fraiseql::graphql::execute(&blog.schema, QUERY, None, &variables, &context);
    let response = tokio::time::timeout(Duration::from_secs(5), refused_run)
        .await
        .expect("answered without a connection");
    assert!(
        response.body().contains("QUERY_TOO_DEEP"),
        "{}",
        response.body()
    );
    let accepted = "{ posts(limit: 1) { title } }";
    let waiting = fraiseql::graphql::execute(&blog.schema, accepted, None, &variables, &context);
    assert!(
        tokio::time::timeout(Duration::from_millis(300), waiting)
            .await
            .is_err(),
        "an accepted operation needs the held connection"
    );
    admin.batch_execute("COMMIT").await.unwrap();
    assert_eq!(holder.await.unwrap().unwrap(), "true");
    let answered = fraiseql::graphql::execute(&blog.schema, accepted, None, &variables, &context);
    assert!(answered.await.body().starts_with(r#"{"data":{"posts":["#));
}

/// `@skip(if: true)` and `@include(if: false)` parts do not count, whether the condition is
/// written or a variable; a fragment counts once per spread.
#[tokio::test]
async fn skipped_parts_do_not_count_and_fragments_count_per_spread() {
    let blog = blog().await;
    let depth_2 = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let query = "query ($deep: Boolean!) { posts(limit: 1) { title author @skip(if: $deep) { name } comments @include(if: false) { content } } }";
    let skipped = blog.run(depth_2, query, json!({"deep": true})).await;
    assert!(
        skipped["data"]["posts"][0]["title"].is_string(),
        "{skipped}"
    );
    assert_eq!(
        blog.run(depth_2, query, json!({"deep": false})).await,
        refused("QUERY_TOO_DEEP", "depth", 3, 2)
    );

    let three_aliases = Limits {
        max_aliases: 3,
        ..Limits::default()
    };
    let fragments = "{ posts(limit: 1) { ...Names } again: posts(limit: 1) { ...Names } } fragment Names on Post { t: title i: identifier }";
    // 2 per spread, 2 spreads, and `again`.
    assert_eq!(
        blog.run(three_aliases, fragments, json!({})).await,
        refused("TOO_MANY_ALIASES", "aliases", 5, 3)
    );
    // A page size from a variable counts with its value: 1 + n × 1.
    let complexity_10 = Limits {
        max_complexity: 10,
        ..Limits::default()
    };
    let paged = "query ($n: Int) { posts(limit: $n) { title } }";
    assert!(blog.run(complexity_10, paged, json!({"n": 9})).await["data"]["posts"].is_array());
    assert_eq!(
        blog.run(complexity_10, paged, json!({"n": 10})).await,
        refused("QUERY_TOO_COMPLEX", "complexity", 11, 10)
    );
    // The benchmark's Q3: 1 + 20 × (title 1 + author 2 + comments (1 + 10 × 3)) = 681.
    let q3 = "{ posts(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 20) { title author { name } comments { content author { name } } } }";
    let complexity_680 = Limits {
        max_complexity: 680,
        ..Limits::default()
    };
    assert_eq!(
        blog.run(complexity_680, q3, json!({})).await,
        refused("QUERY_TOO_COMPLEX", "complexity", 681, 680)
    );
    // Without a size, the default page (100).
    assert_eq!(
        blog.run(complexity_10, paged, json!({})).await,
        refused("QUERY_TOO_COMPLEX", "complexity", 101, 10)
    );
    // A connection's `first` sizes its edges, not its pageInfo: 1 + (edges 1 + 3 × (node 1 +
    // title 1)) + (pageInfo 1 + hasNextPage 1) = 10.
    let connection =
        "{ postsConnection(first: 3) { edges { node { title } } pageInfo { hasNextPage } } }";
    assert!(
        blog.run(complexity_10, connection, json!({})).await["data"]["postsConnection"].is_object()
    );
    let complexity_9 = Limits {
        max_complexity: 9,
        ..Limits::default()
    };
    assert_eq!(
        blog.run(complexity_9, connection, json!({})).await,
        refused("QUERY_TOO_COMPLEX", "complexity", 10, 9)
    );
}

/// Documents built to exhaust the server are refused quickly with a code, never parsed past
/// the parser's own bounds: a 1 MiB document of one alias repeated, 100,000 nested braces,
/// fragments that double each other twenty times.
#[tokio::test]
async fn documents_built_to_exhaust_the_server_are_refused() {
    let blog = blog().await;
    let aliases = format!("{{ {} }}", "a: __typename ".repeat(1024 * 1024 / 14));
    let braces = format!("{}{}", "{".repeat(100_000), "}".repeat(100_000));
    let mut doubling = String::from("{ posts(limit: 1) { ...F0 } }");
    for i in 0..20 {
        doubling += &format!(" fragment F{i} on Post {{ ...F{} ...F{} }}", i + 1, i + 1);
    }
    doubling += " fragment F20 on Post { title }";
    let code = |json: &Json| {
        json["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_owned)
    };

    let defaults = Limits::default();
    for (document, expected) in [
        (&aliases, "DOCUMENT_TOO_LARGE"),
        (&braces, "DOCUMENT_TOO_LARGE"),
    ] {
        let json = blog.run(defaults, document, json!({})).await;
        assert_eq!(code(&json).as_deref(), Some(expected), "{json}");
    }
    // Allowed the bytes, the tokens still stop them before parsing.
    let big = Limits {
        max_document_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    };
    // The document's own count: 3 a repeat, and the braces.
    let repeats = 1024 * 1024 / 14;
    for (document, tokens) in [(&aliases, 3 * repeats + 2), (&braces, 200_000)] {
        let json = blog.run(big, document, json!({})).await;
        assert_eq!(code(&json).as_deref(), Some("TOO_MANY_TOKENS"), "{json}");
        assert_eq!(json["errors"][0]["extensions"]["tokens"], tokens);
    }
    // Allowed bytes and tokens, the braces meet the parser's nesting bound (no stack overflow).
    let huge = Limits {
        max_document_bytes: 2 * 1024 * 1024,
        max_tokens: 1_000_000,
        ..Limits::default()
    };
    let json = blog.run(huge, &braces, json!({})).await;
    assert_eq!(
        code(&json).as_deref(),
        Some("GRAPHQL_PARSE_FAILED"),
        "{json}"
    );
    // 2^20 expanded fields: refused by the parser's field bound without expanding them.
    let json = blog.run(defaults, &doubling, json!({})).await;
    assert_eq!(
        code(&json).as_deref(),
        Some("GRAPHQL_PARSE_FAILED"),
        "{json}"
    );
}

/// `QUERY` sent with its hash (automatic persisted queries), run under `request`; then, when
/// the schema's limits let it be remembered, by its hash alone, which must answer the same.
async fn run_persisted(schema: &Schema, database: &Database, request: RequestContext) -> Json {
    use fraiseql::graphql::{DocumentHash, PersistedQueries};
    let persisted = PersistedQueries::automatic();
    let hash = DocumentHash::of(QUERY);
    let context = Context::new(database.clone(), request);
    let variables = Variables::new();
    let sent = persisted.resolve(schema, Some(QUERY), Some(&hash), None);
    let body = sent
        .unwrap()
        .execute(&variables, &context)
        .await
        .into_body();
    if let Ok(known) = persisted.resolve(schema, None, Some(&hash), None) {
        let again = known.execute(&variables, &context).await.into_body();
        assert_eq!(again, body);
    }
    serde_json::from_str(&body).unwrap()
}

/// A persisted document is measured like one sent in full: against the request's limits when
/// it has its own, the schema's otherwise — whether it was planned under other limits or not.
#[tokio::test]
async fn persisted_documents_meet_the_requests_limits() {
    let blog = blog().await;
    let few_tokens = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .limits(Limits {
            max_tokens: 10,
            ..Limits::default()
        })
        .build()
        .unwrap();
    let database = &blog.database;
    assert_eq!(
        run_persisted(&few_tokens, database, RequestContext::new()).await,
        refused("TOO_MANY_TOKENS", "tokens", 43, 10)
    );
    let trusted = RequestContext::new().with_limits(Limits {
        max_tokens: 100,
        ..Limits::default()
    });
    let answer = run_persisted(&few_tokens, database, trusted).await;
    assert!(answer["data"]["a"].is_array(), "{answer}");
    let shallow = RequestContext::new().with_limits(Limits {
        max_depth: 3,
        ..Limits::default()
    });
    assert_eq!(
        run_persisted(&blog.schema, database, shallow).await,
        refused("QUERY_TOO_DEEP", "depth", 4, 3)
    );
    let answer = run_persisted(&blog.schema, database, RequestContext::new()).await;
    assert!(answer["data"]["a"].is_array(), "{answer}");
    // Within the schema's limits the document was remembered: its hash alone answers.
    let persisted = fraiseql::graphql::PersistedQueries::automatic();
    let hash = fraiseql::graphql::DocumentHash::of(QUERY);
    let _ = persisted.resolve(&blog.schema, Some(QUERY), Some(&hash), None);
    assert!(
        persisted
            .resolve(&blog.schema, None, Some(&hash), None)
            .is_ok()
    );
    let _ = persisted.resolve(&few_tokens, Some(QUERY), Some(&hash), None);
    let other = fraiseql::graphql::PersistedQueries::automatic();
    let _ = other.resolve(&few_tokens, Some(QUERY), Some(&hash), None);
    let unknown = other.resolve(&few_tokens, None, Some(&hash), None);
    assert_eq!(unknown.unwrap_err().code(), "PERSISTED_QUERY_NOT_FOUND");
}
