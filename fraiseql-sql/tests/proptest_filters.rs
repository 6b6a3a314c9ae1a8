//! Property tests: generated filter trees full of hostile strings run on PostgreSQL. Rendering
//! either refuses them cleanly (NUL, a dangling LIKE escape) or produces SQL that runs without
//! error, selects exactly the rows the Rust evaluator selects, and changes nothing else.

mod support;

use fraiseql_sql::{Error, Filter, JsonPath, Kind, Op, ScalarKind, Target, Value};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use support::{db_ids, expected_ids, fixture_db};

const HOSTILE: &[&str] = &[
    "'",
    "''",
    "\"",
    "\\",
    "\\\\",
    "$$",
    "$1",
    "%",
    "_",
    "%_%",
    "\\%",
    ";--",
    "'; DROP TABLE canary; --",
    "$$; DELETE FROM canary; $$",
    "a\0b",
    "\0",
    "ünï",
    "日本",
    "🦀",
    "Alpha",
    "alpha",
    "b_c",
    "b%c",
    "",
    " ",
    "back\\slash",
    "quote'd",
    "E'\\x00'",
    "*/",
    "/*",
    "?",
    "?|",
    "@>",
    "\n\t",
];

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(HOSTILE).prop_map(str::to_owned),
        1 => "\\PC{0,6}",
        1 => (proptest::sample::select(HOSTILE), "[a-zA-Z]{0,3}", proptest::sample::select(HOSTILE))
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

fn text_leaf(target: Target) -> BoxedStrategy<Filter> {
    let t = target;
    (
        0..17usize,
        hostile(),
        proptest::collection::vec(hostile(), 0..3),
    )
        .prop_map(move |(op, s, list)| {
            let op = match op {
                0 => Op::Eq(s.into()),
                1 => Op::Neq(s.into()),
                2 => Op::In(list.into_iter().map(Value::from).collect()),
                3 => Op::Nin(list.into_iter().map(Value::from).collect()),
                4 => Op::Gt(s.into()),
                5 => Op::Lte(s.into()),
                6 => Op::Contains(s),
                7 => Op::IContains(s),
                8 => Op::StartsWith(s),
                9 => Op::IStartsWith(s),
                10 => Op::EndsWith(s),
                11 => Op::IEndsWith(s),
                12 => Op::Like(s),
                13 => Op::ILike(s),
                14 => Op::IsNull(s.len() % 2 == 0),
                15 => Op::Gte(s.into()),
                _ => Op::Lt(s.into()),
            };
            Filter::cond(t.clone(), op)
        })
        .boxed()
}

fn int_leaf(target: Target) -> BoxedStrategy<Filter> {
    (
        0..7usize,
        -15i64..15,
        proptest::collection::vec(-15i64..15, 0..4),
    )
        .prop_map(move |(op, n, list)| {
            let op = match op {
                0 => Op::Eq(n.into()),
                1 => Op::Neq(n.into()),
                2 => Op::Gt(n.into()),
                3 => Op::Lte(n.into()),
                4 => Op::In(list.into_iter().map(Value::from).collect()),
                5 => Op::Nin(list.into_iter().map(Value::from).collect()),
                _ => Op::IsNull(n % 2 == 0),
            };
            Filter::cond(target.clone(), op)
        })
        .boxed()
}

fn leaf() -> BoxedStrategy<Filter> {
    let path = |p: &str, k| Target::path(p, k).unwrap();
    let tags = Target::column("tags", ScalarKind::Text)
        .unwrap()
        .with_kind(Kind::Array(ScalarKind::Text))
        .unwrap();
    let labels = path("labels", ScalarKind::Text)
        .with_kind(Kind::Array(ScalarKind::Text))
        .unwrap();
    let arrays = (
        0..3usize,
        proptest::bool::ANY,
        proptest::collection::vec(prop_oneof![hostile(), "[lt][0-4]"], 0..3),
    )
        .prop_map(move |(op, column, values)| {
            let target = if column { tags.clone() } else { labels.clone() };
            let values: Vec<Value> = values.into_iter().map(Value::from).collect();
            let op = match op {
                0 => Op::ArrayContains(values),
                1 => Op::Overlaps(values),
                _ => Op::AnyEq(values.into_iter().next().unwrap_or_else(|| "t1".into())),
            };
            Filter::cond(target, op)
        });
    let json_ops = (0..3usize, hostile(), hostile()).prop_map(|(op, k, v)| {
        let meta = Target::path("meta", ScalarKind::Json).unwrap();
        match op {
            0 => Filter::cond(meta, Op::HasKey(k)),
            1 => Filter::cond(meta, Op::JsonContains(json!({ k: v }))),
            _ => Filter::cond(Target::document(), Op::JsonContains(json!({"name": v}))),
        }
    });
    let floats = (-25.0f64..30.0).prop_map(|x| {
        Filter::cond(
            Target::path("f", ScalarKind::Float).unwrap(),
            Op::Gte(x.into()),
        )
    });
    let any_child = prop_oneof![
        text_leaf(path("k", ScalarKind::Text)),
        int_leaf(path("v", ScalarKind::Int))
    ]
    .prop_map(|inner| Filter::any(JsonPath::parse("children").unwrap(), inner));
    prop_oneof![
        4 => text_leaf(path("name", ScalarKind::Text)),
        2 => int_leaf(path("n", ScalarKind::Int)),
        1 => floats,
        2 => arrays,
        2 => json_ops,
        1 => any_child,
    ]
    .boxed()
}

fn filter_tree() -> impl Strategy<Value = Filter> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Filter::And),
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Filter::Or),
            inner.prop_map(Filter::not),
        ]
    })
}

#[test]
fn generated_filters_with_hostile_strings() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_db, client, items) = runtime.block_on(fixture_db());
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let mut outcomes = [0usize; 3];
    let outcomes_ref = std::cell::RefCell::new(&mut outcomes);
    runner
        .run(&filter_tree(), |filter| {
            let debug = format!("{filter:?}");
            match runtime.block_on(db_ids(&client, &filter, &[])) {
                Ok(got) => {
                    prop_assert_eq!(got, expected_ids(&items, &filter), "{}", debug);
                    outcomes_ref.borrow_mut()[0] += 1;
                }
                Err(Error::NulCharacter) => {
                    prop_assert!(
                        debug.contains("\\0"),
                        "NUL refused without a NUL: {}",
                        debug
                    );
                    outcomes_ref.borrow_mut()[1] += 1;
                }
                Err(Error::InvalidValue { reason, .. }) => {
                    prop_assert!(reason.contains("LIKE pattern"), "{}: {}", reason, debug);
                    outcomes_ref.borrow_mut()[2] += 1;
                }
                Err(other) => prop_assert!(false, "unexpected error {:?} for {}", other, debug),
            }
            Ok(())
        })
        .unwrap();
    assert!(
        outcomes[0] > 150,
        "most generated filters ran: {outcomes:?}"
    );
    assert!(outcomes[1] > 0, "some contained NUL: {outcomes:?}");

    // Nothing was injected: the canary and the set of tables are untouched.
    runtime.block_on(async {
        let canary: Vec<i32> = client
            .query("SELECT x FROM canary", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(canary, [42]);
        let tables: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(tables, 2);
        let rows: i64 = client
            .query_one("SELECT count(*) FROM tv_item", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(rows, items.len() as i64);
    });
}
