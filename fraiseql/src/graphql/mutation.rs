//! A mutation field compiled: `createUser(input: CreateUserInput!): CreateUserResult!` becomes
//! one statement that calls the PostgreSQL function with the input as `jsonb` and projects its
//! answer as selected; its result is the union `CreateUserResult = CreateUserSuccess |
//! CreateUserError`, registered here.

use fraiseql_sql::{Call, JsonPath, Name, Projected, Projection, Root};
use juniper::meta::MetaType;
use juniper::{ArcStr, DefaultScalarValue as S, GraphQLType, GraphQLValue, Registry, Selection};

use super::authz::{At, Step, forbidden};
use super::compile::{Compiler, Failure, FieldNode, bad_input};
use super::context::Context;
use super::info::Shared;
use super::mutation_field::MutationInfo;
use super::names::{Derived, FIELD_ERROR, MUTATION};
use super::objects::{Object, ObjectInfo, ObjectKind};

/// The call `field` asks for: the input converted for the function, and both answers
/// projected as selected.
pub(crate) fn compile<'e>(
    compiler: &Compiler<'e>,
    mutation: &MutationInfo,
    field: &FieldNode<'e>,
) -> std::result::Result<Root, Failure> {
    if !compiler.grants.allows(&mutation.requires) {
        let action = format!("call {MUTATION}.{}", mutation.name);
        return Err(forbidden(action, "it", &mutation.requires));
    }
    let input = compiler
        .argument(field, "input")
        .ok_or_else(|| bad_input("`input` is required"))?;
    let input = (mutation.input)().to_json(&input).map_err(bad_input)?;
    let subs: Vec<&'e [Selection<'e, S>]> = field.selection_set.into_iter().collect();
    Ok(Root::Call(Call {
        function: mutation.function.clone(),
        input,
        success: answer(compiler, mutation, &subs, true)?,
        failure: answer(compiler, mutation, &subs, false)?,
    }))
}

/// The key of a mutation answer's first field, its outcome code (`SUCCESS`, `NOT_FOUND`, …),
/// which the metrics read and take out.
#[cfg(feature = "metrics")]
pub(crate) const OUTCOME_KEY: &str = "__fraiseql_outcome";

/// `value`, a mutation's answer, without its first field, the outcome code (`OUTCOME_KEY`),
/// and that code.
#[cfg(feature = "metrics")]
pub(crate) fn take_outcome(
    value: juniper::InputValue<S>,
) -> (juniper::InputValue<S>, Option<String>) {
    let juniper::InputValue::Object(mut fields) = value else {
        return (value, None);
    };
    if fields
        .first()
        .is_none_or(|(key, _)| key.item != OUTCOME_KEY)
    {
        return (juniper::InputValue::Object(fields), None);
    }
    let (_, code) = fields.remove(0);
    let code = match code.item {
        juniper::InputValue::Scalar(S::String(code)) => Some(code),
        _ => None,
    };
    (juniper::InputValue::Object(fields), code)
}

/// The success or error object as selected (fragments on the other member left out).
fn answer<'e>(
    compiler: &Compiler<'e>,
    mutation: &MutationInfo,
    subs: &[&'e [Selection<'e, S>]],
    success: bool,
) -> std::result::Result<Projection, Failure> {
    let member = if success {
        Derived::Success
    } else {
        Derived::Error
    };
    let concrete = member.of(&mutation.prefix);
    let union = mutation.union_name();
    let path = |key: &str| JsonPath::parse(key).map_err(bad_input);
    let mut projection = Projection::new();
    // The outcome's code, first, for the metrics: taken out of the answer before juniper sees
    // it (`take_outcome`).
    #[cfg(feature = "metrics")]
    projection.push(
        Name::new(OUTCOME_KEY).map_err(bad_input)?,
        Projected::Value(path("code")?),
    );
    for (key, group) in compiler.group_as(subs, &[&concrete, &union])? {
        let value = match (group[0].name, success) {
            ("__typename", _) => Projected::Typename(Name::new(&concrete).map_err(bad_input)?),
            ("status", _) => Projected::Value(path("status")?),
            ("message", _) => Projected::Value(path("message")?),
            ("updatedFields", true) => Projected::Value(path("updated_fields")?),
            ("code", false) => Projected::Value(path("code")?),
            ("fieldErrors", false) => Projected::List(
                path("errors")?,
                field_errors(compiler, &Compiler::sub_selections(&group))?,
            ),
            (name, true) if name == mutation.entity_field => {
                let member = At {
                    step: Step::Member(&concrete),
                    up: None,
                };
                let here = At::field(Some(&member), key, name);
                let entity = compiler.schema.entities[mutation.entity].descriptor;
                let subs = Compiler::sub_selections(&group);
                if !compiler.grants.allows(entity.requires) {
                    let action = format!("read {concrete}.{name}");
                    let refusal = forbidden(action, entity.name, entity.requires);
                    compiler
                        .denied
                        .record(Some(&here), group[0].position, refusal);
                    Projected::Null
                } else {
                    match compiler.projection(mutation.entity, &subs, true, Some(&here))? {
                        Some(projection) => Projected::Object(path("entity")?, projection),
                        // The entity is nullable: it takes the null.
                        None => Projected::Null,
                    }
                }
            }
            (name, _) => return Err(bad_input(format!("{concrete} has no field {name}"))),
        };
        projection.push(Name::new(key).map_err(bad_input)?, value);
    }
    Ok(projection)
}

fn field_errors<'e>(
    compiler: &Compiler<'e>,
    subs: &[&'e [Selection<'e, S>]],
) -> std::result::Result<Projection, Failure> {
    let mut projection = Projection::new();
    for (key, group) in compiler.group(subs)? {
        let value = match group[0].name {
            "__typename" => Projected::Typename(Name::new(FIELD_ERROR).map_err(bad_input)?),
            name @ ("field" | "code" | "message") => {
                Projected::Value(JsonPath::parse(name).map_err(bad_input)?)
            }
            name => return Err(bad_input(format!("FieldError has no field {name}"))),
        };
        projection.push(Name::new(key).map_err(bad_input)?, value);
    }
    Ok(projection)
}

/// Type info of a mutation's result union.
#[derive(Debug, Clone)]
pub(crate) struct ResultInfo {
    pub schema: Shared,
    pub mutation: usize,
}

/// A mutation's result: `<Prefix>Success | <Prefix>Error`.
#[derive(Debug)]
pub(crate) struct MutationResult;

impl GraphQLType<S> for MutationResult {
    fn name(info: &ResultInfo) -> Option<ArcStr> {
        Some(ArcStr::from(
            info.schema.mutations[info.mutation].union_name(),
        ))
    }

    fn meta(info: &ResultInfo, registry: &mut Registry<S>) -> MetaType<S> {
        let member = |kind| ObjectInfo {
            schema: info.schema.clone(),
            kind,
        };
        let types = [
            registry.get_type::<Object>(&member(ObjectKind::MutationSuccess(info.mutation))),
            registry.get_type::<Object>(&member(ObjectKind::MutationError(info.mutation))),
        ];
        registry
            .build_union_type::<Self>(info, &types)
            .description("What the mutation answered: a success, or why it refused.")
            .into_meta()
    }
}

impl GraphQLValue<S> for MutationResult {
    type Context = Context;
    type TypeInfo = ResultInfo;

    fn type_name(&self, info: &ResultInfo) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }
}
