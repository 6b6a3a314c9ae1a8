//! Compiles an operation's selection (the exact AST: aliases, repeated keys merged, fragments
//! inlined, `@skip`/`@include` and variables applied) and its arguments into `fraiseql-sql`
//! roots, so the whole operation becomes one statement.
//!
//! Here: the compiler, its reading of selections (fragments, directives) and of variables. The
//! root fields and their projections are in `roots`, `where` and `orderBy` in `filters`, the
//! arguments of embedded lists in `lists`, aggregates in `aggregates`.

use fraiseql_sql::CursorKey;
use fraiseql_sql::{
    Connection, ConnectionField, Direction, EdgeField, Element, Filter, Kind, Name, Nulls, Op,
    OrderBy, Page, PageInfoField, Projected, Projection, Relation, Root, ScalarKind, Target, Value,
};
use juniper::parser::SourcePosition;
use juniper::{
    Arguments, DefaultScalarValue as S, FieldError, InputValue, Selection, Variables, graphql_value,
};

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Mutex;

use super::authz::{At, Denials, Grants};
use super::info::{SchemaInfo, order_fields};
use super::limits::{ArgumentList, directives_of, included};
use super::names::{self, Derived};
use crate::descriptor::{EnumDescriptor, FieldDescriptor, FieldSource, FieldType, TypeDescriptor};
use crate::error::Error;
use crate::typed::Base;

mod aggregates;
mod filters;
mod lists;
mod roots;

use filters::Operand;

/// A compile error, already in GraphQL form.
pub(crate) type Failure = FieldError<S>;

pub(crate) fn bad_input(message: impl std::fmt::Display) -> Failure {
    FieldError::new(message, graphql_value!({"code": "BAD_USER_INPUT"}))
}

pub(crate) fn failure(error: &Error) -> Failure {
    FieldError::new(error.to_string(), graphql_value!({"code": (error.code())}))
}

/// One field of the query's AST (juniper does not export its AST field type).
#[derive(Clone, Copy)]
pub(crate) struct FieldNode<'s> {
    pub name: &'s str,
    pub arguments: FieldArguments<'s>,
    pub selection_set: Option<&'s [Selection<'s, S>]>,
    /// Where the field starts in the document (its errors' `locations`).
    pub position: SourcePosition,
}

/// A field's arguments: as written in the query, or as juniper's executor resolved them.
#[derive(Clone, Copy)]
pub(crate) enum FieldArguments<'s> {
    Written(&'s ArgumentList<'s>),
    Resolved(&'s Arguments<'s, S>),
}

/// Fields of one selection set grouped by response key, in order of first appearance.
type Grouped<'s> = Vec<(&'s str, Vec<FieldNode<'s>>)>;

/// Looks up a fragment's selection set by name.
pub(crate) type Fragments<'e> =
    dyn Fn(&str) -> Option<(&'e str, &'e [Selection<'e, S>])> + Sync + 'e;

pub(crate) struct Compiler<'e> {
    pub schema: &'e SchemaInfo,
    /// The operation's variables, defaults applied.
    pub variables: &'e Variables<S>,
    pub fragments: &'e Fragments<'e>,
    pub cursor_key: &'e CursorKey,
    /// Where the compile notes how it used the variables, so its statement can be kept and
    /// bound to other values; `None` when the statement is not kept.
    pub record: Option<&'e Recorder>,
    /// juniper's executor walks the JSON (a root field on its path): every embedded object and
    /// list is type-tested, so one the document lacks or holds as another type reads as null.
    pub walked: bool,
    /// The request's roles the schema's requirements name.
    pub grants: &'e Grants<'e>,
    /// The selected fields the request may not read, as the compile meets them.
    pub denied: Denials,
}

/// How one compile used the operation's variables.
#[derive(Default)]
pub(crate) struct Recorder(Mutex<Recorded>);

#[derive(Default)]
pub(crate) struct Recorded {
    /// Variables whose values shaped the SQL text (a page size, an order, a directive's
    /// condition, a whole filter object): another value is another statement.
    pub structural: BTreeSet<String>,
    /// Variables that only gave a filter operand: slot `n` of the statement is `slots[n]`.
    pub slots: Vec<Slot>,
}

impl Recorder {
    pub fn into_inner(self) -> Recorded {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Recorded) -> T) -> T {
        f(&mut self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// A filter condition whose operand is one variable: rebuilt for each request's value, it binds
/// the slot's parameters in the kept statement.
pub(crate) struct Slot {
    pub variable: String,
    target: Target,
    operator: String,
    operand: Operand,
}

impl Slot {
    /// The parameters the condition binds for `value` (the variable's value in a request);
    /// `None` when the value does not fit (then a full compile reports why).
    pub fn params(&self, value: &InputValue<S>) -> Option<Vec<fraiseql_sql::Param>> {
        let op = self.operand.op(&self.operator, value).ok()?;
        op.params_on(&self.target).ok()
    }
}

impl<'e> Compiler<'e> {
    /// A compiler like this one that records nothing: for compiles whose statement is not kept.
    pub fn unrecorded(&self) -> Compiler<'e> {
        Compiler {
            record: None,
            denied: Denials::default(),
            ..*self
        }
    }

    /// Groups `selections` by response key, inlining fragments and applying directives.
    pub fn group(&self, selections: &[&'e [Selection<'e, S>]]) -> Result<Grouped<'e>, Failure> {
        self.group_as(selections, &[])
    }

    /// [`group`](Self::group) for an object of an abstract type: fragments whose type condition
    /// names none of `types` (the concrete type and the abstract types it belongs to) are left
    /// out. With no `types`, every fragment applies (validation has checked they can).
    pub fn group_as(
        &self,
        selections: &[&'e [Selection<'e, S>]],
        types: &[&str],
    ) -> Result<Grouped<'e>, Failure> {
        let mut grouped: Grouped<'e> = Vec::new();
        for set in selections {
            self.collect(set, &mut grouped, types)?;
        }
        Ok(grouped)
    }

    fn collect(
        &self,
        set: &'e [Selection<'e, S>],
        out: &mut Grouped<'e>,
        types: &[&str],
    ) -> Result<(), Failure> {
        let applies = |condition: Option<&str>| {
            types.is_empty() || condition.is_none_or(|c| types.contains(&c))
        };
        for selection in set {
            match selection {
                Selection::Field(field) => {
                    let position = field.span.start;
                    let field = &field.item;
                    if !self.included(directives_of!(&field.directives)) {
                        continue;
                    }
                    let key = field.alias.as_ref().unwrap_or(&field.name).item;
                    let field = FieldNode {
                        name: field.name.item,
                        arguments: FieldArguments::Written(
                            field
                                .arguments
                                .as_ref()
                                .map_or(&[][..], |a| &a.item.items[..]),
                        ),
                        selection_set: field.selection_set.as_deref(),
                        position,
                    };
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(field),
                        None => out.push((key, vec![field])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if !self.included(directives_of!(&spread.item.directives)) {
                        continue;
                    }
                    let (condition, fragment) = (self.fragments)(spread.item.name.item)
                        .ok_or_else(|| {
                            bad_input(format!("unknown fragment {}", spread.item.name.item))
                        })?;
                    if applies(Some(condition)) {
                        self.collect(fragment, out, types)?;
                    }
                }
                Selection::InlineFragment(inline) => {
                    let condition = inline.item.type_condition.as_ref().map(|c| c.item);
                    if applies(condition) && self.included(directives_of!(&inline.item.directives))
                    {
                        self.collect(&inline.item.selection_set, out, types)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies `@skip(if:)` and `@include(if:)`; a variable condition shapes the statement.
    fn included<'d>(
        &self,
        directives: impl Iterator<Item = (&'d str, Option<&'d ArgumentList<'d>>)>,
    ) -> bool {
        included(directives, |value| match self.resolve(value) {
            InputValue::Scalar(S::Boolean(condition)) => Some(condition),
            _ => None,
        })
    }

    /// The value of variable `name` (null when absent).
    fn variable(&self, name: &str) -> InputValue<S> {
        self.variables
            .get(name)
            .cloned()
            .unwrap_or(InputValue::Null)
    }

    /// Whether `value` is a variable the request does not give: an input object field holding
    /// it is left out, as if not written (GraphQL's input coercion).
    fn is_absent(&self, value: &InputValue<S>) -> bool {
        matches!(value, InputValue::Variable(name) if !self.variables.contains_key(name))
    }

    /// `value` with variables substituted (an absent variable is null, and an object field
    /// holding one is left out); each variable met is noted as shaping the statement.
    pub fn resolve(&self, value: &InputValue<S>) -> InputValue<S> {
        match value {
            InputValue::Variable(name) => {
                if let Some(record) = self.record {
                    record.with(|r| r.structural.insert(name.clone()));
                }
                self.variable(name)
            }
            InputValue::List(items) => InputValue::List(
                items
                    .iter()
                    .map(|i| juniper::Spanning::unlocated(self.resolve(&i.item)))
                    .collect(),
            ),
            InputValue::Object(fields) => InputValue::Object(
                fields
                    .iter()
                    .filter(|(_, v)| !self.is_absent(&v.item))
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            juniper::Spanning::unlocated(self.resolve(&v.item)),
                        )
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The argument `name` of `field` as written, variables left in place; `None` when absent.
    fn written(&self, field: &FieldNode<'e>, name: &str) -> Option<InputValue<S>> {
        match field.arguments {
            FieldArguments::Written(arguments) => arguments
                .iter()
                .find(|(n, _)| n.item == name)
                .map(|(_, v)| v.item.clone()),
            FieldArguments::Resolved(arguments) => {
                Some(arguments.get_input_value(name)?.item.clone())
            }
        }
    }

    /// `value`, or the value of the variable it is (which then shapes the statement).
    fn shallow<'v>(&self, value: &'v InputValue<S>) -> Cow<'v, InputValue<S>> {
        match value {
            InputValue::Variable(_) => Cow::Owned(self.resolve(value)),
            other => Cow::Borrowed(other),
        }
    }

    /// `target op operand` for a written operand: a variable operand becomes a slot of the
    /// statement (when statements are kept), anything else is resolved in place.
    fn condition(
        &self,
        target: Target,
        operator: &str,
        operand: Operand,
        written: &InputValue<S>,
    ) -> Result<Filter, Failure> {
        let slot_variable = match (written, self.record) {
            // `isNull` picks the SQL (IS NULL or IS NOT NULL): its value shapes the statement.
            (InputValue::Variable(name), Some(_)) if operator != "isNull" => Some(name),
            _ => None,
        };
        let value = match slot_variable {
            Some(name) => self.variable(name),
            None => self.resolve(written),
        };
        if matches!(value, InputValue::Null) {
            return Err(bad_input(format!(
                "operator `{operator}` is null; omit it or use isNull"
            )));
        }
        let condition = Filter::cond(target.clone(), operand.op(operator, &value)?);
        Ok(match (slot_variable, self.record) {
            (Some(variable), Some(record)) => record.with(|r| {
                let n = r.slots.len() as u32;
                r.slots.push(Slot {
                    variable: variable.clone(),
                    target,
                    operator: operator.to_owned(),
                    operand,
                });
                condition.slot(n)
            }),
            _ => condition,
        })
    }

    /// The argument `name` of `field`, resolved; `None` when absent or null.
    pub fn argument(&self, field: &FieldNode<'e>, name: &str) -> Option<InputValue<S>> {
        let value = match field.arguments {
            FieldArguments::Written(arguments) => {
                self.resolve(&arguments.iter().find(|(n, _)| n.item == name)?.1.item)
            }
            FieldArguments::Resolved(arguments) => arguments.get_input_value(name)?.item.clone(),
        };
        match value {
            InputValue::Null => None,
            value => Some(value),
        }
    }

    /// Every sub-selection of the merged fields.
    pub(crate) fn sub_selections(fields: &[FieldNode<'e>]) -> Vec<&'e [Selection<'e, S>]> {
        fields.iter().filter_map(|f| f.selection_set).collect()
    }
}

/// Where `field` is read below `base`: its document key, or its column at a row's top.
fn field_at(base: &Base, field: &FieldDescriptor) -> Base {
    match field.source {
        FieldSource::Json(key) => base.child(key),
        FieldSource::Column(column) => base.column(column),
    }
}

/// The GraphQL names the stored texts of a value of type `ty` are answered as: an enum's
/// values whose stored text differs from the name; `None` for other types and for enums
/// stored by name.
fn renames(ty: &FieldType) -> Option<fraiseql_sql::Renames> {
    let FieldType::Enum(descriptor) = ty.non_null() else {
        return None;
    };
    let values = descriptor().values.iter();
    let renames = fraiseql_sql::Renames::new(values.map(|v| (v.stored, v.name)));
    (!renames.is_empty()).then_some(renames)
}

/// The enum value (or string) an input object's entry `name` holds; `None` when absent or of
/// another kind.
fn enum_entry<'v>(entries: &'v [InputEntry], name: &str) -> Option<&'v str> {
    let (_, value) = entries.iter().find(|(key, _)| key.item == name)?;
    match &value.item {
        InputValue::Enum(s) | InputValue::Scalar(S::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// One entry of an input object value.
type InputEntry = (juniper::Spanning<String>, juniper::Spanning<InputValue<S>>);

fn name_of(text: &str) -> Result<Name, Failure> {
    Name::new(text).map_err(bad_input)
}

fn relation(descriptor: &TypeDescriptor) -> Result<Relation, Failure> {
    Relation::new(descriptor.view)
        .and_then(|r| r.with_data(descriptor.data))
        .and_then(|r| r.with_key(descriptor.key))
        .map_err(bad_input)
}

fn column(name: &str, kind: ScalarKind) -> Result<Target, Failure> {
    Target::column(name, kind).map_err(bad_input)
}

/// A GraphQL scalar as a SQL-layer value (the target's kind coerces it further).
fn scalar_value(value: &InputValue<S>) -> Result<Value, Failure> {
    match value {
        InputValue::Scalar(S::Int(i)) => Ok(Value::Int(i64::from(*i))),
        InputValue::Scalar(S::Float(f)) => Ok(Value::Float(*f)),
        InputValue::Scalar(S::String(s)) => Ok(Value::Text(s.clone())),
        InputValue::Scalar(S::Boolean(b)) => Ok(Value::Bool(*b)),
        InputValue::Enum(e) => Ok(Value::Text(e.clone())),
        _ => Err(bad_input("expected a scalar value")),
    }
}

fn to_json(value: &InputValue<S>) -> serde_json::Value {
    match value {
        InputValue::Null | InputValue::Variable(_) => serde_json::Value::Null,
        InputValue::Scalar(S::Int(i)) => (*i).into(),
        InputValue::Scalar(S::Float(f)) => (*f).into(),
        InputValue::Scalar(S::String(s)) => s.clone().into(),
        InputValue::Scalar(S::Boolean(b)) => (*b).into(),
        InputValue::Enum(e) => e.clone().into(),
        InputValue::List(items) => items.iter().map(|i| to_json(&i.item)).collect(),
        InputValue::Object(fields) => fields
            .iter()
            .map(|(k, v)| (k.item.clone(), to_json(&v.item)))
            .collect(),
    }
}
