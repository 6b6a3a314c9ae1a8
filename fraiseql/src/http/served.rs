//! What the framework adapters serve: an [`Endpoint`] and the application's hook that builds
//! each request's [`RequestContext`] from the framework's own request type.

use std::sync::Arc;

use super::{Endpoint, Rejection};
use crate::context::RequestContext;

type Hook<R> = dyn Fn(&R) -> Result<RequestContext, Rejection> + Send + Sync;

/// An [`Endpoint`] ready to be mounted in a web framework, whose adapter names it `GraphQL`:
/// `fraiseql::axum::GraphQL` is `Served<axum::http::request::Parts>`, `fraiseql::actix::GraphQL`
/// is `Served<actix_web::HttpRequest>`; each adds the method that mounts it. Cheap to clone (one
/// per worker).
pub struct Served<R> {
    pub(crate) endpoint: Endpoint,
    pub(crate) context: Arc<Hook<R>>,
}

impl<R> Clone for Served<R> {
    fn clone(&self) -> Self {
        Self {
            endpoint: self.endpoint.clone(),
            context: Arc::clone(&self.context),
        }
    }
}

impl<R> std::fmt::Debug for Served<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphQL")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl<R> Served<R> {
    /// Serves `endpoint`; every request runs with an empty [`RequestContext`] until
    /// [`Served::context`] says otherwise.
    pub fn new(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            context: Arc::new(|_: &R| Ok(RequestContext::new())),
        }
    }

    /// Builds each request's context from the request: its headers, and the extensions the
    /// app's own middleware set (authenticated claims). A [`Rejection`] answers the request with
    /// its status before anything runs.
    pub fn context<F>(mut self, hook: F) -> Self
    where
        F: Fn(&R) -> Result<RequestContext, Rejection> + Send + Sync + 'static,
    {
        self.context = Arc::new(hook);
        self
    }
}
