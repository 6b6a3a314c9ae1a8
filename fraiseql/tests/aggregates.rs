//! Aggregates: `<plural>Aggregate(where:)` at the root and `<list>Aggregate(where:)` beside an
//! embedded list, in the operation's one statement; each answer checked byte-identical to
//! juniper's executor and equal to plain SQL over the normalized `tb_*` tables. Exact numbers
//! stay exact near 2^53; `totalCount` is only counted when selected.

use fraiseql::FraiseType;
use fraiseql::graphql::{Context, SchemaBuilder};
use serde_json::{Value as Json, json};
use uuid::Uuid;

mod support;
use support::{Blog, blog};

async fn check(blog: &Blog, cases: Vec<(String, String)>) {
    for (query, sql) in cases {
        let response = blog.differential(&query, json!({})).await;
        assert!(response.get("errors").is_none(), "{query}: {response}");
        let expected = blog.value(&sql).await;
        assert_eq!(response, json!({"data": expected}), "{query}");
    }
}

#[tokio::test]
async fn root_aggregates_match_plain_sql() {
    let blog = blog().await;
    let all = "json_build_object('count', count(*), \
        'sum', json_build_object('age', sum(age)::text), 'avg', json_build_object('age', avg(age)::text), \
        'min', json_build_object('age', min(age), 'name', min(name COLLATE \"C\"), 'createdAt', min(created_at)), \
        'max', json_build_object('age', max(age), 'name', max(name COLLATE \"C\"), 'createdAt', max(created_at)))";
    let selection =
        "count sum { age } avg { age } min { age name createdAt } max { age name createdAt }";
    let cases = vec![
        (
            format!("{{ usersAggregate {{ {selection} }} }}"),
            format!("SELECT json_build_object('usersAggregate', {all}) FROM tb_user"),
        ),
        (
            format!("{{ usersAggregate(where: {{age: {{gt: 30}}}}) {{ {selection} }} }}"),
            format!("SELECT json_build_object('usersAggregate', {all}) FROM tb_user WHERE age > 30"),
        ),
        // No rows: a count of 0 and nulls.
        (
            format!("{{ usersAggregate(where: {{age: {{gt: 1000}}}}) {{ {selection} }} }}"),
            format!("SELECT json_build_object('usersAggregate', {all}) FROM tb_user WHERE age > 1000"),
        ),
        // Rows whose values are all null.
        (
            format!("{{ usersAggregate(where: {{age: {{isNull: true}}}}) {{ {selection} }} }}"),
            format!("SELECT json_build_object('usersAggregate', {all}) FROM tb_user WHERE age IS NULL"),
        ),
        // Unicode text: byte order, as the test databases collate (C).
        (
            "{ usersAggregate(where: {_not: {name: {startsWith: \"A\"}}}) { min { name } max { name } } }".into(),
            "SELECT json_build_object('usersAggregate', json_build_object('min', json_build_object('name', min(name COLLATE \"C\")), 'max', json_build_object('name', max(name COLLATE \"C\")))) FROM tb_user WHERE name NOT LIKE 'A%'".into(),
        ),
        // Aliases, __typename, and beside other root fields in the same statement.
        (
            "{ n: usersAggregate { __typename total: count s: sum { __typename years: age } } users(orderBy: [{field: IDENTIFIER}], limit: 1) { identifier } postsAggregate(where: {published: {eq: true}}) { count } }".into(),
            "SELECT json_build_object('n', json_build_object('__typename', 'UserAggregate', 'total', (SELECT count(*) FROM tb_user), \
               's', json_build_object('__typename', 'UserSumFields', 'years', (SELECT sum(age)::text FROM tb_user))), \
               'users', json_build_array(json_build_object('identifier', 'user-1')), \
               'postsAggregate', json_build_object('count', (SELECT count(*) FROM tb_post WHERE published)))".into(),
        ),
    ];
    check(&blog, cases).await;
}

#[tokio::test]
async fn embedded_aggregates_match_plain_sql() {
    let blog = blog().await;
    let query = "{ posts(orderBy: [{field: IDENTIFIER}]) { identifier commentsAggregate { count } \
        u: commentsAggregate(where: {content: {contains: \"ünïcödé\"}}) { count min { content createdAt } max { content } } \
        comments(limit: 1) { content } } }";
    let sql = "SELECT json_build_object('posts', json_agg(json_build_object('identifier', p.identifier, \
        'commentsAggregate', (SELECT json_build_object('count', count(*)) FROM tb_comment c WHERE c.fk_post = p.pk_post), \
        'u', (SELECT json_build_object('count', count(*), 'min', json_build_object('content', min(content COLLATE \"C\"), 'createdAt', min(created_at)), 'max', json_build_object('content', max(content COLLATE \"C\"))) \
              FROM tb_comment c WHERE c.fk_post = p.pk_post AND strpos(c.content, 'ünïcödé') > 0), \
        'comments', (SELECT coalesce(json_agg(json_build_object('content', content)), '[]') FROM (SELECT content FROM tb_comment c WHERE c.fk_post = p.pk_post ORDER BY created_at LIMIT 1) c)) \
      ORDER BY p.identifier COLLATE \"C\")) FROM tb_post p";
    check(&blog, vec![(query.into(), sql.into())]).await;

    // Groups of a post's comments.
    let query = "{ posts(orderBy: [{field: IDENTIFIER}], limit: 30) { identifier commentsAggregate { groups(groupBy: [{field: CREATED_AT, truncate: HOUR}]) { keys { createdAt } count max { content } } } } }";
    let sql = "SELECT json_build_object('posts', json_agg(json_build_object('identifier', p.identifier, \
        'commentsAggregate', json_build_object('groups', COALESCE((SELECT json_agg(json_build_object('keys', json_build_object('createdAt', h), 'count', n, 'max', json_build_object('content', m)) ORDER BY h) \
            FROM (SELECT date_trunc('hour', created_at) AS h, count(*) AS n, max(content COLLATE \"C\") AS m FROM tb_comment c WHERE c.fk_post = p.pk_post GROUP BY 1) g), '[]'))) \
      ORDER BY p.identifier COLLATE \"C\")) FROM tb_post p";
    check(&blog, vec![(query.into(), sql.into())]).await;
}

/// A ledger entry: integers near the edges of 32 and 53 bits, and a float.
#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_entry")]
#[allow(dead_code)] // read through GraphQL only
struct Entry {
    id: Uuid,
    amount: i64,
    score: Option<i32>,
    ratio: f64,
    details: serde_json::Value,
    label: String,
}

#[tokio::test]
async fn sums_of_integers_are_exact_past_2_pow_53() {
    let blog = blog().await;
    blog.client
        .batch_execute(
            "CREATE TABLE tb_entry (id uuid PRIMARY KEY, amount bigint NOT NULL, score int, ratio float8 NOT NULL, details jsonb NOT NULL DEFAULT '{}', label text NOT NULL DEFAULT 'x');
             INSERT INTO tb_entry VALUES
               (md5('e1')::uuid, 9007199254740991, 2147483647, 0.1),
               (md5('e2')::uuid, 9007199254740993, 2147483647, 0.2),
               (md5('e3')::uuid, 3, 2147483646, 0.3),
               (md5('e4')::uuid, -9007199254740993, NULL, 1e-300);
             CREATE VIEW tv_entry AS SELECT id, jsonb_build_object('id', id, 'amount', amount, 'score', score, 'ratio', ratio, 'details', details, 'label', label) AS data FROM tb_entry;",
        )
        .await
        .unwrap();
    let schema = SchemaBuilder::new().query::<Entry>().build().unwrap();
    let database = fraiseql::Database::connect(blog.db.config(), 2).unwrap();
    let ledger = Blog {
        schema,
        context: Context::new(database, fraiseql::RequestContext::new()),
        ..blog
    };
    let query = "{ entriesAggregate(where: {amount: {gt: 0}}) { count sum { amount score ratio } avg { amount score } min { amount } max { amount score } } }";
    let sql = "SELECT json_build_object('entriesAggregate', json_build_object('count', count(*), \
        'sum', json_build_object('amount', sum(amount)::text, 'score', sum(score)::text, 'ratio', sum(ratio)), \
        'avg', json_build_object('amount', avg(amount)::text, 'score', avg(score)::text), \
        'min', json_build_object('amount', min(amount)::text), \
        'max', json_build_object('amount', max(amount)::text, 'score', max(score)))) FROM tb_entry WHERE amount > 0";
    check(&ledger, vec![(query.into(), sql.into())]).await;
    let response = ledger.differential(query, json!({})).await;
    let aggregate = &response["data"]["entriesAggregate"];
    // 2^53 - 1 + 2^53 + 1 + 3, which an f64 cannot hold; and three 32-bit maxima.
    assert_eq!(aggregate["sum"]["amount"], "18014398509481987");
    assert_eq!(aggregate["sum"]["score"], "6442450940");
    assert_eq!(aggregate["max"]["amount"], "9007199254740993");
    // A JSON field is no grouping key (juniper lets an enum literal through: the compiler
    // refuses it before any SQL).
    let refused = ledger
        .differential(
            "{ entriesAggregate { groups(groupBy: [{field: DETAILS}]) { count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    // The schema says so: exact scalars for sums and averages of integers.
    let types = ledger
        .differential(
            "{ s: __type(name: \"EntrySumFields\") { fields { name type { name } } } a: __type(name: \"EntryAvgFields\") { fields { name type { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        types["data"],
        json!({
            "s": {"fields": [
                {"name": "amount", "type": {"name": "Decimal"}},
                {"name": "score", "type": {"name": "BigInt"}},
                {"name": "ratio", "type": {"name": "Float"}}]},
            "a": {"fields": [
                {"name": "amount", "type": {"name": "Decimal"}},
                {"name": "score", "type": {"name": "Decimal"}},
                {"name": "ratio", "type": {"name": "Float"}}]},
        })
    );
}

#[tokio::test]
async fn groups_match_plain_sql() {
    let blog = blog().await;
    let cases = vec![
        (
            "{ postsAggregate { groups(groupBy: [{field: PUBLISHED}]) { keys { published } count } } }".into(),
            "SELECT json_build_object('postsAggregate', json_build_object('groups', json_agg(json_build_object('keys', json_build_object('published', published), 'count', n) ORDER BY published))) \
             FROM (SELECT published, count(*) AS n FROM tb_post GROUP BY published) g".into(),
        ),
        // Two keys, one a timestamp truncated to the hour; a field not grouped by is null.
        (
            "{ postsAggregate(where: {title: {contains: \"e\"}}) { count groups(groupBy: [{field: PUBLISHED}, {field: CREATED_AT, truncate: HOUR}]) { __typename keys { __typename createdAt published identifier } n: count } } }".into(),
            "SELECT json_build_object('postsAggregate', json_build_object('count', (SELECT count(*) FROM tb_post WHERE strpos(title, 'e') > 0), 'groups', \
               json_agg(json_build_object('__typename', 'PostAggregateGroup', 'keys', json_build_object('__typename', 'PostGroupKeys', 'createdAt', h, 'published', published, 'identifier', NULL), 'n', n) ORDER BY published, h))) \
             FROM (SELECT published, date_trunc('hour', created_at) AS h, count(*) AS n FROM tb_post WHERE strpos(title, 'e') > 0 GROUP BY 1, 2) g".into(),
        ),
        // Text keys in byte order (C), with aggregates per group; a document timestamp by week.
        (
            "{ usersAggregate { byName: groups(groupBy: [{field: NAME}]) { keys { name } count max { age } } byWeek: groups(groupBy: [{field: CREATED_AT, truncate: WEEK}]) { keys { createdAt } count sum { age } avg { age } } } }".into(),
            "SELECT json_build_object('usersAggregate', json_build_object( \
               'byName', (SELECT json_agg(json_build_object('keys', json_build_object('name', name), 'count', n, 'max', json_build_object('age', a)) ORDER BY name COLLATE \"C\") \
                          FROM (SELECT name, count(*) AS n, max(age) AS a FROM tb_user GROUP BY name) g), \
               'byWeek', (SELECT json_agg(json_build_object('keys', json_build_object('createdAt', w), 'count', n, 'sum', json_build_object('age', s), 'avg', json_build_object('age', a)) ORDER BY w) \
                          FROM (SELECT date_trunc('week', created_at) AS w, count(*) AS n, sum(age)::text AS s, avg(age)::text AS a FROM tb_user GROUP BY 1) g)))".into(),
        ),
        // No rows: no groups.
        (
            "{ usersAggregate(where: {age: {gt: 1000}}) { groups(groupBy: [{field: NAME}]) { count } } }".into(),
            "SELECT json_build_object('usersAggregate', json_build_object('groups', '[]'::json))".into(),
        ),
    ];
    check(&blog, cases).await;
    // Only dates and timestamps truncate.
    let refused = blog
        .differential(
            "{ postsAggregate { groups(groupBy: [{field: PUBLISHED, truncate: MONTH}]) { count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
}

#[tokio::test]
async fn total_count_is_only_counted_when_selected() {
    let blog = blog().await;
    let sql = |query: &str| {
        fraiseql::graphql::statement(
            &blog.schema,
            query,
            None,
            &juniper::Variables::new(),
            blog.context.database(),
        )
        .expect("one statement")
        .sql()
        .to_owned()
    };
    let without =
        sql("{ postsConnection(first: 2) { edges { cursor } pageInfo { hasNextPage } } }");
    // (`hasNextPage` counts the page it read, one row past its size: not the relation.)
    let count = "(SELECT count(*) FROM \"tv_post\"";
    assert!(!without.contains(count), "{without}");
    let with = sql("{ postsConnection(first: 2) { totalCount edges { cursor } } }");
    assert_eq!(with.matches(count).count(), 1, "{with}");
    let response = blog
        .differential("{ postsConnection(first: 2) { totalCount } }", json!({}))
        .await;
    let expected: Json = blog.value("SELECT count(*) FROM tb_post").await;
    assert_eq!(
        response["data"]["postsConnection"]["totalCount"], expected,
        "{response}"
    );
}

#[tokio::test]
async fn bad_aggregates_get_coded_errors_before_any_sql() {
    let blog = blog().await;
    for (query, code, needle) in [
        // avg and sum of text, min of a boolean: no such field on the aggregate's object.
        (
            "{ usersAggregate { avg { name } } }",
            "GRAPHQL_VALIDATION_FAILED",
            "name",
        ),
        (
            "{ usersAggregate { sum { email } } }",
            "GRAPHQL_VALIDATION_FAILED",
            "email",
        ),
        (
            "{ postsAggregate { count min { published } } }",
            "GRAPHQL_VALIDATION_FAILED",
            "published",
        ),
        // Posts have no number: no sum object at all.
        (
            "{ postsAggregate { sum { title } } }",
            "GRAPHQL_VALIDATION_FAILED",
            "sum",
        ),
        (
            "{ usersAggregate(where: {nope: {eq: 1}}) { count } }",
            "GRAPHQL_VALIDATION_FAILED",
            "nope",
        ),
        (
            "{ posts { commentsAggregate(where: {nope: {eq: 1}}) { count } } }",
            "GRAPHQL_VALIDATION_FAILED",
            "nope",
        ),
        // Lists of scalars take arguments but have no aggregate.
        (
            "{ posts { tags(limit: 1) tagsAggregate { count } } }",
            "GRAPHQL_VALIDATION_FAILED",
            "tagsAggregate",
        ),
        (
            "{ usersAggregate(where: {name: {eq: null}}) { count } }",
            "BAD_USER_INPUT",
            "isNull",
        ),
    ] {
        let response = blog.differential(query, json!({})).await;
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], code, "{query}: {response}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(needle), "{query}: {response}");
    }
}

/// Every aggregate form in one operation — a root aggregate with count/sum/avg/min/max and
/// groups (by a boolean, by a truncated timestamp), an embedded aggregate with `where` beside
/// the list with arguments, and root fields of other kinds — is ONE statement PostgreSQL runs
/// (counted on the wire by a proxy), on the single-statement path (no fallback to juniper's
/// executor, which runs one statement per root field), and equals juniper's executor byte for
/// byte and plain SQL over `tb_*`.
#[tokio::test]
async fn every_aggregate_form_is_one_statement_on_the_fast_path() {
    let blog = blog().await;
    let counter = support::StatementCounter::new(&blog.db).await;
    let database = fraiseql::Database::connect(counter.config(), 1).unwrap();
    let counted = Blog {
        context: Context::new(database, fraiseql::RequestContext::new()),
        ..blog
    };
    let query = "{ usersAggregate(where: {age: {isNull: false}}) { count sum { age } avg { age } \
          min { age name createdAt } max { age name createdAt } \
          groups(groupBy: [{field: CREATED_AT, truncate: MONTH}]) { keys { createdAt } count max { age } } } \
        postsAggregate { count groups(groupBy: [{field: PUBLISHED}]) { keys { published } count } } \
        posts(orderBy: [{field: IDENTIFIER}], limit: 5) { identifier \
          commentsAggregate(where: {content: {contains: \"1\"}}) { count min { createdAt } max { content } } \
          comments(where: {content: {contains: \"1\"}}, orderBy: [{field: CREATED_AT, direction: DESC}], limit: 2) { content } } \
        user(identifier: \"user-2\") { name } \
        usersConnection(first: 2, orderBy: [{field: IDENTIFIER}]) { totalCount edges { node { identifier } } } }";
    let variables = juniper::Variables::new();
    // The single-statement path compiles it (no executor fallback).
    let statement = fraiseql::graphql::statement(
        &counted.schema,
        query,
        None,
        &variables,
        counted.context.database(),
    )
    .expect("one statement answers every root field");
    assert!(statement.sql().starts_with("SELECT"), "{}", statement.sql());

    let before = counter.statements();
    let fast =
        fraiseql::graphql::execute(&counted.schema, query, None, &variables, &counted.context)
            .await
            .into_body();
    assert_eq!(counter.statements() - before, 1, "one statement: {fast}");
    // Again, from the kept statement.
    let before = counter.statements();
    let again =
        fraiseql::graphql::execute(&counted.schema, query, None, &variables, &counted.context)
            .await
            .into_body();
    assert_eq!(counter.statements() - before, 1);
    assert_eq!(again, fast);

    // juniper's executor answers each of the five root fields with a statement of its own (so
    // the counter counts), and the same bytes.
    let before = counter.statements();
    let reference =
        support::juniper_body(&counted.schema, &counted.context, query, &variables).await;
    assert_eq!(counter.statements() - before, 5);
    assert_eq!(fast, reference, "fast path and juniper's executor differ");

    // And the values are plain SQL's over tb_*.
    let response: Json = serde_json::from_str(&fast).unwrap();
    let users = "json_build_object('count', count(*), 'sum', json_build_object('age', sum(age)::text), \
        'avg', json_build_object('age', avg(age)::text), \
        'min', json_build_object('age', min(age), 'name', min(name COLLATE \"C\"), 'createdAt', min(created_at)), \
        'max', json_build_object('age', max(age), 'name', max(name COLLATE \"C\"), 'createdAt', max(created_at)), \
        'groups', (SELECT json_agg(json_build_object('keys', json_build_object('createdAt', m), 'count', n, 'max', json_build_object('age', a)) ORDER BY m) \
                   FROM (SELECT date_trunc('month', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m, count(*) AS n, max(age) AS a \
                         FROM tb_user WHERE age IS NOT NULL GROUP BY 1) g))";
    let sql = format!(
        "SELECT json_build_object( \
           'usersAggregate', (SELECT {users} FROM tb_user WHERE age IS NOT NULL), \
           'postsAggregate', json_build_object('count', (SELECT count(*) FROM tb_post), 'groups', \
               (SELECT json_agg(json_build_object('keys', json_build_object('published', published), 'count', n) ORDER BY published) \
                FROM (SELECT published, count(*) AS n FROM tb_post GROUP BY published) g)), \
           'posts', (SELECT json_agg(json_build_object('identifier', p.identifier, \
               'commentsAggregate', (SELECT json_build_object('count', count(*), 'min', json_build_object('createdAt', min(created_at)), 'max', json_build_object('content', max(content COLLATE \"C\"))) \
                                     FROM tb_comment c WHERE c.fk_post = p.pk_post AND strpos(c.content, '1') > 0), \
               'comments', (SELECT coalesce(json_agg(json_build_object('content', content)), '[]') \
                            FROM (SELECT content FROM tb_comment c WHERE c.fk_post = p.pk_post AND strpos(c.content, '1') > 0 \
                                  ORDER BY created_at DESC LIMIT 2) c)) ORDER BY p.identifier COLLATE \"C\") \
                     FROM (SELECT * FROM tb_post ORDER BY identifier COLLATE \"C\" LIMIT 5) p), \
           'user', (SELECT json_build_object('name', name) FROM tb_user WHERE identifier = 'user-2'), \
           'usersConnection', json_build_object('totalCount', (SELECT count(*) FROM tb_user), 'edges', \
               (SELECT json_agg(json_build_object('node', json_build_object('identifier', identifier)) ORDER BY identifier COLLATE \"C\") \
                FROM (SELECT identifier FROM tb_user ORDER BY identifier COLLATE \"C\" LIMIT 2) u)))"
    );
    let expected = counted.value(&sql).await;
    assert_eq!(response, json!({"data": expected}));
}

/// Where a shipment stands (stored as lowercase texts, answered by GraphQL names).
#[derive(fraiseql::FraiseEnum, Debug, Clone, Copy, PartialEq)]
#[allow(dead_code)] // read through GraphQL only
enum Stage {
    /// Stored `packed`.
    Packed,
    /// Stored `in_transit`: the stored texts' order (arrived, in_transit, packed) is neither
    /// the declaration's nor the GraphQL names'.
    #[fraiseql(json = "in_transit")]
    Shipped,
    /// Stored `arrived`.
    Arrived,
}

/// A dated event, near the edges of days, months and years in UTC and in Auckland.
#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_event")]
#[allow(dead_code)] // read through GraphQL only
struct Event {
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
    day: chrono::NaiveDate,
    place: Option<String>,
    stage: Stage,
}

/// Events whose documents were written in an Auckland session (their timestamps carry +13:00
/// or +12:00), in a database whose default time zone is Pacific/Auckland.
async fn auckland_events() -> (fraiseql_tempdb::TestDb, tokio_postgres::Client) {
    let db = fraiseql_tempdb::TestDb::new()
        .await
        .expect("a test database");
    db.execute_script(&format!(
        "ALTER DATABASE \"{}\" SET timezone = 'Pacific/Auckland'",
        db.name()
    ))
    .await
    .unwrap();
    // A new session: the database's default applies.
    db.execute_script(
        "CREATE TABLE tb_event (id uuid PRIMARY KEY, at timestamptz NOT NULL, day date NOT NULL, place text, stage text NOT NULL);
         INSERT INTO tb_event VALUES
           (md5('1')::uuid, '2023-12-31T12:00:00Z', '2023-12-31', 'Zürich', 'in_transit'),
           (md5('2')::uuid, '2024-01-31T20:00:00Z', '2024-01-31', NULL, 'packed'),
           (md5('3')::uuid, '2024-02-29T23:30:00Z', '2024-02-29', 'Auckland', 'arrived'),
           (md5('4')::uuid, '2024-03-01T00:30:00Z', '2024-03-01', NULL, 'in_transit'),
           (md5('5')::uuid, '2024-03-01T10:59:59.5Z', '2024-03-01', 'Zürich', 'packed'),
           (md5('6')::uuid, '2024-07-15T12:00:00Z', '2024-07-15', 'Ängelholm', 'in_transit');
         CREATE TABLE tv_event AS SELECT id, jsonb_build_object('id', id, 'at', at, 'day', day, 'place', place, 'stage', stage) AS data FROM tb_event;",
    )
    .await
    .unwrap();
    let client = db.connect().await.unwrap();
    (db, client)
}

/// The JSON text of the timestamp `x` as a UTC session writes it (`2024-03-01T10:59:59.5+00:00`),
/// in any session.
fn utc_json(x: &str) -> String {
    format!("to_json((to_json({x} AT TIME ZONE 'UTC') #>> '{{}}') || '+00:00')")
}

/// The groups of `EVENT_GROUPS` from `tb_event`, cut at midnight in `zone` and written as that
/// zone writes them (`utc` writes `+00:00` offsets by hand: the session is in Auckland).
fn event_groups_sql(zone: &str, utc: bool) -> String {
    let text = |x: &str| {
        if utc {
            utc_json(x)
        } else {
            format!("to_json({x})")
        }
    };
    let trunc = |unit: &str| format!("date_trunc('{unit}', at, '{zone}')");
    let by = |unit: &str| {
        format!(
            "(SELECT json_agg(json_build_object('keys', json_build_object('at', {k}), 'count', n, 'min', json_build_object('at', {lo}), 'max', json_build_object('at', {hi})) ORDER BY k) \
               FROM (SELECT {t} AS k, count(*) AS n, min(at) AS lo, max(at) AS hi FROM tb_event GROUP BY 1) g)",
            k = text("k"),
            lo = text("lo"),
            hi = text("hi"),
            t = trunc(unit)
        )
    };
    format!(
        "SELECT json_build_object('eventsAggregate', json_build_object('byYear', {}, 'byMonth', {}, 'byDay', {}))",
        by("year"),
        by("month"),
        by("day")
    )
}

const EVENT_GROUPS: &str = "{ eventsAggregate { \
    byYear: groups(groupBy: [{field: AT, truncate: YEAR}]) { keys { at } count min { at } max { at } } \
    byMonth: groups(groupBy: [{field: AT, truncate: MONTH}]) { keys { at } count min { at } max { at } } \
    byDay: groups(groupBy: [{field: AT, truncate: DAY}]) { keys { at } count min { at } max { at } } } }";

/// A served schema of `Event` on `database`, beside `client` and `db`.
fn events(
    db: fraiseql_tempdb::TestDb,
    client: tokio_postgres::Client,
    database: fraiseql::Database,
) -> Blog {
    Blog {
        schema: SchemaBuilder::new().query::<Event>().build().unwrap(),
        context: Context::new(database, fraiseql::RequestContext::new()),
        db,
        client,
    }
}

#[tokio::test]
async fn groups_by_truncated_timestamps_are_cut_at_utc_whatever_the_databases_time_zone() {
    let (db, client) = auckland_events().await;
    let zone: String = client
        .query_one("SELECT current_setting('TimeZone')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(zone, "Pacific/Auckland");
    let at_utc = event_groups_sql("UTC", true);
    let mut config = db.config();
    let served = events(
        db,
        client,
        fraiseql::Database::connect(config.clone(), 2).unwrap(),
    );
    let expected = served.value(&at_utc).await;
    // The data crosses Auckland's midnights: cut there, the groups differ.
    let in_auckland = served
        .value(&event_groups_sql("Pacific/Auckland", false))
        .await;
    assert_ne!(expected, in_auckland);
    assert_eq!(
        expected["eventsAggregate"]["byYear"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // fraiseql's own connections, and (through the juniper executor) the same bytes.
    let response = served.differential(EVENT_GROUPS, json!({})).await;
    assert_eq!(response, json!({"data": expected}));
    // Variables of the timestamp filter are read in UTC too.
    let response = served
        .differential(
            "{ eventsAggregate(where: {at: {gte: \"2024-03-01T00:00:00Z\"}}) { count min { at } } }",
            json!({}),
        )
        .await;
    let sql = "SELECT json_build_object('eventsAggregate', json_build_object('count', count(*), 'min', json_build_object('at', \
        {}))) FROM tb_event WHERE at >= '2024-03-01T00:00:00Z'";
    let sql = sql.replace("{}", &utc_json("min(at)"));
    assert_eq!(response, json!({"data": served.value(&sql).await}));

    // A pool the application built: the time zone comes with each request.
    let foreign = deadpool_postgres::Pool::builder(deadpool_postgres::Manager::new(
        config.clone(),
        tokio_postgres::NoTls,
    ))
    .max_size(1)
    .build()
    .unwrap();
    let foreign = Blog {
        context: Context::new(
            fraiseql::Database::new(foreign),
            fraiseql::RequestContext::new(),
        ),
        ..served
    };
    let response = foreign.differential(EVENT_GROUPS, json!({})).await;
    assert_eq!(response, json!({"data": expected}));

    // A connection string that sets its own time zone keeps it.
    config.options("-c TimeZone=Pacific/Auckland");
    let own = Blog {
        context: Context::new(
            fraiseql::Database::connect(config, 1).unwrap(),
            fraiseql::RequestContext::new(),
        ),
        ..foreign
    };
    let response = own.differential(EVENT_GROUPS, json!({})).await;
    assert_eq!(response, json!({"data": in_auckland}));
}

#[tokio::test]
async fn groups_by_nullable_text_enums_and_truncated_dates_match_plain_sql() {
    let (db, client) = auckland_events().await;
    let database = fraiseql::Database::connect(db.config(), 2).unwrap();
    let served = events(db, client, database);
    let stage = "CASE stage WHEN 'packed' THEN 'PACKED' WHEN 'in_transit' THEN 'SHIPPED' WHEN 'arrived' THEN 'ARRIVED' END";
    let by_day = |unit: &str| {
        format!(
            "(SELECT json_agg(json_build_object('keys', json_build_object('day', k), 'count', n) ORDER BY k) \
               FROM (SELECT date_trunc('{unit}', day)::date AS k, count(*) AS n FROM tb_event GROUP BY 1) g)"
        )
    };
    let query = "{ eventsAggregate { \
        byPlace: groups(groupBy: [{field: PLACE}]) { keys { place stage } count } \
        byStage: groups(groupBy: [{field: STAGE}]) { keys { stage } count max { place } } \
        byBoth: groups(groupBy: [{field: STAGE}, {field: PLACE}]) { keys { place stage } count } \
        byPlaceThenStage: groups(groupBy: [{field: PLACE}, {field: STAGE}]) { keys { stage place } count } \
        byYear: groups(groupBy: [{field: DAY, truncate: YEAR}]) { keys { day } count } \
        byMonth: groups(groupBy: [{field: DAY, truncate: MONTH}]) { keys { day } count } \
        byDay: groups(groupBy: [{field: DAY, truncate: DAY}]) { keys { day } count } } }";
    // Groups are ordered by their keys in `groupBy` order, ascending: text in the database's
    // collation (C here), enums by their stored texts, the null group last.
    let sql = format!(
        "SELECT json_build_object('eventsAggregate', json_build_object( \
           'byPlace', (SELECT json_agg(json_build_object('keys', json_build_object('place', place, 'stage', NULL), 'count', n) ORDER BY place COLLATE \"C\" NULLS LAST) \
                       FROM (SELECT place, count(*) AS n FROM tb_event GROUP BY place) g), \
           'byStage', (SELECT json_agg(json_build_object('keys', json_build_object('stage', {stage}), 'count', n, 'max', json_build_object('place', p)) ORDER BY stage COLLATE \"C\") \
                       FROM (SELECT stage, count(*) AS n, max(place COLLATE \"C\") AS p FROM tb_event GROUP BY stage) g), \
           'byBoth', (SELECT json_agg(json_build_object('keys', json_build_object('place', place, 'stage', {stage}), 'count', n) ORDER BY stage COLLATE \"C\", place COLLATE \"C\" NULLS LAST) \
                      FROM (SELECT stage, place, count(*) AS n FROM tb_event GROUP BY stage, place) g), \
           'byPlaceThenStage', (SELECT json_agg(json_build_object('keys', json_build_object('stage', {stage}, 'place', place), 'count', n) ORDER BY place COLLATE \"C\" NULLS LAST, stage COLLATE \"C\") \
                      FROM (SELECT stage, place, count(*) AS n FROM tb_event GROUP BY stage, place) g), \
           'byYear', {}, 'byMonth', {}, 'byDay', {}))",
        by_day("year"),
        by_day("month"),
        by_day("day")
    );
    let response = served.differential(query, json!({})).await;
    let expected = served.value(&sql).await;
    assert_eq!(response, json!({"data": expected}));
    // The fixture has what the orders are about: a null group, and stored texts whose order
    // differs from the GraphQL names'.
    let stages: Vec<&str> = (expected["eventsAggregate"]["byStage"]
        .as_array()
        .unwrap()
        .iter())
    .map(|group| group["keys"]["stage"].as_str().unwrap())
    .collect();
    assert_eq!(stages, ["ARRIVED", "SHIPPED", "PACKED"]);
    let places = expected["eventsAggregate"]["byPlace"].as_array().unwrap();
    assert_eq!(places.last().unwrap()["keys"]["place"], Json::Null);
    assert_eq!(places.len(), 4);
}
