//! The schema's run-time description: every type the registered roots reach, with GraphQL names
//! chosen by convention. juniper's `TypeInfo` values point into it.

use std::sync::Arc;

use fraiseql_sql::{Name, ScalarKind};

use crate::descriptor::{EnumDescriptor, FieldType, TypeDescriptor};
use crate::error::{Error, Result};

/// Default and maximum page sizes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Rows returned when a list or connection asks for no size.
    pub default_page_size: u32,
    /// The largest `limit` / `first` / `last` accepted.
    pub max_page_size: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default_page_size: 100,
            max_page_size: 1000,
        }
    }
}

/// One entity type served as a GraphQL object.
#[derive(Debug)]
pub(crate) struct Entity {
    pub descriptor: &'static TypeDescriptor,
    /// Root field names, when the type is queryable at the root.
    pub roots: Option<RootNames>,
}

/// Names of an entity's root fields.
#[derive(Debug, Clone)]
pub(crate) struct RootNames {
    pub one: String,
    pub list: String,
    pub connection: String,
}

/// Everything a schema serves: the run-time type information behind its juniper types.
#[derive(Debug)]
pub struct SchemaInfo {
    pub(crate) entities: Vec<Entity>,
    pub(crate) enums: Vec<&'static EnumDescriptor>,
    pub(crate) limits: Limits,
}

pub(crate) type Shared = Arc<SchemaInfo>;

impl SchemaInfo {
    /// The schema for `roots` and every type they embed.
    pub(crate) fn new(roots: &[&'static TypeDescriptor], limits: Limits) -> Result<Self> {
        let mut info = SchemaInfo {
            entities: Vec::new(),
            enums: Vec::new(),
            limits,
        };
        for root in roots {
            let index = info.add_entity(root)?;
            let names = RootNames::for_type(root.name);
            info.entities[index].roots = Some(names);
        }
        let mut seen = std::collections::HashSet::new();
        for entity in &info.entities {
            if let Some(names) = &entity.roots {
                for name in [&names.one, &names.list, &names.connection] {
                    if !seen.insert(name.clone()) {
                        return Err(Error::BadInput(format!("two root fields are named {name}")));
                    }
                }
            }
        }
        Ok(info)
    }

    fn add_entity(&mut self, descriptor: &'static TypeDescriptor) -> Result<usize> {
        if let Some(index) = self.entity_index(descriptor.name) {
            return Ok(index);
        }
        Name::new(descriptor.name).map_err(|e| Error::BadInput(e.to_string()))?;
        self.entities.push(Entity {
            descriptor,
            roots: None,
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
                if !self.enums.iter().any(|e| e.name == descriptor.name) {
                    self.enums.push(descriptor);
                }
                Ok(())
            }
            FieldType::Object(descriptor) => self.add_entity(descriptor()).map(drop),
            FieldType::Nullable(inner) | FieldType::List(inner) => self.add_field_type(inner),
        }
    }

    pub(crate) fn entity_index(&self, name: &str) -> Option<usize> {
        self.entities.iter().position(|e| e.descriptor.name == name)
    }
}

impl RootNames {
    /// `User` → `user`, `users`, `usersConnection`.
    fn for_type(type_name: &str) -> Self {
        let mut chars = type_name.chars();
        let one: String = chars
            .next()
            .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
            .unwrap_or_default();
        let list = plural(&one);
        Self {
            connection: format!("{list}Connection"),
            one,
            list,
        }
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

/// The GraphQL scalar serving a kind.
pub(crate) fn scalar_name(kind: ScalarKind) -> &'static str {
    match kind {
        ScalarKind::Bool => "Boolean",
        ScalarKind::Int => "Int",
        ScalarKind::BigInt => "BigInt",
        ScalarKind::Float => "Float",
        ScalarKind::Numeric => "Decimal",
        ScalarKind::Text => "String",
        ScalarKind::Uuid => "UUID",
        ScalarKind::Date => "Date",
        ScalarKind::Timestamp => "DateTime",
        ScalarKind::Json => "JSON",
    }
}

/// The filter input type for a scalar kind (`StringFilter`, `IntFilter`, …).
pub(crate) fn filter_name(kind: ScalarKind) -> String {
    format!("{}Filter", scalar_name(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_names() {
        let names = RootNames::for_type("Category");
        assert_eq!(
            (names.one.as_str(), names.list.as_str()),
            ("category", "categories")
        );
        assert_eq!(RootNames::for_type("User").connection, "usersConnection");
        assert_eq!(RootNames::for_type("Box").list, "boxes");
        assert_eq!(RootNames::for_type("Day").list, "days");
    }
}
