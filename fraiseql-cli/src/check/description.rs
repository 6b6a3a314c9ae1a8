//! The schema description an application prints (`fraiseql::graphql::describe`, format
//! version 1), read back.

use serde::Deserialize;

use crate::error::{CliError, Result};

/// What the Rust types read from the database.
#[derive(Debug, Deserialize)]
pub struct Description {
    /// The format's version.
    pub version: u32,
    /// Every type the schema serves.
    pub entities: Vec<Entity>,
    /// Every enum, with its stored values.
    pub enums: Vec<Enum>,
    /// Every mutation.
    pub mutations: Vec<Mutation>,
}

/// A `FraiseType`.
#[derive(Debug, Deserialize)]
pub struct Entity {
    /// GraphQL name.
    pub name: String,
    /// The relation it is read from.
    pub relation: String,
    /// The document column.
    pub data: String,
    /// The public key column.
    pub key: String,
    /// The human key column.
    pub identifier: Option<String>,
    /// Served at the root (read from its relation), not only embedded.
    pub root: bool,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// A field of an entity.
#[derive(Debug, Deserialize)]
pub struct Field {
    /// GraphQL name.
    pub name: String,
    /// `document` or `column`.
    pub source: String,
    /// The document key or column.
    pub key: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Ty,
}

/// A field's type.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ty {
    /// A scalar, by its SQL type (`text`, `integer`, …).
    Scalar(String),
    /// An enum, by name.
    Enum(String),
    /// An embedded object, by name.
    Object(String),
    /// An input object (only in inputs).
    Input(serde::de::IgnoredAny),
    /// A list.
    List(Box<Ty>),
    /// May be null or absent.
    Nullable(Box<Ty>),
}

/// An enum.
#[derive(Debug, Deserialize)]
pub struct Enum {
    /// GraphQL name.
    pub name: String,
    /// The texts stored in documents.
    pub values: Vec<String>,
}

/// A mutation.
#[derive(Debug, Deserialize)]
pub struct Mutation {
    /// GraphQL field name.
    pub name: String,
    /// The function it calls, as SQL (quoted identifiers).
    pub function: String,
}

impl Description {
    /// Reads a description; `origin` names where it came from in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Description> {
        let description: Description = serde_json::from_str(text).map_err(|e| {
            CliError::Input(format!("{origin}: not a fraiseql schema description: {e}"))
        })?;
        if description.version != 1 {
            return Err(CliError::Input(format!(
                "{origin}: description format version {} (this fraiseql reads version 1)",
                description.version
            )));
        }
        Ok(description)
    }

    /// The entity named `name`.
    pub fn entity(&self, name: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.name == name)
    }

    /// The stored values of the enum named `name`.
    pub fn enum_values(&self, name: &str) -> Option<&[String]> {
        (self.enums.iter().find(|e| e.name == name)).map(|e| e.values.as_slice())
    }
}
