//! Typed handles: `User::filter().name().starts_with("A")`, `User::order().age().desc()`,
//! `User::aggregate().age().sum()`.
//!
//! `#[derive(FraiseType)]` generates a `<Type>Fields` struct with one method per field; each
//! returns the handle its Rust type calls for ([`crate::FraiseField::Handle`]). A handle only has
//! the operators its kind supports, so `gt` on a `bool` or `starts_with` on an `i32` does not
//! compile. Handles produce [`fraiseql_sql::Filter`] and [`fraiseql_sql::OrderBy`] values.

mod aggregate;
pub mod kind;
mod list;
mod scalar;

pub use aggregate::{Exact, Extremum, FromAggregate, Measure, Measures, Summable};
pub use list::{ArrayHandle, EnumArrayHandle, NoHandle, ObjectListHandle};
pub use scalar::{EnumHandle, ScalarHandle};

use fraiseql_sql::{Ident, JsonKey, JsonPath, Kind, Source, Target};

/// Where a handle points: a real column of the row, or a path in the current document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// Whether the row's real columns are reachable (false inside an embedded object or list).
    row: bool,
    column: Option<&'static str>,
    path: Vec<&'static str>,
}

impl Base {
    /// The top of a row of a `tv_*` relation.
    pub fn row() -> Self {
        Self {
            row: true,
            column: None,
            path: Vec::new(),
        }
    }

    /// The top of an element of an embedded list.
    pub fn element() -> Self {
        Self {
            row: false,
            ..Self::row()
        }
    }

    /// The document key `key` below this base. Keys are validated by the derive.
    pub fn child(&self, key: &'static str) -> Self {
        let mut path = self.path.clone();
        path.push(key);
        Self {
            row: false,
            column: None,
            path,
        }
    }

    /// The real column `column` at the top of a row; below the top (embedded objects and list
    /// elements carry no columns) the same name is read from the document instead.
    pub fn column(&self, column: &'static str) -> Self {
        if self.row {
            Self {
                row: false,
                column: Some(column),
                path: Vec::new(),
            }
        } else {
            self.child(column)
        }
    }

    /// The document path (empty for a column).
    pub(crate) fn json_path(&self) -> JsonPath {
        JsonPath::new(self.path.iter().map(|k| valid(JsonKey::new(k))).collect())
    }

    /// The target of kind `kind` this base addresses.
    pub(crate) fn target(&self, kind: Kind) -> Target {
        let source = match self.column {
            Some(column) => Source::Column(valid(Ident::new(column))),
            None => Source::Path(self.json_path()),
        };
        valid(Target::new(source, kind))
    }
}

/// Names in a [`Base`] come from `#[derive(FraiseType)]`, which validates them at compile time,
/// and handles never address a `tsvector`; so this cannot fail for derived types.
fn valid<T>(result: fraiseql_sql::Result<T>) -> T {
    result.expect("names validated by #[derive(FraiseType)]")
}

/// A typed view of a field (or of a whole object) at a [`Base`].
pub trait Handle {
    /// The handle at `base`.
    fn at(base: Base) -> Self;
}
