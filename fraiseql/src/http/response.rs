//! What an endpoint answers, independent of the web framework: a status, a content type, a few
//! static headers and the body bytes.

use bytes::Bytes;

use super::media::Format;

/// An HTTP response for the adapter to send as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// Further headers (`Allow` on a 405, `Cache-Control` on GraphiQL's assets).
    pub headers: Vec<(&'static str, &'static str)>,
    /// The body: a GraphQL response's JSON text, GraphiQL's page or one of its assets.
    pub body: Bytes,
}

impl HttpResponse {
    /// A response with no extra headers.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A GraphQL error response with no `data`: `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
    ///
    /// ```
    /// use fraiseql::http::{Format, HttpResponse};
    /// let response = HttpResponse::error(Format::Json, 400, "BAD_REQUEST", "missing query");
    /// assert_eq!(
    ///     &response.body[..],
    ///     br#"{"errors":[{"message":"missing query","extensions":{"code":"BAD_REQUEST"}}]}"#
    /// );
    /// ```
    pub fn error(format: Format, status: u16, code: &str, message: &str) -> Self {
        // Written by hand to keep `message` first whatever serde_json's map ordering.
        let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        let body = format!(
            r#"{{"errors":[{{"message":{},"extensions":{{"code":{}}}}}]}}"#,
            text(message),
            text(code)
        );
        Self::new(status, format.content_type(), body)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Why the application refused to build a request's context (its authentication failed): the
/// request is answered with this status and a GraphQL error carrying `code`, and runs nothing.
///
/// ```
/// let rejection = fraiseql::http::Rejection::unauthenticated("missing bearer token");
/// assert_eq!(rejection.status(), 401);
/// assert_eq!(rejection.code(), "UNAUTHENTICATED");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: u16,
    code: &'static str,
    message: String,
}

impl Rejection {
    /// Any status and code; `message` reaches the client.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401, `UNAUTHENTICATED`: no valid credentials.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(401, "UNAUTHENTICATED", message)
    }

    /// 403, `FORBIDDEN`: valid credentials that may not use this endpoint.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "FORBIDDEN", message)
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `extensions.code`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The response this rejection answers with.
    pub fn into_response(self, format: Format) -> HttpResponse {
        HttpResponse::error(format, self.status, self.code, &self.message)
    }
}

/// A context that could not be built (e.g. an invalid setting name) is the application's bug:
/// answered 500 without detail, the detail logged.
impl From<crate::Error> for Rejection {
    fn from(error: crate::Error) -> Self {
        tracing::error!(%error, "cannot build the request context");
        Self::new(500, "INTERNAL_SERVER_ERROR", "internal error")
    }
}
