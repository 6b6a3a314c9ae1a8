//! Values: what a user compares against ([`Value`]) and what is bound to a placeholder ([`Param`]).
//!
//! A [`Value`] is loosely typed (a GraphQL argument, a Rust literal). Rendering coerces it to the
//! target's [`ScalarKind`], producing a [`Param`] whose SQL cast is written next to its
//! placeholder (`$1::integer`), so PostgreSQL infers exactly the type the param encodes.

use std::error::Error as StdError;

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, Utc};
use postgres_types::{IsNull, ToSql, Type, to_sql_checked};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::kind::{Kind, ScalarKind};

/// A value to compare against, before it is fitted to a target's kind.
///
/// ```
/// use fraiseql_sql::Value;
/// let v: Value = "Ada".into();
/// assert_eq!(v, Value::Text("Ada".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `true` / `false`
    Bool(bool),
    /// Any integer; fitted to `integer`, `bigint`, `double precision` or `numeric`.
    Int(i64),
    /// A floating-point number; fitted to `double precision` or `numeric`.
    Float(f64),
    /// Text; also parsed for uuid, date, timestamp and numeric targets.
    Text(String),
    /// A UUID.
    Uuid(Uuid),
    /// A calendar date.
    Date(NaiveDate),
    /// An instant.
    Timestamp(DateTime<Utc>),
    /// Any JSON value (for JSON targets).
    Json(serde_json::Value),
}

macro_rules! value_from {
    ($($t:ty => $variant:ident $(as $conv:ty)?),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant((v $(as $conv)?).into())
            }
        }
    )*};
}

value_from!(
    bool => Bool, i16 => Int as i64, i32 => Int as i64, i64 => Int, f32 => Float as f64,
    f64 => Float, String => Text, &str => Text, Uuid => Uuid, NaiveDate => Date,
    DateTime<Utc> => Timestamp, serde_json::Value => Json,
);

impl Value {
    /// Fits this value to `kind`, or says why it cannot.
    ///
    /// ```
    /// use fraiseql_sql::{Value, ScalarKind};
    /// assert!(Value::Int(7).to_param(ScalarKind::Int).is_ok());
    /// assert!(Value::Int(1 << 40).to_param(ScalarKind::Int).is_err());
    /// assert!(Value::from("not-a-uuid").to_param(ScalarKind::Uuid).is_err());
    /// ```
    pub fn to_param(&self, kind: ScalarKind) -> Result<Param> {
        let mismatch = |reason: &str| Error::InvalidValue {
            kind: Kind::Scalar(kind),
            reason: reason.to_owned(),
        };
        Ok(match (kind, self) {
            (ScalarKind::Bool, Value::Bool(b)) => Param::Bool(*b),
            (ScalarKind::Int, Value::Int(i)) => Param::Int4(
                i32::try_from(*i).map_err(|_| mismatch("out of range for a 32-bit integer"))?,
            ),
            (ScalarKind::BigInt, Value::Int(i)) => Param::Int8(*i),
            (ScalarKind::Float, Value::Int(i)) => Param::Float8(*i as f64),
            (ScalarKind::Float, Value::Float(f)) => Param::Float8(*f),
            (ScalarKind::Numeric, Value::Int(i)) => Param::Numeric(i.to_string()),
            (ScalarKind::Numeric, Value::Float(f)) if f.is_finite() => {
                Param::Numeric(f.to_string())
            }
            (ScalarKind::Numeric, Value::Text(s)) if is_decimal(s) => Param::Numeric(s.clone()),
            (ScalarKind::Text, Value::Text(s)) => Param::Text(checked_text(s)?.to_owned()),
            (ScalarKind::Uuid, Value::Uuid(u)) => Param::Uuid(*u),
            (ScalarKind::Uuid, Value::Text(s)) => {
                Param::Uuid(Uuid::parse_str(s).map_err(|_| mismatch("not a UUID"))?)
            }
            (ScalarKind::Date, Value::Date(d)) => {
                in_pg_range(*d, mismatch)?;
                Param::Date(*d)
            }
            (ScalarKind::Date, Value::Text(s)) => {
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| mismatch("not a date (YYYY-MM-DD)"))?;
                in_pg_range(d, mismatch)?;
                Param::Date(d)
            }
            (ScalarKind::Timestamp, Value::Timestamp(t)) => {
                in_pg_range(t.date_naive(), mismatch)?;
                Param::TimestampTz(*t)
            }
            (ScalarKind::Timestamp, Value::Text(s)) => Param::TimestampTz(
                // RFC 3339 years have four digits: always within PostgreSQL's range.
                DateTime::parse_from_rfc3339(s)
                    .map_err(|_| mismatch("not an RFC 3339 timestamp"))?
                    .with_timezone(&Utc),
            ),
            (ScalarKind::Json, value) => Param::Jsonb(checked_json(value.to_json())?),
            (_, value) => return Err(mismatch(&format!("got {}", value.describe()))),
        })
    }

    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => J::from(*f),
            Value::Text(s) => J::String(s.clone()),
            Value::Uuid(u) => J::String(u.to_string()),
            Value::Date(d) => J::String(d.to_string()),
            Value::Timestamp(t) => J::String(t.to_rfc3339()),
            Value::Json(j) => j.clone(),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Text(_) => "text",
            Value::Uuid(_) => "a UUID",
            Value::Date(_) => "a date",
            Value::Timestamp(_) => "a timestamp",
            Value::Json(_) => "JSON",
        }
    }
}

/// The first day PostgreSQL's `date` and `timestamptz` hold: Julian day 0, 4713-11-24 BC
/// (year -4713 in chrono's proleptic Gregorian calendar). Their last days lie beyond chrono's.
fn pg_first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(-4713, 11, 24).expect("a valid date")
}

/// Rejects a day before [`pg_first_day`], which PostgreSQL refuses as out of range.
fn in_pg_range(day: NaiveDate, mismatch: impl Fn(&str) -> Error) -> Result<()> {
    if day < pg_first_day() {
        Err(mismatch(
            "before 4713-11-24 BC, the first day PostgreSQL holds",
        ))
    } else {
        Ok(())
    }
}

/// Rejects text PostgreSQL cannot hold.
pub(crate) fn checked_text(s: &str) -> Result<&str> {
    if s.contains('\0') {
        Err(Error::NulCharacter)
    } else {
        Ok(s)
    }
}

/// Rejects JSON whose strings or keys contain NUL: `jsonb` refuses `\u0000`.
pub(crate) fn checked_json(json: serde_json::Value) -> Result<serde_json::Value> {
    fn walk(json: &serde_json::Value) -> Result<()> {
        match json {
            serde_json::Value::String(s) => checked_text(s).map(drop),
            serde_json::Value::Array(items) => items.iter().try_for_each(walk),
            serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
                checked_text(k)?;
                walk(v)
            }),
            _ => Ok(()),
        }
    }
    walk(&json)?;
    Ok(json)
}

/// `[+-]digits[.digits][e[+-]digits]`: what `numeric` input accepts, minus NaN/Infinity.
///
/// Within `numeric`'s range too: at most 131,072 digits before the decimal point and 16,383
/// after it (its display scale), counted after applying the exponent, as PostgreSQL does;
/// beyond them the cast fails in the database ("value overflows numeric format").
fn is_decimal(s: &str) -> bool {
    /// Most significant digit position (10^x) a `numeric` holds: base-10000 weight 32767.
    const MAX_DECIMAL_WEIGHT: i64 = 131_071;
    /// `NUMERIC_DSCALE_MAX`.
    const MAX_SCALE: i64 = 16_383;
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let exponent = match exponent {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || unsigned.len() > 6 || !digits(unsigned) {
                return false;
            }
            e.parse::<i64>().unwrap_or(i64::MAX)
        }
    };
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return false;
    }
    let scale = frac.len() as i64 - exponent;
    let int_digits = int.trim_start_matches('0').len() as i64;
    // Position of the most significant non-zero digit; a zero has none.
    let weight = if int_digits > 0 {
        Some(int_digits - 1 + exponent)
    } else {
        frac.bytes()
            .position(|b| b != b'0')
            .map(|i| exponent - 1 - i as i64)
    };
    scale <= MAX_SCALE && weight.is_none_or(|w| w <= MAX_DECIMAL_WEIGHT)
}

/// A value bound to one placeholder, already of the exact type its cast announces.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// `boolean`
    Bool(bool),
    /// `integer`
    Int4(i32),
    /// `bigint`
    Int8(i64),
    /// `double precision`
    Float8(f64),
    /// `numeric`, sent as its text form (`$1::text::numeric`) to keep it exact.
    Numeric(String),
    /// `text`
    Text(String),
    /// `uuid`
    Uuid(Uuid),
    /// `date`
    Date(NaiveDate),
    /// `timestamptz`
    TimestampTz(DateTime<Utc>),
    /// `jsonb`
    Jsonb(serde_json::Value),
    /// `bytea`
    Bytea(Vec<u8>),
    /// `bytea` that must not be shown: key material (its `Debug` prints no bytes).
    Secret(Secret),
    /// An array whose elements are all of the given kind.
    Array(ScalarKind, Vec<Param>),
}

impl Param {
    /// The cast written after this param's placeholder.
    pub fn cast(&self) -> &'static str {
        match self {
            Param::Bool(_) => "boolean",
            Param::Int4(_) => "integer",
            Param::Int8(_) => "bigint",
            Param::Float8(_) => "double precision",
            Param::Numeric(_) => "text::numeric",
            Param::Text(_) => "text",
            Param::Uuid(_) => "uuid",
            Param::Date(_) => "date",
            Param::TimestampTz(_) => "timestamptz",
            Param::Jsonb(_) => "jsonb",
            Param::Bytea(_) | Param::Secret(_) => "bytea",
            Param::Array(kind, _) => match kind {
                ScalarKind::Bool => "boolean[]",
                ScalarKind::Int => "integer[]",
                ScalarKind::BigInt => "bigint[]",
                ScalarKind::Float => "double precision[]",
                ScalarKind::Numeric => "text[]::numeric[]",
                ScalarKind::Text => "text[]",
                ScalarKind::Uuid => "uuid[]",
                ScalarKind::Date => "date[]",
                ScalarKind::Timestamp => "timestamptz[]",
                ScalarKind::Json => "jsonb[]",
            },
        }
    }

    /// Fits every value to `kind` and makes one array param of them.
    pub fn array(kind: ScalarKind, values: &[Value]) -> Result<Param> {
        let items = values
            .iter()
            .map(|v| v.to_param(kind))
            .collect::<Result<_>>()?;
        Ok(Param::Array(kind, items))
    }
}

/// Bytes bound as a parameter but never printed, so statements can be logged safely.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(crate) Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl ToSql for Param {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Param::Bool(v) => v.to_sql_checked(ty, out),
            Param::Int4(v) => v.to_sql_checked(ty, out),
            Param::Int8(v) => v.to_sql_checked(ty, out),
            Param::Float8(v) => v.to_sql_checked(ty, out),
            Param::Numeric(v) | Param::Text(v) => v.to_sql_checked(ty, out),
            Param::Uuid(v) => v.to_sql_checked(ty, out),
            Param::Date(v) => v.to_sql_checked(ty, out),
            Param::TimestampTz(v) => v.to_sql_checked(ty, out),
            Param::Jsonb(v) => v.to_sql_checked(ty, out),
            Param::Bytea(v) | Param::Secret(Secret(v)) => v.to_sql_checked(ty, out),
            Param::Array(_, items) => items.to_sql_checked(ty, out),
        }
    }

    /// Every param checks its own type in `to_sql`, against the type its cast made PostgreSQL infer.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for ok in [
            "1",
            "-1.5",
            ".5",
            "5.",
            "1e10",
            "+2.5E-3",
            "1e131071",
            "0.1e131072",
            "0e999999",
            ".5e-16382",
        ] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "e5",
            "1e",
            "NaN",
            "1.2.3",
            "1e1234567",
            "1,5",
            " 1",
            "1e131072",
            "1e999999",
            ".5e-16383",
            "0e-16384",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn coercions() {
        assert_eq!(
            Value::Int(3).to_param(ScalarKind::Float),
            Ok(Param::Float8(3.0))
        );
        assert_eq!(
            Value::from("12.50").to_param(ScalarKind::Numeric),
            Ok(Param::Numeric("12.50".into()))
        );
        assert_eq!(
            Value::from("a\0b").to_param(ScalarKind::Text),
            Err(Error::NulCharacter)
        );
        assert_eq!(
            Value::Json(serde_json::json!({"k\u{0}": 1})).to_param(ScalarKind::Json),
            Err(Error::NulCharacter)
        );
        assert!(Value::Bool(true).to_param(ScalarKind::Int).is_err());
        assert!(
            Value::Float(f64::NAN)
                .to_param(ScalarKind::Numeric)
                .is_err()
        );
        assert!(
            Value::from("2024-02-30")
                .to_param(ScalarKind::Date)
                .is_err()
        );
        assert!(
            Value::from("2024-02-03T04:05:06Z")
                .to_param(ScalarKind::Timestamp)
                .is_ok()
        );
        // PostgreSQL's dates and instants start at 4713-11-24 BC; chrono's go further back.
        assert!(
            Value::from("-4713-11-24")
                .to_param(ScalarKind::Date)
                .is_ok()
        );
        assert!(
            Value::from("-4713-11-23")
                .to_param(ScalarKind::Date)
                .is_err()
        );
        assert!(
            Value::Date(NaiveDate::MIN)
                .to_param(ScalarKind::Date)
                .is_err()
        );
        assert!(
            Value::Timestamp(DateTime::<Utc>::MIN_UTC)
                .to_param(ScalarKind::Timestamp)
                .is_err()
        );
        assert!(
            Value::Timestamp(DateTime::<Utc>::MAX_UTC)
                .to_param(ScalarKind::Timestamp)
                .is_ok()
        );
    }
}
