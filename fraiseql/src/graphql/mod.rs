//! The GraphQL schema: a juniper `RootNode` built at run time from the registered types, whose
//! root answers every data field of an operation with ONE SQL statement.
//!
//! The modules import one way, each only from those listed before it: the schema model
//! (`names`, `mutation_field`, `info`, `clash`), what a request runs with (`context`) and what
//! its roles let it read (`authz`), juniper's type registration, its executor over
//! PostgreSQL's JSON, what an operation asks for measured against the limits, and the compiler
//! (`types`, `inputs`, `objects`, `walk`, `limits`, `compile`), the fast path's checked copy of that JSON (`relay`),
//! mutations (`mutation`),
//! documents' SHA-256 (`hash`), the plan cache (`plan`, by document text or by hash),
//! execution (`root`, `response`, `execute`), the schema's description for tools (`describe`), the start-up check that indexes serve the list
//! orders (`indexes`), and persisted queries (`manifest`, `persisted`).

mod authz;
mod clash;
mod compile;
mod context;
mod describe;
mod execute;
mod hash;
mod indexes;
mod info;
#[cfg(test)]
mod input_types_tests;
mod inputs;
mod limits;
mod manifest;
mod mutation;
mod mutation_field;
mod names;
#[cfg(test)]
mod names_tests;
mod objects;
mod persisted;
mod plain_variables;
mod plan;
mod relay;
mod response;
mod root;
#[cfg(test)]
mod test_item;
mod types;
mod walk;

pub use context::{Context, Introspection};
pub use describe::{DESCRIPTION_VERSION, describe};
#[cfg(feature = "http")]
pub(crate) use execute::within_parse_limits;
pub use execute::{execute, operation_type, statement, statement_for};
pub use hash::DocumentHash;
pub use indexes::{UnservedOrder, unserved_orders};
pub use info::{Limits, RootFields, SchemaInfo};
pub use manifest::{Manifest, ManifestError};
pub use mutation_field::MutationField;
pub(crate) use names::scalar_name;
pub use persisted::{
    DEFAULT_APQ_BYTES, DEFAULT_APQ_DOCUMENTS, PersistedQueries, PersistedQueryError, Resolved,
};
pub use response::Response;
pub use root::{Mutation, Query, Schema};

use std::sync::Arc;

use fraiseql_sql::{Kind, OrderBy};
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
    default_orders: Vec<(&'static TypeDescriptor, Vec<OrderBy>)>,
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

    /// Orders `T`'s lists and connections that ask for no `orderBy` by `order`, then by the
    /// key, in place of `T`'s own `#[fraiseql(default_order = "…")]` (an empty `order`: by the
    /// key alone). A key may be a field's typed handle or a real column that is no field.
    ///
    /// ```
    /// # use fraiseql::{FraiseType, graphql::SchemaBuilder, sql::{OrderBy, ScalarKind, Target}};
    /// # #[derive(FraiseType)] struct Post { id: uuid::Uuid, title: String }
    /// // Newest first by the table's identity column, which GraphQL never shows.
    /// let newest = OrderBy::desc(Target::column("pk_post", ScalarKind::Int)?);
    /// let schema = SchemaBuilder::new().query::<Post>().default_order::<Post>([newest]).build()?;
    /// // Or by a field: `.default_order::<Post>([Post::order().title().asc()])`.
    /// # let _ = schema;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn default_order<T: FraiseType>(
        mut self,
        order: impl IntoIterator<Item = OrderBy>,
    ) -> Self {
        let descriptor = T::descriptor();
        let order = order.into_iter().collect();
        self.default_orders
            .retain(|(d, _)| !std::ptr::eq(*d, descriptor));
        self.default_orders.push((descriptor, order));
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

    /// Page sizes (default 100, maximum 1000) and the bounds every operation is measured
    /// against before any SQL runs (depth, aliases, root fields, document size and tokens,
    /// complexity): see [`Limits`] for each default.
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
    ///
    /// It also warns (`tracing::warn!`, not an error) of each list order no index serves —
    /// the order of lists that ask for none, and each `orderBy` field — naming the index that
    /// would: see [`unserved_orders`].
    pub async fn build_checked(self, db: &Database) -> Result<Schema> {
        let schema = self.build()?;
        mutation_field::verify(&schema.query_info.mutations, db).await?;
        match unserved_orders(&schema, db).await {
            Ok(unserved) => {
                for order in unserved {
                    let field = order.field.as_deref().unwrap_or("(no orderBy)");
                    match &order.index {
                        Some(index) => tracing::warn!(
                            entity = order.entity,
                            field,
                            index = %index,
                            "no index serves this list order: each page sorts every matching row; this index would serve it"
                        ),
                        None => tracing::warn!(
                            entity = order.entity,
                            field,
                            "no index can serve this list order (a date or timestamp inside the document sorts through a cast that is not immutable): each page sorts every matching row; declare the field a real column"
                        ),
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "the indexes serving list orders were not checked")
            }
        }
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
        let mut info = SchemaInfo::new(&self.roots, self.limits, &self.mutations)?;
        clash::check(&info)?;
        for (descriptor, order) in self.default_orders {
            let entity = (info.entities.iter_mut())
                .find(|e| std::ptr::eq(e.descriptor, descriptor) && e.roots.is_some())
                .ok_or_else(|| {
                    Error::BadInput(format!(
                        "a default order is set for {}, which the schema does not serve at the root",
                        descriptor.name
                    ))
                })?;
            if let Some(key) = order
                .iter()
                .find(|key| !matches!(key.target().kind(), Kind::Scalar(s) if s.is_sortable()))
            {
                return Err(Error::BadInput(format!(
                    "the default order of {} cannot sort by {:?}",
                    descriptor.name,
                    key.target()
                )));
            }
            entity.default_order = order;
        }
        for entity in 0..info.entities.len() {
            info.check_default_order(entity)?;
        }
        let info = Arc::new(info);
        let plans = plan::PlanCache::new(self.plan_cache.unwrap_or(1024));
        let max_nesting = self.limits.max_nesting as usize;
        Ok(RootNode::new_with_info(
            Query { plans },
            Mutation,
            EmptySubscription::new(),
            info.clone(),
            info,
            (),
        )
        .limit_depth(max_nesting)
        // Every document's tokens are counted against the request's limit before juniper
        // parses it (`limits`), so the parser's own count, fixed per schema, would only stop a
        // client allowed more.
        .limit_tokens(usize::MAX))
    }
}
