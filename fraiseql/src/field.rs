//! The traits derived types implement, and which Rust types may be fields.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fraiseql_sql::ScalarKind;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::descriptor::{EnumDescriptor, FieldType, InputDescriptor, TypeDescriptor};
use crate::typed::{ArrayHandle, Handle, NoHandle, ScalarHandle, kind};

/// A struct served from a `tv_*` relation: implemented by `#[derive(FraiseType)]`.
pub trait FraiseType: DeserializeOwned + Send + Sync + 'static {
    /// Typed handles on the fields, for filters and ordering.
    type Fields: Handle;

    /// The type's descriptor.
    fn descriptor() -> &'static TypeDescriptor;
}

/// A struct passed to mutation functions: implemented by `#[derive(FraiseInput)]`.
///
/// It is a GraphQL input object, and its `Serialize` produces exactly the JSON object the
/// function receives as `jsonb`: the descriptor's keys, `None` fields left out, nested inputs as
/// nested objects, enums as their stored text.
///
/// ```
/// use fraiseql::{FraiseInput, InputDescriptor};
///
/// /// What creating a user needs.
/// #[derive(FraiseInput)]
/// struct CreateUserInput {
///     display_name: String,
///     age: Option<i32>,
/// }
///
/// let input = CreateUserInput { display_name: "Ada".into(), age: None };
/// assert_eq!(serde_json::to_value(&input)?, serde_json::json!({"display_name": "Ada"}));
///
/// let descriptor: &InputDescriptor = <CreateUserInput as FraiseInput>::descriptor();
/// assert_eq!(descriptor.name, "CreateUserInput");
/// assert_eq!(descriptor.field("display_name").unwrap().name, "displayName");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait FraiseInput: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The input's descriptor.
    fn descriptor() -> &'static InputDescriptor;
}

/// A fieldless enum stored as text: implemented by `#[derive(FraiseEnum)]`.
pub trait FraiseEnum: Serialize + DeserializeOwned + Send + Sync + 'static {
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

/// A Rust type that can be a field of a `FraiseInput`: its GraphQL type, and whether a value is
/// left out of the JSON a function receives.
///
/// Implemented for the scalar types [`FraiseField`] lists, `Option<T>`, `Vec<T>`, and every
/// `FraiseInput` and `FraiseEnum`. `FraiseType` structs are output types, not inputs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a FraiseInput",
    label = "unsupported input field type",
    note = "input fields may be bool, i16, i32, i64, f32, f64, String, uuid::Uuid, chrono::NaiveDate, chrono::DateTime<Utc>, serde_json::Value, Option<T>, Vec<T>, or a type deriving FraiseInput or FraiseEnum"
)]
pub trait FraiseInputField {
    /// The field's type.
    const TYPE: FieldType;

    /// Whether this value is left out of the JSON object: `None` is omitted rather than sent as
    /// `null`, so a function sees an optional field it was not given as absent.
    fn is_omitted(&self) -> bool {
        false
    }
}

macro_rules! scalar_fields {
    ($($rust:ty => $kind:ident / $marker:ident),* $(,)?) => {$(
        impl FraiseField for $rust {
            const TYPE: FieldType = FieldType::Scalar(ScalarKind::$kind);
            type Handle = ScalarHandle<kind::$marker>;
            type ListHandle = ArrayHandle<kind::$marker>;
        }

        impl FraiseInputField for $rust {
            const TYPE: FieldType = FieldType::Scalar(ScalarKind::$kind);
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

impl<T: FraiseInputField> FraiseInputField for Option<T> {
    const TYPE: FieldType = FieldType::Nullable(&T::TYPE);

    fn is_omitted(&self) -> bool {
        self.is_none()
    }
}

impl<T: FraiseInputField> FraiseInputField for Vec<T> {
    const TYPE: FieldType = FieldType::List(&T::TYPE);
}
