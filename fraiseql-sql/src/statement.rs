//! Statements: the SQL text and its params, ready for `tokio_postgres::Client::query`.

use postgres_types::ToSql;

use crate::error::Result;
use crate::ident::{Name, QualifiedName};
use crate::projection::render_object;
use crate::query::Root;
use crate::value::Param;
use crate::writer::Writer;

/// One SQL statement returning one row with one `text` column: the JSON of the whole response.
///
/// Rendering is deterministic: the same query shape always yields the same SQL text, so a
/// connection can prepare it once and reuse it with new params.
///
/// ```
/// use fraiseql_sql::*;
/// let users = Relation::new("tv_user")?;
/// let one = Root::One {
///     relation: users.clone(),
///     filter: Filter::cond(Target::column("id", ScalarKind::Uuid)?, Op::Eq(Value::Uuid(uuid::Uuid::nil()))),
///     projection: Projection::new().field(Name::new("name")?, Projected::Value(JsonPath::parse("name")?)),
/// };
/// let statement = Statement::select(&[(Name::new("user")?, one)])?;
/// assert_eq!(
///     statement.sql(),
///     r#"SELECT json_build_object('user', (SELECT json_build_object('name', t."data"->'name') FROM "tv_user" AS t WHERE t."id" = $1::uuid))::text"#
/// );
/// assert_eq!(statement.params().len(), 1);
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    sql: String,
    params: Vec<Param>,
}

impl Statement {
    /// A statement answering every root field at once: `{"<name>": <root JSON>, …}` in order.
    pub fn select(roots: &[(Name, Root)]) -> Result<Self> {
        let mut w = Writer::default();
        w.push("SELECT ");
        render_object(&mut w, roots, |w, root| root.render(w))?;
        w.push("::text");
        Ok(Self::from(w))
    }

    /// A statement returning the JSON of a single root (`[...]`, `{...}`, a number or `null`).
    pub fn value(root: &Root) -> Result<Self> {
        let mut w = Writer::default();
        // A root that finds no row is SQL NULL; the JSON for it is `null`.
        w.push("SELECT COALESCE((");
        root.render(&mut w)?;
        w.push(")::text, 'null')");
        Ok(Self::from(w))
    }

    /// A statement calling a mutation function with `input` as its one `jsonb` argument and
    /// returning its result row as JSON text (`{"status": …, "entity": …}`); `null` when the
    /// function returns no row.
    ///
    /// ```
    /// use fraiseql_sql::{QualifiedName, Statement};
    /// let create = QualifiedName::parse("app.fn_create_user")?;
    /// let statement = Statement::call(&create, serde_json::json!({"name": "Ada"}));
    /// assert_eq!(
    ///     statement.sql(),
    ///     r#"SELECT COALESCE((SELECT to_json(r) FROM "app"."fn_create_user"($1::jsonb) AS r)::text, 'null')"#
    /// );
    /// # Ok::<(), fraiseql_sql::Error>(())
    /// ```
    pub fn call(function: &QualifiedName, input: serde_json::Value) -> Self {
        let mut w = Writer::default();
        w.put(format_args!(
            "SELECT COALESCE((SELECT to_json(r) FROM {function}("
        ));
        w.param(Param::Jsonb(input));
        w.push(") AS r)::text, 'null')");
        Self::from(w)
    }

    /// The SQL text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The params, in placeholder order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The params as `tokio-postgres` takes them.
    pub fn params_ref(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p as &(dyn ToSql + Sync))
            .collect()
    }

    /// The SQL text and the params.
    pub fn into_parts(self) -> (String, Vec<Param>) {
        (self.sql, self.params)
    }
}

impl From<Writer> for Statement {
    fn from(w: Writer) -> Self {
        Self {
            sql: w.sql,
            params: w.params,
        }
    }
}
