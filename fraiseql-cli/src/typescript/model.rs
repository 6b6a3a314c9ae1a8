//! The part of a GraphQL schema (read from its SDL) TypeScript generation needs: each type's
//! kind, fields and members, in the order the SDL defines them.

use std::collections::HashMap;

use graphql_parser::schema::{Definition, Type, TypeDefinition};

use crate::error::{CliError, Result};

/// A field's or variable's GraphQL type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A named type, nullable.
    Named(String),
    /// A list, nullable.
    List(Box<TypeRef>),
    /// The non-null form of the inner type.
    NonNull(Box<TypeRef>),
}

impl TypeRef {
    /// Converts graphql-parser's type.
    pub fn from_ast(ty: &Type<'_, String>) -> TypeRef {
        match ty {
            Type::NamedType(name) => TypeRef::Named(name.clone()),
            Type::ListType(inner) => TypeRef::List(Box::new(TypeRef::from_ast(inner))),
            Type::NonNullType(inner) => TypeRef::NonNull(Box::new(TypeRef::from_ast(inner))),
        }
    }

    /// The named type at the bottom.
    pub fn name(&self) -> &str {
        match self {
            TypeRef::Named(name) => name,
            TypeRef::List(inner) | TypeRef::NonNull(inner) => inner.name(),
        }
    }
}

/// A field of an object, interface or input object.
#[derive(Debug)]
pub struct FieldDef {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Its description.
    pub description: Option<String>,
}

/// What a named type is.
#[derive(Debug)]
pub enum Kind {
    /// A scalar (built-in or custom).
    Scalar,
    /// An object type, with the interfaces it implements.
    Object(Vec<FieldDef>, Vec<String>),
    /// An interface.
    Interface(Vec<FieldDef>),
    /// A union of object types.
    Union(Vec<String>),
    /// An enum and its values.
    Enum(Vec<String>),
    /// An input object.
    Input(Vec<FieldDef>),
}

/// A named type.
#[derive(Debug)]
pub struct TypeDef {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// What it is.
    pub kind: Kind,
}

/// A schema: its types in SDL order, and its root types.
#[derive(Debug)]
pub struct Model {
    /// The types, in the order the SDL defines them.
    pub types: Vec<TypeDef>,
    index: HashMap<String, usize>,
    /// The query root type's name.
    pub query: String,
    /// The mutation root type's name, if any.
    pub mutation: Option<String>,
    /// The subscription root type's name, if any.
    pub subscription: Option<String>,
}

/// GraphQL's built-in scalars.
pub const BUILT_IN_SCALARS: [&str; 5] = ["ID", "String", "Int", "Float", "Boolean"];

impl Model {
    /// Reads an SDL document; a syntax error is an input error naming `origin`.
    pub fn parse(sdl: &str, origin: &str) -> Result<Model> {
        let document = graphql_parser::parse_schema::<String>(sdl)
            .map_err(|e| CliError::Input(format!("{origin}: not a GraphQL schema: {e}")))?;
        let fields = |fields: &[graphql_parser::schema::Field<'_, String>]| {
            (fields.iter())
                .map(|f| FieldDef {
                    name: f.name.clone(),
                    ty: TypeRef::from_ast(&f.field_type),
                    description: f.description.clone(),
                })
                .collect::<Vec<_>>()
        };
        let mut model = Model {
            types: Vec::new(),
            index: HashMap::new(),
            query: "Query".into(),
            mutation: None,
            subscription: None,
        };
        let mut roots_given = false;
        for name in BUILT_IN_SCALARS {
            model.push(TypeDef {
                name: name.into(),
                description: None,
                kind: Kind::Scalar,
            });
        }
        for definition in &document.definitions {
            let ty = match definition {
                Definition::SchemaDefinition(schema) => {
                    roots_given = true;
                    model.query = schema.query.clone().unwrap_or_else(|| "Query".into());
                    model.mutation = schema.mutation.clone();
                    model.subscription = schema.subscription.clone();
                    continue;
                }
                Definition::TypeDefinition(ty) => ty,
                Definition::TypeExtension(_) | Definition::DirectiveDefinition(_) => continue,
            };
            let (name, description, kind) = match ty {
                TypeDefinition::Scalar(t) => (&t.name, &t.description, Kind::Scalar),
                TypeDefinition::Object(t) => (
                    &t.name,
                    &t.description,
                    Kind::Object(fields(&t.fields), t.implements_interfaces.clone()),
                ),
                TypeDefinition::Interface(t) => {
                    (&t.name, &t.description, Kind::Interface(fields(&t.fields)))
                }
                TypeDefinition::Union(t) => (&t.name, &t.description, Kind::Union(t.types.clone())),
                TypeDefinition::Enum(t) => (
                    &t.name,
                    &t.description,
                    Kind::Enum(t.values.iter().map(|v| v.name.clone()).collect()),
                ),
                TypeDefinition::InputObject(t) => {
                    let fields = (t.fields.iter())
                        .map(|f| FieldDef {
                            // A field with a default value may be left out.
                            ty: match (&f.default_value, TypeRef::from_ast(&f.value_type)) {
                                (Some(_), TypeRef::NonNull(inner)) => *inner,
                                (_, ty) => ty,
                            },
                            name: f.name.clone(),
                            description: f.description.clone(),
                        })
                        .collect();
                    (&t.name, &t.description, Kind::Input(fields))
                }
            };
            if model.index.contains_key(name) && !BUILT_IN_SCALARS.contains(&name.as_str()) {
                return Err(CliError::Input(format!(
                    "{origin}: the type {name} is defined twice"
                )));
            }
            model.push(TypeDef {
                name: name.clone(),
                description: description.clone(),
                kind,
            });
        }
        if !roots_given && model.get("Mutation").is_some() {
            model.mutation = Some("Mutation".into());
        }
        if !matches!(
            model.get(&model.query).map(|t| &t.kind),
            Some(Kind::Object(..))
        ) {
            return Err(CliError::Input(format!(
                "{origin}: the schema has no query type {}",
                model.query
            )));
        }
        Ok(model)
    }

    fn push(&mut self, ty: TypeDef) {
        match self.index.get(&ty.name) {
            Some(&i) => self.types[i] = ty,
            None => {
                self.index.insert(ty.name.clone(), self.types.len());
                self.types.push(ty);
            }
        }
    }

    /// The type named `name`.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// The object types a value of type `name` can be: itself for an object, the members of a
    /// union, the objects implementing an interface.
    pub fn possible_types(&self, name: &str) -> Vec<&str> {
        match self.get(name).map(|t| &t.kind) {
            Some(Kind::Object(..)) => vec![self.get(name).map_or("", |t| t.name.as_str())],
            Some(Kind::Union(members)) => members.iter().map(String::as_str).collect(),
            Some(Kind::Interface(_)) => (self.types.iter())
                .filter(|t| matches!(&t.kind, Kind::Object(_, interfaces) if interfaces.iter().any(|i| i == name)))
                .map(|t| t.name.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether a fragment on `condition` applies to an object of type `object`.
    pub fn applies(&self, condition: &str, object: &str) -> bool {
        condition == object || self.possible_types(condition).contains(&object)
    }
}
