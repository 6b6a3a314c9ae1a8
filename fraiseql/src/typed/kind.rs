//! Marker types for scalar kinds: they decide, at compile time, which operators a handle has.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fraiseql_sql::{ScalarKind, Value};

/// A scalar kind.
pub trait Scalar {
    /// The SQL kind.
    const KIND: ScalarKind;
}

/// A Rust value that can be compared with a field of kind `K` (`&str` with text, `i32` with
/// integers, …).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with this field",
    label = "not a value of the field's type"
)]
pub trait Operand<K> {
    /// The value, for the SQL layer.
    fn into_value(self) -> Value;
}

macro_rules! operands {
    ($($marker:ident: $($rust:ty),+;)*) => {$($(
        impl Operand<$marker> for $rust {
            fn into_value(self) -> Value {
                Value::from(self)
            }
        }
    )+)*};
}

operands! {
    Bool: bool;
    Int: i32, i16;
    BigInt: i64, i32;
    Float: f64, f32, i32;
    Text: &str, String;
    Uuid: ::uuid::Uuid;
    Date: NaiveDate;
    Timestamp: DateTime<Utc>;
    Json: serde_json::Value;
}

impl Operand<Text> for &String {
    fn into_value(self) -> Value {
        Value::from(self.as_str())
    }
}

impl Operand<Timestamp> for DateTime<FixedOffset> {
    fn into_value(self) -> Value {
        Value::from(self.with_timezone(&Utc))
    }
}

/// Kinds with `gt`, `gte`, `lt`, `lte`: numbers, text, dates.
pub trait Ordered: Scalar {}

/// Kinds rows can be sorted by: every scalar but JSON.
pub trait Sortable: Scalar {}

macro_rules! kinds {
    ($($marker:ident => $kind:ident, $($trait:ident),*;)*) => {$(
        #[doc = concat!("The `", stringify!($kind), "` kind.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $marker;
        impl Scalar for $marker {
            const KIND: ScalarKind = ScalarKind::$kind;
        }
        $(impl $trait for $marker {})*
    )*};
}

kinds! {
    Bool => Bool, Sortable;
    Int => Int, Ordered, Sortable;
    BigInt => BigInt, Ordered, Sortable;
    Float => Float, Ordered, Sortable;
    Text => Text, Ordered, Sortable;
    Uuid => Uuid, Sortable;
    Date => Date, Ordered, Sortable;
    Timestamp => Timestamp, Ordered, Sortable;
    Json => Json, ;
}
