//! Scalar kinds: what a value *is* in SQL, and therefore which cast and operators it gets.

use std::fmt;

/// The SQL type family of a scalar field.
///
/// A document path is cast to this kind before comparing, so numbers compare numerically and
/// dates chronologically rather than as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    /// `boolean`
    Bool,
    /// `integer` (32 bits)
    Int,
    /// `bigint` (64 bits)
    BigInt,
    /// `double precision`
    Float,
    /// `numeric` (exact decimal)
    Numeric,
    /// `text`
    Text,
    /// `uuid`
    Uuid,
    /// `date`
    Date,
    /// `timestamptz`
    Timestamp,
    /// `jsonb` (any JSON value)
    Json,
}

impl ScalarKind {
    /// The PostgreSQL type this kind is cast to.
    pub const fn sql_type(self) -> &'static str {
        match self {
            Self::Bool => "boolean",
            Self::Int => "integer",
            Self::BigInt => "bigint",
            Self::Float => "double precision",
            Self::Numeric => "numeric",
            Self::Text => "text",
            Self::Uuid => "uuid",
            Self::Date => "date",
            Self::Timestamp => "timestamptz",
            Self::Json => "jsonb",
        }
    }

    /// Whether `gt`/`gte`/`lt`/`lte` make sense (numbers, dates and text).
    pub const fn is_ordered(self) -> bool {
        matches!(
            self,
            Self::Int
                | Self::BigInt
                | Self::Float
                | Self::Numeric
                | Self::Text
                | Self::Date
                | Self::Timestamp
        )
    }

    /// Whether rows can be sorted by it (everything but JSON).
    pub const fn is_sortable(self) -> bool {
        !matches!(self, Self::Json)
    }
}

/// The kind of a filter or order target: a scalar, an array of scalars, or a full-text vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A single value.
    Scalar(ScalarKind),
    /// An array of values: a PostgreSQL array column, or a JSON array in the document.
    Array(ScalarKind),
    /// A `tsvector` column, searchable with full-text queries.
    TsVector,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scalar(s) => f.write_str(s.sql_type()),
            Self::Array(s) => write!(f, "{}[]", s.sql_type()),
            Self::TsVector => f.write_str("tsvector"),
        }
    }
}

impl From<ScalarKind> for Kind {
    fn from(kind: ScalarKind) -> Self {
        Self::Scalar(kind)
    }
}
