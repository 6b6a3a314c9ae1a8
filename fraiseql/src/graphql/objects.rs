//! Output object types: the entities, their connections and edges, `PageInfo` and the
//! mutations' answers.
//!
//! Objects never resolve their fields here: the fast path compiles the whole operation into one
//! SQL statement (see `execute`), and on juniper's executor `walk` resolves them from the JSON
//! each root field's statement built. These impls exist for validation and introspection.

use fraiseql_sql::{Function, ScalarKind};
use juniper::meta::{Field, MetaType};
use juniper::{ArcStr, DefaultScalarValue as S, GraphQLType, GraphQLValue, ID, Registry};

use super::info::{aggregated_fields, group_fields};
use super::inputs::list_arguments;
use super::inputs::{Input, InputInfo};
use super::names::{
    Derived, FIELD_ERROR, PAGE_INFO, aggregate_field, aggregate_values, scalar_name,
};
use super::types::{
    Base, CustomScalar, Enum, EnumInfo, Info, Shape, deprecate, described, shape_of, wrapped,
};
use crate::descriptor::FieldType;

/// Which object type an [`Object`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    Entity(usize),
    Connection(usize),
    Edge(usize),
    PageInfo,
    /// A mutation's success object (index into the schema's mutations).
    MutationSuccess(usize),
    /// A mutation's refusal object.
    MutationError(usize),
    /// One field's problem in a refused input.
    FieldError,
    /// The aggregates over an entity's rows or elements (`PostAggregate`).
    Aggregate(usize),
    /// One aggregate function over an entity's fields (`PostSumFields`).
    AggregateValues(usize, Function),
    /// One group of an entity's rows, its keys and aggregates (`PostAggregateGroup`).
    AggregateGroup(usize),
    /// The keys of a group (`PostGroupKeys`).
    GroupKeys(usize),
}

/// Type info of every output object: the schema and which object.
#[derive(Debug, Clone)]
pub(crate) struct ObjectInfo {
    pub schema: Info,
    pub kind: ObjectKind,
}

/// Every output object type; never resolved field by field (see the module docs).
#[derive(Debug)]
pub(crate) struct Object;

impl GraphQLType<S> for Object {
    fn name(info: &ObjectInfo) -> Option<ArcStr> {
        let entity = |i: usize| info.schema.entities[i].descriptor.name;
        Some(ArcStr::from(match info.kind {
            ObjectKind::Entity(i) => entity(i).to_owned(),
            ObjectKind::Connection(i) => Derived::Connection.of(entity(i)),
            ObjectKind::Edge(i) => Derived::Edge.of(entity(i)),
            ObjectKind::PageInfo => PAGE_INFO.to_owned(),
            ObjectKind::MutationSuccess(m) => Derived::Success.of(&info.schema.mutations[m].prefix),
            ObjectKind::MutationError(m) => Derived::Error.of(&info.schema.mutations[m].prefix),
            ObjectKind::FieldError => FIELD_ERROR.to_owned(),
            ObjectKind::Aggregate(i) => Derived::Aggregate.of(entity(i)),
            ObjectKind::AggregateValues(i, function) => aggregate_values(function).of(entity(i)),
            ObjectKind::AggregateGroup(i) => Derived::AggregateGroup.of(entity(i)),
            ObjectKind::GroupKeys(i) => Derived::GroupKeys.of(entity(i)),
        }))
    }

    fn meta(info: &ObjectInfo, registry: &mut Registry<S>) -> MetaType<S> {
        let schema = &info.schema;
        let object = |kind| ObjectInfo {
            schema: schema.clone(),
            kind,
        };
        let fields: Vec<Field<S>> = match info.kind {
            ObjectKind::Entity(index) => {
                let descriptor = schema.entities[index].descriptor;
                let aggregates = embedded_aggregates(registry, schema, index);
                descriptor
                    .fields
                    .iter()
                    .filter_map(|field| {
                        let is_key = field.source.key() == descriptor.key;
                        let built = output_field(registry, schema, field.name, &field.ty, is_key)?;
                        let built = list_arguments(registry, schema, &field.ty)
                            .into_iter()
                            .fold(built, Field::argument);
                        let built = described(built, field.description, |f, d| f.description(d));
                        Some(deprecate(built, field.deprecation))
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .chain(aggregates)
                    .collect()
            }
            ObjectKind::Aggregate(index) => aggregate_fields(registry, schema, index, true),
            ObjectKind::AggregateGroup(index) => {
                let keys = ObjectInfo {
                    schema: schema.clone(),
                    kind: ObjectKind::GroupKeys(index),
                };
                let mut fields = vec![
                    registry
                        .field::<Object>("keys", &keys)
                        .description("The group's keys; null for a field not grouped by."),
                ];
                fields.extend(aggregate_fields(registry, schema, index, false));
                fields
            }
            ObjectKind::GroupKeys(index) => group_fields(schema, index)
                .into_iter()
                .map(|(_, field)| match field.ty.non_null() {
                    FieldType::Enum(e) => {
                        registry.field::<Option<Enum>>(field.name, &EnumInfo::Fraise(e()))
                    }
                    FieldType::Scalar(kind) => nullable_scalar(registry, field.name, *kind),
                    _ => unreachable!("group_fields keeps enums and scalars"),
                })
                .collect(),
            ObjectKind::AggregateValues(index, function) => {
                aggregated_fields(schema, index, function)
                    .into_iter()
                    .map(|(field, kind)| nullable_scalar(registry, field.name, kind))
                    .collect()
            }
            ObjectKind::Connection(index) => vec![
                registry.field::<Vec<Object>>("edges", &object(ObjectKind::Edge(index))),
                registry.field::<Object>("pageInfo", &object(ObjectKind::PageInfo)),
                registry.field::<i32>("totalCount", &()).description(
                    "Rows matching the filter, ignoring paging (counted only when asked).",
                ),
            ],
            ObjectKind::Edge(index) => vec![
                registry.field::<String>("cursor", &()),
                registry.field::<Object>("node", &object(ObjectKind::Entity(index))),
            ],
            ObjectKind::PageInfo => vec![
                registry.field::<bool>("hasNextPage", &()),
                registry.field::<bool>("hasPreviousPage", &()),
                registry.field::<Option<String>>("startCursor", &()),
                registry.field::<Option<String>>("endCursor", &()),
            ],
            ObjectKind::MutationSuccess(m) => {
                let mutation = &schema.mutations[m];
                vec![
                    registry
                        .field::<String>("status", &())
                        .description("`success`, or `success:<detail>`."),
                    registry.field::<Option<String>>("message", &()),
                    registry
                        .field::<Option<Object>>(
                            mutation.entity_field.as_str(),
                            &object(ObjectKind::Entity(mutation.entity)),
                        )
                        .description("The entity as the write left it."),
                    registry
                        .field::<Vec<String>>("updatedFields", &())
                        .description("The fields the write changed."),
                ]
            }
            ObjectKind::MutationError(_) => vec![
                registry
                    .field::<String>("status", &())
                    .description("`<kind>:<detail>`, e.g. `not_found:user`."),
                registry
                    .field::<String>("code", &())
                    .description("The status' kind in upper case: `NOT_FOUND`, `CONFLICT`, …"),
                registry.field::<Option<String>>("message", &()),
                registry.field::<Vec<Object>>("fieldErrors", &object(ObjectKind::FieldError)),
            ],
            ObjectKind::FieldError => vec![
                registry.field::<String>("field", &()),
                registry.field::<Option<String>>("code", &()),
                registry.field::<String>("message", &()),
            ],
        };
        let built = registry.build_object_type::<Self>(info, &fields);
        let description = match info.kind {
            ObjectKind::Entity(index) => schema.entities[index].descriptor.description,
            _ => None,
        };
        described(built, description, |b, d| b.description(d)).into_meta()
    }
}

impl GraphQLValue<S> for Object {
    type Context = super::Context;
    type TypeInfo = ObjectInfo;

    fn type_name(&self, info: &ObjectInfo) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }

    fn concrete_type_name(&self, _: &super::Context, info: &ObjectInfo) -> String {
        <Self as GraphQLType<S>>::name(info)
            .map(|n| n.to_string())
            .unwrap_or_default()
    }
}

/// An entity field's output type; `None` for shapes GraphQL types here cannot express.
fn output_field(
    registry: &mut Registry<S>,
    schema: &Info,
    name: &str,
    ty: &FieldType,
    is_key: bool,
) -> Option<Field<S>> {
    let (shape, base) = shape_of(ty);
    let name = name.to_owned();
    Some(match base {
        Base::Scalar(ScalarKind::Uuid) if is_key => {
            wrapped!(registry.field::<ID>(name, shape, &()))
        }
        Base::Scalar(ScalarKind::Bool) => wrapped!(registry.field::<bool>(name, shape, &())),
        Base::Scalar(ScalarKind::Int) => wrapped!(registry.field::<i32>(name, shape, &())),
        Base::Scalar(ScalarKind::Float) => wrapped!(registry.field::<f64>(name, shape, &())),
        Base::Scalar(ScalarKind::Text) => wrapped!(registry.field::<String>(name, shape, &())),
        Base::Scalar(kind) => {
            wrapped!(registry.field::<CustomScalar>(name, shape, &scalar_name(kind)))
        }
        Base::Enum(descriptor) => {
            let info = EnumInfo::Fraise(descriptor);
            wrapped!(registry.field::<Enum>(name, shape, &info))
        }
        Base::Object(descriptor) => {
            let index = schema.entity_index(descriptor.name)?;
            let info = ObjectInfo {
                schema: schema.clone(),
                kind: ObjectKind::Entity(index),
            };
            wrapped!(registry.field::<Object>(name, shape, &info))
        }
        Base::Unsupported(_) => return None,
    })
}

/// The functions an aggregate object offers, in its field order.
const FUNCTIONS: [Function; 4] = [Function::Sum, Function::Avg, Function::Min, Function::Max];

/// `<Type>Aggregate`'s fields: `count`, one object per function that applies to some field of
/// the entity (GraphQL has no empty objects), and with `groups` the `groups` list when the
/// entity has fields to group by.
fn aggregate_fields(
    registry: &mut Registry<S>,
    schema: &Info,
    index: usize,
    groups: bool,
) -> Vec<Field<S>> {
    let mut fields = vec![
        registry
            .field::<i32>("count", &())
            .description("The number of rows (a 32-bit Int)."),
    ];
    for function in FUNCTIONS {
        if aggregated_fields(schema, index, function).is_empty() {
            continue;
        }
        let info = ObjectInfo {
            schema: schema.clone(),
            kind: ObjectKind::AggregateValues(index, function),
        };
        fields.push(registry.field::<Object>(function.name(), &info).description(
            match function {
                Function::Sum => "Sums of the non-null values; exact (`BigInt`, `Decimal`) for integers and decimals.",
                Function::Avg => "Means of the non-null values; exact (`Decimal`) for integers and decimals.",
                Function::Min => "The smallest non-null values.",
                Function::Max => "The largest non-null values.",
            },
        ));
    }
    if groups && !group_fields(schema, index).is_empty() {
        let group = ObjectInfo {
            schema: schema.clone(),
            kind: ObjectKind::AggregateGroup(index),
        };
        let group_by =
            registry.arg::<Vec<Input>>("groupBy", &InputInfo::GroupBy(schema.clone(), index));
        fields.push(
            registry
                .field::<Vec<Object>>("groups", &group)
                .argument(group_by)
                .description("The same rows grouped by `groupBy`, ordered by the keys (ascending, nulls last)."),
        );
    }
    fields
}

/// `<list>Aggregate(where:)` beside each embedded list of objects of entity `index`.
fn embedded_aggregates(registry: &mut Registry<S>, schema: &Info, index: usize) -> Vec<Field<S>> {
    let descriptor = schema.entities[index].descriptor;
    let mut fields = Vec::new();
    for field in descriptor.fields {
        let FieldType::List(item) = field.ty.non_null() else {
            continue;
        };
        let FieldType::Object(object) = item.non_null() else {
            continue;
        };
        let Some(element) = schema.entity_index(object().name) else {
            continue;
        };
        let name = aggregate_field(field.name);
        if descriptor.graphql_field(&name).is_some() {
            continue; // the type's own field keeps the name
        }
        let info = ObjectInfo {
            schema: schema.clone(),
            kind: ObjectKind::Aggregate(element),
        };
        let filter = InputInfo::Where(schema.clone(), element);
        fields.push(
            registry
                .field::<Object>(name.as_str(), &info)
                .argument(registry.arg::<Option<Input>>("where", &filter))
                .description(format!("Aggregates over the elements of `{}`.", field.name)),
        );
    }
    fields
}

/// A nullable field of the scalar serving `kind`.
fn nullable_scalar(registry: &mut Registry<S>, name: &str, kind: ScalarKind) -> Field<S> {
    match kind {
        ScalarKind::Int => registry.field::<Option<i32>>(name, &()),
        ScalarKind::Float => registry.field::<Option<f64>>(name, &()),
        ScalarKind::Text => registry.field::<Option<String>>(name, &()),
        ScalarKind::Bool => registry.field::<Option<bool>>(name, &()),
        kind => registry.field::<Option<CustomScalar>>(name, &scalar_name(kind)),
    }
}
