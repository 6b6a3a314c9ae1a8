//! Statements: the SQL text and its params, ready for `tokio_postgres::Client::query`.

use std::ops::Range;
use std::sync::Arc;

use postgres_types::ToSql;

use crate::error::{Error, Result};
use crate::filter::Filter;
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
    /// Shared: statements bound again for new values keep the one text.
    sql: Arc<str>,
    params: Vec<Param>,
    /// Shared too: every binding of one text has the same slots.
    slots: Arc<[(u32, Range<usize>)]>,
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

    /// The slots of the statement's filters ([`Filter::slot`]): each slot's number and the
    /// range of [`params`](Self::params) it bound, in placeholder order.
    pub fn slots(&self) -> &[(u32, Range<usize>)] {
        &self.slots
    }

    /// The same statement (the same SQL text, shared) with the parameters of each listed slot
    /// replaced by those of its new filter; the other parameters stay. A slot's filter must
    /// render to as many parameters of the same types as the slot holds (the same shape with
    /// other values), else the statement is not the one these values need and
    /// [`Error::SlotMismatch`] is returned.
    pub fn rebind(&self, slots: &[(u32, Filter)]) -> Result<Statement> {
        let params = (slots.iter())
            .map(|(n, filter)| Ok((*n, filter.params()?)))
            .collect::<Result<Vec<_>>>()?;
        self.rebind_params(params)
    }

    /// [`rebind`](Self::rebind) with each listed slot's new parameters already rendered (by
    /// [`Filter::params`] or [`Op::params_on`](crate::Op::params_on)): for a caller that keeps
    /// a slot's target and builds only its operator for each new value.
    pub fn rebind_params(
        &self,
        slots: impl IntoIterator<Item = (u32, Vec<Param>)>,
    ) -> Result<Statement> {
        let mut params = self.params.clone();
        for (n, new) in slots {
            let mut ranges = self.slots.iter().filter(|(slot, _)| *slot == n).peekable();
            if ranges.peek().is_none() {
                return Err(Error::SlotMismatch(n));
            }
            for (_, range) in ranges {
                // Each placeholder's cast is in the text: the new params must have the same.
                let same_types = range.len() == new.len()
                    && (params[range.clone()].iter())
                        .zip(&new)
                        .all(|(old, new)| old.cast() == new.cast());
                if !same_types {
                    return Err(Error::SlotMismatch(n));
                }
                params[range.clone()].clone_from_slice(&new);
            }
        }
        Ok(Statement {
            sql: self.sql.clone(),
            params,
            slots: self.slots.clone(),
        })
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
        (self.sql.to_string(), self.params)
    }
}

impl From<Writer> for Statement {
    fn from(w: Writer) -> Self {
        Self {
            sql: w.sql.into(),
            params: w.params,
            slots: w.slots.into(),
        }
    }
}
