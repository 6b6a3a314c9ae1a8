//! Every GraphQL type name a schema defines, and what defines it. juniper's registry keeps the
//! first type registered under a name and silently drops any other, so two definitions of one
//! name — an input named like an entity, an entity named like a mutation's result, two Rust
//! types with one GraphQL name — would serve a schema other than the one written. They are
//! refused when the schema is built.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use fraiseql_sql::ScalarKind;

use super::info::{SchemaInfo, order_fields};
use super::names::{
    COMBINATORS, DATE_TRUNC, Derived, FIELD_ERROR, MUTATION, NULLS_ORDER, PAGE_INFO, QUERY,
    SORT_DIRECTION, scalar_name,
};
use crate::descriptor::{EnumDescriptor, FieldType, InputDescriptor, TypeDescriptor};
use crate::error::{Error, Result};

/// Every scalar kind: each has a scalar and filter inputs, whether used or not.
const KINDS: [ScalarKind; 10] = [
    ScalarKind::Bool,
    ScalarKind::Int,
    ScalarKind::BigInt,
    ScalarKind::Float,
    ScalarKind::Numeric,
    ScalarKind::Text,
    ScalarKind::Uuid,
    ScalarKind::Date,
    ScalarKind::Timestamp,
    ScalarKind::Json,
];

/// The types fraiseql itself defines.
const LIBRARY: [&str; 8] = [
    QUERY,
    MUTATION,
    "ID",
    PAGE_INFO,
    SORT_DIRECTION,
    NULLS_ORDER,
    FIELD_ERROR,
    DATE_TRUNC,
];

/// Who defines a type: the same definer may claim a name twice (a type reached twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Definer {
    Library,
    Entity(*const TypeDescriptor),
    Enum(*const EnumDescriptor),
    Input(*const InputDescriptor),
    Mutation(usize),
}

#[derive(Default)]
struct Names(HashMap<String, (Definer, String)>);

impl Names {
    fn claim(
        &mut self,
        name: String,
        definer: Definer,
        what: impl FnOnce() -> String,
    ) -> Result<()> {
        match self.0.entry(name) {
            Entry::Vacant(slot) => {
                slot.insert((definer, what()));
                Ok(())
            }
            Entry::Occupied(taken) if taken.get().0 == definer => Ok(()),
            Entry::Occupied(taken) => Err(Error::BadInput(format!(
                "two GraphQL types are named {}: {} and {}; rename one",
                taken.key(),
                taken.get().1,
                what()
            ))),
        }
    }

    fn entity(&mut self, entity: &'static TypeDescriptor) -> Result<()> {
        let definer = Definer::Entity(entity);
        let name = entity.name;
        self.claim(name.to_owned(), definer, || {
            format!("the type {name} (read from {})", entity.view)
        })?;
        for (derived, what) in Derived::OF_ENTITY {
            self.claim(derived.of(name), definer, || {
                format!("the {what} of {name}")
            })?;
        }
        Ok(())
    }

    fn enumeration(&mut self, enumeration: &'static EnumDescriptor) -> Result<()> {
        let definer = Definer::Enum(enumeration);
        let name = enumeration.name;
        self.claim(name.to_owned(), definer, || format!("the enum {name}"))?;
        for derived in Derived::OF_VALUE {
            self.claim(derived.of(name), definer, || {
                format!("the filter input of the enum {name}")
            })?;
        }
        Ok(())
    }

    /// `input` and the inputs and enums its fields use.
    fn input(&mut self, input: &'static InputDescriptor) -> Result<()> {
        let definer = Definer::Input(input);
        if self.0.get(input.name).is_some_and(|(d, _)| *d == definer) {
            return Ok(()); // reached before (inputs may nest each other)
        }
        let name = input.name;
        self.claim(name.to_owned(), definer, || format!("the input {name}"))?;
        for field in input.fields {
            self.field_type(&field.ty)?;
        }
        Ok(())
    }

    fn field_type(&mut self, ty: &FieldType) -> Result<()> {
        match ty {
            FieldType::Scalar(_) | FieldType::Object(_) => Ok(()),
            FieldType::Enum(descriptor) => self.enumeration(descriptor()),
            FieldType::Input(descriptor) => self.input(descriptor()),
            FieldType::Nullable(inner) | FieldType::List(inner) => self.field_type(inner),
        }
    }
}

/// Refuses a schema in which two different things would have one GraphQL type name.
pub(crate) fn check(info: &SchemaInfo) -> Result<()> {
    claims(info).map(drop)
}

/// Every type name the schema defines (a test checks juniper registers no other).
#[cfg(test)]
pub(crate) fn claimed(info: &SchemaInfo) -> std::collections::HashSet<String> {
    claims(info).expect("no clash").0.into_keys().collect()
}

fn claims(info: &SchemaInfo) -> Result<Names> {
    let mut names = Names::default();
    for name in LIBRARY {
        names.claim(name.to_owned(), Definer::Library, || {
            format!("fraiseql's {name}")
        })?;
    }
    for kind in KINDS {
        let scalar = scalar_name(kind);
        names.claim(scalar.to_owned(), Definer::Library, || {
            format!("the scalar {scalar}")
        })?;
        for derived in Derived::OF_VALUE {
            names.claim(derived.of(scalar), Definer::Library, || {
                format!("the filter input of {scalar}")
            })?;
        }
    }
    for (index, entity) in info.entities.iter().enumerate() {
        names.entity(entity.descriptor)?;
        generated_members(info, index)?;
    }
    for enumeration in &info.enums {
        names.enumeration(enumeration)?;
    }
    for (index, mutation) in info.mutations.iter().enumerate() {
        let definer = Definer::Mutation(index);
        let field = &mutation.name;
        for (derived, what) in Derived::OF_MUTATION {
            names.claim(derived.of(&mutation.prefix), definer, || {
                format!("the {what} type of the mutation {field}")
            })?;
        }
        names.input((mutation.input)())?;
    }
    Ok(names)
}

/// An entity's fields fit the types generated for it: none is named like one of the filter
/// input's own fields, and no two become one `OrderField` value (`abC` and `ab_c`: `AB_C`).
fn generated_members(info: &SchemaInfo, index: usize) -> Result<()> {
    let descriptor = info.entities[index].descriptor;
    let fields = descriptor.fields;
    if let Some(field) = fields.iter().find(|f| COMBINATORS.contains(&f.name)) {
        return Err(Error::BadInput(format!(
            "{}.{}: _and, _or and _not are fields of the filter input {}WhereInput; rename the field",
            descriptor.name, field.name, descriptor.name
        )));
    }
    let mut values: HashMap<String, usize> = HashMap::new();
    for (value, field) in order_fields(info, index) {
        if let Some(first) = values.insert(value.clone(), field) {
            return Err(Error::BadInput(format!(
                "{}.{} and {}.{} would both be the order field {value}; rename one",
                descriptor.name, fields[first].name, descriptor.name, fields[field].name
            )));
        }
    }
    Ok(())
}
