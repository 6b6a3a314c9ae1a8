//! Output object types: the entities, their connections and edges, `PageInfo` and the
//! mutations' answers.
//!
//! Objects never resolve their fields here: the fast path compiles the whole operation into one
//! SQL statement (see `execute`), and on juniper's executor `walk` resolves them from the JSON
//! each root field's statement built. These impls exist for validation and introspection.

use fraiseql_sql::ScalarKind;
use juniper::meta::{Field, MetaType};
use juniper::{ArcStr, DefaultScalarValue as S, GraphQLType, GraphQLValue, ID, Registry};

use super::inputs::list_arguments;
use super::names::{Derived, FIELD_ERROR, PAGE_INFO, scalar_name};
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
