//! What a GraphQL request runs with.

use crate::context::RequestContext;
use crate::database::Database;

/// Whether a request may introspect the schema.
///
/// Disabled, an operation selecting `__schema` or `__type` is refused with
/// `INTROSPECTION_DISABLED` before anything runs; `__typename` is still answered (clients
/// rely on it to tell union members apart).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Introspection {
    /// `__schema` and `__type` are answered (the default).
    #[default]
    Allowed,
    /// `__schema` and `__type` are refused: for a production API whose clients know its schema.
    Disabled,
}

/// What a GraphQL request runs with: the database, the request's context, and whether it may
/// introspect.
#[derive(Debug, Clone)]
pub struct Context {
    pub(crate) db: Database,
    pub(crate) request: RequestContext,
    pub(crate) introspection: Introspection,
    /// The time spent in each phase, for the slow-operation log (off unless an endpoint times
    /// the request).
    pub(crate) phases: crate::trace::slow::Phases,
}

impl Context {
    /// A request context on `db`, introspection allowed.
    pub fn new(db: Database, request: RequestContext) -> Self {
        Self {
            db,
            request,
            introspection: Introspection::Allowed,
            phases: Default::default(),
        }
    }

    /// Allows or refuses `__schema` and `__type` (see [`Introspection`]).
    ///
    /// ```
    /// # fn demo(db: fraiseql::Database) {
    /// use fraiseql::graphql::{Context, Introspection};
    /// let context = Context::new(db, Default::default()).with_introspection(Introspection::Disabled);
    /// assert_eq!(context.introspection(), Introspection::Disabled);
    /// # }
    /// ```
    pub fn with_introspection(mut self, introspection: Introspection) -> Self {
        self.introspection = introspection;
        self
    }

    /// Whether the request may introspect.
    pub fn introspection(&self) -> Introspection {
        self.introspection
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
