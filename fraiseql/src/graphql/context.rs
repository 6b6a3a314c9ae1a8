//! What a GraphQL request runs with.

use crate::context::RequestContext;
use crate::database::Database;

/// What a GraphQL request runs with: the database and the request's context.
#[derive(Debug, Clone)]
pub struct Context {
    pub(crate) db: Database,
    pub(crate) request: RequestContext,
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
