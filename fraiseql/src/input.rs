//! From a GraphQL input value to the JSON object a mutation function receives.
//!
//! juniper validates an argument against its input type; [`InputDescriptor::to_json`] then turns
//! the value into the very JSON `Serialize` makes of the equivalent `#[derive(FraiseInput)]`
//! struct, so a function sees the same `jsonb` whether it is called from GraphQL or from Rust:
//! GraphQL names become JSON keys, enum values their stored text, nested inputs nested objects,
//! and an optional field given as `null` or not given at all is left out.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fraiseql_sql::ScalarKind;
use juniper::{DefaultScalarValue as S, InputValue};
use serde_json::{Map, Number, Value as Json};
use uuid::Uuid;

use crate::descriptor::{EnumDescriptor, FieldType, InputDescriptor};

/// Why a GraphQL input value does not fit its input type, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    path: String,
    message: String,
}

impl InputError {
    fn new(path: &Path<'_>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// Where, as GraphQL names and list indexes (`address.city`, `tags[2]`); empty at the top.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for InputError {}

impl From<InputError> for crate::Error {
    fn from(error: InputError) -> Self {
        crate::Error::BadInput(error.to_string())
    }
}

/// A position inside the value, built only when an error is reported.
enum Path<'p> {
    Top,
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Top => Ok(()),
            Path::Field(Path::Top, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

impl InputDescriptor {
    /// The JSON object the function receives for `value`, an argument of this input type that
    /// juniper has validated (variables substituted).
    ///
    /// It equals `serde_json::to_value` of the same input as a Rust struct. Timestamps are sent in
    /// UTC (`2024-05-01T08:00:00Z`), UUIDs in lowercase hyphenated form, dates as `YYYY-MM-DD`;
    /// big integers given as text or as whole floats become JSON numbers; a single value given
    /// for a list is a list of one, as GraphQL coerces it.
    ///
    /// The descriptor knows GraphQL types, not Rust ones, so three Rust types read differently
    /// from what this sends: an `f32` field serializes its own rounding (`0.1` as
    /// `0.10000000149011612`) where this sends the client's `0.1`; an `i16` field is a GraphQL
    /// `Int`, so a value past 16 bits reaches the function (whose `smallint` refuses it); a
    /// `DateTime<FixedOffset>` field serializes its offset where this sends UTC (the same instant).
    ///
    /// ```
    /// use fraiseql::FraiseInput;
    /// use juniper::{InputValue, graphql_input_value};
    ///
    /// #[derive(FraiseInput)]
    /// struct CreateUserInput {
    ///     display_name: String,
    ///     age: Option<i32>,
    /// }
    ///
    /// let value: InputValue = graphql_input_value!({"displayName": "Ada", "age": null});
    /// let json = CreateUserInput::descriptor().to_json(&value)?;
    /// assert_eq!(json, serde_json::json!({"display_name": "Ada"}));
    /// # Ok::<(), fraiseql::InputError>(())
    /// ```
    pub fn to_json(&self, value: &InputValue<S>) -> Result<Json, InputError> {
        object(self, value, &Path::Top)
    }
}

fn object(
    descriptor: &InputDescriptor,
    value: &InputValue<S>,
    path: &Path<'_>,
) -> Result<Json, InputError> {
    let InputValue::Object(entries) = value else {
        return Err(InputError::new(
            path,
            format!("expected an object of type {}", descriptor.name),
        ));
    };
    for (name, _) in entries {
        if descriptor.graphql_field(&name.item).is_none() {
            return Err(InputError::new(
                path,
                format!("{} has no field {}", descriptor.name, name.item),
            ));
        }
    }
    let mut json = Map::new();
    for field in descriptor.fields {
        let here = Path::Field(path, field.name);
        let given = entries
            .iter()
            .find(|(name, _)| name.item == field.name)
            .map(|(_, value)| &value.item);
        match given {
            None | Some(InputValue::Null) if field.ty.is_nullable() => {}
            None => return Err(InputError::new(&here, "required field missing")),
            Some(value) => {
                json.insert(field.key.to_owned(), convert(&field.ty, value, &here)?);
            }
        }
    }
    Ok(Json::Object(json))
}

fn convert(ty: &FieldType, value: &InputValue<S>, path: &Path<'_>) -> Result<Json, InputError> {
    if let InputValue::Variable(name) = value {
        return Err(InputError::new(
            path,
            format!("variable ${name} was not substituted"),
        ));
    }
    match (ty, value) {
        (FieldType::Nullable(_), InputValue::Null) => Ok(Json::Null),
        (FieldType::Nullable(inner), value) => convert(inner, value, path),
        (_, InputValue::Null) => Err(InputError::new(path, "null given for a required value")),
        (FieldType::List(item), InputValue::List(items)) => items
            .iter()
            .enumerate()
            .map(|(index, value)| convert(item, &value.item, &Path::Index(path, index)))
            .collect(),
        // GraphQL input coercion: a single value stands for a list of one.
        (FieldType::List(item), value) => Ok(Json::Array(vec![convert(item, value, path)?])),
        (FieldType::Input(descriptor), value) => object(descriptor(), value, path),
        (FieldType::Enum(descriptor), value) => enum_value(descriptor(), value, path),
        (FieldType::Scalar(kind), value) => scalar(*kind, value, path),
        (FieldType::Object(descriptor), _) => Err(InputError::new(
            path,
            format!("{} is an output type, not an input", descriptor().name),
        )),
    }
}

/// A literal enum value arrives as an enum, one given through a variable as a string.
fn enum_value(
    descriptor: &'static EnumDescriptor,
    value: &InputValue<S>,
    path: &Path<'_>,
) -> Result<Json, InputError> {
    let (InputValue::Enum(name) | InputValue::Scalar(S::String(name))) = value else {
        return Err(InputError::new(
            path,
            format!("expected a value of enum {}", descriptor.name),
        ));
    };
    descriptor
        .values
        .iter()
        .find(|v| v.name == name)
        .map(|v| Json::String(v.stored.to_owned()))
        .ok_or_else(|| {
            InputError::new(
                path,
                format!("{name} is not a value of enum {}", descriptor.name),
            )
        })
}

fn scalar(kind: ScalarKind, value: &InputValue<S>, path: &Path<'_>) -> Result<Json, InputError> {
    let wrong = || {
        InputError::new(
            path,
            format!("expected {}", crate::graphql::scalar_name(kind)),
        )
    };
    let text = |value: &InputValue<S>| match value {
        InputValue::Scalar(S::String(text)) => Some(text.clone()),
        _ => None,
    };
    // Values Rust types would serialize are put through those types, so both agree exactly.
    let through = |json: Result<Json, serde_json::Error>| json.map_err(|_| wrong());
    match (kind, value) {
        (ScalarKind::Bool, InputValue::Scalar(S::Boolean(b))) => Ok(Json::Bool(*b)),
        (ScalarKind::Int, InputValue::Scalar(S::Int(i))) => Ok(Json::from(*i)),
        (ScalarKind::BigInt, value) => big_int(value).map(Json::from).ok_or_else(wrong),
        (ScalarKind::Float, InputValue::Scalar(S::Float(f))) => float(*f).ok_or_else(wrong),
        (ScalarKind::Float, InputValue::Scalar(S::Int(i))) => {
            float(f64::from(*i)).ok_or_else(wrong)
        }
        (ScalarKind::Numeric, InputValue::Scalar(S::Int(i))) => Ok(Json::from(*i)),
        (ScalarKind::Numeric, InputValue::Scalar(S::Float(f))) => float(*f).ok_or_else(wrong),
        (ScalarKind::Numeric, InputValue::Scalar(S::String(s))) if is_decimal(s) => {
            // Text keeps every digit: PostgreSQL reads a JSON string into `numeric` exactly.
            Ok(Json::String(s.clone()))
        }
        (ScalarKind::Text, InputValue::Scalar(S::String(s))) => Ok(Json::String(s.clone())),
        (ScalarKind::Uuid, value) => {
            let uuid = text(value).and_then(|t| Uuid::parse_str(&t).ok());
            through(serde_json::to_value(uuid.ok_or_else(wrong)?))
        }
        (ScalarKind::Date, value) => {
            let date = text(value).and_then(|t| t.parse::<NaiveDate>().ok());
            through(serde_json::to_value(date.ok_or_else(wrong)?))
        }
        (ScalarKind::Timestamp, value) => {
            let instant =
                text(value).and_then(|t| DateTime::<FixedOffset>::parse_from_rfc3339(&t).ok());
            through(serde_json::to_value(
                instant.ok_or_else(wrong)?.with_timezone(&Utc),
            ))
        }
        (ScalarKind::Json, value) => free_json(value, path),
        _ => Err(wrong()),
    }
}

/// An `i64` from an `Int`, from digits in a string (literals past 32 bits), or from a whole
/// float (variables past 32 bits).
fn big_int(value: &InputValue<S>) -> Option<i64> {
    match value {
        InputValue::Scalar(S::Int(i)) => Some(i64::from(*i)),
        InputValue::Scalar(S::String(s)) => s.parse().ok(),
        // Exactly representable whole floats only: 2^53 and beyond may have been rounded.
        InputValue::Scalar(S::Float(f))
            if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Some(*f as i64)
        }
        _ => None,
    }
}

/// A finite float as JSON; NaN and infinities have no JSON form.
fn float(f: f64) -> Option<Json> {
    Number::from_f64(f).map(Json::Number)
}

/// `-12`, `3.14`, `1e-7`: the decimal forms PostgreSQL's `numeric` reads.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) || whole.is_empty())
                && (digits(fraction) || fraction.is_empty())
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

/// A `JSON` scalar: any GraphQL value, taken as the JSON it spells.
fn free_json(value: &InputValue<S>, path: &Path<'_>) -> Result<Json, InputError> {
    Ok(match value {
        InputValue::Null => Json::Null,
        InputValue::Scalar(S::Int(i)) => Json::from(*i),
        InputValue::Scalar(S::Float(f)) => {
            float(*f).ok_or_else(|| InputError::new(path, "not a finite number"))?
        }
        InputValue::Scalar(S::String(s)) | InputValue::Enum(s) => Json::String(s.clone()),
        InputValue::Scalar(S::Boolean(b)) => Json::Bool(*b),
        InputValue::List(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| free_json(&item.item, &Path::Index(path, i)))
                .collect::<Result<_, _>>()?,
        ),
        InputValue::Object(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, item)| {
                    let value = free_json(&item.item, &Path::Field(path, &key.item))?;
                    Ok((key.item.clone(), value))
                })
                .collect::<Result<_, InputError>>()?,
        ),
        InputValue::Variable(name) => {
            return Err(InputError::new(
                path,
                format!("variable ${name} was not substituted"),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::is_decimal;

    #[test]
    fn decimals() {
        for good in ["0", "-12", "+3", "3.14", ".5", "5.", "1e-7", "2.5E+10"] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in [
            "", "-", ".", "1e", "1.2.3", "NaN", "Infinity", "0x10", "1 ", "e5",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
