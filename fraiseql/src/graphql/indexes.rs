//! Which orders of the served lists no index serves: a page in such an order sorts every row
//! its filter matches. [`SchemaBuilder::build_checked`](super::SchemaBuilder::build_checked)
//! logs them.

use fraiseql_sql::{
    Filter, Kind, Name, OrderBy, Projected, Projection, Relation, Root, ScalarKind, Source,
    Statement,
};

use super::info::order_fields;
use super::root::Schema;
use crate::database::Database;
use crate::error::{Error, Result};

/// An order of a served type's lists that no index of its relation serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnservedOrder {
    /// The GraphQL type.
    pub entity: &'static str,
    /// The `orderBy` field (its `OrderField` value, `NAME`), or `None` for the order of lists
    /// that ask for none (the type's default order, or the key alone).
    pub field: Option<String>,
    /// The b-tree index that serves it (ascending, and read backwards descending), or `None`
    /// when no index can: a date or timestamp inside the document sorts through a cast from
    /// text that is not immutable; declare such a field a real column.
    pub index: Option<String>,
}

/// Each order of `schema`'s lists and connections — the order of a list that asks for none,
/// and ascending by each `orderBy` field — that no index of the relation serves in `db`.
///
/// PostgreSQL decides: each order is planned (`EXPLAIN`, with sorts and sequential scans
/// discouraged) on the very statement a list in that order runs, and an order is served when
/// the plan reads the relation through an index in that order (or in the order of its first
/// keys, finishing with an incremental sort) rather than sorting all the rows.
///
/// ```no_run
/// # use fraiseql::{Database, FraiseType, graphql::{SchemaBuilder, unserved_orders}};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
/// # async fn demo(db: Database) -> fraiseql::Result<()> {
/// let schema = SchemaBuilder::new().query::<User>().build()?;
/// for order in unserved_orders(&schema, &db).await? {
///     println!("{:?}: {:?}", order.field, order.index); // Some("NAME"): CREATE INDEX ON …
/// }
/// # Ok(()) }
/// ```
pub async fn unserved_orders(schema: &Schema, db: &Database) -> Result<Vec<UnservedOrder>> {
    let info = &schema.query_info;
    let client = db.pool().get().await.map_err(|error| {
        tracing::warn!(%error, "no database connection");
        Error::Unavailable
    })?;
    let mut unserved = Vec::new();
    for (index, entity) in info.entities.iter().enumerate() {
        let Some(roots) = &entity.roots else { continue };
        if roots.list.is_none() && roots.connection.is_none() {
            continue;
        }
        let descriptor = entity.descriptor;
        let relation = Relation::new(descriptor.view)
            .and_then(|r| r.with_data(descriptor.data))
            .and_then(|r| r.with_key(descriptor.key))
            .map_err(|e| Error::BadInput(e.to_string()))?;
        let mut orders = vec![(None, entity.default_order.clone())];
        for (value, field_index) in order_fields(info, index) {
            if let Some(target) = descriptor.fields[field_index].order_target() {
                orders.push((Some(value), vec![OrderBy::asc(target)]));
            }
        }
        for (field, order) in orders {
            if served(&client, &relation, &order).await? {
                continue;
            }
            let indexable = order.iter().all(|key| {
                !matches!(
                    (key.target().source(), key.target().kind()),
                    (
                        Source::Path(_),
                        Kind::Scalar(ScalarKind::Date | ScalarKind::Timestamp)
                    )
                )
            });
            let index = match indexable {
                true => Some(
                    relation
                        .index_definition(&order)
                        .map_err(|e| Error::BadInput(e.to_string()))?,
                ),
                false => None,
            };
            unserved.push(UnservedOrder {
                entity: descriptor.name,
                field,
                index,
            });
        }
    }
    Ok(unserved)
}

/// Whether PostgreSQL reads a page of `relation` in `order` (then by key) without sorting all
/// the rows, when it can.
async fn served(
    client: &tokio_postgres::Client,
    relation: &Relation,
    order: &[OrderBy],
) -> Result<bool> {
    let typename = Name::new("__typename").map_err(|e| Error::BadInput(e.to_string()))?;
    let root = Root::List {
        relation: relation.clone(),
        filter: Filter::all(),
        order: order.to_vec(),
        limit: Some(20),
        offset: 0,
        projection: Projection::new().field(typename.clone(), Projected::Typename(typename)),
    };
    let statement = Statement::value(&root).map_err(|e| Error::BadInput(e.to_string()))?;
    client
        .batch_execute(
            "BEGIN READ ONLY; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off",
        )
        .await
        .map_err(Error::from_database)?;
    let plan = client
        .query_one(
            &format!("EXPLAIN (FORMAT JSON) {}", statement.sql()),
            &statement.params_ref(),
        )
        .await;
    client
        .batch_execute("ROLLBACK")
        .await
        .map_err(Error::from_database)?;
    let plan: serde_json::Value = plan.map_err(Error::from_database)?.get(0);
    Ok(!plan.to_string().contains(r#""Node Type":"Sort""#))
}
