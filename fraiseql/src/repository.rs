//! Repositories: typed reads of a `FraiseType` for application code, no GraphQL involved.

use std::marker::PhantomData;

use fraiseql_sql::{
    Aggregated, Aggregation, Connection, ConnectionField, EdgeField, Filter, Ident, JsonKey,
    JsonPath, Name, Op, OrderBy, Page, PageInfoField, Projected, Projection, Relation, Root,
    ScalarKind, Statement, Target,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::context::RequestContext;
use crate::database::Database;
use crate::descriptor::{FieldSource, TypeDescriptor};
use crate::error::{Error, Result};
use crate::field::FraiseType;
use crate::typed::Measures;

/// Typed reads of `T` from its `tv_*` relation, each one statement under a [`RequestContext`].
///
/// ```no_run
/// # use fraiseql::{Database, FraiseType, Repository, RequestContext, FindMany};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String, age: Option<i32> }
/// # async fn demo(db: Database) -> Result<(), fraiseql::Error> {
/// let users = Repository::<User>::new(db);
/// let context = RequestContext::new().tenant_id("acme");
/// let adults = users
///     .find_many(&context, FindMany::new().filter(User::filter().age().gte(18)).order(User::order().name().asc()).limit(20))
///     .await?;
/// # Ok(()) }
/// ```
pub struct Repository<T> {
    db: Database,
    relation: Relation,
    projection: Projection,
    descriptor: &'static TypeDescriptor,
    default_order: Vec<OrderBy>,
    item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Repository<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("type", &self.descriptor.name)
            .finish()
    }
}

/// What [`Repository::find_many`] reads: a filter, an order and a limit/offset page.
#[derive(Debug, Clone)]
pub struct FindMany {
    filter: Filter,
    order: Vec<OrderBy>,
    limit: Option<u32>,
    offset: u64,
}

impl Default for FindMany {
    fn default() -> Self {
        Self::new()
    }
}

impl FindMany {
    /// Every row, in the type's default order (then by key), no limit.
    pub fn new() -> Self {
        Self {
            filter: Filter::all(),
            order: Vec::new(),
            limit: None,
            offset: 0,
        }
    }

    /// Only rows matching `filter` (combined with `and` when called again).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = std::mem::replace(&mut self.filter, Filter::all()).and(filter);
        self
    }

    /// Then sort by `order`. Rows are always sorted by the key last, so the order is total;
    /// without any `order` they come in the type's default order
    /// ([`Repository::with_default_order`], `#[fraiseql(default_order = "…")]`, else the key).
    pub fn order(mut self, order: OrderBy) -> Self {
        self.order.push(order);
        self
    }

    /// At most `limit` rows.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip `offset` rows first.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }
}

/// One page of a connection, as [`Repository::connection`] returns it.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound = "T: serde::de::DeserializeOwned")]
pub struct ConnectionPage<T> {
    /// The rows with their cursors, in order.
    pub edges: Vec<Edge<T>>,
    /// Where this page stands.
    #[serde(rename = "pageInfo")]
    pub page_info: PageInfo,
    /// Rows matching the filter, ignoring paging.
    #[serde(rename = "totalCount")]
    pub total_count: i64,
}

/// A row and its cursor.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound = "T: serde::de::DeserializeOwned")]
pub struct Edge<T> {
    /// Pass as `after`/`before` to continue from this row.
    pub cursor: String,
    /// The row.
    pub node: T,
}

/// Relay page information.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// Rows follow this page.
    pub has_next_page: bool,
    /// Rows precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first edge.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge.
    pub end_cursor: Option<String>,
}

/// Names in descriptors come from the derive, which validates them at compile time.
fn valid<V>(result: fraiseql_sql::Result<V>) -> V {
    result.expect("names validated by #[derive(FraiseType)]")
}

impl<T: FraiseType> Repository<T> {
    /// A repository reading `T` through `db`.
    pub fn new(db: Database) -> Self {
        let descriptor = T::descriptor();
        let relation = valid(
            Relation::new(descriptor.view)
                .and_then(|r| r.with_data(descriptor.data))
                .and_then(|r| r.with_key(descriptor.key)),
        );
        Self {
            db,
            relation,
            projection: document_projection(descriptor),
            descriptor,
            default_order: descriptor
                .default_order_by()
                .expect("default order validated by #[derive(FraiseType)]"),
            item: PhantomData,
        }
    }

    /// Reads lists and connections that ask for no order in `order` (then by key), in place of
    /// `T`'s `#[fraiseql(default_order = "…")]`; an empty `order` sorts by the key alone.
    ///
    /// ```no_run
    /// # use fraiseql::{Database, FraiseType, Repository};
    /// # #[derive(FraiseType)] struct Post { id: uuid::Uuid, title: String }
    /// # fn demo(db: Database) -> Result<(), fraiseql::Error> {
    /// use fraiseql::sql::{OrderBy, ScalarKind, Target};
    /// let newest = OrderBy::desc(Target::column("pk_post", ScalarKind::Int)?);
    /// let posts = Repository::<Post>::new(db).with_default_order([newest]);
    /// # let _ = posts; Ok(()) }
    /// ```
    pub fn with_default_order(mut self, order: impl IntoIterator<Item = OrderBy>) -> Self {
        self.default_order = order.into_iter().collect();
        self
    }

    /// `order`, or the default order when it is empty.
    fn order_or_default(&self, order: Vec<OrderBy>) -> Vec<OrderBy> {
        if order.is_empty() {
            self.default_order.clone()
        } else {
            order
        }
    }

    /// The row whose public key is `id`.
    pub async fn find_by_id(&self, context: &RequestContext, id: Uuid) -> Result<Option<T>> {
        let key = valid(Target::column(self.descriptor.key, ScalarKind::Uuid));
        self.find_one(context, Filter::cond(key, Op::Eq(id.into())))
            .await
    }

    /// The row whose `identifier` column is `identifier`; an error for types without one.
    pub async fn find_by_identifier(
        &self,
        context: &RequestContext,
        identifier: &str,
    ) -> Result<Option<T>> {
        let column = self.descriptor.identifier.ok_or_else(|| {
            Error::BadInput(format!("{} has no identifier", self.descriptor.name))
        })?;
        let target = valid(Target::column(column, ScalarKind::Text));
        self.find_one(context, Filter::cond(target, Op::Eq(identifier.into())))
            .await
    }

    async fn find_one(&self, context: &RequestContext, filter: Filter) -> Result<Option<T>> {
        let root = Root::One {
            relation: self.relation.clone(),
            filter,
            projection: self.projection.clone(),
        };
        self.fetch(context, &root).await
    }

    /// The rows `query` selects, in its order (the default order when it gives none), then by
    /// key: the same query reads the same rows in the same order, and offset pages partition
    /// the rows.
    pub async fn find_many(&self, context: &RequestContext, query: FindMany) -> Result<Vec<T>> {
        let root = Root::List {
            relation: self.relation.clone(),
            filter: query.filter,
            order: self.order_or_default(query.order),
            limit: query.limit,
            offset: query.offset,
            projection: self.projection.clone(),
        };
        self.fetch(context, &root).await
    }

    /// Writes through the mutation function `function` (`fn_create_user`, or schema-qualified
    /// `app.fn_create_user`), called with `input` serialized as its one `jsonb` argument, in one
    /// read-write transaction under `context` (one round trip). The function returns a
    /// `fraiseql_mutation_result` ([`MUTATION_RESULT_SQL`](crate::MUTATION_RESULT_SQL)):
    /// a success carries the entity as the function read it back after refreshing `tv_*`; a
    /// refusal carries the code its status names. Errors the database raises roll everything
    /// back and come coded: `CONFLICT`, `FOREIGN_KEY`, `VALIDATION`, the code a `RAISE … USING
    /// HINT = 'CODE'` names, `FORBIDDEN`, `TIMEOUT`, `DATABASE_UNAVAILABLE`.
    ///
    /// ```no_run
    /// # use fraiseql::{FraiseType, MutationOutcome, Repository, RequestContext};
    /// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
    /// # async fn demo(users: Repository<User>) -> fraiseql::Result<()> {
    /// let context = RequestContext::new().tenant_id("5f0c…");
    /// let input = serde_json::json!({"name": "Ada", "email": "ada@example.com"});
    /// match users.mutate(&context, "fn_create_user", &input).await? {
    ///     MutationOutcome::Success(created) => println!("{}", created.entity.unwrap().name),
    ///     MutationOutcome::Refused(refusal) => println!("{}: {:?}", refusal.code, refusal.message),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn mutate(
        &self,
        context: &RequestContext,
        function: &str,
        input: &impl serde::Serialize,
    ) -> Result<crate::MutationOutcome<T>> {
        let input = serde_json::to_value(input)
            .map_err(|error| Error::BadInput(format!("the input cannot be serialized: {error}")))?;
        crate::mutation::call(&self.db, context, function, input).await
    }

    /// How many rows `filter` selects.
    pub async fn count(&self, context: &RequestContext, filter: Filter) -> Result<i64> {
        let root = Root::Count {
            relation: self.relation.clone(),
            filter,
        };
        self.fetch(context, &root).await
    }

    /// Aggregates over the rows `filter` selects, in one statement: one [`Measure`] or a tuple
    /// of up to four, each typed by its field's kind.
    ///
    /// ```no_run
    /// # use fraiseql::{FraiseType, Repository, RequestContext};
    /// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String, age: Option<i32> }
    /// # async fn demo(users: Repository<User>, request: RequestContext) -> fraiseql::Result<()> {
    /// let adults = User::filter().age().gte(18);
    /// let (total, oldest, first): (Option<i64>, Option<i32>, Option<String>) = users
    ///     .aggregate(&request, adults, (
    ///         User::aggregate().age().sum(),
    ///         User::aggregate().age().max(),
    ///         User::aggregate().name().min(),
    ///     ))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// [`Measure`]: crate::typed::Measure
    pub async fn aggregate<M: Measures>(
        &self,
        context: &RequestContext,
        filter: Filter,
        measures: M,
    ) -> Result<M::Output> {
        let measures = measures.measures();
        let mut aggregation = Aggregation::new();
        for (i, (function, target)) in measures.iter().enumerate() {
            let value = (valid(Name::new("v")), Ok(target.clone()));
            let measure = Aggregated::Values(*function, vec![value]);
            aggregation = aggregation.field(valid(Name::new(&format!("m{i}"))), measure);
        }
        let root = Root::Aggregate {
            relation: self.relation.clone(),
            filter,
            aggregation,
        };
        let json: serde_json::Value = self.fetch(context, &root).await?;
        let values = (0..measures.len())
            .map(|i| json[format!("m{i}")]["v"].clone())
            .collect();
        M::read(values).map_err(|error| {
            tracing::error!(%error, r#type = self.descriptor.name, "an aggregate does not fit its type");
            Error::Internal
        })
    }

    /// A Relay connection page over the rows `filter` selects, in `order` (the default order
    /// when empty), then by key.
    pub async fn connection(
        &self,
        context: &RequestContext,
        filter: Filter,
        order: Vec<OrderBy>,
        page: Page,
    ) -> Result<ConnectionPage<T>> {
        let name = |n: &str| valid(Name::new(n));
        let root = Root::Connection(Connection {
            relation: self.relation.clone(),
            filter,
            order: self.order_or_default(order),
            page,
            cursor_key: self.db.cursor_key().clone(),
            fields: vec![
                (
                    name("edges"),
                    ConnectionField::Edges(vec![
                        (name("cursor"), EdgeField::Cursor),
                        (name("node"), EdgeField::Node(self.projection.clone())),
                    ]),
                ),
                (
                    name("pageInfo"),
                    ConnectionField::PageInfo(vec![
                        (name("hasNextPage"), Ok(PageInfoField::HasNextPage)),
                        (name("hasPreviousPage"), Ok(PageInfoField::HasPreviousPage)),
                        (name("startCursor"), Ok(PageInfoField::StartCursor)),
                        (name("endCursor"), Ok(PageInfoField::EndCursor)),
                    ]),
                ),
                (name("totalCount"), ConnectionField::TotalCount),
            ],
        });
        self.fetch(context, &root).await
    }

    async fn fetch<V: serde::de::DeserializeOwned>(
        &self,
        context: &RequestContext,
        root: &Root,
    ) -> Result<V> {
        let statement = Statement::value(root)?;
        let json = self.db.fetch_json(context, &statement).await?;
        let mut decoder = serde_json::Deserializer::from_str(&json);
        serde_path_to_error::deserialize(&mut decoder).map_err(|error| {
            let error = self.mismatch(&json, &error);
            tracing::error!(%error, r#type = self.descriptor.name, "a document does not match its type");
            error
        })
    }

    /// Names the row and field of a document that does not fit `T`: the row is the first
    /// object on the error's path holding the key (a list's element, a connection's node).
    fn mismatch(&self, json: &str, error: &serde_path_to_error::Error<serde_json::Error>) -> Error {
        use serde_path_to_error::Segment;
        let document: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let key = |value: Option<&serde_json::Value>| {
            let id = value?.get(self.descriptor.key)?;
            Some(id.as_str().map_or_else(|| id.to_string(), str::to_owned))
        };
        let (mut at, mut field) = (Some(&document), Vec::new());
        let mut row = key(at);
        for segment in error.path().iter() {
            let step = match segment {
                Segment::Seq { index } => {
                    at = at.and_then(|v| v.get(index));
                    format!("[{index}]")
                }
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    at = at.and_then(|v| v.get(key));
                    key.clone()
                }
                Segment::Unknown => "?".to_owned(),
            };
            if row.is_some() {
                field.push(step);
            } else {
                row = key(at);
            }
        }
        Error::Document {
            relation: self.relation.name().to_string(),
            id: row.unwrap_or_else(|| "?".to_owned()),
            field: field.join(".").replace(".[", "["),
            // serde_json places the error in the response text, which means nothing here.
            found: match error.inner().to_string() {
                found if error.inner().line() > 0 => found
                    .rsplit_once(" at line ")
                    .map_or(found.clone(), |(what, _)| what.to_owned()),
                found => found,
            },
        }
    }
}

/// Every served field under its document key (columns under their column name): exactly the
/// JSON the derived `Deserialize` reads.
fn document_projection(descriptor: &TypeDescriptor) -> Projection {
    descriptor
        .fields
        .iter()
        .fold(Projection::new(), |projection, field| {
            let key = field.source.key();
            let value = match field.source {
                FieldSource::Json(key) => {
                    Projected::Value(JsonPath::new(vec![valid(JsonKey::new(key))]))
                }
                FieldSource::Column(column) => Projected::Column(valid(Ident::new(column))),
            };
            projection.field(Name::from(valid(JsonKey::new(key))), value)
        })
}
