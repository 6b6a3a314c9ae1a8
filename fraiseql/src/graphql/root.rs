//! The root types, `Query` and `Mutation`: they register the root fields, and, on juniper's
//! executor, answer each root field with one SQL statement built from its exact selection,
//! whose JSON juniper then walks field by field (`walk`), checking it against the schema.
//! `Query` also holds the schema's plan cache, which [`super::execute`] answers from.

use juniper::meta::{Argument, MetaType};
use juniper::{
    ArcStr, Arguments, BoxFuture, DefaultScalarValue as S, EmptySubscription, ExecutionResult,
    Executor, GraphQLType, GraphQLValue, GraphQLValueAsync, ID, InputValue, Registry, RootNode,
    Selection,
};

use super::authz::{self, Grants};
use super::compile::{Compiler, FieldArguments, FieldNode, bad_input, failure};
use super::context::Context;
use super::info::Shared;
use super::inputs::{Input, InputInfo, input_type};
use super::mutation::{MutationResult, ResultInfo};
use super::names::{MUTATION, QUERY};
use super::objects::{Object, ObjectInfo, ObjectKind};
use super::plan::PlanCache;
use super::walk::{Declared, Field, complete, output};
use crate::descriptor::FieldType;

/// The juniper schema FraiseQL builds; execute it with any juniper integration.
pub type Schema = RootNode<Query, Mutation, EmptySubscription<Context>>;

/// The root query type of a FraiseQL schema.
#[derive(Debug)]
pub struct Query {
    /// The documents this schema has parsed, validated and compiled.
    pub(crate) plans: PlanCache,
}

impl GraphQLType<S> for Query {
    fn name(_: &Shared) -> Option<ArcStr> {
        Some(ArcStr::from(QUERY))
    }

    fn meta(info: &Shared, registry: &mut Registry<S>) -> MetaType<S> {
        let mut fields = Vec::new();
        for (index, entity) in info.entities.iter().enumerate() {
            let Some(names) = &entity.roots else { continue };
            let descriptor = entity.descriptor;
            let object = |kind| ObjectInfo {
                schema: info.clone(),
                kind,
            };
            let filter = InputInfo::Where(info.clone(), index);
            let order = InputInfo::OrderBy(info.clone(), index);

            if let Some(name) = &names.one {
                let mut args = vec![registry.arg::<Option<ID>>("id", &())];
                if descriptor.identifier.is_some() {
                    args.push(registry.arg::<Option<String>>("identifier", &()));
                }
                let mut one = registry
                    .field::<Option<Object>>(name.as_str(), &object(ObjectKind::Entity(index)))
                    .description(format!("One {} by `id` or `identifier`.", descriptor.name));
                for arg in args {
                    one = one.argument(arg);
                }
                fields.push(one);
            }

            if let Some(name) = &names.list {
                let args = [
                    registry.arg::<Option<Input>>("where", &filter),
                    registry.arg::<Option<Vec<Input>>>("orderBy", &order),
                    registry.arg::<Option<i32>>("limit", &()),
                    registry.arg::<Option<i32>>("offset", &()),
                ];
                let mut list = registry
                    .field::<Vec<Object>>(name.as_str(), &object(ObjectKind::Entity(index)))
                    .description(format!(
                        "{} rows matching `where`, in `orderBy` order then by key (in no set order without `orderBy`).",
                        descriptor.name
                    ));
                for arg in args {
                    list = list.argument(arg);
                }
                fields.push(list);
            }

            if let Some(name) = &names.aggregate {
                let aggregate = registry
                    .field::<Object>(name.as_str(), &object(ObjectKind::Aggregate(index)))
                    .argument(registry.arg::<Option<Input>>("where", &filter))
                    .description(format!(
                        "Aggregates over the {} rows matching `where`.",
                        descriptor.name
                    ));
                fields.push(aggregate);
            }

            if let Some(name) = &names.connection {
                let args = [
                    registry.arg::<Option<Input>>("where", &filter),
                    registry.arg::<Option<Vec<Input>>>("orderBy", &order),
                    registry.arg::<Option<i32>>("first", &()),
                    registry.arg::<Option<String>>("after", &()),
                    registry.arg::<Option<i32>>("last", &()),
                    registry.arg::<Option<String>>("before", &()),
                ];
                let mut connection = registry
                    .field::<Object>(name.as_str(), &object(ObjectKind::Connection(index)))
                    .description(format!("A Relay connection over {} rows.", descriptor.name));
                for arg in args {
                    connection = connection.argument(arg);
                }
                fields.push(connection);
            }
        }
        registry
            .build_object_type::<Self>(info, &fields)
            .into_meta()
    }
}

impl GraphQLValue<S> for Query {
    type Context = Context;
    type TypeInfo = Shared;

    fn type_name(&self, info: &Shared) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }

    fn concrete_type_name(&self, _: &Context, _: &Shared) -> String {
        QUERY.to_owned()
    }
}

impl GraphQLValueAsync<S> for Query {
    /// One statement per root field; [`super::execute`] answers a whole operation with one.
    fn resolve_field_async<'a>(
        &'a self,
        info: &'a Shared,
        field_name: &'a str,
        arguments: &'a Arguments<S>,
        executor: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        RootField::resolve(info, field_name, arguments, executor, false)
    }
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
        RootField::resolve(info, field_name, arguments, executor, true)
    }
}

/// One root field being resolved by juniper's executor: a query field, or a mutation field
/// (`writes`), run in a read-write transaction.
pub(crate) struct RootField<'a> {
    pub name: &'a str,
    pub arguments: &'a Arguments<'a, S>,
    pub writes: bool,
}

impl<'a> RootField<'a> {
    /// What a root type's `resolve_field_async` does: juniper's executor calls it once per root
    /// field, and the field's exact sub-selection reaches [`RootField`]'s `resolve_async` through
    /// the field's executor.
    pub(crate) fn resolve(
        info: &'a Shared,
        name: &'a str,
        arguments: &'a Arguments<'a, S>,
        executor: &'a Executor<Context, S>,
        writes: bool,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        Box::pin(async move {
            let field = RootField {
                name,
                arguments,
                writes,
            };
            executor.resolve_async(info, &field).await
        })
    }
}

impl GraphQLValue<S> for RootField<'_> {
    type Context = Context;
    type TypeInfo = Shared;

    fn type_name(&self, _: &Shared) -> Option<ArcStr> {
        None
    }
}

impl GraphQLValueAsync<S> for RootField<'_> {
    fn resolve_async<'a>(
        &'a self,
        info: &'a Shared,
        selection_set: Option<&'a [Selection<S>]>,
        executor: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        use tracing::Instrument as _;
        let span = match self.writes {
            true => crate::trace::mutation_span(self.name, info),
            false => tracing::Span::none(),
        };
        Box::pin(
            async move {
                let fragments = |name: &str| {
                    executor
                        .fragment_by_name(name)
                        .map(|f| (f.type_condition.item, &f.selection_set[..]))
                };
                let context = executor.context();
                let grants = Grants::new(info, &context.request);
                let compiler = Compiler {
                    schema: info,
                    variables: executor.variables(),
                    fragments: &fragments,
                    cursor_key: context.db.cursor_key(),
                    record: None,
                    walked: !self.writes,
                    grants: &grants,
                    denied: Default::default(),
                };
                let field = FieldNode {
                    name: self.name,
                    arguments: FieldArguments::Resolved(self.arguments),
                    selection_set,
                    // juniper's executor places this field's errors itself.
                    position: juniper::parser::SourcePosition::new_origin(),
                };
                let unknown = || bad_input(format!("unknown root field {}", self.name));
                let root = if self.writes {
                    let mutation = info.mutations.iter().find(|m| m.name == self.name);
                    super::mutation::compile(&compiler, mutation.ok_or_else(unknown)?, &field)?
                } else {
                    compiler.root(&[field])?.ok_or_else(unknown)?
                };
                // The fields it may not read: errors at their paths, pushed before juniper meets
                // the nulls they cause (which it then does not report again).
                for denial in compiler.denied.take() {
                    authz::push(executor, &denial);
                }
                if matches!(root, fraiseql_sql::Root::Null) {
                    return Ok(juniper::Value::Null);
                }
                let statement = fraiseql_sql::Statement::value(&root).map_err(bad_input)?;
                let json = if self.writes {
                    context.db.write_json(&context.request, &statement).await
                } else {
                    context.db.fetch_json(&context.request, &statement).await
                };
                #[cfg(feature = "metrics")]
                if let (true, Err(error)) = (self.writes, &json) {
                    context.db.record_mutation(self.name, error.code());
                }
                let json = json.map_err(|e| {
                    crate::trace::record_error(&tracing::Span::current(), e.code());
                    failure(&e)
                })?;
                let value: InputValue<S> = serde_json::from_str(&json).map_err(|error| {
                    tracing::error!(%error, "PostgreSQL returned invalid JSON");
                    failure(&crate::Error::Internal)
                })?;
                if self.writes {
                    #[cfg(feature = "metrics")]
                    let value = {
                        let (value, code) = super::mutation::take_outcome(value);
                        let code = code.as_deref().unwrap_or("INTERNAL_SERVER_ERROR");
                        context.db.record_mutation(self.name, code);
                        value
                    };
                    return Ok(output(value));
                }
                // juniper resolves the fields from the JSON, checking each against its type.
                let declared = Declared::parse(&executor.current_type().to_string());
                let field = Field {
                    parent: QUERY,
                    name: self.name,
                };
                complete(&value, &declared, executor, info, &field)
            }
            .instrument(span),
        )
    }
}
