//! The mutations a schema serves: each a field calling a PostgreSQL function with its input as
//! `jsonb`, its names resolved when the schema is built, and the catalog check of the functions.

use fraiseql_sql::{Name, QualifiedName};

use super::names::{Derived, screaming};
use crate::descriptor::{InputDescriptor, TypeDescriptor};
use crate::error::{Error, Result};
use crate::field::{FraiseInput, FraiseType};

/// A mutation to serve: its GraphQL field, its input and entity types, and the PostgreSQL
/// function behind it.
///
/// ```
/// # use fraiseql::{FraiseInput, FraiseType, graphql::{MutationField, SchemaBuilder}};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
/// # #[derive(FraiseInput)] struct CreateUserInput { name: String }
/// let schema = SchemaBuilder::new()
///     .query::<User>()
///     .mutation_with(MutationField::new::<CreateUserInput, User>("createUser").function("app.fn_new_user"))
///     .build()?;
/// assert!(schema.as_sdl().contains("createUser(input: CreateUserInput!): CreateUserResult!"));
/// # Ok::<(), fraiseql::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MutationField {
    name: String,
    function: Option<String>,
    input: fn() -> &'static InputDescriptor,
    entity: &'static TypeDescriptor,
    requires: Vec<String>,
}

impl MutationField {
    /// The field `name`, taking `I` as `input` and answering with a `T` on success; the
    /// function is `fn_<snake_case(name)>` (`createUser` → `fn_create_user`).
    pub fn new<I: FraiseInput, T: FraiseType>(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            function: None,
            input: I::descriptor,
            entity: T::descriptor(),
            requires: Vec::new(),
        }
    }

    /// Calls `function` (optionally schema-qualified) instead.
    pub fn function(mut self, function: &str) -> Self {
        self.function = Some(function.to_owned());
        self
    }

    /// Serves the mutation only to requests holding one of `roles`
    /// ([`RequestContext::roles`](crate::RequestContext::roles)); any other request is refused
    /// with `FORBIDDEN` before the function is called. Role names are not empty and hold no
    /// comma (`build` refuses them).
    ///
    /// ```
    /// # use fraiseql::{FraiseInput, FraiseType, graphql::{MutationField, SchemaBuilder}};
    /// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
    /// # #[derive(FraiseInput)] struct DeleteUserInput { id: uuid::Uuid }
    /// let delete = MutationField::new::<DeleteUserInput, User>("deleteUser").requires(["admin"]);
    /// let schema = SchemaBuilder::new().query::<User>().mutation_with(delete).build()?;
    /// # let _ = schema;
    /// # Ok::<(), fraiseql::Error>(())
    /// ```
    pub fn requires<R: AsRef<str>>(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.requires = roles.into_iter().map(|r| r.as_ref().to_owned()).collect();
        self
    }
}

/// A served mutation, with its names resolved.
#[derive(Debug)]
pub(crate) struct MutationInfo {
    /// The field name (`createUser`).
    pub name: String,
    /// The result types' prefix (`CreateUser`).
    pub prefix: String,
    pub function: QualifiedName,
    pub input: fn() -> &'static InputDescriptor,
    /// The entity's index in the schema's entities.
    pub entity: usize,
    /// The success object's field holding the entity (`user`).
    pub entity_field: String,
    /// The roles that may call it, any one of them (empty: every request).
    pub requires: Vec<String>,
}

impl MutationInfo {
    pub(crate) fn new(field: &MutationField, entity: usize) -> Result<Self> {
        let invalid = |e: fraiseql_sql::Error| Error::BadInput(e.to_string());
        Name::defined(&field.name).map_err(invalid)?;
        if let Some(role) = (field.requires.iter()).find(|r| r.trim().is_empty() || r.contains(','))
        {
            return Err(Error::BadInput(format!(
                "mutation {}: invalid role {role:?} (roles are not empty and hold no comma)",
                field.name
            )));
        }
        let function = match &field.function {
            Some(function) => function.clone(),
            None => format!("fn_{}", screaming(&field.name).to_ascii_lowercase()),
        };
        let mut prefix = field.name.clone();
        if let Some(first) = prefix.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let mut entity_field = field.entity.name.to_owned();
        if let Some(first) = entity_field.get_mut(..1) {
            first.make_ascii_lowercase();
        }
        Ok(Self {
            name: field.name.clone(),
            prefix,
            function: QualifiedName::parse(&function).map_err(invalid)?,
            input: field.input,
            entity,
            entity_field,
            requires: field.requires.iter().map(|r| r.trim().to_owned()).collect(),
        })
    }

    pub(crate) fn entity_descriptor(field: &MutationField) -> &'static TypeDescriptor {
        field.entity
    }

    /// Names of the union and its two members.
    pub(crate) fn union_name(&self) -> String {
        Derived::Result.of(&self.prefix)
    }
}

/// Checks every mutation's function in `db`'s catalog: it exists, takes one `jsonb` argument
/// and returns `fraiseql_mutation_result`.
pub(crate) async fn verify(mutations: &[MutationInfo], db: &crate::Database) -> Result<()> {
    let client = db.pool().get().await.map_err(|error| {
        tracing::warn!(%error, "no database connection");
        Error::Unavailable
    })?;
    for mutation in mutations {
        let signature = format!("{}(jsonb)", mutation.function);
        let row = client
            .query_opt(
                "SELECT p.prorettype::regtype::text FROM pg_proc p \
                 WHERE p.oid = to_regprocedure($1)",
                &[&signature],
            )
            .await
            .map_err(Error::from_database)?;
        let problem = match row.map(|r| r.get::<_, String>(0)) {
            None => format!("no function {signature}"),
            Some(returns) if returns != "fraiseql_mutation_result" => {
                format!("{signature} returns {returns}, not fraiseql_mutation_result")
            }
            Some(_) => continue,
        };
        return Err(Error::BadInput(format!(
            "mutation {}: {problem}",
            mutation.name
        )));
    }
    Ok(())
}
