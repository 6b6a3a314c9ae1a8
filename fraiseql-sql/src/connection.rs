//! Relay connections: keyset pages over the order keys plus the public key as tiebreak,
//! forwards (`first`/`after`) and backwards (`last`/`before`), with signed cursors.

use crate::cursor::{CursorKey, sql_cursor};
use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::ident::Name;
use crate::kind::{Kind, ScalarKind};
use crate::order::{Direction, Nulls, OrderBy, render_order};
use crate::projection::{Projection, render_object};
use crate::query::{ROW, Relation};
use crate::target::{Source, Target};
use crate::value::Param;
use crate::writer::Writer;

/// Which page of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// The first `first` rows after the `after` cursor (from the start without one).
    Forward {
        /// Page size.
        first: u32,
        /// Cursor of the row the page starts after.
        after: Option<String>,
    },
    /// The last `last` rows before the `before` cursor (up to the end without one).
    Backward {
        /// Page size.
        last: u32,
        /// Cursor of the row the page ends before.
        before: Option<String>,
    },
}

/// A field of an edge.
#[derive(Debug, Clone, PartialEq)]
pub enum EdgeField {
    /// The edge's cursor.
    Cursor,
    /// The row, projected.
    Node(Projection),
    /// A constant `__typename`.
    Typename(Name),
}

/// A field of `pageInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageInfoField {
    /// Rows exist after the page.
    HasNextPage,
    /// Rows exist before the page.
    HasPreviousPage,
    /// Cursor of the page's first edge (null for an empty page).
    StartCursor,
    /// Cursor of the page's last edge (null for an empty page).
    EndCursor,
}

/// A field of the connection object.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionField {
    /// The page's edges, each with the requested fields.
    Edges(Vec<(Name, EdgeField)>),
    /// Page information, with the requested fields (`__typename` as `Err(name)`).
    PageInfo(Vec<(Name, Result<PageInfoField, Name>)>),
    /// The number of rows matching the filter, ignoring paging (counted only when requested).
    TotalCount,
    /// A constant `__typename`.
    Typename(Name),
}

/// A Relay connection over a relation.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Where the rows come from.
    pub relation: Relation,
    /// Which rows.
    pub filter: Filter,
    /// The order; the relation's key is appended as the final tiebreak.
    pub order: Vec<OrderBy>,
    /// Which page.
    pub page: Page,
    /// Signs and verifies cursors.
    pub cursor_key: CursorKey,
    /// The requested fields of the connection object, in output order.
    pub fields: Vec<(Name, ConnectionField)>,
}

impl Connection {
    /// The ordering with the key tiebreak, as read forwards.
    fn keys(&self) -> Result<Vec<OrderBy>> {
        let key = Target::new(
            Source::Column(self.relation.key().clone()),
            Kind::Scalar(ScalarKind::Uuid),
        )?;
        let mut keys = self.order.clone();
        keys.push(OrderBy::asc(key));
        Ok(keys)
    }

    /// What a cursor is valid for: this relation read in this order.
    pub fn cursor_domain(&self) -> Result<String> {
        let scope = self.relation.scope();
        let mut w = Writer::default();
        render_order(&mut w, &scope, &self.keys()?)?;
        Ok(format!("{}{}", self.relation.name(), w.sql))
    }

    pub(crate) fn render(&self, w: &mut Writer) -> Result<()> {
        let scope = self.relation.scope();
        let forward_keys = self.keys()?;
        let domain = self.cursor_domain()?;
        let (size, cursor, backward) = match &self.page {
            Page::Forward { first, after } => (*first, after, false),
            Page::Backward { last, before } => (*last, before, true),
        };
        let keys: Vec<OrderBy> = if backward {
            forward_keys.iter().map(OrderBy::reversed).collect()
        } else {
            forward_keys.clone()
        };
        let exprs = keys
            .iter()
            .map(|k| k.expression(&scope))
            .collect::<Result<Vec<_>>>()?;

        let filter_sql = w.capture(|w| self.filter.render(w, &scope))?;
        let seek_sql = match cursor {
            None => None,
            Some(cursor) => {
                let values = self.cursor_key.decode(&domain, cursor, keys.len())?;
                Some(w.capture(|w| seek(w, &keys, &exprs, &values))?)
            }
        };
        let where_sql = match &seek_sql {
            Some(seek) => format!("{filter_sql} AND {seek}"),
            None => filter_sql.clone(),
        };
        // An integer, written as a literal so the plan knows the page size (see `Root::List`).
        let fetched = u64::from(size) + 1;
        let order_sql = w.capture(|w| render_order(w, &scope, &keys))?;

        // The page's rows, one more than asked to learn whether more follow, picked with
        // ORDER BY … LIMIT straight over the relation (a top-N sort of narrow keys, or an index
        // scan that stops early), each order key computed once as a column "#oN" (no relation
        // column has such a name). Only the page is numbered, given cursors and projected: a
        // window under the LIMIT would make PostgreSQL sort every matching row, and a node
        // projected there would be built for every matching row.
        let mut page = format!(
            "SELECT {}",
            self.relation.page_columns(&self.order, self.nodes())
        );
        let mut page_order = Vec::with_capacity(keys.len());
        let mut columns = Vec::with_capacity(keys.len());
        for (i, (key, expr)) in keys.iter().zip(&exprs).enumerate() {
            let column = format!("{ROW}.\"#o{}\"", i + 1);
            page += &format!(", {expr} AS \"#o{}\"", i + 1);
            page_order.push(format!("{column}{}", key.suffix()));
            columns.push(column);
        }
        let mut numbered = format!(
            "SELECT row_number() OVER (ORDER BY {}) AS rn",
            page_order.join(", ")
        );
        if self.needs_cursors() {
            let (inner_pad, outer_pad) = self.cursor_key.sql_pads(&domain);
            let (inner_pad, outer_pad) = (w.bind(inner_pad), w.bind(outer_pad));
            // Cursor values are PostgreSQL's text forms, in forward key order (the reading
            // order's keys are the same keys, possibly reversed in direction).
            let forward_exprs: Vec<String> =
                columns.iter().map(|c| format!("({c})::text")).collect();
            numbered += &format!(
                ", {} AS c",
                sql_cursor(&forward_exprs, &inner_pad, &outer_pad)
            );
        }
        for (i, projection) in self.nodes().enumerate() {
            let node = w.capture(|w| projection.render(w, &scope))?;
            numbered += &format!(", {node} AS n{i}");
        }

        let output_order = if backward { "w.rn DESC" } else { "w.rn" };
        let reverse_order = if backward { "w.rn" } else { "w.rn DESC" };
        let page_filter = format!("FILTER (WHERE w.rn <= {size})");
        let more = format!("count(*) > {size}");
        let earlier = match &seek_sql {
            // Rows the cursor skipped: the filter holds and the seek condition does not.
            Some(seek) => format!(
                "EXISTS (SELECT 1 FROM {} AS {ROW} WHERE {filter_sql} AND ({seek}) IS NOT TRUE)",
                self.relation.name()
            ),
            None => "FALSE".to_owned(),
        };
        let (has_next, has_previous) = if backward {
            (earlier, more)
        } else {
            (more, earlier)
        };

        w.push("(SELECT ");
        let mut node_index = 0;
        render_object(w, &self.fields, |w, field| {
            match field {
                ConnectionField::Typename(name) => w.put(name),
                ConnectionField::TotalCount => {
                    w.put(format_args!("(SELECT count(*)"));
                    self.relation.render_from_where(w, &filter_sql);
                    w.push(")");
                }
                ConnectionField::Edges(edge_fields) => {
                    w.push("COALESCE(json_agg(");
                    render_object(w, edge_fields, |w, field| {
                        match field {
                            EdgeField::Cursor => w.push("w.c"),
                            EdgeField::Typename(name) => w.put(name),
                            EdgeField::Node(_) => {
                                w.put(format_args!("w.n{node_index}"));
                                node_index += 1;
                            }
                        }
                        Ok(())
                    })?;
                    w.put(format_args!(
                        " ORDER BY {output_order}) {page_filter}, '[]'::json)"
                    ));
                }
                ConnectionField::PageInfo(info_fields) => {
                    render_object(w, info_fields, |w, field| {
                        match field {
                            Err(typename) => w.put(typename),
                            Ok(PageInfoField::HasNextPage) => w.push(&has_next),
                            Ok(PageInfoField::HasPreviousPage) => w.push(&has_previous),
                            Ok(PageInfoField::StartCursor) => w.put(format_args!(
                                "(array_agg(w.c ORDER BY {output_order}) {page_filter})[1]"
                            )),
                            Ok(PageInfoField::EndCursor) => w.put(format_args!(
                                "(array_agg(w.c ORDER BY {reverse_order}) {page_filter})[1]"
                            )),
                        }
                        Ok(())
                    })?;
                }
            }
            Ok(())
        })?;
        w.put(format_args!(" FROM ({numbered} FROM ({page}"));
        self.relation.render_from_where(w, &where_sql);
        // One row whatever is selected: `totalCount` or `__typename` alone aggregate nothing.
        w.put(format_args!(
            "{order_sql} LIMIT {fetched}) AS {ROW}) AS w GROUP BY ())"
        ));
        Ok(())
    }

    /// The node projections, in the order their columns are numbered.
    fn nodes(&self) -> impl Iterator<Item = &Projection> {
        self.fields.iter().flat_map(|(_, field)| match field {
            ConnectionField::Edges(edge) => edge
                .iter()
                .filter_map(|(_, f)| match f {
                    EdgeField::Node(p) => Some(p),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
    }

    fn needs_cursors(&self) -> bool {
        self.fields.iter().any(|(_, field)| match field {
            ConnectionField::Edges(edge) => edge.iter().any(|(_, f)| *f == EdgeField::Cursor),
            ConnectionField::PageInfo(info) => info.iter().any(|(_, f)| {
                matches!(f, Ok(PageInfoField::StartCursor | PageInfoField::EndCursor))
            }),
            _ => false,
        })
    }
}

/// Writes the condition "the row sorts strictly after the cursor's row" for `keys` (already in
/// reading order), with `values` the cursor's text forms.
///
/// For keys k1..kn it is `after(k1) OR (k1 = v1 AND after(k2)) OR …`, where nulls sort where each
/// key puts them: a null cursor value is followed only by non-nulls when nulls come first, and by
/// nothing when they come last.
fn seek(
    w: &mut Writer,
    keys: &[OrderBy],
    exprs: &[String],
    values: &[Option<String>],
) -> Result<()> {
    let mut equal_so_far: Vec<String> = Vec::new();
    let mut terms: Vec<String> = Vec::new();
    for ((key, expr), value) in keys.iter().zip(exprs).zip(values) {
        let cast = match key.target().kind() {
            Kind::Scalar(kind) => kind.sql_type(),
            _ => return Err(Error::InvalidCursor("it does not match this ordering")),
        };
        let nulls_last = key.resolved_nulls() == Nulls::Last;
        let (after, equal) = match value {
            None => (
                (!nulls_last).then(|| format!("{expr} IS NOT NULL")),
                format!("{expr} IS NULL"),
            ),
            Some(text) => {
                let placeholder = w.bind(Param::Text(text.clone()));
                let value = format!("{placeholder}::{cast}");
                let op = match key.direction() {
                    Direction::Asc => ">",
                    Direction::Desc => "<",
                };
                let after = if nulls_last {
                    format!("({expr} {op} {value} OR {expr} IS NULL)")
                } else {
                    format!("{expr} {op} {value}")
                };
                (Some(after), format!("{expr} = {value}"))
            }
        };
        if let Some(after) = after {
            let mut term = equal_so_far.clone();
            term.push(after);
            terms.push(term.join(" AND "));
        }
        equal_so_far.push(equal);
    }
    if terms.is_empty() {
        w.push("FALSE");
    } else {
        w.put(format_args!("({})", terms.join(" OR ")));
    }
    Ok(())
}
