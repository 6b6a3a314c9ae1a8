//! Typed aggregates: `User::aggregate().age().sum()` is a [`Measure`] whose Rust result type
//! follows the field's kind, and `Repository::aggregate` computes several in one statement.
//! Only kinds a function applies to have it: summing a `String` field does not compile.

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use fraiseql_sql::{Function, Kind, Target};

use super::kind::{BigInt, Date, Float, Int, Scalar, Text, Timestamp};
use super::scalar::ScalarHandle;

/// An exact decimal number as PostgreSQL computed it (an average of integers), kept as its
/// digits: no digit is lost on the way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exact(String);

impl Exact {
    /// The digits (`"43.6000000000000000"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl std::fmt::Display for Exact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Rust value an aggregate's JSON result is read as (exact numbers come as strings).
pub trait FromAggregate: Sized {
    /// The value of `json`, or why it is not one.
    fn from_aggregate(json: serde_json::Value) -> Result<Self, String>;
}

impl<T: FromAggregate> FromAggregate for Option<T> {
    fn from_aggregate(json: serde_json::Value) -> Result<Self, String> {
        match json {
            serde_json::Value::Null => Ok(None),
            json => T::from_aggregate(json).map(Some),
        }
    }
}

impl FromAggregate for Exact {
    fn from_aggregate(json: serde_json::Value) -> Result<Self, String> {
        match json {
            serde_json::Value::String(digits) => Ok(Exact(digits)),
            serde_json::Value::Number(n) => Ok(Exact(n.to_string())),
            other => Err(format!("expected a number, found {other}")),
        }
    }
}

/// Numbers that may come as a JSON number or as a string of digits.
macro_rules! numbers {
    ($($rust:ty),*) => {$(
        impl FromAggregate for $rust {
            fn from_aggregate(json: serde_json::Value) -> Result<Self, String> {
                match &json {
                    serde_json::Value::String(digits) => digits.parse().map_err(|e| format!("{digits}: {e}")),
                    _ => serde_json::from_value(json).map_err(|e| e.to_string()),
                }
            }
        }
    )*};
}
numbers!(i32, i64, i128, f64);

/// Values serde reads from their JSON form.
macro_rules! serde_values {
    ($($rust:ty),*) => {$(
        impl FromAggregate for $rust {
            fn from_aggregate(json: serde_json::Value) -> Result<Self, String> {
                serde_json::from_value(json).map_err(|e| e.to_string())
            }
        }
    )*};
}
serde_values!(String, NaiveDate, DateTime<Utc>);

/// Kinds with `sum` and `avg`, and their results' Rust types.
pub trait Summable: Scalar {
    /// The sum's type (integers: exact, one size up).
    type Sum: FromAggregate;
    /// The mean's type (integers: exact digits).
    type Avg: FromAggregate;
}

impl Summable for Int {
    type Sum = i64;
    type Avg = Exact;
}

impl Summable for BigInt {
    type Sum = i128;
    type Avg = Exact;
}

impl Summable for Float {
    type Sum = f64;
    type Avg = f64;
}

/// Kinds with `min` and `max`, and the Rust type of a value.
pub trait Extremum: Scalar {
    /// A value of the kind.
    type Value: FromAggregate;
}

macro_rules! extrema {
    ($($kind:ty => $rust:ty),*) => {$(
        impl Extremum for $kind {
            type Value = $rust;
        }
    )*};
}
extrema!(Int => i32, BigInt => i64, Float => f64, Text => String, Date => NaiveDate, Timestamp => DateTime<Utc>);

/// One aggregate of one field, read as a `T`: `User::aggregate().age().sum()`.
#[derive(Debug, Clone)]
pub struct Measure<T> {
    pub(crate) function: Function,
    pub(crate) target: Target,
    result: PhantomData<fn() -> T>,
}

impl<K: Scalar> ScalarHandle<K> {
    fn measure<T>(&self, function: Function) -> Measure<T> {
        Measure {
            function,
            target: self.target(Kind::Scalar(K::KIND)),
            result: PhantomData,
        }
    }
}

impl<K: Summable> ScalarHandle<K> {
    /// The sum of the non-null values (`None` when there are none).
    pub fn sum(&self) -> Measure<Option<K::Sum>> {
        self.measure(Function::Sum)
    }

    /// Their mean (`None` when there are none).
    pub fn avg(&self) -> Measure<Option<K::Avg>> {
        self.measure(Function::Avg)
    }
}

impl<K: Extremum> ScalarHandle<K> {
    /// The smallest non-null value (`None` when there are none).
    pub fn min(&self) -> Measure<Option<K::Value>> {
        self.measure(Function::Min)
    }

    /// The largest non-null value (`None` when there are none).
    pub fn max(&self) -> Measure<Option<K::Value>> {
        self.measure(Function::Max)
    }
}

/// One or more [`Measure`]s computed together: a measure, or a tuple of up to four.
pub trait Measures {
    /// The results, in the same shape.
    type Output;

    /// The measures, in order.
    fn measures(&self) -> Vec<(Function, Target)>;

    /// The results from the JSON values of the measures, in order.
    fn read(values: Vec<serde_json::Value>) -> Result<Self::Output, String>;
}

impl<T: FromAggregate> Measures for Measure<T> {
    type Output = T;

    fn measures(&self) -> Vec<(Function, Target)> {
        vec![(self.function, self.target.clone())]
    }

    fn read(values: Vec<serde_json::Value>) -> Result<T, String> {
        T::from_aggregate(values.into_iter().next().unwrap_or_default())
    }
}

macro_rules! tuples {
    ($(($($t:ident $v:ident),+))*) => {$(
        impl<$($t: FromAggregate),+> Measures for ($(Measure<$t>,)+) {
            type Output = ($($t,)+);

            fn measures(&self) -> Vec<(Function, Target)> {
                let ($($v,)+) = self;
                vec![$(($v.function, $v.target.clone())),+]
            }

            fn read(values: Vec<serde_json::Value>) -> Result<Self::Output, String> {
                let mut values = values.into_iter();
                Ok(($($t::from_aggregate(values.next().unwrap_or_default())?,)+))
            }
        }
    )*};
}
tuples! {
    (A a)
    (A a, B b)
    (A a, B b, C c)
    (A a, B b, C c, D d)
}
