//! Projections on PostgreSQL: nested objects and lists, nulls, aliases, `__typename`, key order as
//! selected, more than 100 keys, and deterministic SQL text.

mod support;

use fraiseql_sql::{
    Filter, Ident, JsonPath, Name, Op, OrderBy, Projected, Projection, Root, ScalarKind, Statement,
    Target,
};
use serde_json::{Value as Json, json};
use support::{Ordered, fixture_db, relation};

fn name(n: &str) -> Name {
    Name::new(n).unwrap()
}

fn value(p: &str) -> Projected {
    Projected::Value(JsonPath::parse(p).unwrap())
}

/// The JSON at `path` in `doc` (JSON null when absent), keys order-free: scalars and arrays only.
fn at(doc: &Json, path: &str) -> Ordered {
    let value = path
        .split('.')
        .try_fold(doc, |v, k| v.get(k))
        .unwrap_or(&Json::Null);
    assert!(!value.is_object(), "{path}: compare objects field by field");
    Ordered::from_json(value)
}

fn text(s: &str) -> Ordered {
    Ordered::Scalar(json!(s))
}

const NULL: Ordered = Ordered::Scalar(Json::Null);

async fn one(client: &tokio_postgres::Client, n: u128, projection: Projection) -> String {
    let statement = Statement::value(&Root::One {
        relation: relation(),
        filter: Filter::cond(
            Target::column("id", ScalarKind::Uuid).unwrap(),
            Op::Eq(uuid::Uuid::from_u128(n).into()),
        ),
        projection,
    })
    .unwrap();
    client
        .query_one(statement.sql(), &statement.params_ref())
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn nested_objects_lists_nulls_aliases_and_typename() {
    let (_db, client, mut items) = fixture_db().await;
    // One more row whose list mixes objects with a number, a null, a string and an array.
    let mixed = support::Item {
        id: uuid::Uuid::from_u128(1000),
        tags: vec![],
        doc: json!({
            "name": "mixed",
            "meta": {"color": "red"},
            "children": [{"k": "first", "v": 1}, 1, null, "s", [], {"v": 2}, {"k": "last"}],
        }),
    };
    client
        .execute(
            "INSERT INTO tv_item (id, tags, data) VALUES ($1, $2, $3)",
            &[&mixed.id, &mixed.tags, &mixed.doc],
        )
        .await
        .unwrap();
    items.push(mixed);

    let child = Projection::new()
        .field(name("value"), value("v"))
        .field(name("key"), value("k"))
        .field(name("__typename"), Projected::Typename(name("Child")));
    let projection = Projection::new()
        .field(name("__typename"), Projected::Typename(name("Item")))
        .field(name("label"), value("name"))
        .field(name("again"), value("name"))
        .field(name("deepX"), value("meta.deep.x"))
        .field(
            name("meta"),
            Projected::Object(
                JsonPath::parse("meta").unwrap(),
                Projection::new()
                    .field(
                        name("deep"),
                        Projected::Object(
                            JsonPath::parse("deep").unwrap(),
                            Projection::new().field(name("x"), value("x")),
                        ),
                    )
                    .field(name("color"), value("color")),
            ),
        )
        .field(
            name("metaAgain"),
            Projected::Object(
                JsonPath::parse("meta").unwrap(),
                Projection::new()
                    .field(name("k"), value("k"))
                    .field(name("__typename"), Projected::Typename(name("Meta"))),
            ),
        )
        .field(
            name("kids"),
            Projected::List(JsonPath::parse("children").unwrap(), child.clone()),
        )
        .field(name("labels"), value("labels"))
        .field(
            name("notAnObject"),
            Projected::Object(
                JsonPath::parse("name").unwrap(),
                Projection::new().field(name("x"), value("x")),
            ),
        )
        .field(
            name("notAList"),
            Projected::List(JsonPath::parse("name").unwrap(), child),
        )
        .field(name("missing"), value("nope.nothing"))
        .field(name("tags"), Projected::Column(Ident::new("tags").unwrap()))
        .field(
            name("empty"),
            Projected::Object(JsonPath::parse("meta").unwrap(), Projection::new()),
        );
    let mut saw = [0; 3];
    for item in &items {
        let n = item.id.as_u128();
        let got = Ordered::parse(&one(&client, n, projection.clone()).await);
        let doc = &item.doc;
        let meta = doc.get("meta").filter(|m| m.is_object());
        let kids = match doc.get("children") {
            Some(Json::Array(kids)) => {
                saw[0] += usize::from(!kids.is_empty());
                Ordered::Array(
                    kids.iter()
                        .map(|k| match k {
                            Json::Object(_) => Ordered::object([
                                ("value", at(k, "v")),
                                ("key", at(k, "k")),
                                ("__typename", text("Child")),
                            ]),
                            _ => NULL,
                        })
                        .collect(),
                )
            }
            _ => NULL,
        };
        saw[1] += usize::from(meta.is_none());
        saw[2] += usize::from(meta.is_some_and(|m| m.get("deep").is_none()));
        let expected = Ordered::object([
            ("__typename", text("Item")),
            ("label", at(doc, "name")),
            ("again", at(doc, "name")),
            ("deepX", at(doc, "meta.deep.x")),
            (
                "meta",
                meta.map_or(NULL, |m| {
                    Ordered::object([
                        (
                            "deep",
                            match m.get("deep") {
                                Some(d) if d.is_object() => Ordered::object([("x", at(d, "x"))]),
                                _ => NULL,
                            },
                        ),
                        ("color", at(m, "color")),
                    ])
                }),
            ),
            (
                "metaAgain",
                meta.map_or(NULL, |m| {
                    Ordered::object([("k", at(m, "k")), ("__typename", text("Meta"))])
                }),
            ),
            ("kids", kids),
            ("labels", at(doc, "labels")),
            ("notAnObject", NULL),
            ("notAList", NULL),
            ("missing", NULL),
            ("tags", Ordered::from_json(&json!(item.tags))),
            ("empty", meta.map_or(NULL, |_| Ordered::Object(vec![]))),
        ]);
        assert_eq!(
            got, expected,
            "item {n}: values and key order follow the projection"
        );
    }
    assert!(
        saw.iter().all(|&s| s > 0),
        "the fixture covers lists, null objects and missing sub-objects: {saw:?}"
    );
    // A key that matches no row yields JSON null, not an error.
    assert_eq!(
        one(
            &client,
            999,
            Projection::new().field(name("x"), value("name"))
        )
        .await,
        "null"
    );
}

/// More pairs than one `json_build_object` call takes (50), at the root, in a nested object and
/// in each element of a list: all present, in order, with their values.
#[tokio::test]
async fn more_than_a_hundred_keys() {
    let (_db, client, items) = fixture_db().await;
    // A row with a sub-object and a list of at least two objects.
    let item = items
        .iter()
        .find(|i| {
            i.doc.get("meta").is_some_and(Json::is_object)
                && i.doc
                    .get("children")
                    .and_then(Json::as_array)
                    .is_some_and(|kids| kids.len() >= 2)
        })
        .unwrap();
    let doc = &item.doc;
    let sources = ["name", "n", "f", "ok", "day", "amount"];
    let wide = |count: usize, sources: &[&str]| {
        (0..count).fold(Projection::new(), |p, i| {
            p.field(name(&format!("f{i}")), value(sources[i % sources.len()]))
        })
    };
    let expected_wide = |count: usize, sources: &[&str], doc: &Json| {
        Ordered::Object(
            (0..count)
                .map(|i| (format!("f{i}"), at(doc, sources[i % sources.len()])))
                .collect(),
        )
    };
    for count in [1, 49, 50, 51, 60, 99, 100, 101, 150, 230] {
        let got = Ordered::parse(&one(&client, item.id.as_u128(), wide(count, &sources)).await);
        assert_eq!(got, expected_wide(count, &sources, doc), "{count} keys");

        let nested = Projection::new()
            .field(name("before"), value("name"))
            .field(
                name("meta"),
                Projected::Object(
                    JsonPath::parse("meta").unwrap(),
                    wide(count, &["color", "k"]),
                ),
            )
            .field(
                name("kids"),
                Projected::List(
                    JsonPath::parse("children").unwrap(),
                    wide(count, &["k", "v"]),
                ),
            )
            .field(name("after"), value("n"));
        let got = Ordered::parse(&one(&client, item.id.as_u128(), nested).await);
        let kids = doc["children"].as_array().unwrap();
        assert!(kids.len() >= 2, "the row has a list to project");
        let expected = Ordered::object([
            ("before", at(doc, "name")),
            ("meta", expected_wide(count, &["color", "k"], &doc["meta"])),
            (
                "kids",
                Ordered::Array(
                    kids.iter()
                        .map(|k| expected_wide(count, &["k", "v"], k))
                        .collect(),
                ),
            ),
            ("after", at(doc, "n")),
        ]);
        assert_eq!(got, expected, "{count} keys nested and in list elements");
    }

    // 120 root fields in one statement, in order, each the count the evaluator expects.
    let filter = |i: i64| {
        Filter::cond(
            Target::path("n", ScalarKind::Int).unwrap(),
            Op::Gt((i % 20 - 10).into()),
        )
    };
    let roots: Vec<(Name, Root)> = (0..120)
        .map(|i| {
            (
                name(&format!("r{i}")),
                Root::Count {
                    relation: relation(),
                    filter: filter(i),
                },
            )
        })
        .collect();
    let statement = Statement::select(&roots).unwrap();
    let text: String = client
        .query_one(statement.sql(), &statement.params_ref())
        .await
        .unwrap()
        .get(0);
    let expected = Ordered::Object(
        (0..120)
            .map(|i| {
                let count = support::expected_ids(&items, &filter(i)).len();
                (format!("r{i}"), Ordered::Scalar(json!(count)))
            })
            .collect(),
    );
    assert_eq!(Ordered::parse(&text), expected, "120 root fields");
}

#[test]
fn rendering_is_deterministic() {
    let build = |needle: &str, limit| {
        Statement::select(&[(
            name("items"),
            Root::List {
                relation: relation(),
                filter: Filter::cond(
                    Target::path("name", ScalarKind::Text).unwrap(),
                    Op::Contains(needle.into()),
                )
                .and(Filter::any(
                    JsonPath::parse("children").unwrap(),
                    Filter::cond(
                        Target::path("v", ScalarKind::Int).unwrap(),
                        Op::Eq(1.into()),
                    ),
                )),
                order: vec![OrderBy::desc(Target::path("n", ScalarKind::Int).unwrap())],
                limit: Some(limit),
                offset: 0,
                projection: Projection::new().field(
                    name("kids"),
                    Projected::List(
                        JsonPath::parse("children").unwrap(),
                        Projection::new().field(name("k"), value("k")),
                    ),
                ),
            },
        )])
        .unwrap()
    };
    let (a, b, c) = (build("x", 10), build("x", 10), build("other", 10));
    assert_eq!(a, b, "same input, same statement");
    assert_eq!(a.sql(), c.sql(), "same shape, same SQL text");
    assert_ne!(a.params(), c.params(), "only the params differ");
    // Page bounds are validated integers written into the text (so the planner sees them),
    // never params: another limit is another statement with the same params.
    let d = build("x", 99);
    assert_eq!(a.params(), d.params());
    assert_eq!(a.sql().replace("LIMIT 10", "LIMIT 99"), d.sql());
}

/// An embedded object or list the schema declares non-null is projected with no type test; a
/// nullable one still reads as null when the document holds JSON null, no key, or another type,
/// and a nullable list's elements that are not objects read as null.
#[tokio::test]
async fn type_tests_only_where_the_document_may_hold_another_type() {
    let docs = [
        json!({"o": {"y": "b", "x": 1}, "l": [{"x": 1}, {"x": 2, "y": "c"}]}),
        json!({"o": {}, "l": []}),
        json!({"o": null, "l": null}),
        json!({}),
        json!({"o": 5, "l": 5}),
        json!({"o": "s", "l": "s"}),
        json!({"o": true, "l": false}),
        json!({"o": [{"x": 1}], "l": {"x": 1}}),
        json!({"o": {"x": [1, {"y": 2}]}, "l": [null, 1, {"x": 3}, "s", [], {}]}),
    ];
    let items: Vec<support::Item> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| support::Item {
            id: uuid::Uuid::from_u128(i as u128 + 1),
            tags: vec![],
            doc: doc.clone(),
        })
        .collect();
    let (_db, client, items) = support::fixture_db_with(items).await;

    let fields = || {
        Projection::new()
            .field(name("x"), value("x"))
            .field(name("y"), value("y"))
    };
    let path = |p: &str| JsonPath::parse(p).unwrap();
    let nullable = Projection::new()
        .field(name("o"), Projected::Object(path("o"), fields()))
        .field(name("l"), Projected::List(path("l"), fields()));
    let non_null = Projection::new()
        .field(name("o"), Projected::NonNullObject(path("o"), fields()))
        .field(name("l"), Projected::NonNullList(path("l"), fields()));

    // The SQL: type tests for the nullable fields only.
    let sql = |projection: &Projection| {
        Statement::value(&Root::One {
            relation: relation(),
            filter: Filter::all(),
            projection: projection.clone(),
        })
        .unwrap()
        .sql()
        .to_owned()
    };
    assert_eq!(
        sql(&nullable).matches("jsonb_typeof(").count(),
        3,
        "the object, the list and each element are tested: {}",
        sql(&nullable)
    );
    let lean = sql(&non_null);
    assert!(
        !lean.contains("jsonb_typeof") && !lean.contains("CASE"),
        "no type test: {lean}"
    );
    assert!(
        lean.contains(
            r#"'o', json_build_object('x', t."data"->'o'->'x', 'y', t."data"->'o'->'y')"#
        ),
        "{lean}"
    );

    let fields_of = |o: &Json| Ordered::object([("x", at(o, "x")), ("y", at(o, "y"))]);
    let mut checked_non_null = 0;
    for item in &items {
        let n = item.id.as_u128();
        let doc = &item.doc;
        let object = match doc.get("o") {
            Some(o @ Json::Object(_)) => Some(fields_of(o)),
            _ => None,
        };
        let list = match doc.get("l") {
            Some(Json::Array(elements)) => Some(Ordered::Array(
                elements
                    .iter()
                    .map(|e| if e.is_object() { fields_of(e) } else { NULL })
                    .collect(),
            )),
            _ => None,
        };
        let got = Ordered::parse(&one(&client, n, nullable.clone()).await);
        let expected = Ordered::object([
            ("o", object.clone().unwrap_or(NULL)),
            ("l", list.clone().unwrap_or(NULL)),
        ]);
        assert_eq!(got, expected, "nullable, document {doc}");

        // Where the document keeps the non-null promise, the answer is the same without tests.
        let objects_only = doc
            .get("l")
            .and_then(Json::as_array)
            .is_some_and(|l| l.iter().all(Json::is_object));
        if object.is_some() && objects_only {
            let got = Ordered::parse(&one(&client, n, non_null.clone()).await);
            assert_eq!(got, expected, "non-null, document {doc}");
            checked_non_null += 1;
        }
    }
    assert_eq!(
        checked_non_null, 2,
        "documents holding an object and a list of objects"
    );

    // Where it breaks the promise, what the variants document: an object of nulls for the
    // object; an error, never a silent `[]`, for a list the document lacks or holds as null.
    let only_object =
        Projection::new().field(name("o"), Projected::NonNullObject(path("o"), fields()));
    let got = Ordered::parse(&one(&client, 4, only_object).await);
    let expected = Ordered::object([("o", Ordered::object([("x", NULL), ("y", NULL)]))]);
    assert_eq!(got, expected, "non-null, document {}", items[3].doc);
    for (n, message) in [
        (3, "cannot extract elements from a scalar"),
        (4, "cannot extract elements from a scalar"),
        (8, "cannot extract elements from an object"),
    ] {
        let statement = Statement::value(&Root::One {
            relation: relation(),
            filter: Filter::cond(
                Target::column("id", ScalarKind::Uuid).unwrap(),
                Op::Eq(uuid::Uuid::from_u128(n).into()),
            ),
            projection: non_null.clone(),
        })
        .unwrap();
        let error = client
            .query_one(statement.sql(), &statement.params_ref())
            .await
            .unwrap_err();
        assert!(
            error.as_db_error().is_some_and(|e| e.message() == message),
            "document {n}: {error:?}"
        );
    }
}

/// Inside a list element, the lean and the tested forms nest in each other.
#[tokio::test]
async fn non_null_and_nullable_embeddings_nest() {
    let doc = json!({"posts": [
        {"author": {"name": "a"}, "editor": null, "comments": [{"by": {"name": "b"}}]},
        {"author": {"name": "c"}, "editor": {"name": "d"}, "comments": []},
        {"author": {"name": "e"}, "comments": [{"by": {"name": "f"}}, {"by": 1}]},
    ]});
    let item = support::Item {
        id: uuid::Uuid::from_u128(1),
        tags: vec![],
        doc,
    };
    let (_db, client, _) = support::fixture_db_with(vec![item]).await;
    let path = |p: &str| JsonPath::parse(p).unwrap();
    let person = || Projection::new().field(name("name"), value("name"));
    let comment = Projection::new().field(name("by"), Projected::Object(path("by"), person()));
    let post = Projection::new()
        .field(
            name("author"),
            Projected::NonNullObject(path("author"), person()),
        )
        .field(name("editor"), Projected::Object(path("editor"), person()))
        .field(
            name("comments"),
            Projected::NonNullList(path("comments"), comment),
        );
    let projection =
        Projection::new().field(name("posts"), Projected::NonNullList(path("posts"), post));
    let got = one(&client, 1, projection).await;
    let expected = r#"{"posts": [
        {"author": {"name": "a"}, "editor": null, "comments": [{"by": {"name": "b"}}]},
        {"author": {"name": "c"}, "editor": {"name": "d"}, "comments": []},
        {"author": {"name": "e"}, "editor": null, "comments": [{"by": {"name": "f"}}, {"by": null}]}
    ]}"#;
    assert_eq!(Ordered::parse(&got), Ordered::parse(expected));
}

/// `Null` reads nothing; `Nulls` gives one null per element of an array, and null for anything
/// else (missing, null, an object).
#[tokio::test]
async fn constant_nulls_read_nothing() {
    let doc = json!({"secret": "s", "kids": [{"a": 1}, 2, null], "none": [], "obj": {"a": 1}});
    let item = support::Item {
        id: uuid::Uuid::from_u128(1),
        tags: vec![],
        doc,
    };
    let (_db, client, _) = support::fixture_db_with(vec![item]).await;
    let path = |p: &str| JsonPath::parse(p).unwrap();
    let projection = Projection::new()
        .field(name("secret"), Projected::Null)
        .field(name("kids"), Projected::Nulls(path("kids")))
        .field(name("none"), Projected::Nulls(path("none")))
        .field(name("obj"), Projected::Nulls(path("obj")))
        .field(name("missing"), Projected::Nulls(path("missing")));
    let got = one(&client, 1, projection).await;
    let expected =
        r#"{"secret": null, "kids": [null, null, null], "none": [], "obj": null, "missing": null}"#;
    assert_eq!(Ordered::parse(&got), Ordered::parse(expected));
}

/// A statement bound to new slot values answers exactly as the statement rendered for those
/// values; a filter of another shape does not fit the slot.
#[tokio::test]
async fn rebound_statements_answer_as_freshly_rendered_ones() {
    let (_db, client, _items) = fixture_db().await;
    let by_name = |needle: &str, min: i64| {
        Filter::cond(
            Target::path("name", ScalarKind::Text).unwrap(),
            Op::Contains(needle.into()),
        )
        .slot(0)
        .and(
            Filter::cond(
                Target::path("n", ScalarKind::Int).unwrap(),
                Op::Gte(min.into()),
            )
            .slot(1),
        )
    };
    let list = |filter| {
        Statement::select(&[(
            name("items"),
            Root::List {
                relation: relation(),
                filter,
                order: vec![OrderBy::asc(
                    Target::column("id", ScalarKind::Uuid).unwrap(),
                )],
                limit: Some(50),
                offset: 0,
                projection: Projection::new().field(name("name"), value("name")),
            },
        )])
        .unwrap()
    };
    let run = |statement: Statement| {
        let client = &client;
        async move {
            let row = client
                .query_one(statement.sql(), &statement.params_ref())
                .await
                .unwrap();
            row.get::<_, String>(0)
        }
    };
    let kept = list(by_name("x", 0));
    assert_eq!(kept.slots(), [(0, 0..1), (1, 1..2)]);
    for (needle, min) in [("a", 0), ("e", 3), ("%", 1), ("item", -5)] {
        let filter = |n: usize| match by_name(needle, min) {
            Filter::And(mut parts) => parts.remove(n),
            other => panic!("{other:?}"),
        };
        let rebound = kept.rebind(&[(0, filter(0)), (1, filter(1))]).unwrap();
        assert_eq!(rebound.sql(), kept.sql());
        assert_eq!(run(rebound).await, run(list(by_name(needle, min))).await);
    }
    // Another shape: two params where the slot holds one, another type, or no such slot.
    let text = Target::path("name", ScalarKind::Text).unwrap();
    let two = Filter::cond(text.clone(), Op::Contains("a".into()))
        .and(Filter::cond(text.clone(), Op::Contains("b".into())));
    let uuid = Filter::cond(
        Target::column("id", ScalarKind::Uuid).unwrap(),
        Op::Eq(uuid::Uuid::nil().into()),
    );
    for (slot, filter) in [
        (0, two),
        (1, uuid),
        (7, Filter::cond(text, Op::Eq("a".into()))),
    ] {
        assert!(
            kept.rebind(&[(slot, filter.clone())]).is_err(),
            "{slot} {filter:?}"
        );
    }
}
