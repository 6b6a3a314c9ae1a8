//! `FraiseInput` types registered in a juniper schema: the SDL they produce, and arguments juniper
//! validated (literals and variables) converted by [`InputDescriptor::to_json`] into the JSON a
//! function receives.

use chrono::{DateTime, NaiveDate, Utc};
use juniper::meta::{Argument, MetaType};
use juniper::{
    ArcStr, Arguments, DefaultScalarValue as S, EmptyMutation, EmptySubscription, ExecutionResult,
    Executor, GraphQLType, GraphQLValue, RootNode, Value, Variables,
};
use serde_json::json;
use uuid::Uuid;

use super::inputs::input_type;
use crate::descriptor::{FieldType, InputDescriptor};
use crate::{FraiseEnum, FraiseInput};

/// What creating a user needs.
#[derive(FraiseInput)]
struct CreateUserInput {
    /// Shown to other users.
    display_name: String,
    age: Option<i32>,
    id: Option<Uuid>,
    big: Option<i64>,
    born: Option<NaiveDate>,
    at: Option<DateTime<Utc>>,
    role: Role,
    roles: Option<Vec<Role>>,
    grid: Vec<Vec<Option<f64>>>,
    address: Option<AddressInput>,
    #[fraiseql(rename = "previous")]
    previous_addresses: Vec<AddressInput>,
}

#[derive(FraiseInput)]
#[fraiseql(name = "NewAddress", json_case = "camelCase")]
struct AddressInput {
    street_line: String,
    zip_code: Option<String>,
}

/// Who may do what.
#[derive(FraiseEnum)]
enum Role {
    Admin,
    #[fraiseql(json = "ro")]
    ReadOnly,
}

/// A root whose one field, `echo(input: …!)`, answers with the JSON the function would receive.
struct Probe;

impl GraphQLType<S> for Probe {
    fn name(_: &&'static InputDescriptor) -> Option<ArcStr> {
        Some(ArcStr::from("Query"))
    }

    fn meta(info: &&'static InputDescriptor, registry: &mut juniper::Registry<S>) -> MetaType<S> {
        let input = FieldType::Input(CreateUserInput::descriptor);
        let argument = Argument::new("input", input_type(registry, &input));
        let fields = [registry.field::<String>("echo", &()).argument(argument)];
        registry
            .build_object_type::<Self>(info, &fields)
            .into_meta()
    }
}

impl GraphQLValue<S> for Probe {
    type Context = ();
    type TypeInfo = &'static InputDescriptor;

    fn type_name(&self, info: &Self::TypeInfo) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }

    fn resolve_field(
        &self,
        info: &Self::TypeInfo,
        _: &str,
        arguments: &Arguments<S>,
        _: &Executor<(), S>,
    ) -> ExecutionResult<S> {
        let value = arguments.get_input_value("input").expect("validated");
        let json = info.to_json(&value.item).map_err(|e| e.to_string())?;
        Ok(Value::scalar(json.to_string()))
    }
}

type ProbeSchema = RootNode<Probe, EmptyMutation<()>, EmptySubscription<()>>;

fn schema() -> ProbeSchema {
    RootNode::new_with_info(
        Probe,
        EmptyMutation::new(),
        EmptySubscription::new(),
        CreateUserInput::descriptor(),
        (),
        (),
    )
}

/// The SDL block of the type named `name`.
fn sdl_block(sdl: &str, header: &str) -> String {
    let start = sdl
        .find(header)
        .unwrap_or_else(|| panic!("{header} in\n{sdl}"));
    let end = sdl[start..].find("\n}").expect("block end") + start + 2;
    sdl[start..end].to_owned()
}

#[test]
fn input_objects_appear_in_the_sdl() {
    let sdl = schema().as_sdl();
    assert_eq!(
        sdl_block(
            &sdl,
            "\"What creating a user needs.\"\ninput CreateUserInput {"
        ),
        [
            "\"What creating a user needs.\"",
            "input CreateUserInput {",
            // juniper prints an input field's description on the field's line.
            "  \"Shown to other users.\" displayName: String!",
            "  age: Int",
            "  id: UUID",
            "  big: BigInt",
            "  born: Date",
            "  at: DateTime",
            "  role: Role!",
            "  roles: [Role!]",
            "  grid: [[Float]!]!",
            "  address: NewAddress",
            "  previous: [NewAddress!]!",
            "}",
        ]
        .join("\n")
    );
    assert_eq!(
        sdl_block(&sdl, "input NewAddress {"),
        "input NewAddress {\n  streetLine: String!\n  zipCode: String\n}"
    );
    assert!(
        sdl.contains("\"Who may do what.\"\nenum Role {\n  ADMIN\n  READ_ONLY\n}"),
        "{sdl}"
    );
    assert!(
        sdl.contains("echo(input: CreateUserInput!): String!"),
        "{sdl}"
    );
}

fn echo(query: &str, variables: &Variables<S>) -> Result<serde_json::Value, String> {
    let (value, errors) = juniper::execute_sync(query, None, &schema(), variables, &())
        .map_err(|e| format!("{e:?}"))?;
    if let Some(error) = errors.first() {
        return Err(error.error().message().to_owned());
    }
    let text = value
        .as_object_value()
        .and_then(|o| o.get_field_value("echo"))
        .and_then(Value::as_scalar)
        .and_then(|s| match s {
            S::String(text) => Some(text.clone()),
            _ => None,
        })
        .expect("a string");
    Ok(serde_json::from_str(&text).expect("JSON"))
}

#[test]
fn literal_arguments_reach_the_function_as_json() {
    let json = echo(
        r#"{ echo(input: {
            displayName: "Zoë", age: null, id: "6B0F3D7A-1E32-4A0B-9C1E-2E9D6F0C4A11",
            big: 9007199254740993, at: "2024-05-01T10:00:00+02:00",
            role: READ_ONLY, roles: ADMIN, grid: [[1.5, null], 2],
            address: {streetLine: "1 Rue"}, previous: []
        }) }"#,
        &Variables::new(),
    )
    .unwrap();
    assert_eq!(
        json,
        json!({
            "display_name": "Zoë",
            "id": "6b0f3d7a-1e32-4a0b-9c1e-2e9d6f0c4a11",
            "big": 9_007_199_254_740_993_i64,
            "at": "2024-05-01T08:00:00Z",
            "role": "ro",
            "roles": ["admin"],
            "grid": [[1.5, null], [2.0]],
            "address": {"streetLine": "1 Rue"},
            "previous_addresses": [],
        })
    );
}

#[test]
fn variables_reach_the_function_as_json() {
    let variables: Variables<S> = serde_json::from_value(json!({
        "input": {
            "displayName": "Ada",
            "role": "ADMIN",
            "born": "1815-12-10",
            "grid": [],
            "previous": [{"streetLine": "Marylebone", "zipCode": null}],
        }
    }))
    .unwrap();
    let json = echo(
        "query($input: CreateUserInput!) { echo(input: $input) }",
        &variables,
    )
    .unwrap();
    assert_eq!(
        json,
        json!({
            "display_name": "Ada",
            "role": "admin",
            "born": "1815-12-10",
            "grid": [],
            "previous_addresses": [{"streetLine": "Marylebone"}],
        })
    );
}

#[test]
fn juniper_refuses_what_the_input_type_does_not_allow() {
    for (query, expected) in [
        (
            r#"{ echo(input: {role: ADMIN, grid: [], previous: []}) }"#,
            "displayName",
        ),
        (
            r#"{ echo(input: {displayName: "a", role: ADMIN, grid: [], previous: [], nick: "x"}) }"#,
            "nick",
        ),
        (
            r#"{ echo(input: {displayName: 1, role: ADMIN, grid: [], previous: []}) }"#,
            "displayName",
        ),
    ] {
        let error = echo(query, &Variables::new()).unwrap_err();
        assert!(error.contains(expected), "{query}: {error}");
    }
    // Enum literals are not checked by juniper without type information: the conversion is.
    let error = echo(
        r#"{ echo(input: {displayName: "a", role: OWNER, grid: [], previous: []}) }"#,
        &Variables::new(),
    )
    .unwrap_err();
    assert_eq!(error, "role: OWNER is not a value of enum Role");
}
