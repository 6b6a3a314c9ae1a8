//! Root queries: one object, a list, a count or a connection over a relation, each rendered as a
//! scalar subquery whose value is the JSON of that root field.

use crate::aggregate::Aggregation;
use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::ident::{Ident, Name, QualifiedName};
use crate::order::{OrderBy, render_order};
use crate::projection::{Projected, Projection};
use crate::target::Source;
use crate::value::Param;
use crate::writer::{Scope, Writer};

/// Alias of the relation's row in every statement.
pub(crate) const ROW: &str = "t";

/// A read relation (`tv_user`): its name, its JSON document column and its public key column.
///
/// ```
/// use fraiseql_sql::Relation;
/// let users = Relation::new("tv_user")?; // document "data", key "id"
/// let posts = Relation::new("blog.tv_post")?.with_data("doc")?.with_key("uuid")?;
/// # let _ = (users, posts);
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Relation {
    name: QualifiedName,
    data: Ident,
    key: Ident,
}

impl Relation {
    /// `name` (optionally `schema.name`) with the conventional `data` document and `id` key.
    pub fn new(name: &str) -> Result<Self> {
        Ok(Self {
            name: QualifiedName::parse(name)?,
            data: Ident::data(),
            key: Ident::id(),
        })
    }

    /// Uses another document column.
    pub fn with_data(mut self, column: &str) -> Result<Self> {
        self.data = Ident::new(column)?;
        Ok(self)
    }

    /// Uses another public key column (a unique, non-null column).
    pub fn with_key(mut self, column: &str) -> Result<Self> {
        self.key = Ident::new(column)?;
        Ok(self)
    }

    /// The relation's (possibly qualified) name.
    pub fn name(&self) -> &QualifiedName {
        &self.name
    }

    /// The document column.
    pub fn data(&self) -> &Ident {
        &self.data
    }

    /// The public key column.
    pub fn key(&self) -> &Ident {
        &self.key
    }

    pub(crate) fn scope(&self) -> Scope {
        Scope::row(ROW, &self.data)
    }

    /// `t."data", t."id", …`: the columns a page of this relation passes on — the document,
    /// the key (it ends every order), the real columns the order keys and the rows'
    /// `projections` read — so the page carries no column nobody reads.
    pub(crate) fn page_columns<'a>(
        &'a self,
        order: &'a [OrderBy],
        projections: impl IntoIterator<Item = &'a Projection>,
    ) -> String {
        let mut columns: Vec<&Ident> = vec![&self.data, &self.key];
        let order_columns = order.iter().filter_map(|key| match key.target().source() {
            Source::Column(column) => Some(column),
            Source::Path(_) => None,
        });
        let projected = projections
            .into_iter()
            .flat_map(|projection| projection.fields())
            .filter_map(|(_, value)| match value {
                Projected::Column(column) => Some(column),
                _ => None,
            });
        for column in order_columns.chain(projected) {
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
        columns
            .iter()
            .map(|column| format!("{ROW}.{column}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether `order` sorts by this relation's key column (then nothing after it matters).
    pub(crate) fn orders_by_key(&self, order: &[OrderBy]) -> bool {
        order.iter().any(
            |key| matches!(key.target().source(), Source::Column(column) if *column == self.key),
        )
    }

    /// `CREATE INDEX ON rel (…)`: a b-tree index that serves a list of this relation ordered
    /// by `order` — the very expressions, directions and nulls orders the list's `ORDER BY`
    /// uses, then the key — so PostgreSQL reads a page in index order and stops at its
    /// `LIMIT` instead of sorting every matching row. A document path is indexed as the
    /// expression the statement sorts by (`(("data"->>'age')::integer)`); read backwards, the
    /// same index also serves the first key the other way round with the key's default nulls
    /// order.
    ///
    /// ```
    /// use fraiseql_sql::{OrderBy, Relation, ScalarKind, Target};
    /// let users = Relation::new("tv_user")?;
    /// let by_age = [OrderBy::desc(Target::path("age", ScalarKind::Int)?)];
    /// assert_eq!(
    ///     users.index_definition(&by_age)?,
    ///     r#"CREATE INDEX ON "tv_user" ((("data"->>'age')::integer) DESC NULLS FIRST, "id")"#
    /// );
    /// # Ok::<(), fraiseql_sql::Error>(())
    /// ```
    pub fn index_definition(&self, order: &[OrderBy]) -> Result<String> {
        let scope = Scope::document(self.data.to_string());
        let mut keys = Vec::with_capacity(order.len() + 1);
        for key in order {
            let expression = match key.target().source() {
                Source::Column(column) => column.to_string(),
                Source::Path(_) => format!("({})", key.expression(&scope)?),
            };
            keys.push(format!("{expression}{}", key.index_suffix()));
        }
        if !self.orders_by_key(order) {
            keys.push(self.key.to_string());
        }
        Ok(format!(
            "CREATE INDEX ON {} ({})",
            self.name,
            keys.join(", ")
        ))
    }

    /// ` FROM rel t WHERE <filter>`.
    pub(crate) fn render_from_where(&self, w: &mut Writer, filter_sql: &str) {
        w.put(format_args!(
            " FROM {} AS {ROW} WHERE {filter_sql}",
            self.name
        ));
    }
}

/// One root field of a query and the JSON value it produces.
#[derive(Debug, Clone)]
pub enum Root {
    /// The one row matching `filter` (usually a key), projected; `null` when none matches. More
    /// than one match is an error from PostgreSQL (cardinality violation), never a random pick.
    One {
        /// Where the row comes from.
        relation: Relation,
        /// Which row.
        filter: Filter,
        /// Its requested fields.
        projection: Projection,
    },
    /// A JSON array of the matching rows, in order, paged by limit and offset.
    List {
        /// Where the rows come from.
        relation: Relation,
        /// Which rows.
        filter: Filter,
        /// In which order; the relation's key always ends it (and is the whole order when this
        /// is empty), so the order is total and offset pages partition the rows.
        order: Vec<OrderBy>,
        /// At most this many rows (`None`: no limit).
        limit: Option<u32>,
        /// Skip this many rows first.
        offset: u64,
        /// Each row's requested fields.
        projection: Projection,
    },
    /// The number of matching rows.
    Count {
        /// Where the rows come from.
        relation: Relation,
        /// Which rows.
        filter: Filter,
    },
    /// Aggregates over the matching rows: one JSON object.
    Aggregate {
        /// Where the rows come from.
        relation: Relation,
        /// Which rows.
        filter: Filter,
        /// What to compute over them.
        aggregation: Aggregation,
    },
    /// A Relay connection page.
    Connection(Connection),
    /// A constant string: the root's `__typename`.
    Typename(Name),
    /// JSON `null`: a field that could not be answered (its error is reported beside the data).
    Null,
    /// A mutation: a function called with one `jsonb` argument, answered as one of two objects.
    Call(Call),
}

/// A mutation function call (`fn_create_user($1::jsonb)`) returning a `fraiseql_mutation_result`
/// row, projected as `success` when its status is `success` or `success:<detail>`, else as
/// `failure`.
///
/// Both projections read one document built from the row: `status`, `message`, `entity_id`,
/// `entity` (the refreshed entity document), `updated_fields` (`[]` when null), `errors` (`[]`
/// when null) and `code` (the status' kind in upper case: `not_found:user` → `NOT_FOUND`).
///
/// ```
/// use fraiseql_sql::*;
/// let call = Call {
///     function: QualifiedName::parse("fn_create_user")?,
///     input: serde_json::json!({"name": "Ada"}),
///     success: Projection::new()
///         .field(Name::new("__typename")?, Projected::Typename(Name::new("CreateUserSuccess")?))
///         .field(Name::new("user")?, Projected::Object(JsonPath::parse("entity")?,
///             Projection::new().field(Name::new("name")?, Projected::Value(JsonPath::parse("name")?)))),
///     failure: Projection::new()
///         .field(Name::new("code")?, Projected::Value(JsonPath::parse("code")?)),
/// };
/// let statement = Statement::value(&Root::Call(call))?;
/// assert!(statement.sql().contains(r#"FROM "fn_create_user"($1::jsonb) AS r"#));
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Call {
    /// The function, optionally schema-qualified.
    pub function: QualifiedName,
    /// Its one argument.
    pub input: serde_json::Value,
    /// The answer when the function succeeded.
    pub success: Projection,
    /// The answer when it refused.
    pub failure: Projection,
}

impl Call {
    fn render(&self, w: &mut Writer) -> Result<()> {
        // The result row becomes one document, so the projections are ordinary paths.
        let scope = crate::writer::Scope::document("m.d".to_owned());
        w.push("(SELECT CASE WHEN split_part(r.status, ':', 1) = 'success' THEN ");
        self.success.render(w, &scope)?;
        w.push(" ELSE ");
        self.failure.render(w, &scope)?;
        w.put(format_args!(" END FROM {}(", self.function));
        w.param(Param::Jsonb(self.input.clone()));
        w.push(
            ") AS r, LATERAL (SELECT to_jsonb(r) || jsonb_build_object(\
             'code', upper(split_part(r.status, ':', 1)), \
             'updated_fields', COALESCE(to_jsonb(r.updated_fields), '[]'), \
             'errors', COALESCE(r.errors, '[]')) AS d) AS m)",
        );
        Ok(())
    }
}

impl Root {
    pub(crate) fn render(&self, w: &mut Writer) -> Result<()> {
        match self {
            Root::Call(call) => call.render(w)?,
            Root::One {
                relation,
                filter,
                projection,
            } => {
                let scope = relation.scope();
                let filter_sql = w.capture(|w| filter.render(w, &scope))?;
                w.push("(SELECT ");
                projection.render(w, &scope)?;
                relation.render_from_where(w, &filter_sql);
                w.push(")");
            }
            Root::List {
                relation,
                filter,
                order,
                limit,
                offset,
                projection,
            } => {
                let scope = relation.scope();
                let filter_sql = w.capture(|w| filter.render(w, &scope))?;
                // The key ends every order (it alone when none is asked for), so the order is
                // total: the same request reads the same rows in the same order whatever the
                // heap looks like (an update moves a row; a synchronized scan starts mid-table),
                // and pages by offset partition the rows. An order already holding the key
                // column is total as it is.
                let order_sql = w.capture(|w| render_order(w, &scope, order))?;
                let key = format!("{ROW}.{}", relation.key());
                let has_key = relation.orders_by_key(order);
                let order_sql = match (order.is_empty(), has_key) {
                    (true, _) => format!(" ORDER BY {key}"),
                    (false, true) => order_sql,
                    (false, false) => format!("{order_sql}, {key}"),
                };
                // Rows are picked with ORDER BY … LIMIT straight over the relation (a top-N sort
                // of narrow keys), and only the page is projected; the aggregate orders the page
                // again by the same total order. A key read from the document is computed once,
                // as a column of the page ("#o1": no relation column has such a name), which the
                // aggregate sorts by; a real column is read again.
                let mut computed = String::new();
                let mut page_keys = Vec::with_capacity(order.len() + 1);
                for (i, key) in order.iter().enumerate() {
                    let expression = key.expression(&scope)?;
                    page_keys.push(match key.target().source() {
                        Source::Column(_) => format!("{expression}{}", key.suffix()),
                        Source::Path(_) => {
                            let column = format!("\"#o{}\"", i + 1);
                            computed += &format!(", {expression} AS {column}");
                            format!("{ROW}.{column}{}", key.suffix())
                        }
                    });
                }
                if !has_key {
                    page_keys.push(key);
                }
                let aggregate_order = format!(" ORDER BY {}", page_keys.join(", "));
                let projection_sql = w.capture(|w| projection.render(w, &scope))?;
                w.put(format_args!(
                    "(SELECT COALESCE(json_agg({projection_sql}{aggregate_order}), '[]'::json) FROM (SELECT {}{computed}",
                    relation.page_columns(order, [projection])
                ));
                relation.render_from_where(w, &filter_sql);
                w.push(&order_sql);
                // Page bounds are integers (never text), written as literals: the planner then
                // plans for the real page size once per prepared statement, where a `$n` bound
                // would make it re-plan on every execution or keep a plan blind to the limit.
                if let Some(limit) = limit {
                    w.put(format_args!(" LIMIT {limit}"));
                }
                let offset =
                    i64::try_from(*offset).map_err(|_| Error::InvalidPage("offset too large"))?;
                if offset > 0 {
                    w.put(format_args!(" OFFSET {offset}"));
                }
                w.put(format_args!(") AS {ROW})"));
            }
            Root::Count { relation, filter } => {
                let filter_sql = w.capture(|w| filter.render(w, &relation.scope()))?;
                w.push("(SELECT count(*)");
                relation.render_from_where(w, &filter_sql);
                w.push(")");
            }
            Root::Aggregate {
                relation,
                filter,
                aggregation,
            } => aggregation.render_rows(w, relation, filter)?,
            Root::Connection(connection) => connection.render(w)?,
            Root::Typename(name) => w.put(name),
            Root::Null => w.push("NULL::json"),
        }
        Ok(())
    }
}
