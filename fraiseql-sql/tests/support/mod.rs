//! Shared fixture and an independent Rust evaluator of the documented filter semantics, so
//! database results can be compared with answers that never went through our SQL.
#![allow(dead_code)]

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fraiseql_sql::{
    Filter, JsonPath, Kind, Name, Op, OrderBy, Projected, Projection, Relation, Root, ScalarKind,
    Source, Statement, Target, Value,
};
use fraiseql_tempdb::TestDb;
use serde_json::{Value as Json, json};
use tokio_postgres::Client;
use uuid::Uuid;

/// One fixture row: its real columns and its document.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: Uuid,
    pub tags: Vec<String>,
    pub doc: Json,
}

pub const NAMES: &[&str] = &[
    "alpha",
    "Alpha",
    "ALPHA beta",
    "b%c",
    "b_c",
    "back\\slash",
    "quote'd",
    "dq\"x",
    "ünïcödé",
    "日本語",
    "emoji 🦀",
    "",
    "percent 100%",
    "under_score",
    "mixedCase",
    "zeta",
    "ÜNÏCÖDÉ",
    "Zeta",
];

/// Exact decimals as JSON strings (money is often stored so): trailing zeros, more digits than a
/// `f64` holds, negative zero scale.
pub const AMOUNTS: &[&str] = &[
    "12.50",
    "12.5",
    "0.10",
    "-3.000",
    "99999999999999999.01",
    "99999999999999999.02",
    "100",
    "-0.001",
    "7",
];

/// The 40 deterministic rows most suites use.
pub fn items() -> Vec<Item> {
    items_n(40)
}

/// `count` deterministic rows covering nulls, missing keys, unicode and LIKE metacharacters.
pub fn items_n(count: u32) -> Vec<Item> {
    (0..count)
        .map(|i| {
            let mut doc = serde_json::Map::new();
            doc.insert("id".into(), json!(Uuid::from_u128(i as u128 + 1)));
            // Every seventh value is JSON null, every eleventh key is missing.
            let mut put = |key: &str, value: Json, salt: u32| {
                if (i + salt).is_multiple_of(11) {
                    return;
                }
                doc.insert(key.into(), if (i + salt).is_multiple_of(7) { Json::Null } else { value });
            };
            put("name", json!(NAMES[i as usize % NAMES.len()]), 0);
            put("n", json!((i as i64 * 37) % 23 - 11), 1);
            put("big", json!(4_000_000_000i64 + (i as i64 % 5) * 1_000_000_000), 2);
            put("f", json!((i as f64) * 1.25 - 20.0), 3);
            put("price", json!(serde_json::Number::from_f64(((i % 9) as f64) * 2.5 + 0.5).unwrap()), 4);
            put("ok", json!(i.is_multiple_of(3)), 5);
            put("day", json!(NaiveDate::from_ymd_opt(2020 + (i % 4) as i32, 1 + i % 12, 1 + i % 28).unwrap()), 6);
            put("at", json!(Utc.timestamp_opt(1_700_000_000 + (i as i64) * 86_399, 0).unwrap().to_rfc3339()), 7);
            put("uid", json!(Uuid::from_u128(((i % 6) as u128) << 64)), 8);
            let color = ["red", "green", "blue"][i as usize % 3];
            put("meta", json!({"k": i % 4, "color": color, "deep": {"x": i % 2}}), 9);
            put("labels", json!((0..i % 4).map(|j| format!("l{}", (i + j) % 5)).collect::<Vec<_>>()), 10);
            put("nums", json!((0..i % 3).map(|j| (i + j) as i32 % 7).collect::<Vec<_>>()), 12);
            put(
                "children",
                json!((0..i % 3).map(|j| json!({"k": NAMES[(i + j) as usize % NAMES.len()], "v": (i * j) % 5})).collect::<Vec<_>>()),
                13,
            );
            let body = ["the quick brown fox", "lazy dogs sleep", "rust and postgres", "quick rust"][i as usize % 4];
            put("body", json!(body), 14);
            put("amount", json!(AMOUNTS[i as usize % AMOUNTS.len()]), 15);
            // Floats whose shortest text needs all 17 digits (cursors carry them as text).
            put("ratio", json!(((i % 13) as f64) / 7.0 + 0.1), 16);
            Item {
                id: Uuid::from_u128(i as u128 + 1),
                tags: (0..i % 4).map(|j| format!("t{}", (i * 3 + j) % 5)).collect(),
                doc: Json::Object(doc),
            }
        })
        .collect()
}

pub const SCHEMA: &str = "
CREATE TABLE tv_item (
    id uuid PRIMARY KEY,
    tags text[] NOT NULL,
    search tsvector,
    data jsonb NOT NULL
);
CREATE TABLE canary (x int);
INSERT INTO canary VALUES (42);
";

/// A fresh database holding the 40-row fixture.
pub async fn fixture_db() -> (TestDb, Client, Vec<Item>) {
    fixture_db_with(items()).await
}

/// A fresh database holding `items`, inserted through bind parameters.
pub async fn fixture_db_with(items: Vec<Item>) -> (TestDb, Client, Vec<Item>) {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(SCHEMA).await.expect("schema");
    let client = db.connect().await.expect("connection");
    for item in &items {
        client
            .execute(
                "INSERT INTO tv_item (id, tags, search, data) VALUES ($1, $2, to_tsvector('simple', coalesce($3::jsonb->>'body', '')), $3)",
                &[&item.id, &item.tags, &item.doc],
            )
            .await
            .expect("insert");
    }
    (db, client, items)
}

pub fn relation() -> Relation {
    Relation::new("tv_item").unwrap()
}

pub fn id_projection() -> Projection {
    Projection::new().field(
        Name::new("id").unwrap(),
        Projected::Value(JsonPath::parse("id").unwrap()),
    )
}

/// Ids of the rows `filter` selects, in `order` (id order when empty), as PostgreSQL answers.
/// The statement listing the ids of the rows `filter` keeps, in `order` then by id.
pub fn list_statement(
    filter: &Filter,
    order: &[OrderBy],
) -> Result<Statement, fraiseql_sql::Error> {
    let mut order = order.to_vec();
    order.push(OrderBy::asc(
        Target::column("id", ScalarKind::Uuid).unwrap(),
    ));
    Statement::value(&Root::List {
        relation: relation(),
        filter: filter.clone(),
        order,
        limit: None,
        offset: 0,
        projection: id_projection(),
    })
}

pub async fn db_ids(
    client: &Client,
    filter: &Filter,
    order: &[OrderBy],
) -> Result<Vec<Uuid>, fraiseql_sql::Error> {
    let statement = list_statement(filter, order)?;
    let json: String = match client
        .query_one(statement.sql(), &statement.params_ref())
        .await
    {
        Ok(row) => row.get(0),
        Err(e) => panic!(
            "database error {e:?}\nSQL: {}\nparams: {:?}",
            statement.sql(),
            statement.params()
        ),
    };
    let rows: Vec<Json> = serde_json::from_str(&json).unwrap();
    Ok(rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().parse().unwrap())
        .collect())
}

/// Ids of the rows `filter` selects according to the Rust evaluator, in id order.
pub fn expected_ids(items: &[Item], filter: &Filter) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = items
        .iter()
        .filter(|item| eval(filter, item, &item.doc, true))
        .map(|i| i.id)
        .collect();
    ids.sort();
    ids
}

/// The documented semantics, written independently of the SQL renderer.
pub fn eval(filter: &Filter, item: &Item, doc: &Json, row: bool) -> bool {
    match filter {
        Filter::And(all) => all.iter().all(|f| eval(f, item, doc, row)),
        Filter::Or(any) => any.iter().any(|f| eval(f, item, doc, row)),
        Filter::Not(inner) => !eval(inner, item, doc, row),
        Filter::Slot(_, inner) => eval(inner, item, doc, row),
        Filter::Any(path, inner) => match walk(doc, path) {
            Some(Json::Array(elements)) => elements.iter().any(|e| eval(inner, item, e, false)),
            _ => false,
        },
        Filter::Cond(target, op) => cond(target, op, item, doc, row),
    }
}

fn walk<'a>(doc: &'a Json, path: &JsonPath) -> Option<&'a Json> {
    path.keys()
        .iter()
        .try_fold(doc, |value, key| value.get(key.as_str()))
}

/// A scalar read from the document or a column, `None` for absent or null.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Scalar {
    Bool(bool),
    Num(f64),
    Dec(Decimal),
    Text(String),
    Uuid(Uuid),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

fn json_text(json: &Json) -> Option<String> {
    match json {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

pub fn scalar(kind: ScalarKind, json: &Json) -> Option<Scalar> {
    let text = json_text(json)?;
    Some(match kind {
        ScalarKind::Bool => Scalar::Bool(json.as_bool().unwrap()),
        ScalarKind::Int | ScalarKind::BigInt | ScalarKind::Float => {
            Scalar::Num(text.parse().unwrap())
        }
        ScalarKind::Numeric => Scalar::Dec(Decimal::parse(&text)),
        ScalarKind::Text => Scalar::Text(text),
        ScalarKind::Uuid => Scalar::Uuid(text.parse().unwrap()),
        ScalarKind::Date => Scalar::Date(text.parse().unwrap()),
        ScalarKind::Timestamp => Scalar::Time(
            DateTime::parse_from_rfc3339(&text)
                .unwrap()
                .with_timezone(&Utc),
        ),
        ScalarKind::Json => unreachable!("JSON is compared as JSON"),
    })
}

fn value_scalar(kind: ScalarKind, value: &Value) -> Scalar {
    match value {
        Value::Int(i) if kind == ScalarKind::Numeric => Scalar::Dec(Decimal::parse(&i.to_string())),
        Value::Float(f) if kind == ScalarKind::Numeric => {
            Scalar::Dec(Decimal::parse(&f.to_string()))
        }
        Value::Text(s) if kind == ScalarKind::Numeric => Scalar::Dec(Decimal::parse(s)),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Int(i) => Scalar::Num(*i as f64),
        Value::Float(f) => Scalar::Num(*f),
        Value::Text(s) if kind == ScalarKind::Uuid => Scalar::Uuid(s.parse().unwrap()),
        Value::Text(s) if kind == ScalarKind::Date => Scalar::Date(s.parse().unwrap()),
        Value::Text(s) if kind == ScalarKind::Timestamp => {
            Scalar::Time(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
        }
        Value::Text(s) => Scalar::Text(s.clone()),
        Value::Uuid(u) => Scalar::Uuid(*u),
        Value::Date(d) => Scalar::Date(*d),
        Value::Timestamp(t) => Scalar::Time(*t),
        Value::Json(_) => unreachable!("JSON values only meet JSON targets"),
    }
}

/// An exact decimal, `0.d1d2d3… × 10^exp` with no leading or trailing zero digit (zero: no
/// digits), compared exactly as `numeric` compares (`12.50` = `12.5`), whatever a `f64` can hold.
#[derive(Debug, Clone)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Parses `[+-]digits[.digits][e[+-]digits]`; panics on anything else (fixture input only).
    pub fn parse(text: &str) -> Self {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, e) = match rest.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i64>().unwrap()),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        assert!(
            (int.len() + frac.len()) > 0
                && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()),
            "not a decimal: {text:?}"
        );
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let mut exp = int.len() as i64 + e;
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..leading);
        exp -= leading as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Self {
                negative: false,
                digits,
                exp: 0,
            };
        }
        Self {
            negative,
            digits,
            exp,
        }
    }

    fn signum(&self) -> i8 {
        match (self.digits.is_empty(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        self.signum().cmp(&other.signum()).then_with(|| {
            let magnitude = self
                .exp
                .cmp(&other.exp)
                .then_with(|| self.digits.cmp(&other.digits));
            match self.signum() {
                0 => Ordering::Equal,
                1 => magnitude,
                _ => magnitude.reverse(),
            }
        })
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

/// SQL `LIKE` over characters: `%` any run, `_` one character, `\` escapes.
pub fn like(text: &str, pattern: &str) -> bool {
    fn go(t: &[char], p: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('%') => (0..=t.len()).any(|i| go(&t[i..], &p[1..])),
            Some('_') => !t.is_empty() && go(&t[1..], &p[1..]),
            Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && go(&t[1..], &p[2..]),
            Some(c) => t.first() == Some(c) && go(&t[1..], &p[1..]),
        }
    }
    go(
        &text.chars().collect::<Vec<_>>(),
        &pattern.chars().collect::<Vec<_>>(),
    )
}

/// jsonb `@>`: objects by key, arrays by element, scalars by equality (numbers numerically);
/// only at the top level may an array contain a bare scalar.
pub fn json_contains(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(items), b) if !b.is_object() && !b.is_array() => {
            items.iter().any(|item| json_equal(item, b))
        }
        _ => contains_nested(a, b),
    }
}

fn contains_nested(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Object(a), Json::Object(b)) => b
            .iter()
            .all(|(k, bv)| a.get(k).is_some_and(|av| contains_nested(av, bv))),
        (Json::Array(a), Json::Array(b)) => b
            .iter()
            .all(|bv| a.iter().any(|av| contains_nested(av, bv))),
        (a, b) => json_equal(a, b),
    }
}

/// jsonb `=`: structural, numbers numerically.
pub fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        (a, b) => a == b,
    }
}

fn cond(target: &Target, op: &Op, item: &Item, doc: &Json, row: bool) -> bool {
    let raw: Option<Json> = match target.source() {
        Source::Column(c) if c.as_str() == "tags" && row => Some(json!(item.tags)),
        Source::Column(c) if c.as_str() == "id" && row => Some(json!(item.id)),
        Source::Column(c) => panic!("the evaluator has no column {c}"),
        Source::Path(path) => walk(doc, path).cloned(),
    };
    let raw = raw.filter(|j| !j.is_null());
    if let Op::IsNull(null) = op {
        return raw.is_none() == *null;
    }
    match target.kind() {
        Kind::Scalar(ScalarKind::Json) => {
            let present = raw.as_ref();
            match op {
                Op::Eq(Value::Json(j)) => present.is_some_and(|v| json_equal(v, j)),
                Op::Neq(Value::Json(j)) => !present.is_some_and(|v| json_equal(v, j)),
                Op::HasKey(k) => {
                    present.is_some_and(|v| v.as_object().is_some_and(|o| o.contains_key(k)))
                }
                Op::HasAnyKeys(ks) => present.is_some_and(|v| {
                    v.as_object()
                        .is_some_and(|o| ks.iter().any(|k| o.contains_key(k)))
                }),
                Op::HasAllKeys(ks) => present.is_some_and(|v| {
                    v.as_object()
                        .is_some_and(|o| ks.iter().all(|k| o.contains_key(k)))
                }),
                Op::JsonContains(j) => present.is_some_and(|v| json_contains(v, j)),
                Op::ContainedIn(j) => present.is_some_and(|v| json_contains(j, v)),
                other => panic!("evaluator: {other:?} on JSON"),
            }
        }
        Kind::Array(kind) => {
            let elements: Vec<Scalar> = match &raw {
                Some(Json::Array(items)) => items.iter().filter_map(|e| scalar(kind, e)).collect(),
                _ => return false,
            };
            let values =
                |vs: &[Value]| vs.iter().map(|v| value_scalar(kind, v)).collect::<Vec<_>>();
            match op {
                Op::ArrayContains(vs) => values(vs).iter().all(|v| elements.contains(v)),
                Op::Overlaps(vs) => values(vs).iter().any(|v| elements.contains(v)),
                Op::AnyEq(v) => elements.contains(&value_scalar(kind, v)),
                other => panic!("evaluator: {other:?} on arrays"),
            }
        }
        Kind::Scalar(kind) => {
            let x = raw.as_ref().and_then(|j| scalar(kind, j));
            let v = |value: &Value| value_scalar(kind, value);
            let text = || match &x {
                Some(Scalar::Text(t)) => Some(t.clone()),
                _ => None,
            };
            let fold = |s: &str| s.to_ascii_lowercase();
            match op {
                Op::Eq(value) => x.as_ref() == Some(&v(value)),
                Op::Neq(value) => x.as_ref() != Some(&v(value)),
                Op::In(values) => x
                    .as_ref()
                    .is_some_and(|x| values.iter().any(|value| *x == v(value))),
                Op::Nin(values) => !x
                    .as_ref()
                    .is_some_and(|x| values.iter().any(|value| *x == v(value))),
                Op::Gt(value) => x.as_ref().is_some_and(|x| *x > v(value)),
                Op::Gte(value) => x.as_ref().is_some_and(|x| *x >= v(value)),
                Op::Lt(value) => x.as_ref().is_some_and(|x| *x < v(value)),
                Op::Lte(value) => x.as_ref().is_some_and(|x| *x <= v(value)),
                Op::Contains(s) => text().is_some_and(|t| t.contains(s.as_str())),
                Op::IContains(s) => text().is_some_and(|t| fold(&t).contains(&fold(s))),
                Op::StartsWith(s) => text().is_some_and(|t| t.starts_with(s.as_str())),
                Op::IStartsWith(s) => text().is_some_and(|t| fold(&t).starts_with(&fold(s))),
                Op::EndsWith(s) => text().is_some_and(|t| t.ends_with(s.as_str())),
                Op::IEndsWith(s) => text().is_some_and(|t| fold(&t).ends_with(&fold(s))),
                Op::Like(p) => text().is_some_and(|t| like(&t, p)),
                Op::ILike(p) => text().is_some_and(|t| like(&fold(&t), &fold(p))),
                Op::Matches(_) | Op::IMatches(_) | Op::Search { .. } => {
                    panic!(
                        "regular expressions and full text are checked against fixed expectations"
                    )
                }
                other => panic!("evaluator: {other:?} on {kind:?}"),
            }
        }
        Kind::TsVector => panic!("full text is checked against fixed expectations"),
    }
}

/// A JSON value that keeps object keys in the order they were written (serde_json's map sorts
/// them here), so tests can check that output follows the projection order.
#[derive(Debug, Clone, PartialEq)]
pub enum Ordered {
    /// `null`, a boolean, a number or a string.
    Scalar(Json),
    /// An array, in order.
    Array(Vec<Ordered>),
    /// An object's pairs, in written order.
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    /// Parses JSON text, keeping key order; panics on malformed text or trailing garbage.
    pub fn parse(text: &str) -> Self {
        let mut at = 0;
        let value = Self::value(text.as_bytes(), text, &mut at);
        skip_space(text.as_bytes(), &mut at);
        assert_eq!(at, text.len(), "trailing text after JSON: {text}");
        value
    }

    /// A scalar or array (objects come out with serde_json's sorted keys: avoid them).
    pub fn from_json(json: &Json) -> Self {
        match json {
            Json::Array(items) => Ordered::Array(items.iter().map(Self::from_json).collect()),
            Json::Object(map) => Ordered::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
            scalar => Ordered::Scalar(scalar.clone()),
        }
    }

    /// An object from pairs in the given order.
    pub fn object<'a>(pairs: impl IntoIterator<Item = (&'a str, Ordered)>) -> Self {
        Ordered::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// The keys of an object, in order.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(pairs) => pairs.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not an object: {other:?}"),
        }
    }

    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(pairs) => {
                &pairs
                    .iter()
                    .find(|(k, _)| k == key)
                    .unwrap_or_else(|| panic!("no key {key:?}"))
                    .1
            }
            other => panic!("not an object: {other:?}"),
        }
    }

    fn value(bytes: &[u8], text: &str, at: &mut usize) -> Self {
        skip_space(bytes, at);
        match bytes[*at] {
            b'{' => {
                *at += 1;
                let mut pairs = Vec::new();
                loop {
                    skip_space(bytes, at);
                    if bytes[*at] == b'}' {
                        *at += 1;
                        return Ordered::Object(pairs);
                    }
                    if !pairs.is_empty() {
                        assert_eq!(bytes[*at], b',', "expected , at {at} in {text}");
                        *at += 1;
                        skip_space(bytes, at);
                    }
                    let key = string(bytes, text, at);
                    skip_space(bytes, at);
                    assert_eq!(bytes[*at], b':', "expected : at {at} in {text}");
                    *at += 1;
                    pairs.push((key, Self::value(bytes, text, at)));
                }
            }
            b'[' => {
                *at += 1;
                let mut items = Vec::new();
                loop {
                    skip_space(bytes, at);
                    if bytes[*at] == b']' {
                        *at += 1;
                        return Ordered::Array(items);
                    }
                    if !items.is_empty() {
                        assert_eq!(bytes[*at], b',', "expected , at {at} in {text}");
                        *at += 1;
                    }
                    items.push(Self::value(bytes, text, at));
                }
            }
            b'"' => Ordered::Scalar(Json::String(string(bytes, text, at))),
            _ => {
                let start = *at;
                while *at < bytes.len() && !b",]} \n\t\r".contains(&bytes[*at]) {
                    *at += 1;
                }
                Ordered::Scalar(serde_json::from_str(&text[start..*at]).unwrap())
            }
        }
    }
}

fn skip_space(bytes: &[u8], at: &mut usize) {
    while *at < bytes.len() && bytes[*at].is_ascii_whitespace() {
        *at += 1;
    }
}

/// A JSON string starting at `at` (escapes decoded by serde_json).
fn string(bytes: &[u8], text: &str, at: &mut usize) -> String {
    assert_eq!(bytes[*at], b'"', "expected a string at {at} in {text}");
    let start = *at;
    *at += 1;
    while bytes[*at] != b'"' {
        *at += if bytes[*at] == b'\\' { 2 } else { 1 };
    }
    *at += 1;
    serde_json::from_str(&text[start..*at]).unwrap()
}
