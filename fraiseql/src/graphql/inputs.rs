//! Input object types: the filters (`<Type>WhereInput`, the scalar and enum filters), the
//! orders, the mutations' `FraiseInput`s, and the arguments of embedded lists.

use fraiseql_sql::ScalarKind;
use juniper::meta::{Argument, MetaType};
use juniper::{
    ArcStr, DefaultScalarValue as S, FromInputValue, GraphQLType, GraphQLValue, InputValue,
    Registry, Type,
};

use super::names::{COMBINATORS, Derived, filter_name, scalar_name};
use super::types::{Base, CustomScalar, Enum, EnumInfo, Info, Shape, described, shape_of, wrapped};
use crate::descriptor::{FieldType, InputDescriptor};

/// Which input object an [`Input`] stands for.
#[derive(Debug, Clone)]
pub(crate) enum InputInfo {
    Where(Info, usize),
    OrderBy(Info, usize),
    Filter(ScalarKind),
    ListFilter(ScalarKind),
    EnumFilter(&'static crate::descriptor::EnumDescriptor),
    EnumListFilter(&'static crate::descriptor::EnumDescriptor),
    /// How an entity's aggregates are grouped: `{field: PUBLISHED}`, `{field: CREATED_AT,
    /// truncate: MONTH}`.
    GroupBy(Info, usize),
    /// A `#[derive(FraiseInput)]` struct: the argument type of mutations.
    Fraise(&'static InputDescriptor),
}

/// Every input object type; its value is read from the query's AST when compiling.
#[derive(Debug)]
pub(crate) struct Input;

impl GraphQLType<S> for Input {
    fn name(info: &InputInfo) -> Option<ArcStr> {
        Some(ArcStr::from(match info {
            InputInfo::Where(schema, i) => {
                Derived::WhereInput.of(schema.entities[*i].descriptor.name)
            }
            InputInfo::OrderBy(schema, i) => {
                Derived::OrderBy.of(schema.entities[*i].descriptor.name)
            }
            InputInfo::GroupBy(schema, i) => {
                Derived::GroupBy.of(schema.entities[*i].descriptor.name)
            }
            InputInfo::Filter(kind) => filter_name(*kind),
            InputInfo::ListFilter(kind) => Derived::ListFilter.of(scalar_name(*kind)),
            InputInfo::EnumFilter(e) => Derived::Filter.of(e.name),
            InputInfo::EnumListFilter(e) => Derived::ListFilter.of(e.name),
            InputInfo::Fraise(descriptor) => descriptor.name.to_owned(),
        }))
    }

    fn meta(info: &InputInfo, registry: &mut Registry<S>) -> MetaType<S> {
        let args: Vec<Argument<S>> = match info {
            InputInfo::Where(schema, index) => where_fields(registry, schema, *index, info),
            InputInfo::OrderBy(schema, index) => vec![
                registry.arg::<Enum>("field", &EnumInfo::OrderField(schema.clone(), *index)),
                registry
                    .arg::<Option<Enum>>("direction", &EnumInfo::SortDirection)
                    .default_value(InputValue::Enum("ASC".into())),
                registry
                    .arg::<Option<Enum>>("nulls", &EnumInfo::NullsOrder)
                    .description("Where nulls sort; by default last ascending, first descending."),
            ],
            InputInfo::GroupBy(schema, index) => vec![
                registry.arg::<Enum>("field", &EnumInfo::GroupField(schema.clone(), *index)),
                registry
                    .arg::<Option<Enum>>("truncate", &EnumInfo::DateTrunc)
                    .description(
                        "Groups a date or timestamp by this unit (dates and timestamps only).",
                    ),
            ],
            InputInfo::Filter(kind) => filter_fields(registry, *kind),
            InputInfo::ListFilter(kind) => {
                let mut args = scalar_args(
                    registry,
                    *kind,
                    &[
                        ("contains", Shape::NullableList),
                        ("overlaps", Shape::NullableList),
                        ("anyEq", Shape::Nullable),
                    ],
                );
                args.push(registry.arg::<Option<bool>>("isNull", &()));
                args
            }
            InputInfo::EnumFilter(descriptor) => {
                let e = EnumInfo::Fraise(descriptor);
                vec![
                    registry.arg::<Option<Enum>>("eq", &e),
                    registry.arg::<Option<Enum>>("neq", &e),
                    registry.arg::<Option<Vec<Enum>>>("in", &e),
                    registry.arg::<Option<Vec<Enum>>>("nin", &e),
                    registry.arg::<Option<bool>>("isNull", &()),
                ]
            }
            InputInfo::EnumListFilter(descriptor) => {
                let e = EnumInfo::Fraise(descriptor);
                vec![
                    registry.arg::<Option<Vec<Enum>>>("contains", &e),
                    registry.arg::<Option<Vec<Enum>>>("overlaps", &e),
                    registry.arg::<Option<Enum>>("anyEq", &e),
                    registry.arg::<Option<bool>>("isNull", &()),
                ]
            }
            InputInfo::Fraise(descriptor) => fraise_input_fields(registry, descriptor),
        };
        let built = registry.build_input_object_type::<Self>(info, &args);
        let description = match info {
            InputInfo::Fraise(descriptor) => descriptor.description,
            _ => None,
        };
        described(built, description, |b, d| b.description(d)).into_meta()
    }
}

impl GraphQLValue<S> for Input {
    type Context = super::Context;
    type TypeInfo = InputInfo;

    fn type_name(&self, info: &InputInfo) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }
}

impl FromInputValue<S> for Input {
    type Error = String;

    fn from_input_value(_: &InputValue<S>) -> Result<Self, String> {
        Ok(Input)
    }
}

/// Arguments named `names` of the scalar type serving `kind`, each wrapped as given.
fn scalar_args(
    registry: &mut Registry<S>,
    kind: ScalarKind,
    names: &[(&str, Shape)],
) -> Vec<Argument<S>> {
    names
        .iter()
        .map(|&(name, shape)| match kind {
            ScalarKind::Bool => wrapped!(registry.arg::<bool>(name, shape, &())),
            ScalarKind::Int => wrapped!(registry.arg::<i32>(name, shape, &())),
            ScalarKind::Float => wrapped!(registry.arg::<f64>(name, shape, &())),
            ScalarKind::Text => wrapped!(registry.arg::<String>(name, shape, &())),
            other => wrapped!(registry.arg::<CustomScalar>(name, shape, &scalar_name(other))),
        })
        .collect()
}

fn filter_fields(registry: &mut Registry<S>, kind: ScalarKind) -> Vec<Argument<S>> {
    let mut names: Vec<(&str, Shape)> = vec![
        ("eq", Shape::Nullable),
        ("neq", Shape::Nullable),
        ("in", Shape::NullableList),
        ("nin", Shape::NullableList),
    ];
    if kind.is_ordered() {
        names.extend([
            ("gt", Shape::Nullable),
            ("gte", Shape::Nullable),
            ("lt", Shape::Nullable),
            ("lte", Shape::Nullable),
        ]);
    }
    let mut args = scalar_args(registry, kind, &names);
    args.push(registry.arg::<Option<bool>>("isNull", &()));
    let text_ops = [
        "contains",
        "icontains",
        "startsWith",
        "istartsWith",
        "endsWith",
        "iendsWith",
        "like",
        "ilike",
        "matches",
        "imatches",
    ];
    match kind {
        ScalarKind::Text => args.extend(
            text_ops
                .iter()
                .map(|name| registry.arg::<Option<String>>(*name, &())),
        ),
        ScalarKind::Json => {
            args.push(registry.arg::<Option<String>>("hasKey", &()));
            args.push(registry.arg::<Option<Vec<String>>>("hasAnyKeys", &()));
            args.push(registry.arg::<Option<Vec<String>>>("hasAllKeys", &()));
            args.push(registry.arg::<Option<CustomScalar>>("contains", &"JSON"));
            args.push(registry.arg::<Option<CustomScalar>>("containedIn", &"JSON"));
        }
        _ => {}
    }
    args
}

fn where_fields(
    registry: &mut Registry<S>,
    schema: &Info,
    index: usize,
    this: &InputInfo,
) -> Vec<Argument<S>> {
    let descriptor = schema.entities[index].descriptor;
    let mut args: Vec<Argument<S>> = descriptor
        .fields
        .iter()
        .filter_map(|field| {
            let name = field.name;
            let (_, base) = shape_of(&field.ty);
            let is_list = matches!(field.ty.non_null(), FieldType::List(_));
            Some(match (base, is_list) {
                (Base::Scalar(kind), false) => {
                    registry.arg::<Option<Input>>(name, &InputInfo::Filter(kind))
                }
                (Base::Scalar(kind), true) => {
                    registry.arg::<Option<Input>>(name, &InputInfo::ListFilter(kind))
                }
                (Base::Enum(e), false) => {
                    registry.arg::<Option<Input>>(name, &InputInfo::EnumFilter(e))
                }
                (Base::Enum(e), true) => {
                    registry.arg::<Option<Input>>(name, &InputInfo::EnumListFilter(e))
                }
                (Base::Object(o), _) => {
                    let nested = schema.entity_index(o.name)?;
                    let arg = registry
                        .arg::<Option<Input>>(name, &InputInfo::Where(schema.clone(), nested));
                    if is_list {
                        arg.description("Matches when any element matches.")
                    } else {
                        arg
                    }
                }
                (Base::Unsupported(_), _) => return None,
            })
        })
        .collect();
    let [and, or, not] = COMBINATORS;
    args.push(registry.arg::<Option<Vec<Input>>>(and, this));
    args.push(registry.arg::<Option<Vec<Input>>>(or, this));
    args.push(registry.arg::<Option<Input>>(not, this));
    args
}

/// The fields of a `FraiseInput` object: each its GraphQL name and type (`!` unless `Option`),
/// with its description.
fn fraise_input_fields(
    registry: &mut Registry<S>,
    descriptor: &'static InputDescriptor,
) -> Vec<Argument<S>> {
    descriptor
        .fields
        .iter()
        .map(|field| {
            let argument = Argument::new(field.name, input_type(registry, &field.ty));
            described(argument, field.description, |a, d| a.description(d))
        })
        .collect()
}

/// The GraphQL type of an input field, its named type registered on the way. Lists nest to any
/// depth; `Option<Option<T>>` is one nullable. Output objects never occur in derived inputs (the
/// derive refuses them) and are typed `JSON` should a hand-written descriptor hold one.
pub(crate) fn input_type(registry: &mut Registry<S>, ty: &FieldType) -> Type {
    let (inner, nullable) = match ty {
        FieldType::Nullable(inner) => (inner.non_null(), true),
        other => (other, false),
    };
    let ty = match inner {
        FieldType::List(item) => input_type(registry, item).wrap_list(None),
        base => Type::nullable(input_base(registry, base).innermost_name()),
    };
    if nullable { ty } else { ty.wrap_non_null() }
}

/// The named type at the bottom of an input field's type, registered.
fn input_base(registry: &mut Registry<S>, ty: &FieldType) -> Type {
    match ty {
        FieldType::Scalar(ScalarKind::Bool) => registry.get_type::<bool>(&()),
        FieldType::Scalar(ScalarKind::Int) => registry.get_type::<i32>(&()),
        FieldType::Scalar(ScalarKind::Float) => registry.get_type::<f64>(&()),
        FieldType::Scalar(ScalarKind::Text) => registry.get_type::<String>(&()),
        FieldType::Scalar(kind) => registry.get_type::<CustomScalar>(&scalar_name(*kind)),
        FieldType::Enum(e) => registry.get_type::<Enum>(&EnumInfo::Fraise(e())),
        FieldType::Input(input) => registry.get_type::<Input>(&InputInfo::Fraise(input())),
        FieldType::Object(_) | FieldType::Nullable(_) | FieldType::List(_) => {
            registry.get_type::<CustomScalar>(&"JSON")
        }
    }
}

/// The arguments of a field of type `ty`: none unless it is a list. A list of objects takes the
/// element type's `WhereInput` and `[OrderBy!]`; a list of scalars or enums the scalar's
/// filter and a `SortDirection` (the elements sorted by value); both take `limit` and `offset`.
pub(super) fn list_arguments(
    registry: &mut Registry<S>,
    schema: &Info,
    ty: &FieldType,
) -> Vec<Argument<S>> {
    let FieldType::List(_) = ty.non_null() else {
        return Vec::new();
    };
    let (_, base) = shape_of(ty);
    let mut args = match base {
        Base::Object(descriptor) => {
            let Some(index) = schema.entity_index(descriptor.name) else {
                return Vec::new();
            };
            vec![
                registry
                    .arg::<Option<Input>>("where", &InputInfo::Where(schema.clone(), index))
                    .description("Keeps the elements that match."),
                registry
                    .arg::<Option<Vec<Input>>>(
                        "orderBy",
                        &InputInfo::OrderBy(schema.clone(), index),
                    )
                    .description("Orders the elements; stored order without it, and after it."),
            ]
        }
        Base::Scalar(kind) => {
            let mut args = vec![
                registry
                    .arg::<Option<Input>>("where", &InputInfo::Filter(kind))
                    .description("Keeps the elements that match."),
            ];
            if kind.is_sortable() {
                args.push(direction(registry));
            }
            args
        }
        Base::Enum(e) => vec![
            registry
                .arg::<Option<Input>>("where", &InputInfo::EnumFilter(e))
                .description("Keeps the elements that match."),
            direction(registry),
        ],
        Base::Unsupported(_) => return Vec::new(),
    };
    args.push(
        registry
            .arg::<Option<i32>>("limit", &())
            .description("At most this many elements (none: all of them)."),
    );
    args.push(
        registry
            .arg::<Option<i32>>("offset", &())
            .description("Skips this many elements first."),
    );
    args
}

fn direction(registry: &mut Registry<S>) -> Argument<S> {
    registry
        .arg::<Option<Enum>>("orderBy", &EnumInfo::SortDirection)
        .description(
            "Orders the elements by value (nulls last ascending); stored order without it.",
        )
}
