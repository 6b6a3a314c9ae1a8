//! Run-time behaviour of `#[derive(FraiseInput)]`: descriptors match the structs, `Serialize`
//! makes exactly the JSON a mutation function receives, a GraphQL input value converts into the
//! same JSON (hand-picked cases and generated ones), and PostgreSQL functions read that JSON back.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fraiseql::sql::ScalarKind;
use fraiseql::{FieldType, FraiseEnum, FraiseInput, InputDescriptor};
use fraiseql_tempdb::TestDb;
use juniper::{InputValue, Spanning};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

/// What creating a user needs.
///
/// Second paragraph.
#[derive(FraiseInput, Debug, Clone, PartialEq)]
struct CreateUserInput {
    /// Shown to other users.
    display_name: String,
    age: Option<i32>,
    role: Role,
    tags: Vec<String>,
    address: Option<AddressInput>,
    previous_addresses: Vec<AddressInput>,
    #[fraiseql(rename = "born", json = "birth_date")]
    birthday: Option<NaiveDate>,
    #[fraiseql(description = "Explicit description")]
    r#type: Option<String>,
    #[fraiseql(skip)]
    note: String,
}

#[derive(FraiseInput, Debug, Clone, PartialEq)]
#[fraiseql(
    name = "NewAddress",
    json_case = "camelCase",
    rename_all = "snake_case"
)]
struct AddressInput {
    street_line: String,
    city: String,
    zip_code: Option<String>,
}

#[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
enum Role {
    Admin,
    SuperUser,
    #[fraiseql(rename = "GUEST", json = "ro")]
    ReadOnly,
}

/// Every scalar kind a Rust field can have, for the generated and database tests.
#[derive(FraiseInput, Debug, Clone, PartialEq)]
struct EverythingInput {
    id: Uuid,
    name: String,
    flag: bool,
    small: i16,
    count: i32,
    big: i64,
    score: f64,
    born: NaiveDate,
    at: DateTime<Utc>,
    settings: Value,
    role: Role,
    roles: Vec<Role>,
    scores: Vec<Option<i32>>,
    nothing: Option<String>,
    address: Option<AddressInput>,
}

/// A tree: inputs may hold lists of themselves.
#[derive(FraiseInput, Debug, Clone, PartialEq)]
struct CategoryInput {
    name: String,
    children: Vec<CategoryInput>,
}

fn address() -> AddressInput {
    AddressInput {
        street_line: "1 Rue de la Paix".into(),
        city: "Paris".into(),
        zip_code: None,
    }
}

fn user() -> CreateUserInput {
    CreateUserInput {
        display_name: "Zoë 🦀".into(),
        age: None,
        role: Role::ReadOnly,
        tags: vec!["a".into(), "b".into()],
        address: Some(address()),
        previous_addresses: vec![AddressInput {
            zip_code: Some("75002".into()),
            ..address()
        }],
        birthday: Some(NaiveDate::from_ymd_opt(1990, 2, 28).unwrap()),
        r#type: None,
        note: "never sent".into(),
    }
}

#[test]
fn descriptor_matches_the_struct() {
    let input: &InputDescriptor = <CreateUserInput as FraiseInput>::descriptor();
    assert_eq!(input.name, "CreateUserInput");
    assert_eq!(
        input.description,
        Some("What creating a user needs.\n\nSecond paragraph.")
    );
    let fields: Vec<_> = input
        .fields
        .iter()
        .map(|f| (f.rust_name, f.name, f.key))
        .collect();
    assert_eq!(
        fields,
        [
            ("display_name", "displayName", "display_name"),
            ("age", "age", "age"),
            ("role", "role", "role"),
            ("tags", "tags", "tags"),
            ("address", "address", "address"),
            (
                "previous_addresses",
                "previousAddresses",
                "previous_addresses"
            ),
            ("birthday", "born", "birth_date"),
            ("r#type", "type", "type"),
        ]
    );
    assert!(input.field("note").is_none(), "skipped fields are absent");
    assert_eq!(input.graphql_field("born").unwrap().rust_name, "birthday");
    assert_eq!(
        input.field("display_name").unwrap().description,
        Some("Shown to other users.")
    );
    assert_eq!(
        input.field("r#type").unwrap().description,
        Some("Explicit description")
    );
    assert_eq!(input.field("age").unwrap().description, None);

    let ty = |name: &str| input.field(name).unwrap().ty;
    assert!(matches!(
        ty("display_name"),
        FieldType::Scalar(ScalarKind::Text)
    ));
    assert!(!ty("display_name").is_nullable());
    assert!(matches!(
        ty("age"),
        FieldType::Nullable(FieldType::Scalar(ScalarKind::Int))
    ));
    assert!(matches!(
        ty("tags"),
        FieldType::List(FieldType::Scalar(ScalarKind::Text))
    ));
    assert!(matches!(
        ty("birthday"),
        FieldType::Nullable(FieldType::Scalar(ScalarKind::Date))
    ));
    match ty("role") {
        FieldType::Enum(role) => {
            let values: Vec<_> = role().values.iter().map(|v| (v.name, v.stored)).collect();
            assert_eq!(
                values,
                [
                    ("ADMIN", "admin"),
                    ("SUPER_USER", "super_user"),
                    ("GUEST", "ro")
                ]
            );
        }
        other => panic!("role is {other:?}"),
    }
    match ty("address") {
        FieldType::Nullable(FieldType::Input(nested)) => {
            assert!(std::ptr::eq(nested(), AddressInput::descriptor()));
        }
        other => panic!("address is {other:?}"),
    }
    assert!(matches!(
        ty("previous_addresses"),
        FieldType::List(FieldType::Input(_))
    ));

    let nested = AddressInput::descriptor();
    assert_eq!(nested.name, "NewAddress");
    assert_eq!(nested.description, None);
    let fields: Vec<_> = nested.fields.iter().map(|f| (f.name, f.key)).collect();
    assert_eq!(
        fields,
        [
            ("street_line", "streetLine"),
            ("city", "city"),
            ("zip_code", "zipCode")
        ]
    );
}

#[test]
fn serializes_exactly_the_json_the_function_receives() {
    let json = serde_json::to_value(user()).unwrap();
    assert_eq!(
        json,
        json!({
            "display_name": "Zoë 🦀",
            "role": "ro",
            "tags": ["a", "b"],
            "address": {"streetLine": "1 Rue de la Paix", "city": "Paris"},
            "previous_addresses": [
                {"streetLine": "1 Rue de la Paix", "city": "Paris", "zipCode": "75002"}
            ],
            "birth_date": "1990-02-28",
        })
    );
    // Key order is the declaration order, None fields leave no trace.
    let text = serde_json::to_string(&AddressInput {
        zip_code: Some("1".into()),
        ..address()
    })
    .unwrap();
    assert_eq!(
        text,
        r#"{"streetLine":"1 Rue de la Paix","city":"Paris","zipCode":"1"}"#
    );
    assert_eq!(
        serde_json::to_string(&address()).unwrap(),
        r#"{"streetLine":"1 Rue de la Paix","city":"Paris"}"#
    );
}

#[test]
fn deserializes_the_same_json_back() {
    let back: CreateUserInput =
        serde_json::from_value(serde_json::to_value(user()).unwrap()).unwrap();
    assert_eq!(
        back,
        CreateUserInput {
            note: String::new(),
            ..user()
        }
    );
    // Optional keys may be absent or null; required ones may not be absent.
    let with_null: AddressInput =
        serde_json::from_value(json!({"streetLine": "s", "city": "c", "zipCode": null})).unwrap();
    assert_eq!(with_null.zip_code, None);
    let missing = serde_json::from_value::<AddressInput>(json!({"streetLine": "s"}));
    assert!(
        missing
            .unwrap_err()
            .to_string()
            .contains("missing field `city`")
    );
}

fn unlocated(value: InputValue) -> Spanning<InputValue> {
    Spanning::unlocated(value)
}

fn object(fields: Vec<(&str, InputValue)>) -> InputValue {
    InputValue::Object(
        fields
            .into_iter()
            .map(|(k, v)| (Spanning::unlocated(k.to_owned()), unlocated(v)))
            .collect(),
    )
}

fn string(text: &str) -> InputValue {
    InputValue::scalar(text)
}

fn list(items: Vec<InputValue>) -> InputValue {
    InputValue::list(items)
}

/// `user()` as a GraphQL client would write it, enum values as literals.
fn user_value() -> InputValue {
    let address = |zip: Option<&str>| {
        let mut fields = vec![
            ("street_line", string("1 Rue de la Paix")),
            ("city", string("Paris")),
        ];
        if let Some(zip) = zip {
            fields.push(("zip_code", string(zip)));
        }
        object(fields)
    };
    object(vec![
        ("displayName", string("Zoë 🦀")),
        ("age", InputValue::null()),
        ("role", InputValue::enum_value("GUEST")),
        ("tags", list(vec![string("a"), string("b")])),
        ("address", address(None)),
        ("previousAddresses", list(vec![address(Some("75002"))])),
        ("born", string("1990-02-28")),
    ])
}

#[test]
fn graphql_values_convert_to_the_same_json() {
    let descriptor = CreateUserInput::descriptor();
    let expected = serde_json::to_value(user()).unwrap();
    assert_eq!(descriptor.to_json(&user_value()).unwrap(), expected);

    // Enum values given through variables arrive as strings.
    let InputValue::Object(mut fields) = user_value() else {
        unreachable!()
    };
    fields[2].1 = unlocated(string("GUEST"));
    // A single value stands for a list of one (GraphQL input coercion).
    fields[3].1 = unlocated(string("solo"));
    let converted = descriptor.to_json(&InputValue::Object(fields)).unwrap();
    let mut solo = expected.clone();
    solo["tags"] = json!(["solo"]);
    assert_eq!(converted, solo);
}

#[test]
fn scalars_convert_to_what_rust_types_serialize() {
    let descriptor = EverythingInput::descriptor();
    let value = |at: &str, id: &str, big: InputValue| {
        object(vec![
            ("id", string(id)),
            ("name", string("n")),
            ("flag", InputValue::scalar(true)),
            ("small", InputValue::scalar(-3)),
            ("count", InputValue::scalar(7)),
            ("big", big),
            ("score", InputValue::scalar(2)),
            ("born", string("2024-02-29")),
            ("at", string(at)),
            (
                "settings",
                object(vec![(
                    "k",
                    list(vec![InputValue::null(), InputValue::scalar(1.5)]),
                )]),
            ),
            ("role", InputValue::enum_value("ADMIN")),
            ("roles", list(vec![])),
            (
                "scores",
                list(vec![InputValue::null(), InputValue::scalar(4)]),
            ),
        ])
    };
    let json = descriptor
        .to_json(&value(
            "2024-05-01T10:00:00.123456+02:00",
            "6B0F3D7A-1E32-4A0B-9C1E-2E9D6F0C4A11",
            string("9223372036854775807"),
        ))
        .unwrap();
    assert_eq!(
        json,
        json!({
            "id": "6b0f3d7a-1e32-4a0b-9c1e-2e9d6f0c4a11",
            "name": "n",
            "flag": true,
            "small": -3,
            "count": 7,
            "big": 9_223_372_036_854_775_807_i64,
            "score": 2.0,
            "born": "2024-02-29",
            "at": "2024-05-01T08:00:00.123456Z",
            "settings": {"k": [null, 1.5]},
            "role": "admin",
            "roles": [],
            "scores": [null, 4],
        })
    );
    // The same values as Rust serializes them.
    let rust = EverythingInput {
        id: "6b0f3d7a-1e32-4a0b-9c1e-2e9d6f0c4a11".parse().unwrap(),
        name: "n".into(),
        flag: true,
        small: -3,
        count: 7,
        big: i64::MAX,
        score: 2.0,
        born: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        at: Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap()
            + chrono::Duration::microseconds(123_456),
        settings: json!({"k": [null, 1.5]}),
        role: Role::Admin,
        roles: vec![],
        scores: vec![None, Some(4)],
        nothing: None,
        address: None,
    };
    assert_eq!(serde_json::to_value(&rust).unwrap(), json);
    // A big integer may also come as a whole float (a JSON variable past 32 bits).
    let from_float = descriptor
        .to_json(&value(
            "2024-05-01T08:00:00Z",
            "6b0f3d7a-1e32-4a0b-9c1e-2e9d6f0c4a11",
            InputValue::scalar(4_294_967_296.0),
        ))
        .unwrap();
    assert_eq!(from_float["big"], json!(4_294_967_296_i64));
    assert_eq!(from_float["at"], json!("2024-05-01T08:00:00Z"));
}

#[test]
fn recursive_inputs_nest() {
    let descriptor = CategoryInput::descriptor();
    match descriptor.field("children").unwrap().ty {
        FieldType::List(FieldType::Input(item)) => assert!(std::ptr::eq(item(), descriptor)),
        other => panic!("children is {other:?}"),
    }
    let leaf = |name: &str| object(vec![("name", string(name)), ("children", list(vec![]))]);
    let tree = object(vec![
        ("name", string("root")),
        (
            "children",
            list(vec![
                leaf("a"),
                object(vec![("name", string("b")), ("children", leaf("c"))]),
            ]),
        ),
    ]);
    let rust = CategoryInput {
        name: "root".into(),
        children: vec![
            CategoryInput {
                name: "a".into(),
                children: vec![],
            },
            CategoryInput {
                name: "b".into(),
                children: vec![CategoryInput {
                    name: "c".into(),
                    children: vec![],
                }],
            },
        ],
    };
    assert_eq!(
        descriptor.to_json(&tree).unwrap(),
        serde_json::to_value(&rust).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&rust).unwrap()["children"][1]["children"][0]["name"],
        json!("c")
    );
}

#[test]
fn values_that_do_not_fit_are_refused_with_their_path() {
    let descriptor = CreateUserInput::descriptor();
    let with = |name: &str, value: Option<InputValue>| {
        let InputValue::Object(fields) = user_value() else {
            unreachable!()
        };
        let mut fields: Vec<_> = fields.into_iter().filter(|(k, _)| k.item != name).collect();
        if let Some(value) = value {
            fields.push((Spanning::unlocated(name.to_owned()), unlocated(value)));
        }
        descriptor
            .to_json(&InputValue::Object(fields))
            .map_err(|e| e.to_string())
    };
    let cases: Vec<(&str, Option<InputValue>, &str)> = vec![
        ("displayName", None, "displayName: required field missing"),
        (
            "displayName",
            Some(InputValue::null()),
            "displayName: null given for a required value",
        ),
        (
            "displayName",
            Some(InputValue::scalar(3)),
            "displayName: expected String",
        ),
        (
            "role",
            Some(InputValue::enum_value("OWNER")),
            "role: OWNER is not a value of enum Role",
        ),
        (
            "role",
            Some(InputValue::enum_value("ro")),
            "role: ro is not a value of enum Role",
        ),
        ("age", Some(InputValue::scalar(1.5)), "age: expected Int"),
        ("born", Some(string("1990-02-30")), "born: expected Date"),
        (
            "tags",
            Some(list(vec![string("a"), InputValue::null()])),
            "tags[1]: null given for a required value",
        ),
        (
            "nick",
            Some(string("x")),
            "CreateUserInput has no field nick",
        ),
        (
            "address",
            Some(object(vec![("city", string("c"))])),
            "address.street_line: required field missing",
        ),
        (
            "address",
            Some(string("Paris")),
            "address: expected an object of type NewAddress",
        ),
        (
            "age",
            Some(InputValue::variable("age")),
            "age: variable $age was not substituted",
        ),
    ];
    for (name, value, expected) in cases {
        assert_eq!(with(name, value), Err(expected.to_owned()), "{expected}");
    }
    assert!(
        descriptor
            .to_json(&string("x"))
            .unwrap_err()
            .path()
            .is_empty(),
        "a top-level error has an empty path"
    );
    let descriptor = EverythingInput::descriptor();
    let spelling = Spelling {
        enums_as_strings: false,
        none_as_null: false,
        big_as_text: false,
    };
    let bad_scalar = |field: &str, value: InputValue| {
        let InputValue::Object(mut fields) = everything_value(&everything(), spelling) else {
            unreachable!()
        };
        let at = fields.iter().position(|(k, _)| k.item == field).unwrap();
        fields[at].1 = unlocated(value);
        let error = descriptor.to_json(&InputValue::Object(fields)).unwrap_err();
        (error.path().to_owned(), error.message().to_owned())
    };
    assert_eq!(
        bad_scalar("id", string("not-a-uuid")),
        ("id".into(), "expected UUID".into())
    );
    assert_eq!(
        bad_scalar("big", string("9223372036854775808")),
        ("big".into(), "expected BigInt".into())
    );
    assert_eq!(
        bad_scalar("big", InputValue::scalar(1.5)),
        ("big".into(), "expected BigInt".into())
    );
    assert_eq!(
        bad_scalar("at", string("2024-05-01 08:00")),
        ("at".into(), "expected DateTime".into())
    );
    assert_eq!(
        bad_scalar("flag", string("true")),
        ("flag".into(), "expected Boolean".into())
    );
}

// ---------- generated inputs: GraphQL path against Rust path ----------

/// How a client may write a value: literal enums or strings (variables), absent or null.
#[derive(Debug, Clone, Copy)]
struct Spelling {
    enums_as_strings: bool,
    none_as_null: bool,
    big_as_text: bool,
}

fn role_value(role: Role, spelling: Spelling) -> InputValue {
    let name = role.graphql_name();
    if spelling.enums_as_strings {
        string(name)
    } else {
        InputValue::enum_value(name)
    }
}

trait GraphqlName {
    fn graphql_name(self) -> &'static str;
}

impl GraphqlName for Role {
    fn graphql_name(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::SuperUser => "SUPER_USER",
            Role::ReadOnly => "GUEST",
        }
    }
}

fn json_value(json: &Value) -> InputValue {
    match json {
        Value::Null => InputValue::null(),
        Value::Bool(b) => InputValue::scalar(*b),
        Value::Number(n) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
            Some(i) => InputValue::scalar(i),
            None => InputValue::scalar(n.as_f64().unwrap()),
        },
        Value::String(s) => string(s),
        Value::Array(items) => list(items.iter().map(json_value).collect()),
        Value::Object(map) => InputValue::Object(
            map.iter()
                .map(|(k, v)| (Spanning::unlocated(k.clone()), unlocated(json_value(v))))
                .collect(),
        ),
    }
}

/// `input` as a GraphQL client writes it, built field by field without the descriptor.
fn everything_value(input: &EverythingInput, spelling: Spelling) -> InputValue {
    let optional = |fields: &mut Vec<(&'static str, InputValue)>,
                    name,
                    value: Option<InputValue>| match value {
        Some(value) => fields.push((name, value)),
        None if spelling.none_as_null => fields.push((name, InputValue::null())),
        None => {}
    };
    let big = if spelling.big_as_text || i32::try_from(input.big).is_err() {
        string(&input.big.to_string())
    } else {
        InputValue::scalar(i32::try_from(input.big).unwrap())
    };
    let mut fields: Vec<(&'static str, InputValue)> = vec![
        ("id", string(&input.id.to_string())),
        ("name", string(&input.name)),
        ("flag", InputValue::scalar(input.flag)),
        ("small", InputValue::scalar(i32::from(input.small))),
        ("count", InputValue::scalar(input.count)),
        ("big", big),
        ("score", InputValue::scalar(input.score)),
        ("born", string(&input.born.to_string())),
        ("at", string(&input.at.to_rfc3339())),
        ("settings", json_value(&input.settings)),
        ("role", role_value(input.role, spelling)),
        (
            "roles",
            list(
                input
                    .roles
                    .iter()
                    .map(|r| role_value(*r, spelling))
                    .collect(),
            ),
        ),
        (
            "scores",
            list(
                input
                    .scores
                    .iter()
                    .map(|s| s.map_or_else(InputValue::null, InputValue::scalar))
                    .collect(),
            ),
        ),
    ];
    optional(&mut fields, "nothing", input.nothing.as_deref().map(string));
    let address = input.address.as_ref().map(|a| {
        let mut fields = vec![
            ("street_line", string(&a.street_line)),
            ("city", string(&a.city)),
        ];
        optional(&mut fields, "zip_code", a.zip_code.as_deref().map(string));
        object(fields)
    });
    optional(&mut fields, "address", address);
    object(fields)
}

fn arb_role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Admin),
        Just(Role::SuperUser),
        Just(Role::ReadOnly)
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_address() -> impl Strategy<Value = AddressInput> {
    (".{0,12}", ".{0,12}", proptest::option::of(".{0,6}")).prop_map(
        |(street_line, city, zip_code)| AddressInput {
            street_line,
            city,
            zip_code,
        },
    )
}

fn arb_everything() -> impl Strategy<Value = EverythingInput> {
    let scalars = (
        any::<u128>(),
        ".{0,20}",
        any::<bool>(),
        any::<i16>(),
        any::<i32>(),
        any::<i64>(),
        prop_oneof![any::<i32>().prop_map(f64::from), -1e300f64..1e300],
        // Years 1 to 548, and instants of years 1 to 9999 to the microsecond.
        0i64..200_000,
        -62_000_000_000_000_000i64..253_000_000_000_000_000,
    );
    let rest = (
        arb_json().prop_filter("a required JSON value is not null", |v| !v.is_null()),
        arb_role(),
        prop::collection::vec(arb_role(), 0..4),
        prop::collection::vec(proptest::option::of(any::<i32>()), 0..4),
        proptest::option::of(".{0,5}"),
        proptest::option::of(arb_address()),
    );
    (scalars, rest).prop_map(
        |(
            (id, name, flag, small, count, big, score, days, micros),
            (settings, role, roles, scores, nothing, address),
        )| EverythingInput {
            id: Uuid::from_u128(id),
            name,
            flag,
            small,
            count,
            big,
            score,
            born: NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days),
            at: DateTime::from_timestamp_micros(micros).unwrap(),
            settings,
            role,
            roles,
            scores,
            nothing,
            address,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever a client sends, the function receives what the Rust struct serializes to, and
    /// that JSON deserializes back into the same struct.
    #[test]
    fn graphql_path_agrees_with_serialize(
        input in arb_everything(),
        enums_as_strings in any::<bool>(),
        none_as_null in any::<bool>(),
        big_as_text in any::<bool>(),
    ) {
        let spelling = Spelling { enums_as_strings, none_as_null, big_as_text };
        let from_graphql = EverythingInput::descriptor()
            .to_json(&everything_value(&input, spelling))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let from_rust = serde_json::to_value(&input).unwrap();
        prop_assert_eq!(&from_graphql, &from_rust);
        let back: EverythingInput = serde_json::from_value(from_graphql).unwrap();
        prop_assert_eq!(back, input);
    }
}

// ---------- the function's side, on a real PostgreSQL ----------

/// Extreme and awkward values of every kind.
fn everything() -> EverythingInput {
    EverythingInput {
        id: Uuid::from_u128(0x6b0f_3d7a_1e32_4a0b_9c1e_2e9d_6f0c_4a11),
        name: "Zoë \"quoted\" \\ back 🦀 \u{2028} 日本".into(),
        flag: true,
        small: i16::MIN,
        count: i32::MAX,
        big: i64::MAX,
        score: 0.1,
        born: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        at: DateTime::from_timestamp_micros(1_714_550_400_123_456).unwrap(),
        settings: json!({"theme": "dark", "n": [1, 2.5, null]}),
        role: Role::ReadOnly,
        roles: vec![Role::Admin, Role::SuperUser],
        scores: vec![Some(1), None, Some(-3)],
        nothing: None,
        address: Some(address()),
    }
}

const FUNCTION: &str = r#"
CREATE TYPE address_input AS ("streetLine" text, city text, "zipCode" text);
CREATE TYPE everything_input AS (
    id uuid, name text, flag boolean, small smallint, count integer, big bigint,
    score numeric, born date, at timestamptz, settings jsonb, role text, roles text[],
    scores integer[], nothing text, address address_input
);
CREATE FUNCTION fn_create_everything(input jsonb) RETURNS TABLE (
    id uuid, name text, flag boolean, small smallint, count integer, big bigint,
    score text, born date, at timestamptz, settings jsonb, role text, roles text[],
    scores integer[], nothing_given boolean, street text, zip_given boolean, keys text[]
) LANGUAGE sql AS $$
    SELECT r.id, r.name, r.flag, r.small, r.count, r.big, r.score::text, r.born, r.at,
           r.settings, r.role, r.roles, r.scores, input ? 'nothing', (r.address)."streetLine",
           input->'address' ? 'zipCode',
           ARRAY(SELECT jsonb_object_keys(input) ORDER BY 1)
    FROM jsonb_populate_record(NULL::everything_input, input) r
$$;
"#;

#[tokio::test]
async fn a_function_reads_the_json_back() {
    let db = TestDb::new().await.expect("database");
    db.execute_script(FUNCTION).await.expect("function");
    let client = db.connect().await.expect("connection");
    let input = everything();
    let json = serde_json::to_value(&input).unwrap();
    let from_graphql = EverythingInput::descriptor()
        .to_json(&everything_value(
            &input,
            Spelling {
                enums_as_strings: false,
                none_as_null: true,
                big_as_text: true,
            },
        ))
        .unwrap();
    assert_eq!(from_graphql, json);

    let row = client
        .query_one("SELECT * FROM fn_create_everything($1::jsonb)", &[&json])
        .await
        .expect("the function runs");
    assert_eq!(row.get::<_, Uuid>("id"), input.id);
    assert_eq!(row.get::<_, String>("name"), input.name);
    assert!(row.get::<_, bool>("flag"));
    assert_eq!(row.get::<_, i16>("small"), i16::MIN);
    assert_eq!(row.get::<_, i32>("count"), i32::MAX);
    assert_eq!(row.get::<_, i64>("big"), i64::MAX);
    assert_eq!(row.get::<_, String>("score"), "0.1");
    assert_eq!(row.get::<_, NaiveDate>("born"), input.born);
    assert_eq!(row.get::<_, DateTime<Utc>>("at"), input.at);
    assert_eq!(row.get::<_, Value>("settings"), input.settings);
    assert_eq!(row.get::<_, String>("role"), "ro");
    assert_eq!(row.get::<_, Vec<String>>("roles"), ["admin", "super_user"]);
    assert_eq!(
        row.get::<_, Vec<Option<i32>>>("scores"),
        [Some(1), None, Some(-3)]
    );
    assert!(
        !row.get::<_, bool>("nothing_given"),
        "None is omitted, not null"
    );
    assert_eq!(row.get::<_, String>("street"), "1 Rue de la Paix");
    assert!(!row.get::<_, bool>("zip_given"));
    assert_eq!(
        row.get::<_, Vec<String>>("keys"),
        [
            "address", "at", "big", "born", "count", "flag", "id", "name", "role", "roles",
            "score", "scores", "settings", "small"
        ]
    );
}
