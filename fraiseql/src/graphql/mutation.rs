//! Mutations in the schema: each one a field `createUser(input: CreateUserInput!):
//! CreateUserResult!` calling a PostgreSQL function with the input as `jsonb`, its result the
//! union `CreateUserResult = CreateUserSuccess | CreateUserError`, answered by one statement
//! that calls the function and projects its answer as selected.

use fraiseql_sql::{Call, JsonPath, Name, Projected, Projection, QualifiedName, Root};
use juniper::meta::{Argument, MetaType};
use juniper::{
    ArcStr, Arguments, BoxFuture, DefaultScalarValue as S, ExecutionResult, Executor, GraphQLType,
    GraphQLValue, GraphQLValueAsync, Registry, Selection,
};

use super::Context;
use super::compile::{Compiler, Failure, FieldNode, bad_input};
use super::info::Shared;
use super::names::{Derived, FIELD_ERROR, MUTATION};
use super::types::{Object, ObjectInfo, ObjectKind, input_type};
use crate::descriptor::{FieldType, InputDescriptor, TypeDescriptor};
use crate::error::{Error, Result};
use crate::field::{FraiseInput, FraiseType};

/// A mutation to serve: its GraphQL field, its input and entity types, and the PostgreSQL
/// function behind it.
///
/// ```
/// # use fraiseql::{FraiseInput, FraiseType, graphql::{MutationField, SchemaBuilder}};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
/// # #[derive(FraiseInput)] struct CreateUserInput { name: String }
/// let schema = SchemaBuilder::new()
///     .query::<User>()
///     .mutation_with(MutationField::new::<CreateUserInput, User>("createUser").function("app.fn_new_user"))
///     .build()?;
/// assert!(schema.as_sdl().contains("createUser(input: CreateUserInput!): CreateUserResult!"));
/// # Ok::<(), fraiseql::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MutationField {
    name: String,
    function: Option<String>,
    input: fn() -> &'static InputDescriptor,
    entity: &'static TypeDescriptor,
}

impl MutationField {
    /// The field `name`, taking `I` as `input` and answering with a `T` on success; the
    /// function is `fn_<snake_case(name)>` (`createUser` → `fn_create_user`).
    pub fn new<I: FraiseInput, T: FraiseType>(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            function: None,
            input: I::descriptor,
            entity: T::descriptor(),
        }
    }

    /// Calls `function` (optionally schema-qualified) instead.
    pub fn function(mut self, function: &str) -> Self {
        self.function = Some(function.to_owned());
        self
    }
}

/// A served mutation, with its names resolved.
#[derive(Debug)]
pub(crate) struct MutationInfo {
    /// The field name (`createUser`).
    pub name: String,
    /// The result types' prefix (`CreateUser`).
    pub prefix: String,
    pub function: QualifiedName,
    pub input: fn() -> &'static InputDescriptor,
    /// The entity's index in the schema's entities.
    pub entity: usize,
    /// The success object's field holding the entity (`user`).
    pub entity_field: String,
}

impl MutationInfo {
    pub(crate) fn new(field: &MutationField, entity: usize) -> Result<Self> {
        let invalid = |e: fraiseql_sql::Error| Error::BadInput(e.to_string());
        Name::defined(&field.name).map_err(invalid)?;
        let function = match &field.function {
            Some(function) => function.clone(),
            None => format!("fn_{}", super::screaming(&field.name).to_ascii_lowercase()),
        };
        let mut prefix = field.name.clone();
        if let Some(first) = prefix.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let mut entity_field = field.entity.name.to_owned();
        if let Some(first) = entity_field.get_mut(..1) {
            first.make_ascii_lowercase();
        }
        Ok(Self {
            name: field.name.clone(),
            prefix,
            function: QualifiedName::parse(&function).map_err(invalid)?,
            input: field.input,
            entity,
            entity_field,
        })
    }

    pub(crate) fn entity_descriptor(field: &MutationField) -> &'static TypeDescriptor {
        field.entity
    }

    /// Names of the union and its two members.
    pub(crate) fn union_name(&self) -> String {
        Derived::Result.of(&self.prefix)
    }
}

/// Checks every mutation's function in `db`'s catalog: it exists, takes one `jsonb` argument
/// and returns `fraiseql_mutation_result`.
pub(crate) async fn verify(mutations: &[MutationInfo], db: &crate::Database) -> Result<()> {
    let client = db.pool().get().await.map_err(|error| {
        tracing::warn!(%error, "no database connection");
        Error::Unavailable
    })?;
    for mutation in mutations {
        let signature = format!("{}(jsonb)", mutation.function);
        let row = client
            .query_opt(
                "SELECT p.prorettype::regtype::text FROM pg_proc p \
                 WHERE p.oid = to_regprocedure($1)",
                &[&signature],
            )
            .await
            .map_err(Error::from_database)?;
        let problem = match row.map(|r| r.get::<_, String>(0)) {
            None => format!("no function {signature}"),
            Some(returns) if returns != "fraiseql_mutation_result" => {
                format!("{signature} returns {returns}, not fraiseql_mutation_result")
            }
            Some(_) => continue,
        };
        return Err(Error::BadInput(format!(
            "mutation {}: {problem}",
            mutation.name
        )));
    }
    Ok(())
}

/// The root mutation type; named `_EmptyMutation` (which juniper leaves out of the schema)
/// when no mutation is served.
#[derive(Debug)]
pub struct Mutation;

impl GraphQLType<S> for Mutation {
    fn name(info: &Shared) -> Option<ArcStr> {
        Some(ArcStr::from(if info.mutations.is_empty() {
            "_EmptyMutation"
        } else {
            MUTATION
        }))
    }

    fn meta(info: &Shared, registry: &mut Registry<S>) -> MetaType<S> {
        let mut fields = Vec::new();
        for (index, mutation) in info.mutations.iter().enumerate() {
            let input = input_type(registry, &FieldType::Input(mutation.input));
            let description = (mutation.input)().description;
            let field = registry
                .field::<MutationResult>(
                    mutation.name.as_str(),
                    &ResultInfo {
                        schema: info.clone(),
                        mutation: index,
                    },
                )
                .argument(Argument::new("input", input))
                .description(format!(
                    "Calls `{}` with `input` as jsonb.{}",
                    mutation.function,
                    description.map(|d| format!(" {d}")).unwrap_or_default()
                ));
            fields.push(field);
        }
        registry
            .build_object_type::<Self>(info, &fields)
            .into_meta()
    }
}

impl GraphQLValue<S> for Mutation {
    type Context = Context;
    type TypeInfo = Shared;

    fn type_name(&self, info: &Shared) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }

    fn concrete_type_name(&self, _: &Context, info: &Shared) -> String {
        <Self as GraphQLType<S>>::name(info)
            .map(|n| n.to_string())
            .unwrap_or_default()
    }
}

impl GraphQLValueAsync<S> for Mutation {
    /// juniper's executor runs mutation fields one after the other; each is one statement in
    /// its own read-write transaction under the request's context.
    fn resolve_field_async<'a>(
        &'a self,
        info: &'a Shared,
        field_name: &'a str,
        arguments: &'a Arguments<S>,
        executor: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        super::root::RootField::resolve(info, field_name, arguments, executor, true)
    }
}

/// The call `field` asks for: the input converted for the function, and both answers
/// projected as selected.
pub(crate) fn compile<'e>(
    compiler: &Compiler<'e>,
    mutation: &MutationInfo,
    field: &FieldNode<'e>,
) -> std::result::Result<Root, Failure> {
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
            (name, true) if name == mutation.entity_field => Projected::Object(
                path("entity")?,
                compiler.projection(mutation.entity, &Compiler::sub_selections(&group), true)?,
            ),
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
