//! juniper's executor over the JSON PostgreSQL built for a root field: each object's fields are
//! resolved from the JSON by juniper, each value checked against the field's declared type, so
//! juniper itself reports a null where the schema promises a value ("Cannot return null for
//! non-nullable field …") and propagates null to the nearest nullable ancestor.
//!
//! The statement such a walk reads (see `Compiler::walked`) keys each object by response key
//! and tests every embedded object and list, so one the document lacks or holds as another type
//! is null here.

use fraiseql_sql::Function;
use juniper::meta::MetaType;
use juniper::{
    ArcStr, Arguments, BoxFuture, DefaultScalarValue as S, ExecutionResult, Executor, FieldError,
    GraphQLValue, GraphQLValueAsync, InputValue, Spanning, Value, graphql_value,
};

use super::info::Shared;
use super::names::{Derived, FIELD_ERROR, PAGE_INFO, aggregate_values};
use super::objects::{Object, ObjectInfo, ObjectKind};

/// A field's declared GraphQL type, as wrappers around a named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    Named { nullable: bool, name: String },
    List { nullable: bool, item: Box<Declared> },
}

impl Declared {
    /// Reads a type written as in SDL: `[Comment!]!`.
    pub fn parse(text: &str) -> Self {
        let (text, nullable) = match text.strip_suffix('!') {
            Some(inner) => (inner, false),
            None => (text, true),
        };
        match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(item) => Declared::List {
                nullable,
                item: Box::new(Declared::parse(item)),
            },
            None => Declared::Named {
                nullable,
                name: text.to_owned(),
            },
        }
    }

    pub fn nullable(&self) -> bool {
        match self {
            Declared::Named { nullable, .. } | Declared::List { nullable, .. } => *nullable,
        }
    }
}

/// What JSON a scalar or enum type accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `String`, `ID`, `UUID`, `Date`, `DateTime`.
    String,
    /// `Int`: an integer that fits 32 bits.
    Int,
    /// `Float`: any number.
    Float,
    Boolean,
    /// `BigInt`, `Decimal`: a number or a string.
    NumberOrString,
    /// `JSON`, and any scalar not known here: any value.
    Any,
    /// An enum: a string naming one of its values.
    Enum(Vec<String>),
}

impl Scalar {
    /// The scalar `meta` describes; `None` for other kinds of types.
    pub fn of(meta: &MetaType<S>) -> Option<Self> {
        Some(match meta {
            MetaType::Scalar(scalar) => match scalar.name.as_str() {
                "String" | "ID" | "UUID" | "Date" | "DateTime" => Scalar::String,
                "Int" => Scalar::Int,
                "Float" => Scalar::Float,
                "Boolean" => Scalar::Boolean,
                "BigInt" | "Decimal" => Scalar::NumberOrString,
                _ => Scalar::Any,
            },
            MetaType::Enum(e) => {
                Scalar::Enum(e.values.iter().map(|v| v.name.to_string()).collect())
            }
            _ => return None,
        })
    }

    /// Whether `value` (not null) is a value of this type.
    fn accepts(&self, value: &InputValue<S>) -> bool {
        let scalar = match value {
            InputValue::Scalar(scalar) => scalar,
            _ => return *self == Scalar::Any,
        };
        match (self, scalar) {
            (Scalar::Any, _)
            | (Scalar::String, S::String(_))
            | (Scalar::Int, S::Int(_))
            | (Scalar::Float, S::Int(_) | S::Float(_))
            | (Scalar::Boolean, S::Boolean(_))
            | (Scalar::NumberOrString, S::Int(_) | S::Float(_) | S::String(_)) => true,
            (Scalar::Enum(values), S::String(s)) => values.iter().any(|v| v == s),
            _ => false,
        }
    }
}

/// An object of the response as PostgreSQL built it, keyed by response key.
pub(crate) struct Document<'j>(pub &'j [(Spanning<String>, Spanning<InputValue<S>>)]);

impl GraphQLValue<S> for Document<'_> {
    type Context = super::Context;
    type TypeInfo = ObjectInfo;

    fn type_name(&self, info: &ObjectInfo) -> Option<ArcStr> {
        <Object as juniper::GraphQLType<S>>::name(info)
    }

    fn concrete_type_name(&self, _: &super::Context, info: &ObjectInfo) -> String {
        self.type_name(info)
            .map(|n| n.to_string())
            .unwrap_or_default()
    }

    fn resolve_field(
        &self,
        info: &ObjectInfo,
        field_name: &str,
        _: &Arguments<S>,
        executor: &Executor<super::Context, S>,
    ) -> ExecutionResult<S> {
        let look_ahead = executor.look_ahead();
        let key = look_ahead.field_name();
        let value = self
            .0
            .iter()
            .find(|(k, _)| k.item == key)
            .map_or(&InputValue::Null, |(_, v)| &v.item);
        let declared = Declared::parse(&executor.current_type().to_string());
        let type_name = self.type_name(info).unwrap_or_default();
        let field = Field {
            parent: &type_name,
            name: field_name,
        };
        complete(value, &declared, executor, &info.schema, &field)
    }
}

impl GraphQLValueAsync<S> for Document<'_> {
    fn resolve_field_async<'a>(
        &'a self,
        info: &'a ObjectInfo,
        field_name: &'a str,
        arguments: &'a Arguments<S>,
        executor: &'a Executor<super::Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        let result = self.resolve_field(info, field_name, arguments, executor);
        Box::pin(async move { result })
    }
}

/// The field being completed, for error messages.
pub(crate) struct Field<'f> {
    pub parent: &'f str,
    pub name: &'f str,
}

/// `value` completed as a value of the `declared` type of `field`, whose executor is
/// `executor`: null where the document holds none (juniper reports it if the field is
/// non-null), a field error for a value of another type or a null element of a list that
/// promises none, objects resolved by juniper field by field.
pub(crate) fn complete(
    value: &InputValue<S>,
    declared: &Declared,
    executor: &Executor<super::Context, S>,
    schema: &Shared,
    field: &Field<'_>,
) -> ExecutionResult<S> {
    if matches!(value, InputValue::Null) {
        return Ok(Value::Null);
    }
    match declared {
        Declared::List { item, .. } => {
            let InputValue::List(items) = value else {
                return Err(mistyped(field, declared, value, &Scalar::Any));
            };
            if !item.nullable() && items.iter().any(|i| matches!(i.item, InputValue::Null)) {
                return Err(error(format!(
                    "Cannot return null for an element of non-nullable type {} in field {}.{}.",
                    display(item),
                    field.parent,
                    field.name
                )));
            }
            let mut values = Vec::with_capacity(items.len());
            for i in items {
                let value = complete(&i.item, item, executor, schema, field)?;
                // An element nulled by its own field's error nulls the list (that error is
                // already reported).
                if value.is_null() && !item.nullable() {
                    return Ok(Value::Null);
                }
                values.push(value);
            }
            Ok(Value::list(values))
        }
        Declared::Named { name, .. } => {
            let meta = executor.schema().concrete_type_by_name(name);
            if let Some(scalar) = meta.and_then(Scalar::of) {
                return if scalar.accepts(value) {
                    Ok(output(value.clone()))
                } else {
                    Err(mistyped(field, declared, value, &scalar))
                };
            }
            let (InputValue::Object(fields), Some(kind)) = (value, object_kind(schema, name))
            else {
                return Err(mistyped(field, declared, value, &Scalar::Any));
            };
            let info = ObjectInfo {
                schema: schema.clone(),
                kind,
            };
            executor.resolve(&info, &Document(fields))
        }
    }
}

fn display(declared: &Declared) -> String {
    let (text, nullable) = match declared {
        Declared::Named { nullable, name } => (name.clone(), *nullable),
        Declared::List { nullable, item } => (format!("[{}]", display(item)), *nullable),
    };
    if nullable { text } else { text + "!" }
}

fn error(message: String) -> FieldError<S> {
    FieldError::new(message, graphql_value!({"code": "INTERNAL_SERVER_ERROR"}))
}

fn mistyped(
    field: &Field<'_>,
    declared: &Declared,
    value: &InputValue<S>,
    scalar: &Scalar,
) -> FieldError<S> {
    let found = match value {
        InputValue::Scalar(S::String(_)) => "a string",
        InputValue::Scalar(S::Int(_) | S::Float(_)) => "a number",
        InputValue::Scalar(S::Boolean(_)) => "a boolean",
        InputValue::List(_) => "a list",
        InputValue::Object(_) => "an object",
        _ => "a value",
    };
    let found = match (scalar, value) {
        (Scalar::Enum(_), InputValue::Scalar(S::String(_))) => "a string not in the enum",
        _ => found,
    };
    error(format!(
        "Cannot return {found} for field {}.{} of type {}.",
        field.parent,
        field.name,
        display(declared)
    ))
}

/// Which object type the GraphQL type `name` is.
fn object_kind(schema: &Shared, name: &str) -> Option<ObjectKind> {
    if name == PAGE_INFO {
        return Some(ObjectKind::PageInfo);
    }
    if name == FIELD_ERROR {
        return Some(ObjectKind::FieldError);
    }
    for (index, entity) in schema.entities.iter().enumerate() {
        let entity = entity.descriptor.name;
        if name == entity {
            return Some(ObjectKind::Entity(index));
        }
        if name.starts_with(entity) {
            if name == Derived::Connection.of(entity) {
                return Some(ObjectKind::Connection(index));
            }
            if name == Derived::Edge.of(entity) {
                return Some(ObjectKind::Edge(index));
            }
            if name == Derived::Aggregate.of(entity) {
                return Some(ObjectKind::Aggregate(index));
            }
            if name == Derived::AggregateGroup.of(entity) {
                return Some(ObjectKind::AggregateGroup(index));
            }
            if name == Derived::GroupKeys.of(entity) {
                return Some(ObjectKind::GroupKeys(index));
            }
            for function in [Function::Sum, Function::Avg, Function::Min, Function::Max] {
                if name == aggregate_values(function).of(entity) {
                    return Some(ObjectKind::AggregateValues(index, function));
                }
            }
        }
    }
    for (index, mutation) in schema.mutations.iter().enumerate() {
        if name == Derived::Success.of(&mutation.prefix) {
            return Some(ObjectKind::MutationSuccess(index));
        }
        if name == Derived::Error.of(&mutation.prefix) {
            return Some(ObjectKind::MutationError(index));
        }
    }
    None
}

/// The JSON PostgreSQL built, as a juniper value (object keys keep their order).
pub(crate) fn output(value: InputValue<S>) -> Value<S> {
    match value {
        InputValue::Null | InputValue::Variable(_) => Value::Null,
        InputValue::Scalar(s) => Value::Scalar(s),
        InputValue::Enum(e) => Value::Scalar(S::String(e)),
        InputValue::List(items) => Value::List(items.into_iter().map(|i| output(i.item)).collect()),
        InputValue::Object(fields) => {
            let mut object = juniper::Object::with_capacity(fields.len());
            for (key, value) in fields {
                object.add_field(key.item, output(value.item));
            }
            Value::Object(object)
        }
    }
}
