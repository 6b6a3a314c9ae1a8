//! Descriptors: the `'static` data `#[derive(FraiseType)]`, `#[derive(FraiseInput)]` and
//! `#[derive(FraiseEnum)]` generate, which the runtime reads to build schemas, SQL and the JSON
//! mutation functions receive.

use fraiseql_sql::{Direction, Kind, Nulls, OrderBy, ScalarKind, Source, Target};

use crate::error::{Error, Result};

/// Everything the runtime knows about a `FraiseType` struct.
#[derive(Debug)]
pub struct TypeDescriptor {
    /// GraphQL type name.
    pub name: &'static str,
    /// GraphQL description (the doc comment unless `description = "…"`).
    pub description: Option<&'static str>,
    /// The read relation, possibly schema-qualified (`tv_user`, `app.tv_user`).
    pub view: &'static str,
    /// The JSONB document column of the relation.
    pub data: &'static str,
    /// The field holding the public key (a `uuid` column of the relation).
    pub key: &'static str,
    /// The field holding the human key (`identifier`), when the type has one.
    pub identifier: Option<&'static str>,
    /// The fields, in declaration order (skipped fields are absent).
    pub fields: &'static [FieldDescriptor],
    /// The order of lists and connections that ask for none (`#[fraiseql(default_order =
    /// "…")]`); the key always follows it, and is the whole order when this is empty.
    pub default_order: &'static [OrderKeyDescriptor],
    /// The roles that may read objects of this type, any one of them (`#[fraiseql(requires =
    /// "…")]` on the struct); empty when every request may.
    pub requires: &'static [&'static str],
}

impl TypeDescriptor {
    /// The field whose Rust name is `rust_name`.
    pub fn field(&self, rust_name: &str) -> Option<&'static FieldDescriptor> {
        self.fields.iter().find(|f| f.rust_name == rust_name)
    }

    /// The field whose GraphQL name is `name`.
    pub fn graphql_field(&self, name: &str) -> Option<&'static FieldDescriptor> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// [`default_order`](Self::default_order) as order keys, or why a key cannot sort (a field
    /// the type does not have, or one of a kind without an order).
    pub fn default_order_by(&self) -> Result<Vec<OrderBy>> {
        self.default_order
            .iter()
            .map(|key| {
                let target = match key.by {
                    OrderSource::Field(rust_name) => self
                        .field(rust_name)
                        .and_then(FieldDescriptor::order_target)
                        .ok_or_else(|| {
                            Error::BadInput(format!(
                                "the default order of {} names `{rust_name}`, which is not a sortable field",
                                self.name
                            ))
                        })?,
                    OrderSource::Column(column, kind) => Target::column(column, kind)
                        .map_err(|e| Error::BadInput(e.to_string()))?,
                };
                let order = OrderBy::new(target, key.direction);
                Ok(match key.nulls {
                    Some(nulls) => order.nulls(nulls),
                    None => order,
                })
            })
            .collect()
    }
}

/// One key of a type's default order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderKeyDescriptor {
    /// What it sorts by.
    pub by: OrderSource,
    /// Ascending or descending.
    pub direction: Direction,
    /// Where nulls go (`None`: PostgreSQL's default, last ascending and first descending).
    pub nulls: Option<Nulls>,
}

/// What a key of a default order sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderSource {
    /// The served field with this Rust name (its document key, or its column).
    Field(&'static str),
    /// A real column of the relation that is no GraphQL field (`pk_post`), of this kind.
    Column(&'static str, ScalarKind),
}

/// One field of a `FraiseType`.
#[derive(Debug)]
pub struct FieldDescriptor {
    /// GraphQL field name.
    pub name: &'static str,
    /// Rust field name.
    pub rust_name: &'static str,
    /// Where the value is stored.
    pub source: FieldSource,
    /// Its type.
    pub ty: FieldType,
    /// GraphQL description (the doc comment unless `description = "…"`).
    pub description: Option<&'static str>,
    /// Deprecation, when the field is deprecated.
    pub deprecation: Option<Deprecation>,
    /// The roles that may read, filter and sort by this field, any one of them
    /// (`#[fraiseql(requires = "…")]`); empty when every request may.
    pub requires: &'static [&'static str],
}

impl FieldDescriptor {
    /// What a list sorts by to order by this field (its column, or its document key read as
    /// its kind; an enum as its stored text), or `None` for a field without an order (objects,
    /// lists, JSON).
    pub fn order_target(&self) -> Option<Target> {
        let kind = match self.ty.non_null() {
            FieldType::Scalar(kind) if kind.is_sortable() => *kind,
            FieldType::Enum(_) => ScalarKind::Text,
            _ => return None,
        };
        let source = match self.source {
            FieldSource::Json(key) => Source::Path(fraiseql_sql::JsonPath::new(vec![
                fraiseql_sql::JsonKey::new(key).ok()?,
            ])),
            FieldSource::Column(column) => Source::Column(fraiseql_sql::Ident::new(column).ok()?),
        };
        Target::new(source, Kind::Scalar(kind)).ok()
    }
}

/// Where a field's value is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSource {
    /// Under this key of the JSON document.
    Json(&'static str),
    /// In this real column of the relation.
    Column(&'static str),
}

impl FieldSource {
    /// The key in the document, or the column name: also the key the field has in the JSON
    /// repositories deserialize.
    pub fn key(&self) -> &'static str {
        match self {
            FieldSource::Json(key) | FieldSource::Column(key) => key,
        }
    }
}

/// A field's deprecation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    /// Why, and what to use instead.
    pub reason: Option<&'static str>,
}

/// The type of a field, as GraphQL sees it: non-null unless wrapped in [`FieldType::Nullable`].
#[derive(Debug, Clone, Copy)]
pub enum FieldType {
    /// A scalar of this SQL kind.
    Scalar(ScalarKind),
    /// A `FraiseEnum`, stored as text.
    Enum(fn() -> &'static EnumDescriptor),
    /// An embedded `FraiseType` object.
    Object(fn() -> &'static TypeDescriptor),
    /// A nested `FraiseInput` object (only in input types).
    Input(fn() -> &'static InputDescriptor),
    /// `Option<T>`: may be null or absent.
    Nullable(&'static FieldType),
    /// `Vec<T>`: a JSON array.
    List(&'static FieldType),
}

impl FieldType {
    /// Whether the value may be null.
    pub fn is_nullable(&self) -> bool {
        matches!(self, FieldType::Nullable(_))
    }

    /// Whether rows can be sorted by a field of this type: a sortable scalar or an enum,
    /// nullable or not (checked at compile time for `default_order`).
    pub const fn is_sortable(&self) -> bool {
        match self {
            FieldType::Scalar(kind) => kind.is_sortable(),
            FieldType::Enum(_) => true,
            FieldType::Nullable(inner) => match inner {
                FieldType::Scalar(kind) => kind.is_sortable(),
                FieldType::Enum(_) => true,
                _ => false,
            },
            _ => false,
        }
    }

    /// The `FraiseType` at the bottom of this type (`Author` for `Option<Vec<Author>>`), if any.
    pub fn object(&self) -> Option<&'static TypeDescriptor> {
        match self {
            FieldType::Object(descriptor) => Some(descriptor()),
            FieldType::Nullable(inner) | FieldType::List(inner) => inner.object(),
            _ => None,
        }
    }

    /// Whether this is a list of objects (`Vec<T>` of a `FraiseType`, possibly `Option`al).
    pub fn is_object_list(&self) -> bool {
        matches!(self.non_null(), FieldType::List(item) if matches!(item.non_null(), FieldType::Object(_)))
    }

    /// The type without its nullable wrapper.
    pub fn non_null(&self) -> &FieldType {
        match self {
            FieldType::Nullable(inner) => inner,
            other => other,
        }
    }
}

/// Everything the runtime knows about a `FraiseEnum`.
#[derive(Debug)]
pub struct EnumDescriptor {
    /// GraphQL enum name.
    pub name: &'static str,
    /// GraphQL description.
    pub description: Option<&'static str>,
    /// The values, in declaration order.
    pub values: &'static [EnumValueDescriptor],
}

/// One value of a `FraiseEnum`.
#[derive(Debug)]
pub struct EnumValueDescriptor {
    /// GraphQL value name (`ADMIN`).
    pub name: &'static str,
    /// The text stored in the document (`admin`).
    pub stored: &'static str,
    /// Rust variant name.
    pub rust_name: &'static str,
    /// GraphQL description.
    pub description: Option<&'static str>,
    /// Deprecation, when the value is deprecated.
    pub deprecation: Option<Deprecation>,
}

/// Everything the runtime knows about a `FraiseInput` struct: a GraphQL input object, and the
/// JSON object a mutation function receives as its `jsonb` argument.
#[derive(Debug)]
pub struct InputDescriptor {
    /// GraphQL input object name (the struct name unless `name = "…"`).
    pub name: &'static str,
    /// GraphQL description (the doc comment unless `description = "…"`).
    pub description: Option<&'static str>,
    /// The fields, in declaration order (skipped fields are absent).
    pub fields: &'static [InputFieldDescriptor],
}

impl InputDescriptor {
    /// The field whose Rust name is `rust_name`.
    pub fn field(&self, rust_name: &str) -> Option<&'static InputFieldDescriptor> {
        self.fields.iter().find(|f| f.rust_name == rust_name)
    }

    /// The field whose GraphQL name is `name`.
    pub fn graphql_field(&self, name: &str) -> Option<&'static InputFieldDescriptor> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// One field of a `FraiseInput`.
#[derive(Debug)]
pub struct InputFieldDescriptor {
    /// GraphQL input field name.
    pub name: &'static str,
    /// Rust field name.
    pub rust_name: &'static str,
    /// The key the value has in the JSON object the function receives.
    pub key: &'static str,
    /// Its type: required (`T!` in GraphQL) unless [`FieldType::Nullable`], which may be omitted.
    pub ty: FieldType,
    /// GraphQL description (the doc comment unless `description = "…"`).
    pub description: Option<&'static str>,
}
