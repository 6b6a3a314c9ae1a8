//! Marker types for scalar kinds: they decide, at compile time, which operators a handle has.

use chrono::{DateTime, NaiveDate, Utc};
use fraiseql_sql::{ScalarKind, Value};

/// A scalar kind and the Rust type its operands are given as.
pub trait Scalar {
    /// The SQL kind.
    const KIND: ScalarKind;
    /// Operands of `eq`, `gt`, … are given as this type (or anything `Into` it).
    type Input: Into<Value>;
}

/// Kinds with `gt`, `gte`, `lt`, `lte`: numbers, text, dates.
pub trait Ordered: Scalar {}

/// Kinds rows can be sorted by: every scalar but JSON.
pub trait Sortable: Scalar {}

macro_rules! kinds {
    ($($marker:ident => $kind:ident, $input:ty, $($trait:ident),*;)*) => {$(
        #[doc = concat!("The `", stringify!($kind), "` kind.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $marker;
        impl Scalar for $marker {
            const KIND: ScalarKind = ScalarKind::$kind;
            type Input = $input;
        }
        $(impl $trait for $marker {})*
    )*};
}

kinds! {
    Bool => Bool, bool, Sortable;
    Int => Int, i32, Ordered, Sortable;
    BigInt => BigInt, i64, Ordered, Sortable;
    Float => Float, f64, Ordered, Sortable;
    Text => Text, String, Ordered, Sortable;
    Uuid => Uuid, ::uuid::Uuid, Sortable;
    Date => Date, NaiveDate, Ordered, Sortable;
    Timestamp => Timestamp, DateTime<Utc>, Ordered, Sortable;
    Json => Json, serde_json::Value, ;
}
