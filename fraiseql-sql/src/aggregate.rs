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
    /// `function` of each target, as an object keyed by output name; a `None` target is a
    /// constant string (that object's `__typename`).
    Values(Function, Vec<(Name, Result<Target, Name>)>),
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

    /// `json_build_object(…)` of the aggregates over the rows in `scope` (the caller writes
    /// the `FROM`).
    fn render(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        render_object(w, &self.fields, |w, value| match value {
            Aggregated::Count => {
                w.push("count(*)");
                Ok(())
            }
            Aggregated::Typename(name) => {
                w.put(name);
                Ok(())
            }
            Aggregated::Values(function, values) => {
                render_object(w, values, |w, value| match value {
                    Ok(target) => render_value(w, scope, *function, target),
                    Err(typename) => {
                        w.put(typename);
                        Ok(())
                    }
                })
            }
        })
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
        w.push("(SELECT ");
        self.render(w, &scope)?;
        relation.render_from_where(w, &filter_sql);
        w.push(")");
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
        let e = w.alias("e");
        let element = Scope::document(format!("{e}.v"));
        let filter_sql = self.filter.render_where(w, &element)?;
        w.push("(SELECT ");
        self.aggregation.render(w, &element)?;
        w.put(format_args!(
            " FROM jsonb_array_elements(CASE WHEN jsonb_typeof({json}) = 'array' THEN {json} END) AS {e}(v){filter_sql})"
        ));
        Ok(())
    }
}
