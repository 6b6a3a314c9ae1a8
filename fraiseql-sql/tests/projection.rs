//! Projections on PostgreSQL: nested objects and lists, nulls, aliases, `__typename`, key order as
//! selected, more than 100 keys, and deterministic SQL text.

mod support;

use fraiseql_sql::{
    Filter, Ident, JsonPath, Name, Op, OrderBy, Projected, Projection, Root, ScalarKind, Statement,
    Target,
};
use serde_json::{Value as Json, json};
use support::{fixture_db, relation};

fn name(n: &str) -> Name {
    Name::new(n).unwrap()
}

fn value(p: &str) -> Projected {
    Projected::Value(JsonPath::parse(p).unwrap())
}

/// The object keys of a JSON object text, in the order they are written.
fn keys_in_order(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let value: serde_json::Map<String, Json> = serde_json::from_str(text).unwrap();
    let mut position = 0;
    let mut found: Vec<(usize, String)> = value
        .keys()
        .map(|k| {
            let needle = format!("\"{k}\" :");
            (text.find(&needle).unwrap_or(usize::MAX), k.clone())
        })
        .collect();
    found.sort();
    for (at, key) in found {
        assert!(at != usize::MAX && at >= position);
        position = at;
        keys.push(key);
    }
    keys
}

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
    let (_db, client, items) = fixture_db().await;
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
                    .field(name("color"), value("color"))
                    .field(
                        name("deep"),
                        Projected::Object(
                            JsonPath::parse("deep").unwrap(),
                            Projection::new().field(name("x"), value("x")),
                        ),
                    ),
            ),
        )
        .field(
            name("kids"),
            Projected::List(JsonPath::parse("children").unwrap(), child.clone()),
        )
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
        .field(name("tags"), Projected::Column(Ident::new("tags").unwrap()));
    for item in &items {
        let n = item.id.as_u128();
        let text = one(&client, n, projection.clone()).await;
        assert_eq!(
            keys_in_order(&text),
            [
                "__typename",
                "label",
                "again",
                "deepX",
                "meta",
                "kids",
                "notAnObject",
                "notAList",
                "missing",
                "tags"
            ],
            "keys follow the projection, not jsonb's order"
        );
        let got: Json = serde_json::from_str(&text).unwrap();
        let doc = &item.doc;
        let name_value = doc.get("name").cloned().unwrap_or(Json::Null);
        let meta = doc.get("meta").filter(|m| m.is_object());
        let expected = json!({
            "__typename": "Item",
            "label": name_value,
            "again": name_value,
            "deepX": meta.map_or(Json::Null, |m| m["deep"]["x"].clone()),
            "meta": meta.map_or(Json::Null, |m| json!({"color": m["color"], "deep": {"x": m["deep"]["x"]}})),
            "kids": match doc.get("children") {
                Some(Json::Array(kids)) => Json::Array(kids.iter().map(|k| json!({"value": k["v"], "key": k["k"], "__typename": "Child"})).collect()),
                _ => Json::Null,
            },
            "notAnObject": Json::Null,
            "notAList": Json::Null,
            "missing": Json::Null,
            "tags": item.tags,
        });
        assert_eq!(got, expected, "item {n}");
    }
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

#[tokio::test]
async fn more_than_a_hundred_keys() {
    let (_db, client, _items) = fixture_db().await;
    for count in [49, 50, 51, 60, 100, 101, 150, 230] {
        let projection = (0..count).fold(Projection::new(), |p, i| {
            let source = ["name", "n", "f", "ok", "day"][i % 5];
            p.field(name(&format!("f{i}")), value(source))
        });
        let text = one(&client, 2, projection).await;
        let keys = keys_in_order(&text);
        assert_eq!(keys.len(), count);
        assert!(
            keys.iter().enumerate().all(|(i, k)| *k == format!("f{i}")),
            "{count} keys in order"
        );
    }
    // 120 root fields in one statement.
    let roots: Vec<(Name, Root)> = (0..120)
        .map(|i| {
            (
                name(&format!("r{i}")),
                Root::Count {
                    relation: relation(),
                    filter: Filter::cond(
                        Target::path("n", ScalarKind::Int).unwrap(),
                        Op::Gt((i % 20 - 10).into()),
                    ),
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
    let keys = keys_in_order(&text);
    assert_eq!(keys.len(), 120);
    let json: Json = serde_json::from_str(&text).unwrap();
    assert!(json["r0"].as_i64().unwrap() > json["r19"].as_i64().unwrap());
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
    let (a, b, c) = (build("x", 10), build("x", 10), build("other", 99));
    assert_eq!(a, b, "same input, same statement");
    assert_eq!(a.sql(), c.sql(), "same shape, same SQL text");
    assert_ne!(a.params(), c.params(), "only the params differ");
}
