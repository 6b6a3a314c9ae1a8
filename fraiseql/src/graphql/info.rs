//! The schema's run-time description: every type the registered roots reach, with GraphQL names
//! chosen by convention. juniper's `TypeInfo` values point into it.

use std::sync::Arc;

use fraiseql_sql::{Function, Name, OrderBy, ScalarKind};

use super::mutation_field::{MutationField, MutationInfo};
use super::names::screaming;
use crate::descriptor::{EnumDescriptor, FieldType, TypeDescriptor};
use crate::error::{Error, Result};
pub use crate::limits::Limits;

/// One entity type served as a GraphQL object.
#[derive(Debug)]
pub(crate) struct Entity {
    pub descriptor: &'static TypeDescriptor,
    /// Root field names, when the type is queryable at the root.
    pub roots: Option<RootNames>,
    /// The order of its lists and connections that ask for none (the key follows it): the
    /// schema builder's [`default_order`](super::SchemaBuilder::default_order), else the type's
    /// `#[fraiseql(default_order = "…")]`, else nothing (the key alone).
    pub default_order: Vec<OrderBy>,
}

/// Names of an entity's root fields (`None`: not served).
#[derive(Debug, Clone)]
pub(crate) struct RootNames {
    pub one: Option<String>,
    pub list: Option<String>,
    pub connection: Option<String>,
    pub aggregate: Option<String>,
}

/// Which root fields a type gets, and their names.
///
/// ```
/// use fraiseql::graphql::RootFields;
/// // `people(...)` instead of `users(...)`, no `usersConnection`.
/// let fields = RootFields::new().list("people").without_connection();
/// # let _ = fields;
/// ```
#[derive(Debug, Clone, Default)]
pub struct RootFields {
    one: Naming,
    list: Naming,
    connection: Naming,
    aggregate: Naming,
}

#[derive(Debug, Clone, Default)]
enum Naming {
    #[default]
    Conventional,
    Renamed(String),
    Disabled,
}

impl RootFields {
    /// All four, conventionally named (`user`, `users`, `usersConnection`, `usersAggregate`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the single-object field.
    pub fn one(mut self, name: &str) -> Self {
        self.one = Naming::Renamed(name.to_owned());
        self
    }

    /// Renames the list field.
    pub fn list(mut self, name: &str) -> Self {
        self.list = Naming::Renamed(name.to_owned());
        self
    }

    /// Renames the connection field.
    pub fn connection(mut self, name: &str) -> Self {
        self.connection = Naming::Renamed(name.to_owned());
        self
    }

    /// Renames the aggregate field.
    pub fn aggregate(mut self, name: &str) -> Self {
        self.aggregate = Naming::Renamed(name.to_owned());
        self
    }

    /// No aggregate field.
    pub fn without_aggregate(mut self) -> Self {
        self.aggregate = Naming::Disabled;
        self
    }

    /// No single-object field.
    pub fn without_one(mut self) -> Self {
        self.one = Naming::Disabled;
        self
    }

    /// No list field.
    pub fn without_list(mut self) -> Self {
        self.list = Naming::Disabled;
        self
    }

    /// No connection field.
    pub fn without_connection(mut self) -> Self {
        self.connection = Naming::Disabled;
        self
    }
}

/// Everything a schema serves: the run-time type information behind its juniper types.
#[derive(Debug)]
pub struct SchemaInfo {
    pub(crate) entities: Vec<Entity>,
    pub(crate) enums: Vec<&'static EnumDescriptor>,
    pub(crate) limits: Limits,
    pub(crate) mutations: Vec<MutationInfo>,
    /// Every role a served type, field or mutation requires, sorted, each once.
    pub(crate) roles: Vec<String>,
}

pub(crate) type Shared = Arc<SchemaInfo>;

impl SchemaInfo {
    /// The schema for `roots` and every type they embed.
    pub(crate) fn new(
        roots: &[(&'static TypeDescriptor, RootFields)],
        limits: Limits,
        mutations: &[MutationField],
    ) -> Result<Self> {
        let mut info = SchemaInfo {
            entities: Vec::new(),
            enums: Vec::new(),
            limits,
            mutations: Vec::new(),
            roles: Vec::new(),
        };
        for (root, fields) in roots {
            let index = info.add_entity(root)?;
            let names = RootNames::for_type(root.name, fields)?;
            info.entities[index].roots = Some(names);
        }
        for field in mutations {
            let entity = info.add_entity(MutationInfo::entity_descriptor(field))?;
            let mutation = MutationInfo::new(field, entity)?;
            if info.mutations.iter().any(|m| m.name == mutation.name) {
                return Err(Error::BadInput(format!(
                    "two mutations are named {}",
                    mutation.name
                )));
            }
            info.mutations.push(mutation);
        }
        info.roles = info.required_roles();
        let mut seen = std::collections::HashSet::new();
        for entity in &info.entities {
            if let Some(names) = &entity.roots {
                for name in [&names.one, &names.list, &names.connection, &names.aggregate]
                    .into_iter()
                    .flatten()
                {
                    if !seen.insert(name.clone()) {
                        return Err(Error::BadInput(format!("two root fields are named {name}")));
                    }
                }
            }
        }
        Ok(info)
    }

    /// Adds `descriptor` and the types its fields reach, once each. Types are told apart by
    /// descriptor, not name: two types with one name are refused by the clash check (`clash.rs`).
    fn add_entity(&mut self, descriptor: &'static TypeDescriptor) -> Result<usize> {
        if let Some(index) = self
            .entities
            .iter()
            .position(|e| std::ptr::eq(e.descriptor, descriptor))
        {
            return Ok(index);
        }
        Name::defined(descriptor.name).map_err(|e| Error::BadInput(e.to_string()))?;
        self.entities.push(Entity {
            descriptor,
            roots: None,
            default_order: descriptor.default_order_by()?,
        });
        let index = self.entities.len() - 1;
        for field in descriptor.fields {
            self.add_field_type(&field.ty)?;
        }
        Ok(index)
    }

    fn add_field_type(&mut self, ty: &FieldType) -> Result<()> {
        match ty {
            FieldType::Scalar(_) => Ok(()),
            FieldType::Enum(descriptor) => {
                let descriptor = descriptor();
                if !self.enums.iter().any(|e| std::ptr::eq(*e, descriptor)) {
                    self.enums.push(descriptor);
                }
                Ok(())
            }
            FieldType::Object(descriptor) => self.add_entity(descriptor()).map(drop),
            FieldType::Input(descriptor) => Err(Error::BadInput(format!(
                "the input {} cannot be part of an output type",
                descriptor().name
            ))),
            FieldType::Nullable(inner) | FieldType::List(inner) => self.add_field_type(inner),
        }
    }

    /// Every role the served types, their fields and the mutations require.
    fn required_roles(&self) -> Vec<String> {
        let types = self.entities.iter().map(|e| e.descriptor);
        let fields = types
            .clone()
            .flat_map(|d| d.fields.iter().map(|f| f.requires));
        let named = (types.flat_map(|d| d.requires.iter()))
            .chain(fields.flatten())
            .map(|role| (*role).to_owned());
        let mutations = self
            .mutations
            .iter()
            .flat_map(|m| m.requires.iter().cloned());
        let roles: std::collections::BTreeSet<String> = named.chain(mutations).collect();
        roles.into_iter().collect()
    }

    /// Refuses a default order of `entity` by a field that requires a role: every request would
    /// see its order, and connection cursors its values.
    pub(crate) fn check_default_order(&self, entity: usize) -> Result<()> {
        let entity = &self.entities[entity];
        let descriptor = entity.descriptor;
        let restricted = (descriptor.fields.iter())
            .filter(|field| !field.requires.is_empty())
            .find(|field| {
                let target = field.order_target();
                (entity.default_order.iter()).any(|key| target.as_ref() == Some(key.target()))
            });
        match restricted {
            Some(field) => Err(Error::BadInput(format!(
                "the default order of {} sorts by {}, which requires a role: every request would see its order, and connection cursors its values",
                descriptor.name, field.name
            ))),
            None => Ok(()),
        }
    }

    pub(crate) fn entity_index(&self, name: &str) -> Option<usize> {
        self.entities.iter().position(|e| e.descriptor.name == name)
    }
}

impl RootNames {
    /// `User` → `user`, `users`, `usersConnection`, `usersAggregate`, with `fields` applied.
    fn for_type(type_name: &str, fields: &RootFields) -> Result<Self> {
        let mut chars = type_name.chars();
        let one: String = chars
            .next()
            .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
            .unwrap_or_default();
        let list = plural(&one);
        let connection = format!("{list}Connection");
        let aggregate = super::names::aggregate_field(&list);
        let pick = |naming: &Naming, conventional: String| -> Result<Option<String>> {
            Ok(match naming {
                Naming::Conventional => Some(conventional),
                Naming::Renamed(name) => {
                    Name::defined(name).map_err(|e| Error::BadInput(e.to_string()))?;
                    Some(name.clone())
                }
                Naming::Disabled => None,
            })
        };
        Ok(Self {
            one: pick(&fields.one, one)?,
            list: pick(&fields.list, list)?,
            connection: pick(&fields.connection, connection)?,
            aggregate: pick(&fields.aggregate, aggregate)?,
        })
    }
}

fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        return format!("{word}es");
    }
    format!("{word}s")
}

/// The kind of `function`'s result over a field of type `ty`, when the function applies to it
/// (a scalar, not a list): sums of integers are `BigInt` (of `bigint`s and decimals `Decimal`),
/// averages `Decimal` (of floats `Float`), the smallest and largest the field's own kind.
pub(crate) fn aggregated(function: Function, ty: &FieldType) -> Option<ScalarKind> {
    let FieldType::Scalar(kind) = ty.non_null() else {
        return None;
    };
    let kind = *kind;
    if !function.applies_to(kind) {
        return None;
    }
    Some(match (function, kind) {
        (Function::Sum, ScalarKind::Int) => ScalarKind::BigInt,
        (Function::Sum | Function::Avg, ScalarKind::Float) => ScalarKind::Float,
        (Function::Sum | Function::Avg, _) => ScalarKind::Numeric,
        (Function::Min | Function::Max, kind) => kind,
    })
}

/// The fields of entity `index` that `function` applies to, with its result's kind.
pub(crate) fn aggregated_fields(
    schema: &SchemaInfo,
    index: usize,
    function: Function,
) -> Vec<(&'static crate::descriptor::FieldDescriptor, ScalarKind)> {
    (schema.entities[index].descriptor.fields.iter())
        .filter_map(|field| Some((field, aggregated(function, &field.ty)?)))
        .collect()
}

/// The fields of entity `index` its aggregates can be grouped by, as `(ENUM_VALUE, field)`:
/// enums, booleans, text, dates and timestamps (not lists).
pub(crate) fn group_fields(
    schema: &SchemaInfo,
    index: usize,
) -> Vec<(String, &'static crate::descriptor::FieldDescriptor)> {
    (schema.entities[index].descriptor.fields.iter())
        .filter(|field| match field.ty.non_null() {
            FieldType::Enum(_) => true,
            FieldType::Scalar(kind) => matches!(
                kind,
                ScalarKind::Bool | ScalarKind::Text | ScalarKind::Date | ScalarKind::Timestamp
            ),
            _ => false,
        })
        .map(|field| (screaming(field.name), field))
        .collect()
}

/// The sortable fields of an entity, as `(ENUM_VALUE, field index)`.
pub(crate) fn order_fields(schema: &SchemaInfo, index: usize) -> Vec<(String, usize)> {
    let descriptor = schema.entities[index].descriptor;
    descriptor
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| match field.ty.non_null() {
            FieldType::Scalar(kind) => kind.is_sortable(),
            FieldType::Enum(_) => true,
            _ => false,
        })
        .map(|(i, field)| (screaming(field.name), i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_names() {
        let names = |t| RootNames::for_type(t, &RootFields::new()).unwrap();
        assert_eq!(names("Category").one.as_deref(), Some("category"));
        assert_eq!(names("Category").list.as_deref(), Some("categories"));
        assert_eq!(names("User").connection.as_deref(), Some("usersConnection"));
        assert_eq!(
            names("Category").aggregate.as_deref(),
            Some("categoriesAggregate")
        );
        let renamed = RootFields::new().aggregate("stats").without_list();
        let names_renamed = RootNames::for_type("User", &renamed).unwrap();
        assert_eq!(names_renamed.aggregate.as_deref(), Some("stats"));
        assert_eq!(names_renamed.list, None);
        let without = RootNames::for_type("User", &RootFields::new().without_aggregate()).unwrap();
        assert_eq!(without.aggregate, None);
        assert_eq!(names("Box").list.as_deref(), Some("boxes"));
        assert_eq!(names("Day").list.as_deref(), Some("days"));
        let custom = RootFields::new().list("people").without_connection();
        let names = RootNames::for_type("User", &custom).unwrap();
        assert_eq!(names.one.as_deref(), Some("user"));
        assert_eq!(names.list.as_deref(), Some("people"));
        assert_eq!(names.connection, None);
        assert!(RootNames::for_type("User", &RootFields::new().one("bad-name")).is_err());
    }
}
