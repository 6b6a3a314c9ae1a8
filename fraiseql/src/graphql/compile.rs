//! Compiles an operation's selection (the exact AST: aliases, repeated keys merged, fragments
//! inlined, `@skip`/`@include` and variables applied) and its arguments into `fraiseql-sql`
//! roots, so the whole operation becomes one statement.

use fraiseql_sql::CursorKey;
use fraiseql_sql::{
    Connection, ConnectionField, Direction, EdgeField, Filter, Kind, Name, Nulls, Op, OrderBy,
    Page, PageInfoField, Projected, Projection, Relation, Root, ScalarKind, Target, Value,
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
    /// The condition for `value` (the variable's value in a request), or the field error the
    /// whole compile would report for it.
    pub fn filter(&self, value: &InputValue<S>) -> Result<Filter, Failure> {
        Ok(Filter::cond(
            self.target.clone(),
            self.operand.op(&self.operator, value)?,
        ))
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

    /// The root for one root field, or `None` for a field this compiler does not answer.
    pub fn root(&self, fields: &[FieldNode<'e>]) -> Result<Option<Root>, Failure> {
        let field = &fields[0];
        let name = field.name;
        if name == "__typename" {
            return Ok(Some(Root::Typename(name_of(names::QUERY)?)));
        }
        for (index, entity) in self.schema.entities.iter().enumerate() {
            let Some(roots) = &entity.roots else { continue };
            let descriptor = entity.descriptor;
            let relation = relation(descriptor)?;
            let subs = Self::sub_selections(fields);
            let served = [&roots.one, &roots.list, &roots.connection];
            if !served.iter().any(|root| root.as_deref() == Some(name)) {
                continue;
            }
            if let Some(refusal) = self.grants.refuse_root(name, descriptor) {
                return Err(refusal);
            }
            if roots.one.as_deref() == Some(name) {
                // Which of the two keys is given shapes the statement; the key's value is a
                // slot when it is a variable.
                let given = |name| {
                    let written = self.written(field, name)?;
                    let present = match &written {
                        InputValue::Variable(variable) => self
                            .variables
                            .get(variable)
                            .is_some_and(|v| !matches!(v, InputValue::Null)),
                        value => !matches!(value, InputValue::Null),
                    };
                    present.then_some(written)
                };
                let key = |column_name, kind, written: &InputValue<S>| {
                    let by = descriptor
                        .fields
                        .iter()
                        .find(|f| f.source.key() == column_name);
                    let refusal =
                        by.and_then(|by| self.grants.refuse_field("look up by", descriptor, by));
                    if let Some(refusal) = refusal {
                        return Err(refusal);
                    }
                    let operand = Operand::scalar(Kind::Scalar(kind));
                    self.condition(column(column_name, kind)?, "eq", operand, written)
                };
                let filter = match (given("id"), given("identifier")) {
                    (Some(id), None) => key(descriptor.key, ScalarKind::Uuid, &id)?,
                    (None, Some(identifier)) => {
                        let column_name = descriptor
                            .identifier
                            .ok_or_else(|| bad_input("this type has no identifier"))?;
                        key(column_name, ScalarKind::Text, &identifier)?
                    }
                    _ => {
                        return Err(bad_input(format!(
                            "{name} needs exactly one of `id` and `identifier`"
                        )));
                    }
                };
                let Some(projection) = self.projection(index, &subs, false, None)? else {
                    return Ok(Some(Root::Null));
                };
                return Ok(Some(Root::One {
                    relation,
                    filter,
                    projection,
                }));
            }
            if roots.list.as_deref() == Some(name) {
                let limit = self
                    .page_size(field, "limit")?
                    .unwrap_or(self.schema.limits.default_page_size);
                let offset = match self.argument(field, "offset") {
                    None => 0,
                    Some(InputValue::Scalar(S::Int(n))) if n >= 0 => n as u64,
                    Some(_) => return Err(bad_input("offset must be a non-negative integer")),
                };
                let (filter, order) = (self.where_filter(index, field)?, self.order(index, field)?);
                let Some(projection) = self.projection(index, &subs, false, None)? else {
                    return Ok(Some(Root::Null));
                };
                return Ok(Some(Root::List {
                    relation,
                    filter,
                    order,
                    limit: Some(limit),
                    offset,
                    projection,
                }));
            }
            if roots.connection.as_deref() == Some(name) {
                return self.connection(index, relation, field, &subs).map(Some);
            }
        }
        Ok(None)
    }

    /// Whether the root field `name` may be null (only the one-object fields may: lists,
    /// connections and `__typename` are non-null), so a failure nulls it rather than `data`.
    pub fn root_is_nullable(&self, name: &str) -> bool {
        (self.schema.entities.iter())
            .filter_map(|entity| entity.roots.as_ref())
            .any(|roots| roots.one.as_deref() == Some(name))
    }

    fn page_size(&self, field: &FieldNode<'e>, name: &str) -> Result<Option<u32>, Failure> {
        let max = self.schema.limits.max_page_size;
        match self.argument(field, name) {
            None => Ok(None),
            Some(InputValue::Scalar(S::Int(n))) if n < 0 => {
                Err(bad_input(format!("{name} cannot be negative")))
            }
            Some(InputValue::Scalar(S::Int(n))) if n as u32 > max => Err(bad_input(format!(
                "{name} exceeds the maximum page size of {max}"
            ))),
            Some(InputValue::Scalar(S::Int(n))) => Ok(Some(n as u32)),
            Some(_) => Err(bad_input(format!("{name} must be an integer"))),
        }
    }

    fn connection(
        &self,
        index: usize,
        relation: Relation,
        field: &FieldNode<'e>,
        subs: &[&'e [Selection<'e, S>]],
    ) -> Result<Root, Failure> {
        let cursor = |name| match self.argument(field, name) {
            None => Ok(None),
            Some(InputValue::Scalar(S::String(s))) => Ok(Some(s)),
            Some(_) => Err(bad_input(format!("{name} must be a cursor string"))),
        };
        let (after, before) = (cursor("after")?, cursor("before")?);
        let page = match (
            self.page_size(field, "first")?,
            self.page_size(field, "last")?,
        ) {
            (Some(_), Some(_)) => return Err(bad_input("use either first or last, not both")),
            (_, Some(last)) if after.is_none() => Page::Backward { last, before },
            (None, None) if before.is_some() && after.is_none() => Page::Backward {
                last: self.schema.limits.default_page_size,
                before,
            },
            (first, None) if before.is_none() => Page::Forward {
                first: first.unwrap_or(self.schema.limits.default_page_size),
                after,
            },
            _ => {
                return Err(bad_input(
                    "page forwards with first/after or backwards with last/before",
                ));
            }
        };
        let entity_name = self.schema.entities[index].descriptor.name;
        let mut fields = Vec::new();
        // A node nulled by a non-null field it may not read nulls its edge, the edges and the
        // connection: all non-null.
        let mut nulled = false;
        for (key, group) in self.group(subs)? {
            let inner = Self::sub_selections(&group);
            let value = match group[0].name {
                "__typename" => {
                    ConnectionField::Typename(name_of(&Derived::Connection.of(entity_name))?)
                }
                "totalCount" => ConnectionField::TotalCount,
                "edges" => {
                    let edges = At::field(None, key, "edges");
                    let mut edge = Vec::new();
                    for (edge_key, edge_group) in self.group(&inner)? {
                        let field = match edge_group[0].name {
                            "cursor" => EdgeField::Cursor,
                            "__typename" => {
                                EdgeField::Typename(name_of(&Derived::Edge.of(entity_name))?)
                            }
                            "node" => {
                                let node = At::field(Some(&edges), edge_key, "node");
                                let subs = Self::sub_selections(&edge_group);
                                match self.projection(index, &subs, false, Some(&node))? {
                                    Some(projection) => EdgeField::Node(projection),
                                    None => {
                                        nulled = true;
                                        EdgeField::Cursor
                                    }
                                }
                            }
                            other => return Err(bad_input(format!("unknown edge field {other}"))),
                        };
                        edge.push((name_of(edge_key)?, field));
                    }
                    ConnectionField::Edges(edge)
                }
                "pageInfo" => {
                    let mut info = Vec::new();
                    for (info_key, info_group) in self.group(&inner)? {
                        let field = match info_group[0].name {
                            "hasNextPage" => Ok(PageInfoField::HasNextPage),
                            "hasPreviousPage" => Ok(PageInfoField::HasPreviousPage),
                            "startCursor" => Ok(PageInfoField::StartCursor),
                            "endCursor" => Ok(PageInfoField::EndCursor),
                            "__typename" => Err(name_of(names::PAGE_INFO)?),
                            other => {
                                return Err(bad_input(format!("unknown pageInfo field {other}")));
                            }
                        };
                        info.push((name_of(info_key)?, field));
                    }
                    ConnectionField::PageInfo(info)
                }
                other => return Err(bad_input(format!("unknown connection field {other}"))),
            };
            fields.push((name_of(key)?, value));
        }
        let (filter, order) = (self.where_filter(index, field)?, self.order(index, field)?);
        if nulled {
            return Ok(Root::Null);
        }
        Ok(Root::Connection(Connection {
            relation,
            filter,
            order,
            page,
            cursor_key: self.cursor_key.clone(),
            fields,
        }))
    }

    /// The projection of an entity for the merged sub-selections, below the root field at
    /// `at`; `None` when a non-null field the request may not read nulls the object (see
    /// `authz`).
    pub(crate) fn projection(
        &self,
        index: usize,
        subs: &[&'e [Selection<'e, S>]],
        embedded: bool,
        at: Option<&At<'_>>,
    ) -> Result<Option<Projection>, Failure> {
        Ok(self
            .projection_of(index, subs, embedded, at)?
            .map(|(projection, _)| projection))
    }

    /// [`projection`](Self::projection), and whether it exposes an object that is not there.
    ///
    /// Where the document breaks a non-null promise the fast path must see it in the JSON it
    /// relays (see `relay`). A non-null scalar reads as null, a non-null list of objects fails
    /// the statement; an embedded object or list element is projected with no type test only
    /// when it holds one of those (read from a missing object, each would break its own
    /// promise), otherwise it is tested and reads as null.
    ///
    /// A field the request may not read is a constant null, and a denial; a non-null one nulls
    /// the object instead (`None`), whose parent field takes the null if it may, or passes it on.
    fn projection_of(
        &self,
        index: usize,
        subs: &[&'e [Selection<'e, S>]],
        embedded: bool,
        at: Option<&At<'_>>,
    ) -> Result<Option<(Projection, bool)>, Failure> {
        let descriptor = self.schema.entities[index].descriptor;
        let mut projection = Projection::new();
        let mut exposes = false;
        let mut nulled = false;
        for (key, group) in self.group(subs)? {
            let name = group[0].name;
            if name == "__typename" {
                projection.push(
                    name_of(key)?,
                    Projected::Typename(name_of(descriptor.name)?),
                );
                continue;
            }
            let field = descriptor
                .graphql_field(name)
                .ok_or_else(|| bad_input(format!("{} has no field {name}", descriptor.name)))?;
            let here = At::field(at, key, name);
            let value = match self.grants.refuse_field("read", descriptor, field) {
                Some(refusal) => {
                    self.denied.record(Some(&here), group[0].position, refusal);
                    Some(Projected::Null)
                }
                None => self.field_projection(field, &group, embedded, &here, &mut exposes)?,
            };
            match value {
                // A null this field may not hold nulls the object.
                Some(Projected::Null) | None if !field.ty.is_nullable() => nulled = true,
                Some(value) => projection.push(name_of(key)?, value),
                None => projection.push(name_of(key)?, Projected::Null),
            }
        }
        Ok((!nulled).then_some((projection, exposes)))
    }

    /// How the readable `field` (its merged selections `group`, at `here`) is projected;
    /// `None` when a non-null field the request may not read, below it, nulls it.
    fn field_projection(
        &self,
        field: &'static FieldDescriptor,
        group: &[FieldNode<'e>],
        embedded: bool,
        here: &At<'_>,
        exposes: &mut bool,
    ) -> Result<Option<Projected>, Failure> {
        let path = || fraiseql_sql::JsonPath::parse(field.source.key()).map_err(bad_input);
        let nested = |ty: &FieldType| match ty {
            FieldType::Object(o) => Some(o()),
            _ => None,
        };
        let inner = |object| {
            let subs = Self::sub_selections(group);
            self.projection_of(self.index_of(object)?, &subs, true, Some(here))
        };
        // A null this field may not hold shows: as null (tested, or a scalar), or as an
        // error (a lean list).
        let non_null = !field.ty.is_nullable();
        *exposes |= non_null;
        // A non-null object or list of objects needs no type test in the SQL.
        Ok(Some(
            match (field.ty.non_null(), nested(field.ty.non_null())) {
                (_, Some(object)) => {
                    let Some((inner, inner_exposes)) = inner(object)? else {
                        return Ok(None);
                    };
                    let lean = non_null && inner_exposes && !self.walked;
                    (if lean {
                        Projected::NonNullObject
                    } else {
                        Projected::Object
                    })(path()?, inner)
                }
                (FieldType::List(item), _) if nested(item.non_null()).is_some() => {
                    let object = nested(item.non_null()).expect("checked");
                    let Some((inner, inner_exposes)) = inner(object)? else {
                        // Each element is null if it may be, else the list is.
                        return Ok(if item.is_nullable() {
                            Some(Projected::Nulls(path()?))
                        } else {
                            None
                        });
                    };
                    let lean = non_null && !item.is_nullable() && inner_exposes && !self.walked;
                    (if lean {
                        Projected::NonNullList
                    } else {
                        Projected::List
                    })(path()?, inner)
                }
                _ => match field.source {
                    FieldSource::Column(c) if !embedded => {
                        Projected::Column(fraiseql_sql::Ident::new(c).map_err(bad_input)?)
                    }
                    _ => Projected::Value(path()?),
                },
            },
        ))
    }

    fn index_of(&self, descriptor: &TypeDescriptor) -> Result<usize, Failure> {
        self.schema
            .entity_index(descriptor.name)
            .ok_or_else(|| bad_input(format!("type {} is not served", descriptor.name)))
    }

    fn where_filter(&self, index: usize, field: &FieldNode<'e>) -> Result<Filter, Failure> {
        let Some(written) = self.written(field, "where") else {
            return Ok(Filter::all());
        };
        match &*self.shallow(&written) {
            InputValue::Null => Ok(Filter::all()),
            value => self.filter(index, value, Base::row()),
        }
    }

    /// A `<Type>WhereInput` value as a filter on the rows (or elements) `base` points at.
    fn filter(&self, index: usize, value: &InputValue<S>, base: Base) -> Result<Filter, Failure> {
        let descriptor = self.schema.entities[index].descriptor;
        let InputValue::Object(entries) = &*self.shallow(value) else {
            return Err(bad_input(format!(
                "{}WhereInput must be an object",
                descriptor.name
            )));
        };
        let mut all = Vec::new();
        for (key, value) in entries.iter().filter(|(_, v)| !self.is_absent(&v.item)) {
            let value = &*self.shallow(&value.item);
            if matches!(value, InputValue::Null) {
                return Err(bad_input(format!(
                    "filter `{}` is null; omit it or use isNull",
                    key.item
                )));
            }
            let list = |value: &InputValue<S>| -> Vec<InputValue<S>> {
                match value {
                    InputValue::List(items) => items
                        .iter()
                        .map(|i| self.shallow(&i.item).into_owned())
                        .collect(),
                    other => vec![other.clone()],
                }
            };
            all.push(match key.item.as_str() {
                "_and" => Filter::And(
                    list(value)
                        .iter()
                        .map(|v| self.filter(index, v, base.clone()))
                        .collect::<Result<_, _>>()?,
                ),
                "_or" => Filter::Or(
                    list(value)
                        .iter()
                        .map(|v| self.filter(index, v, base.clone()))
                        .collect::<Result<_, _>>()?,
                ),
                "_not" => self.filter(index, value, base.clone())?.not(),
                name => {
                    let field = descriptor
                        .graphql_field(name)
                        .ok_or_else(|| bad_input(format!("unknown filter field {name}")))?;
                    // A filter would show the value, bit by bit.
                    if let Some(refusal) = self.grants.refuse_field("filter by", descriptor, field)
                    {
                        return Err(refusal);
                    }
                    self.field_filter(field, value, &base)?
                }
            });
        }
        Ok(Filter::And(all))
    }

    fn field_filter(
        &self,
        field: &'static FieldDescriptor,
        value: &InputValue<S>,
        base: &Base,
    ) -> Result<Filter, Failure> {
        let at = match field.source {
            FieldSource::Json(key) => base.child(key),
            FieldSource::Column(column) => base.column(column),
        };
        let ty = field.ty.non_null();
        match ty {
            FieldType::Object(object) => {
                let nested = self.index_of(object())?;
                return self.filter(nested, value, at);
            }
            FieldType::List(item) => {
                if let FieldType::Object(object) = item.non_null() {
                    let nested = self.index_of(object())?;
                    let inner = self.filter(nested, value, Base::element())?;
                    return Ok(Filter::any(at.json_path(), inner));
                }
            }
            _ => {}
        }
        let (kind, enum_values) = match ty {
            FieldType::Scalar(kind) => (Kind::Scalar(*kind), None),
            FieldType::Enum(e) => (Kind::Scalar(ScalarKind::Text), Some(e())),
            FieldType::List(item) => match item.non_null() {
                FieldType::Scalar(kind) => (Kind::Array(*kind), None),
                FieldType::Enum(e) => (Kind::Array(ScalarKind::Text), Some(e())),
                _ => {
                    return Err(bad_input(format!(
                        "field {} cannot be filtered",
                        field.name
                    )));
                }
            },
            _ => {
                return Err(bad_input(format!(
                    "field {} cannot be filtered",
                    field.name
                )));
            }
        };
        let operand = Operand { kind, enum_values };
        let target = at.target(kind);
        let InputValue::Object(ops) = value else {
            return Err(bad_input(format!(
                "the filter of {} must be an object",
                field.name
            )));
        };
        let mut conditions = Vec::new();
        for (op, v) in ops.iter().filter(|(_, v)| !self.is_absent(&v.item)) {
            conditions.push(self.condition(target.clone(), &op.item, operand, &v.item)?);
        }
        Ok(Filter::And(conditions))
    }

    /// The order `orderBy` asks for, or the entity's default order when it asks for none
    /// (absent, null or `[]`); the SQL layer appends the key to either, so the order is total.
    fn order(&self, index: usize, field: &FieldNode<'e>) -> Result<Vec<OrderBy>, Failure> {
        let default = || Ok(self.schema.entities[index].default_order.clone());
        let Some(value) = self.argument(field, "orderBy") else {
            return default();
        };
        let items: Vec<_> = match value {
            InputValue::List(items) => items.into_iter().map(|i| i.item).collect(),
            single => vec![single],
        };
        if items.is_empty() {
            return default();
        }
        let descriptor = self.schema.entities[index].descriptor;
        let sortable = order_fields(self.schema, index);
        items
            .iter()
            .map(|item| {
                let InputValue::Object(entries) = item else {
                    return Err(bad_input("orderBy items are objects"));
                };
                let get = |name: &str| {
                    entries
                        .iter()
                        .find(|(k, _)| k.item == name)
                        .map(|(_, v)| match &v.item {
                            InputValue::Enum(s) | InputValue::Scalar(S::String(s)) => {
                                Some(s.as_str())
                            }
                            _ => None,
                        })
                };
                let field_name = get("field")
                    .flatten()
                    .ok_or_else(|| bad_input("orderBy needs a field"))?;
                let field_index = sortable
                    .iter()
                    .find(|(value, _)| value == field_name)
                    .map(|(_, i)| *i)
                    .ok_or_else(|| {
                        bad_input(format!(
                            "{field_name} is not a sortable field of {}",
                            descriptor.name
                        ))
                    })?;
                let field = &descriptor.fields[field_index];
                if let Some(refusal) = self.grants.refuse_field("order by", descriptor, field) {
                    return Err(refusal);
                }
                let kind = match field.ty.non_null() {
                    FieldType::Scalar(kind) => *kind,
                    _ => ScalarKind::Text,
                };
                let target: Target = match field.source {
                    FieldSource::Json(key) => Base::row().child(key),
                    FieldSource::Column(column) => Base::row().column(column),
                }
                .target(Kind::Scalar(kind));
                let direction = match get("direction").flatten() {
                    None | Some("ASC") => Direction::Asc,
                    Some("DESC") => Direction::Desc,
                    Some(other) => {
                        return Err(bad_input(format!("{other} is not a SortDirection")));
                    }
                };
                let order = OrderBy::new(target, direction);
                Ok(match get("nulls").flatten() {
                    None => order,
                    Some("FIRST") => order.nulls(Nulls::First),
                    Some("LAST") => order.nulls(Nulls::Last),
                    Some(other) => return Err(bad_input(format!("{other} is not a NullsOrder"))),
                })
            })
            .collect()
    }
}

/// How a filter operator's operand is read: the kind of the target it applies to, and for an
/// enum field the enum whose GraphQL names stand for stored values.
#[derive(Clone, Copy)]
struct Operand {
    kind: Kind,
    enum_values: Option<&'static EnumDescriptor>,
}

impl Operand {
    fn scalar(kind: Kind) -> Self {
        Self {
            kind,
            enum_values: None,
        }
    }

    /// The operator `name` with the (resolved, non-null) operand `v`.
    fn op(&self, name: &str, v: &InputValue<S>) -> Result<Op, Failure> {
        let kind = self.kind;
        let convert = |v: &InputValue<S>| -> Result<Value, Failure> {
            match (self.enum_values, v) {
                (Some(e), InputValue::Enum(name) | InputValue::Scalar(S::String(name))) => e
                    .values
                    .iter()
                    .find(|value| value.name == name)
                    .map(|value| Value::from(value.stored))
                    .ok_or_else(|| bad_input(format!("{name} is not a value of {}", e.name))),
                (_, v) if kind == Kind::Scalar(ScalarKind::Json) => Ok(Value::Json(to_json(v))),
                (_, v) => scalar_value(v),
            }
        };
        let values = |v: &InputValue<S>| -> Result<Vec<Value>, Failure> {
            match v {
                InputValue::List(items) => items.iter().map(|i| convert(&i.item)).collect(),
                other => Ok(vec![convert(other)?]),
            }
        };
        let text = |v: &InputValue<S>| match v {
            InputValue::Scalar(S::String(s)) => Ok(s.clone()),
            _ => Err(bad_input("expected a string")),
        };
        let texts = |v: &InputValue<S>| match v {
            InputValue::List(items) => items
                .iter()
                .map(|i| text(&i.item))
                .collect::<Result<Vec<_>, _>>(),
            other => Ok(vec![text(other)?]),
        };
        let is_array = matches!(kind, Kind::Array(_));
        Ok(match name {
            "eq" => Op::Eq(convert(v)?),
            "neq" => Op::Neq(convert(v)?),
            "in" => Op::In(values(v)?),
            "nin" => Op::Nin(values(v)?),
            "gt" => Op::Gt(convert(v)?),
            "gte" => Op::Gte(convert(v)?),
            "lt" => Op::Lt(convert(v)?),
            "lte" => Op::Lte(convert(v)?),
            "isNull" => match v {
                InputValue::Scalar(S::Boolean(b)) => Op::IsNull(*b),
                _ => return Err(bad_input("isNull takes a boolean")),
            },
            "contains" if is_array => Op::ArrayContains(values(v)?),
            "overlaps" => Op::Overlaps(values(v)?),
            "anyEq" => Op::AnyEq(convert(v)?),
            "contains" if kind == Kind::Scalar(ScalarKind::Json) => Op::JsonContains(to_json(v)),
            "containedIn" => Op::ContainedIn(to_json(v)),
            "hasKey" => Op::HasKey(text(v)?),
            "hasAnyKeys" => Op::HasAnyKeys(texts(v)?),
            "hasAllKeys" => Op::HasAllKeys(texts(v)?),
            "contains" => Op::Contains(text(v)?),
            "icontains" => Op::IContains(text(v)?),
            "startsWith" => Op::StartsWith(text(v)?),
            "istartsWith" => Op::IStartsWith(text(v)?),
            "endsWith" => Op::EndsWith(text(v)?),
            "iendsWith" => Op::IEndsWith(text(v)?),
            "like" => Op::Like(text(v)?),
            "ilike" => Op::ILike(text(v)?),
            "matches" => Op::Matches(text(v)?),
            "imatches" => Op::IMatches(text(v)?),
            other => return Err(bad_input(format!("unknown filter operator {other}"))),
        })
    }
}

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
