//! Every operator, executed on PostgreSQL and compared with the Rust evaluator of the same
//! fixture (differential), plus the SQL each renders and the errors invalid uses return.

mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use fraiseql_sql::{
    Error, Filter, Ident, JsonPath, Kind, Op, Relation, Root, ScalarKind, Statement, Target, Value,
};
use serde_json::json;
use support::{db_ids, expected_ids, fixture_db};
use uuid::Uuid;

fn path(p: &str, kind: ScalarKind) -> Target {
    Target::path(p, kind).unwrap()
}

fn array_path(p: &str, kind: ScalarKind) -> Target {
    path(p, kind).with_kind(Kind::Array(kind)).unwrap()
}

fn c(target: Target, op: Op) -> Filter {
    Filter::cond(target, op)
}

/// Filters covering every operator on every kind that has it.
fn cases() -> Vec<(&'static str, Filter)> {
    use ScalarKind::*;
    let name = || path("name", Text);
    let n = || path("n", Int);
    let tags = || {
        Target::column("tags", Text)
            .unwrap()
            .with_kind(Kind::Array(Text))
            .unwrap()
    };
    let day = |y, m, d| Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    vec![
        ("text eq", c(name(), Op::Eq("alpha".into()))),
        ("text eq unicode", c(name(), Op::Eq("日本語".into()))),
        (
            "text neq (matches null)",
            c(name(), Op::Neq("alpha".into())),
        ),
        (
            "text in",
            c(
                name(),
                Op::In(vec!["alpha".into(), "zeta".into(), "b%c".into()]),
            ),
        ),
        ("text in empty", c(name(), Op::In(vec![]))),
        (
            "text nin",
            c(name(), Op::Nin(vec!["alpha".into(), "zeta".into()])),
        ),
        ("text nin empty", c(name(), Op::Nin(vec![]))),
        ("text is null", c(name(), Op::IsNull(true))),
        ("text is not null", c(name(), Op::IsNull(false))),
        ("text gt (byte order)", c(name(), Op::Gt("Alpha".into()))),
        ("text gte", c(name(), Op::Gte("b_c".into()))),
        ("text lt", c(name(), Op::Lt("b".into()))),
        ("text lte", c(name(), Op::Lte("alpha".into()))),
        ("contains literal %", c(name(), Op::Contains("%".into()))),
        ("contains literal _", c(name(), Op::Contains("_".into()))),
        (
            "contains literal backslash",
            c(name(), Op::Contains("\\".into())),
        ),
        ("contains quote", c(name(), Op::Contains("'".into()))),
        ("contains empty", c(name(), Op::Contains("".into()))),
        ("icontains", c(name(), Op::IContains("ALPHA".into()))),
        (
            "icontains folds ASCII only (upper non-ASCII)",
            c(name(), Op::IContains("ÜNÏ".into())),
        ),
        (
            "icontains folds ASCII only (mixed)",
            c(name(), Op::IContains("üNïC".into())),
        ),
        ("ilike non-ASCII", c(name(), Op::ILike("Ü%".into()))),
        ("starts_with", c(name(), Op::StartsWith("b".into()))),
        ("istarts_with", c(name(), Op::IStartsWith("AL".into()))),
        ("ends_with", c(name(), Op::EndsWith("c".into()))),
        ("iends_with", c(name(), Op::IEndsWith("CASE".into()))),
        ("like", c(name(), Op::Like("b_c".into()))),
        ("like escaped", c(name(), Op::Like("b\\_c".into()))),
        ("ilike", c(name(), Op::ILike("%A%".into()))),
        ("int eq", c(n(), Op::Eq(5.into()))),
        ("int neq", c(n(), Op::Neq(5.into()))),
        (
            "int in",
            c(n(), Op::In(vec![(-11).into(), 0.into(), 3.into()])),
        ),
        ("int nin", c(n(), Op::Nin(vec![(-11).into(), 0.into()]))),
        ("int gt (numeric, not text)", c(n(), Op::Gt(2.into()))),
        ("int gte", c(n(), Op::Gte((-3).into()))),
        ("int lt", c(n(), Op::Lt(10.into()))),
        ("int lte", c(n(), Op::Lte(0.into()))),
        ("int is null", c(n(), Op::IsNull(true))),
        (
            "bigint gt",
            c(path("big", BigInt), Op::Gt(5_000_000_000i64.into())),
        ),
        ("float lt", c(path("f", Float), Op::Lt(0.5.into()))),
        (
            "float gte int value",
            c(path("f", Float), Op::Gte(10.into())),
        ),
        (
            "numeric gt decimal text",
            c(path("price", Numeric), Op::Gt("12.50".into())),
        ),
        (
            "numeric eq",
            c(path("price", Numeric), Op::Eq("5.5".into())),
        ),
        ("bool eq true", c(path("ok", Bool), Op::Eq(true.into()))),
        (
            "bool neq true (matches null)",
            c(path("ok", Bool), Op::Neq(true.into())),
        ),
        (
            "uuid eq",
            c(
                path("uid", Uuid),
                Op::Eq(Value::Uuid(uuid::Uuid::from_u128(2u128 << 64))),
            ),
        ),
        (
            "uuid in text",
            c(
                path("uid", Uuid),
                Op::In(vec![uuid::Uuid::from_u128(1u128 << 64).to_string().into()]),
            ),
        ),
        ("date gt", c(path("day", Date), Op::Gt(day(2021, 6, 1)))),
        (
            "date lte text",
            c(path("day", Date), Op::Lte("2020-12-31".into())),
        ),
        (
            "timestamp lt",
            c(
                path("at", Timestamp),
                Op::Lt(Value::Timestamp(
                    Utc.timestamp_opt(1_701_000_000, 0).unwrap(),
                )),
            ),
        ),
        (
            "timestamp gte text",
            c(
                path("at", Timestamp),
                Op::Gte("2023-12-01T00:00:00+02:00".into()),
            ),
        ),
        (
            "id column eq",
            c(
                Target::column("id", Uuid).unwrap(),
                Op::Eq(Value::Uuid(uuid::Uuid::from_u128(7))),
            ),
        ),
        (
            "json has_key",
            c(path("meta", Json), Op::HasKey("deep".into())),
        ),
        (
            "json has_any_keys",
            c(
                path("meta", Json),
                Op::HasAnyKeys(vec!["nope".into(), "color".into()]),
            ),
        ),
        (
            "json has_all_keys",
            c(
                path("meta", Json),
                Op::HasAllKeys(vec!["k".into(), "color".into()]),
            ),
        ),
        (
            "json contains",
            c(
                path("meta", Json),
                Op::JsonContains(json!({"color": "red", "deep": {"x": 1}})),
            ),
        ),
        (
            "json contained_in",
            c(
                path("meta.deep", Json),
                Op::ContainedIn(json!({"x": 0, "y": 1})),
            ),
        ),
        (
            "json eq",
            c(
                path("meta.deep", Json),
                Op::Eq(Value::Json(json!({"x": 1}))),
            ),
        ),
        (
            "document contains",
            c(
                Target::document(),
                Op::JsonContains(json!({"name": "zeta"})),
            ),
        ),
        (
            "document contains array element",
            c(
                Target::document(),
                Op::JsonContains(json!({"labels": ["l1"]})),
            ),
        ),
        (
            "column array contains",
            c(tags(), Op::ArrayContains(vec!["t1".into(), "t2".into()])),
        ),
        (
            "column array overlaps",
            c(tags(), Op::Overlaps(vec!["t0".into(), "t4".into()])),
        ),
        ("column array any_eq", c(tags(), Op::AnyEq("t3".into()))),
        (
            "column array contains nothing",
            c(tags(), Op::ArrayContains(vec![])),
        ),
        (
            "json array contains",
            c(
                array_path("labels", Text),
                Op::ArrayContains(vec!["l1".into()]),
            ),
        ),
        (
            "json array contains nothing (null never matches)",
            c(array_path("labels", Text), Op::ArrayContains(vec![])),
        ),
        (
            "json array overlaps",
            c(
                array_path("labels", Text),
                Op::Overlaps(vec!["l0".into(), "l3".into()]),
            ),
        ),
        (
            "json array any_eq",
            c(array_path("labels", Text), Op::AnyEq("l2".into())),
        ),
        (
            "json int array any_eq",
            c(array_path("nums", Int), Op::AnyEq(3.into())),
        ),
        (
            "json int array contains",
            c(
                array_path("nums", Int),
                Op::ArrayContains(vec![1.into(), 2.into()]),
            ),
        ),
        (
            "json array is null",
            c(array_path("labels", Text), Op::IsNull(true)),
        ),
        (
            "and",
            c(n(), Op::Gt(0.into())).and(c(name(), Op::IsNull(false))),
        ),
        (
            "or",
            c(n(), Op::Gt(8.into())).or(c(path("ok", Bool), Op::Eq(true.into()))),
        ),
        ("not (exact complement)", c(n(), Op::Gt(0.into())).not()),
        ("not eq equals neq", c(name(), Op::Eq("alpha".into())).not()),
        (
            "nested and/or/not",
            Filter::Or(vec![
                Filter::And(vec![
                    c(n(), Op::Gte(0.into())),
                    c(name(), Op::StartsWith("a".into())).not(),
                ]),
                c(path("f", Float), Op::Lt((-15).into())).not().not(),
            ]),
        ),
        ("empty and = all", Filter::all()),
        ("empty or = none", Filter::Or(vec![])),
        (
            "any element",
            Filter::any(
                JsonPath::parse("children").unwrap(),
                c(path("v", Int), Op::Gte(3.into())),
            ),
        ),
        (
            "any element with text op",
            Filter::any(
                JsonPath::parse("children").unwrap(),
                c(path("k", Text), Op::IContains("ALPHA".into())),
            ),
        ),
        (
            "not any element",
            Filter::any(
                JsonPath::parse("children").unwrap(),
                c(path("v", Int), Op::Eq(0.into())),
            )
            .not(),
        ),
        (
            "any element with nested and/not",
            Filter::any(
                JsonPath::parse("children").unwrap(),
                c(path("v", Int), Op::Eq(0.into()))
                    .not()
                    .and(c(path("k", Text), Op::IContains("A".into()))),
            ),
        ),
        (
            "any element is_null on a key elements lack",
            Filter::any(
                JsonPath::parse("children").unwrap(),
                c(path("absent", Int), Op::IsNull(true)),
            ),
        ),
        (
            "any on a scalar (not a list) matches nothing",
            Filter::any(JsonPath::parse("name").unwrap(), Filter::all()),
        ),
        (
            "json array of ints overlaps",
            c(
                array_path("nums", Int),
                Op::Overlaps(vec![0.into(), 6.into()]),
            ),
        ),
        (
            "json array of ints as bigint contains",
            c(
                array_path("nums", BigInt),
                Op::ArrayContains(vec![Value::Int(4)]),
            ),
        ),
        (
            "json array path on a non-array key (null array)",
            c(array_path("name", Text), Op::Overlaps(vec!["alpha".into()])),
        ),
        (
            "numeric amount eq ignores scale",
            c(path("amount", Numeric), Op::Eq("12.500".into())),
        ),
        (
            "numeric amount beyond f64 precision",
            c(
                path("amount", Numeric),
                Op::Gt("99999999999999999.015".into()),
            ),
        ),
        (
            "any on missing list",
            Filter::any(JsonPath::parse("nothing").unwrap(), Filter::all()),
        ),
    ]
}

#[tokio::test]
async fn every_operator_matches_the_rust_evaluation() {
    let (_db, client, items) = fixture_db().await;
    for name in support::NAMES {
        assert!(
            items
                .iter()
                .any(|i| i.doc.get("name") == Some(&json!(name))),
            "the fixture has a row named {name:?}"
        );
    }
    let mut trivial = Vec::new();
    let cases = cases();
    for (label, filter) in &cases {
        let got = db_ids(&client, filter, &[])
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let want = expected_ids(&items, filter);
        assert_eq!(got, want, "{label}: {filter:?}");
        if want.is_empty() || want.len() == items.len() {
            trivial.push(*label);
        }
    }
    assert!(cases.len() > 80, "{} cases", cases.len());
    // The fixture discriminates: every case keeps some rows and drops others, except these,
    // whose answer is all or nothing by design.
    assert_eq!(
        trivial,
        [
            "text in empty",
            "text nin empty",
            "column array contains nothing",
            "empty and = all",
            "empty or = none",
            "any on a scalar (not a list) matches nothing",
            "json array path on a non-array key (null array)",
            "any on missing list",
        ],
        "cases selecting all rows or none"
    );
}

/// A representative value of each kind read from a fixture value, alternating between the typed
/// [`Value`] and its text form where the kind parses text.
fn fixture_value(kind: ScalarKind, json: &serde_json::Value, text_form: bool) -> Value {
    use ScalarKind::*;
    let text = match json {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match kind {
        Bool => Value::Bool(json.as_bool().unwrap()),
        Int | BigInt => Value::Int(json.as_i64().unwrap()),
        Float => Value::Float(json.as_f64().unwrap()),
        Numeric => Value::Text(text),
        Text => Value::Text(text),
        Uuid if text_form => Value::Text(text),
        Uuid => Value::Uuid(text.parse().unwrap()),
        Date if text_form => Value::Text(text),
        Date => Value::Date(text.parse().unwrap()),
        Timestamp if text_form => Value::Text(text),
        Timestamp => Value::Timestamp(
            chrono::DateTime::parse_from_rfc3339(&text)
                .unwrap()
                .with_timezone(&Utc),
        ),
        Json => unreachable!("JSON targets have their own cases"),
    }
}

/// Every comparison operator on every scalar kind, with operands taken from the fixture itself
/// (smallest, lower third, middle and largest present value), so each pivot is a real boundary.
fn comparison_cases() -> Vec<(String, Filter)> {
    use ScalarKind::*;
    let items = support::items();
    let targets: Vec<(&str, Target)> = vec![
        ("name", path("name", Text)),
        ("meta.color", path("meta.color", Text)),
        ("n", path("n", Int)),
        ("n as bigint", path("n", BigInt)),
        ("n as float", path("n", Float)),
        ("n as numeric", path("n", Numeric)),
        ("meta.k", path("meta.k", Int)),
        ("big", path("big", BigInt)),
        ("f", path("f", Float)),
        ("ratio", path("ratio", Float)),
        ("f as numeric", path("f", Numeric)),
        ("price", path("price", Numeric)),
        ("amount", path("amount", Numeric)),
        ("ok", path("ok", Bool)),
        ("uid", path("uid", Uuid)),
        ("day", path("day", Date)),
        ("at", path("at", Timestamp)),
        ("id column", Target::column("id", Uuid).unwrap()),
    ];
    let mut cases = Vec::new();
    for (label, target) in targets {
        let Kind::Scalar(kind) = target.kind() else {
            unreachable!()
        };
        // The distinct present values, in the evaluator's order.
        let mut present: Vec<(support::Scalar, serde_json::Value)> = items
            .iter()
            .filter_map(|item| {
                let json = match target.source() {
                    fraiseql_sql::Source::Column(_) => json!(item.id),
                    fraiseql_sql::Source::Path(p) => p
                        .keys()
                        .iter()
                        .try_fold(&item.doc, |v, k| v.get(k.as_str()))?
                        .clone(),
                };
                support::scalar(kind, &json).map(|s| (s, json))
            })
            .collect();
        present.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
        present.dedup_by(|a, b| a.0 == b.0);
        assert!(present.len() >= 2, "{label}: too few distinct values");
        let last = present.len() - 1;
        let pivots: Vec<&serde_json::Value> = [0, last / 3, last / 2, last]
            .iter()
            .map(|&i| &present[i].1)
            .collect();
        let value = |i: usize| fixture_value(kind, pivots[i], i % 2 == 1);
        let cond = |op| Filter::cond(target.clone(), op);
        for (i, pivot) in pivots.iter().enumerate() {
            let at = format!("{label} {pivot}");
            cases.push((format!("{at} eq"), cond(Op::Eq(value(i)))));
            cases.push((format!("{at} neq"), cond(Op::Neq(value(i)))));
            if kind.is_ordered() {
                cases.push((format!("{at} gt"), cond(Op::Gt(value(i)))));
                cases.push((format!("{at} gte"), cond(Op::Gte(value(i)))));
                cases.push((format!("{at} lt"), cond(Op::Lt(value(i)))));
                cases.push((format!("{at} lte"), cond(Op::Lte(value(i)))));
            }
        }
        let some = vec![value(0), value(2), value(3)];
        cases.push((format!("{label} in"), cond(Op::In(some.clone()))));
        cases.push((format!("{label} nin"), cond(Op::Nin(some))));
        cases.push((format!("{label} in []"), cond(Op::In(vec![]))));
        cases.push((format!("{label} nin []"), cond(Op::Nin(vec![]))));
        cases.push((format!("{label} is_null"), cond(Op::IsNull(true))));
        cases.push((format!("{label} is_not_null"), cond(Op::IsNull(false))));
    }
    cases
}

#[tokio::test]
async fn every_comparison_on_every_scalar_kind() {
    let (_db, client, items) = fixture_db().await;
    let cases = comparison_cases();
    let mut proper = 0;
    for (label, filter) in &cases {
        let got = db_ids(&client, filter, &[])
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let want = expected_ids(&items, filter);
        assert_eq!(got, want, "{label}: {filter:?}");
        proper += usize::from(!want.is_empty() && want.len() < items.len());
    }
    assert!(cases.len() > 300, "{} cases", cases.len());
    // Boundaries make some answers all or nothing (gt the largest); most must discriminate.
    assert!(
        proper * 10 >= cases.len() * 8,
        "only {proper} of {} cases select a proper subset",
        cases.len()
    );
}

#[test]
fn the_decimal_evaluator_is_exact() {
    use support::Decimal as D;
    assert_eq!(D::parse("12.50"), D::parse("12.5"));
    assert_eq!(D::parse("-0.000"), D::parse("0"));
    assert_eq!(D::parse("1e2"), D::parse("100.0"));
    assert!(D::parse("99999999999999999.01") < D::parse("99999999999999999.02"));
    assert!(D::parse("-3.000") < D::parse("-0.001"));
    assert!(D::parse("-0.001") < D::parse("0"));
    assert!(D::parse("0.10") < D::parse("7"));
    assert!(D::parse("100") > D::parse("99.99"));
    assert!(D::parse("-100") < D::parse("-99.99"));
}

#[tokio::test]
async fn neq_and_nin_are_the_complements_of_eq_and_in() {
    let (_db, client, items) = fixture_db().await;
    let name = path("name", ScalarKind::Text);
    let pairs = [
        (Op::Eq("alpha".into()), Op::Neq("alpha".into())),
        (
            Op::In(vec!["alpha".into(), "b%c".into()]),
            Op::Nin(vec!["alpha".into(), "b%c".into()]),
        ),
    ];
    for (positive, negative) in pairs {
        let yes = db_ids(&client, &c(name.clone(), positive), &[])
            .await
            .unwrap();
        let no = db_ids(&client, &c(name.clone(), negative), &[])
            .await
            .unwrap();
        let mut all = [yes.clone(), no.clone()].concat();
        all.sort();
        assert_eq!(all.len(), items.len(), "every row is in exactly one side");
        all.dedup();
        assert_eq!(all.len(), items.len(), "no row is on both sides");
        assert!(!yes.is_empty() && !no.is_empty());
    }
}

/// Regular expressions: each pattern with an equivalent Rust predicate over the name (the
/// evaluator has no regex engine). `~*` folds ASCII only, as the C ctype does.
#[tokio::test]
async fn regular_expressions_match_their_rust_equivalents() {
    let (_db, client, items) = fixture_db().await;
    type Predicate = fn(&str) -> bool;
    let cases: [(&str, bool, Predicate); 9] = [
        ("^[a-z]+$", false, |s| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase())
        }),
        ("[0-9]", false, |s| s.bytes().any(|b| b.is_ascii_digit())),
        ("[%_\\\\]", false, |s| s.contains(['%', '_', '\\'])),
        ("^.{4}$", false, |s| s.chars().count() == 4),
        ("a$", false, |s| s.ends_with('a')),
        ("'|\"", false, |s| s.contains(['\'', '"'])),
        ("^alpha", true, |s| {
            s.to_ascii_lowercase().starts_with("alpha")
        }),
        ("ünï", true, |s| s.to_ascii_lowercase().contains("ünï")),
        ("^$", true, str::is_empty),
    ];
    for (pattern, insensitive, predicate) in cases {
        let op = if insensitive {
            Op::IMatches(pattern.into())
        } else {
            Op::Matches(pattern.into())
        };
        let got = db_ids(&client, &c(path("name", ScalarKind::Text), op), &[])
            .await
            .unwrap();
        let mut want: Vec<Uuid> = items
            .iter()
            .filter(|i| {
                i.doc
                    .get("name")
                    .and_then(|n| n.as_str())
                    .is_some_and(predicate)
            })
            .map(|i| i.id)
            .collect();
        want.sort();
        assert!(
            !want.is_empty() && want.len() < items.len(),
            "{pattern}: the fixture discriminates"
        );
        assert_eq!(
            got, want,
            "pattern {pattern:?} (insensitive: {insensitive})"
        );
    }
}

/// Full text with the `simple` configuration (lower-cased words, no stop words), on a
/// `tsvector` column and on a text path, against a Rust reading of each web-search query.
#[tokio::test]
async fn full_text_search_matches_its_rust_equivalent() {
    let (_db, client, items) = fixture_db().await;
    let search = |query: &str| Op::Search {
        query: query.into(),
        config: Ident::new("simple").unwrap(),
    };
    let has = |words: &[String], w: &str| words.iter().any(|x| x == w);
    type Predicate = Box<dyn Fn(&[String]) -> bool>;
    let cases: Vec<(&str, Predicate)> = vec![
        (
            "quick -fox",
            Box::new(move |w| has(w, "quick") && !has(w, "fox")),
        ),
        ("QUICK", Box::new(move |w| has(w, "quick"))),
        (
            "lazy or postgres",
            Box::new(move |w| has(w, "lazy") || has(w, "postgres")),
        ),
        (
            "dogs sleep",
            Box::new(move |w| has(w, "dogs") && has(w, "sleep")),
        ),
        (
            "\"rust and postgres\"",
            Box::new(|w| w.windows(3).any(|p| p == ["rust", "and", "postgres"])),
        ),
        (
            "\"quick rust\"",
            Box::new(|w| w.windows(2).any(|p| p == ["quick", "rust"])),
        ),
        ("-quick", Box::new(move |w| !has(w, "quick"))),
    ];
    let tsvector = Target::column("search", ScalarKind::Text)
        .unwrap()
        .with_kind(Kind::TsVector)
        .unwrap();
    for target in [tsvector, path("body", ScalarKind::Text)] {
        let is_column = matches!(target.source(), fraiseql_sql::Source::Column(_));
        for (query, predicate) in &cases {
            let got = db_ids(&client, &c(target.clone(), search(query)), &[])
                .await
                .unwrap();
            let mut want: Vec<Uuid> = items
                .iter()
                .filter(|i| match i.doc.get("body").and_then(|b| b.as_str()) {
                    Some(body) => {
                        let words: Vec<String> =
                            body.split(' ').map(str::to_ascii_lowercase).collect();
                        predicate(&words)
                    }
                    // The column holds an empty vector for rows without a body, which only a
                    // purely negative query matches; the path is NULL there and matches nothing.
                    None => is_column && predicate(&[]),
                })
                .map(|i| i.id)
                .collect();
            want.sort();
            assert!(!want.is_empty() && want.len() < items.len(), "{query}");
            assert_eq!(got, want, "{query:?} on {target:?}");
        }
        // Web-search syntax never fails, whatever the user types.
        db_ids(&client, &c(target, search("'\\\" & | ! (( :* <-> -")), &[])
            .await
            .unwrap();
    }
}

fn where_clause(filter: Filter) -> String {
    let statement = Statement::value(&Root::Count {
        relation: Relation::new("tv_item").unwrap(),
        filter,
    })
    .unwrap();
    let sql = statement.sql();
    let start = sql.find(" WHERE ").unwrap() + " WHERE ".len();
    sql[start..sql.len() - "))::text, 'null')".len()].to_owned()
}

#[test]
fn rendered_sql_per_operator() {
    use ScalarKind::*;
    let name = || path("name", Text);
    let expect = [
        (
            c(name(), Op::Eq("x".into())),
            r#"t."data"->>'name' = $1::text"#,
        ),
        (
            c(name(), Op::Neq("x".into())),
            r#"t."data"->>'name' IS DISTINCT FROM $1::text"#,
        ),
        (
            c(name(), Op::In(vec!["x".into()])),
            r#"t."data"->>'name' = ANY($1::text[])"#,
        ),
        (
            c(name(), Op::Nin(vec!["x".into()])),
            r#"(t."data"->>'name' = ANY($1::text[])) IS NOT TRUE"#,
        ),
        (c(name(), Op::IsNull(true)), r#"t."data"->>'name' IS NULL"#),
        (
            c(name(), Op::IsNull(false)),
            r#"t."data"->>'name' IS NOT NULL"#,
        ),
        (
            c(path("n", Int), Op::Gt(1.into())),
            r#"(t."data"->>'n')::integer > $1::integer"#,
        ),
        (
            c(path("n", BigInt), Op::Gte(1.into())),
            r#"(t."data"->>'n')::bigint >= $1::bigint"#,
        ),
        (
            c(path("f", Float), Op::Lt(1.into())),
            r#"(t."data"->>'f')::double precision < $1::double precision"#,
        ),
        (
            c(path("p", Numeric), Op::Lte("1.5".into())),
            r#"(t."data"->>'p')::numeric <= $1::text::numeric"#,
        ),
        (
            c(path("d", Date), Op::Gt("2020-01-01".into())),
            r#"(t."data"->>'d')::date > $1::date"#,
        ),
        (
            c(
                path("a.b", Timestamp),
                Op::Lt("2020-01-01T00:00:00Z".into()),
            ),
            r#"(t."data"->'a'->>'b')::timestamptz < $1::timestamptz"#,
        ),
        (
            c(path("ok", Bool), Op::Eq(true.into())),
            r#"(t."data"->>'ok')::boolean = $1::boolean"#,
        ),
        (
            c(path("u", Uuid), Op::Eq(Value::Uuid(uuid::Uuid::nil()))),
            r#"(t."data"->>'u')::uuid = $1::uuid"#,
        ),
        (
            c(name(), Op::Contains("x".into())),
            r#"t."data"->>'name' LIKE $1::text"#,
        ),
        (
            c(name(), Op::IContains("x".into())),
            r#"t."data"->>'name' ILIKE $1::text"#,
        ),
        (
            c(name(), Op::StartsWith("x".into())),
            r#"t."data"->>'name' LIKE $1::text"#,
        ),
        (
            c(name(), Op::IStartsWith("x".into())),
            r#"t."data"->>'name' ILIKE $1::text"#,
        ),
        (
            c(name(), Op::EndsWith("x".into())),
            r#"t."data"->>'name' LIKE $1::text"#,
        ),
        (
            c(name(), Op::IEndsWith("x".into())),
            r#"t."data"->>'name' ILIKE $1::text"#,
        ),
        (
            c(name(), Op::Like("x".into())),
            r#"t."data"->>'name' LIKE $1::text"#,
        ),
        (
            c(name(), Op::ILike("x".into())),
            r#"t."data"->>'name' ILIKE $1::text"#,
        ),
        (
            c(name(), Op::Matches("x".into())),
            r#"t."data"->>'name' ~ $1::text"#,
        ),
        (
            c(name(), Op::IMatches("x".into())),
            r#"t."data"->>'name' ~* $1::text"#,
        ),
        (
            c(path("m", Json), Op::HasKey("k".into())),
            r#"t."data"->'m' ? $1::text"#,
        ),
        (
            c(path("m", Json), Op::HasAnyKeys(vec!["k".into()])),
            r#"t."data"->'m' ?| $1::text[]"#,
        ),
        (
            c(path("m", Json), Op::HasAllKeys(vec!["k".into()])),
            r#"t."data"->'m' ?& $1::text[]"#,
        ),
        (
            c(path("m", Json), Op::JsonContains(json!({}))),
            r#"t."data"->'m' @> $1::jsonb"#,
        ),
        (
            c(path("m", Json), Op::ContainedIn(json!({}))),
            r#"t."data"->'m' <@ $1::jsonb"#,
        ),
        (
            c(Target::document(), Op::JsonContains(json!({}))),
            r#"t."data" @> $1::jsonb"#,
        ),
        (
            c(
                Target::column("tags", Text)
                    .unwrap()
                    .with_kind(Kind::Array(Text))
                    .unwrap(),
                Op::ArrayContains(vec!["a".into()]),
            ),
            r#"t."tags" @> $1::text[]"#,
        ),
        (
            c(
                Target::column("tags", Text)
                    .unwrap()
                    .with_kind(Kind::Array(Text))
                    .unwrap(),
                Op::Overlaps(vec!["a".into()]),
            ),
            r#"t."tags" && $1::text[]"#,
        ),
        (
            c(array_path("nums", Int), Op::AnyEq(1.into())),
            r#"$1::integer = ANY(CASE WHEN jsonb_typeof(t."data"->'nums') = 'array' THEN ARRAY(SELECT x::integer FROM jsonb_array_elements_text(t."data"->'nums') AS x) END)"#,
        ),
        (
            c(
                Target::column("search", Text)
                    .unwrap()
                    .with_kind(Kind::TsVector)
                    .unwrap(),
                Op::Search {
                    query: "q".into(),
                    config: Ident::new("english").unwrap(),
                },
            ),
            r#"t."search" @@ websearch_to_tsquery('english'::regconfig, $1::text)"#,
        ),
        (
            c(
                name(),
                Op::Search {
                    query: "q".into(),
                    config: Ident::new("simple").unwrap(),
                },
            ),
            r#"to_tsvector('simple'::regconfig, t."data"->>'name') @@ websearch_to_tsquery('simple'::regconfig, $1::text)"#,
        ),
        (
            c(name(), Op::Eq("x".into())).not(),
            r#"(t."data"->>'name' = $1::text) IS NOT TRUE"#,
        ),
        (
            c(name(), Op::Eq("x".into())).or(c(name(), Op::Eq("y".into()))),
            r#"(t."data"->>'name' = $1::text OR t."data"->>'name' = $2::text)"#,
        ),
        (
            c(name(), Op::In(vec![])),
            r#"t."data"->>'name' = ANY($1::text[])"#,
        ),
        (
            c(Target::column("id", Uuid).unwrap(), Op::IsNull(true)),
            r#"t."id" IS NULL"#,
        ),
        (
            c(path("meta.deep", Json), Op::IsNull(false)),
            r#"t."data"->'meta'->>'deep' IS NOT NULL"#,
        ),
        (
            c(
                Target::column("tags", Text)
                    .unwrap()
                    .with_kind(Kind::Array(Text))
                    .unwrap(),
                Op::AnyEq("a".into()),
            ),
            r#"$1::text = ANY(t."tags")"#,
        ),
        (
            c(
                array_path("labels", Text),
                Op::ArrayContains(vec!["a".into()]),
            ),
            r#"CASE WHEN jsonb_typeof(t."data"->'labels') = 'array' THEN ARRAY(SELECT x FROM jsonb_array_elements_text(t."data"->'labels') AS x) END @> $1::text[]"#,
        ),
        (
            c(
                array_path("prices", Numeric),
                Op::Overlaps(vec!["1.5".into()]),
            ),
            r#"CASE WHEN jsonb_typeof(t."data"->'prices') = 'array' THEN ARRAY(SELECT x::numeric FROM jsonb_array_elements_text(t."data"->'prices') AS x) END && $1::text[]::numeric[]"#,
        ),
        (
            c(path("n", Int), Op::Gt(1.into())).and(c(name(), Op::IsNull(false))),
            r#"((t."data"->>'n')::integer > $1::integer AND t."data"->>'name' IS NOT NULL)"#,
        ),
        (Filter::all(), "TRUE"),
        (Filter::Or(vec![]), "FALSE"),
        (
            Filter::any(
                JsonPath::parse("kids").unwrap(),
                c(path("v", Int), Op::Eq(1.into())),
            ),
            r#"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(t."data"->'kids') = 'array' THEN t."data"->'kids' END) AS e1(v) WHERE (e1.v->>'v')::integer = $1::integer)"#,
        ),
    ];
    for (filter, sql) in expect {
        assert_eq!(where_clause(filter.clone()), sql, "{filter:?}");
    }
}

#[test]
fn like_patterns_escape_user_text() {
    let statement = |op| {
        Statement::value(&Root::Count {
            relation: Relation::new("t").unwrap(),
            filter: c(path("s", ScalarKind::Text), op),
        })
        .unwrap()
    };
    let params = |op| statement(op).params().to_vec();
    use fraiseql_sql::Param::Text;
    assert_eq!(
        params(Op::Contains("50%_a\\b".into())),
        [Text("%50\\%\\_a\\\\b%".into())]
    );
    assert_eq!(params(Op::StartsWith("a%".into())), [Text("a\\%%".into())]);
    assert_eq!(params(Op::EndsWith("_z".into())), [Text("%\\_z".into())]);
    assert_eq!(
        params(Op::Like("a%".into())),
        [Text("a%".into())],
        "like keeps the caller's pattern"
    );
}

#[test]
fn invalid_uses_are_errors_not_sql() {
    use ScalarKind::*;
    let render = |filter: Filter| {
        Statement::value(&Root::Count {
            relation: Relation::new("tv_item").unwrap(),
            filter,
        })
    };
    let unsupported = |target: Target, op: Op| match render(c(target, op)) {
        Err(Error::UnsupportedOperator { .. }) => {}
        other => panic!("expected UnsupportedOperator, got {other:?}"),
    };
    unsupported(path("ok", Bool), Op::Gt(true.into()));
    unsupported(path("n", Int), Op::StartsWith("1".into()));
    unsupported(path("name", Text), Op::HasKey("k".into()));
    unsupported(path("name", Text), Op::ArrayContains(vec!["x".into()]));
    unsupported(path("n", Int), Op::Overlaps(vec![1.into()]));
    unsupported(path("meta", Json), Op::AnyEq(1.into()));
    unsupported(path("meta", Json), Op::Contains("x".into()));
    unsupported(array_path("labels", Text), Op::HasKey("k".into()));
    unsupported(array_path("labels", Text), Op::Contains("x".into()));
    unsupported(path("day", Date), Op::ILike("2020%".into()));
    unsupported(
        path("n", Int),
        Op::Search {
            query: "x".into(),
            config: Ident::new("simple").unwrap(),
        },
    );
    unsupported(path("uid", Uuid), Op::Lt(Value::Uuid(uuid::Uuid::nil())));
    unsupported(array_path("labels", Text), Op::Eq("x".into()));
    unsupported(path("meta", Json), Op::Gt(1.into()));
    unsupported(
        Target::column("search", Text)
            .unwrap()
            .with_kind(Kind::TsVector)
            .unwrap(),
        Op::Eq("x".into()),
    );
    assert!(matches!(
        Target::path("body", Text)
            .unwrap()
            .with_kind(Kind::TsVector),
        Err(Error::UnsupportedOperator { .. })
    ));

    let invalid = |target: Target, op: Op| match render(c(target, op)) {
        Err(Error::InvalidValue { .. }) => {}
        other => panic!("expected InvalidValue, got {other:?}"),
    };
    invalid(path("n", Int), Op::Eq("five".into()));
    invalid(path("n", Int), Op::Eq(Value::Int(1 << 40)));
    invalid(path("uid", Uuid), Op::Eq("not-a-uuid".into()));
    invalid(path("day", Date), Op::Gt("2021-02-30".into()));
    invalid(path("at", Timestamp), Op::Gt("yesterday".into()));
    invalid(path("price", Numeric), Op::Gt("1,5".into()));
    invalid(path("ok", Bool), Op::Eq("true".into()));
    invalid(path("n", Int), Op::In(vec![1.into(), "x".into()]));
    invalid(path("name", Text), Op::Like("ends with \\".into()));
    invalid(path("name", Text), Op::ILike("\\\\\\".into()));
    invalid(path("name", Text), Op::Eq(Value::Int(1)));
    invalid(path("name", Text), Op::Eq(Value::Json(json!("x"))));
    invalid(path("n", Int), Op::Eq(Value::Float(1.5)));
    invalid(path("big", BigInt), Op::Eq("5".into()));
    invalid(path("price", Numeric), Op::Eq(Value::Float(f64::INFINITY)));
    invalid(path("price", Numeric), Op::Eq("NaN".into()));
    invalid(path("day", Date), Op::Eq("01/02/2020".into()));
    invalid(path("at", Timestamp), Op::Eq("2020-01-01T00:00:00".into()));
    invalid(
        path("uid", Uuid),
        Op::In(vec![Value::Uuid(uuid::Uuid::nil()), 7.into()]),
    );
    invalid(
        array_path("nums", Int),
        Op::ArrayContains(vec![1.into(), (1i64 << 31).into()]),
    );
    invalid(
        Target::column("tags", Text)
            .unwrap()
            .with_kind(Kind::Array(Text))
            .unwrap(),
        Op::AnyEq(1.into()),
    );

    for op in [
        Op::Eq("a\0b".into()),
        Op::Contains("\0".into()),
        Op::Like("\0".into()),
        Op::In(vec!["ok".into(), "\0".into()]),
        Op::Nin(vec!["\0".into()]),
        Op::IContains("\0".into()),
        Op::Matches("\0".into()),
        Op::Search {
            query: "a\0".into(),
            config: Ident::new("simple").unwrap(),
        },
    ] {
        assert_eq!(
            render(c(path("name", Text), op)).unwrap_err(),
            Error::NulCharacter
        );
    }
    assert_eq!(
        render(c(
            path("meta", Json),
            Op::JsonContains(json!({"a": "\u{0}"}))
        ))
        .unwrap_err(),
        Error::NulCharacter
    );
    for op in [
        Op::HasKey("\0".into()),
        Op::HasAnyKeys(vec!["a".into(), "\0".into()]),
        Op::HasAllKeys(vec!["\0".into()]),
        Op::ContainedIn(json!(["x\u{0}"])),
        Op::JsonContains(json!({"k\u{0}": 1})),
        Op::Eq(Value::Json(json!({"a": ["\u{0}"]}))),
    ] {
        assert_eq!(
            render(c(path("meta", Json), op)).unwrap_err(),
            Error::NulCharacter
        );
    }
    assert_eq!(
        render(c(
            Target::column("tags", Text)
                .unwrap()
                .with_kind(Kind::Array(Text))
                .unwrap(),
            Op::Overlaps(vec!["\0".into()])
        ))
        .unwrap_err(),
        Error::NulCharacter
    );
    // Columns are not reachable inside an embedded list element.
    assert!(matches!(
        render(Filter::any(
            JsonPath::parse("children").unwrap(),
            c(Target::column("id", Uuid).unwrap(), Op::IsNull(true))
        )),
        Err(Error::ColumnOutOfScope(_))
    ));
}

/// Every decimal text the crate accepts for a `numeric` target, PostgreSQL accepts too (else a
/// user's value would surface as a database error), including at the edges of `numeric`'s range.
#[tokio::test]
async fn numeric_text_the_crate_accepts_postgres_accepts() {
    let (_db, client, _items) = fixture_db().await;
    let zeros = |n: usize| "0".repeat(n);
    let mut candidates: Vec<String> = [
        "1e131071",
        "1e131072",
        "9.99e131071",
        "0.1e131072",
        "0.01e131073",
        "00001e131071",
        "-1e131071",
        "1e+131071",
        "1e999999",
        "1e-16383",
        "1e-16384",
        ".5e-16382",
        ".5e-16383",
        "0e-16383",
        "0e-16384",
        "0e999999",
        "1e-999999",
        "12.50",
        "-0.001",
        "+.5",
        "5.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    candidates.push(format!("1{}", zeros(131_071)));
    candidates.push(format!("1{}", zeros(131_072)));
    candidates.push(format!("0.{}1", zeros(16_382)));
    candidates.push(format!("0.{}1", zeros(16_383)));
    candidates.push(format!("{}1.5", zeros(200_000)));
    let (mut accepted, mut refused) = (0, 0);
    for text in &candidates {
        let shown = if text.len() > 40 {
            format!("{}… ({} chars)", &text[..20], text.len())
        } else {
            text.clone()
        };
        let crate_accepts = Value::Text(text.clone())
            .to_param(ScalarKind::Numeric)
            .is_ok();
        let postgres_accepts = client
            .query_one("SELECT ($1::text::numeric)::text", &[text])
            .await
            .is_ok();
        assert_eq!(
            crate_accepts, postgres_accepts,
            "{shown}: the crate and PostgreSQL disagree"
        );
        if crate_accepts {
            accepted += 1;
            let filter = c(
                path("amount", ScalarKind::Numeric),
                Op::Lt(text.as_str().into()),
            );
            db_ids(&client, &filter, &[]).await.unwrap();
        } else {
            refused += 1;
        }
    }
    assert!(
        accepted > 10 && refused > 5,
        "{accepted} accepted, {refused} refused"
    );
}

/// Dates and instants at the edges of what chrono and PostgreSQL hold: whatever the crate
/// accepts runs without a database error; what PostgreSQL cannot hold is refused at render.
#[tokio::test]
async fn dates_and_instants_the_crate_accepts_postgres_holds() {
    use chrono::DateTime;
    let (_db, client, _items) = fixture_db().await;
    let first_day = NaiveDate::from_ymd_opt(-4713, 11, 24).unwrap();
    let instant = |d: NaiveDate| Value::Timestamp(d.and_hms_opt(0, 0, 0).unwrap().and_utc());
    let cases: Vec<(ScalarKind, Value, bool)> = vec![
        (ScalarKind::Date, Value::Date(first_day), true),
        (
            ScalarKind::Date,
            Value::Date(first_day.pred_opt().unwrap()),
            false,
        ),
        (ScalarKind::Date, Value::Date(NaiveDate::MIN), false),
        (ScalarKind::Date, Value::Date(NaiveDate::MAX), true),
        (ScalarKind::Date, "-4713-11-24".into(), true),
        (ScalarKind::Date, "-4714-01-01".into(), false),
        (ScalarKind::Date, "-100000-01-01".into(), false),
        (ScalarKind::Date, "+100000-01-01".into(), true),
        (ScalarKind::Date, "0000-01-01".into(), true),
        (ScalarKind::Timestamp, instant(first_day), true),
        (
            ScalarKind::Timestamp,
            instant(first_day.pred_opt().unwrap()),
            false,
        ),
        (
            ScalarKind::Timestamp,
            Value::Timestamp(DateTime::<Utc>::MIN_UTC),
            false,
        ),
        (
            ScalarKind::Timestamp,
            Value::Timestamp(DateTime::<Utc>::MAX_UTC),
            true,
        ),
        (
            ScalarKind::Timestamp,
            "0000-01-01T00:00:00-23:59".into(),
            true,
        ),
        (
            ScalarKind::Timestamp,
            "9999-12-31T23:59:59.999999999+00:00".into(),
            true,
        ),
    ];
    for (kind, value, holds) in cases {
        let target = path(
            if kind == ScalarKind::Date {
                "day"
            } else {
                "at"
            },
            kind,
        );
        let filter = c(target, Op::Gte(value.clone()));
        match db_ids(&client, &filter, &[]).await {
            Ok(_) => assert!(holds, "{value:?} should be refused as out of range"),
            Err(Error::InvalidValue { .. }) => {
                assert!(!holds, "{value:?} is within PostgreSQL's range")
            }
            Err(other) => panic!("{value:?}: {other:?}"),
        }
    }
}
