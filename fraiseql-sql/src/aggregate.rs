//! Aggregates: `count`, `sum`, `avg`, `min` and `max` over the rows of a relation or the
//! elements of an embedded list, computed by PostgreSQL in the statement that asks for them and
//! built as one JSON object in selection order.
//!
//! Exact numbers stay exact: a sum or average whose SQL type is `bigint` or `numeric` (the sum
//! of integers, every average of integers or decimals) is written as a JSON *string* of its
//! digits, which no JSON reader rounds; `count` is a 32-bit number.

use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::ident::Name;
use crate::kind::{Kind, ScalarKind};
use crate::projection::render_object;
use crate::query::Relation;
use crate::rename::Renames;
use crate::target::{JsonPath, Target};
use crate::writer::{Scope, Writer};

/// An aggregate function over one value per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// The sum of the non-null values (null when there are none).
    Sum,
    /// Their mean.
    Avg,
    /// The smallest.
    Min,
    /// The largest.
    Max,
}

impl Function {
    /// The function's name in SQL and in GraphQL.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
        }
    }

    /// Whether the function applies to values of `kind`: sums and averages to numbers, the
    /// smallest and largest to numbers, text and dates.
    pub const fn applies_to(self, kind: ScalarKind) -> bool {
        use ScalarKind::{BigInt, Date, Float, Int, Numeric, Text, Timestamp};
        match self {
            Self::Sum | Self::Avg => matches!(kind, Int | BigInt | Float | Numeric),
            Self::Min | Self::Max => {
                matches!(
                    kind,
                    Int | BigInt | Float | Numeric | Text | Date | Timestamp
                )
            }
        }
    }

    /// Whether the result of the function over `kind` is written as a string of its digits:
    /// `bigint` and `numeric` results, which a JSON number in a reader's `f64` would round.
    pub const fn is_exact_text(self, kind: ScalarKind) -> bool {
        use ScalarKind::{BigInt, Int, Numeric};
        match self {
            Self::Sum | Self::Avg => matches!(kind, Int | BigInt | Numeric),
            Self::Min | Self::Max => matches!(kind, BigInt | Numeric),
        }
    }
}

/// One output key of an aggregate object.
#[derive(Debug, Clone, PartialEq)]
pub enum Aggregated {
    /// The number of rows (a JSON number).
    Count,
    /// A constant string: the GraphQL `__typename`.
    Typename(Name),
    /// `function` of each target, as an object keyed by output name; an `Err` is a constant
    /// string (that object's `__typename`).
    Values(Function, Vec<(Name, Result<Target, Name>)>),
    /// The same rows grouped by `keys`: a JSON array of one object per group, ordered by the
    /// keys (ascending, nulls last).
    Groups(Box<Groups>),
}

/// A unit a date or timestamp is truncated to before grouping (`date_trunc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncate {
    /// The year.
    Year,
    /// The month.
    Month,
    /// The ISO week (from Monday).
    Week,
    /// The day.
    Day,
    /// The hour.
    Hour,
}

impl Truncate {
    const fn unit(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
            Self::Week => "week",
            Self::Day => "day",
            Self::Hour => "hour",
        }
    }
}

/// One grouping key: a value, or a date or timestamp truncated to a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupKey {
    /// The value grouped by.
    pub target: Target,
    /// Truncated first (dates and timestamps only).
    pub truncate: Option<Truncate>,
    /// The names the key's stored texts are answered as (an enum's); groups are still formed
    /// and ordered by the stored texts.
    pub renames: Renames,
}

impl GroupKey {
    fn expression(&self, scope: &Scope) -> Result<String> {
        let value = self.target.value(scope)?;
        Ok(match (self.truncate, self.target.kind()) {
            (None, Kind::Scalar(kind)) if kind.is_sortable() => value,
            (Some(unit), Kind::Scalar(ScalarKind::Timestamp)) => {
                format!("date_trunc('{}', {value})", unit.unit())
            }
            (Some(unit), Kind::Scalar(ScalarKind::Date)) => {
                format!("date_trunc('{}', {value})::date", unit.unit())
            }
            (_, kind) => {
                return Err(Error::UnsupportedOperator {
                    op: "group by",
                    kind,
                });
            }
        })
    }
}

/// What one output key of a group holds.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupField {
    /// The group's keys, as an object: each name holds key `n` of [`Groups::keys`], or null
    /// (`None`: a field not grouped by), or a constant string (`Err`: its `__typename`).
    Keys(Vec<(Name, Result<Option<usize>, Name>)>),
    /// An aggregate over the group's rows.
    Aggregate(Aggregated),
}

/// Rows grouped by keys, each group an object of [`GroupField`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// The keys, in grouping (and output) order.
    pub keys: Vec<GroupKey>,
    /// Each group's fields, in output order.
    pub fields: Vec<(Name, GroupField)>,
}

/// The aggregates one field asks for, in output order.
///
/// ```
/// use fraiseql_sql::*;
/// let age = Target::path("age", ScalarKind::Int)?;
/// let stats = Aggregation::new()
///     .field(Name::new("count")?, Aggregated::Count)
///     .field(Name::new("sum")?, Aggregated::Values(Function::Sum, vec![(Name::new("age")?, Ok(age))]));
/// let root = Root::Aggregate { relation: Relation::new("tv_user")?, filter: Filter::all(), aggregation: stats };
/// let sql = Statement::value(&root)?.sql().to_owned();
/// assert!(sql.contains(r#"json_build_object('count', count(*), 'sum', json_build_object('age', sum((t."data"->>'age')::integer)::text))"#));
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Aggregation {
    fields: Vec<(Name, Aggregated)>,
}

impl Aggregation {
    /// No aggregate yet (renders `{}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name: value` after the keys already there.
    pub fn field(mut self, name: Name, value: Aggregated) -> Self {
        self.fields.push((name, value));
        self
    }

    /// The keys, in output order.
    pub fn fields(&self) -> &[(Name, Aggregated)] {
        &self.fields
    }

    /// `SELECT json_build_object(…)<from>`: the aggregates over the rows in `scope` that
    /// `from` (` FROM … WHERE …`, written after) reads.
    fn render(&self, w: &mut Writer, scope: &Scope, from: &str) -> Result<()> {
        w.push("(SELECT ");
        render_object(w, &self.fields, |w, value| {
            render_aggregated(w, scope, from, value)
        })?;
        w.push(from);
        // One row whatever is selected (`groups` or `__typename` alone aggregate nothing).
        w.push(" GROUP BY ())");
        Ok(())
    }

    /// `(SELECT json_build_object(…) FROM rel t WHERE <filter>)`: over the rows of a relation.
    pub(crate) fn render_rows(
        &self,
        w: &mut Writer,
        relation: &Relation,
        filter: &Filter,
    ) -> Result<()> {
        let scope = relation.scope();
        let filter_sql = w.capture(|w| filter.render(w, &scope))?;
        let from = w.capture(|w| {
            relation.render_from_where(w, &filter_sql);
            Ok(())
        })?;
        self.render(w, &scope, &from)
    }
}

fn render_aggregated(w: &mut Writer, scope: &Scope, from: &str, value: &Aggregated) -> Result<()> {
    match value {
        Aggregated::Count => w.push("count(*)"),
        Aggregated::Typename(name) => w.put(name),
        Aggregated::Values(function, values) => {
            render_object(w, values, |w, value| match value {
                Ok(target) => render_value(w, scope, *function, target),
                Err(typename) => {
                    w.put(typename);
                    Ok(())
                }
            })?;
        }
        Aggregated::Groups(groups) => groups.render(w, scope, from)?,
    }
    Ok(())
}

impl Groups {
    /// `(SELECT COALESCE(json_agg(g.j ORDER BY g.k1, …), '[]') FROM (SELECT <key> AS k1, …,
    /// json_build_object(…) AS j<from> GROUP BY <key>, …) AS g)`.
    fn render(&self, w: &mut Writer, scope: &Scope, from: &str) -> Result<()> {
        let g = w.alias("g");
        let keys = (self.keys.iter())
            .map(|key| key.expression(scope))
            .collect::<Result<Vec<_>>>()?;
        let object = w.capture(|w| {
            render_object(w, &self.fields, |w, field| match field {
                GroupField::Aggregate(value) => render_aggregated(w, scope, from, value),
                GroupField::Keys(names) => render_object(w, names, |w, key| {
                    match key {
                        Ok(Some(n)) => {
                            let key = keys.get(*n).ok_or(Error::NoGroupKey(*n))?;
                            self.keys[*n].renames.render_text(w, key);
                        }
                        Ok(None) => w.push("NULL"),
                        Err(typename) => w.put(typename),
                    }
                    Ok(())
                }),
            })
        })?;
        let columns: String = (keys.iter().enumerate())
            .map(|(i, key)| format!("{key} AS k{}, ", i + 1))
            .collect();
        let order: Vec<String> = (1..=keys.len())
            .map(|i| format!("{g}.k{i} ASC NULLS LAST"))
            .collect();
        let order = if order.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", order.join(", "))
        };
        let group_by = if keys.is_empty() {
            " GROUP BY ()".to_owned()
        } else {
            format!(" GROUP BY {}", keys.join(", "))
        };
        w.put(format_args!(
            "(SELECT COALESCE(json_agg({g}.j{order}), '[]'::json) FROM (SELECT {columns}{object} AS j{from}{group_by}) AS {g})"
        ));
        Ok(())
    }
}

/// `function(<value>)`, as text when the result is an exact number.
fn render_value(w: &mut Writer, scope: &Scope, function: Function, target: &Target) -> Result<()> {
    let kind = match target.kind() {
        Kind::Scalar(kind) if function.applies_to(kind) => kind,
        kind => {
            return Err(Error::UnsupportedOperator {
                op: function.name(),
                kind,
            });
        }
    };
    let value = target.value(scope)?;
    let cast = if function.is_exact_text(kind) {
        "::text"
    } else {
        ""
    };
    w.put(format_args!("{}({value}){cast}", function.name()));
    Ok(())
}

/// Aggregates over the elements of an embedded list
/// ([`Projected::Aggregate`](crate::Projected::Aggregate)): over no elements when the document
/// holds no array there (a count of 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ElementAggregate {
    /// Where the array is in the current document.
    pub path: JsonPath,
    /// Which elements (each evaluated with the element as the document).
    pub filter: Filter,
    /// What to compute over them.
    pub aggregation: Aggregation,
}

impl ElementAggregate {
    pub(crate) fn render(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        let json = self.path.json(&scope.doc);
        let counts_only = (self.aggregation.fields.iter())
            .all(|(_, value)| matches!(value, Aggregated::Count | Aggregated::Typename(_)));
        if counts_only && self.filter == Filter::all() {
            // Every element counts: the array's length, with no expansion.
            let count = format!(
                "COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof({json}) = 'array' THEN {json} END), 0)"
            );
            return render_object(w, &self.aggregation.fields, |w, value| {
                match value {
                    Aggregated::Typename(name) => w.put(name),
                    _ => w.push(&count),
                }
                Ok(())
            });
        }
        let e = w.alias("e");
        let element = Scope::document(format!("{e}.v"));
        let filter_sql = self.filter.render_where(w, &element)?;
        let from = format!(
            " FROM jsonb_array_elements(CASE WHEN jsonb_typeof({json}) = 'array' THEN {json} END) AS {e}(v){filter_sql}"
        );
        self.aggregation.render(w, &element, &from)
    }
}
