//! juniper types described at run time: one Rust type per GraphQL category (root, object, input
//! object, enum, custom scalar), each with a `TypeInfo` pointing into the [`SchemaInfo`].
//!
//! Here: the custom scalars, the enums and the wrapping of named types; input objects are in
//! `inputs`, output objects in `objects` (each importing only from the modules before it).

use fraiseql_sql::ScalarKind;
use juniper::meta::{EnumValue, Field, MetaType};
use juniper::{
    ArcStr, DefaultScalarValue as S, FromInputValue, GraphQLType, GraphQLValue, InputValue,
    ParseScalarResult, ParseScalarValue, Registry, ScalarToken,
};

use super::info::{Shared, group_fields, order_fields};
use super::names::{DATE_TRUNC, Derived, NULLS_ORDER, SORT_DIRECTION};
use crate::descriptor::{Deprecation, FieldType};

/// The values of `DateTrunc` and the units they stand for.
pub(crate) const TRUNCATIONS: [(&str, fraiseql_sql::Truncate); 5] = [
    ("YEAR", fraiseql_sql::Truncate::Year),
    ("MONTH", fraiseql_sql::Truncate::Month),
    ("WEEK", fraiseql_sql::Truncate::Week),
    ("DAY", fraiseql_sql::Truncate::Day),
    ("HOUR", fraiseql_sql::Truncate::Hour),
];

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
macro_rules! wrapped_type {
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

pub(super) use wrapped_type as wrapped;

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
pub(super) enum Base<'t> {
    Scalar(ScalarKind),
    Enum(&'static crate::descriptor::EnumDescriptor),
    Object(&'static crate::descriptor::TypeDescriptor),
    Unsupported(std::marker::PhantomData<&'t FieldType>),
}

pub(super) fn shape_of(ty: &FieldType) -> (Shape, Base<'_>) {
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

pub(super) fn deprecate(field: Field<S>, deprecation: Option<Deprecation>) -> Field<S> {
    match deprecation {
        Some(d) => field.deprecated(d.reason),
        None => field,
    }
}

pub(super) fn described<T>(
    item: T,
    description: Option<&str>,
    set: impl FnOnce(T, &str) -> T,
) -> T {
    match description {
        Some(text) => set(item, text),
        None => item,
    }
}

// ---------- enums ----------

/// Which enum an [`Enum`] stands for.
#[derive(Debug, Clone)]
pub(crate) enum EnumInfo {
    Fraise(&'static crate::descriptor::EnumDescriptor),
    OrderField(Info, usize),
    SortDirection,
    NullsOrder,
    /// The fields an entity's aggregates can be grouped by.
    GroupField(Info, usize),
    /// The units dates are truncated to for grouping.
    DateTrunc,
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
            EnumInfo::GroupField(schema, index) => {
                Derived::GroupField.of(schema.entities[*index].descriptor.name)
            }
            EnumInfo::DateTrunc => DATE_TRUNC.to_owned(),
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
            EnumInfo::GroupField(schema, index) => group_fields(schema, *index)
                .into_iter()
                .map(|(value, _)| EnumValue::new(&value))
                .collect(),
            EnumInfo::DateTrunc => TRUNCATIONS
                .iter()
                .map(|(name, _)| EnumValue::new(*name))
                .collect(),
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
