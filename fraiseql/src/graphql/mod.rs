//! The GraphQL schema: a juniper `RootNode` built at run time from the registered types, whose
//! root answers every data field of an operation with ONE SQL statement.

mod compile;
mod execute;
mod info;
#[cfg(test)]
mod input_types_tests;
mod mutation;
mod names;
#[cfg(test)]
mod names_tests;
mod plan;
mod root;
mod types;

pub use execute::{Response, execute, operation_type, statement};
pub(crate) use info::scalar_name;
pub use info::{Limits, RootFields, SchemaInfo};
pub use mutation::{Mutation, MutationField};
pub use root::Query;

use std::sync::Arc;

use juniper::{EmptySubscription, RootNode};

use crate::context::RequestContext;
use crate::database::Database;
use crate::descriptor::TypeDescriptor;
use crate::error::{Error, Result};
use crate::field::{FraiseInput, FraiseType};

/// What a GraphQL request runs with: the database and the request's context.
#[derive(Debug, Clone)]
pub struct Context {
    db: Database,
    request: RequestContext,
}

impl Context {
    /// A request context on `db`.
    pub fn new(db: Database, request: RequestContext) -> Self {
        Self { db, request }
    }

    /// The request's settings.
    pub fn request(&self) -> &RequestContext {
        &self.request
    }

    /// The database requests run on.
    pub fn database(&self) -> &Database {
        &self.db
    }
}

impl juniper::Context for Context {}

/// The juniper schema FraiseQL builds; execute it with any juniper integration.
pub type Schema = RootNode<Query, Mutation, EmptySubscription<Context>>;

/// Builds a [`Schema`] from `FraiseType`s.
///
/// ```
/// # use fraiseql::{FraiseType, graphql::SchemaBuilder};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
/// let schema = SchemaBuilder::new().query::<User>().build()?;
/// assert!(schema.as_sdl().contains("users("));
/// # Ok::<(), fraiseql::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct SchemaBuilder {
    roots: Vec<(&'static TypeDescriptor, RootFields)>,
    limits: Limits,
    plan_cache: Option<usize>,
    mutations: Vec<MutationField>,
}

impl SchemaBuilder {
    /// An empty schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `T` at the root: `user(id:, identifier:)`, `users(...)`, `usersConnection(...)`.
    pub fn query<T: FraiseType>(self) -> Self {
        self.query_with::<T>(RootFields::new())
    }

    /// Serves `T` at the root with the root fields `fields` names (or leaves out).
    pub fn query_with<T: FraiseType>(mut self, fields: RootFields) -> Self {
        self.roots.push((T::descriptor(), fields));
        self
    }

    /// Serves the mutation `name(input: I!): <Name>Result!`, calling `fn_<snake_case(name)>`
    /// (`createUser` → `fn_create_user`) with the input as `jsonb`; on success it answers with
    /// the `T` the function returned. See [`MutationField`] to name another function.
    pub fn mutation<I: FraiseInput, T: FraiseType>(self, name: &str) -> Self {
        self.mutation_with(MutationField::new::<I, T>(name))
    }

    /// Serves `field`.
    pub fn mutation_with(mut self, field: MutationField) -> Self {
        self.mutations.push(field);
        self
    }

    /// Page sizes (default 100, maximum 1000) and document depth (32).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How many distinct documents keep their parsed and validated form (default 1024; `0`
    /// parses and validates every request). Each costs about the size of its text, a few times
    /// over.
    pub fn plan_cache(mut self, documents: usize) -> Self {
        self.plan_cache = Some(documents);
        self
    }

    /// [`build`](Self::build), then checks every mutation's function in `db`'s catalog (it
    /// exists, takes one `jsonb` argument, returns `fraiseql_mutation_result`), so a missing
    /// or mistyped function fails at start-up rather than at its first request.
    pub async fn build_checked(self, db: &Database) -> Result<Schema> {
        let schema = self.build()?;
        mutation::verify(&schema.query_info.mutations, db).await?;
        Ok(schema)
    }

    /// The schema, or why it cannot be built: an invalid name, two root fields or two mutations
    /// with one name, or two different types (entities, inputs, enums, the types the schema
    /// generates for them) with one GraphQL type name.
    pub fn build(self) -> Result<Schema> {
        if self.roots.is_empty() {
            return Err(Error::BadInput(
                "a schema needs at least one query type".into(),
            ));
        }
        let plans = plan::PlanCache::new(self.plan_cache.unwrap_or(1024));
        let info = Arc::new(SchemaInfo::new(
            &self.roots,
            self.limits,
            plans,
            &self.mutations,
        )?);
        let max_depth = self.limits.max_depth as usize;
        Ok(RootNode::new_with_info(
            Query,
            Mutation,
            EmptySubscription::new(),
            info.clone(),
            info,
            (),
        )
        .limit_depth(max_depth))
    }
}

/// `createdAt` → `CREATED_AT`.
pub(crate) fn screaming(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
