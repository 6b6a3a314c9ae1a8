//! The typed SQL vocabulary of FraiseQL: pure SQL text and bind parameters, no I/O.
//!
//! FraiseQL reads from `tv_<entity>` relations whose `data` column holds each entity as one JSONB
//! document. This crate turns a typed description of a read — which rows ([`Filter`]), in which
//! order ([`OrderBy`]), which page ([`Page`], limit/offset), which fields ([`Projection`]) — into
//! one [`Statement`]: SQL text whose only inputs are bind parameters, returning the response JSON
//! built by PostgreSQL.
//!
//! - Names are validated when made ([`Ident`], [`JsonKey`], [`Name`]) and always quoted; user
//!   input is never written into SQL text, only bound as a [`Param`].
//! - Rendering is deterministic: one query shape, one SQL text, so statements can be prepared once.
//!
//! ```
//! use fraiseql_sql::*;
//!
//! let posts = Relation::new("tv_post")?;
//! let title = Target::path("title", ScalarKind::Text)?;
//! let list = Root::List {
//!     relation: posts,
//!     filter: Filter::cond(title.clone(), Op::Contains("rust".into())),
//!     order: vec![OrderBy::asc(title)],
//!     limit: Some(20),
//!     offset: 0,
//!     projection: Projection::new()
//!         .field(Name::new("title")?, Projected::Value(JsonPath::parse("title")?))
//!         .field(Name::new("author")?, Projected::Object(
//!             JsonPath::parse("author")?,
//!             Projection::new().field(Name::new("name")?, Projected::Value(JsonPath::parse("name")?)),
//!         )),
//! };
//! let statement = Statement::select(&[(Name::new("posts")?, list)])?;
//! assert!(statement.sql().starts_with("SELECT json_build_object('posts', "));
//! assert_eq!(statement.params()[0], Param::Text("%rust%".into()));
//! # Ok::<(), fraiseql_sql::Error>(())
//! ```

mod aggregate;
mod connection;
mod cursor;
mod elements;
mod error;
mod filter;
mod ident;
mod kind;
mod order;
mod projection;
mod query;
mod rename;
mod statement;
mod target;
mod value;
mod writer;

pub use aggregate::{
    Aggregated, Aggregation, ElementAggregate, Function, GroupField, GroupKey, Groups, Truncate,
};
pub use connection::{Connection, ConnectionField, EdgeField, Page, PageInfoField};
pub use cursor::CursorKey;
pub use elements::{Element, ElementList, Elements};
pub use error::{Error, Result};
pub use filter::{Filter, Op};
pub use ident::{Ident, JsonKey, MAX_IDENT_BYTES, Name, QualifiedName};
pub use kind::{Kind, ScalarKind};
pub use order::{Direction, Nulls, OrderBy};
pub use projection::{Projected, Projection};
pub use query::{Call, Relation, Root};
pub use rename::Renames;
pub use statement::Statement;
pub use target::{JsonPath, Source, Target};
pub use value::{Param, Secret, Value};
