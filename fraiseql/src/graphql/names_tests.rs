//! Schemas in which two things would share a GraphQL type name are refused at build time, naming
//! both; a type reached several times is one definition.
#![allow(dead_code)] // the types exist for their descriptors

use uuid::Uuid;

use super::SchemaBuilder;
use crate::{FraiseEnum, FraiseInput, FraiseType};

#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
struct User {
    id: Uuid,
    name: String,
    role: Role,
}

#[derive(FraiseEnum)]
enum Role {
    Admin,
    Member,
}

/// Embeds `User` and, through `Comment`, `User` again.
#[derive(FraiseType)]
#[fraiseql(view = "tv_post")]
struct Post {
    id: Uuid,
    author: User,
    comments: Vec<Comment>,
}

#[derive(FraiseType)]
#[fraiseql(view = "tv_comment")]
struct Comment {
    id: Uuid,
    author: User,
}

#[derive(FraiseInput)]
struct CreateUserInput {
    name: String,
    role: Role,
    address: Option<AddressInput>,
    previous: Vec<AddressInput>,
}

#[derive(FraiseInput)]
struct AddressInput {
    street: String,
}

/// Why `builder` cannot build.
fn build_error(builder: SchemaBuilder) -> String {
    match builder.build() {
        Ok(_) => panic!("the schema built"),
        Err(error) => error.to_string(),
    }
}

/// Refused with a message naming the clashing name and both definitions.
fn refused(builder: SchemaBuilder, name: &str, first: &str, second: &str) {
    let error = build_error(builder);
    assert!(
        error.contains(&format!("two GraphQL types are named {name}:")),
        "{error}"
    );
    assert!(error.contains(first), "{error}");
    assert!(error.contains(second), "{error}");
}

#[test]
fn a_type_reached_several_times_is_one_definition() {
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<CreateUserInput, User>("createUser")
        .build()
        .expect("the schema builds");
    let sdl = schema.as_sdl();
    for definition in [
        "type User {",
        "enum Role {",
        "input CreateUserInput {",
        "input AddressInput {",
        "union CreateUserResult =",
    ] {
        assert_eq!(sdl.matches(definition).count(), 1, "{definition}\n{sdl}");
    }
}

/// Every type juniper registers is one the check claims: no generated type escapes it.
#[test]
fn the_check_claims_every_type_the_schema_defines() {
    let schema = SchemaBuilder::new()
        .query::<User>()
        .query::<Post>()
        .mutation::<CreateUserInput, User>("createUser")
        .build()
        .expect("the schema builds");
    let claimed = super::clash::claimed(&schema.query_info);
    let sdl = schema.as_sdl();
    let defined: Vec<&str> = sdl
        .lines()
        .filter_map(|line| {
            let (keyword, rest) = line.split_once(' ')?;
            ["type", "input", "enum", "union", "scalar"]
                .contains(&keyword)
                .then(|| rest.split([' ', '{']).next())?
        })
        .collect();
    assert!(defined.len() > 20, "{sdl}");
    for name in defined {
        assert!(claimed.contains(name), "{name} is not claimed");
    }
}

#[test]
fn an_input_named_like_an_entity() {
    #[derive(FraiseInput)]
    #[fraiseql(name = "User")]
    struct NewUser {
        name: String,
    }
    refused(
        SchemaBuilder::new()
            .query::<User>()
            .mutation::<NewUser, User>("createUser"),
        "User",
        "the type User (read from tv_user)",
        "the input User",
    );
}

#[test]
fn a_nested_input_named_like_an_enum() {
    #[derive(FraiseInput)]
    #[fraiseql(name = "Role")]
    struct RoleInput {
        name: String,
    }
    #[derive(FraiseInput)]
    struct GrantInput {
        user: Uuid,
        role: Option<RoleInput>,
    }
    refused(
        SchemaBuilder::new()
            .query::<User>()
            .mutation::<GrantInput, User>("grant"),
        "Role",
        "the enum Role",
        "the input Role",
    );
}

#[test]
fn an_entity_named_like_a_mutation_result() {
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_audit")]
    struct CreateUserResult {
        id: Uuid,
    }
    refused(
        SchemaBuilder::new()
            .query::<User>()
            .query::<CreateUserResult>()
            .mutation::<CreateUserInput, User>("createUser"),
        "CreateUserResult",
        "the type CreateUserResult (read from tv_audit)",
        "the result union type of the mutation createUser",
    );
}

#[test]
fn two_rust_types_with_one_graphql_name() {
    mod elsewhere {
        use uuid::Uuid;

        use crate::FraiseType;

        #[derive(FraiseType)]
        #[fraiseql(view = "tv_member")]
        pub struct User {
            pub id: Uuid,
        }
    }
    /// Embeds the other `User`: before the check, its fields were silently `tv_user`'s.
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_team")]
    struct Team {
        id: Uuid,
        members: Vec<elsewhere::User>,
    }
    refused(
        SchemaBuilder::new().query::<User>().query::<Team>(),
        "User",
        "the type User (read from tv_user)",
        "the type User (read from tv_member)",
    );
}

#[test]
fn an_enum_named_like_a_generated_input() {
    #[derive(FraiseEnum)]
    enum UserOrderBy {
        Newest,
    }
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_feed")]
    struct Feed {
        id: Uuid,
        order: UserOrderBy,
    }
    refused(
        SchemaBuilder::new().query::<User>().query::<Feed>(),
        "UserOrderBy",
        "the order input of User",
        "the enum UserOrderBy",
    );
}

#[test]
fn an_entity_named_like_a_library_type() {
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_query")]
    struct Query {
        id: Uuid,
    }
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_filter")]
    struct StringFilter {
        id: Uuid,
    }
    refused(
        SchemaBuilder::new().query::<Query>(),
        "Query",
        "fraiseql's Query",
        "the type Query (read from tv_query)",
    );
    refused(
        SchemaBuilder::new().query::<StringFilter>(),
        "StringFilter",
        "the filter input of String",
        "the type StringFilter (read from tv_filter)",
    );
}

#[test]
fn names_starting_with_two_underscores_are_introspections() {
    use super::RootFields;
    let reserved = |builder: SchemaBuilder, name: &str| {
        assert_eq!(
            build_error(builder),
            format!(
                "reserved GraphQL name \"{name}\": names starting with __ belong to introspection"
            )
        );
    };
    reserved(
        SchemaBuilder::new().query_with::<User>(RootFields::new().one("__type")),
        "__type",
    );
    reserved(
        SchemaBuilder::new()
            .query::<User>()
            .mutation::<CreateUserInput, User>("__createUser"),
        "__createUser",
    );
}

#[test]
fn fields_that_generated_types_could_not_hold() {
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_gate")]
    struct Gate {
        id: Uuid,
        #[fraiseql(rename = "_and")]
        both: bool,
    }
    #[derive(FraiseType)]
    #[fraiseql(view = "tv_shelf")]
    struct Shelf {
        id: Uuid,
        #[fraiseql(rename = "abC")]
        first: i32,
        #[fraiseql(rename = "ab_c")]
        second: i32,
    }
    assert_eq!(
        build_error(SchemaBuilder::new().query::<Gate>()),
        "Gate._and: _and, _or and _not are fields of the filter input GateWhereInput; rename the field"
    );
    assert_eq!(
        build_error(SchemaBuilder::new().query::<Shelf>()),
        "Shelf.abC and Shelf.ab_c would both be the order field AB_C; rename one"
    );
}
