//! `where` and `orderBy`: a `<Type>WhereInput` value as a filter (operators, `_and`/`_or`/
//! `_not`, embedded objects and lists), an `orderBy` list as the order's keys.

use super::*;

impl<'e> Compiler<'e> {
    pub(super) fn where_filter(
        &self,
        index: usize,
        field: &FieldNode<'e>,
    ) -> Result<Filter, Failure> {
        let Some(written) = self.written(field, "where") else {
            return Ok(Filter::all());
        };
        match &*self.shallow(&written) {
            InputValue::Null => Ok(Filter::all()),
            value => self.filter(index, value, Base::row()),
        }
    }

    /// A `<Type>WhereInput` value as a filter on the rows (or elements) `base` points at.
    pub(super) fn filter(
        &self,
        index: usize,
        value: &InputValue<S>,
        base: Base,
    ) -> Result<Filter, Failure> {
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

    pub(super) fn field_filter(
        &self,
        field: &'static FieldDescriptor,
        value: &InputValue<S>,
        base: &Base,
    ) -> Result<Filter, Failure> {
        let at = field_at(base, field);
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
        self.operators(&at, Operand { kind, enum_values }, value, field.name)
    }

    /// The operators of a scalar filter (`{gt: 1, lt: 5}`) on the value of kind `operand` at
    /// `at`, all of which must hold; `what` names the value in errors.
    pub(super) fn operators(
        &self,
        at: &Base,
        operand: Operand,
        value: &InputValue<S>,
        what: &str,
    ) -> Result<Filter, Failure> {
        let target = at.target(operand.kind);
        let InputValue::Object(ops) = value else {
            return Err(bad_input(format!("the filter of {what} must be an object")));
        };
        let mut conditions = Vec::new();
        for (op, v) in ops.iter().filter(|(_, v)| !self.is_absent(&v.item)) {
            conditions.push(self.condition(target.clone(), &op.item, operand, &v.item)?);
        }
        Ok(Filter::And(conditions))
    }

    /// The order `orderBy` asks for, or the entity's default order when it asks for none
    /// (absent, null or `[]`); the SQL layer appends the key to either, so the order is total.
    pub(super) fn order(
        &self,
        index: usize,
        field: &FieldNode<'e>,
    ) -> Result<Vec<OrderBy>, Failure> {
        Ok(match self.order_keys(index, field, &Base::row())? {
            Some(keys) => keys,
            None => self.schema.entities[index].default_order.clone(),
        })
    }

    /// The keys `orderBy` asks for, each read at `base` (a row, or an element of an embedded
    /// list); `None` when it asks for none (absent, null or `[]`).
    pub(super) fn order_keys(
        &self,
        index: usize,
        field: &FieldNode<'e>,
        base: &Base,
    ) -> Result<Option<Vec<OrderBy>>, Failure> {
        let Some(value) = self.argument(field, "orderBy") else {
            return Ok(None);
        };
        let items: Vec<_> = match value {
            InputValue::List(items) => items.into_iter().map(|i| i.item).collect(),
            single => vec![single],
        };
        if items.is_empty() {
            return Ok(None);
        }
        let descriptor = self.schema.entities[index].descriptor;
        let sortable = order_fields(self.schema, index);
        items
            .iter()
            .map(|item| {
                let InputValue::Object(entries) = item else {
                    return Err(bad_input("orderBy items are objects"));
                };
                let get = |name| enum_entry(entries, name);
                let field_name = get("field").ok_or_else(|| bad_input("orderBy needs a field"))?;
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
                let target: Target = field_at(base, field).target(Kind::Scalar(kind));
                let direction = direction(get("direction"))?;
                let order = OrderBy::new(target, direction);
                Ok(match get("nulls") {
                    None => order,
                    Some("FIRST") => order.nulls(Nulls::First),
                    Some("LAST") => order.nulls(Nulls::Last),
                    Some(other) => return Err(bad_input(format!("{other} is not a NullsOrder"))),
                })
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

/// A `SortDirection` value (absent: ascending).
pub(super) fn direction(value: Option<&str>) -> Result<Direction, Failure> {
    match value {
        None | Some("ASC") => Ok(Direction::Asc),
        Some("DESC") => Ok(Direction::Desc),
        Some(other) => Err(bad_input(format!("{other} is not a SortDirection"))),
    }
}

/// How a filter operator's operand is read: the kind of the target it applies to, and for an
/// enum field the enum whose GraphQL names stand for stored values.
#[derive(Clone, Copy)]
pub(super) struct Operand {
    pub kind: Kind,
    pub enum_values: Option<&'static EnumDescriptor>,
}

impl Operand {
    pub(super) fn scalar(kind: Kind) -> Self {
        Self {
            kind,
            enum_values: None,
        }
    }

    /// The operator `name` with the (resolved, non-null) operand `v`.
    pub(super) fn op(&self, name: &str, v: &InputValue<S>) -> Result<Op, Failure> {
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
