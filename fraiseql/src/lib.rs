//! GraphQL straight from PostgreSQL, the FraiseQL way.
//!
//! The runtime (schema, repositories, execution) is being built on top of
//! [`fraiseql_sql`], re-exported here as [`sql`].

pub use fraiseql_sql as sql;
