//! Ordering: several keys, each ascending or descending, with nulls first or last.

use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::target::Target;
use crate::writer::{Scope, Writer};

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// Where null (or absent) values sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nulls {
    /// Before every value.
    First,
    /// After every value.
    Last,
}

/// One ordering key.
///
/// Without an explicit [`Nulls`], PostgreSQL's default applies: nulls last ascending, first
/// descending (so a plain b-tree index serves both directions).
///
/// ```
/// use fraiseql_sql::{OrderBy, Target, ScalarKind};
/// let newest_first = OrderBy::desc(Target::path("created_at", ScalarKind::Timestamp)?).nulls_last();
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderBy {
    target: Target,
    direction: Direction,
    nulls: Option<Nulls>,
}

impl OrderBy {
    /// Sorts by `target` in `direction`.
    pub fn new(target: Target, direction: Direction) -> Self {
        Self {
            target,
            direction,
            nulls: None,
        }
    }

    /// Ascending by `target`.
    pub fn asc(target: Target) -> Self {
        Self::new(target, Direction::Asc)
    }

    /// Descending by `target`.
    pub fn desc(target: Target) -> Self {
        Self::new(target, Direction::Desc)
    }

    /// Puts nulls where `nulls` says.
    pub fn nulls(mut self, nulls: Nulls) -> Self {
        self.nulls = Some(nulls);
        self
    }

    /// Nulls before values.
    pub fn nulls_first(self) -> Self {
        self.nulls(Nulls::First)
    }

    /// Nulls after values.
    pub fn nulls_last(self) -> Self {
        self.nulls(Nulls::Last)
    }

    /// The key's target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The key's direction.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Where nulls go, with PostgreSQL's default filled in.
    pub fn resolved_nulls(&self) -> Nulls {
        self.nulls.unwrap_or(match self.direction {
            Direction::Asc => Nulls::Last,
            Direction::Desc => Nulls::First,
        })
    }

    /// The same key sorting the other way round (for pages read backwards).
    pub(crate) fn reversed(&self) -> Self {
        Self {
            target: self.target.clone(),
            direction: match self.direction {
                Direction::Asc => Direction::Desc,
                Direction::Desc => Direction::Asc,
            },
            nulls: Some(match self.resolved_nulls() {
                Nulls::First => Nulls::Last,
                Nulls::Last => Nulls::First,
            }),
        }
    }

    /// The sort expression, refusing kinds that have no order.
    pub(crate) fn expression(&self, scope: &Scope) -> Result<String> {
        match self.target.kind() {
            Kind::Scalar(s) if s.is_sortable() => self.target.value(scope),
            kind => Err(Error::UnsupportedOperator {
                op: "order by",
                kind,
            }),
        }
    }

    /// What follows the sort expression: ` ASC NULLS LAST` and the like.
    pub(crate) fn suffix(&self) -> &'static str {
        match (self.direction, self.resolved_nulls()) {
            (Direction::Asc, Nulls::First) => " ASC NULLS FIRST",
            (Direction::Asc, Nulls::Last) => " ASC NULLS LAST",
            (Direction::Desc, Nulls::First) => " DESC NULLS FIRST",
            (Direction::Desc, Nulls::Last) => " DESC NULLS LAST",
        }
    }

    /// The key's direction and nulls order in an index definition: nothing for ascending with
    /// nulls last (b-tree's default), ` DESC NULLS FIRST` and the like otherwise.
    pub(crate) fn index_suffix(&self) -> &'static str {
        match (self.direction, self.resolved_nulls()) {
            (Direction::Asc, Nulls::Last) => "",
            _ => self.suffix(),
        }
    }

    pub(crate) fn render(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        w.push(&self.expression(scope)?);
        w.push(self.suffix());
        Ok(())
    }
}

/// Writes ` ORDER BY k1, k2` (nothing for no keys).
pub(crate) fn render_order(w: &mut Writer, scope: &Scope, keys: &[OrderBy]) -> Result<()> {
    if !keys.is_empty() {
        w.push(" ORDER BY ");
        w.join(keys, ", ", |w, key| key.render(w, scope))?;
    }
    Ok(())
}
