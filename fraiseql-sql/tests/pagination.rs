//! Pages: Relay connections walked forwards and backwards over several orderings (with duplicate
//! and null sort values) lose or repeat no row; limit/offset lists; cursors that were tampered
//! with, or issued for another ordering, relation or key, are refused.

mod support;

use std::cmp::Ordering;

use fraiseql_sql::{
    Connection, ConnectionField, CursorKey, Direction, EdgeField, Error, Filter, Name, Nulls, Op,
    OrderBy, Page, PageInfoField, Relation, Root, ScalarKind, Source, Statement, Target,
};
use serde_json::Value as Json;
use support::{
    Item, Scalar, fixture_db, fixture_db_with, id_projection, items_n, relation, scalar,
};
use tokio_postgres::Client;
use uuid::Uuid;

fn name(n: &str) -> Name {
    Name::new(n).unwrap()
}

fn forward(first: u32, after: Option<String>) -> Page {
    Page::Forward { first, after }
}

fn backward(last: u32, before: Option<String>) -> Page {
    Page::Backward { last, before }
}

fn connection(order: &[OrderBy], filter: &Filter, page: Page, key: &CursorKey) -> Root {
    Root::Connection(Connection {
        relation: relation(),
        filter: filter.clone(),
        order: order.to_vec(),
        page,
        cursor_key: key.clone(),
        fields: vec![
            (name("totalCount"), ConnectionField::TotalCount),
            (
                name("edges"),
                ConnectionField::Edges(vec![
                    (name("cursor"), EdgeField::Cursor),
                    (name("node"), EdgeField::Node(id_projection())),
                ]),
            ),
            (
                name("pageInfo"),
                ConnectionField::PageInfo(vec![
                    (name("hasNextPage"), Ok(PageInfoField::HasNextPage)),
                    (name("hasPreviousPage"), Ok(PageInfoField::HasPreviousPage)),
                    (name("startCursor"), Ok(PageInfoField::StartCursor)),
                    (name("endCursor"), Ok(PageInfoField::EndCursor)),
                    (name("__typename"), Err(name("PageInfo"))),
                ]),
            ),
        ],
    })
}

struct Fetched {
    ids: Vec<Uuid>,
    cursors: Vec<String>,
    has_next: bool,
    has_previous: bool,
    start: Option<String>,
    end: Option<String>,
    total: i64,
}

async fn fetch(client: &Client, root: &Root) -> Result<Fetched, Error> {
    let statement = Statement::value(root)?;
    let text: String = client
        .query_one(statement.sql(), &statement.params_ref())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{}", statement.sql()))
        .get(0);
    let json: Json = serde_json::from_str(&text).unwrap();
    let edges = json["edges"].as_array().unwrap();
    let info = &json["pageInfo"];
    assert_eq!(info["__typename"], "PageInfo");
    Ok(Fetched {
        ids: edges
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().parse().unwrap())
            .collect(),
        cursors: edges
            .iter()
            .map(|e| e["cursor"].as_str().unwrap().to_owned())
            .collect(),
        has_next: info["hasNextPage"].as_bool().unwrap(),
        has_previous: info["hasPreviousPage"].as_bool().unwrap(),
        start: info["startCursor"].as_str().map(str::to_owned),
        end: info["endCursor"].as_str().map(str::to_owned),
        total: json["totalCount"].as_i64().unwrap(),
    })
}

/// The order the Rust side expects: each key with its direction and null placement, then id.
fn expected_order(items: &[Item], filter: &Filter, order: &[OrderBy]) -> Vec<Uuid> {
    let key = |item: &Item, by: &OrderBy| -> Option<Scalar> {
        let Source::Path(path) = by.target().source() else {
            panic!("paths only")
        };
        let fraiseql_sql::Kind::Scalar(kind) = by.target().kind() else {
            panic!("scalars only")
        };
        let value = path
            .keys()
            .iter()
            .try_fold(&item.doc, |v, k| v.get(k.as_str()))?;
        scalar(kind, value)
    };
    let mut rows: Vec<&Item> = items
        .iter()
        .filter(|item| support::eval(filter, item, &item.doc, true))
        .collect();
    rows.sort_by(|a, b| {
        for by in order {
            let (x, y) = (key(a, by), key(b, by));
            let ordering = match (&x, &y) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => {
                    if by.resolved_nulls() == Nulls::First {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (Some(_), None) => {
                    if by.resolved_nulls() == Nulls::First {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (Some(x), Some(y)) => {
                    let o = x.partial_cmp(y).unwrap();
                    if by.direction() == Direction::Desc {
                        o.reverse()
                    } else {
                        o
                    }
                }
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        a.id.cmp(&b.id)
    });
    rows.iter().map(|i| i.id).collect()
}

fn orderings() -> Vec<(&'static str, Vec<OrderBy>)> {
    let n = || Target::path("n", ScalarKind::Int).unwrap();
    let name = || Target::path("name", ScalarKind::Text).unwrap();
    let f = || Target::path("f", ScalarKind::Float).unwrap();
    let day = || Target::path("day", ScalarKind::Date).unwrap();
    let path = |p: &str, kind| Target::path(p, kind).unwrap();
    vec![
        ("none (id only)", vec![]),
        ("int asc", vec![OrderBy::asc(n())]),
        ("int desc", vec![OrderBy::desc(n())]),
        ("int asc nulls first", vec![OrderBy::asc(n()).nulls_first()]),
        ("int desc nulls last", vec![OrderBy::desc(n()).nulls_last()]),
        (
            "text asc, int desc",
            vec![OrderBy::asc(name()), OrderBy::desc(n())],
        ),
        (
            "text desc nulls last, float asc nulls first",
            vec![
                OrderBy::desc(name()).nulls_last(),
                OrderBy::asc(f()).nulls_first(),
            ],
        ),
        (
            "date desc, text asc",
            vec![OrderBy::desc(day()), OrderBy::asc(name())],
        ),
        ("text asc", vec![OrderBy::asc(name())]),
        (
            "numeric (decimal text) asc nulls first",
            vec![OrderBy::asc(path("amount", ScalarKind::Numeric)).nulls_first()],
        ),
        (
            "timestamp desc",
            vec![OrderBy::desc(path("at", ScalarKind::Timestamp))],
        ),
        (
            "bool desc nulls last, bigint asc, uuid desc",
            vec![
                OrderBy::desc(path("ok", ScalarKind::Bool)).nulls_last(),
                OrderBy::asc(path("big", ScalarKind::BigInt)),
                OrderBy::desc(path("uid", ScalarKind::Uuid)),
            ],
        ),
        (
            "float with 17 significant digits desc",
            vec![OrderBy::desc(path("ratio", ScalarKind::Float))],
        ),
        (
            "nested int asc, float desc",
            vec![
                OrderBy::asc(path("meta.k", ScalarKind::Int)),
                OrderBy::desc(f()),
            ],
        ),
    ]
}

/// Rows in the pagination fixture: not a multiple of the page size 5, a multiple of 19.
const ROWS: u32 = 57;

#[tokio::test]
async fn connections_walk_forwards_and_backwards_without_loss() {
    let (_db, client, items) = fixture_db_with(items_n(ROWS)).await;
    let key = CursorKey::new(b"test key");
    let filters = [
        ("all rows", Filter::all()),
        (
            "filtered",
            Filter::cond(
                Target::path("n", ScalarKind::Int).unwrap(),
                Op::Neq(0.into()),
            ),
        ),
    ];
    let mut walks = 0;
    for (filter_label, filter) in &filters {
        for (order_label, order) in orderings() {
            let expected = expected_order(&items, filter, &order);
            assert!(expected.len() > 40, "{filter_label} / {order_label}");
            for size in [5, 19] {
                let label = format!("{filter_label} / {order_label} / pages of {size}");
                walk(&client, &key, filter, &order, size, &expected, &label).await;
                walks += 1;
            }
        }
    }
    assert_eq!(walks, 2 * 2 * orderings().len());
}

/// Walks the whole connection forwards then backwards, `size` rows a page, checking every page.
async fn walk(
    client: &Client,
    key: &CursorKey,
    filter: &Filter,
    order: &[OrderBy],
    size: u32,
    expected: &[Uuid],
    label: &str,
) {
    // Forwards.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = fetch(
            client,
            &connection(order, filter, forward(size, after.clone()), key),
        )
        .await
        .unwrap();
        assert_eq!(page.total, expected.len() as i64, "{label}: totalCount");
        assert_eq!(
            page.has_previous,
            after.is_some(),
            "{label}: hasPreviousPage forwards after {} rows",
            seen.len()
        );
        assert_eq!(
            page.start.as_ref(),
            page.cursors.first(),
            "{label}: startCursor"
        );
        assert_eq!(page.end.as_ref(), page.cursors.last(), "{label}: endCursor");
        let want = &expected[seen.len()..(seen.len() + size as usize).min(expected.len())];
        assert_eq!(page.ids, want, "{label}: page after {} rows", seen.len());
        seen.extend(page.ids.iter().copied());
        assert_eq!(
            page.has_next,
            seen.len() < expected.len(),
            "{label}: hasNextPage after {} rows",
            seen.len()
        );
        if !page.has_next {
            break;
        }
        after = page.end;
    }
    assert_eq!(seen, expected, "{label}: forwards");

    // Backwards, from the end.
    let mut seen_backwards: Vec<Uuid> = Vec::new();
    let mut before = None;
    loop {
        let page = fetch(
            client,
            &connection(order, filter, backward(size, before.clone()), key),
        )
        .await
        .unwrap();
        assert_eq!(page.total, expected.len() as i64, "{label}: totalCount");
        assert_eq!(
            page.has_next,
            before.is_some(),
            "{label}: hasNextPage backwards"
        );
        assert_eq!(
            page.start.as_ref(),
            page.cursors.first(),
            "{label}: startCursor backwards"
        );
        assert_eq!(
            page.end.as_ref(),
            page.cursors.last(),
            "{label}: endCursor backwards"
        );
        let remaining = expected.len() - seen_backwards.len();
        let want = &expected[remaining.saturating_sub(size as usize)..remaining];
        assert_eq!(
            page.ids,
            want,
            "{label}: page before the last {} rows",
            seen_backwards.len()
        );
        seen_backwards.splice(0..0, page.ids.iter().copied());
        assert_eq!(
            page.has_previous,
            seen_backwards.len() < expected.len(),
            "{label}: hasPreviousPage backwards"
        );
        if !page.has_previous {
            break;
        }
        before = page.start;
    }
    assert_eq!(seen_backwards, expected, "{label}: backwards");
}

#[tokio::test]
async fn cursors_mix_directions_and_edge_cases() {
    let (_db, client, items) = fixture_db().await;
    let key = CursorKey::new(b"test key");
    let order = vec![OrderBy::asc(Target::path("n", ScalarKind::Int).unwrap())];
    let expected = expected_order(&items, &Filter::all(), &order);

    // A cursor taken forwards serves a backward page: the rows just before it.
    let first = fetch(
        &client,
        &connection(&order, &Filter::all(), forward(12, None), &key),
    )
    .await
    .unwrap();
    let back = fetch(
        &client,
        &connection(
            &order,
            &Filter::all(),
            backward(4, Some(first.cursors[9].clone())),
            &key,
        ),
    )
    .await
    .unwrap();
    assert_eq!(back.ids, expected[5..9]);
    assert!(back.has_next && back.has_previous);

    // first: 0 returns no edges but says whether rows exist.
    let zero = fetch(
        &client,
        &connection(&order, &Filter::all(), forward(0, None), &key),
    )
    .await
    .unwrap();
    assert!(zero.ids.is_empty() && zero.has_next && zero.start.is_none() && zero.end.is_none());
    assert!(!zero.has_previous && zero.total == expected.len() as i64);

    // last: 0 likewise, backwards: rows exist before, none after.
    let zero_back = fetch(
        &client,
        &connection(&order, &Filter::all(), backward(0, None), &key),
    )
    .await
    .unwrap();
    assert!(zero_back.ids.is_empty() && zero_back.has_previous && !zero_back.has_next);

    // Before the first row: an empty page with a next page and no previous one.
    let before_first = fetch(
        &client,
        &connection(
            &order,
            &Filter::all(),
            backward(5, Some(first.cursors[0].clone())),
            &key,
        ),
    )
    .await
    .unwrap();
    assert!(
        before_first.ids.is_empty() && before_first.has_next && !before_first.has_previous,
        "before the first row"
    );

    // A page larger than the relation holds it all.
    let everything = fetch(
        &client,
        &connection(&order, &Filter::all(), forward(1000, None), &key),
    )
    .await
    .unwrap();
    assert_eq!(everything.ids, expected);
    assert!(!everything.has_next && !everything.has_previous);

    // An empty result.
    let nothing = Filter::cond(
        Target::path("n", ScalarKind::Int).unwrap(),
        Op::Gt(1000.into()),
    );
    let empty = fetch(
        &client,
        &connection(&order, &nothing, forward(5, None), &key),
    )
    .await
    .unwrap();
    assert!(
        empty.ids.is_empty()
            && !empty.has_next
            && !empty.has_previous
            && empty.end.is_none()
            && empty.total == 0
    );

    // After the last row: an empty page with a previous page.
    let last = fetch(
        &client,
        &connection(&order, &Filter::all(), backward(1, None), &key),
    )
    .await
    .unwrap();
    let past = fetch(
        &client,
        &connection(&order, &Filter::all(), forward(5, last.end.clone()), &key),
    )
    .await
    .unwrap();
    assert!(past.ids.is_empty() && !past.has_next && past.has_previous);
}

#[tokio::test]
async fn limit_offset_lists() {
    let (_db, client, items) = fixture_db().await;
    // Ties on f are broken by the id inside the document, so the expected order is total; the
    // other orderings (keys from the document, each computed once in the page and sorted by
    // again in the aggregate) rely on the id column as the final tiebreak. No order at all is
    // the key's order, so its offset pages partition the rows too.
    let mut orders = vec![
        vec![
            OrderBy::desc(Target::path("f", ScalarKind::Float).unwrap()).nulls_last(),
            OrderBy::asc(Target::path("id", ScalarKind::Uuid).unwrap()),
        ],
        vec![],
    ];
    orders.extend(orderings().into_iter().map(|(_, order)| order));
    for (order, (limit, offset)) in orders.iter().flat_map(|order| {
        [
            (Some(5), 0),
            (Some(5), 5),
            (Some(7), 35),
            (None, 3),
            (Some(0), 0),
            (Some(10), 100),
        ]
        .map(|page| (order, page))
    }) {
        let expected = expected_order(&items, &Filter::all(), order);
        let statement = Statement::value(&Root::List {
            relation: relation(),
            filter: Filter::all(),
            order: order.clone(),
            limit,
            offset,
            projection: id_projection(),
        })
        .unwrap();
        let text: String = client
            .query_one(statement.sql(), &statement.params_ref())
            .await
            .unwrap()
            .get(0);
        let rows: Vec<Json> = serde_json::from_str(&text).unwrap();
        let ids: Vec<Uuid> = rows
            .iter()
            .map(|r| r["id"].as_str().unwrap().parse().unwrap())
            .collect();
        let start = (offset as usize).min(expected.len());
        let end = limit.map_or(expected.len(), |l| (start + l as usize).min(expected.len()));
        assert_eq!(
            ids,
            expected[start..end],
            "{order:?} limit {limit:?} offset {offset}"
        );
    }
}

#[tokio::test]
async fn foreign_or_tampered_cursors_are_refused() {
    let (_db, client, _items) = fixture_db().await;
    let key = CursorKey::new(b"test key");
    let by_n = vec![OrderBy::asc(Target::path("n", ScalarKind::Int).unwrap())];
    let by_name = vec![OrderBy::asc(
        Target::path("name", ScalarKind::Text).unwrap(),
    )];
    let page = fetch(
        &client,
        &connection(&by_n, &Filter::all(), forward(3, None), &key),
    )
    .await
    .unwrap();
    let cursor = page.end.unwrap();

    let render = |order: &[OrderBy], cursor: String, key: &CursorKey| {
        Statement::value(&connection(
            order,
            &Filter::all(),
            forward(3, Some(cursor)),
            key,
        ))
    };
    assert!(
        render(&by_n, cursor.clone(), &key).is_ok(),
        "the genuine cursor works"
    );

    let mut flipped = 0;
    for i in 0..cursor.len() {
        let mut bytes = cursor.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        if altered == cursor {
            continue;
        }
        assert!(
            matches!(render(&by_n, altered, &key), Err(Error::InvalidCursor(_))),
            "byte {i} altered"
        );
        flipped += 1;
    }
    assert!(flipped > 20);
    assert!(
        matches!(
            render(&by_name, cursor.clone(), &key),
            Err(Error::InvalidCursor(_))
        ),
        "another ordering"
    );
    assert!(
        matches!(
            render(&by_n, cursor.clone(), &CursorKey::new(b"other key")),
            Err(Error::InvalidCursor(_))
        ),
        "another key"
    );
    let other_relation = Root::Connection(Connection {
        relation: Relation::new("tv_other").unwrap(),
        filter: Filter::all(),
        order: by_n.clone(),
        page: forward(3, Some(cursor.clone())),
        cursor_key: key.clone(),
        fields: vec![(name("totalCount"), ConnectionField::TotalCount)],
    });
    assert!(
        matches!(
            Statement::value(&other_relation),
            Err(Error::InvalidCursor(_))
        ),
        "another relation"
    );
    for garbage in [
        "",
        ".",
        "abc",
        "a.b",
        "eyJ4Ijo0Mn0.AAAAAAAAAAAAAAAAAAAAAA",
        "💥.💥",
    ] {
        assert!(
            matches!(
                render(&by_n, garbage.into(), &key),
                Err(Error::InvalidCursor(_))
            ),
            "{garbage:?}"
        );
    }
    // A well-formed cursor with the right MAC but the wrong number of values is refused too.
    let conn = Connection {
        relation: relation(),
        filter: Filter::all(),
        order: by_n.clone(),
        page: forward(3, None),
        cursor_key: key.clone(),
        fields: vec![],
    };
    let short = key.encode(&conn.cursor_domain().unwrap(), &[Some("1".into())]);
    assert!(matches!(
        render(&by_n, short, &key),
        Err(Error::InvalidCursor(_))
    ));
}

/// A list's order keys read from the document are computed once, as columns of the page, and
/// the aggregate sorts by those columns; a real column is read as it is.
#[test]
fn list_order_keys_from_the_document_are_computed_once() {
    let statement = Statement::value(&Root::List {
        relation: relation(),
        filter: Filter::all(),
        order: vec![
            OrderBy::desc(Target::path("n", ScalarKind::Int).unwrap()).nulls_last(),
            OrderBy::asc(Target::column("id", ScalarKind::Uuid).unwrap()),
            OrderBy::asc(Target::path("name", ScalarKind::Text).unwrap()),
        ],
        limit: Some(5),
        offset: 0,
        projection: id_projection(),
    })
    .unwrap();
    let sql = statement.sql();
    assert!(
        sql.contains(r##" ORDER BY t."#o1" DESC NULLS LAST, t."id" ASC NULLS LAST, t."#o3" ASC NULLS LAST), '[]'::json)"##),
        "an order holding the key column is total; the key is not appended again: {sql}"
    );
    assert!(sql.contains(r#" ASC NULLS LAST LIMIT 5)"#), "{sql}");
    assert!(
        sql.contains(r##"(SELECT t."data", t."id", (t."data"->>'n')::integer AS "#o1", t."data"->>'name' AS "#o3" FROM "tv_item" AS t"##),
        "{sql}"
    );
    assert_eq!(
        sql.matches(r#"t."data"->>'name'"#).count(),
        2,
        "select list and page order: {sql}"
    );
}

/// A page passes on only the columns read after it: the document, the key, and the real columns
/// the order and the projection name, which still answer correctly.
#[tokio::test]
async fn list_pages_pass_on_the_columns_read() {
    let (_db, client, items) = fixture_db().await;
    let root = Root::List {
        relation: relation(),
        filter: Filter::all(),
        order: vec![OrderBy::desc(
            Target::column("id", ScalarKind::Uuid).unwrap(),
        )],
        limit: Some(4),
        offset: 1,
        projection: fraiseql_sql::Projection::new()
            .field(
                name("tags"),
                fraiseql_sql::Projected::Column(fraiseql_sql::Ident::new("tags").unwrap()),
            )
            .field(
                name("id"),
                fraiseql_sql::Projected::Value(fraiseql_sql::JsonPath::parse("id").unwrap()),
            ),
    };
    let statement = Statement::value(&root).unwrap();
    assert!(
        statement
            .sql()
            .contains(r#"FROM (SELECT t."data", t."id", t."tags" FROM "tv_item" AS t"#),
        "{}",
        statement.sql()
    );
    let text: String = client
        .query_one(statement.sql(), &statement.params_ref())
        .await
        .unwrap()
        .get(0);
    let mut expected: Vec<&Item> = items.iter().collect();
    expected.sort_by_key(|i| std::cmp::Reverse(i.id));
    let expected: Vec<Json> = expected[1..5]
        .iter()
        .map(|i| serde_json::json!({"tags": i.tags, "id": i.doc["id"]}))
        .collect();
    let got: Vec<Json> = serde_json::from_str(&text).unwrap();
    assert_eq!(got, expected);
}
