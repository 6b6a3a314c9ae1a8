//! Embedded lists with arguments (`comments(where:, orderBy:, limit:, offset:)`), at any depth,
//! in the operation's one statement: each answer checked byte-identical to juniper's executor
//! and equal to plain SQL over the normalized `tb_*` tables; EXPLAIN shows no per-row work
//! beyond the array expansion; bad arguments get coded errors before any SQL.

use fraiseql::FraiseType;
use fraiseql::graphql::{Context, SchemaBuilder};
use serde_json::{Value as Json, json};
use uuid::Uuid;

mod support;
use support::{Blog, Post, blog};

/// The expected `data` of `{ posts(orderBy: IDENTIFIER) { identifier comments(…) { … } } }`
/// from `tb_*` alone: each post's comments `c` (joined with their author `u`) that match
/// `filter`, in `order` then stored order (`created_at`, then the key), paged by `page`, each
/// built as `item`.
fn per_post(filter: &str, order: &str, page: &str, item: &str) -> String {
    let order = format!("{order}c.created_at, c.pk_comment");
    format!(
        "SELECT json_build_object('posts', json_agg(json_build_object('identifier', p.identifier, 'comments', \
           (SELECT coalesce(json_agg({item} ORDER BY n), '[]') FROM \
              (SELECT c.*, u.name AS author_name, row_number() OVER (ORDER BY {order}) AS n \
               FROM tb_comment c JOIN tb_user u ON u.pk_user = c.fk_author \
               WHERE c.fk_post = p.pk_post AND ({filter}) ORDER BY {order} {page}) c)) \
         ORDER BY p.identifier COLLATE \"C\")) FROM tb_post p"
    )
}

const CONTENT: &str = "json_build_object('content', c.content)";

/// A query over every post's comments with `arguments`, selecting `selection` on each.
fn posts(arguments: &str, selection: &str) -> String {
    format!(
        "{{ posts(orderBy: [{{field: IDENTIFIER}}]) {{ identifier comments({arguments}) {{ {selection} }} }} }}"
    )
}

async fn check(blog: &Blog, cases: Vec<(String, Json, String)>) {
    for (query, variables, sql) in cases {
        let response = blog.differential(&query, variables).await;
        assert!(response.get("errors").is_none(), "{query}: {response}");
        let expected = blog.value(&sql).await;
        assert_eq!(response, json!({"data": expected}), "{query}");
    }
}

#[tokio::test]
async fn embedded_list_arguments_match_plain_sql() {
    let blog = blog().await;
    let content_desc = "c.content COLLATE \"C\" DESC, ";
    let cases = vec![
        // limit alone: the first elements in stored order.
        (posts("limit: 2", "content"), json!({}), per_post("TRUE", "", "LIMIT 2", CONTENT)),
        (posts("limit: 0", "content"), json!({}), per_post("TRUE", "", "LIMIT 0", CONTENT)),
        (posts("offset: 1, limit: 2", "content"), json!({}), per_post("TRUE", "", "LIMIT 2 OFFSET 1", CONTENT)),
        (posts("offset: 2", "content"), json!({}), per_post("TRUE", "", "OFFSET 2", CONTENT)),
        // the latest three
        (posts("orderBy: [{field: CREATED_AT, direction: DESC}], limit: 3", "content createdAt"), json!({}),
         per_post("TRUE", "c.created_at DESC, ", "LIMIT 3", "json_build_object('content', c.content, 'createdAt', to_json(c.created_at))")),
        // unicode text order, byte order as the test databases collate (C)
        (posts("orderBy: [{field: CONTENT}]", "content"), json!({}), per_post("TRUE", "c.content COLLATE \"C\", ", "", CONTENT)),
        (posts("orderBy: [{field: CONTENT, direction: DESC}], limit: 2, offset: 1", "content"), json!({}),
         per_post("TRUE", content_desc, "LIMIT 2 OFFSET 1", CONTENT)),
        // filters: the root filters' operators, combinators and nested objects
        (posts("where: {content: {contains: \"ünïcödé\"}}", "content"), json!({}),
         per_post("strpos(c.content, 'ünïcödé') > 0", "", "", CONTENT)),
        (posts("where: {content: {eq: \"nope\"}}", "content"), json!({}), per_post("FALSE", "", "", CONTENT)),
        (posts("where: {author: {name: {startsWith: \"A\"}}}, orderBy: [{field: CONTENT, direction: DESC}]", "content author { name }"), json!({}),
         per_post("u.name LIKE 'A%'", content_desc, "",
                  "json_build_object('content', c.content, 'author', json_build_object('name', c.author_name))")),
        (posts("where: {_or: [{content: {endsWith: \"1\"}}, {_not: {content: {icontains: \"COMMENT 2\"}}}]}, limit: 2", "content"), json!({}),
         per_post("right(c.content, 1) = '1' OR strpos(lower(c.content), 'comment 2') = 0", "", "LIMIT 2", CONTENT)),
        (posts("where: {createdAt: {gte: \"2024-03-01T00:30:00Z\"}}, orderBy: [{field: CREATED_AT, direction: DESC}], limit: 1", "content"), json!({}),
         per_post("c.created_at >= '2024-03-01T00:30:00Z'", "c.created_at DESC, ", "LIMIT 1", CONTENT)),
        // variables: a page size shapes the statement, a filter operand is a slot of it
        ("query ($n: Int, $w: String) { posts(orderBy: [{field: IDENTIFIER}]) { identifier comments(limit: $n, where: {content: {contains: $w}}) { content } } }".into(),
         json!({"n": 1, "w": "Comment 1"}), per_post("strpos(c.content, 'Comment 1') > 0", "", "LIMIT 1", CONTENT)),
        ("query ($n: Int, $w: String) { posts(orderBy: [{field: IDENTIFIER}]) { identifier comments(limit: $n, where: {content: {contains: $w}}) { content } } }".into(),
         json!({"n": 1, "w": "5"}), per_post("strpos(c.content, '5') > 0", "", "LIMIT 1", CONTENT)),
        // two response keys, each with its own arguments
        ("{ posts(orderBy: [{field: IDENTIFIER}]) { identifier first: comments(limit: 1) { content } last: comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 1) { content } } }".into(), json!({}),
         "SELECT json_build_object('posts', json_agg(json_build_object('identifier', p.identifier, \
            'first', (SELECT coalesce(json_agg(json_build_object('content', c.content)), '[]') FROM (SELECT * FROM tb_comment c WHERE c.fk_post = p.pk_post ORDER BY c.created_at LIMIT 1) c), \
            'last', (SELECT coalesce(json_agg(json_build_object('content', c.content)), '[]') FROM (SELECT * FROM tb_comment c WHERE c.fk_post = p.pk_post ORDER BY c.created_at DESC LIMIT 1) c)) \
          ORDER BY p.identifier COLLATE \"C\")) FROM tb_post p".into()),
    ];
    check(&blog, cases).await;

    // Lists of scalars: the scalar's filter, an order by value, a page.
    let tags = |arguments: &str, sql: &str| {
        (
            format!(
                "{{ posts(orderBy: [{{field: IDENTIFIER}}]) {{ identifier tags({arguments}) }} }}"
            ),
            json!({}),
            format!(
                "SELECT json_build_object('posts', json_agg(json_build_object('identifier', p.identifier, 'tags', \
                   (SELECT coalesce(json_agg(t ORDER BY n), '[]') FROM (SELECT t, n FROM unnest(p.tags) WITH ORDINALITY AS x(t, n) {sql}) x)) \
                 ORDER BY p.identifier COLLATE \"C\")) FROM tb_post p"
            ),
        )
    };
    let cases = vec![
        tags("where: {eq: \"rust\"}", "WHERE t = 'rust'"),
        tags(
            "where: {neq: \"sql\"}, orderBy: DESC",
            "WHERE t <> 'sql' ORDER BY t COLLATE \"C\" DESC",
        ),
        tags("orderBy: ASC, limit: 1", "ORDER BY t COLLATE \"C\" LIMIT 1"),
        tags(
            "where: {in: [\"graphql\", \"sql\"]}, offset: 1",
            "WHERE t IN ('graphql', 'sql') OFFSET 1",
        ),
    ];
    check(&blog, cases).await;
}

/// A writer and every post they wrote, embedded: lists in lists, for arguments at depth 2.
#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_writer")]
#[allow(dead_code)] // read through GraphQL only
struct Writer {
    id: Uuid,
    name: String,
    posts: Vec<Post>,
}

#[tokio::test]
async fn arguments_apply_at_any_depth() {
    let blog = blog().await;
    blog.client
        .batch_execute(
            "CREATE VIEW tv_writer AS SELECT u.id, jsonb_build_object('id', u.id, 'name', u.name, \
               'posts', COALESCE((SELECT jsonb_agg(p.data ORDER BY p.identifier) FROM tv_post p \
                                  WHERE p.data->'author'->>'id' = u.id::text), '[]')) AS data \
             FROM tb_user u",
        )
        .await
        .unwrap();
    let schema = SchemaBuilder::new().query::<Writer>().build().unwrap();
    let database = fraiseql::Database::connect(blog.db.config(), 2).unwrap();
    let served = Blog {
        schema,
        context: Context::new(database, fraiseql::RequestContext::new()),
        ..blog
    };
    let query = "{ writers(orderBy: [{field: NAME}]) { name posts(where: {published: {eq: true}}, orderBy: [{field: CREATED_AT, direction: DESC}, {field: IDENTIFIER}], limit: 2) { identifier comments(orderBy: [{field: CREATED_AT, direction: DESC}], limit: 1) { content } } } }";
    let sql = "SELECT json_build_object('writers', json_agg(json_build_object('name', u.name, 'posts', \
        (SELECT coalesce(json_agg(json_build_object('identifier', p.identifier, 'comments', \
            (SELECT coalesce(json_agg(json_build_object('content', c.content)), '[]') FROM \
               (SELECT content FROM tb_comment c WHERE c.fk_post = p.pk_post ORDER BY c.created_at DESC LIMIT 1) c)) \
          ORDER BY p.created_at DESC, p.identifier COLLATE \"C\"), '[]') FROM \
           (SELECT * FROM tb_post p WHERE p.fk_author = u.pk_user AND p.published \
            ORDER BY p.created_at DESC, p.identifier COLLATE \"C\" LIMIT 2) p)) \
        ORDER BY u.name COLLATE \"C\")) FROM tb_user u";
    check(&served, vec![(query.into(), json!({}), sql.into())]).await;
}

#[tokio::test]
async fn one_statement_and_no_per_row_work_beyond_the_array_expansion() {
    let blog = blog().await;
    let query = "{ posts(limit: 20) { title comments(where: {content: {contains: \"1\"}}, orderBy: [{field: CREATED_AT, direction: DESC}], limit: 3) { content author { name } } } }";
    let statement = fraiseql::graphql::statement(
        &blog.schema,
        query,
        None,
        &juniper::Variables::new(),
        blog.context.database(),
    )
    .expect("one statement answers the operation");
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = statement
        .params()
        .iter()
        .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    let rows = blog
        .client
        .query(
            &format!("EXPLAIN (FORMAT JSON) {}", statement.sql()),
            &params,
        )
        .await
        .unwrap();
    let plan: Json = rows[0].get(0);
    let mut relations = Vec::new();
    let mut subplans = Vec::new();
    walk(&plan[0]["Plan"], &mut relations, &mut subplans);
    assert_eq!(relations, ["tv_post"], "one relation read once: {plan}");
    // Every per-row subplan expands the row's array, and reads no relation.
    assert!(!subplans.is_empty(), "{plan}");
    for functions in subplans {
        assert!(
            functions.iter().all(|f| f == "jsonb_array_elements"),
            "{functions:?}"
        );
    }

    fn walk(node: &Json, relations: &mut Vec<String>, subplans: &mut Vec<Vec<String>>) {
        if let Some(relation) = node["Relation Name"].as_str() {
            relations.push(relation.to_owned());
        }
        if node["Parent Relationship"] == "SubPlan" {
            let mut functions = Vec::new();
            let mut inner_relations = Vec::new();
            collect(node, &mut functions, &mut inner_relations);
            assert!(
                inner_relations.is_empty(),
                "a subplan reads {inner_relations:?}"
            );
            subplans.push(functions);
        }
        for child in node["Plans"].as_array().into_iter().flatten() {
            walk(child, relations, subplans);
        }
    }
    fn collect(node: &Json, functions: &mut Vec<String>, relations: &mut Vec<String>) {
        if let Some(function) = node["Function Name"].as_str() {
            functions.push(function.to_owned());
        }
        if let Some(relation) = node["Relation Name"].as_str() {
            relations.push(relation.to_owned());
        }
        for child in node["Plans"].as_array().into_iter().flatten() {
            collect(child, functions, relations);
        }
    }
}

#[tokio::test]
async fn bad_list_arguments_get_coded_errors_before_any_sql() {
    let blog = blog().await;
    // The complexity limit counts an embedded list as its `limit` (else 10 elements).
    let response = blog
        .differential(
            "{ posts(limit: 100) { comments(limit: 1000) { content } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"],
        json!({"code": "QUERY_TOO_COMPLEX", "complexity": 100_101, "limit": 5000}),
        "{response}"
    );
    let response = blog
        .differential("{ posts(limit: 100) { comments { content } } }", json!({}))
        .await;
    assert!(response.get("errors").is_none(), "{response}");
    for (query, code, needle) in [
        (
            posts("where: {nope: {eq: 1}}", "content"),
            "GRAPHQL_VALIDATION_FAILED",
            "nope",
        ),
        (
            posts("where: {content: {gt: \"a\", nope: 2}}", "content"),
            "GRAPHQL_VALIDATION_FAILED",
            "nope",
        ),
        (
            posts("where: {author: {nope: {eq: 1}}}", "content"),
            "GRAPHQL_VALIDATION_FAILED",
            "nope",
        ),
        // juniper does not check enum literals against the enum (see JUNIPER.md): the compiler does.
        (
            posts("orderBy: [{field: NOPE}]", "content"),
            "BAD_USER_INPUT",
            "NOPE",
        ),
        (posts("limit: -1", "content"), "BAD_USER_INPUT", "negative"),
        (posts("offset: -2", "content"), "BAD_USER_INPUT", "offset"),
        (
            "{ posts(limit: 1) { comments(limit: 5000) { content } } }".into(),
            "BAD_USER_INPUT",
            "maximum page size",
        ),
        (
            posts("where: {content: {eq: null}}", "content"),
            "BAD_USER_INPUT",
            "isNull",
        ),
        (
            posts("where: {content: {matches: \"(unclosed\"}}", "content"),
            "BAD_USER_INPUT",
            "regular expression",
        ),
    ] {
        let response = blog.differential(&query, json!({})).await;
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], code, "{query}: {response}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(needle), "{query}: {response}");
        assert!(!message.contains("SELECT"), "{query}");
    }
}

/// An item on a shelf: a nullable number and a nullable text, stored null or left out.
#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_item")]
#[allow(dead_code)] // read through GraphQL only
struct Item {
    id: Uuid,
    label: String,
    weight: Option<i32>,
    note: Option<String>,
}

/// A shelf whose `items` document is an array, `[]`, missing or null; `spare` is the same
/// array, as a nullable list.
#[derive(FraiseType, Debug)]
#[fraiseql(view = "tv_shelf")]
#[allow(dead_code)] // read through GraphQL only
struct Rack {
    id: Uuid,
    name: String,
    items: Vec<Item>,
    spare: Option<Vec<Item>>,
}

/// Shelf A holds six items (weights 9, 10, null, left out, 100, 2: numbers whose text order is
/// not theirs); B holds `[]`; C's document has no `items` key; D's holds `null`.
const SHELVES: &str = "
CREATE TABLE tb_shelf (pk_shelf int PRIMARY KEY, id uuid NOT NULL, name text NOT NULL, shape text NOT NULL);
CREATE TABLE tb_item (pk_item int PRIMARY KEY, id uuid NOT NULL, fk_shelf int NOT NULL REFERENCES tb_shelf,
                      label text NOT NULL, weight int, note text, omit boolean NOT NULL, pos int NOT NULL);
INSERT INTO tb_shelf VALUES (1, md5('A')::uuid, 'A', 'array'), (2, md5('B')::uuid, 'B', 'array'),
                            (3, md5('C')::uuid, 'C', 'missing'), (4, md5('D')::uuid, 'D', 'null');
INSERT INTO tb_item VALUES
  (1, md5('i1')::uuid, 1, 'nine', 9, 'x', false, 1),
  (2, md5('i2')::uuid, 1, 'ten', 10, NULL, false, 2),
  (3, md5('i3')::uuid, 1, 'null', NULL, 'y', false, 3),
  (4, md5('i4')::uuid, 1, 'left out', NULL, NULL, true, 4),
  (5, md5('i5')::uuid, 1, 'hundred', 100, 'x', false, 5),
  (6, md5('i6')::uuid, 1, 'two', 2, 'z', false, 6);
CREATE VIEW tv_item AS SELECT id, CASE WHEN omit THEN jsonb_build_object('id', id, 'label', label)
    ELSE jsonb_build_object('id', id, 'label', label, 'weight', weight, 'note', note) END AS data FROM tb_item;
CREATE VIEW tv_shelf AS SELECT s.id, jsonb_build_object('id', s.id, 'name', s.name)
    || CASE s.shape WHEN 'missing' THEN '{}'::jsonb
                    WHEN 'null' THEN '{\"items\": null, \"spare\": null}'::jsonb
                    ELSE jsonb_build_object('items', a.items, 'spare', a.items) END AS data
  FROM tb_shelf s, LATERAL (SELECT COALESCE(jsonb_agg(i.data ORDER BY t.pos), '[]') AS items
                            FROM tb_item t JOIN tv_item i ON i.id = t.id WHERE t.fk_shelf = s.pk_shelf) a;
";

async fn shelves() -> Blog {
    let blog = blog().await;
    blog.client.batch_execute(SHELVES).await.unwrap();
    let schema = SchemaBuilder::new()
        .query::<Item>()
        .query::<Rack>()
        .build()
        .unwrap();
    let database = fraiseql::Database::connect(blog.db.config(), 2).unwrap();
    Blog {
        schema,
        context: Context::new(database, fraiseql::RequestContext::new()),
        ..blog
    }
}

/// The expected `data` of `{ racks(<shelves>) { name <list>(…) { label } } }` from `tb_*`:
/// each shelf's items matching `filter`, in `order` then stored order, paged by `page`.
fn per_shelf(list: &str, shelves: &str, filter: &str, order: &str, page: &str) -> String {
    let order = format!("{order}t.pos");
    format!(
        "SELECT json_build_object('racks', json_agg(json_build_object('name', s.name, '{list}', \
           (SELECT coalesce(json_agg(json_build_object('label', t.label) ORDER BY n), '[]') FROM \
              (SELECT t.*, row_number() OVER (ORDER BY {order}) AS n FROM tb_item t \
               WHERE t.fk_shelf = s.pk_shelf AND ({filter}) ORDER BY {order} {page}) t)) \
         ORDER BY s.name)) FROM tb_shelf s WHERE {shelves}"
    )
}

#[tokio::test]
async fn nested_filters_on_nullable_fields_read_nulls_and_numbers_as_root_filters_do() {
    let blog = shelves().await;
    let arrays = "s.shape = 'array'";
    let query = |arguments: &str| {
        format!(
            "{{ racks(where: {{name: {{in: [\"A\", \"B\"]}}}}, orderBy: [{{field: NAME}}]) {{ name items({arguments}) {{ label }} }} }}"
        )
    };
    // (arguments, the same filter over tb_item, ordered by)
    let filters = [
        // Two-valued: a null or missing weight is not 10, so `neq` keeps it, as `_not eq` does.
        (
            "where: {weight: {neq: 10}}",
            "t.weight IS DISTINCT FROM 10",
            "",
        ),
        (
            "where: {_not: {weight: {eq: 10}}}",
            "t.weight IS DISTINCT FROM 10",
            "",
        ),
        (
            "where: {weight: {nin: [9, 2]}}",
            "t.weight IS NULL OR t.weight NOT IN (9, 2)",
            "",
        ),
        (
            "where: {note: {nin: [\"x\"]}}",
            "t.note IS DISTINCT FROM 'x'",
            "",
        ),
        // ... and matches no comparison.
        ("where: {weight: {eq: 10}}", "t.weight = 10", ""),
        ("where: {weight: {isNull: true}}", "t.weight IS NULL", ""),
        (
            "where: {weight: {isNull: false}}",
            "t.weight IS NOT NULL",
            "",
        ),
        ("where: {note: {lte: \"y\"}}", "t.note <= 'y'", ""),
        // Numbers compare as numbers: 9 < 10 < 100 (as text, \"9\" > \"100\" > \"10\").
        ("where: {weight: {lt: 10}}", "t.weight < 10", ""),
        ("where: {weight: {gte: 10}}", "t.weight >= 10", ""),
        (
            "where: {weight: {gt: 2, lte: 100}}, orderBy: [{field: WEIGHT, direction: DESC}]",
            "t.weight > 2 AND t.weight <= 100",
            "t.weight DESC, ",
        ),
        (
            "orderBy: [{field: WEIGHT}]",
            "TRUE",
            "t.weight ASC NULLS LAST, ",
        ),
        (
            "orderBy: [{field: WEIGHT, nulls: FIRST}], limit: 3",
            "TRUE",
            "t.weight ASC NULLS FIRST, ",
        ),
    ];
    for (arguments, filter, order) in filters {
        let page = if arguments.contains("limit: 3") {
            "LIMIT 3"
        } else {
            ""
        };
        let response = blog.differential(&query(arguments), json!({})).await;
        let expected = blog
            .value(&per_shelf("items", arrays, filter, order, page))
            .await;
        assert_eq!(response, json!({"data": expected}), "{arguments}");
        // The same filter at the root selects the same items.
        if let Some(filter_argument) = arguments
            .strip_prefix("where: ")
            .filter(|a| !a.contains("orderBy"))
        {
            let root = blog
                .differential(
                    &format!("{{ items(where: {filter_argument}, orderBy: [{{field: LABEL}}]) {{ label }} }}"),
                    json!({}),
                )
                .await;
            let sql = format!(
                "SELECT json_build_object('items', coalesce(json_agg(json_build_object('label', t.label) ORDER BY t.label COLLATE \"C\"), '[]')) FROM tb_item t WHERE {filter}"
            );
            assert_eq!(
                root,
                json!({"data": blog.value(&sql).await}),
                "root {arguments}"
            );
            let nested: Vec<&str> = (response["data"]["racks"][0]["items"]
                .as_array()
                .unwrap()
                .iter())
            .map(|item| item["label"].as_str().unwrap())
            .collect();
            let mut nested = nested;
            nested.sort_unstable();
            let at_root: Vec<&str> = (root["data"]["items"].as_array().unwrap().iter())
                .map(|item| item["label"].as_str().unwrap())
                .collect();
            assert_eq!(nested, at_root, "{arguments}");
        }
    }
}

#[tokio::test]
async fn empty_missing_and_null_lists_and_pages_past_their_end() {
    let blog = shelves().await;
    let arrays = "s.shape = 'array'";
    let query = |list: &str, arguments: &str| {
        format!(
            "{{ racks(where: {{name: {{in: [\"A\", \"B\"]}}}}, orderBy: [{{field: NAME}}]) {{ name {list}({arguments}) {{ label }} }} }}"
        )
    };
    for (arguments, page) in [
        ("limit: 0", "LIMIT 0"),
        ("limit: 0, offset: 1", "LIMIT 0 OFFSET 1"),
        ("offset: 6", "OFFSET 6"),
        ("offset: 100", "OFFSET 100"),
        ("offset: 5, limit: 3", "LIMIT 3 OFFSET 5"),
        ("offset: 7, limit: 1", "LIMIT 1 OFFSET 7"),
        ("limit: 7", "LIMIT 7"),
    ] {
        for list in ["items", "spare"] {
            let response = blog.differential(&query(list, arguments), json!({})).await;
            let expected = blog.value(&per_shelf(list, arrays, "TRUE", "", page)).await;
            assert_eq!(response, json!({"data": expected}), "{list}({arguments})");
        }
    }
    // B's `[]`: no element, whatever the arguments.
    let response = blog
        .differential(
            "{ rack(id: \"9d5ed678-fe57-bcca-6101-40957afab571\") { items(where: {weight: {neq: 1}}, orderBy: [{field: WEIGHT}], limit: 2) { label } itemsAggregate { count max { weight } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {"rack": {"items": [], "itemsAggregate": {"count": 0, "max": {"weight": null}}}}}),
    );
    let b: String = blog
        .client
        .query_one("SELECT md5('B')::uuid::text", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(b, "9d5ed678-fe57-bcca-6101-40957afab571");

    // C (no `items` key) and D (`items: null`): a nullable list is null, with or without
    // arguments; an aggregate counts no element.
    let response = blog
        .differential(
            "{ racks(orderBy: [{field: NAME}]) { name spare(where: {weight: {neq: 10}}, limit: 2) { label } all: spare { label } itemsAggregate { count } n: itemsAggregate(where: {weight: {isNull: true}}) { count } } }",
            json!({}),
        )
        .await;
    let sql = "SELECT json_build_object('racks', json_agg(json_build_object('name', s.name, \
        'spare', CASE WHEN s.shape = 'array' THEN (SELECT coalesce(json_agg(json_build_object('label', label) ORDER BY pos), '[]') FROM \
                   (SELECT * FROM tb_item t WHERE t.fk_shelf = s.pk_shelf AND t.weight IS DISTINCT FROM 10 ORDER BY pos LIMIT 2) t) END, \
        'all', CASE WHEN s.shape = 'array' THEN (SELECT coalesce(json_agg(json_build_object('label', label) ORDER BY pos), '[]') FROM tb_item t WHERE t.fk_shelf = s.pk_shelf) END, \
        'itemsAggregate', json_build_object('count', (SELECT count(*) FROM tb_item t WHERE t.fk_shelf = s.pk_shelf)), \
        'n', json_build_object('count', (SELECT count(*) FROM tb_item t WHERE t.fk_shelf = s.pk_shelf AND t.weight IS NULL))) \
        ORDER BY s.name)) FROM tb_shelf s";
    assert_eq!(response, json!({"data": blog.value(sql).await}));

    // A non-null list the document lacks or holds null is an error, never a silent `[]`.
    for shelf in ["C", "D"] {
        let response = blog
            .differential(
                &format!("{{ racks(where: {{name: {{eq: \"{shelf}\"}}}}) {{ name items(limit: 1) {{ label }} }} }}"),
                json!({}),
            )
            .await;
        // juniper's executor answers it (the statement refuses to expand a non-array), as for
        // any document breaking the schema's promise: a null where none may be.
        assert_eq!(response["data"], Json::Null, "{shelf}: {response}");
        assert_eq!(
            response["errors"][0]["message"],
            "Cannot return null for non-nullable field Rack.items.",
            "{shelf}: {response}"
        );
    }
}
