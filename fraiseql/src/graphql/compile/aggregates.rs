//! Aggregates: `<plural>Aggregate(where:)` at the root and `<list>Aggregate(where:)` beside an
//! embedded list, each a `count` and `sum`/`avg`/`min`/`max` objects over the entity's fields.

use fraiseql_sql::{
    Aggregated, Aggregation, ElementAggregate, Function, GroupField, GroupKey, Groups,
};

use super::*;
use crate::graphql::info::{aggregated, group_fields};
use crate::graphql::names::{aggregate_field, aggregate_values};
use crate::graphql::types::TRUNCATIONS;

/// One function's object: each key's target, or its `__typename`.
type Values = Vec<(Name, Result<Target, Name>)>;

const FUNCTIONS: [Function; 4] = [Function::Sum, Function::Avg, Function::Min, Function::Max];

impl<'e> Compiler<'e> {
    /// The aggregates the merged selections `subs` of a `<Type>Aggregate` object ask for, over
    /// rows (or elements) of entity `index` whose fields are read at `base`.
    pub(super) fn aggregation(
        &self,
        index: usize,
        subs: &[&'e [Selection<'e, S>]],
        base: &Base,
    ) -> Result<Aggregation, Failure> {
        let mut aggregation = Aggregation::new();
        for (key, group) in self.group(subs)? {
            let value = self.aggregate_value(index, &group, base, Derived::Aggregate)?;
            aggregation = aggregation.field(name_of(key)?, value);
        }
        Ok(aggregation)
    }

    /// One field (merged selections `group`) of the aggregate object `object` (the aggregate,
    /// or one of its groups) of entity `index`.
    fn aggregate_value(
        &self,
        index: usize,
        group: &[FieldNode<'e>],
        base: &Base,
        object: Derived,
    ) -> Result<Aggregated, Failure> {
        let descriptor = self.schema.entities[index].descriptor;
        Ok(match group[0].name {
            "__typename" => Aggregated::Typename(name_of(&object.of(descriptor.name))?),
            "count" => Aggregated::Count,
            "groups" if object == Derived::Aggregate => {
                Aggregated::Groups(Box::new(self.groups(index, group, base)?))
            }
            name => {
                let function = (FUNCTIONS.into_iter())
                    .find(|f| f.name() == name)
                    .ok_or_else(|| bad_input(format!("unknown aggregate {name}")))?;
                Aggregated::Values(function, self.aggregated(index, function, group, base)?)
            }
        })
    }

    /// `groups(groupBy: …) { keys { … } count … }`: the keys `groupBy` names, and each
    /// group's fields.
    fn groups(
        &self,
        index: usize,
        group: &[FieldNode<'e>],
        base: &Base,
    ) -> Result<Groups, Failure> {
        let descriptor = self.schema.entities[index].descriptor;
        let items = match self.argument(&group[0], "groupBy") {
            Some(InputValue::List(items)) => items.into_iter().map(|i| i.item).collect(),
            Some(single) => vec![single],
            None => Vec::new(),
        };
        let groupable = group_fields(self.schema, index);
        let mut keys = Vec::with_capacity(items.len());
        let mut grouped = Vec::with_capacity(items.len());
        for item in &items {
            let InputValue::Object(entries) = item else {
                return Err(bad_input("groupBy items are objects"));
            };
            let get = |name| enum_entry(entries, name);
            let value = get("field").ok_or_else(|| bad_input("groupBy needs a field"))?;
            let field = (groupable.iter())
                .find(|(name, _)| name == value)
                .map(|(_, field)| *field)
                .ok_or_else(|| {
                    bad_input(format!(
                        "{value} is not a field {} can be grouped by",
                        descriptor.name
                    ))
                })?;
            if let Some(refusal) = self.grants.refuse_field("group by", descriptor, field) {
                return Err(refusal);
            }
            let kind = match field.ty.non_null() {
                FieldType::Scalar(kind) => *kind,
                _ => ScalarKind::Text,
            };
            let truncate = match get("truncate") {
                None => None,
                Some(_) if !matches!(kind, ScalarKind::Date | ScalarKind::Timestamp) => {
                    return Err(bad_input(format!(
                        "{value} is not a date or timestamp: it cannot be truncated"
                    )));
                }
                Some(unit) => Some(
                    (TRUNCATIONS.iter())
                        .find(|(name, _)| *name == unit)
                        .map(|(_, truncate)| *truncate)
                        .ok_or_else(|| bad_input(format!("{unit} is not a DateTrunc")))?,
                ),
            };
            keys.push(GroupKey {
                target: field_at(base, field).target(Kind::Scalar(kind)),
                truncate,
                renames: renames(&field.ty).unwrap_or_default(),
            });
            grouped.push(field.name);
        }
        let mut fields = Vec::new();
        for (key, inner) in self.group(&Self::sub_selections(group))? {
            let value = if inner[0].name == "keys" {
                let mut names = Vec::new();
                for (name_key, name_group) in self.group(&Self::sub_selections(&inner))? {
                    let name = name_group[0].name;
                    let value = if name == "__typename" {
                        Err(name_of(&Derived::GroupKeys.of(descriptor.name))?)
                    } else {
                        Ok(grouped.iter().position(|field| *field == name))
                    };
                    names.push((name_of(name_key)?, value));
                }
                GroupField::Keys(names)
            } else {
                let object = Derived::AggregateGroup;
                GroupField::Aggregate(self.aggregate_value(index, &inner, base, object)?)
            };
            fields.push((name_of(key)?, value));
        }
        Ok(Groups { keys, fields })
    }

    /// The fields of one aggregate function's object (`sum { age }`).
    fn aggregated(
        &self,
        index: usize,
        function: Function,
        group: &[FieldNode<'e>],
        base: &Base,
    ) -> Result<Values, Failure> {
        let descriptor = self.schema.entities[index].descriptor;
        let mut values = Vec::new();
        for (key, fields) in self.group(&Self::sub_selections(group))? {
            let name = fields[0].name;
            if name == "__typename" {
                let typename = aggregate_values(function).of(descriptor.name);
                values.push((name_of(key)?, Err(name_of(&typename)?)));
                continue;
            }
            let field = descriptor
                .graphql_field(name)
                .filter(|field| aggregated(function, &field.ty).is_some())
                .ok_or_else(|| {
                    bad_input(format!(
                        "`{}` does not apply to {}.{name}",
                        function.name(),
                        descriptor.name
                    ))
                })?;
            // An aggregate shows values, as a filter does.
            if let Some(refusal) = self.grants.refuse_field("aggregate", descriptor, field) {
                return Err(refusal);
            }
            let FieldType::Scalar(kind) = field.ty.non_null() else {
                return Err(bad_input(format!("{name} cannot be aggregated")));
            };
            let target = field_at(base, field).target(Kind::Scalar(*kind));
            values.push((name_of(key)?, Ok(target)));
        }
        Ok(values)
    }

    /// `<list>Aggregate(where:)` on entity `parent`: the aggregates over the elements of its
    /// embedded list `<list>`; `None` when `name` is no such field.
    pub(super) fn element_aggregate(
        &self,
        parent: usize,
        name: &str,
        group: &[FieldNode<'e>],
    ) -> Result<Option<Projected>, Failure> {
        let descriptor = self.schema.entities[parent].descriptor;
        let Some(list) = (descriptor.fields.iter())
            .find(|field| aggregate_field(field.name) == name && field.ty.is_object_list())
        else {
            return Ok(None);
        };
        let Some(object) = list.ty.object() else {
            return Ok(None);
        };
        // Counting the elements shows how many there are.
        if let Some(refusal) = self.grants.refuse_field("aggregate", descriptor, list) {
            return Err(refusal);
        }
        let index = self.index_of(object)?;
        let filter = self.element_filter(index, &group[0])?;
        let aggregation =
            self.aggregation(index, &Self::sub_selections(group), &Base::element())?;
        Ok(Some(Projected::Aggregate(Box::new(ElementAggregate {
            path: fraiseql_sql::JsonPath::parse(list.source.key()).map_err(bad_input)?,
            filter,
            aggregation,
        }))))
    }
}
