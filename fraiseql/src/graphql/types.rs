//! juniper types described at run time: one Rust type per GraphQL category (root, object, input
//! object, enum, custom scalar), each with a `TypeInfo` pointing into the [`SchemaInfo`].
//!
//! Objects never resolve their fields here: the fast path compiles the whole operation into one
//! SQL statement (see `execute`), and on juniper's executor `walk` resolves them from the JSON
//! each root field's statement built. These impls exist for validation and introspection.

use fraiseql_sql::ScalarKind;
use juniper::meta::{Argument, EnumValue, Field, MetaType};
use juniper::{
    ArcStr, DefaultScalarValue as S, FromInputValue, GraphQLType, GraphQLValue, ID, InputValue,
    ParseScalarResult, ParseScalarValue, Registry, ScalarToken, Type,
};

use super::info::{Shared, order_fields};
use super::names::{
    COMBINATORS, Derived, FIELD_ERROR, NULLS_ORDER, PAGE_INFO, SORT_DIRECTION, filter_name,
    scalar_name,
};
use crate::descriptor::{Deprecation, FieldType, InputDescriptor};

/// The schema description every `TypeInfo` shares.
pub(crate) type Info = Shared;

// ---------- custom scalars ----------

/// `UUID`, `BigInt`, `Decimal`, `Date`, `DateTime` and `JSON`: accepted as literals or
/// variables of any scalar form, checked when compiled to SQL.
#[derive(Debug)]
pub(crate) struct CustomScalar;

impl GraphQLType<S> for CustomScalar {
    fn name(info: &&'static str) -> Option<ArcStr> {
        Some(ArcStr::from(*info))
    }

    fn meta(info: &&'static str, registry: &mut Registry<S>) -> MetaType<S> {
        let description = match *info {
            "UUID" => "A UUID in its canonical text form.",
            "BigInt" => "A 64-bit integer.",
            "Decimal" => "An exact decimal number, as a string or a number.",
            "Date" => "A calendar date, YYYY-MM-DD.",
            "DateTime" => "An instant, RFC 3339 with a time zone offset.",
            _ => "Any JSON value.",
        };
        registry
            .build_scalar_type::<Self>(info)
            .description(description)
            .into_meta()
    }
}

impl GraphQLValue<S> for CustomScalar {
    type Context = super::Context;
    type TypeInfo = &'static str;

    fn type_name(&self, info: &&'static str) -> Option<ArcStr> {
        Some(ArcStr::from(*info))
    }
}

impl FromInputValue<S> for CustomScalar {
    type Error = String;

    fn from_input_value(_: &InputValue<S>) -> Result<Self, String> {
        Ok(CustomScalar)
    }
}

impl ParseScalarValue<S> for CustomScalar {
    fn from_str(token: ScalarToken<'_>) -> ParseScalarResult<S> {
        match token {
            ScalarToken::String(_) => <String as ParseScalarValue<S>>::from_str(token),
            ScalarToken::Int(text) => match text.parse::<i32>() {
                Ok(i) => Ok(S::Int(i)),
                // Larger integers keep their digits as text (f64 would round them).
                Err(_) => Ok(S::String(text.to_owned())),
            },
            ScalarToken::Float(_) => <f64 as ParseScalarValue<S>>::from_str(token),
        }
    }
}

/// Registers a field (or argument) whose type is `base` wrapped as `ty` says.
macro_rules! wrapped {
    ($registry:ident . $method:ident :: < $base:ty > ($name:expr, $shape:expr, $info:expr)) => {
        match $shape {
            Shape::NonNull => $registry.$method::<$base>($name, $info),
            Shape::Nullable => $registry.$method::<Option<$base>>($name, $info),
            Shape::List => $registry.$method::<Vec<$base>>($name, $info),
            Shape::NullableList => $registry.$method::<Option<Vec<$base>>>($name, $info),
            Shape::ListOfNullable => $registry.$method::<Vec<Option<$base>>>($name, $info),
            Shape::NullableListOfNullable => {
                $registry.$method::<Option<Vec<Option<$base>>>>($name, $info)
            }
        }
    };
}

/// The wrappers GraphQL allows around a named type, as far as FraiseQL fields use them.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    NonNull,
    Nullable,
    List,
    NullableList,
    ListOfNullable,
    NullableListOfNullable,
}

/// The named type at the bottom of a field type.
enum Base<'t> {
    Scalar(ScalarKind),
    Enum(&'static crate::descriptor::EnumDescriptor),
    Object(&'static crate::descriptor::TypeDescriptor),
    Unsupported(std::marker::PhantomData<&'t FieldType>),
}

fn shape_of(ty: &FieldType) -> (Shape, Base<'_>) {
    use FieldType::{List, Nullable};
    fn base(t: &FieldType) -> Base<'_> {
        match t {
            FieldType::Scalar(kind) => Base::Scalar(*kind),
            FieldType::Enum(e) => Base::Enum(e()),
            FieldType::Object(o) => Base::Object(o()),
            _ => Base::Unsupported(std::marker::PhantomData),
        }
    }
    match ty {
        Nullable(List(Nullable(inner))) => (Shape::NullableListOfNullable, base(inner)),
        Nullable(List(inner)) => (Shape::NullableList, base(inner)),
        List(Nullable(inner)) => (Shape::ListOfNullable, base(inner)),
        List(inner) => (Shape::List, base(inner)),
        Nullable(inner) => (Shape::Nullable, base(inner)),
        inner => (Shape::NonNull, base(inner)),
    }
}

fn deprecate(field: Field<S>, deprecation: Option<Deprecation>) -> Field<S> {
    match deprecation {
        Some(d) => field.deprecated(d.reason),
        None => field,
    }
}

fn described<T>(item: T, description: Option<&str>, set: impl FnOnce(T, &str) -> T) -> T {
    match description {
        Some(text) => set(item, text),
        None => item,
    }
}

// ---------- output objects ----------

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

// ---------- enums ----------

/// Which enum an [`Enum`] stands for.
#[derive(Debug, Clone)]
pub(crate) enum EnumInfo {
    Fraise(&'static crate::descriptor::EnumDescriptor),
    OrderField(Info, usize),
    SortDirection,
    NullsOrder,
}

/// Every enum type.
#[derive(Debug)]
pub(crate) struct Enum;

impl GraphQLType<S> for Enum {
    fn name(info: &EnumInfo) -> Option<ArcStr> {
        Some(ArcStr::from(match info {
            EnumInfo::Fraise(descriptor) => descriptor.name.to_owned(),
            EnumInfo::OrderField(schema, index) => {
                Derived::OrderField.of(schema.entities[*index].descriptor.name)
            }
            EnumInfo::SortDirection => SORT_DIRECTION.to_owned(),
            EnumInfo::NullsOrder => NULLS_ORDER.to_owned(),
        }))
    }

    fn meta(info: &EnumInfo, registry: &mut Registry<S>) -> MetaType<S> {
        let values: Vec<EnumValue> = match info {
            EnumInfo::Fraise(descriptor) => descriptor
                .values
                .iter()
                .map(|v| {
                    let value = described(EnumValue::new(v.name), v.description, |e, d| {
                        e.description(d)
                    });
                    match v.deprecation {
                        Some(d) => value.deprecated(d.reason),
                        None => value,
                    }
                })
                .collect(),
            EnumInfo::OrderField(schema, index) => order_fields(schema, *index)
                .into_iter()
                .map(|(value, _)| EnumValue::new(value))
                .collect(),
            EnumInfo::SortDirection => vec![EnumValue::new("ASC"), EnumValue::new("DESC")],
            EnumInfo::NullsOrder => vec![EnumValue::new("FIRST"), EnumValue::new("LAST")],
        };
        let built = registry.build_enum_type::<Self>(info, &values);
        let description = match info {
            EnumInfo::Fraise(descriptor) => descriptor.description,
            _ => None,
        };
        described(built, description, |b, d| b.description(d)).into_meta()
    }
}

impl GraphQLValue<S> for Enum {
    type Context = super::Context;
    type TypeInfo = EnumInfo;

    fn type_name(&self, info: &EnumInfo) -> Option<ArcStr> {
        <Self as GraphQLType<S>>::name(info)
    }
}

impl FromInputValue<S> for Enum {
    type Error = String;

    fn from_input_value(_: &InputValue<S>) -> Result<Self, String> {
        Ok(Enum)
    }
}

// ---------- input objects ----------

/// Which input object an [`Input`] stands for.
#[derive(Debug, Clone)]
pub(crate) enum InputInfo {
    Where(Info, usize),
    OrderBy(Info, usize),
    Filter(ScalarKind),
    ListFilter(ScalarKind),
    EnumFilter(&'static crate::descriptor::EnumDescriptor),
    EnumListFilter(&'static crate::descriptor::EnumDescriptor),
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
