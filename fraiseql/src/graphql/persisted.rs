//! Persisted queries, in Apollo's protocol: a request names its document by SHA-256
//! (`extensions.persistedQuery: {version: 1, sha256Hash}`) instead of, or beside, sending it.
//!
//! - **Automatic** (the default): the server remembers documents clients sent with their hash,
//!   in a bounded store; an unknown hash is `PERSISTED_QUERY_NOT_FOUND`, and the client sends the
//!   document again with it.
//! - **Allow-list**: only the documents of a [`Manifest`] run, named by hash or sent in full;
//!   anything else is `PERSISTED_QUERY_NOT_ALLOWED`, and nothing a client sends is remembered.
//! - **Disabled**: a request naming a document only by hash is `PERSISTED_QUERY_NOT_SUPPORTED`.
//!
//! In every mode a hash sent beside a document must be that document's SHA-256
//! (`PERSISTED_QUERY_HASH_MISMATCH`). A document known by its hash is planned by that hash (the
//! schema's plan cache keeps persisted documents' plans by hash), so a persisted request never
//! reads its document.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use juniper::{DefaultScalarValue as S, OperationType, Variables};

use super::context::Context;
use super::execute::{execute_plan, plan, statement_of_plan};
use super::hash::DocumentHash;
use super::limits::Exceeded;
use super::manifest::Manifest;
use super::plan::Plan;
use super::response::Response;
use super::root::Schema;

/// How many documents automatic persisted queries remember by default.
pub const DEFAULT_APQ_DOCUMENTS: usize = 1024;

/// How many bytes of document text automatic persisted queries remember by default: 8 MiB.
pub const DEFAULT_APQ_BYTES: usize = 8 * 1024 * 1024;

/// How an endpoint treats persisted queries: automatic (the default), an allow-list, or not at
/// all. Cheap to clone; clones share the remembered documents.
///
/// ```
/// # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) -> Result<(), Box<dyn std::error::Error>> {
/// use fraiseql::graphql::{Manifest, PersistedQueries};
/// use fraiseql::http::Endpoint;
/// // Production: only the operations the client was built with.
/// let manifest = Manifest::from_path("persisted-query-manifest.json")?;
/// let endpoint = Endpoint::new(schema, db).persisted_queries(PersistedQueries::allow_list(manifest));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PersistedQueries {
    mode: Mode,
}

#[derive(Debug, Clone)]
enum Mode {
    Disabled,
    Automatic(Arc<Store>),
    AllowList(Manifest),
}

impl Default for PersistedQueries {
    /// [`PersistedQueries::automatic`].
    fn default() -> Self {
        Self::automatic()
    }
}

impl PersistedQueries {
    /// Automatic persisted queries remembering up to [`DEFAULT_APQ_DOCUMENTS`] documents and
    /// [`DEFAULT_APQ_BYTES`] of their text.
    pub fn automatic() -> Self {
        Self::automatic_bounded(DEFAULT_APQ_DOCUMENTS, DEFAULT_APQ_BYTES)
    }

    /// Automatic persisted queries remembering up to `documents` documents and `bytes` bytes of
    /// their text. When full, a new document takes the place of others (any: a working set
    /// that fits stays after one round of misses); a document larger than `bytes` is answered
    /// but not remembered. Only documents that validate are remembered.
    pub fn automatic_bounded(documents: usize, bytes: usize) -> Self {
        Self {
            mode: Mode::Automatic(Arc::new(Store {
                documents: RwLock::default(),
                capacity: documents,
                max_bytes: bytes,
            })),
        }
    }

    /// Only the documents of `manifest` run, whether named by their hash or sent in full; any
    /// other is refused with `PERSISTED_QUERY_NOT_ALLOWED` (introspection too, unless listed).
    pub fn allow_list(manifest: Manifest) -> Self {
        Self {
            mode: Mode::AllowList(manifest),
        }
    }

    /// No persisted queries: documents must be sent in full.
    pub fn disabled() -> Self {
        Self {
            mode: Mode::Disabled,
        }
    }

    /// The request's document and its plan, from the document sent (`query`) and the hash
    /// naming it (`hash`, from `extensions.persistedQuery.sha256Hash`), or why the request is
    /// refused. Runs nothing: a refused request costs no database connection.
    ///
    /// ```
    /// # use fraiseql::{FraiseType, graphql::{DocumentHash, PersistedQueries, SchemaBuilder}};
    /// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
    /// # fn demo() -> fraiseql::Result<()> {
    /// let schema = SchemaBuilder::new().query::<User>().build()?;
    /// let persisted = PersistedQueries::automatic();
    /// let document = "{ users { name } }";
    /// let hash = DocumentHash::of(document);
    /// let unknown = persisted.resolve(&schema, None, Some(&hash), None).unwrap_err();
    /// assert_eq!(unknown.code(), "PERSISTED_QUERY_NOT_FOUND");   // the client sends it again
    /// persisted.resolve(&schema, Some(document), Some(&hash), None).unwrap();
    /// let known = persisted.resolve(&schema, None, Some(&hash), None).unwrap();
    /// assert_eq!(known.document(), document);
    /// # Ok(()) }
    /// ```
    pub fn resolve<'r>(
        &self,
        schema: &'r Schema,
        query: Option<&'r str>,
        hash: Option<&DocumentHash>,
        operation_name: Option<&'r str>,
    ) -> Result<Resolved<'r>, PersistedQueryError> {
        let limits = &schema.query_info.limits;
        let resolved = |document: Text<'r>, hash: Option<DocumentHash>| {
            let plan = plan(schema, &document, hash.as_ref(), operation_name, limits);
            Resolved {
                schema,
                document,
                operation_name,
                plan,
                hash,
            }
        };
        if let (Some(hash), Some(query)) = (hash, query)
            && !hash.matches(query)
        {
            return Err(PersistedQueryError::HashMismatch);
        }
        match (&self.mode, hash, query) {
            (_, None, None) => Err(PersistedQueryError::Missing),
            (Mode::Disabled, Some(_), None) => Err(PersistedQueryError::NotSupported),
            (Mode::Disabled | Mode::Automatic(_), None, Some(query)) => {
                Ok(resolved(Text::Sent(query), None))
            }
            // The hash is the document's: checked above.
            (Mode::Disabled, Some(hash), Some(query)) => {
                Ok(resolved(Text::Sent(query), Some(*hash)))
            }
            (Mode::Automatic(store), Some(hash), None) => match store.get(hash) {
                Some(document) => Ok(resolved(Text::Kept(document), Some(*hash))),
                None => Err(PersistedQueryError::NotFound),
            },
            (Mode::Automatic(store), Some(hash), Some(query)) => {
                let resolved = resolved(Text::Sent(query), Some(*hash));
                if resolved.operation_type().is_some() {
                    store.insert(*hash, query);
                }
                Ok(resolved)
            }
            (Mode::AllowList(manifest), hash, query) => {
                let hash = hash.copied().or_else(|| query.map(DocumentHash::of));
                let listed = hash.and_then(|hash| Some((hash, manifest.shared(&hash)?.clone())));
                match listed {
                    Some((hash, document)) => Ok(resolved(Text::Kept(document), Some(hash))),
                    None => Err(PersistedQueryError::NotAllowed),
                }
            }
        }
    }

    /// How many documents automatic persisted queries remember now (the manifest's size for
    /// an allow-list, 0 when disabled).
    pub fn len(&self) -> usize {
        match &self.mode {
            Mode::Disabled => 0,
            Mode::Automatic(store) => store.read().by_hash.len(),
            Mode::AllowList(manifest) => manifest.len(),
        }
    }

    /// Whether no document is remembered or listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why a persisted-query request is refused, before anything runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersistedQueryError {
    /// Automatic persisted queries do not know the hash: send the document with it.
    NotFound,
    /// The allow-list does not hold the document (named by hash or sent in full).
    NotAllowed,
    /// Persisted queries are disabled and the request sent only a hash.
    NotSupported,
    /// The hash sent is not the SHA-256 of the document sent.
    HashMismatch,
    /// The request has neither a document nor a hash.
    Missing,
}

impl PersistedQueryError {
    /// The `extensions.code`.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::NotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Self::NotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::HashMismatch => "PERSISTED_QUERY_HASH_MISMATCH",
            Self::Missing => "BAD_REQUEST",
        }
    }

    /// The message: Apollo's own for the two its clients read (`PersistedQueryNotFound`,
    /// `PersistedQueryNotSupported`).
    pub fn message(self) -> &'static str {
        match self {
            Self::NotFound => "PersistedQueryNotFound",
            Self::NotAllowed => "the operation is not in the server's list of allowed operations",
            Self::NotSupported => "PersistedQueryNotSupported",
            Self::HashMismatch => {
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent"
            }
            Self::Missing => "the query parameter is missing",
        }
    }
}

impl std::fmt::Display for PersistedQueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for PersistedQueryError {}

/// A request's document, resolved by [`PersistedQueries::resolve`], with its operation's plan
/// (parsed and validated once, kept by the schema).
pub struct Resolved<'r> {
    schema: &'r Schema,
    document: Text<'r>,
    operation_name: Option<&'r str>,
    /// Planned under the schema's limits; refused when the document is over them.
    plan: Result<Arc<Plan>, Exceeded>,
    hash: Option<DocumentHash>,
}

impl std::fmt::Debug for Resolved<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved")
            .field("document", &&*self.document)
            .field("operation_name", &self.operation_name)
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

impl Resolved<'_> {
    /// The document's text.
    pub fn document(&self) -> &str {
        &self.document
    }

    /// The document's SHA-256, when the request named it (or an allow-list recognised it).
    pub fn hash(&self) -> Option<&DocumentHash> {
        self.hash.as_ref()
    }

    /// The name of the operation to run: the one the request named, else its document's
    /// (`None` for an anonymous operation or a document that did not parse).
    pub fn operation_name(&self) -> Option<&str> {
        (self.operation_name).or_else(|| self.plan.as_ref().ok()?.operation_name())
    }

    /// The type of the operation to run, or `None` when the request is invalid (then
    /// [`execute`](Self::execute) answers with the reason).
    pub fn operation_type(&self) -> Option<OperationType> {
        self.plan.as_ref().ok()?.verdict().ok()
    }

    /// The name of the operation to run, for the metrics: only of a document that validated
    /// (a name the request gives that the document lacks is not a label).
    #[cfg(feature = "metrics")]
    pub(crate) fn operation_label(&self) -> Option<&str> {
        let plan = self.plan.as_ref().ok()?;
        plan.verdict().ok()?;
        plan.operation_name()
    }

    /// Executes the operation: [`super::execute`], without looking the document up again. A
    /// document over the schema's limits runs only for a request with higher limits of its own
    /// ([`RequestContext::with_limits`](crate::RequestContext::with_limits)).
    pub async fn execute(&self, variables: &Variables<S>, context: &Context) -> Response {
        let (schema, document) = (self.schema, &*self.document);
        let replanned;
        let plan = match (&self.plan, context.request.limits()) {
            (Ok(plan), _) => plan,
            (Err(_), Some(own)) => {
                let hash = self.hash.as_ref();
                replanned = plan(schema, document, hash, self.operation_name, own);
                match &replanned {
                    Ok(plan) => plan,
                    Err(exceeded) => return Response::request_error(exceeded.body()),
                }
            }
            (Err(exceeded), None) => return Response::request_error(exceeded.body()),
        };
        execute_plan(
            schema,
            plan,
            document,
            self.operation_name,
            variables,
            context,
        )
        .await
    }

    /// The statement [`execute`](Self::execute) sends: [`super::statement`].
    pub fn statement(
        &self,
        variables: &Variables<S>,
        database: &crate::Database,
    ) -> Option<fraiseql_sql::Statement> {
        let plan = self.plan.as_ref().ok()?;
        statement_of_plan(self.schema, plan, variables, database)
    }
}

/// A document's text: as the request sent it, or as remembered or listed.
enum Text<'r> {
    Sent(&'r str),
    Kept(Arc<str>),
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Sent(text) => text,
            Text::Kept(text) => text,
        }
    }
}

/// The documents automatic persisted queries remember.
#[derive(Debug)]
struct Store {
    documents: RwLock<Documents>,
    capacity: usize,
    max_bytes: usize,
}

#[derive(Debug, Default)]
struct Documents {
    by_hash: HashMap<DocumentHash, Arc<str>>,
    bytes: usize,
}

impl Store {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Documents> {
        self.documents
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, hash: &DocumentHash) -> Option<Arc<str>> {
        self.read().by_hash.get(hash).cloned()
    }

    /// Remembers `document` under its `hash`, making room within the bounds.
    fn insert(&self, hash: DocumentHash, document: &str) {
        if document.len() > self.max_bytes || self.capacity == 0 {
            return;
        }
        let mut documents = self.documents.write().unwrap_or_else(|p| p.into_inner());
        if documents.by_hash.contains_key(&hash) {
            return;
        }
        while documents.by_hash.len() >= self.capacity
            || documents.bytes + document.len() > self.max_bytes
        {
            let Some(victim) = documents.by_hash.keys().next().copied() else {
                break;
            };
            if let Some(evicted) = documents.by_hash.remove(&victim) {
                documents.bytes -= evicted.len();
            }
        }
        documents.bytes += document.len();
        documents.by_hash.insert(hash, document.into());
    }
}

#[cfg(test)]
mod tests {
    use super::{DocumentHash, Manifest, PersistedQueries, PersistedQueryError as E};
    use crate::graphql::test_item::Item;
    use crate::graphql::{Schema, SchemaBuilder};

    fn schema() -> Schema {
        SchemaBuilder::new().query::<Item>().build().unwrap()
    }

    fn document(n: usize) -> String {
        format!("{{ items(limit: {n}) {{ id }} }}")
    }

    fn refused(
        persisted: &PersistedQueries,
        schema: &Schema,
        query: Option<&str>,
        hash: Option<&DocumentHash>,
    ) -> E {
        persisted.resolve(schema, query, hash, None).unwrap_err()
    }

    #[test]
    fn automatic_remembers_documents_sent_with_their_hash() {
        let (schema, persisted) = (schema(), PersistedQueries::automatic());
        let (one, two) = (document(1), document(2));
        let hash = DocumentHash::of(&one);
        assert_eq!(refused(&persisted, &schema, None, Some(&hash)), E::NotFound);
        // A document sent alone is answered, not remembered.
        persisted.resolve(&schema, Some(&one), None, None).unwrap();
        assert_eq!(refused(&persisted, &schema, None, Some(&hash)), E::NotFound);
        // A hash that is not the document's is refused, and remembers nothing.
        let wrong = DocumentHash::of(&two);
        assert_eq!(
            refused(&persisted, &schema, Some(&one), Some(&wrong)),
            E::HashMismatch
        );
        assert_eq!(
            refused(&persisted, &schema, None, Some(&wrong)),
            E::NotFound
        );
        let sent = persisted
            .resolve(&schema, Some(&one), Some(&hash), None)
            .unwrap();
        assert_eq!(sent.operation_type(), Some(juniper::OperationType::Query));
        let known = persisted.resolve(&schema, None, Some(&hash), None).unwrap();
        assert_eq!((known.document(), known.hash()), (&*one, Some(&hash)));
        // Planned by hash: one plan, kept under the hash.
        assert_eq!(schema.query_type.plans.hashed_len(), (1, 1));
        // A document that does not validate is answered (with its errors), not remembered.
        let invalid = "{ items { nope } }";
        let hash = DocumentHash::of(invalid);
        let resolved = persisted
            .resolve(&schema, Some(invalid), Some(&hash), None)
            .unwrap();
        assert_eq!(resolved.operation_type(), None);
        assert_eq!(refused(&persisted, &schema, None, Some(&hash)), E::NotFound);
        assert_eq!(refused(&persisted, &schema, None, None), E::Missing);
        assert_eq!(persisted.len(), 1);
    }

    #[test]
    fn the_store_stays_within_its_bounds() {
        let schema = schema();
        let bytes = document(10).len();
        for (documents, max_bytes, held) in [(3, 1 << 20, 3), (100, 3 * bytes, 3), (0, 1 << 20, 0)]
        {
            let persisted = PersistedQueries::automatic_bounded(documents, max_bytes);
            for n in 10..40 {
                let text = document(n);
                let hash = DocumentHash::of(&text);
                persisted
                    .resolve(&schema, Some(&text), Some(&hash), None)
                    .unwrap();
                assert!(persisted.len() <= held, "{documents} {max_bytes}");
                // The newest is always remembered.
                let known = persisted.resolve(&schema, None, Some(&hash), None);
                assert_eq!(known.is_ok(), held > 0);
            }
            assert_eq!(persisted.len(), held);
        }
        // A document larger than the whole store is answered, not remembered.
        let persisted = PersistedQueries::automatic_bounded(10, 8);
        let text = document(1);
        let hash = DocumentHash::of(&text);
        persisted
            .resolve(&schema, Some(&text), Some(&hash), None)
            .unwrap();
        assert!(persisted.is_empty());
    }

    #[test]
    fn an_allow_list_runs_its_documents_only() {
        let schema = schema();
        let (listed, other) = (document(1), document(2));
        let (hash, other_hash) = (DocumentHash::of(&listed), DocumentHash::of(&other));
        let manifest = Manifest::from_json(&format!("{{\"{hash}\": {listed:?}}}")).unwrap();
        let persisted = PersistedQueries::allow_list(manifest);
        for (query, hash) in [
            (None, Some(&hash)),
            (Some(&*listed), None),
            (Some(&*listed), Some(&hash)),
        ] {
            let resolved = persisted.resolve(&schema, query, hash, None).unwrap();
            assert_eq!(resolved.document(), listed);
        }
        for (query, hash) in [
            (None, Some(&other_hash)),
            (Some(&*other), None),
            (Some(&*other), Some(&other_hash)),
        ] {
            assert_eq!(refused(&persisted, &schema, query, hash), E::NotAllowed);
        }
        // Sending a document with its hash never adds it to the list.
        assert_eq!(
            refused(&persisted, &schema, None, Some(&other_hash)),
            E::NotAllowed
        );
        assert_eq!(
            refused(&persisted, &schema, Some(&listed), Some(&other_hash)),
            E::HashMismatch
        );
        assert_eq!(persisted.len(), 1);
    }

    #[test]
    fn disabled_needs_the_document() {
        let (schema, persisted) = (schema(), PersistedQueries::disabled());
        let text = document(1);
        let hash = DocumentHash::of(&text);
        assert_eq!(
            refused(&persisted, &schema, None, Some(&hash)),
            E::NotSupported
        );
        persisted
            .resolve(&schema, Some(&text), Some(&hash), None)
            .unwrap();
        assert_eq!(
            refused(&persisted, &schema, None, Some(&hash)),
            E::NotSupported
        );
        let wrong = DocumentHash::of("{ items { name } }");
        assert_eq!(
            refused(&persisted, &schema, Some(&text), Some(&wrong)),
            E::HashMismatch
        );
        assert!(persisted.is_empty());
    }

    /// A hash's plans are kept per operation name, and only for so many names.
    #[test]
    fn plans_by_hash_are_bounded_per_document() {
        let (schema, persisted) = (schema(), PersistedQueries::automatic());
        let text = "query A { items { id } } query B { items { name } }";
        let hash = DocumentHash::of(text);
        let a = persisted
            .resolve(&schema, Some(text), Some(&hash), Some("A"))
            .unwrap();
        assert_eq!(a.operation_type(), Some(juniper::OperationType::Query));
        for n in 0..100 {
            let name = format!("N{n}");
            let resolved = persisted
                .resolve(&schema, None, Some(&hash), Some(&name))
                .unwrap();
            assert_eq!(resolved.operation_type(), None);
        }
        let (documents, plans) = schema.query_type.plans.hashed_len();
        assert_eq!(documents, 1);
        assert!(plans <= 16, "{plans}");
    }
}
