//! GraphQL straight from PostgreSQL, the FraiseQL way.
//!
//! Put `#[derive(FraiseType)]` on a struct and it describes a `tv_<entity>` read relation: one row
//! per entity, the entity as a JSONB document in its `data` column. The derive generates a
//! `'static` [`TypeDescriptor`] (what the runtime reads), serde deserialization from the document,
//! and typed filter and order handles:
//!
//! ```
//! use fraiseql::{FraiseEnum, FraiseType};
//! use uuid::Uuid;
//!
//! /// A registered user.
//! #[derive(FraiseType)]
//! struct User {
//!     id: Uuid,
//!     name: String,
//!     age: Option<i32>,
//!     role: Role,
//!     #[fraiseql(column)]
//!     tenant_id: Uuid,
//!     posts: Vec<Post>,
//! }
//!
//! #[derive(FraiseType)]
//! struct Post {
//!     id: Uuid,
//!     title: String,
//! }
//!
//! #[derive(FraiseEnum, Clone, Copy)]
//! enum Role { Admin, Member }
//!
//! let adults_named_a = User::filter().name().starts_with("A")
//!     .and(User::filter().age().gte(18))
//!     .and(User::filter().role().eq(Role::Member))
//!     .and(User::filter().posts().any(|post| post.title().icontains("rust")));
//! let order = User::order().name().asc().nulls_last();
//! # let _ = (adults_named_a, order);
//!
//! let descriptor = <User as fraiseql::FraiseType>::descriptor();
//! assert_eq!(descriptor.view, "tv_user");
//! assert_eq!(descriptor.description, Some("A registered user."));
//! ```
//!
//! Operators a field's type does not have do not compile:
//!
//! ```compile_fail
//! # use fraiseql::FraiseType;
//! #[derive(FraiseType)]
//! struct User { id: uuid::Uuid, active: bool }
//! let wrong = User::filter().active().gt(true); // no `gt` on booleans
//! ```
//!
//! Mutations take `#[derive(FraiseInput)]` structs: GraphQL input objects whose `Serialize` is the
//! JSON object the PostgreSQL function receives (see [`FraiseInput`] and
//! [`InputDescriptor::to_json`]).
//!
//! The [`attributes`] page lists every attribute, with examples. The SQL vocabulary underneath is
//! [`fraiseql_sql`], re-exported as [`sql`].

// The derives name `::fraiseql`; this lets the crate's own tests use them.
extern crate self as fraiseql;

#[cfg(feature = "actix")]
pub mod actix;
pub mod attributes;
#[cfg(feature = "axum")]
pub mod axum;
mod context;
mod database;
mod descriptor;
mod error;
mod field;
pub mod graphql;
#[cfg(feature = "http")]
pub mod http;
mod input;
mod limits;
#[cfg(feature = "metrics")]
pub mod metrics;
mod mutation;
mod repository;
pub mod trace;
pub mod typed;

pub use context::RequestContext;
pub use database::{DEFAULT_STATEMENT_TIMEOUT, Database};
/// The server a connection string naming none connects to (shared with the `fraiseql` command
/// line); not part of the public API.
#[doc(hidden)]
pub use database::{SOCKET_DIRECTORIES, with_default_host, with_default_host_in};
pub use error::{Error, Result};
pub use mutation::{FieldError, MutationOutcome, MutationRefusal, MutationSuccess};
pub use repository::{ConnectionPage, Edge, FindMany, PageInfo, Repository};

pub use descriptor::{
    Deprecation, EnumDescriptor, EnumValueDescriptor, FieldDescriptor, FieldSource, FieldType,
    InputDescriptor, InputFieldDescriptor, OrderKeyDescriptor, OrderSource, TypeDescriptor,
};
pub use field::{FraiseEnum, FraiseField, FraiseInput, FraiseInputField, FraiseType};
pub use fraiseql_derive::{FraiseEnum, FraiseInput, FraiseType};
pub use fraiseql_sql as sql;
pub use input::InputError;

/// SQL a database needs for FraiseQL mutations, to run once (in a migration): the
/// `fraiseql_mutation_result` type every mutation function returns, and its constructors
/// `fraiseql_success(entity_id, entity, message, updated_fields, status)` and
/// `fraiseql_refusal(status, message, errors)`. The file's comments give the contract.
///
/// ```
/// assert!(fraiseql::MUTATION_RESULT_SQL.contains("CREATE TYPE fraiseql_mutation_result"));
/// ```
pub const MUTATION_RESULT_SQL: &str = include_str!("../sql/mutation_result.sql");

/// What generated code needs; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;

    /// `skip_serializing_if` of the fields of `#[derive(FraiseInput)]`'s serialization mirror.
    pub fn omitted<T: crate::FraiseInputField + ?Sized>(value: &&T) -> bool {
        value.is_omitted()
    }
}
