//! The traits derived types implement, and which Rust types may be fields.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fraiseql_sql::ScalarKind;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::descriptor::{EnumDescriptor, FieldType, TypeDescriptor};
use crate::typed::{ArrayHandle, Handle, NoHandle, ScalarHandle, kind};

/// A struct served from a `tv_*` relation: implemented by `#[derive(FraiseType)]`.
pub trait FraiseType: DeserializeOwned + Send + Sync + 'static {
    /// Typed handles on the fields, for filters and ordering.
    type Fields: Handle;

    /// The type's descriptor.
    fn descriptor() -> &'static TypeDescriptor;
}

/// A fieldless enum stored as text: implemented by `#[derive(FraiseEnum)]`.
pub trait FraiseEnum: DeserializeOwned + Send + Sync + 'static {
    /// The enum's descriptor.
    fn descriptor() -> &'static EnumDescriptor;

    /// The text this value is stored as.
    fn stored(&self) -> &'static str;
}

/// A Rust type that can be a field of a `FraiseType`: its GraphQL/SQL type and its typed handles.
///
/// Implemented for `bool`, `i16`, `i32`, `i64`, `f32`, `f64`, `String`, `uuid::Uuid`,
/// `chrono::NaiveDate`, `chrono::DateTime<Utc>`, `chrono::DateTime<FixedOffset>`,
/// `serde_json::Value`, `Option<T>`, `Vec<T>`, and every `FraiseType` and `FraiseEnum`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a FraiseType",
    label = "unsupported field type",
    note = "fields may be bool, i16, i32, i64, f32, f64, String, uuid::Uuid, chrono::NaiveDate, chrono::DateTime<Utc>, serde_json::Value, Option<T>, Vec<T>, or a type deriving FraiseType or FraiseEnum; #[fraiseql(skip)] leaves a field out"
)]
pub trait FraiseField {
    /// The field's type.
    const TYPE: FieldType;
    /// Handle on a field of this type.
    type Handle: Handle;
    /// Handle on a field holding a list of this type.
    type ListHandle: Handle;
}

macro_rules! scalar_fields {
    ($($rust:ty => $kind:ident / $marker:ident),* $(,)?) => {$(
        impl FraiseField for $rust {
            const TYPE: FieldType = FieldType::Scalar(ScalarKind::$kind);
            type Handle = ScalarHandle<kind::$marker>;
            type ListHandle = ArrayHandle<kind::$marker>;
        }
    )*};
}

scalar_fields!(
    bool => Bool / Bool,
    i16 => Int / Int,
    i32 => Int / Int,
    i64 => BigInt / BigInt,
    f32 => Float / Float,
    f64 => Float / Float,
    String => Text / Text,
    Uuid => Uuid / Uuid,
    NaiveDate => Date / Date,
    DateTime<Utc> => Timestamp / Timestamp,
    DateTime<FixedOffset> => Timestamp / Timestamp,
    serde_json::Value => Json / Json,
);

impl<T: FraiseField> FraiseField for Option<T> {
    const TYPE: FieldType = FieldType::Nullable(&T::TYPE);
    type Handle = T::Handle;
    type ListHandle = T::ListHandle;
}

impl<T: FraiseField> FraiseField for Vec<T> {
    const TYPE: FieldType = FieldType::List(&T::TYPE);
    type Handle = T::ListHandle;
    /// Lists of lists can be served but not filtered.
    type ListHandle = NoHandle;
}
