//! The GraphQL schema: a juniper `RootNode` built at run time from the registered types, whose
//! root answers every data field of an operation with ONE SQL statement.
//!
//! The modules import one way, each only from those listed before it: the schema model
//! (`names`, `mutation_field`, `info`, `clash`), what a request runs with (`context`), juniper's
//! type registration, its executor over PostgreSQL's JSON and the compiler (`types`, `walk`,
//! `compile`), the fast path's checked copy of that JSON (`relay`), mutations (`mutation`), the
//! plan cache (`plan`), and execution (`root`, `response`, `execute`).

mod clash;
mod compile;
mod context;
mod execute;
mod info;
#[cfg(test)]
mod input_types_tests;
mod mutation;
mod mutation_field;
mod names;
#[cfg(test)]
mod names_tests;
mod plan;
mod relay;
mod response;
mod root;
mod types;
mod walk;

pub use context::Context;
pub use execute::{execute, operation_type, statement};
pub use info::{Limits, RootFields, SchemaInfo};
pub use mutation_field::MutationField;
pub(crate) use names::scalar_name;
pub use response::Response;
pub use root::{Mutation, Query, Schema};

use std::sync::Arc;

use juniper::{EmptySubscription, RootNode};

use crate::database::Database;
use crate::descriptor::TypeDescriptor;
use crate::error::{Error, Result};
use crate::field::{FraiseInput, FraiseType};

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
        mutation_field::verify(&schema.query_info.mutations, db).await?;
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
        let info = SchemaInfo::new(&self.roots, self.limits, &self.mutations)?;
        clash::check(&info)?;
        let info = Arc::new(info);
        let plans = plan::PlanCache::new(self.plan_cache.unwrap_or(1024));
        let max_depth = self.limits.max_depth as usize;
        Ok(RootNode::new_with_info(
            Query { plans },
            Mutation,
            EmptySubscription::new(),
            info.clone(),
            info,
            (),
        )
        .limit_depth(max_depth))
    }
}
