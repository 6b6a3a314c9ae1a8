//! The bounds of what one request may ask for (a plain value: the schema holds one, a request
//! may carry its own).

/// What one request may ask for: page sizes, and the bounds an operation is measured against
/// before any SQL runs (document size and tokens before parsing; selection depth, aliases, root
/// fields and complexity with fragments expanded and `@skip`/`@include` applied).
///
/// Set for a schema with [`SchemaBuilder::limits`](crate::graphql::SchemaBuilder::limits) and for one
/// request with [`RequestContext::with_limits`](crate::RequestContext::with_limits) (a trusted client
/// may get more). An operation over a limit is refused before a connection is taken from the
/// pool, with one error whose `extensions` hold the `code`, the measured value and the `limit`:
///
/// | limit | default | code |
/// |---|--:|---|
/// | [`max_document_bytes`](Self::max_document_bytes) | 65,536 | `DOCUMENT_TOO_LARGE` (`size`) |
/// | [`max_tokens`](Self::max_tokens) | 5,000 | `TOO_MANY_TOKENS` (`tokens`) |
/// | [`max_depth`](Self::max_depth) | 10 | `QUERY_TOO_DEEP` (`depth`) |
/// | [`max_introspection_depth`](Self::max_introspection_depth) | 15 | `QUERY_TOO_DEEP` (`depth`) |
/// | [`max_root_fields`](Self::max_root_fields) | 10 | `TOO_MANY_ROOT_FIELDS` (`rootFields`) |
/// | [`max_aliases`](Self::max_aliases) | 30 | `TOO_MANY_ALIASES` (`aliases`) |
/// | [`max_complexity`](Self::max_complexity) | 5,000 | `QUERY_TOO_COMPLEX` (`complexity`) |
///
/// ```
/// use fraiseql::graphql::Limits;
/// let limits = Limits { max_depth: 6, max_complexity: 2_000, ..Limits::default() };
/// # let _ = limits;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows returned when a list or connection asks for no size (default 100).
    pub default_page_size: u32,
    /// The largest `limit` / `first` / `last` accepted (default 1000). Page sizes shape the
    /// SQL, so they are the schema's: a request's own [`Limits`] does not change them.
    pub max_page_size: u32,
    /// The deepest field of a selection, a root field being at depth 1 (`{ posts { author {
    /// name } } }` is 3 deep), fragments expanded, introspection apart (default 10).
    pub max_depth: u32,
    /// The deepest field under `__schema` or `__type` (default 15: the standard introspection
    /// query GraphiQL and graphql-js's `getIntrospectionQuery()` send is exactly 15 deep —
    /// `__schema types fields args type`, then `ofType` nested nine times as graphql-js 16.15
    /// writes it (earlier versions: seven), then `name`).
    pub max_introspection_depth: u32,
    /// Fields written with an alias, each spread of a fragment counting its own (default 30).
    pub max_aliases: u32,
    /// Distinct response keys at the root (default 10).
    pub max_root_fields: u32,
    /// The document's size in bytes, checked before anything else (default 64 KiB).
    pub max_document_bytes: usize,
    /// Tokens in the document (names, values, punctuation), counted before parsing (default
    /// 5,000).
    pub max_tokens: u32,
    /// The operation's cost: each field costs 1, plus the cost of its sub-selection times its
    /// page size — a list's or connection's `limit`/`first`/`last` or the default page size, an
    /// embedded list's [`list_size_estimate`](Self::list_size_estimate). Introspection costs
    /// nothing. Default 5,000: the benchmark's Q3 (20 posts, each with its author and embedded
    /// comments with their authors) costs 681, one default page of 100 posts with their
    /// comments 3,401.
    pub max_complexity: u64,
    /// The elements an embedded list (a `Vec` inside a document, which has no page size) is
    /// counted as holding, for complexity (default 10).
    pub list_size_estimate: u32,
    /// The deepest nesting juniper's parser accepts (selection sets, fragment spreads, input
    /// values, list types; default 32), for the schema as a whole: a document nesting deeper
    /// fails with `GRAPHQL_PARSE_FAILED`. Cyclic types would otherwise let one request nest
    /// without bound before any other limit is measured.
    pub max_nesting: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default_page_size: 100,
            max_page_size: 1000,
            max_depth: 10,
            max_introspection_depth: 15,
            max_aliases: 30,
            max_root_fields: 10,
            max_document_bytes: 64 * 1024,
            max_tokens: 5_000,
            max_complexity: 5_000,
            list_size_estimate: 10,
            max_nesting: 32,
        }
    }
}
